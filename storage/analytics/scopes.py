"""A scope (class, grade, school, district) as SQL conditions, and its schools and classes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.calendar import local_today
from bot.domain.periods import Scope, ScopeKind
from storage.models import Complaint, School, SchoolClass


def scope_condition(scope: Scope) -> ColumnElement[bool]:
    """The classes of a scope, as a condition on `SchoolClass`."""
    k = SchoolClass
    if scope.kind is ScopeKind.CLASS:
        return k.id == scope.class_id
    if scope.kind is ScopeKind.GRADE:
        return and_(k.school_id == scope.school_id, k.grade == scope.grade)
    if scope.kind is ScopeKind.SCHOOL:
        return k.school_id == scope.school_id
    return k.school_id.in_(select(School.id).where(School.district_id == scope.district_id))


def school_condition(scope: Scope) -> ColumnElement[bool]:
    """The schools of a scope, as a condition on `Complaint.school_id`."""
    if scope.kind is ScopeKind.DISTRICT:
        return Complaint.school_id.in_(
            select(School.id).where(School.district_id == scope.district_id)
        )
    if scope.kind is ScopeKind.CLASS:
        return Complaint.school_id.in_(
            select(SchoolClass.school_id).where(SchoolClass.id == scope.class_id)
        )
    return Complaint.school_id == scope.school_id


def utc_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """A UTC window wide enough for every time zone (filtered by local date afterwards)."""
    return (
        datetime.combine(start - timedelta(days=1), datetime.min.time(), UTC),
        datetime.combine(end + timedelta(days=2), datetime.min.time(), UTC),
    )


@dataclass(frozen=True)
class SchoolInfo:
    id: int
    name: str
    timezone: str
    district_id: int


async def schools_of(session: AsyncSession, scope: Scope) -> list[SchoolInfo]:
    """The schools a scope touches, by name."""
    query = select(School.id, School.name, School.timezone, School.district_id)
    if scope.kind is ScopeKind.DISTRICT:
        query = query.where(School.district_id == scope.district_id)
    elif scope.kind is ScopeKind.CLASS:
        query = query.where(
            School.id
            == select(SchoolClass.school_id)
            .where(SchoolClass.id == scope.class_id)
            .scalar_subquery()
        )
    else:
        query = query.where(School.id == scope.school_id)
    rows = await session.execute(query.order_by(School.name, School.id))
    return [SchoolInfo(*row) for row in rows]


async def classes_of(session: AsyncSession, scope: Scope) -> list[SchoolClass]:
    """The classes of a scope (not for districts: use the aggregates there)."""
    return list(
        await session.scalars(
            select(SchoolClass)
            .where(scope_condition(scope))
            .order_by(SchoolClass.school_id, SchoolClass.grade, SchoolClass.name)
        )
    )


def today_of(schools: Sequence[SchoolInfo], now: datetime) -> date:
    """The latest local date among the schools (a period may end there)."""
    return max((local_today(s.timezone, now) for s in schools), default=now.date())
