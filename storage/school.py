"""A school's own set-up: its calendar, class lists, and deleting unused classes and subjects."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    Assignment,
    CalendarDay,
    Child,
    Complaint,
    Invite,
    InviteUse,
    ParentLink,
    School,
    SchoolClass,
    Subject,
    Teaching,
)

# ---------------------------------------------------------------- calendar


async def upcoming_calendar_days(
    session: AsyncSession, school_id: int, today: date, limit: int | None = None
) -> list[CalendarDay]:
    """Holidays and make-up school days from `today` on, by date."""
    query = (
        select(CalendarDay)
        .where(CalendarDay.school_id == school_id, CalendarDay.day >= today)
        .order_by(CalendarDay.day)
    )
    if limit is not None:
        query = query.limit(limit)
    return list(await session.scalars(query))


async def remove_calendar_day(session: AsyncSession, school_id: int, day: date) -> None:
    await session.execute(
        delete(CalendarDay).where(CalendarDay.school_id == school_id, CalendarDay.day == day)
    )


async def remove_calendar_days(
    session: AsyncSession, school_id: int, first: date, last: date
) -> None:
    """Remove the holidays and make-up days from `first` to `last` (a period)."""
    await session.execute(
        delete(CalendarDay).where(
            CalendarDay.school_id == school_id, CalendarDay.day.between(first, last)
        )
    )


async def set_calendar_days(
    session: AsyncSession,
    school_id: int,
    days: Sequence[date],
    kind: str,
    name: str | None = None,
) -> None:
    """Mark `days` as `kind` ("holiday" or "makeup") of that name, replacing what they were."""
    await session.execute(
        delete(CalendarDay).where(CalendarDay.school_id == school_id, CalendarDay.day.in_(days))
    )
    session.add_all(CalendarDay(school_id=school_id, day=d, kind=kind, name=name) for d in days)


# ---------------------------------------------------------------- class lists


async def roster_names(session: AsyncSession, class_id: int) -> list[str]:
    """The names on a class's list, alphabetically."""
    return list(
        await session.scalars(
            select(Child.name)
            .where(Child.class_id == class_id, Child.removed_at.is_(None))
            .order_by(Child.name)
        )
    )


async def add_to_roster(session: AsyncSession, class_id: int, names: Sequence[str]) -> list[str]:
    """Add the names not on the class's list yet; returns those added."""
    existing = set(
        await session.scalars(
            select(Child.name).where(Child.class_id == class_id, Child.removed_at.is_(None))
        )
    )
    new = [n for n in names if n not in existing]
    session.add_all(Child(class_id=class_id, name=n) for n in new)
    return new


# ---------------------------------------------------------------- deleting classes and subjects


@dataclass(frozen=True)
class ClassHistory:
    """What a class has gathered: children on its list, homework, complaints."""

    children: int
    homework: int
    complaints: int

    @property
    def empty(self) -> bool:
        return not (self.children or self.homework or self.complaints)


async def class_history(session: AsyncSession, class_id: int) -> ClassHistory:
    counts = [
        await session.scalar(
            select(func.count()).select_from(model).where(model.class_id == class_id)
        )
        or 0
        for model in (Child, Assignment, Complaint)
    ]
    return ClassHistory(*counts)


async def class_in_use(session: AsyncSession, class_id: int) -> bool:
    """A class with children, homework or complaints is kept."""
    for model in (Child, Assignment, Complaint):
        count = await session.scalar(
            select(func.count()).select_from(model).where(model.class_id == class_id)
        )
        if count:
            return True
    return False


async def subject_in_use(session: AsyncSession, subject_id: int) -> bool:
    """A subject with homework is kept."""
    count = await session.scalar(
        select(func.count()).select_from(Assignment).where(Assignment.subject_id == subject_id)
    )
    return bool(count)


async def delete_class(session: AsyncSession, klass: SchoolClass, now: datetime) -> None:
    """Delete an unused class with its teaching pairs and its place in the school's invites."""
    await session.execute(delete(Teaching).where(Teaching.class_id == klass.id))
    await drop_from_invites(session, klass.school_id, now, class_id=klass.id)
    await session.delete(klass)


async def delete_subject(session: AsyncSession, subject: Subject, now: datetime) -> None:
    """Delete an unused subject with its teaching pairs and its place in the school's invites."""
    await session.execute(delete(Teaching).where(Teaching.subject_id == subject.id))
    await drop_from_invites(session, subject.school_id, now, subject_id=subject.id)
    await session.delete(subject)


async def drop_from_invites(
    session: AsyncSession,
    school_id: int,
    now: datetime,
    *,
    class_id: int | None = None,
    subject_id: int | None = None,
) -> None:
    """Forget a deleted class or subject in the school's invites: a teacher invite keeps its
    other pairs (revoked when none is left); a parent invite of the class goes (an unused one:
    a used one means the class has a child, and such a class is not deleted)."""
    invites = await session.scalars(select(Invite).where(Invite.school_id == school_id))
    for invite in invites:
        if class_id is not None and invite.class_id == class_id:
            await session.execute(delete(InviteUse).where(InviteUse.invite_id == invite.id))
            await session.delete(invite)
        elif invite.teaching:
            pairs = [
                [c, s]
                for c, s in invite.teaching
                if (class_id is None or int(c) != class_id)
                and (subject_id is None or int(s) != subject_id)
            ]
            if len(pairs) != len(invite.teaching):
                invite.teaching = pairs
                if not pairs and invite.revoked_at is None:
                    invite.revoked_at = now
    await session.flush()


async def usual_zone(
    session: AsyncSession,
    school_ids: frozenset[int] | set[int],
    district_ids: frozenset[int] | set[int],
    parent_id: int | None,
) -> str | None:
    """The time zone most of a user's schools keep: those they work in, their districts'
    and their children's (None: no school at all)."""
    children_schools = (
        select(SchoolClass.school_id)
        .join(Child, Child.class_id == SchoolClass.id)
        .join(ParentLink, ParentLink.child_id == Child.id)
        .where(ParentLink.parent_id == parent_id)
    )
    mine = (
        School.id.in_(school_ids)
        | School.district_id.in_(district_ids)
        | School.id.in_(children_schools)
    )
    found = await session.execute(
        select(School.timezone)
        .where(mine)
        .group_by(School.timezone)
        .order_by(func.count().desc(), School.timezone)
        .limit(1)
    )
    return found.scalar()
