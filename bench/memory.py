"""Benchmark: memory and event-loop stalls while the homework notice goes to many families,
next to a bare python-telegram-bot echo bot.

    .venv/bin/python -m bench.memory --small                    # SQLite, 10,000 families
    .venv/bin/python -m bench.memory --db postgresql+asyncpg://postgres@127.0.0.1/qingfu_bench

A school of F families (default 100,000) is seeded; then each side runs in a process of its own
so that nothing of the seeding counts:

- qingfu: the real Application (`bot.app.build_application`, as bot.py builds it) on a lean
  fake Bot API in the process (`LeanRequest`: answers every call at once and keeps nothing),
  the delivery pacer and rate limiter off (this measures our memory and our stalls, not
  Telegram's rate), runs the scheduler's tick at 17:35: the notice to every family;
- echo: a bare PTB Application on the same lean request answers F/10 texts.

Printed per side: RSS when idle (after start-up), the peak RSS during the run (sampled every
10 ms from /proc/self/status), messages sent, and the longest event-loop stall (a task that
asks to wake every 5 ms measures how late it wakes).

The database is DROPPED and re-migrated first: give it a database of its own.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import sys
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters
from telegram.request import BaseRequest, RequestData

# Only the standard library and PTB at the top: the echo side must not import qingfu.

TOKEN = "123456:BENCH-TOKEN"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", help="database URL (default: a temporary SQLite file)")
    parser.add_argument("--small", action="store_true", help="10,000 families, not 100,000")
    parser.add_argument("--families", type=int)
    parser.add_argument("--child", choices=("qingfu", "echo"), help=argparse.SUPPRESS)
    return parser.parse_args()


# ---------------------------------------------------------------- measuring (in the child)


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class Sampler:
    """Peak RSS (a thread sampling every 10 ms) and the longest event-loop stall."""

    def __init__(self) -> None:
        self.peak = 0.0
        self.stall = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._task: asyncio.Task[None] | None = None

    def _sample(self) -> None:
        while not self._stop.wait(0.01):
            self.peak = max(self.peak, rss_mib())

    async def _watch(self) -> None:
        while True:
            start = time.perf_counter()
            await asyncio.sleep(0.005)
            self.stall = max(self.stall, time.perf_counter() - start - 0.005)

    def __enter__(self) -> Sampler:
        self.peak = rss_mib()
        self._thread.start()
        self._task = asyncio.get_running_loop().create_task(self._watch())
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        if self._task is not None:
            self._task.cancel()


class LeanRequest(BaseRequest):
    """A Bot API that answers every call at once and keeps nothing (counts sends)."""

    def __init__(self) -> None:
        self.sent = 0
        self.message_id = 0

    @property
    def read_timeout(self) -> float | None:
        return None

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        name = url.rsplit("/", 1)[-1]
        params = request_data.parameters if request_data is not None else {}
        result: Any = True
        if name == "getMe":
            result = {"id": 7000000001, "is_bot": True, "first_name": "Q", "username": "q_bot"}
        elif name.startswith("send"):
            self.sent += 1
            self.message_id += 1
            chat = int(str(params.get("chat_id", 0)))
            result = {
                "message_id": self.message_id,
                "date": int(time.time()),
                "chat": {"id": chat, "type": "private"},
                "text": "",
            }
        elif name == "getUpdates":
            result = []
        return 200, json.dumps({"ok": True, "result": result}).encode()


@dataclass
class Figures:
    idle: float
    peak: float
    stall: float
    sent: int
    seconds: float


async def run_qingfu(url: str) -> Figures:
    # What bot.py imports, nothing of the tests or the other benchmarks (they would count).
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from pydantic import SecretStr

    from bot.app.factory import build_application
    from bot.config import Settings
    from handlers.kit.context import BotData
    from handlers.scheduler import outbox as delivery
    from handlers.scheduler.tick import tick
    from storage.db import create_engine, create_sessionmaker

    notice = datetime(2026, 11, 19, 17, 35, tzinfo=ZoneInfo("Asia/Shanghai"))  # bench THU
    engine = create_engine(url)
    sessionmaker = create_sessionmaker(engine)
    config = Settings.model_construct(bot_token=SecretStr(TOKEN), database_url=url)
    data = BotData(settings=config, sessionmaker=sessionmaker, clock=lambda: notice)
    request = LeanRequest()
    app = build_application(
        config,
        sessionmaker,
        request=request,
        updates_request=LeanRequest(),
        bot_data=data,
        rate_limit=False,
        scheduler=False,
    )
    delivery.PACER = delivery.Pacer(rate=1e9, burst=10**9)  # our cost, not Telegram's rate
    async with app:
        gc.collect()
        idle = rss_mib()
        start = time.perf_counter()
        with Sampler() as sampler:
            await tick(app, notice)
        seconds = time.perf_counter() - start
    await engine.dispose()
    return Figures(idle, sampler.peak, sampler.stall, request.sent, seconds)


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is not None and message.text:
        await context.bot.send_message(message.chat_id, message.text)


async def run_echo(count: int) -> Figures:
    request = LeanRequest()
    app = (
        ApplicationBuilder().token(TOKEN).request(request).get_updates_request(LeanRequest())
    ).build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    async with app:
        gc.collect()
        idle = rss_mib()
        start = time.perf_counter()
        with Sampler() as sampler:
            for n in range(count):
                update = Update.de_json(
                    {
                        "update_id": n + 1,
                        "message": {
                            "message_id": n + 1,
                            "date": int(time.time()),
                            "chat": {"id": 10_000_000 + n, "type": "private"},
                            "from": {"id": 10_000_000 + n, "is_bot": False, "first_name": "P"},
                            "text": f"echo {n}",
                        },
                    },
                    app.bot,
                )
                await app.process_update(update)
        seconds = time.perf_counter() - start
    return Figures(idle, sampler.peak, sampler.stall, request.sent, seconds)


# ---------------------------------------------------------------- the parent


async def seed(url: str, families: int) -> None:
    from bench.botkit import bench_bot, fresh_database, seed_school

    engine = await fresh_database(url)
    async with bench_bot(engine, rate_limit=False) as bot:
        school = await seed_school(bot, families)
    await engine.dispose()
    print(f"seeded {families:,} families in {school.classes:,} classes", flush=True)


async def child(kind: str, url: str, count: int) -> Figures:
    env = dict(os.environ, PTB_TIMEDELTA="1", BENCH_DB=url, BENCH_COUNT=str(count))
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.memory",
        "--child",
        kind,
        env=env,
        stdout=asyncio.subprocess.PIPE,
    )
    out, _ = await proc.communicate()
    if proc.returncode != 0:
        raise SystemExit(f"the {kind} run failed ({proc.returncode})")
    return Figures(**json.loads(out.decode().strip().splitlines()[-1]))


async def main() -> int:
    args = parse_args()
    if args.child:
        url, count = os.environ["BENCH_DB"], int(os.environ["BENCH_COUNT"])
        figures = await (run_qingfu(url) if args.child == "qingfu" else run_echo(count))
        print(json.dumps(asdict(figures)))
        return 0
    from bench.botkit import database_url, shown, table

    families = args.families or (10_000 if args.small else 100_000)
    url = database_url(args.db)
    print(f"database: {shown(url)}; {families:,} families", flush=True)
    await seed(url, families)
    ours = await child("qingfu", url, families)
    bare = await child("echo", url, max(1, families // 10))
    rows = [["run", "idle RSS", "peak RSS", "messages", "seconds", "longest stall"]]
    for name, f in (("qingfu: the notice", ours), ("bare PTB echo", bare)):
        rows.append(
            [
                name,
                f"{f.idle:.0f} MiB",
                f"{f.peak:.0f} MiB",
                f"{f.sent:,}",
                f"{f.seconds:.1f}",
                f"{f.stall * 1000:.0f} ms",
            ]
        )
    print(table(rows))
    print(
        f"peak RSS qingfu / echo: {ours.peak / bare.peak:.2f}; qingfu's peak over its idle: "
        f"{ours.peak - ours.idle:.0f} MiB"
    )
    return 0 if ours.sent >= families else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
