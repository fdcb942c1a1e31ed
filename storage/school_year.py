"""A new school year: term dates, every class a grade up, the leaving grade archived.

Classes move in place (same rows): their children, parents' links, teachers and history go
with them. A leaving class keeps its children and history for reports; it loses its teaching
pairs and its live invite links, and takes a name with its year so the next class can use the
plain one."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.school_year import ClassRow, YearPlan
from storage.models import Invite, SchoolClass, SchoolYear, Teaching


async def current_year(session: AsyncSession, school_id: int) -> SchoolYear | None:
    """The school's latest school year (its term dates), if one was ever set."""
    return await session.scalar(
        select(SchoolYear)
        .where(SchoolYear.school_id == school_id)
        .order_by(SchoolYear.first_day.desc())
        .limit(1)
    )


async def years_of(session: AsyncSession, school_ids: list[int]) -> dict[int, list[SchoolYear]]:
    """Every school year of these schools, oldest first."""
    rows = await session.scalars(
        select(SchoolYear)
        .where(SchoolYear.school_id.in_(school_ids))
        .order_by(SchoolYear.first_day)
    )
    years: dict[int, list[SchoolYear]] = {school_id: [] for school_id in school_ids}
    for year in rows:
        years[year.school_id].append(year)
    return years


async def class_rows(session: AsyncSession, school_id: int) -> list[ClassRow]:
    """The school's current classes, for `bot.domain.school_year.plan_year`."""
    rows = await session.execute(
        select(SchoolClass.id, SchoolClass.grade, SchoolClass.name)
        .where(SchoolClass.school_id == school_id, SchoolClass.archived_at.is_(None))
        .order_by(SchoolClass.grade, SchoolClass.id)
    )
    return [ClassRow(id_, grade, name) for id_, grade, name in rows.all()]


async def move_up(
    session: AsyncSession,
    school_id: int,
    plan: YearPlan,
    archived_names: Mapping[int, str],
    term: tuple[date, date],
    *,
    user_id: int,
    now: datetime,
) -> SchoolYear:
    """Apply `plan`: archive the leaving classes, move the others a grade up (the highest
    grade first, so each takes a name the one above has just left), record the term dates."""
    leaving = [c.id for c in plan.leaving]
    for klass in plan.leaving:
        await session.execute(
            update(SchoolClass)
            .where(SchoolClass.id == klass.id, SchoolClass.school_id == school_id)
            .values(archived_at=now, name=archived_names[klass.id])
        )
    if leaving:
        await session.execute(delete(Teaching).where(Teaching.class_id.in_(leaving)))
        await _revoke_invites_of(session, school_id, set(leaving), now)
    for move in sorted(plan.moves, key=lambda m: (-m.grade, m.id)):
        await session.execute(
            update(SchoolClass)
            .where(SchoolClass.id == move.id, SchoolClass.school_id == school_id)
            .values(grade=move.new_grade, name=move.new_name)
        )
    year = SchoolYear(school_id=school_id, first_day=term[0], last_day=term[1], created_by=user_id)
    session.add(year)
    await session.flush()
    return year


async def _revoke_invites_of(
    session: AsyncSession, school_id: int, class_ids: set[int], now: datetime
) -> None:
    """Live links to the leaving classes: a parent's link is revoked; a teacher's loses those
    classes (revoked when nothing is left)."""
    invites = await session.scalars(
        select(Invite).where(Invite.school_id == school_id, Invite.revoked_at.is_(None))
    )
    for invite in invites:
        if invite.class_id in class_ids:
            invite.revoked_at = now
            continue
        pairs = [[c, s] for c, s in invite.teaching if int(c) not in class_ids]
        if invite.teaching and len(pairs) != len(invite.teaching):
            invite.teaching = pairs
            if not pairs:
                invite.revoked_at = now
