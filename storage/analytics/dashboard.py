"""The dashboard's figures (handlers/dashboard): per school of a district over a range, a
few set-based statements over the class-evening statement (`loads.evenings_with_over`, the
same "over" as /reports), the limit changes and the open complaints; a class-day's pieces;
complaint histories for a board. Never a single parent's report or a complainant."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.complaints import OPEN
from bot.domain.figures import MIN_FAMILIES
from bot.domain.periods import Scope
from storage.analytics.loads import evenings_with_over
from storage.models import Complaint, ComplaintEvent, PolicyChange, School


@dataclass(frozen=True)
class SchoolFigures:
    """A school's class-evenings (on one day, or summed over a range): how many, over the
    limit (estimate or the parents' median), over by the teachers' own estimate (posted over
    the limit after the warning: confirmed), with enough reports to show figures, and the
    report counts."""

    evenings: int = 0
    over: int = 0
    estimate_over: int = 0
    covered: int = 0
    reports: int = 0
    unfinished: int = 0

    def __add__(self, other: SchoolFigures) -> SchoolFigures:
        return SchoolFigures(
            *(getattr(self, f) + getattr(other, f) for f in self.__dataclass_fields__)
        )


async def school_day_figures(
    session: AsyncSession, scope: Scope, start: date, end: date
) -> list[tuple[int, date, SchoolFigures]]:
    """Per school of the scope and day (one statement over the class-evening statement)."""
    c, over = evenings_with_over(session, scope, start, end)

    def count(condition: Any) -> Any:
        return func.sum(case((condition, 1), else_=0))

    rows = await session.execute(
        select(
            c.school_id,
            c.day,
            func.count(),
            count(over),
            count(and_(c.cap.is_not(None), c.written > c.cap)),
            count(c.reports >= MIN_FAMILIES),
            func.sum(c.reports),
            func.sum(c.unfinished),
        ).group_by(c.school_id, c.day)
    )
    return [(int(s), d, SchoolFigures(*(int(v or 0) for v in values))) for s, d, *values in rows]


async def day_figures(
    session: AsyncSession, scope: Scope, start: date, end: date
) -> list[tuple[date, int, int]]:
    """Per day of the range: the scope's class-evenings and those over the limit (one
    statement; a district's trend over months without a row per school)."""
    c, over = evenings_with_over(session, scope, start, end)
    rows = await session.execute(
        select(c.day, func.count(), func.sum(case((over, 1), else_=0))).group_by(c.day)
    )
    return [(d, int(n), int(o or 0)) for d, n, o in rows]


async def limit_changes(
    session: AsyncSession, district_id: int, low: datetime, high: datetime
) -> dict[int | None, int]:
    """Limit and policy changes per school (None: the district's own) in [low, high)."""
    rows = await session.execute(
        select(PolicyChange.school_id, func.count())
        .where(
            PolicyChange.district_id == district_id,
            PolicyChange.at >= low,
            PolicyChange.at < high,
        )
        .group_by(PolicyChange.school_id)
    )
    return {s: int(n) for s, n in rows}


async def open_complaints(session: AsyncSession, district_id: int) -> dict[int, int]:
    """Open complaints per school of the district, now."""
    rows = await session.execute(
        select(Complaint.school_id, func.count())
        .join(School, School.id == Complaint.school_id)
        .where(School.district_id == district_id, Complaint.status.in_([s.value for s in OPEN]))
        .group_by(Complaint.school_id)
    )
    return {int(s): int(n) for s, n in rows}


@dataclass(frozen=True)
class TicketEvent:
    """A step of a ticket's history: who in which role (never their id), what, when."""

    role: str
    kind: str
    status: str | None
    at: datetime


async def histories(
    session: AsyncSession, complaint_ids: Sequence[int]
) -> dict[int, list[TicketEvent]]:
    """The histories of the given tickets (one statement), oldest first."""
    if not complaint_ids:
        return {}
    e = ComplaintEvent
    rows = await session.execute(
        select(e.complaint_id, e.actor_role, e.kind, e.status, e.created_at)
        .where(e.complaint_id.in_(list(complaint_ids)))
        .order_by(e.complaint_id, e.created_at, e.id)
    )
    result: dict[int, list[TicketEvent]] = defaultdict(list)
    for cid, role, kind, status, at in rows:
        result[int(cid)].append(TicketEvent(role, kind, status, at))
    return dict(result)
