"""End-to-end fixtures: `python bot.py` as a subprocess against the fake Bot API over HTTP.

    async def test_x(bot: BotProcess, api: FakeBotAPI, db: SessionMaker) -> None:
        owner = api.user(OWNER_ID, "Olga")          # a simulated Telegram user
        m = owner.mark()
        owner.send("/start")
        await owner.wait_for("Welcome", after=m)    # the bot answers asynchronously
        await bot.restart()                         # SIGTERM, wait, start again, wait for polling

`bot` is running and polling when the test starts; `bot_process` is the same object not yet
started (change `.env` first). After each test the process is stopped, its log must not
contain the token, nor a traceback or an ERROR line unless `bot.allow_errors` is set; on
failure the tail of the log is printed.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.db import SessionMaker, create_sessionmaker
from tests.fakebot import FakeBotAPI, FakeBotServer

REPO_ROOT = Path(__file__).resolve().parents[2]
TOKEN = "123456:E2E-TOKEN-do-not-log-me"
OWNER_ID = 1000
TIMEZONE = "Asia/Shanghai"
# Variables the bot reads; never inherited from the developer's shell.
CONFIG_NAMES = (
    "BOT_TOKEN",
    "BOT_API_URL",
    "DATABASE_URL",
    "BOT_OWNERS",
    "DEFAULT_TIMEZONE",
    "LOG_LEVEL",
    "WEBHOOK_URL",
    "WEBHOOK_LISTEN",
    "WEBHOOK_PORT",
    "WEBHOOK_PATH",
    "WEBHOOK_SECRET",
    "WEBHOOK_SET",
    "SCHEDULER_LEASE_SECONDS",
    "DASHBOARD_URL",
    "DASHBOARD_LISTEN",
    "DASHBOARD_PORT",
    "DASHBOARD_MAX_AGE",
)
START_TIMEOUT = 20.0
STOP_TIMEOUT = 10.0


def clean_environ(**overrides: str) -> dict[str, str]:
    """os.environ without the bot's settings, plus `overrides`."""
    env = {k: v for k, v in os.environ.items() if k not in CONFIG_NAMES}
    env.update(PYTHONUNBUFFERED="1", PTB_TIMEDELTA="1")
    env.update(overrides)
    return env


class BotProcess:
    """`python bot.py` as a child process of the test's event loop; output to `log_path`."""

    def __init__(self, api: FakeBotAPI, env: dict[str, str], log_path: Path) -> None:
        self.api, self.env, self.log_path = api, env, log_path
        self.proc: asyncio.subprocess.Process | None = None
        self.starts = 0
        self.allow_errors = False  # set when a test expects the bot to log an error

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.returncode is None

    async def start(self) -> None:
        """Start the process and wait until it polls for updates."""
        assert not self.running, "the bot is already running"
        polls = len(self.api.calls_to("getUpdates"))
        self.starts += 1
        with self.log_path.open("ab") as log:
            log.write(f"===== start #{self.starts} =====\n".encode())
            log.flush()
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable,
                "bot.py",
                cwd=REPO_ROOT,
                env=self.env,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=log,
                stderr=asyncio.subprocess.STDOUT,
            )
        await self.wait_ready(polls)

    async def wait_ready(self, polls_before: int = 0, timeout: float = START_TIMEOUT) -> None:  # noqa: ASYNC109
        """Until the fake server has seen more than `polls_before` getUpdates calls."""
        deadline = time.monotonic() + timeout
        while len(self.api.calls_to("getUpdates")) <= polls_before:
            if self.proc is not None and self.proc.returncode is not None:
                raise AssertionError(
                    f"bot.py exited with {self.proc.returncode} before polling:\n{self.tail()}"
                )
            if time.monotonic() > deadline:
                raise AssertionError(f"bot.py did not poll within {timeout}s:\n{self.tail()}")
            await asyncio.sleep(0.02)

    async def stop(self, timeout: float = STOP_TIMEOUT) -> int | None:  # noqa: ASYNC109
        """SIGTERM (PTB stops polling gracefully), then SIGKILL after `timeout`."""
        proc = self.proc
        if proc is None:
            return None
        if proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(proc.wait(), timeout)
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    proc.kill()
                await proc.wait()
                raise AssertionError(
                    f"bot.py ignored SIGTERM for {timeout}s and was killed:\n{self.tail()}"
                ) from None
        return proc.returncode

    async def restart(self) -> None:
        code = await self.stop()
        assert code == 0, f"bot.py exited with {code} on SIGTERM:\n{self.tail()}"
        await self.start()

    def log(self) -> str:
        return self.log_path.read_text("utf-8", "replace") if self.log_path.exists() else ""

    def tail(self, lines: int = 60) -> str:
        return "\n".join(self.log().splitlines()[-lines:]) or "(empty log)"


_failed = pytest.StashKey[bool]()
E2E_DIR = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this directory is an e2e test (`-m "not e2e"` skips them all)."""
    for item in items:
        if E2E_DIR in item.path.resolve().parents:
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    item.stash.setdefault(_failed, False)
    if report.failed:
        item.stash[_failed] = True
    return report


@pytest.fixture
def api() -> FakeBotAPI:
    return FakeBotAPI()


@pytest.fixture
async def fake_server(api: FakeBotAPI) -> AsyncIterator[FakeBotServer]:
    """The fake Bot API on 127.0.0.1 (ephemeral port), served by the test's event loop."""
    async with FakeBotServer(api) as srv:
        yield srv


@pytest.fixture
def db(engine: AsyncEngine) -> SessionMaker:
    """Sessions on the bot's database, to check what it stored."""
    return create_sessionmaker(engine)


@pytest.fixture
async def bot_process(
    request: pytest.FixtureRequest,
    api: FakeBotAPI,
    fake_server: FakeBotServer,
    database_url: str,
    engine: AsyncEngine,  # on PostgreSQL: truncated before the bot starts
    tmp_path: Path,
) -> AsyncIterator[BotProcess]:
    """The bot process, not started; always stopped and its log checked at teardown."""
    env = clean_environ(
        BOT_TOKEN=TOKEN,
        BOT_API_URL=fake_server.base_url,
        DATABASE_URL=database_url,
        BOT_OWNERS=str(OWNER_ID),
        DEFAULT_TIMEZONE=TIMEZONE,
        LOG_LEVEL="INFO",
    )
    process = BotProcess(api, env, tmp_path / "bot.log")
    try:
        yield process
    finally:
        code = await process.stop()
        log = process.log()
        if request.node.stash.get(_failed, False):
            print(f"\n----- bot.py log (tail, {process.log_path}) -----\n{process.tail()}")
    assert TOKEN not in log, "the bot token leaked into the log"
    assert TOKEN.partition(":")[2] not in log, "the token's secret part leaked into the log"
    assert api.tokens_seen <= {TOKEN}, f"unexpected tokens: {api.tokens_seen}"
    assert api.conflicts == 0, "two bot processes polled at once"
    if process.starts:
        assert code == 0, f"bot.py exited with {code} on SIGTERM:\n{process.tail()}"
    if not process.allow_errors:
        problems = [line for line in log.splitlines() if " ERROR " in line or "Traceback" in line]
        assert not problems, (
            "the bot logged errors:\n" + "\n".join(problems) + "\n" + process.tail()
        )


@pytest.fixture
async def bot(bot_process: BotProcess) -> BotProcess:
    """The bot process, started and polling."""
    await bot_process.start()
    return bot_process
