"""The staff the scheduler reports to: grade leaders and admins (the daily check, and
approvals), and for the weekly report also each class's teachers and the district's
supervisors."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.roles import Role
from storage.models import Membership, School, SchoolClass, Teaching, User


async def leaders_and_admins(
    session: AsyncSession, school_ids: set[int]
) -> list[tuple[int, str, int, int | None]]:
    """(user, role, school, grade) of the grade leaders and admins of the schools."""
    rows = await session.execute(
        select(Membership.user_id, Membership.role, Membership.school_id, Membership.grade)
        .where(
            Membership.school_id.in_(school_ids),
            Membership.role.in_([Role.GRADE_LEADER.value, Role.SCHOOL_ADMIN.value]),
        )
        .order_by(Membership.user_id)
    )
    return [(u, r, s, g) for u, r, s, g in rows.all() if s is not None]


@dataclass(frozen=True)
class WeeklyAudience:
    """Who gets a school's weekly report; only reachable users are in `users`."""

    school: School
    members: list[tuple[int, str, int | None, int | None]]
    """(user, role, grade, district) of the grade leaders, admins and supervisors, by user."""
    teaching: list[tuple[int, int]]
    """(teacher, class) of the school's classes, by class then teacher."""
    users: dict[int, User]


async def weekly_audience(session: AsyncSession, school_id: int) -> WeeklyAudience | None:
    """The school's grade leaders and admins, its district's supervisors and its classes'
    teachers (three statements); None when the school is gone."""
    school = await session.get(School, school_id)
    if school is None:
        return None
    members = (
        await session.execute(
            select(Membership.user_id, Membership.role, Membership.grade, Membership.district_id)
            .where(
                (Membership.school_id == school.id)
                & Membership.role.in_([Role.GRADE_LEADER.value, Role.SCHOOL_ADMIN.value])
                | (
                    (Membership.district_id == school.district_id)
                    & (Membership.role == Role.SUPERVISOR.value)
                    & Membership.school_id.is_(None)
                )
            )
            .order_by(Membership.user_id)
        )
    ).all()
    teaching = (
        await session.execute(
            select(Teaching.user_id, Teaching.class_id)
            .join(SchoolClass, SchoolClass.id == Teaching.class_id)
            .where(SchoolClass.school_id == school.id)
            .distinct()
            .order_by(Teaching.class_id, Teaching.user_id)
        )
    ).all()
    ids = {m[0] for m in members} | {u for u, _ in teaching}
    users = {
        u.id: u
        for u in await session.scalars(
            select(User).where(User.id.in_(ids), User.reachable.is_(True))
        )
    }
    return WeeklyAudience(
        school,
        [(u, r, g, d) for u, r, g, d in members],
        [(u, c) for u, c in teaching],
        users,
    )
