"""Benchmark: N parents tap the evening question at once through `python bot.py`, next to a
bare python-telegram-bot echo bot answering N texts, in the same run.

    .venv/bin/python -m bench.taps --small                  # SQLite, 300 parents
    .venv/bin/python -m bench.taps --parents 1000 --db postgresql+asyncpg://postgres@127.0.0.1/qingfu_bench
    .venv/bin/python -m bench.taps --small --redis redis://127.0.0.1:6379/0   # shared budget

A school of N families gets the evening question from the real scheduler (in-process, on the
fake Bot API). Then `python bot.py` runs as in production (its rate limiter, the Telegram
budget, on; REDIS_URL with `--redis`) against the fake Bot API served over HTTP
(`tests.fakebot.FakeBotServer`), which answers 429 to any message over 30 in a sliding second
(Telegram's limit; "429s" must stay 0). All N parents tap an answer at once (60% "as
estimated", 30% a range, 10% "did not finish"). Then `bench/echo_bot.py` (bare PTB: no
database, no rate limiter, updates one at a time) answers one text from each of the same N
users, against the same server with its limit off (the echo bot has no limiter to keep it).

Printed: taps (texts) answered per second and the ratio qingfu / echo; p50, p95 and max of the
time from the moment all N were sent to each one's answer (for a tap: answerCallbackQuery,
which stops the client's spinner and shows the toast; for a text: the echo), the share
answered within 1 s and within 15 s; CPU ms per update of each process; the questions' edits
delivered, and the most messages in any one-second window; SQL statements per tap (counted
in-process over a round of corrections through the same Application code).

The database is DROPPED and re-migrated first: give it a database of its own.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from bench.botkit import (
    bench_bot,
    database_url,
    fresh_database,
    local,
    pacer_off,
    percentile,
    seed_school,
    shown,
    table,
)
from bench.report_taps import Statements, questions, tap_all
from handlers.scheduler.tick import tick
from tests.fakebot import FakeBotAPI, FakeBotServer, FakeUser

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "123456:BENCH-TOKEN"
TELEGRAM_LIMIT = 30
ANSWER_TIMEOUT = 600.0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", help="database URL (default: a temporary SQLite file)")
    parser.add_argument("--small", action="store_true", help="300 parents instead of 1,000")
    parser.add_argument("--parents", type=int)
    parser.add_argument("--redis", default="", help="REDIS_URL for bot.py (shared budget)")
    parser.add_argument("--sql-sample", type=int, default=200, help="taps counted for SQL")
    return parser.parse_args()


@dataclass
class Round:
    name: str
    count: int
    latencies: list[float]  # seconds from the moment all were sent to each answer
    cpu: float  # the process's CPU seconds during the round

    @property
    def wall(self) -> float:
        return max(self.latencies) if self.latencies else float("nan")

    def row(self, ratio: float | None) -> list[str]:
        lat = self.latencies
        return [
            self.name,
            f"{self.count:,}",
            f"{len(lat):,}",
            f"{self.count / self.wall:.0f}",
            "" if ratio is None else f"{ratio:.2f}",
            f"{percentile(lat, 50) * 1000:.0f} ms",
            f"{percentile(lat, 95) * 1000:.0f} ms",
            f"{max(lat) * 1000:.0f} ms",
            f"{sum(x <= 1 for x in lat) / self.count:.0%}",
            f"{sum(x <= 15 for x in lat) / self.count:.0%}",
            f"{self.cpu / self.count * 1000:.1f} ms",
        ]


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Child:
    """A bot process (bot.py or the echo bot) against the fake server; output to a log."""

    def __init__(self, args: Sequence[str], env: dict[str, str], log: Path) -> None:
        self.args, self.env, self.log = list(args), env, log
        self.proc: asyncio.subprocess.Process | None = None

    async def start(self, api: FakeBotAPI) -> None:
        polls = len(api.calls_to("getUpdates"))
        with self.log.open("ab") as out:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable, *self.args, cwd=ROOT, env=self.env, stdout=out, stderr=out
            )
        deadline = time.monotonic() + 60
        while len(api.calls_to("getUpdates")) <= polls:
            if self.proc.returncode is not None or time.monotonic() > deadline:
                raise SystemExit(f"{self.args} did not start: see {self.log}")
            await asyncio.sleep(0.05)

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    async def stop(self) -> None:
        if self.proc is None or self.proc.returncode is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(self.proc.wait(), 30)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                self.proc.kill()


def environment(server: FakeBotServer, url: str, redis: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "WEBHOOK_"))}
    env.update(
        PYTHONUNBUFFERED="1",
        PTB_TIMEDELTA="1",
        BOT_TOKEN=TOKEN,
        BOT_API_URL=server.base_url,
        DATABASE_URL=url,
        LOG_LEVEL="WARNING",
        REDIS_URL=redis,
    )
    return env


async def wait_until(done: int, count: Callable[[], int], limit: float) -> None:
    deadline = time.monotonic() + limit
    while count() < done and time.monotonic() < deadline:  # noqa: ASYNC110 (polls the fake)
        await asyncio.sleep(0.05)


async def tap_round(
    api: FakeBotAPI, bot: Child, chosen: Sequence[tuple[FakeUser, int, str]]
) -> tuple[Round, int]:
    """Every parent taps at once; (the round, the questions' edits delivered)."""
    calls_before = len(api.calls)
    cpu0 = cpu_seconds(bot.pid)
    sent: dict[int, FakeUser] = {}
    for user, message_id, data in chosen:
        sent[user.tap_raw(data, message_id=message_id)] = user
    t0 = time.monotonic()

    def answered() -> dict[str, float]:
        return {
            str(c.params.get("callback_query_id")): c.time
            for c in api.calls[calls_before:]
            if c.method == "answerCallbackQuery" and c.status == 200
        }

    await wait_until(len(chosen), lambda: len(answered()), ANSWER_TIMEOUT)

    def edits() -> int:
        return sum(
            1 for c in api.calls[calls_before:] if c.method == "editMessageText" and c.status == 200
        )

    await wait_until(len(chosen), edits, ANSWER_TIMEOUT)
    cpu = cpu_seconds(bot.pid) - cpu0
    times = answered()
    latencies = []
    for update_id, user in sent.items():
        for answer in user.answered_callbacks:
            if answer.update_id == update_id and answer.query_id in times:
                latencies.append(times[answer.query_id] - t0)
    return Round("qingfu: taps answered", len(chosen), sorted(latencies), cpu), edits()


async def echo_round(api: FakeBotAPI, echo: Child, users: Sequence[FakeUser]) -> Round:
    calls_before = len(api.calls)
    cpu0 = cpu_seconds(echo.pid)
    for n, user in enumerate(users):
        user.send(f"echo {n}")
    t0 = time.monotonic()

    def replies() -> dict[int, float]:
        found: dict[int, float] = {}
        for c in api.calls[calls_before:]:
            if c.method == "sendMessage" and c.status == 200:
                found.setdefault(int(c.params["chat_id"]), c.time)
        return found

    await wait_until(len(users), lambda: len(replies()), ANSWER_TIMEOUT)
    cpu = cpu_seconds(echo.pid) - cpu0
    latencies = sorted(t - t0 for t in replies().values())
    return Round("bare PTB echo: texts answered", len(users), latencies, cpu)


def peak_per_second(api: FakeBotAPI, since: int) -> int:
    times = sorted(
        c.time
        for c in api.calls[since:]
        if c.status == 200 and c.method in ("sendMessage", "editMessageText")
    )
    best, start = 0, 0
    for end, t in enumerate(times):
        while times[start] <= t - 1.0:
            start += 1
        best = max(best, end - start + 1)
    return best


async def sql_per_tap(
    engine: AsyncEngine, api: FakeBotAPI, chosen: Sequence[tuple[FakeUser, int, str]]
) -> str:
    """Statements per tap, in-process, over corrections of the same answers (same code path)."""
    stmts = Statements()
    stmts.attach(engine)
    async with bench_bot(engine, rate_limit=False, api=api) as bot:
        updates = tap_all(bot, chosen)
        await bot.deliver()  # nothing pending: tap_all took them
        stmts.start()
        for update in updates:
            await bot.app.update_processor.process_update(update, bot.app.process_update(update))
        stmts.stop()
        await bot.app.bot_data.edits.drain()
    n = len(updates)
    kinds = ", ".join(f"{k} {v / n:.2f}" for k, v in sorted(stmts.kinds.items()))
    per = f"{stmts.statements / n:.1f} statements and {stmts.commits / n:.1f} commits per tap"
    return f"{per} ({kinds})"


async def main() -> int:
    args = parse_args()
    n = args.parents or (300 if args.small else 1000)
    url = database_url(args.db)
    print(f"database: {shown(url)}; {n:,} parents; REDIS_URL {args.redis or 'none'}", flush=True)
    engine = await fresh_database(url)
    api = FakeBotAPI()
    async with bench_bot(engine, rate_limit=False, api=api) as seeding:
        school = await seed_school(seeding, n)
        pacer_off()
        seeding.clock.now = local(20, 35)
        await tick(seeding.app)
        chosen = questions(seeding, school)
    print(f"{len(chosen):,} parents have the evening question", flush=True)
    logs = Path(tempfile.mkdtemp(prefix="qingfu-taps-"))
    async with FakeBotServer(api) as server:
        api.rate_limit_per_second = TELEGRAM_LIMIT
        env = environment(server, url, args.redis)
        bot = Child(["bot.py"], env, logs / "bot.log")
        await bot.start(api)
        calls_before = len(api.calls)
        try:
            taps, edited = await tap_round(api, bot, chosen)
        finally:
            await bot.stop()
        peak, violations = peak_per_second(api, calls_before), api.rate_violations
        api.rate_limit_per_second = None  # the bare echo bot has no rate limiter at all
        echo = Child(["-m", "bench.echo_bot"], env, logs / "echo.log")
        await echo.start(api)
        try:
            texts = await echo_round(api, echo, [user for user, _m, _d in chosen])
        finally:
            await echo.stop()
    sql = await sql_per_tap(engine, api, chosen[: args.sql_sample])
    await engine.dispose()
    ratio = (taps.count / taps.wall) / (texts.count / texts.wall)
    headers = [
        "round", "sent", "answered", "per s", "ratio", "p50", "p95", "max", "<=1 s", "<=15 s",
        "CPU/update",
    ]  # fmt: skip
    print()
    print(table([headers, taps.row(ratio), texts.row(None)]))
    print()
    print(f"ratio taps/s qingfu / echo texts/s: {ratio:.2f}")
    print(
        f"questions edited: {edited:,}/{len(chosen):,}; most messages in any 1 s: {peak} "
        f"(limit {TELEGRAM_LIMIT}); 429s: {violations}"
    )
    print(f"SQL: {sql}")
    print(f"logs: {logs}")
    ok = len(taps.latencies) == n and len(texts.latencies) == n and edited == n
    ok = ok and violations == 0
    if not ok:
        print("FAILED: not every tap answered and edited within the budget", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
