"""Queries of joining and inviting: class lists offered to parents, what a user teaches, schools
and districts to pick from."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    Child,
    District,
    Notification,
    ParentLink,
    School,
    SchoolClass,
    Subject,
    Teaching,
    User,
)


async def schools_by_name(session: AsyncSession, limit: int | None = None) -> list[School]:
    """Every school that is not archived (up to `limit`), by name: an owner picks one."""
    query = select(School).where(School.archived_at.is_(None)).order_by(School.name, School.id)
    return list(await session.scalars(query.limit(limit)))


async def districts_by_ids(session: AsyncSession, ids: Collection[int]) -> list[District]:
    return list(await session.scalars(select(District).where(District.id.in_(ids))))


async def teaching_of(session: AsyncSession, user_id: int) -> list[tuple[str, str, str]]:
    """(school, class, subject) names of what a teacher teaches, by school, class and subject."""
    rows = await session.execute(
        select(School.name, SchoolClass.name, Subject.name)
        .select_from(Teaching)
        .join(SchoolClass, SchoolClass.id == Teaching.class_id)
        .join(School, School.id == SchoolClass.school_id)
        .join(Subject, Subject.id == Teaching.subject_id)
        .where(Teaching.user_id == user_id)
        .order_by(School.name, SchoolClass.grade, SchoolClass.name, Subject.position)
    )
    return [(school, klass, subject) for school, klass, subject in rows.all()]


async def class_and_subject_ids(session: AsyncSession, school_id: int) -> tuple[set[int], set[int]]:
    """The ids of the school's classes and of its subjects (as they are now)."""
    classes = await session.scalars(
        select(SchoolClass.id).where(SchoolClass.school_id == school_id)
    )
    class_ids = set(classes)
    subjects = await session.scalars(select(Subject.id).where(Subject.school_id == school_id))
    return class_ids, set(subjects)


async def unlinked_roster(session: AsyncSession, class_id: int, limit: int) -> list[Child]:
    """Children on the class list that no parent has picked yet, by name."""
    return list(
        await session.scalars(
            select(Child)
            .where(
                Child.class_id == class_id,
                Child.removed_at.is_(None),
                Child.listed.is_(True),
                ~Child.id.in_(select(ParentLink.child_id)),
            )
            .order_by(Child.name)
            .limit(limit)
        )
    )


async def child_is_linked(session: AsyncSession, child_id: int) -> bool:
    """Whether some parent is linked to the child."""
    parent = await session.scalar(
        select(ParentLink.parent_id).where(ParentLink.child_id == child_id).limit(1)
    )
    return parent is not None


async def same_name_child(
    session: AsyncSession, class_id: int, name: str, user_id: int
) -> tuple[Child, User] | None:
    """A child of the class with this name (letter case aside) that other parents linked,
    with the first of them; None when there is none, or when the user is linked to such a
    child already (joining again reuses it)."""
    rows = await session.execute(
        select(Child, User)
        .join(ParentLink, ParentLink.child_id == Child.id)
        .join(User, User.id == ParentLink.parent_id)
        .where(Child.class_id == class_id, Child.removed_at.is_(None))
        .order_by(Child.id, ParentLink.created_at, User.id)
    )
    wanted = name.casefold()
    found: tuple[Child, User] | None = None
    for child, parent in rows.all():
        if child.name.casefold() != wanted:
            continue
        if parent.id == user_id:
            return None
        found = found or (child, parent)
    return found


async def first_parent(session: AsyncSession, child_id: int) -> User | None:
    """The parent who linked the child first."""
    return await session.scalar(
        select(User)
        .join(ParentLink, ParentLink.parent_id == User.id)
        .where(ParentLink.child_id == child_id)
        .order_by(ParentLink.created_at, User.id)
        .limit(1)
    )


async def was_notified(session: AsyncSession, key: str, recipient_id: int) -> bool:
    """Whether the notification `key` was claimed for this recipient (e.g. a family-link
    request, so its answer button cannot be forged for someone who never asked)."""
    found = await session.scalar(
        select(Notification.id).where(
            Notification.key == key, Notification.recipient_id == recipient_id
        )
    )
    return found is not None
