"""Class-evening loads over a date range and a scope: the daily check's statement
(`storage.checks.class_evening_query`) with a range-and-scope condition and a cap that also
knows non-school days (weekends, holidays and make-up days, like `bot.load.cap_for`); written
minutes per subject; the inputs of the estimate calibration."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator
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
from bot.domain.figures import ClassDay
from bot.domain.homework import HomeworkStatus
from bot.domain.periods import Scope
from storage.analytics.scopes import scope_condition
from storage.analytics.streams import batches
from storage.checks import (
    class_day,
    class_evening_query,
    counted_child,
    counts_against_cap,
    over_condition,
    reported_minutes,
)
from storage.corrections import checked_loads
from storage.models import (
    Assignment,
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


def evenings_query(dialect: str, scope: Scope, start: date, end: date) -> Any:
    condition = scope_condition(scope)
    query = class_evening_query(
        dialect,
        lambda day: and_(condition, day.between(start, end)),
        cap_on(dialect),
    )
    sub = query.subquery()
    return select(sub).order_by(sub.c.school_id, sub.c.grade, sub.c.class_name, sub.c.day)


async def evenings(session: AsyncSession, scope: Scope, start: date, end: date) -> list[ClassDay]:
    """Every class-evening of the scope and range with homework or reports (one statement)."""
    query = evenings_query(session.get_bind().dialect.name, scope, start, end)
    return [class_day(row) for row in await session.execute(query)]


async def evenings_batches(
    session: AsyncSession, scope: Scope, start: date, end: date
) -> AsyncIterator[list[ClassDay]]:
    """`evenings` from a server-side cursor, `STREAM_ROWS` at a time (one round trip each)."""
    query = evenings_query(session.get_bind().dialect.name, scope, start, end)
    async for rows in batches(session, query):
        yield [class_day(row) for row in rows]


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
    """The class-evening statement's columns as a subquery, and its "over the limit" condition
    (`storage.checks.over_condition`, which is `ClassDay.is_over`)."""
    dialect = session.get_bind().dialect.name
    condition = scope_condition(scope)
    c = (
        class_evening_query(
            dialect, lambda day: and_(condition, day.between(start, end)), cap_on(dialect)
        )
        .subquery()
        .c
    )
    over = over_condition(c)
    return c, over


async def school_days(
    session: AsyncSession, scope: Scope, start: date, end: date
) -> list[SchoolDay]:
    """Per school and day, class-evenings and those over the limit (`ClassDay.is_over`), counted
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
    """Posted written minutes per class, evening and subject (subjects in the school's order),
    as the daily check saw them."""
    load = checked_loads()
    rows = await session.execute(
        select(
            load.c.class_id,
            load.c.day,
            Subject.name,
            cast(func.sum(load.c.minutes), Integer),
        )
        .join(Assignment, Assignment.id == load.c.assignment_id)
        .join(Subject, Subject.id == Assignment.subject_id)
        .join(SchoolClass, SchoolClass.id == load.c.class_id)
        .where(
            scope_condition(scope),
            load.c.day.between(start, end),
            Assignment.status == HomeworkStatus.POSTED.value,
            counts_against_cap(),
        )
        .group_by(load.c.class_id, load.c.day, Subject.name, Subject.position)
        .order_by(load.c.class_id, load.c.day, Subject.position, Subject.name)
    )
    return [SubjectDay(c, d, s, int(m)) for c, d, s, m in rows]


async def subject_totals(
    session: AsyncSession, scope: Scope, start: date, end: date
) -> list[tuple[str, int]]:
    """Written minutes per subject over the scope and range, largest first."""
    load = checked_loads()
    total = func.sum(load.c.minutes)
    rows = await session.execute(
        select(Subject.name, cast(total, Integer))
        .join(Assignment, Assignment.subject_id == Subject.id)
        .join(load, load.c.assignment_id == Assignment.id)
        .join(SchoolClass, SchoolClass.id == load.c.class_id)
        .where(
            scope_condition(scope),
            load.c.day.between(start, end),
            Assignment.status == HomeworkStatus.POSTED.value,
            counts_against_cap(),
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
    load = checked_loads()
    estimates = [
        Estimate(c, d, t, s, int(m))
        for c, d, t, s, m in await session.execute(
            select(
                load.c.class_id,
                load.c.day,
                Assignment.teacher_id,
                Subject.name,
                func.sum(load.c.minutes),
            )
            .join(Assignment, Assignment.id == load.c.assignment_id)
            .join(Subject, Subject.id == Assignment.subject_id)
            .join(SchoolClass, SchoolClass.id == load.c.class_id)
            .where(
                scope_condition(scope),
                load.c.day.between(start, end),
                Assignment.status == HomeworkStatus.POSTED.value,
                counts_against_cap(),
            )
            .group_by(load.c.class_id, load.c.day, Assignment.teacher_id, Subject.name)
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
            counted_child(),
        )
    ):
        timed[(class_id, day)].append(round(minutes or 0))
    return estimates, [Reports(c, d, tuple(m)) for (c, d), m in timed.items()]
