"""One set of figures (issue 12): one school's month, built on SQLite and PostgreSQL, and
every screen that counts class-days over the limit gives the same count on it: `/load` (its
text), the chart's caption, the daily check, the weekly report (heat map and summary), the
monthly report (school office and district), the district bulletin (and /reports for the
month) and the export. The expected counts come from the kinds of days built here, not from
the code under test.

Kinds of class-day (grade 5: limit 60; grade 7: limit 90):
- over by the estimate (reports within);
- over by the parents' median from 3 reports (exact minutes), and from 3 range answers;
- within: only 2 reports, both far over (below 3 reports the parents' side never counts);
- over by unfinished: 1 of 5 reports went to bed unfinished (the school's 20%), median within;
- within: a required piece within and an optional (选做) written piece that would take it over.

Estimates are frozen by the daily check: after the month's checks, pieces are edited (an
over-by-the-estimate day's minutes cut to within, within days' minutes raised far over, this
week and earlier in the month) the way the edit dialog saves them (`storage.homework.
edit_assignment`, `storage.corrections.record_corrections`); every screen afterwards still
gives the counts the checks saw.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from datetime import date, timedelta

import openpyxl
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.reporting import ReportOutcome
from bot.domain.roles import Role
from handlers.scheduler.tick import tick
from storage import corrections
from storage import homework as hw
from storage import reports as report_store
from storage.models import Assignment, LoadCorrection, SchoolClass, Subject
from tests import world
from tests.handlers.scheduler_kit import local
from tests.harness import Harness

ADMIN, SUPERVISOR, TEACHER = 702, 601, 801
PARENTS = 5000
CLASSES = (("5A", 5), ("5B", 5), ("5C", 5), ("7A", 7))
CAP = {5: 60, 7: 90}
KINDS = ("estimate", "median", "few", "unfinished", "range", "optional")
OVER = {"estimate", "median", "unfinished", "range"}
REASON = {"estimate": "estimate", "median": "median", "range": "median", "unfinished": "unfinished"}
SCHOOL_DAYS = [
    date(2026, 11, d) for d in range(2, 28) if date(2026, 11, d).weekday() < 5
]  # Mon 2 .. Fri 27 November
LAST_WEEK = SCHOOL_DAYS[-5:]  # Mon 23 .. Fri 27
MONDAY_AFTER, DEC_1 = date(2026, 11, 30), date(2026, 12, 1)
Answer = tuple[int | None, ReportOutcome, tuple[int, int | None] | None]
"""Minutes, outcome, range (low, high) of one report."""
Kinds = dict[tuple[str, date], str]
"""The kind of each (class, day) built."""


def kind_of(class_index: int, day_index: int) -> str:
    return KINDS[(class_index + day_index) % len(KINDS)]


async def add_day(
    session: AsyncSession,
    klass: SchoolClass,
    subject: Subject,
    kids: list[int],
    day: date,
    kind: str,
) -> None:
    cap = CAP[klass.grade]
    written = cap + 10 if kind == "estimate" else cap - 20
    await world.homework(session, klass, subject, TEACHER, written, day)
    if kind == "optional":
        await world.homework(session, klass, subject, TEACHER, 30, day, required=False)
    done, unfinished = ReportOutcome.DONE, ReportOutcome.UNFINISHED
    answers: dict[str, list[Answer]] = {
        "estimate": [(cap - 10, done, None)] * 3,
        "median": [(cap + 15, done, None), (cap + 20, done, None), (cap + 10, done, None)],
        "few": [(cap * 2, done, None)] * 2,
        "unfinished": [*[(cap - 20, done, None)] * 4, (None, unfinished, None)],
        "range": [(None, done, (cap, cap + 30))] * 3,
        "optional": [(cap - 30, done, None)] * 4,
    }
    for n, (minutes, outcome, span) in enumerate(answers[kind]):
        await report_store.save_report(
            session,
            child_id=kids[n],
            day=day,
            minutes=minutes,
            outcome=outcome,
            reporter_id=PARENTS + kids[n],
            now=local(20, 45, day),
            span=span,
        )


async def build_month(bot: Harness) -> Kinds:
    for uid, name in ((ADMIN, "Admin"), (SUPERVISOR, "Supervisor"), (TEACHER, "Teacher")):
        bot.user(uid, name, language_code="en")
    async with bot.session() as session:
        school = await world.school(session, "No. 1 School", daily_all_clear=True)
        subject = await world.subject(session, school, "Maths")
        for uid, name in ((ADMIN, "Admin"), (SUPERVISOR, "Supervisor"), (TEACHER, "Teacher")):
            await world.user(session, uid, name)
        await world.role(session, ADMIN, Role.SCHOOL_ADMIN, school)
        await world.supervisor(session, SUPERVISOR, school)
        kinds: Kinds = {}
        for c, (name, grade) in enumerate(CLASSES):
            klass = await world.klass(session, school, grade, name)
            kids = []
            for i in range(5):
                kid = await world.child(session, klass, f"{name} kid {i}", [])
                kids.append(kid.id)
            for i in range(5):
                await world.user(session, PARENTS + kids[i], "Parent")
            for d, day in enumerate(SCHOOL_DAYS):
                kinds[(name, day)] = kind_of(c, d)
                await add_day(session, klass, subject, kids, day, kinds[(name, day)])
        await session.commit()
        return kinds


def edits_after_the_check(kinds: Kinds) -> list[tuple[str, date, int]]:
    """(class, day, new minutes of its required piece): every over-by-the-estimate day of the
    last week cut to within, every "few" and "optional" day of the last week and the first
    "unfinished" day of each class raised far over (the limit + 40)."""
    edits: list[tuple[str, date, int]] = []
    grade = dict(CLASSES)
    seen_unfinished: set[str] = set()
    for (name, day), kind in sorted(kinds.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        cap = CAP[grade[name]]
        if day in LAST_WEEK and kind == "estimate":
            edits.append((name, day, cap - 30))
        elif day in LAST_WEEK and kind in ("few", "optional"):
            edits.append((name, day, cap + 40))
        elif kind == "unfinished" and name not in seen_unfinished:
            seen_unfinished.add(name)
            edits.append((name, day, cap + 40))
    return edits


async def edit_after_the_check(bot: Harness, kinds: Kinds) -> int:
    """Edits the required pieces' minutes as the edit dialog saves them; returns how many
    corrections were recorded."""
    edits = edits_after_the_check(kinds)
    async with bot.session() as session:
        for name, day, minutes in edits:
            piece = await session.scalar(
                select(Assignment)
                .join(SchoolClass, SchoolClass.id == Assignment.class_id)
                .where(
                    SchoolClass.name == name,
                    Assignment.evening == day,
                    Assignment.required.is_(True),
                )
            )
            assert piece is not None
            before = await hw.loads_of(session, piece.id)
            await hw.edit_assignment(session, piece, TEACHER, {"minutes": minutes}, {day: minutes})
            await corrections.record_corrections(
                session, piece, before, {day: minutes}, TEACHER, local(22, 0, day)
            )
        await session.commit()
        return len(list(await session.scalars(select(LoadCorrection))))


def over_days(kinds: Kinds, days: list[date], klass: str | None = None) -> int:
    return sum(
        1
        for (name, day), kind in kinds.items()
        if day in days and kind in OVER and (klass is None or name == klass)
    )


def number(pattern: str, text: str) -> tuple[int, ...]:
    found = re.search(pattern, text)
    assert found is not None, (pattern, text)
    return tuple(int(g) for g in found.groups())


async def daily_check_counts(bot: Harness) -> dict[date, int]:
    """Each school day's check at 21:30: the office's summary, over of classes."""
    admin = bot.user(ADMIN)
    counts: dict[date, int] = {}
    for day in SCHOOL_DAYS:
        before = len(admin.messages)
        await tick(bot.app, local(21, 30, day))
        new = [m.text or "" for m in admin.messages[before:]]
        summaries = [t for t in new if t.startswith("Daily check for")]
        assert len(summaries) == 1, new
        summary = summaries[0]
        if "all clear" in summary:
            counts[day] = 0
        else:
            counts[day] = number(r"(\d+) of \d+ classes with homework over the limit", summary)[0]
    return counts


async def load_and_chart(bot: Harness, klass: str) -> tuple[int, int, int]:
    """/load's text for `klass` this week: the summary's count and the ⚠ days; the chart's."""
    admin = bot.user(ADMIN)
    await bot.send(admin, "/load")
    text = (await bot.tap(admin, klass)).text or ""
    lines = text.split("\n")
    marked = sum(1 for line in lines if " ⚠ " in line)
    summary = next(line for line in lines if "these days" in line or "every day" in line)
    said = 0 if "Within" in summary else number(r"on (\d+) of these days", summary)[0]
    await bot.tap(admin, "📊 Chart")
    caption = admin.last.text or ""
    assert admin.last.photo is not None
    charted = (
        0 if "Within the limit" in caption else number(r"Over the limit on (\d+) of", caption)[0]
    )
    return said, marked, charted


async def export_over(bot: Harness, dates: str) -> int:
    admin = bot.user(ADMIN)
    await bot.send(admin, "/export")
    await bot.tap(admin, "No. 1 School")
    await bot.tap(admin, "Other dates…")
    before = len(admin.messages)
    await bot.send(admin, dates)
    [book_message] = [
        m for m in admin.messages[before:] if m.document_name and "xlsx" in m.document_name
    ]
    assert book_message.document_bytes is not None
    book = openpyxl.load_workbook(io.BytesIO(book_message.document_bytes))
    rows = list(book["Daily loads"].iter_rows(values_only=True))
    assert rows[0][10] == "Over the limit"
    return sum(1 for r in rows[1:] if r[10] == "yes")


async def test_every_screen_counts_the_same_class_days_over(bot: Harness) -> None:
    kinds = await build_month(bot)
    month_over = over_days(kinds, SCHOOL_DAYS)
    week_over = over_days(kinds, LAST_WEEK)
    assert 0 < week_over < len(LAST_WEEK) * len(CLASSES)  # the month has both
    by_reason = Counter(REASON[k] for (_n, _d), k in kinds.items() if k in OVER)
    assert set(by_reason) == {"estimate", "median", "unfinished"}

    # The daily check, day by day.
    checks = await daily_check_counts(bot)
    assert checks == {d: over_days(kinds, [d]) for d in SCHOOL_DAYS}
    assert sum(checks.values()) == month_over

    # Edits after the check: recorded as corrections; no screen below counts them.
    edits = edits_after_the_check(kinds)
    assert {k for (n, d), k in kinds.items() if (n, d) in {(e[0], e[1]) for e in edits}} == {
        "estimate",
        "few",
        "optional",
        "unfinished",
    }
    assert await edit_after_the_check(bot, kinds) == len(edits)

    # /load and its chart, per class, this week (Fri 27 November, after the check).
    bot.clock.now = local(22, 0, LAST_WEEK[-1])
    for name, _grade in CLASSES:
        said, marked, charted = await load_and_chart(bot, name)
        assert said == marked == charted == over_days(kinds, LAST_WEEK, name), name
    assert sum(checks[d] for d in LAST_WEEK) == week_over

    # The weekly report (Monday 30 November): the school's heat map and summary, and the
    # district's bulletin.
    admin, supervisor = bot.user(ADMIN), bot.user(SUPERVISOR)
    before_admin, before_supervisor = len(admin.messages), len(supervisor.messages)
    await tick(bot.app, local(8, 0, MONDAY_AFTER))
    weekly = admin.messages[before_admin:]
    heat, summary = weekly[0].text or "", weekly[-1].text or ""
    over_classes = {n for (n, d), k in kinds.items() if d in LAST_WEEK and k in OVER}
    assert number(r"(\d+) classes over the limit, on (\d+) class-days", heat) == (
        len(over_classes),
        week_over,
    )
    assert number(r"over the limit, (\d+) class-days in all", summary) == (week_over,)
    bulletin = supervisor.messages[before_supervisor:][-1].text or ""
    week_days = len(LAST_WEEK) * len(CLASSES)
    assert number(r"Class-days within the limits: (\d+) of (\d+)", bulletin) == (
        week_days - week_over,
        week_days,
    )
    assert number(r"(\d+) of (\d+) classes\.", bulletin) == (
        len(CLASSES) - len(over_classes),
        len(CLASSES),
    )

    # The monthly report (Tuesday 1 December): the school office's page and the district's.
    before_admin, before_supervisor = len(admin.messages), len(supervisor.messages)
    await tick(bot.app, local(8, 0, DEC_1))
    month_days = len(SCHOOL_DAYS) * len(CLASSES)
    for page in (admin.messages[-1].text or "", supervisor.messages[-1].text or ""):
        assert number(r"Class-days within the limits: (\d+) of (\d+)", page) == (
            month_days - month_over,
            month_days,
        )
        assert number(
            r"Over the limit: (\d+) class-days \(by the estimate (\d+), by the parents' median "
            r"(\d+), by unfinished reports (\d+)\)",
            page,
        ) == (month_over, by_reason["estimate"], by_reason["median"], by_reason["unfinished"])
    assert number(r"\((\d+) of (\d+) class-days over\)", supervisor.messages[-1].text or "") == (
        month_over,
        month_days,
    )
    assert len(admin.messages) > before_admin and len(supervisor.messages) > before_supervisor

    # The district's bulletin for the month through /reports, and the export of the month.
    bot.clock.now = local(12, 0, DEC_1 + timedelta(days=1))
    await bot.send(supervisor, "/reports")
    await bot.tap(supervisor, "District: District of No. 1 Sch…")  # cut to fit a phone
    await bot.tap(supervisor, "Other dates…")
    await bot.send(supervisor, "2026-11-01 2026-11-30")
    bulletin = supervisor.last.text or ""
    assert number(r"Class-days within the limits: (\d+) of (\d+)", bulletin) == (
        month_days - month_over,
        month_days,
    )
    assert await export_over(bot, "2026-11-01 2026-11-30") == month_over
    assert await export_over(bot, "2026-11-23 2026-11-29") == week_over
