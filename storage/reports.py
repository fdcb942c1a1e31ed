"""Parents' reports: one row per child per evening (the latest answer wins), with history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.reporting import MAX_MINUTES, MAX_NOTE, ReportOutcome
from storage.models import Child, DailyReport, ParentLink, ReportEvent, School, SchoolClass
from storage.sql import dialect_insert


@dataclass(frozen=True)
class ChildOfParent:
    """A child the presser is a parent of, with what rendering and the calendar need."""

    child_id: int
    name: str
    class_id: int
    class_name: str
    grade: int
    school: School


async def child_of_parent(
    session: AsyncSession, parent_id: int, child_id: int
) -> ChildOfParent | None:
    """The child when `parent_id` is one of its parents; None otherwise (forged or stale)."""
    row = (
        await session.execute(
            select(Child, SchoolClass, School)
            .join(ParentLink, ParentLink.child_id == Child.id)
            .join(SchoolClass, SchoolClass.id == Child.class_id)
            .join(School, School.id == SchoolClass.school_id)
            .where(ParentLink.parent_id == parent_id, Child.id == child_id)
        )
    ).first()
    if row is None:
        return None
    child, klass, school = row
    return ChildOfParent(child.id, child.name, klass.id, klass.name, klass.grade, school)


async def save_report(
    session: AsyncSession,
    *,
    child_id: int,
    day: date,
    minutes: int | None,
    outcome: ReportOutcome,
    reporter_id: int,
    now: datetime,
) -> int:
    """Upsert the child's report for `day` (one row, latest wins) and log the answer; returns
    the report id. The caller commits."""
    if minutes is not None and not 0 <= minutes <= MAX_MINUTES:
        raise ValueError(f"minutes must be 0-{MAX_MINUTES}, got {minutes}")
    insert = dialect_insert(session)
    stmt = insert(DailyReport).values(
        child_id=child_id,
        day=day,
        minutes=minutes,
        outcome=outcome.value,
        reporter_id=reporter_id,
        created_at=now,
        updated_at=now,
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=[DailyReport.child_id, DailyReport.day],
        set_={
            "minutes": stmt.excluded.minutes,
            "outcome": stmt.excluded.outcome,
            "reporter_id": stmt.excluded.reporter_id,
            "updated_at": stmt.excluded.updated_at,
        },
    ).returning(DailyReport.id)
    report_id = int((await session.execute(stmt)).scalar_one())
    session.add(
        ReportEvent(
            report_id=report_id,
            reporter_id=reporter_id,
            minutes=minutes,
            outcome=outcome.value,
            created_at=now,
        )
    )
    await session.flush()
    return report_id


async def set_note(session: AsyncSession, child_id: int, day: date, note: str | None) -> bool:
    """Attach (or clear) the note of the child's report for `day`; False when there is none."""
    if note is not None and len(note) > MAX_NOTE:
        raise ValueError(f"a note is at most {MAX_NOTE} characters")
    result = await session.execute(
        update(DailyReport)
        .where(DailyReport.child_id == child_id, DailyReport.day == day)
        .values(note=note)
        .returning(DailyReport.id)
    )
    return result.scalar_one_or_none() is not None


async def reports_for(
    session: AsyncSession, child_id: int, days: list[date]
) -> dict[date, DailyReport]:
    if not days:
        return {}
    rows = await session.scalars(
        select(DailyReport).where(DailyReport.child_id == child_id, DailyReport.day.in_(days))
    )
    return {r.day: r for r in rows}


async def history(session: AsyncSession, child_id: int, day: date) -> list[ReportEvent]:
    return list(
        await session.scalars(
            select(ReportEvent)
            .join(DailyReport, DailyReport.id == ReportEvent.report_id)
            .where(DailyReport.child_id == child_id, DailyReport.day == day)
            .order_by(ReportEvent.id)
        )
    )
