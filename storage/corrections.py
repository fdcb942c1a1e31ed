"""Estimates frozen once the daily check has run for a class-day.

A piece's minutes on a day the check already ran for (a `job_runs` row of the school's
"check" job for that day) are not overwritten in the figures: an edit is recorded in
`load_corrections` beside the value the check saw, and every figure reads `checked_loads()`,
where a corrected (piece, day) counts with the checked minutes. A piece posted after the check
counts as posted, a cancelled one drops (that is not a changed estimate)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import exists, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.schedule import Job
from storage.models import Assignment, AssignmentLoad, JobRun, LoadCorrection, SchoolClass


def checked_loads() -> Any:
    """`assignment_loads` as the daily check saw them (a subquery with the same columns
    `assignment_id`, `day`, `class_id`, `minutes`): a corrected (piece, day) counts with the
    minutes the check saw, even when the edit moved the piece off that day."""
    load, fix = AssignmentLoad, LoadCorrection
    corrected = exists().where(fix.assignment_id == load.assignment_id, fix.day == load.day)
    live = select(
        load.assignment_id.label("assignment_id"),
        load.day.label("day"),
        load.class_id.label("class_id"),
        load.minutes.label("minutes"),
    ).where(~corrected)
    frozen = select(
        fix.assignment_id.label("assignment_id"),
        fix.day.label("day"),
        fix.class_id.label("class_id"),
        fix.checked_minutes.label("minutes"),
    )
    return union_all(live, frozen).subquery("checked_loads")


async def checked_days(session: AsyncSession, school_id: int, days: Sequence[date]) -> set[date]:
    """The days of `days` the school's daily check has run (or is running) for."""
    if not days:
        return set()
    rows = await session.scalars(
        select(JobRun.local_date).where(
            JobRun.school_id == school_id,
            JobRun.job == Job.CHECK.value,
            JobRun.local_date.in_(sorted(set(days))),
        )
    )
    return set(rows)


async def record_corrections(
    session: AsyncSession,
    assignment: Assignment,
    before: Mapping[date, int],
    after: Mapping[date, int],
    actor_id: int,
    now: datetime,
) -> list[LoadCorrection]:
    """Record the changed minutes of the checked days the piece was on (`before`: its loads
    before the edit, `after`: after it); the first correction keeps what the check saw, a
    later one only updates the corrected value. Returns the corrections this edit touched."""
    changed = [d for d in before if after.get(d, 0) != before[d]]
    klass = await session.get(SchoolClass, assignment.class_id)
    if not changed or klass is None:
        return []
    touched = []
    for day in sorted(await checked_days(session, klass.school_id, changed)):
        found = await session.get(LoadCorrection, (assignment.id, day))
        if found is None:
            found = LoadCorrection(
                assignment_id=assignment.id,
                day=day,
                class_id=assignment.class_id,
                checked_minutes=before[day],
                corrected_minutes=after.get(day, 0),
                actor_id=actor_id,
                at=now,
            )
            session.add(found)
        else:
            found.corrected_minutes, found.actor_id, found.at = after.get(day, 0), actor_id, now
        touched.append(found)
    await session.flush()
    return touched


async def corrections_of(session: AsyncSession, assignment_id: int) -> list[LoadCorrection]:
    """A piece's corrections after the daily check, by day."""
    return list(
        await session.scalars(
            select(LoadCorrection)
            .where(LoadCorrection.assignment_id == assignment_id)
            .order_by(LoadCorrection.day)
        )
    )
