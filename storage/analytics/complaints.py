"""Complaints over a date range and a scope: whether they were answered in time, and the rows
of an export (never an anonymous complainant's identity)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.domain.complaints import Timeliness, response_timeliness
from bot.domain.periods import Scope, ScopeKind
from storage.analytics.scopes import school_condition, scope_condition, utc_bounds
from storage.analytics.streams import batches
from storage.models import Complaint, School, SchoolClass, User


@dataclass(frozen=True)
class ComplaintOutcome:
    """A complaint filed on a local `day`: answered by its deadline, late, or neither yet."""

    school_id: int
    day: date
    answered: bool
    in_time: bool
    late: bool  # answered after the deadline, or unanswered with the deadline passed
    category: str = ""


@dataclass
class ComplaintFigures:
    """Complaints filed in the range (school-local dates), and how they were answered."""

    opened: int = 0
    answered: int = 0
    in_time: int = 0
    late: int = 0

    def add(self, outcome: ComplaintOutcome) -> None:
        self.opened += 1
        self.answered += outcome.answered
        self.in_time += outcome.in_time
        self.late += outcome.late

    @property
    def due(self) -> int:
        """Those whose deadline passed or that were answered: the base of the in-time share."""
        return self.in_time + self.late

    @property
    def in_time_share(self) -> float | None:
        return self.in_time / self.due if self.due else None


async def complaint_outcomes(
    session: AsyncSession, scope: Scope, start: date, end: date, now: datetime
) -> list[ComplaintOutcome]:
    """Complaints of the scope's schools (grade and class scopes: those about their classes)
    filed on a local date in the range, one statement."""
    low, high = utc_bounds(start, end)
    query = (
        select(
            Complaint.school_id,
            School.timezone,
            Complaint.created_at,
            Complaint.first_deadline_at,
            Complaint.first_responded_at,
            Complaint.category,
        )
        .join(School, School.id == Complaint.school_id)
        .where(school_condition(scope), Complaint.created_at.between(low, high))
    )
    if scope.kind in (ScopeKind.CLASS, ScopeKind.GRADE):
        query = query.where(
            Complaint.class_id.in_(select(SchoolClass.id).where(scope_condition(scope)))
        )
    result: list[ComplaintOutcome] = []
    zones: dict[str, ZoneInfo] = {}
    for school_id, tz, created, deadline, responded, category in await session.execute(query):
        zone = zones.setdefault(tz, ZoneInfo(tz))
        day = created.astimezone(zone).date()
        if not start <= day <= end:
            continue
        timeliness = response_timeliness(responded, deadline, now)  # "answered on time"
        outcome = ComplaintOutcome(
            school_id,
            day,
            responded is not None,
            timeliness == Timeliness.ON_TIME,
            timeliness == Timeliness.LATE,
            category,
        )
        result.append(outcome)
    return result


async def complaint_figures(
    session: AsyncSession, scope: Scope, start: date, end: date, now: datetime
) -> dict[int, ComplaintFigures]:
    """`complaint_outcomes` counted per school."""
    result: dict[int, ComplaintFigures] = defaultdict(ComplaintFigures)
    for outcome in await complaint_outcomes(session, scope, start, end, now):
        result[outcome.school_id].add(outcome)
    return dict(result)


@dataclass(frozen=True)
class ComplaintRow:
    """A complaint for an export: the complainant's name only when they filed it named."""

    code: str
    school: str
    class_name: str | None
    category: str
    status: str
    level: str
    named_by: str | None
    created_at: datetime
    deadline_at: datetime
    responded_at: datetime | None  # the first response ever (the "First answer" column)
    escalated_at: datetime | None
    text: str
    timezone: str


async def complaints_batches(
    session: AsyncSession, scope: Scope, start: date, end: date
) -> AsyncIterator[list[ComplaintRow]]:
    """Complaints filed on a local date in the range. An anonymous complainant's identity is
    never selected: the join to `users` only matches named tickets."""
    low, high = utc_bounds(start, end)
    complainant = aliased(User, name="complainant")
    query = (
        select(
            Complaint.code,
            School.name,
            SchoolClass.name,
            Complaint.category,
            Complaint.status,
            Complaint.level,
            complainant.first_name,
            complainant.last_name,
            Complaint.created_at,
            Complaint.deadline_at,
            Complaint.first_responded_at,
            Complaint.escalated_at,
            Complaint.text,
            School.timezone,
        )
        .join(School, School.id == Complaint.school_id)
        .outerjoin(SchoolClass, SchoolClass.id == Complaint.class_id)
        .outerjoin(
            complainant,
            and_(Complaint.anonymous.is_(False), complainant.id == Complaint.complainant_id),
        )
        .where(school_condition(scope), Complaint.created_at.between(low, high))
        .order_by(School.name, Complaint.created_at, Complaint.id)
    )
    if scope.kind in (ScopeKind.CLASS, ScopeKind.GRADE):
        query = query.where(
            Complaint.class_id.in_(select(SchoolClass.id).where(scope_condition(scope)))
        )
    zones: dict[str, ZoneInfo] = {}

    def filed_in_range(c: ComplaintRow) -> bool:
        zone = zones.setdefault(c.timezone, ZoneInfo(c.timezone))
        return start <= c.created_at.astimezone(zone).date() <= end

    async for rows in batches(session, query):
        batch = [c for c in map(_complaint_row, rows) if filed_in_range(c)]
        if batch:
            yield batch


def _complaint_row(row: Sequence[Any]) -> ComplaintRow:
    (code, school, klass, category, status, level, first, last) = row[:8]
    created, deadline, responded, escalated, text, tz = row[8:]
    name = " ".join(p for p in (first, last) if p) or None
    return ComplaintRow(
        code,
        school,
        klass,
        category,
        status,
        level,
        name,
        created,
        deadline,
        responded,
        escalated,
        text,
        tz,
    )
