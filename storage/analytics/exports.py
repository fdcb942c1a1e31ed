"""The rows of an export besides complaints (`storage.analytics.complaints`): homework pieces
and parents' reports as class-day aggregates, and the size of the largest sheet."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import date
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.figures import MIN_FAMILIES
from bot.domain.periods import Scope
from storage.analytics.loads import cap_on
from storage.analytics.scopes import scope_condition
from storage.analytics.streams import batches
from storage.checks import class_evening_query, counted_child
from storage.models import (
    Assignment,
    AssignmentLoad,
    Child,
    DailyReport,
    School,
    SchoolClass,
    Subject,
    User,
)

NOTES_SEPARATOR = "\x1f"
"""Between a class-day's notes as the database joins them (the unit separator: never in a
note); `note_text` splits them again."""


def note_text(notes: str | None) -> str | None:
    """A class-day's notes from `reports_batches`, sorted, one a line."""
    return None if not notes else "\n".join(sorted(notes.split(NOTES_SEPARATOR)))


async def pieces_batches(
    session: AsyncSession, scope: Scope, start: date, end: date
) -> AsyncIterator[Sequence[Sequence[Any]]]:
    """Homework pieces whose first evening is in the range: school, class, subject, teacher's
    name, kind, minutes, evening, due, status, text."""
    query = (
        select(
            School.name,
            SchoolClass.name,
            Subject.name,
            User.first_name,
            User.last_name,
            Assignment.kind,
            Assignment.minutes,
            Assignment.evening,
            Assignment.due,
            Assignment.status,
            Assignment.text,
        )
        .join(SchoolClass, SchoolClass.id == Assignment.class_id)
        .join(School, School.id == SchoolClass.school_id)
        .join(Subject, Subject.id == Assignment.subject_id)
        .join(User, User.id == Assignment.teacher_id)
        .where(scope_condition(scope), Assignment.evening.between(start, end))
        .order_by(
            School.name, SchoolClass.grade, SchoolClass.name, Assignment.evening, Assignment.id
        )
    )
    async for rows in batches(session, query):
        yield rows


async def reports_batches(
    session: AsyncSession, scope: Scope, start: date, end: date
) -> AsyncIterator[Sequence[Sequence[Any]]]:
    """Parents' reports as class-day aggregates only: school, class, evening, reports, median,
    over the limit, unfinished, notes; never a single report, a child or a parent. A class-day
    with fewer than `MIN_FAMILIES` reports shows its count and nothing else (None in the rest);
    its notes, sorted one a line (the order gives no hint of who wrote which), only from
    `MIN_FAMILIES` reports on."""
    dialect = session.get_bind().dialect.name
    condition = scope_condition(scope)
    c = (
        class_evening_query(
            dialect, lambda day: and_(condition, day.between(start, end)), cap_on(dialect)
        )
        .subquery()
        .c
    )
    notes = (
        select(
            Child.class_id.label("class_id"),
            DailyReport.day.label("day"),
            func.aggregate_strings(DailyReport.note, NOTES_SEPARATOR).label("notes"),
        )
        .join(Child, Child.id == DailyReport.child_id)
        .join(SchoolClass, SchoolClass.id == Child.class_id)
        .where(
            condition,
            DailyReport.day.between(start, end),
            DailyReport.note.is_not(None),
            DailyReport.note != "",
            counted_child(),
        )
        .group_by(Child.class_id, DailyReport.day)
        .subquery()
    )
    shown = c.reports >= MIN_FAMILIES
    query = (
        select(
            School.name,
            c.class_name,
            c.day,
            c.reports,
            case((and_(shown, c.timed >= MIN_FAMILIES), c.median), else_=None),
            case((shown, c.over), else_=None),
            case((shown, c.unfinished), else_=None),
            case((shown, notes.c.notes), else_=None),
        )
        .join(School, School.id == c.school_id)
        .outerjoin(notes, and_(notes.c.class_id == c.class_id, notes.c.day == c.day))
        .where(c.reports > 0)
        .order_by(School.name, c.grade, c.class_name, c.day)
    )
    async for rows in batches(session, query):
        yield [(*row[:-1], note_text(row[-1])) for row in rows]


async def largest_table_rows(session: AsyncSession, scope: Scope, start: date, end: date) -> int:
    """Rows of the biggest export sheet (parents' reports, else homework loads), counted first
    so that an export too large for one file is refused before it is built."""
    reports = await session.scalar(
        select(func.count())
        .select_from(DailyReport)
        .join(Child, Child.id == DailyReport.child_id)
        .join(SchoolClass, SchoolClass.id == Child.class_id)
        .where(scope_condition(scope), DailyReport.day.between(start, end), counted_child())
    )
    loads = await session.scalar(
        select(func.count())
        .select_from(AssignmentLoad)
        .join(SchoolClass, SchoolClass.id == AssignmentLoad.class_id)
        .where(scope_condition(scope), AssignmentLoad.day.between(start, end))
    )
    return max(int(reports or 0), int(loads or 0))
