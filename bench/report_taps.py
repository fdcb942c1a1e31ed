"""Benchmark: the parents' one-tap report at 21:00 against the bare storage upsert.

    .venv/bin/python -m bench.report_taps --small                     # SQLite, 300 parents
    .venv/bin/python -m bench.report_taps                             # SQLite, 3,000 parents
    .venv/bin/python -m bench.report_taps --db postgresql+asyncpg://postgres@127.0.0.1/qingfu_bench2

A school of N parents (one child each, classes of 40, grades 3-9, written homework on the
evening) gets the evening question from the real scheduler (`handlers.jobs.tick` at 20:35
with an injected clock; the delivery pacer is switched off for the seeding only). Then every
parent taps an answer at once (60% "as estimated", 30% a range, 10% "did not finish"): the N
callback_query updates go through the real Application's update processor
(`ChatOrderedProcessor`: chats in parallel, up to its 64 at a time, one session per update)
on the in-process fake Bot API with its rate limit off, and the Telegram budget
(`handlers.kit.budget`) off unless `--rate-limiter` (production has it on: replies first,
never more than 30 in any second).

Side by side, in the same run, the bare storage call (`storage.reports.save_report` + commit,
one session per row) for the same N rows, sequential and with the same concurrency; the ratio
bot path / bare upsert is printed. A round of up to 500 of the same answers again (a
correction, same code path) one at a time gives the cost of one tap without queueing.
Latency: "service" is one update's own processing time, "completion" the time from the
moment all N arrived to that update's end (queueing included). Peak memory is tracemalloc's
peak over another, traced round of N re-taps at once, and of the bare upsert, side by side.
`--profile` adds a round of up to 500 taps, one at a time, under cProfile and prints own
time by package and the top entries.

The database is DROPPED and re-migrated first: give it a database of its own.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import pstats
import sys
import time
import tracemalloc
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import event, func, select
from sqlalchemy.ext.asyncio import AsyncEngine
from telegram import Update

from bench.botkit import (
    THU,
    School,
    bench_bot,
    database_url,
    fresh_database,
    local,
    ms,
    pacer_off,
    percentile,
    seed_school,
    shown,
    table,
)
from bot.domain.reporting import ReportOutcome
from handlers.scheduler.tick import tick
from storage.db import SessionMaker
from storage.models import DailyReport, ReportEvent
from storage.reports import save_report
from tests.fakebot import FakeUser
from tests.harness import Harness


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", help="database URL (default: a temporary SQLite file)")
    parser.add_argument("--small", action="store_true", help="300 parents instead of 3,000")
    parser.add_argument("--parents", type=int)
    parser.add_argument(
        "--rate-limiter", action="store_true", help="PTB's AIORateLimiter on (as in production)"
    )
    parser.add_argument("--profile", action="store_true", help="a cProfile round, top entries")
    parser.add_argument("--no-memory", action="store_true", help="skip the tracemalloc round")
    return parser.parse_args()


# ---------------------------------------------------------------- counting


@dataclass
class Statements:
    """SQL statements and commits seen by the engine while `active`."""

    active: bool = False
    statements: int = 0
    commits: int = 0
    kinds: Counter[str] = field(default_factory=Counter)

    def attach(self, engine: AsyncEngine) -> None:
        def on_execute(*args: Any) -> None:
            if self.active:
                self.statements += 1
                self.kinds[str(args[2]).lstrip().split(None, 1)[0].upper()] += 1

        def on_commit(*args: Any) -> None:
            if self.active:
                self.commits += 1

        event.listen(engine.sync_engine, "before_cursor_execute", on_execute)
        event.listen(engine.sync_engine, "commit", on_commit)

    def start(self) -> None:
        self.active, self.statements, self.commits = True, 0, 0
        self.kinds.clear()

    def stop(self) -> None:
        self.active = False


@dataclass
class Round:
    name: str
    count: int
    wall: float
    service: list[float]
    completion: list[float]
    statements: int = 0
    commits: int = 0
    peak: int | None = None
    errors: int = 0  # handler errors during the round


# ---------------------------------------------------------------- the taps


SAMPLE = 500
"""Taps in the one-at-a-time and profiled rounds (the cost of one tap needs no more)."""

CHOICES = (0, 0, 0, 0, 0, 0, 1, 2, 3, 6)
"""Button index per parent (i % 10): 0 as estimated, 1-4 the ranges, 6 did not finish."""


def questions(bot: Harness, school: School) -> list[tuple[FakeUser, int, str]]:
    """Each parent's evening question and the button they tap (by `CHOICES`)."""
    chosen = []
    for i, pid in enumerate(school.parent_ids):
        user = bot.api.users[pid]
        question = next(m for m in user.messages if len(m.buttons) == 7)
        data = str(question.buttons[CHOICES[i % 10]]["callback_data"])
        chosen.append((user, question.message_id, data))
    return chosen


def tap_all(bot: Harness, chosen: Sequence[tuple[FakeUser, int, str]]) -> list[Update]:
    """Every parent taps their button; the parsed updates. On an already answered (edited)
    question this is a new update with the same payload: a correction, same code path."""
    for user, message_id, data in chosen:
        user.tap_raw(data, message_id=message_id)
    return [Update.de_json(p, bot.app.bot) for p in bot.api.take_updates()]


async def bot_round(
    name: str, bot: Harness, updates: Sequence[Update], *, sequential: bool = False
) -> Round:
    """All updates at once through the Application's update processor (or one at a time)."""
    app = bot.app
    processor = app.update_processor
    service: list[float] = []
    completion: list[float] = []
    t0 = time.perf_counter()

    async def timed(update: Update) -> None:
        start = time.perf_counter()
        await app.process_update(update)
        service.append(time.perf_counter() - start)

    async def one(update: Update) -> None:
        await processor.process_update(update, timed(update))
        completion.append(time.perf_counter() - t0)

    before = len(bot.errors)
    if sequential:
        for update in updates:
            await one(update)
    else:
        await asyncio.gather(*(one(u) for u in updates))
    result = Round(name, len(updates), time.perf_counter() - t0, service, completion)
    result.errors = len(bot.errors) - before
    return result


# ---------------------------------------------------------------- the baseline


async def bare_round(
    name: str,
    sessionmaker: SessionMaker,
    school: School,
    day: date,
    concurrency: int,
    now: Any,
) -> Round:
    """`save_report` + commit for each child on `day`, one session per row."""
    service: list[float] = []
    completion: list[float] = []
    gate = asyncio.Semaphore(concurrency)
    t0 = time.perf_counter()

    async def one(i: int) -> None:
        async with gate:
            start = time.perf_counter()
            async with sessionmaker() as session:
                unfinished = CHOICES[i % 10] == 6
                await save_report(
                    session,
                    child_id=school.child_ids[i],
                    day=day,
                    minutes=None if unfinished else 50,
                    outcome=ReportOutcome.UNFINISHED if unfinished else ReportOutcome.DONE,
                    reporter_id=school.parent_ids[i],
                    now=now,
                )
                await session.commit()
            service.append(time.perf_counter() - start)
        completion.append(time.perf_counter() - t0)

    if concurrency == 1:
        for i in range(len(school.child_ids)):
            await one(i)
    else:
        await asyncio.gather(*(one(i) for i in range(len(school.child_ids))))
    return Round(name, len(school.child_ids), time.perf_counter() - t0, service, completion)


async def counted(stmts: Statements, run: Callable[[], Awaitable[Round]]) -> Round:
    stmts.start()
    result = await run()
    stmts.stop()
    result.statements, result.commits = stmts.statements, stmts.commits
    return result


async def traced(run: Callable[[], Awaitable[Round]]) -> Round:
    tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    result = await run()
    result.peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    return result


PACKAGES = (
    ("sqlalchemy", "sqlalchemy/"),
    ("telegram (PTB)", "telegram/"),
    ("aiosqlite/sqlite3", "aiosqlite/"),
    ("aiosqlite/sqlite3", "sqlite3"),
    ("asyncpg", "asyncpg"),
    ("fake Bot API", "tests/fakebot/"),
    ("qingfu (bot, handlers, storage)", "/work/main/bot/"),
    ("qingfu (bot, handlers, storage)", "/work/main/handlers/"),
    ("qingfu (bot, handlers, storage)", "/work/main/storage/"),
    ("asyncio + selectors", "asyncio/"),
    ("asyncio + selectors", "selectors.py"),
    ("asyncio + selectors", "select.epoll"),
)


def by_package(stats: pstats.Stats) -> list[tuple[str, float]]:
    """Own time (tottime) summed by package; the rest is builtins and the stdlib."""
    totals: dict[str, float] = {}
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    for (filename, _line, function), (_cc, _nc, tottime, _ct, _callers) in raw.items():
        where = f"{filename} {function}"
        name = next(
            (label for label, part in PACKAGES if part in where), "other (builtins, stdlib)"
        )
        totals[name] = totals.get(name, 0.0) + tottime
    return sorted(totals.items(), key=lambda item: -item[1])


# ---------------------------------------------------------------- main


def row(r: Round, reference: Round | None) -> list[str]:
    per = f"{r.statements / r.count:.1f}/{r.commits / r.count:.1f}" if r.statements else "-"
    return [
        r.name,
        f"{r.count:,}",
        f"{r.wall:.2f} s",
        f"{r.count / r.wall:,.0f}",
        ms(percentile(r.service, 50)),
        ms(percentile(r.service, 95)),
        ms(percentile(r.completion, 50)),
        ms(percentile(r.completion, 95)),
        per,
        f"{r.wall / r.count / (reference.wall / reference.count):.2f}" if reference else "",
        str(r.errors),
    ]


HEADER = [
    "round",
    "updates",
    "wall",
    "per s",
    "svc p50",
    "svc p95",
    "done p50",
    "done p95",
    "sql/commit",
    "ratio",
    "errors",
]


async def main() -> int:
    args = parse_args()
    n = args.parents or (300 if args.small else 3000)
    url = database_url(args.db)
    print(f"database: {shown(url)}; {n:,} parents; Telegram budget {args.rate_limiter}")
    engine = await fresh_database(url)
    stmts = Statements()
    stmts.attach(engine)
    failures: list[str] = []
    async with bench_bot(engine, rate_limit=args.rate_limiter) as bot:
        t0 = time.perf_counter()
        school = await seed_school(bot, n)
        seeded = time.perf_counter() - t0
        pacer_off()
        bot.clock.now = local(20, 35)
        t0 = time.perf_counter()
        ticked = await tick(bot.app)
        asked = sum(
            1
            for pid in school.parent_ids
            if any(len(m.buttons) == 7 for m in bot.user(pid).messages)
        )
        print(
            f"seeded {n:,} families in {school.classes} classes in {seeded:.1f} s; "
            f"tick at 20:35 sent {ticked.sent:,} messages (notice + question) in "
            f"{time.perf_counter() - t0:.1f} s; {asked:,} parents have the question",
            flush=True,
        )
        if asked != n:
            failures.append(f"{asked} of {n} parents got the question")
        concurrency = bot.app.update_processor.max_concurrent_updates
        calls_before = len(bot.api.calls)
        chosen = questions(bot, school)
        updates = tap_all(bot, chosen)
        tapped = await counted(stmts, lambda: bot_round("bot path (taps)", bot, updates))
        calls = Counter(c.method for c in bot.api.calls[calls_before:] if c.status == 200)
        kinds = dict(stmts.kinds)
        answered = sum(len(bot.api.users[pid].answered_callbacks) for pid in school.parent_ids)
        sample = tap_all(bot, chosen[:SAMPLE])
        one_by_one = await counted(
            stmts,
            lambda: bot_round("bot path, one at a time (re-taps)", bot, sample, sequential=True),
        )
        errors = len(bot.errors)
        now = bot.clock.now
        sm = bot.sessionmaker
        seq = await counted(
            stmts,
            lambda: bare_round("bare upsert, sequential", sm, school, THU - timedelta(1), 1, now),
        )
        par = await counted(
            stmts,
            lambda: bare_round(
                f"bare upsert, {concurrency} at once",
                sm,
                school,
                THU - timedelta(2),
                concurrency,
                now,
            ),
        )
        async with bot.session() as session:
            stored = await session.scalar(
                select(func.count()).select_from(DailyReport).where(DailyReport.day == THU)
            )
            outcomes = dict(
                (
                    await session.execute(
                        select(DailyReport.outcome, func.count())
                        .where(DailyReport.day == THU)
                        .group_by(DailyReport.outcome)
                    )
                ).all()
            )
            events = await session.scalar(select(func.count()).select_from(ReportEvent))
        memory: list[Round] = []
        if not args.no_memory:
            again = tap_all(bot, chosen)
            memory.append(await traced(lambda: bot_round("bot path, re-taps", bot, again)))
            memory.append(
                await traced(
                    lambda: bare_round(
                        f"bare upsert, {concurrency} at once",
                        sm,
                        school,
                        THU - timedelta(3),
                        concurrency,
                        now,
                    )
                )
            )
        if args.profile:
            sample = tap_all(bot, chosen[:SAMPLE])
            profiler = cProfile.Profile()
            profiler.enable()
            await bot_round("profiled", bot, sample, sequential=True)
            profiler.disable()
        errors = len(bot.errors)
    await engine.dispose()

    print()
    print(
        table(
            [
                HEADER,
                row(tapped, par),
                row(one_by_one, seq),
                row(seq, seq),
                row(par, par),
            ]
        )
    )
    print()
    print(
        f"ratio bot path / bare upsert: {tapped.wall / par.wall:.2f} (same concurrency), "
        f"{tapped.wall / seq.wall:.2f} (bare sequential)"
    )
    print(
        "per tap: "
        + ", ".join(f"{k} {v / n:.2f}" for k, v in sorted(kinds.items()))
        + " statements; "
        + ", ".join(f"{k} {v / n:.2f}" for k, v in sorted(calls.items()))
        + " API calls"
    )
    if memory:
        print(
            "peak memory (tracemalloc, re-tap round): "
            + "; ".join(
                f"{r.name} {(r.peak or 0) / 2**20:.1f} MiB in {r.wall:.2f} s"
                + f" (slowest update {max(r.service, default=0):.1f} s)"
                + (f" ({r.errors} handler errors)" if r.errors else "")
                for r in memory
            )
        )
    print(
        f"correctness: reports stored {stored:,}/{n:,} "
        f"({', '.join(f'{k} {v:,}' for k, v in sorted(outcomes.items()))}), report events "
        f"{events:,}, callback answers {answered:,}/{n:,}, handler errors {errors} in all rounds"
    )
    if stored != n:
        failures.append(f"{stored} reports stored, expected {n}")
    if answered != n or calls.get("answerCallbackQuery", 0) != n:
        failures.append(f"{answered} callback answers, expected {n}")
    if errors:
        failures.append(f"{errors} handler errors: {bot.errors[:3]!r}")
    if args.profile:
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        print("own time by package (profiled round, one tap at a time):")
        for name, seconds in by_package(stats):
            print(f"  {name:<32} {seconds:6.2f} s  {seconds / len(sample) * 1000:6.2f} ms/tap")
        stats.sort_stats("tottime").print_stats(25)
        stats.sort_stats("tottime").print_stats("sqlalchemy", 15)
        stats.sort_stats("cumulative").print_stats(r"(bot|handlers|storage)/", 30)
        print(out.getvalue())
    for failure in failures:
        print(f"FAILED: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
