"""What the chaos tests share: a school whose homework notice is due now, a seeded fault policy
for the sends to its parents, kill -9 at a chosen point, and the tally of what the parents got
against what the bot recorded."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.domain.load import HomeworkKind
from bot.domain.schedule import Job
from storage.db import SessionMaker
from storage.models import JobRun, Notification, User
from tests import world
from tests.e2e.conftest import BotProcess
from tests.fakebot import ApiError, CallTimedOut, FakeBotAPI

TZ = "Asia/Shanghai"
LATER = datetime(2000, 1, 1, 23, 59, 59).time()
NOTICE = "Homework for "
OOPS = "Sorry, something went wrong"
FIRST_PARENT = 20000


@dataclass(frozen=True)
class Scale:
    parents: int
    blocked: int  # 403: blocked the bot
    never_started: int  # 400: chat not found
    kills: int
    rates: Mapping[str, float]  # fault kind -> probability per send


SCALES = {
    "short": Scale(40, 3, 2, 2, {"500": 0.05, "502": 0.04, "429": 0.04}),
    "long": Scale(
        200,
        8,
        6,
        5,
        {"500": 0.06, "502": 0.05, "429": 0.04, "timeout": 0.02, "timeout after": 0.02},
    ),
}
SCALE_NAME = os.environ.get("CHAOS_SCALE", "short")
SCALE = SCALES[SCALE_NAME]
SEED = int(os.environ.get("CHAOS_SEED", "16"))
FIRST_FAULTS = {2: "500", 4: "timeout after", 6: "429", 8: "timeout", 10: "502"}
"""Every kind of fault at least once, early (the rest is drawn at random)."""


def fault(kind: str) -> ApiError | CallTimedOut:
    if kind == "timeout":
        return CallTimedOut(delivered=False)
    if kind == "timeout after":
        return CallTimedOut(delivered=True)
    if kind == "429":
        return ApiError(429, "Too Many Requests: retry after 1", retry_after=1)
    return ApiError(int(kind), {"500": "Internal Server Error", "502": "Bad Gateway"}[kind])


@dataclass
class Chaos:
    """A seeded fault policy for sendMessage to `targets` (`api.chaos = Chaos(...)`)."""

    targets: set[int]
    rates: Mapping[str, float]
    rng: random.Random
    planned: Mapping[int, str] = field(default_factory=lambda: dict(FIRST_FAULTS))
    calls: int = 0
    injected: Counter[str] = field(default_factory=Counter)

    def __call__(self, method: str, params: Mapping[str, Any]) -> ApiError | CallTimedOut | None:
        if method != "sendMessage" or int(params.get("chat_id", 0)) not in self.targets:
            return None
        self.calls += 1
        kind = self.planned.get(self.calls)
        if kind is None:
            draw, total = self.rng.random(), 0.0
            for name, rate in self.rates.items():
                total += rate
                if draw < total:
                    kind = name
                    break
        if kind is None:
            return None
        self.injected[kind] += 1
        return fault(kind)


@dataclass
class Families:
    school_id: int
    parents: list[int]
    blocked: set[int]
    never_started: set[int]

    @property
    def reachable(self) -> list[int]:
        return [p for p in self.parents if p not in self.blocked | self.never_started]


async def seed(db: SessionMaker, api: FakeBotAPI, scale: Scale) -> Families:
    """One class whose notice is due now (its other jobs later today or tomorrow), one child
    per parent; some parents blocked the bot, some never opened it."""
    today = datetime.now(ZoneInfo(TZ)).date()
    now_local = datetime.now(ZoneInfo(TZ)).time().replace(second=0, microsecond=0)
    parents = list(range(FIRST_PARENT, FIRST_PARENT + scale.parents))
    blocked = set(parents[1 : 1 + scale.blocked * 7 : 7])
    never = set(parents[3 : 3 + scale.never_started * 5 : 5]) - blocked
    async with db() as s:
        school = await world.school(
            s,
            "Chaos School",
            TZ,
            school_days="1234567",
            notice_time=now_local,
            evening_time=LATER,
            check_time=LATER,
            weekly_report_weekday=today.isoweekday() % 7 + 1,  # tomorrow: not due
        )
        await world.run_done(s, school, Job.MONTHLY, today)  # nor the monthly report
        klass = await world.klass(s, school, 4, "4A")
        maths = await world.subject(s, school, "Maths")
        await world.homework(s, klass, maths, 801, 30, day=today, kind=HomeworkKind.WRITTEN)
        for n, parent in enumerate(parents):
            api.user(parent, f"Parent {n}", started=parent not in never)
            await world.child(s, klass, f"Child {n}", [parent])
        await s.commit()
    for parent in blocked:
        api.block(parent)
    return Families(school.id, parents, blocked, never)


def notices(api: FakeBotAPI, parent: int) -> int:
    return sum(1 for m in api.user(parent).messages if (m.text or "").startswith(NOTICE))


def delivered(api: FakeBotAPI, families: Families) -> int:
    return sum(notices(api, p) for p in families.parents)


async def kill_after(bot: BotProcess, api: FakeBotAPI, families: Families, count: int) -> bool:
    """SIGKILL the bot once `count` notices have arrived (False: the run ended first)."""
    deadline = time.monotonic() + 60
    while delivered(api, families) < count:
        if all(notices(api, p) for p in families.reachable) or time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.002)
    assert bot.proc is not None
    bot.proc.send_signal(signal.SIGKILL)
    await bot.proc.wait()
    return True


async def run_finished(db: SessionMaker, school_id: int) -> bool:
    async with db() as s:
        run = await s.scalar(
            select(JobRun).where(JobRun.school_id == school_id, JobRun.job == "notice")
        )
        return run is not None and run.finished_at is not None


async def until(condition: Any, what: str, within: float) -> None:
    deadline = time.monotonic() + within
    while not await condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {within:.0f} s: {what}")
        await asyncio.sleep(0.1)


@dataclass
class Tally:
    lost: list[int]
    duplicated: dict[int, int]  # parent -> notices received, for those with more than one
    flagged: set[int]  # recorded possibly duplicated
    unreachable_marked: set[int]
    errors_seen: int

    def line(self, **extra: object) -> str:
        figures = {
            "lost": len(self.lost),
            "duplicated": len(self.duplicated),
            "possibly_duplicated": len(self.flagged),
            "unexpected_duplicates": len(set(self.duplicated) - self.flagged),
            "user_visible_errors": self.errors_seen,
            **extra,
        }
        return "chaos: " + " ".join(f"{k}={v}" for k, v in figures.items())


async def tally(db: SessionMaker, api: FakeBotAPI, families: Families) -> Tally:
    async with db() as s:
        rows = (
            await s.execute(select(Notification.recipient_id, Notification.possibly_duplicated))
        ).all()
        unreachable = set(await s.scalars(select(User.id).where(User.reachable.is_(False))))
    counts = {p: notices(api, p) for p in families.parents}
    errors = sum(
        1 for p in families.parents for m in api.user(p).messages if OOPS in (m.text or "")
    )
    return Tally(
        lost=[p for p in families.reachable if counts[p] == 0],
        duplicated={p: n for p, n in counts.items() if n > 1},
        flagged={r for r, doubtful in rows if doubtful},
        unreachable_marked=unreachable,
        errors_seen=errors,
    )
