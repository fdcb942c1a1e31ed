"""Class-evening loads over a date range and a scope: the daily check's statement
(`storage.checks.class_evening_query`) with a range-and-scope condition and a cap that also
knows non-school days (weekends, holidays and make-up days, like `bot.load.cap_for`); written
minutes per subject; the inputs of the estimate calibration."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    String,
    and_,
    case,
    cast,
    exists,
    func,
    not_,
    or_,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.calibration import Estimate, Reports
from bot.domain.homework import HomeworkStatus
from bot.domain.load import HomeworkKind
from bot.domain.periods import Scope
from storage.analytics.scopes import scope_condition
from storage.analytics.streams import batches
from storage.checks import MIN_REPORTS, OverCap, class_evening_query, reported_minutes
from storage.models import (
    Assignment,
    AssignmentLoad,
    CalendarDay,
    Child,
    DailyReport,
    School,
    SchoolClass,
    Subject,
)
from storage.policy import cap_expression

# ---------------------------------------------------------------- the cap on any day


def iso_weekday(dialect: str, day: Any) -> Any:
    """ISO weekday 1 (Monday) .. 7 (Sunday) of a date column."""
    if dialect == "postgresql":
        return cast(func.extract("isodow", day), Integer)
    return (cast(func.strftime("%w", day), Integer) + 6) % 7 + 1


def non_school_day(dialect: str, day: Any) -> ColumnElement[bool]:
    """True on a holiday, or on a weekday outside `School.school_days` that is no make-up day
    (`bot.calendar.SchoolCalendar.is_school_day`, in SQL over the joined `School`)."""
    weekday = cast(iso_weekday(dialect, day), Integer)
    text = cast(weekday, String)
    position = (
        func.strpos(School.school_days, text)
        if dialect == "postgresql"
        else func.instr(School.school_days, text)
    )

    def marked(kind: str) -> Any:
        c = CalendarDay
        return exists().where(c.school_id == School.id, c.day == day, c.kind == kind)

    return or_(marked("holiday"), and_(position == 0, not_(marked("makeup"))))


def cap_on(dialect: str) -> Any:
    """The cap of a class on a day over the joined `SchoolClass`, `School` and `District`
    (mirrors `bot.load.cap_for`: the tighter of the school's and the district's; grades 1-2
    none; others the non-school-day cap on a non-school day when one is set, else their
    band's)."""

    def cap(day: Any) -> Any:
        return cap_expression(non_school_day(dialect, day))

    return cap


# ---------------------------------------------------------------- class-evenings


@dataclass(frozen=True)
class Evening(OverCap):
    """One class on one evening of the range: estimated written load, cap and reports.

    `median` is None below `MIN_REPORTS` timed reports (privacy)."""

    school_id: int
    class_id: int
    class_name: str
    grade: int
    day: date
    written: int
    pieces: int
    cap: int | None
    reports: int
    timed: int
    median: float | None
    unfinished: int


def evenings_query(dialect: str, scope: Scope, start: date, end: date) -> Any:
    condition = scope_condition(scope)
    query = class_evening_query(
        dialect,
        lambda day: and_(condition, day.between(start, end)),
        cap_on(dialect),
    )
    sub = query.subquery()
    return select(sub).order_by(sub.c.school_id, sub.c.grade, sub.c.class_name, sub.c.day)


def _evening(row: Sequence[Any]) -> Evening:
    school_id, class_id, name, grade, day, written, pieces, cap = row[:8]
    reports, timed, median, _over, unfinished = row[8:13]
    return Evening(
        school_id=school_id,
        class_id=class_id,
        class_name=name,
        grade=grade,
        day=day,
        written=int(written),
        pieces=int(pieces),
        cap=cap,
        reports=int(reports),
        timed=int(timed),
        median=float(median) if median is not None and timed >= MIN_REPORTS else None,
        unfinished=int(unfinished),
    )


async def evenings(session: AsyncSession, scope: Scope, start: date, end: date) -> list[Evening]:
    """Every class-evening of the scope and range with homework or reports (one statement)."""
    query = evenings_query(session.get_bind().dialect.name, scope, start, end)
    return [_evening(row) for row in await session.execute(query)]


async def evenings_batches(
    session: AsyncSession, scope: Scope, start: date, end: date
) -> AsyncIterator[list[Evening]]:
    """`evenings` from a server-side cursor, `STREAM_ROWS` at a time (one round trip each)."""
    query = evenings_query(session.get_bind().dialect.name, scope, start, end)
    async for rows in batches(session, query):
        yield [_evening(row) for row in rows]


@dataclass(frozen=True)
class SchoolDay:
    """One school's class-evenings on one day: how many, and how many over the cap."""

    school_id: int
    day: date
    evenings: int
    over: int


def evenings_with_over(
    session: AsyncSession, scope: Scope, start: date, end: date
) -> tuple[Any, ColumnElement[bool]]:
    """The class-evening statement's columns as a subquery, and its "over the cap" condition
    (the estimate, or the parents' median from MIN_REPORTS reports) — as `Evening.is_over`."""
    dialect = session.get_bind().dialect.name
    condition = scope_condition(scope)
    c = (
        class_evening_query(
            dialect, lambda day: and_(condition, day.between(start, end)), cap_on(dialect)
        )
        .subquery()
        .c
    )
    over = and_(
        c.cap.is_not(None),
        or_(
            c.written > c.cap,
            and_(c.timed >= MIN_REPORTS, c.median.is_not(None), c.median > c.cap),
        ),
    )
    return c, over


async def school_days(
    session: AsyncSession, scope: Scope, start: date, end: date
) -> list[SchoolDay]:
    """Per school and day, class-evenings and those over the cap (estimate or median), counted
    in SQL over the class-evening statement (a district's weeks without pulling every class)."""
    c, over = evenings_with_over(session, scope, start, end)
    rows = await session.execute(
        select(c.school_id, c.day, func.count(), func.sum(case((over, 1), else_=0)))
        .group_by(c.school_id, c.day)
        .order_by(c.school_id, c.day)
    )
    return [SchoolDay(s, d, int(n), int(o or 0)) for s, d, n, o in rows]


@dataclass(frozen=True)
class ClassCount:
    """A school's classes with homework or reports in the range, and those ever over."""

    classes: int
    over: int


async def class_counts(
    session: AsyncSession, scope: Scope, start: date, end: date
) -> dict[int, ClassCount]:
    """Per school: classes with class-evenings in the range and classes over the cap on any of
    them (one statement over the class-evening statement)."""
    c, over = evenings_with_over(session, scope, start, end)
    rows = await session.execute(
        select(
            c.school_id,
            func.count(func.distinct(c.class_id)),
            func.count(func.distinct(case((over, c.class_id), else_=None))),
        ).group_by(c.school_id)
    )
    return {s: ClassCount(int(n), int(o)) for s, n, o in rows}


# ---------------------------------------------------------------- subjects


@dataclass(frozen=True)
class SubjectDay:
    class_id: int
    day: date
    subject: str
    minutes: int


async def subject_minutes(
    session: AsyncSession, scope: Scope, start: date, end: date
) -> list[SubjectDay]:
    """Posted written minutes per class, evening and subject (subjects in the school's order)."""
    rows = await session.execute(
        select(
            AssignmentLoad.class_id,
            AssignmentLoad.day,
            Subject.name,
            cast(func.sum(AssignmentLoad.minutes), Integer),
        )
        .join(Assignment, Assignment.id == AssignmentLoad.assignment_id)
        .join(Subject, Subject.id == Assignment.subject_id)
        .join(SchoolClass, SchoolClass.id == AssignmentLoad.class_id)
        .where(
            scope_condition(scope),
            AssignmentLoad.day.between(start, end),
            Assignment.status == HomeworkStatus.POSTED.value,
            Assignment.kind == HomeworkKind.WRITTEN.value,
        )
        .group_by(AssignmentLoad.class_id, AssignmentLoad.day, Subject.name, Subject.position)
        .order_by(AssignmentLoad.class_id, AssignmentLoad.day, Subject.position, Subject.name)
    )
    return [SubjectDay(c, d, s, int(m)) for c, d, s, m in rows]


async def subject_totals(
    session: AsyncSession, scope: Scope, start: date, end: date
) -> list[tuple[str, int]]:
    """Written minutes per subject over the scope and range, largest first."""
    total = func.sum(AssignmentLoad.minutes)
    rows = await session.execute(
        select(Subject.name, cast(total, Integer))
        .join(Assignment, Assignment.subject_id == Subject.id)
        .join(AssignmentLoad, AssignmentLoad.assignment_id == Assignment.id)
        .join(SchoolClass, SchoolClass.id == AssignmentLoad.class_id)
        .where(
            scope_condition(scope),
            AssignmentLoad.day.between(start, end),
            Assignment.status == HomeworkStatus.POSTED.value,
            Assignment.kind == HomeworkKind.WRITTEN.value,
        )
        .group_by(Subject.name)
        .order_by(total.desc(), Subject.name)
    )
    return [(name, int(m)) for name, m in rows]


# ---------------------------------------------------------------- calibration inputs


async def calibration_inputs(
    session: AsyncSession, scope: Scope, start: date, end: date
) -> tuple[list[Estimate], list[Reports]]:
    """Written estimates per class, evening, teacher and subject, and the timed reports per
    class-evening, of the scope's classes over the range (two statements)."""
    estimates = [
        Estimate(c, d, t, s, int(m))
        for c, d, t, s, m in await session.execute(
            select(
                AssignmentLoad.class_id,
                AssignmentLoad.day,
                Assignment.teacher_id,
                Subject.name,
                func.sum(AssignmentLoad.minutes),
            )
            .join(Assignment, Assignment.id == AssignmentLoad.assignment_id)
            .join(Subject, Subject.id == Assignment.subject_id)
            .join(SchoolClass, SchoolClass.id == AssignmentLoad.class_id)
            .where(
                scope_condition(scope),
                AssignmentLoad.day.between(start, end),
                Assignment.status == HomeworkStatus.POSTED.value,
                Assignment.kind == HomeworkKind.WRITTEN.value,
            )
            .group_by(
                AssignmentLoad.class_id, AssignmentLoad.day, Assignment.teacher_id, Subject.name
            )
        )
    ]
    timed: dict[tuple[int, date], list[int]] = defaultdict(list)
    for class_id, day, minutes in await session.execute(
        select(Child.class_id, DailyReport.day, reported_minutes())
        .join(Child, Child.id == DailyReport.child_id)
        .join(SchoolClass, SchoolClass.id == Child.class_id)
        .where(
            scope_condition(scope),
            DailyReport.day.between(start, end),
            reported_minutes().is_not(None),
        )
    ):
        timed[(class_id, day)].append(round(minutes or 0))
    return estimates, [Reports(c, d, tuple(m)) for (c, d), m in timed.items()]
