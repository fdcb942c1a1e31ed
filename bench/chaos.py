"""The chaos suite, longer: `python -m bench.chaos [--small] [--db URL] [--seed N]`.

Runs tests/chaos with CHAOS_SCALE=long (200 parents, 5xx, 429 and timeouts before and after
delivery on ~19% of sends, 5 kills -9 at random points of the notice, then two processes with
the default lease and the holder killed mid-notice) and prints each test's counts: messages
lost, duplicated, recorded possibly duplicated, unexpected duplicates, user-visible errors,
faults injected, and the takeover time. `--small` runs the short version (as in CI). `--db`
takes a PostgreSQL URL (its tables are truncated, as the test suite does).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.chaos", description=__doc__)
    parser.add_argument("--small", action="store_true", help="the short version (CI's)")
    parser.add_argument("--db", help="a PostgreSQL URL for the tests' database (default SQLite)")
    parser.add_argument("--seed", type=int, default=16, help="the faults' and kills' seed")
    args = parser.parse_args()
    env = {**os.environ, "CHAOS_SCALE": "short" if args.small else "long"}
    env["CHAOS_SEED"] = str(args.seed)
    if args.db:
        env["TEST_DATABASE_URL"] = args.db
    command = [sys.executable, "-m", "pytest", "-q", "-s", "-p", "no:cacheprovider", "tests/chaos"]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    lines = [line for line in result.stdout.splitlines() if line.startswith("chaos:")]
    print("\n".join(lines) or result.stdout[-3000:])
    out = result.stdout.strip()
    print(out.splitlines()[-1] if out else result.stderr[-2000:])
    return result.returncode


if __name__ == "__main__":
    raise SystemExit(main())
