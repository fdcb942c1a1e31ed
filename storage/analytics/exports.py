"""The rows of an export besides complaints (`storage.analytics.complaints`): homework pieces
and parents' reports without identities, and the size of the largest sheet."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import date
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.periods import Scope
from bot.domain.reporting import MIN_FAMILIES
from storage.analytics.scopes import scope_condition
from storage.analytics.streams import batches
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
    """Parents' reports WITHOUT identities: school, class, evening, minutes, range (low,
    high), outcome, note. No child, no parent; a note only on an evening with at least
    MIN_FAMILIES reports in the class (the summaries' rule; held notes reach staff there)."""
    families = func.count().over(partition_by=(Child.class_id, DailyReport.day))
    note = case((families >= MIN_FAMILIES, DailyReport.note), else_=None)
    query = (
        select(
            School.name,
            SchoolClass.name,
            DailyReport.day,
            DailyReport.minutes,
            DailyReport.minutes_low,
            DailyReport.minutes_high,
            DailyReport.outcome,
            note,
        )
        .join(Child, Child.id == DailyReport.child_id)
        .join(SchoolClass, SchoolClass.id == Child.class_id)
        .join(School, School.id == SchoolClass.school_id)
        .where(scope_condition(scope), DailyReport.day.between(start, end))
        .order_by(School.name, SchoolClass.grade, SchoolClass.name, DailyReport.day)
    )
    async for rows in batches(session, query):
        yield rows


async def largest_table_rows(session: AsyncSession, scope: Scope, start: date, end: date) -> int:
    """Rows of the biggest export sheet (parents' reports, else homework loads), counted first
    so that an export too large for one file is refused before it is built."""
    reports = await session.scalar(
        select(func.count())
        .select_from(DailyReport)
        .join(Child, Child.id == DailyReport.child_id)
        .join(SchoolClass, SchoolClass.id == Child.class_id)
        .where(scope_condition(scope), DailyReport.day.between(start, end))
    )
    loads = await session.scalar(
        select(func.count())
        .select_from(AssignmentLoad)
        .join(SchoolClass, SchoolClass.id == AssignmentLoad.class_id)
        .where(scope_condition(scope), AssignmentLoad.day.between(start, end))
    )
    return max(int(reports or 0), int(loads or 0))
