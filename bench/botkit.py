"""Shared pieces of the bot benchmarks: a fresh database, a synthetic school of families, the
real Application on the in-process fake Bot API, a pacer switch and small statistics.

The Application is `bot.app.build_application` exactly as `bot.py` builds it (handlers,
`ChatOrderedProcessor`, one session per update), wired to `tests.fakebot.FakeBotAPI` through
`FakeRequest` (no sockets), like `tests.harness.running_bot`; `rate_limit` switches the
Telegram budget (`handlers.kit.budget`, on in production) and `pacer_off()` the delivery pacer.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import tempfile
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app.factory import build_application
from bot.domain.load import HomeworkKind
from handlers.kit.context import BotData, Ctx
from handlers.scheduler import outbox as delivery
from storage.db import create_engine, upgrade
from storage.models import Base, Child, ParentLink, SchoolClass, User
from tests import world
from tests.fakebot import FakeBotAPI, FakeRequest
from tests.harness import Clock, Harness, test_settings

# PTB 22 warns when RetryAfter.retry_after is read as seconds; opt in to timedelta, as bot.py.
os.environ.setdefault("PTB_TIMEDELTA", "1")

TZ = "Asia/Shanghai"
THU = world.THU  # Thu 19 Nov 2026, a school day
CLASS_SIZE = 40
GRADES = (3, 4, 5, 6, 7, 8, 9)  # grades with written homework (1-2 have none)
JOINED = timedelta(days=30)
"""How long before `THU` the families joined."""
PARENT_BASE = 10_000_000
TEACHER_BASE = 9_000_000


def local(hh: int, mm: int = 0, day: date = THU) -> datetime:
    """A Shanghai wall-clock time on `day` as a UTC instant."""
    return datetime(day.year, day.month, day.day, hh, mm, tzinfo=ZoneInfo(TZ)).astimezone(UTC)


def database_url(given: str | None) -> str:
    if given:
        return given
    folder = Path(tempfile.mkdtemp(prefix="qingfu-bench-"))
    return f"sqlite+aiosqlite:///{folder / 'bench.sqlite3'}"


def shown(url: str) -> str:
    return url.split("@")[-1]


async def fresh_database(url: str) -> AsyncEngine:
    """Drop everything in `url`, migrate to head and return an engine (give it a database of
    its own: it is emptied)."""
    engine = create_engine(url)
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.drop_all)
        await conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    await engine.dispose()
    await asyncio.to_thread(upgrade, url)
    return create_engine(url)


@dataclass(frozen=True)
class School:
    school_id: int
    parent_ids: list[int]
    child_ids: list[int]
    classes: int


async def seed_school(harness: Harness, parents: int) -> School:
    """One school of `parents` families (one parent, one child each) in classes of
    `CLASS_SIZE`, grades 3-9, every class with Maths 30 + Chinese 20 written and 15 reading
    on `THU`. Every parent is a started fake Telegram user whose stored profile matches."""
    async with harness.session() as session:
        school = await world.school(session, "Bench School", TZ)
        maths = await world.subject(session, school, "Maths")
        chinese = await world.subject(session, school, "Chinese")
        count = (parents + CLASS_SIZE - 1) // CLASS_SIZE
        classes = [
            SchoolClass(school_id=school.id, grade=GRADES[i % len(GRADES)], name=f"C{i + 1}")
            for i in range(count)
        ]
        session.add_all(classes)
        await session.flush()
        for i, klass in enumerate(classes):
            teacher = TEACHER_BASE + i
            await world.homework(session, klass, maths, teacher, 30)
            await world.homework(session, klass, chinese, teacher, 20)
            await world.homework(session, klass, chinese, teacher, 15, kind=HomeworkKind.READING)
        parent_ids = [PARENT_BASE + i for i in range(parents)]
        session.add_all(
            User(id=pid, first_name=f"P{pid}", language_code="en", reachable=True)
            for pid in parent_ids
        )
        children = [
            Child(class_id=classes[i // CLASS_SIZE].id, name=f"Kid {i}") for i in range(parents)
        ]
        session.add_all(children)
        await session.flush()
        session.add_all(
            # linked before the evening (a day is reportable only since the child joined)
            ParentLink(parent_id=pid, child_id=kid.id, created_at=local(8, day=THU - JOINED))
            for pid, kid in zip(parent_ids, children, strict=True)
        )
        await session.commit()
        school_id = school.id
    for pid in parent_ids:
        harness.user(pid, f"P{pid}")
    return School(school_id, parent_ids, [kid.id for kid in children], count)


@asynccontextmanager
async def bench_bot(
    engine: AsyncEngine, *, rate_limit: bool, api: FakeBotAPI | None = None
) -> AsyncIterator[Harness]:
    """The real Application on a fresh FakeBotAPI, or `api` (see `tests.harness.running_bot`);
    `rate_limit` switches the bot's rate limiter (the Telegram budget, on in production)."""
    from storage.db import create_sessionmaker

    sessionmaker = create_sessionmaker(engine)
    api = api or FakeBotAPI()
    clock = Clock(local(8, 0))
    config = test_settings(database_url=str(engine.url))
    data = BotData(settings=config, sessionmaker=sessionmaker, clock=clock)
    app = build_application(
        config,
        sessionmaker,
        request=FakeRequest(api),
        updates_request=FakeRequest(api),
        bot_data=data,
        rate_limit=rate_limit,
        scheduler=False,
    )
    harness = Harness(app, api, sessionmaker, clock)

    async def collect(update: object, context: Ctx) -> None:
        if context.error is not None:
            harness.errors.append(context.error)

    app.add_error_handler(collect)
    async with app:
        data.bot_username = app.bot.username
        yield harness


def pacer_on() -> None:
    """The production pacer (a fresh bucket) for every delivery of this process."""
    delivery.PACER = delivery.Pacer()


def pacer_off() -> None:
    """A pacer that never waits on its own (a flood-limit pause is still honoured)."""
    delivery.PACER = delivery.Pacer(rate=1e9, burst=10**9)


def percentile(values: Sequence[float], pct: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(pct) - 1]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def table(rows: Sequence[Sequence[str]]) -> str:
    """A compact left/right aligned table (first column left, the rest right)."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = []
    for n, row in enumerate(rows):
        cells = [
            cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row)
        ]
        out.append("  ".join(cells).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)
