"""Benchmark: the homework notice to a whole school through the real, paced delivery path.

    .venv/bin/python -m bench.sends --small                     # SQLite, 300 parents (~15 s)
    .venv/bin/python -m bench.sends                             # SQLite, 2,000 parents (~2 min)
    .venv/bin/python -m bench.sends --db postgresql+asyncpg://postgres@127.0.0.1/qingfu_bench2

A school of P parents (one child each, classes of 40, homework on the evening) gets its
homework notice from the real scheduler: `handlers.jobs.tick` at 17:35 local time runs the
notice job, which claims one `notifications` row per message and sends through
`handlers.delivery.deliver` (and the Application's bot, the Telegram budget included when
on). The clock is injected but moves with real time, so the lease heartbeat runs as in
production. Three runs, each on a freshly migrated database:

  paced       production: delivery pacer (RATE/BURST), the Telegram budget, and the fake
              Bot API enforcing Telegram's 30 messages/s (any burst over it is a 429,
              counted as a violation; there must be none);
  unpaced     pacer effectively off, no budget, no limit in the fake: what our own
              code costs (paced / unpaced shows that the pacing is the bound);
  429 x3      as unpaced, but the first three sendMessage calls answer 429 retry_after=1
              (`api.fail_next`): delivery must wait them out and lose nothing (every
              parent gets the notice exactly once, every notifications row is sent).

"peak/1s" is the largest number of messages accepted by the fake in any one-second window.
The database is DROPPED and re-migrated for each run: give it a database of its own.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import func, select

from bench.botkit import (
    bench_bot,
    database_url,
    fresh_database,
    local,
    pacer_off,
    pacer_on,
    seed_school,
    shown,
    table,
)
from handlers.scheduler import outbox as delivery
from handlers.scheduler.tick import tick
from storage.models import Notification

TELEGRAM_LIMIT = 30


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", help="database URL (default: a temporary SQLite file)")
    parser.add_argument("--small", action="store_true", help="300 parents instead of 2,000")
    parser.add_argument("--parents", type=int)
    return parser.parse_args()


@dataclass
class Run:
    name: str
    parents: int
    wall: float = 0.0
    sent: int = 0  # as reported by the delivery
    accepted: int = 0  # sendMessage calls the fake answered 200
    rejected: int = 0  # sendMessage calls answered 429 (injected or over the limit)
    violations: int = 0  # bursts over the fake's rate limit
    peak: int = 0  # most messages accepted in any one-second window
    per_recipient: Counter[int] = field(default_factory=Counter)
    rows: dict[str, int] = field(default_factory=dict)  # notifications by status
    errors: int = 0
    complete: bool = False

    @property
    def rate(self) -> float:
        return self.accepted / self.wall if self.wall else 0.0

    def problems(self) -> list[str]:
        found = []
        if self.sent != self.parents or self.accepted != self.parents:
            found.append(f"sent {self.sent}, accepted {self.accepted}, expected {self.parents}")
        if len(self.per_recipient) != self.parents or max(self.per_recipient.values()) != 1:
            twice = sum(1 for v in self.per_recipient.values() if v > 1)
            found.append(f"{len(self.per_recipient)} recipients, {twice} got it more than once")
        if self.rows != {"sent": self.parents}:
            found.append(f"notifications rows {self.rows}")
        if self.violations:
            found.append(f"{self.violations} bursts over {TELEGRAM_LIMIT}/s")
        if self.errors or not self.complete:
            found.append(f"errors {self.errors}, complete {self.complete}")
        return [f"{self.name}: {p}" for p in found]


def peak_per_second(times: list[float]) -> int:
    times = sorted(times)
    return max((bisect_right(times, t + 1.0 - 1e-9) - i for i, t in enumerate(times)), default=0)


async def run(url: str, parents: int, name: str, *, paced: bool, faults: int = 0) -> Run:
    result = Run(name, parents)
    engine = await fresh_database(url)
    async with bench_bot(engine, rate_limit=paced) as bot:
        school = await seed_school(bot, parents)
        api = bot.api
        api.rate_limit_per_second = TELEGRAM_LIMIT if paced else None
        if paced:
            pacer_on()
        else:
            pacer_off()
        if faults:
            api.fail_next("sendMessage", status=429, retry_after=1, times=faults)
        start, origin = local(17, 35), time.monotonic()
        bot.app.bot_data.clock = lambda: start + timedelta(seconds=time.monotonic() - origin)
        before = len(api.calls)
        t0 = time.perf_counter()
        report = await tick(bot.app)
        result.wall = time.perf_counter() - t0
        calls = [c for c in api.calls[before:] if c.method == "sendMessage"]
        ok = [c for c in calls if c.status == 200]
        result.sent, result.complete = report.sent, report.complete
        result.accepted = len(ok)
        result.rejected = sum(1 for c in calls if c.status == 429)
        result.violations = api.rate_violations
        result.peak = peak_per_second([c.time for c in ok])
        result.per_recipient = Counter(int(c.params["chat_id"]) for c in ok)
        async with bot.session() as session:
            result.rows = {
                str(status): int(count)
                for status, count in (
                    await session.execute(
                        select(Notification.status, func.count()).group_by(Notification.status)
                    )
                ).all()
            }
        result.errors = len(bot.errors)
        assert len(school.parent_ids) == parents
    await engine.dispose()
    print(f"  {name}: {result.accepted:,} sent in {result.wall:.1f} s", flush=True)
    return result


async def main() -> int:
    args = parse_args()
    p = args.parents or (300 if args.small else 2000)
    url = database_url(args.db)
    print(
        f"database: {shown(url)}; {p:,} parents; pacer {delivery.RATE:g}/s burst "
        f"{delivery.BURST}, batches of {delivery.BATCH}; Telegram limit {TELEGRAM_LIMIT}/s",
        flush=True,
    )
    paced = await run(url, p, "paced (production)", paced=True)
    unpaced = await run(url, p, "unpaced", paced=False)
    faulty = await run(url, p, "unpaced, 429 x3 injected", paced=False, faults=3)
    rows = [
        ["run", "sent", "wall", "msg/s", "of 30/s", "peak/1s", "429s", "over limit", "rows sent"]
    ]
    for r in (paced, unpaced, faulty):
        rows.append(
            [
                r.name,
                f"{r.accepted:,}",
                f"{r.wall:.2f} s",
                f"{r.rate:,.1f}",
                f"{r.rate / TELEGRAM_LIMIT:.2f}",
                f"{r.peak:,}",
                f"{r.rejected}",
                f"{r.violations}",
                f"{r.rows.get('sent', 0):,}/{p:,}",
            ]
        )
    print()
    print(table(rows))
    print()
    print(
        f"ratio paced / unpaced: {paced.wall / unpaced.wall:.1f} "
        f"(paced at {paced.rate:.1f} msg/s, {paced.wall / p * 1000:.0f} ms per message; "
        f"our own code at {unpaced.wall / p * 1000:.1f} ms per message)"
    )
    once = all(max(r.per_recipient.values(), default=0) == 1 for r in (paced, unpaced, faulty))
    print(
        f"correctness: every parent exactly once in every run: {once}; "
        f"handler errors {paced.errors + unpaced.errors + faulty.errors}; "
        f"429 x3 run: {faulty.rejected} answered 429, {faulty.accepted:,}/{p:,} delivered"
    )
    failures = paced.problems() + unpaced.problems() + faulty.problems()
    if faulty.rejected != 3:
        failures.append(f"expected 3 injected 429s, saw {faulty.rejected}")
    for failure in failures:
        print(f"FAILED: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
