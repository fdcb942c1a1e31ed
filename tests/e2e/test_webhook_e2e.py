"""Webhook mode end to end: `python bot.py` processes behind a webhook, the fake Bot API as
Telegram posting updates to them (tests/fakebot/webhook.py), one or two processes on one
database, exactly one of them running the scheduler."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import itertools
import re
import signal
import socket
import time
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.domain.load import HomeworkKind
from bot.domain.roles import InviteRole
from bot.domain.schedule import Job
from handlers.onboarding.owner import NewSchoolAction as OwnerAction
from handlers.onboarding.owner import NewSchoolConfirmButton, NewSchoolDistrictButton
from storage.db import SessionMaker
from storage.models import (
    Child,
    JobRun,
    Lease,
    Notification,
    ParentLink,
    ProcessedUpdate,
    School,
    User,
)
from tests import world
from tests.e2e.conftest import (
    OWNER_ID,
    START_TIMEOUT,
    TIMEZONE,
    TOKEN,
    BotProcess,
    _failed,
    clean_environ,
)
from tests.e2e.helpers import (
    ASK_CHILD,
    CHILD_DONE,
    SCHOOL,
    has_button,
    new_invite,
    press,
    seed_school,
    send,
    t,
    wait_answered,
)
from tests.e2e.test_process_e2e import explanation, run_bot_py
from tests.fakebot import FakeBotAPI, FakeBotServer, FakeUser, SentMessage
from tests.fakebot.core import JSON
from tests.fakebot.webhook import NO_ANSWER, RoundRobin, WebhookDelivery

pytestmark = pytest.mark.e2e

EN, ZH = "en", "zh_Hans"
SECRET = "e2e-webhook-secret_0123456789"
WELCOME_BACK = "Welcome back, {name}! Send /help to see what you can do."
LEASE_SECONDS = 4  # the scheduler ticks every second
WEBHOOK_NAMES = (
    "WEBHOOK_URL",
    "WEBHOOK_LISTEN",
    "WEBHOOK_PORT",
    "WEBHOOK_PATH",
    "WEBHOOK_SECRET",
    "WEBHOOK_SET",
    "SCHEDULER_LEASE_SECONDS",
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class WebhookBot(BotProcess):
    """`python bot.py` in webhook mode: ready once its webhook server answers."""

    def __init__(
        self, api: FakeBotAPI, env: dict[str, str], log_path: Path, port: int, path: str
    ) -> None:
        super().__init__(api, env, log_path)
        self.port, self.path = port, path
        self.killed = False

    @property
    def url(self) -> str:
        """Where the process itself listens (WEBHOOK_LISTEN:WEBHOOK_PORT + WEBHOOK_PATH)."""
        return f"http://127.0.0.1:{self.port}{self.path}"

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    async def start(self) -> None:
        self.killed = False
        await super().start()

    async def wait_ready(self, polls_before: int = 0, timeout: float = START_TIMEOUT) -> None:  # noqa: ASYNC109
        """Until the webhook server answers (any HTTP status: it only takes POSTs)."""
        deadline = time.monotonic() + timeout
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=2)) as http:
            while True:
                if self.proc is not None and self.proc.returncode is not None:
                    raise AssertionError(
                        f"bot.py exited with {self.proc.returncode} before serving its "
                        f"webhook:\n{self.tail()}"
                    )
                with contextlib.suppress(aiohttp.ClientError, TimeoutError):
                    async with http.get(self.url) as resp:
                        await resp.read()
                        return
                if time.monotonic() > deadline:
                    raise AssertionError(
                        f"bot.py did not serve its webhook within {timeout}s:\n{self.tail()}"
                    )
                await asyncio.sleep(0.05)

    async def kill(self) -> None:
        """SIGKILL: the process dies without releasing anything."""
        assert self.proc is not None and self.running
        self.proc.send_signal(signal.SIGKILL)
        await self.proc.wait()
        self.killed = True


class Fleet:
    """Bot processes in webhook mode on one database and one fake Telegram."""

    def __init__(self, api: FakeBotAPI, env: dict[str, str], tmp_path: Path) -> None:
        self.api, self.env, self.tmp_path = api, env, tmp_path
        self.bots: list[WebhookBot] = []

    def new(
        self,
        name: str,
        *,
        port: int | None = None,
        url: str | None = None,
        env: dict[str, str] | None = None,
    ) -> WebhookBot:
        """A process listening on `port` (default: a free one); WEBHOOK_URL is `url` (default:
        the process itself, path /telegram-hook); more settings in `env`."""
        port = port or free_port()
        url = url or f"http://127.0.0.1:{port}/telegram-hook"
        env = env or {}
        path = env.get("WEBHOOK_PATH") or re.sub(r"^https?://[^/]+", "", url) or "/telegram"
        settings = {**self.env, "WEBHOOK_URL": url, "WEBHOOK_PORT": str(port), **env}
        bot = WebhookBot(self.api, settings, self.tmp_path / f"bot-{name}.log", port, path)
        self.bots.append(bot)
        return bot


@pytest.fixture
async def telegram(api: FakeBotAPI) -> AsyncIterator[WebhookDelivery]:
    """The fake Bot API acting as Telegram: posts pending updates to the webhook set."""
    async with WebhookDelivery(api) as delivery:
        yield delivery


@pytest.fixture
async def fleet(
    request: pytest.FixtureRequest,
    api: FakeBotAPI,
    fake_server: FakeBotServer,
    database_url: str,
    engine: AsyncEngine,  # on PostgreSQL: truncated before the bots start
    tmp_path: Path,
) -> AsyncIterator[Fleet]:
    """Webhook-mode processes (made with `fleet.new`); all stopped and their logs checked as
    the `bot` fixture does."""
    env = {k: v for k, v in clean_environ().items() if k not in WEBHOOK_NAMES}
    env.update(
        BOT_TOKEN=TOKEN,
        BOT_API_URL=fake_server.base_url,
        DATABASE_URL=database_url,
        BOT_OWNERS=str(OWNER_ID),
        DEFAULT_TIMEZONE=TIMEZONE,
        LOG_LEVEL="INFO",
        WEBHOOK_SECRET=SECRET,
        # The rest at their defaults, whatever a .env file in the repository says.
        WEBHOOK_LISTEN="127.0.0.1",
        WEBHOOK_PATH="",
        WEBHOOK_SET="true",
        SCHEDULER_LEASE_SECONDS="120",
    )
    fleet = Fleet(api, env, tmp_path)
    codes: dict[int, int | None] = {}
    try:
        yield fleet
    finally:
        for i, bot in enumerate(fleet.bots):
            codes[i] = await bot.stop()
        if request.node.stash.get(_failed, False):
            for bot in fleet.bots:
                print(f"\n----- {bot.log_path.name} (tail) -----\n{bot.tail()}")
    for i, bot in enumerate(fleet.bots):
        log = bot.log()
        assert TOKEN not in log, f"the bot token leaked into {bot.log_path.name}"
        assert TOKEN.partition(":")[2] not in log, f"the token leaked into {bot.log_path.name}"
        assert SECRET not in log, f"the webhook secret leaked into {bot.log_path.name}"
        if bot.starts and not bot.killed:
            assert codes[i] == 0, f"bot.py exited with {codes[i]} on SIGTERM:\n{bot.tail()}"
        problems = [line for line in log.splitlines() if " ERROR " in line or "Traceback" in line]
        assert not problems, "the bot logged errors:\n" + "\n".join(problems)
    assert api.tokens_seen <= {TOKEN}, f"unexpected tokens: {api.tokens_seen}"
    assert not api.calls_to("getUpdates"), "a process in webhook mode polled"


async def wait_until(
    condition: Callable[[], Any], what: str, *, within: float = 10.0, every: float = 0.05
) -> Any:
    """Until `condition()` (sync or async) is truthy; returns its value."""
    deadline = time.monotonic() + within
    while True:
        value = condition()
        if asyncio.iscoroutine(value):
            value = await value
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {within}s waiting for {what}")
        await asyncio.sleep(every)


def command_update(update_id: int, user: FakeUser, text: str) -> JSON:
    """A message update as Telegram would post it (not queued in the fake)."""
    return {
        "update_id": update_id,
        "message": {
            "message_id": 900000 + update_id % 1000,
            "date": int(time.time()),
            "chat": {"id": user.id, "type": "private", "first_name": user.first_name},
            "from": user.user_json(),
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}],
        },
    }


# ---------------------------------------------------------------- configuration


async def test_webhook_settings_are_checked(tmp_path: Path) -> None:
    """`--help` lists the webhook settings; webhook mode without a secret does not start."""
    code, out, err = await run_bot_py("--help", env=clean_environ(), cwd=tmp_path)
    assert code == 0, err
    for name in WEBHOOK_NAMES:
        assert name in out

    env = {k: v for k, v in clean_environ().items() if k not in WEBHOOK_NAMES}
    env.update(BOT_TOKEN=TOKEN, WEBHOOK_URL="https://bot.example.org/telegram")
    code, out, err = await run_bot_py(env=env, cwd=tmp_path)
    assert code != 0
    message = explanation(err)
    assert err.strip() == message  # one paragraph and nothing else
    assert "WEBHOOK_SECRET is not set" in message
    assert not (tmp_path / "data").exists()  # nothing was created

    env.update(
        WEBHOOK_URL=f"https://bot.example.org/{TOKEN}",
        WEBHOOK_SECRET="short",
        WEBHOOK_SET="sometimes",
    )
    code, out, err = await run_bot_py(env=env, cwd=tmp_path)
    assert code != 0
    message = explanation(err)
    assert "WEBHOOK_URL must not contain the bot token" in message
    assert "WEBHOOK_SECRET must be 16 to 256 characters" in message
    assert "WEBHOOK_SET must be true or false" in message
    assert TOKEN.partition(":")[2] not in err


async def test_webhook_start_failures_are_explained(
    api: FakeBotAPI, fake_server: FakeBotServer, tmp_path: Path
) -> None:
    """Telegram refuses the URL, or the port is taken: one paragraph, a non-zero exit."""
    env = {k: v for k, v in clean_environ().items() if k not in WEBHOOK_NAMES}
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env.update(
            BOT_TOKEN=TOKEN,
            BOT_API_URL=fake_server.base_url,
            DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}",
            WEBHOOK_URL=f"http://127.0.0.1:{port}/telegram",
            WEBHOOK_PORT=str(port),
            WEBHOOK_SECRET=SECRET,
        )
        code, _out, err = await run_bot_py(env=env, cwd=tmp_path)
    assert code == 1
    assert explanation(err).startswith(
        f"qingfu cannot start: the webhook server cannot listen on 127.0.0.1:{port}: "
    )

    api.fail_next("setWebhook", status=400, description="Bad Request: bad webhook: wrong port")
    code, _out, err = await run_bot_py(env=env, cwd=tmp_path)
    assert code == 1
    assert explanation(err).startswith(
        f"qingfu cannot start: Telegram refused WEBHOOK_URL (http://127.0.0.1:{port}/telegram): "
        "Bad webhook: wrong port."
    )
    assert TOKEN.partition(":")[2] not in err and SECRET not in err


# ---------------------------------------------------------------- one process


async def test_webhook_mode(
    api: FakeBotAPI, telegram: WebhookDelivery, fleet: Fleet, db: SessionMaker
) -> None:
    """Updates arrive by webhook: /start (sent while the bot was down), a dialog step, a
    redelivered update (changes nothing twice) and forged ones (403, change nothing)."""
    olga = api.user(OWNER_ID, "Olga")
    mark = olga.mark()
    olga.send("/start")  # waits at "Telegram" until a process registers the webhook
    bot = fleet.new("a")
    await bot.start()
    await olga.wait_for(t(EN, WELCOME_BACK, name="Olga"), after=mark)

    registration = telegram.registration
    assert registration is not None
    assert registration["url"] == bot.url == f"http://127.0.0.1:{bot.port}/telegram-hook"
    assert registration["secret_token"] == SECRET
    assert {"message", "callback_query", "my_chat_member"} <= set(registration["allowed_updates"])
    assert not registration.get("drop_pending_updates")
    assert not api.calls_to("deleteWebhook")

    # A parent joins by the class link and names the child: a dialog step.
    school_id, class_id = await seed_school(db, 2000)
    code = await new_invite(
        db, role=InviteRole.PARENT, class_id=class_id, created_by=2000, school_id=school_id
    )
    li = api.user(5000, "李娜", language_code="zh-hans")
    await send(li, f"/start {code}", t(ZH, ASK_CHILD))
    mark = li.mark()
    named = li.send("王小明")
    await li.wait_for(t(ZH, CHILD_DONE, child="王小明", klass="3A", school=SCHOOL), after=mark)

    # Telegram posts it again (its first POST timed out on the way back): nothing twice.
    await wait_until(lambda: telegram.delivered(named), "the delivery to be recorded")
    await li.wait_idle(quiet=0.3)
    done = li.mark()
    assert await telegram.post(telegram.payloads[named], secret=SECRET) == 200
    await wait_until(
        lambda: f"update {named} was already processed" in bot.log(), "the redelivery to be seen"
    )
    await li.wait_idle(quiet=0.3)
    assert li.mark() == done, f"the redelivery was answered: {li.describe()}"
    async with db() as s:
        assert await s.scalar(select(func.count()).select_from(Child)) == 1
        assert await s.scalar(select(func.count()).select_from(ParentLink)) == 1

    # Requests without Telegram's secret are refused and change nothing.
    eve = api.user(9000, "Eve")
    forged = command_update(990001, eve, "/start")
    assert await telegram.post(forged, secret="not-the-secret-0123456789") == 403
    assert await telegram.post(forged, secret=None) == 403
    await asyncio.sleep(0.5)
    assert eve.messages == []
    async with db() as s:
        assert await s.get(User, eve.id) is None
        assert await s.get(ProcessedUpdate, 990001) is None
    # A malformed body with the right secret is the sender's fault: 400, not a server error.
    assert await telegram.post_raw('{"update_id": 990002, "message": {', secret=SECRET) == 400
    assert await telegram.post_raw('["not", "an", "update"]', secret=SECRET) == 400
    assert await telegram.post_raw("{}", secret="not-the-secret-0123456789") == 403
    # ... while the same update with the secret is handled (so it was only the secret).
    assert await telegram.post(copy.deepcopy(forged), secret=SECRET) == 200
    await eve.wait_for(lambda m: True)
    async with db() as s:
        assert await s.get(User, eve.id) is not None

    # No update was refused; the /start sent while the bot was down may have been retried
    # (setWebhook comes before the server listens), as Telegram retries.
    assert {d.status for d in telegram.deliveries} <= {200, NO_ANSWER}
    assert f"webhook mode: Telegram posts to {bot.url}" in bot.log()


# ---------------------------------------------------------------- two processes


async def test_two_processes_continue_one_dialog(
    api: FakeBotAPI, telegram: WebhookDelivery, fleet: Fleet, db: SessionMaker
) -> None:
    """Behind a round-robin balancer the owner's /newschool dialog alternates between two
    processes step by step and ends with one school; only one process registered the URL."""
    ports = free_port(), free_port()
    async with RoundRobin([f"http://127.0.0.1:{p}/tg" for p in ports], "/tg") as balancer:
        a = fleet.new("a", port=ports[0], url=balancer.url)
        b = fleet.new("b", port=ports[1], url=balancer.url, env={"WEBHOOK_SET": "false"})
        await a.start()
        await b.start()
        assert len(api.calls_to("setWebhook")) == 1  # B left the registration to A
        assert "leaving the webhook registration to another process" in b.log()
        assert telegram.registration is not None
        assert telegram.registration["url"] == balancer.url

        olga = api.user(OWNER_ID, "Olga")
        ids: list[int] = []

        async def say(text: str, expect: Any) -> SentMessage:
            mark = olga.mark()
            ids.append(olga.send(text))
            return await olga.wait_for(expect, after=mark)

        async def tap(cls: Any, expect: Any, **fields: Any) -> SentMessage:
            mark = olga.mark()
            ids.append(press(olga, cls, **fields))
            reply = await olga.wait_for(expect, after=mark)
            await wait_answered(olga, ids[-1])
            return reply

        await say("/newschool", has_button(NewSchoolDistrictButton, district_id=0))
        await tap(NewSchoolDistrictButton, lambda m: True, district_id=0)
        await say("Xicheng District", t(EN, "Type the school's name:"))
        await say("Two Process School", lambda m: True)
        await say("Asia/Shanghai", has_button(NewSchoolConfirmButton, action=OwnerAction.CREATE))
        await tap(
            NewSchoolConfirmButton, "https://t.me/qingfu_test_bot?start=", action=OwnerAction.CREATE
        )

        backends = [balancer.backend_of(i) for i in ids]
        assert None not in backends, balancer.routed
        assert all(x != y for x, y in itertools.pairwise(backends)), backends
        assert set(backends) == {0, 1}

        # Telegram posts the school's name again; whichever process gets it skips it.
        await olga.wait_idle(quiet=0.3)
        mark = olga.mark()
        named = ids[3]
        assert await telegram.post(telegram.payloads[named], secret=SECRET) == 200
        again = (a, b)[balancer.routed[-1].backend]
        await wait_until(
            lambda: f"update {named} was already processed" in again.log(),
            "the redelivery to be skipped",
        )
        await olga.wait_idle(quiet=0.3)
        assert olga.mark() == mark, f"the redelivery was answered: {olga.describe()}"
    async with db() as s:
        names = (await s.scalars(select(School.name))).all()
    assert names == ["Two Process School"]


# ---------------------------------------------------------------- the scheduler


async def lease_holder(db: SessionMaker) -> tuple[str, datetime] | None:
    async with db() as s:
        lease = await s.get(Lease, "scheduler")
        return (lease.holder, lease.expires_at) if lease is not None else None


def holder_pid(holder: str) -> int:
    """The process id in a holder id (`host:pid:random`)."""
    return int(holder.split(":")[-2])


async def count(db: SessionMaker, model: Any, *where: Any) -> int:
    async with db() as s:
        return int(await s.scalar(select(func.count()).select_from(model).where(*where)) or 0)


async def test_one_process_runs_the_scheduler(
    api: FakeBotAPI, telegram: WebhookDelivery, fleet: Fleet, db: SessionMaker
) -> None:
    """Two processes tick; the lease holder alone sends the homework notice, once. Killed
    (SIGKILL), its lease runs out and the other takes over; stopped (SIGTERM), it gives the
    lease up and the other takes over at its next tick."""
    tz = ZoneInfo("Asia/Shanghai")
    today = datetime.now(tz).date()
    later = clock_time(23, 59, 59)
    anna = api.user(501, "Anna")
    async with db() as s:
        school = await world.school(
            s,
            "Lease School",
            "Asia/Shanghai",
            school_days="1234567",
            notice_time=later,
            evening_time=later,
            check_time=later,
            weekly_report_weekday=today.isoweekday() % 7 + 1,  # tomorrow: not due
        )
        await world.run_done(s, school, Job.MONTHLY, today)  # nor the monthly report
        klass = await world.klass(s, school, 4, "4A")
        maths = await world.subject(s, school, "Maths")
        await world.homework(s, klass, maths, 801, 30, day=today, kind=HomeworkKind.WRITTEN)
        await world.child(s, klass, "Lena", [anna.id])
        await s.commit()
        school_id = school.id

    env = {"SCHEDULER_LEASE_SECONDS": str(LEASE_SECONDS), "WEBHOOK_PATH": "/tg"}
    a = fleet.new("a", env=env)
    b = fleet.new("b", url=a.env["WEBHOOK_URL"], env={**env, "WEBHOOK_SET": "false"})
    await a.start()
    await b.start()
    bots = {a.pid: a, b.pid: b}
    holder = await wait_until(lambda: lease_holder(db), "a process to take the lease")
    assert holder_pid(holder[0]) in bots

    # The notice becomes due now, with both processes ticking.
    now_local = datetime.now(tz).time().replace(second=0, microsecond=0)
    async with db() as s:
        await s.execute(update(School).where(School.id == school_id).values(notice_time=now_local))
        await s.commit()
    notice = await anna.wait_for(lambda m: "Lena" in (m.text or ""), timeout=10)
    await asyncio.sleep(3 * LEASE_SECONDS / 4)  # three more ticks of each process
    assert [m.text for m in anna.messages] == [notice.text]
    assert await count(db, Notification, Notification.kind == "notice") == 1
    assert await count(db, JobRun, JobRun.job == "notice") == 1
    running = [bot for bot in (a, b) if "running notice" in bot.log()]
    assert len(running) == 1, "not exactly one process ran the notice"
    leader = running[0]
    survivor = b if leader is a else a
    holder = await lease_holder(db)
    assert holder is not None and holder_pid(holder[0]) == leader.pid

    # The holder dies without a word; the evening question becomes due.
    await leader.kill()
    holder = await lease_holder(db)
    assert holder is not None and holder_pid(holder[0]) == leader.pid
    dead_until = holder[1]  # its last renewal: nobody may take over before
    async with db() as s:
        await s.execute(update(School).where(School.id == school_id).values(evening_time=now_local))
        await s.commit()
    killed_at = time.monotonic()
    question = await anna.wait_for(
        lambda m: m.seq > notice.seq, after=notice.seq, timeout=LEASE_SECONDS + 10
    )
    took = time.monotonic() - killed_at
    assert "Lena" in (question.text or "")
    holder = await lease_holder(db)
    assert holder is not None and holder_pid(holder[0]) == survivor.pid
    async with db() as s:
        run = await s.get(JobRun, (school_id, "evening", today))
        assert run is not None
    assert run.claimed_at >= dead_until, "the survivor did not wait for the lease to run out"
    assert await count(db, Notification, Notification.kind == "evening") == 1
    assert "running evening" in survivor.log()
    assert took < LEASE_SECONDS + 5

    # The killed one comes back; the holder now stops properly and gives the lease up.
    await leader.start()
    holder = await lease_holder(db)
    assert holder is not None and holder_pid(holder[0]) == survivor.pid
    held_until = holder[1]
    stopped_at = datetime.now(UTC)
    assert await survivor.stop() == 0
    after_stop = await lease_holder(db)
    assert after_stop is not None
    if holder_pid(after_stop[0]) == survivor.pid:  # released: it ends when it was given up
        assert stopped_at - timedelta(seconds=1) <= after_stop[1] <= datetime.now(UTC)
    holder = await wait_until(
        lambda: _held_by(db, leader.pid), "the restarted process to take over", within=5
    )
    acquired = holder[1] - timedelta(seconds=LEASE_SECONDS)
    assert acquired < held_until, "the lease was not released at shutdown"
    assert [m.text for m in anna.messages] == [notice.text, question.text]  # nothing twice


async def _held_by(db: SessionMaker, pid: int) -> tuple[str, datetime] | None:
    holder = await lease_holder(db)
    return holder if holder is not None and holder_pid(holder[0]) == pid else None
