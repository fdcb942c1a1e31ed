"""`python bot.py demo --user ID` as a newcomer runs it: twice, and with a made-up id."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

REPO_ROOT = Path(__file__).resolve().parents[2]
SETTINGS = ("BOT_TOKEN", "BOT_API_URL", "DATABASE_URL", "BOT_OWNERS", "DEFAULT_TIMEZONE")


def demo(tmp_path: Path, user: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS}
    env.update(BOT_TOKEN="123:abc", DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'demo.sqlite3'}")
    return subprocess.run(
        [sys.executable, "bot.py", "demo", "--user", user],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_demo_command_seeds_once_and_refuses_made_up_ids(tmp_path: Path) -> None:
    first = demo(tmp_path, "12345")
    assert first.returncode == 0, first.stderr
    assert "Demo data is ready" in first.stdout
    assert "Telegram user 12345 is supervisor of Demo District" in first.stdout

    second = demo(tmp_path, "12345")
    assert second.returncode == 0, second.stderr
    assert "added nothing" in second.stdout
    assert first.stdout.split("\n", 1)[1] == second.stdout.split("\n", 1)[1]

    refused = demo(tmp_path, "9100000001")
    assert refused.returncode == 2
    assert "reserved for the demo's made-up people" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert "123:abc" not in first.stderr + second.stderr + refused.stderr
