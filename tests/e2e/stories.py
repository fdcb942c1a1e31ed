"""Scenery shared by the homework, parents' loop and complaints stories (tests/e2e).

The stories run against the real clock, so the school is put where it is daytime now: a real
time zone in which the local time is between 08:00 and 16:00 (Asia/Shanghai whenever it is),
before the posting cut-off (18:00) and the scheduler's default times (17:30 onwards), and far
from midnight. When today is not a school day there (a weekend), it is made a make-up school
day in the school's calendar, as a school would for a make-up Saturday; the weekly report
is set to another weekday.

Everything else is plain data: the school, its classes, subjects, staff and families are
written straight into the database; the stories then drive `python bot.py` through the fake
Bot API like real users.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from time import monotonic
from typing import Any, TypeVar

from bot.domain.calendar import SchoolCalendar, local_now, parse_school_days
from bot.domain.load import HomeworkKind
from bot.domain.roles import Role
from bot.domain.schedule import Job
from bot.i18n import format_day, use_locale
from handlers.homework.payloads import (
    KINDS,
    HomeworkAction,
    HomeworkActionButton,
    HomeworkEditButton,
    HomeworkPickButton,
    HomeworkStep,
)
from handlers.kit.labels import kind_label
from storage import repo
from storage.db import SessionMaker
from storage.models import CalendarDay, Child, ParentLink, School
from tests import world
from tests.e2e.helpers import has_button, send, t, t_re, tap
from tests.fakebot import FakeBotAPI, FakeUser, SentMessage

T = TypeVar("T")

ZH, EN, RU = "zh_Hans", "en", "ru"
# Real zones whose offsets leave no gap of more than 3 hours around the globe.
ZONES = (
    "Asia/Shanghai",
    "Europe/Moscow",
    "Asia/Tokyo",
    "Asia/Bangkok",
    "Asia/Kolkata",
    "Asia/Dubai",
    "Europe/Berlin",
    "Europe/London",
    "America/Sao_Paulo",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "Pacific/Honolulu",
    "Pacific/Auckland",
)
DAY_START, DAY_END = time(8, 0), time(16, 0)
WAIT = 10.0
ASK_TEXT = (
    "{klass}, {subject}. What is the homework? Type it as the parents should read it; "
    'end it with the minutes to skip a step (e.g. "Exercise 3, p. 12, 20 min"). A photo '
    "with a caption works too."
)


def daytime_zone(now: datetime | None = None) -> str:
    """A real time zone where it is between 08:00 and 16:00 now (Asia/Shanghai if it is)."""
    now = now or datetime.now(UTC)
    for zone in ZONES:
        if DAY_START <= local_now(zone, now).time().replace(tzinfo=None) < DAY_END:
            return zone
    raise AssertionError(f"no daytime zone at {now.isoformat()}")  # pragma: no cover


def local(zone: str, now: datetime | None = None) -> datetime:
    return local_now(zone, now or datetime.now(UTC))


def this_minute(zone: str) -> time:
    """The school's local wall-clock time now, to the minute (as a school admin would type it):
    a job set to it is due at the scheduler's next tick."""
    now = local(zone)
    return time(now.hour, now.minute)


def render(locale: str, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """`fn(*args, **kwargs)` in `locale` (for the bot's formatters: days, minutes, rules)."""
    with use_locale(locale):
        return fn(*args, **kwargs)


# ---------------------------------------------------------------- seeding


@dataclass
class Seeded:
    """What was put into the database: ids by name."""

    school_id: int
    district_id: int
    zone: str
    today: date
    classes: dict[str, int] = field(default_factory=dict)
    subjects: dict[str, int] = field(default_factory=dict)
    children: dict[str, int] = field(default_factory=dict)


async def seed_school(
    db: SessionMaker,
    *,
    name: str,
    classes: Iterable[tuple[int, str]],
    subjects: Iterable[str] = (),
    **settings: Any,
) -> Seeded:
    """A district and a school in a daytime zone where today is a school day."""
    zone = daytime_zone()
    today = local(zone).date()
    async with db() as s:
        district = await repo.create_district(s, "海淀区")
        school = await repo.create_school(s, district.id, name, zone)
        # The weekly report goes out on another weekday: it is not part of these stories.
        school.weekly_report_weekday = today.isoweekday() % 7 + 1
        for key, value in settings.items():
            setattr(school, key, value)
        await s.flush()
        # Nor the monthly report (when today is the first school day of a month).
        await world.run_done(s, school, Job.MONTHLY, today)
        if not SchoolCalendar(parse_school_days(school.school_days)).is_school_day(today):
            s.add(CalendarDay(school_id=school.id, day=today, kind="makeup"))
        await repo.add_classes(s, school.id, list(classes))
        await repo.add_subjects(s, school.id, list(subjects))
        seeded = Seeded(school.id, district.id, zone, today)
        seeded.classes = {k.name: k.id for k in await repo.classes_of(s, school.id)}
        seeded.subjects = {x.name: x.id for x in await repo.subjects_of(s, school.id)}
        await s.commit()
    return seeded


async def add_person(
    db: SessionMaker,
    seeded: Seeded,
    user_id: int,
    name: str,
    language_code: str,
    role: Role | None = None,
    *,
    grade: int | None = None,
    teaches: Iterable[tuple[str, str]] = (),
) -> None:
    """A user who has opened the bot before, with a role at the school (teachers: the (class,
    subject) pairs they teach)."""
    async with db() as s:
        await repo.upsert_user(s, repo.TelegramProfile(user_id, name, None, None, language_code))
        await s.flush()
        if role is not None:
            await repo.add_membership(
                s,
                user_id,
                role,
                school_id=seeded.school_id,
                grade=grade,
                district_id=seeded.district_id if role == Role.SUPERVISOR else None,
            )
        pairs = [(seeded.classes[k], seeded.subjects[x]) for k, x in teaches]
        if pairs:
            await repo.add_teaching(s, user_id, pairs)
        await s.commit()


async def add_child(
    db: SessionMaker, seeded: Seeded, child: str, class_name: str, parents: Iterable[int]
) -> int:
    """A child of the class linked to each parent (who must exist already)."""
    async with db() as s:
        found = Child(class_id=seeded.classes[class_name], name=child)
        s.add(found)
        await s.flush()
        child_id = found.id
        s.add_all(ParentLink(parent_id=parent, child_id=child_id) for parent in parents)
        await s.commit()
    seeded.children[child] = child_id
    return child_id


async def update_school(db: SessionMaker, school_id: int, **values: Any) -> None:
    async with db() as s:
        school = await s.get(School, school_id)
        assert school is not None
        for key, value in values.items():
            setattr(school, key, value)
        await s.commit()


# ---------------------------------------------------------------- waiting and inspecting


async def until(check: Callable[[], Awaitable[T]], what: str, *, within: float = WAIT) -> T:
    """Poll `check` until it returns something truthy (fails after `within` seconds)."""
    deadline = monotonic() + within
    while True:
        value = await check()
        if value:
            return value
        if monotonic() > deadline:
            raise AssertionError(f"not within {within}s: {what} (last: {value!r})")
        await asyncio.sleep(0.05)


def sent_to(api: FakeBotAPI, chat_id: int, method: str = "sendMessage") -> list[int]:
    """HTTP statuses of every `method` call the bot made to one chat, in order."""
    return [c.status for c in api.calls_to(method) if int(c.params.get("chat_id", 0)) == chat_id]


def everything_shown(msg: SentMessage) -> str:
    """All a user could see of a message, and all it carries: text as seen and as sent, button
    labels and payloads, file ids."""
    parts = [msg.text or "", msg.raw_text or "", msg.photo or "", msg.document or ""]
    for button in msg.buttons:
        parts += [str(v) for v in button.values()]
    return "\n".join(parts)


# ---------------------------------------------------------------- acting


async def post_homework(
    user: FakeUser,
    locale: str,
    today: date,
    *,
    text: str,
    mins: int,
    kind: HomeworkKind = HomeworkKind.WRITTEN,
    subject_id: int | None = None,
) -> SentMessage:
    """A teacher of one class posts a piece for today through /assign (`subject_id` when
    they teach several subjects): text, minutes, and the kind changed from the preview when
    the guess is not `kind`; returns the bot's "Posted." message."""
    ask_text = t_re(locale, ASK_TEXT)
    if subject_id is None:
        await send(user, "/assign", ask_text)
    else:
        await send(
            user,
            "/assign",
            has_button(HomeworkPickButton, step=HomeworkStep.SUBJECT, value=subject_id),
        )
        await tap(user, HomeworkPickButton, ask_text, step=HomeworkStep.SUBJECT, value=subject_id)
    await send(user, text, has_button(HomeworkPickButton, step=HomeworkStep.MINUTES))
    preview = await tap(
        user,
        HomeworkPickButton,
        has_button(HomeworkActionButton, action=HomeworkAction.POST),
        step=HomeworkStep.MINUTES,
        value=mins,
    )
    assert t(locale, "For {day}.", day=render(locale, format_day, today)) in (preview.text or "")
    wanted = t(locale, "Kind: {kind}", kind=render(locale, kind_label, kind))
    if wanted not in preview.button_texts:
        await tap(
            user,
            HomeworkEditButton,
            has_button(HomeworkPickButton, step=HomeworkStep.KIND),
            field=HomeworkStep.KIND,
        )
        await tap(
            user,
            HomeworkPickButton,
            has_button(HomeworkActionButton, action=HomeworkAction.POST),
            step=HomeworkStep.KIND,
            value=KINDS.index(kind),
        )
    return await tap(user, HomeworkActionButton, t(locale, "Posted."), action=HomeworkAction.POST)
