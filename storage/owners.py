"""What the bot's owners see of every school: counts and last activity; renaming, time zone,
archiving (read-only: no notices, no new homework or members; kept for reports)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.roles import Role
from storage.models import (
    Assignment,
    Child,
    DailyReport,
    District,
    Invite,
    Membership,
    ParentLink,
    School,
    SchoolClass,
)


@dataclass(frozen=True)
class SchoolStats:
    school_id: int
    name: str
    district: str
    timezone: str
    archived: bool
    classes: int
    teachers: int
    parents: int
    last_activity: datetime | None
    """The newest piece of homework recorded or parent's report, in UTC."""


async def _counts(session: AsyncSession, query: Select[Any, Any]) -> dict[int, int]:
    rows = await session.execute(query)
    return {int(school_id): int(n or 0) for school_id, n in rows.all()}


async def school_stats(session: AsyncSession) -> list[SchoolStats]:
    """Every school, by district then name (archived last in each district), with counts."""
    classes = await _counts(
        session,
        select(SchoolClass.school_id, func.count(SchoolClass.id))
        .where(SchoolClass.archived_at.is_(None))
        .group_by(SchoolClass.school_id),
    )
    teachers = await _counts(
        session,
        select(Membership.school_id, func.count(func.distinct(Membership.user_id)))
        .where(Membership.role == Role.TEACHER.value, Membership.school_id.is_not(None))
        .group_by(Membership.school_id),
    )
    parents = await _counts(
        session,
        select(SchoolClass.school_id, func.count(func.distinct(ParentLink.parent_id)))
        .join(Child, Child.id == ParentLink.child_id)
        .join(SchoolClass, SchoolClass.id == Child.class_id)
        .where(Child.removed_at.is_(None), SchoolClass.archived_at.is_(None))
        .group_by(SchoolClass.school_id),
    )
    homework = dict(
        (
            await session.execute(
                select(SchoolClass.school_id, func.max(Assignment.created_at))
                .join(SchoolClass, SchoolClass.id == Assignment.class_id)
                .group_by(SchoolClass.school_id)
            )
        ).all()
    )
    reports = dict(
        (
            await session.execute(
                select(SchoolClass.school_id, func.max(DailyReport.updated_at))
                .join(Child, Child.id == DailyReport.child_id)
                .join(SchoolClass, SchoolClass.id == Child.class_id)
                .group_by(SchoolClass.school_id)
            )
        ).all()
    )
    rows = await session.execute(
        select(School.id, School.name, District.name, School.timezone, School.archived_at)
        .join(District, District.id == School.district_id)
        .order_by(District.name, District.id, School.archived_at.is_not(None), School.name)
    )
    result = []
    for school_id, name, district, zone, archived_at in rows.all():
        times = [t for t in (homework.get(school_id), reports.get(school_id)) if t is not None]
        result.append(
            SchoolStats(
                school_id,
                name,
                district,
                zone,
                archived_at is not None,
                classes.get(school_id, 0),
                teachers.get(school_id, 0),
                parents.get(school_id, 0),
                max(times) if times else None,
            )
        )
    return result


async def rename_school(session: AsyncSession, school_id: int, name: str) -> None:
    school = await session.get(School, school_id)
    if school is not None:
        school.name = name


async def set_timezone(session: AsyncSession, school_id: int, zone: str) -> None:
    school = await session.get(School, school_id)
    if school is not None:
        school.timezone = zone


async def set_archived(session: AsyncSession, school_id: int, now: datetime | None) -> None:
    """Archive the school (`now`: its live invite links are revoked) or bring it back (None;
    the links stay revoked: new ones are made with /invite)."""
    school = await session.get(School, school_id)
    if school is None:
        return
    school.archived_at = now
    if now is not None:
        await session.execute(
            update(Invite)
            .where(Invite.school_id == school_id, Invite.revoked_at.is_(None))
            .values(revoked_at=now)
        )
