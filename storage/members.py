"""A school's people as the school office manages them (/members): teachers with their
(class, subject) pairs, grade leaders, families per class, who has not joined yet; removing a
teacher or a parent; and telling the office when someone joins.

Children on the class lists (confirming, renaming, merging, removing) are in storage/rosters.py.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.roles import InviteRole, Role
from storage.models import (
    Child,
    Invite,
    Joining,
    Membership,
    Notification,
    ParentLink,
    SchoolClass,
    Subject,
    Teaching,
    User,
)
from storage.privacy import release_child


@dataclass(frozen=True)
class Pair:
    """A (class, subject) pair a teacher teaches, with its names."""

    class_id: int
    class_name: str
    subject_id: int
    subject_name: str


@dataclass(frozen=True)
class TeacherRow:
    user: User
    pairs: list[Pair]


async def teachers(session: AsyncSession, school_id: int) -> list[TeacherRow]:
    """The school's teachers (by name), each with their pairs (by grade, class, subject)."""
    members = list(
        await session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.school_id == school_id, Membership.role == Role.TEACHER.value)
            .order_by(User.first_name, User.id)
        )
    )
    pairs = await pairs_of(session, school_id, {u.id for u in members})
    return [TeacherRow(u, pairs.get(u.id, [])) for u in members]


async def pairs_of(
    session: AsyncSession, school_id: int, user_ids: set[int]
) -> dict[int, list[Pair]]:
    """Per teacher, the pairs they teach in this school."""
    if not user_ids:
        return {}
    rows = await session.execute(
        select(Teaching.user_id, SchoolClass.id, SchoolClass.name, Subject.id, Subject.name)
        .join(SchoolClass, SchoolClass.id == Teaching.class_id)
        .join(Subject, Subject.id == Teaching.subject_id)
        .where(SchoolClass.school_id == school_id, Teaching.user_id.in_(user_ids))
        .order_by(SchoolClass.grade, SchoolClass.name, Subject.position, Subject.name)
    )
    found: dict[int, list[Pair]] = defaultdict(list)
    for user_id, class_id, class_name, subject_id, subject_name in rows.all():
        found[user_id].append(Pair(class_id, class_name, subject_id, subject_name))
    return found


async def is_teacher(session: AsyncSession, school_id: int, user_id: int) -> bool:
    found = await session.scalar(
        select(Membership.id).where(
            Membership.school_id == school_id,
            Membership.user_id == user_id,
            Membership.role == Role.TEACHER.value,
        )
    )
    return found is not None


async def grade_leaders(session: AsyncSession, school_id: int) -> list[tuple[User, int]]:
    """(leader, grade) by grade, then name."""
    rows = await session.execute(
        select(User, Membership.grade)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.school_id == school_id, Membership.role == Role.GRADE_LEADER.value)
        .order_by(Membership.grade, User.first_name, User.id)
    )
    return [(user, int(grade or 0)) for user, grade in rows.all()]


async def remove_teacher(session: AsyncSession, school_id: int, user_id: int) -> int:
    """Take a teacher off the school: their pairs here and their teacher role go (the homework
    they recorded stays, with them as its author). Returns how many pairs went. Not committed."""
    class_ids = select(SchoolClass.id).where(SchoolClass.school_id == school_id)
    gone = await session.scalar(
        select(func.count())
        .select_from(Teaching)
        .where(Teaching.user_id == user_id, Teaching.class_id.in_(class_ids))
    )
    await session.execute(
        delete(Teaching).where(Teaching.user_id == user_id, Teaching.class_id.in_(class_ids))
    )
    await session.execute(
        delete(Membership).where(
            Membership.user_id == user_id,
            Membership.school_id == school_id,
            Membership.role == Role.TEACHER.value,
        )
    )
    return int(gone or 0)


async def remove_pair(session: AsyncSession, user_id: int, class_id: int, subject_id: int) -> bool:
    """Take one (class, subject) pair from a teacher; False when they did not have it."""
    result = await session.execute(
        delete(Teaching).where(
            Teaching.user_id == user_id,
            Teaching.class_id == class_id,
            Teaching.subject_id == subject_id,
        )
    )
    return bool(getattr(result, "rowcount", 0))


# ---------------------------------------------------------------- families


@dataclass(frozen=True)
class Family:
    """A child on a class's list or named by a parent, with its parents (by joining)."""

    child: Child
    parents: list[User]


async def families(session: AsyncSession, class_id: int) -> list[Family]:
    """The class's children (not removed), pending ones first, then by name."""
    children = list(
        await session.scalars(
            select(Child)
            .where(Child.class_id == class_id, Child.removed_at.is_(None))
            .order_by(Child.pending.desc(), Child.name, Child.id)
        )
    )
    parents: dict[int, list[User]] = defaultdict(list)
    if children:
        rows = await session.execute(
            select(ParentLink.child_id, User)
            .join(User, User.id == ParentLink.parent_id)
            .where(ParentLink.child_id.in_([c.id for c in children]))
            .order_by(ParentLink.created_at, User.id)
        )
        for child_id, user in rows.all():
            parents[child_id].append(user)
    return [Family(c, parents.get(c.id, [])) for c in children]


async def class_counts(session: AsyncSession, school_id: int) -> dict[int, tuple[int, int]]:
    """Per class: (children, parents) of the families now in it."""
    children = dict(
        (
            await session.execute(
                select(Child.class_id, func.count())
                .join(SchoolClass, SchoolClass.id == Child.class_id)
                .where(SchoolClass.school_id == school_id, Child.removed_at.is_(None))
                .group_by(Child.class_id)
            )
        ).all()
    )
    parents = dict(
        (
            await session.execute(
                select(Child.class_id, func.count(func.distinct(ParentLink.parent_id)))
                .join(Child, Child.id == ParentLink.child_id)
                .join(SchoolClass, SchoolClass.id == Child.class_id)
                .where(SchoolClass.school_id == school_id)
                .group_by(Child.class_id)
            )
        ).all()
    )
    return {
        int(k): (int(children.get(k, 0)), int(parents.get(k, 0)))
        for k in set(children) | set(parents)
    }


async def parent_in_class(session: AsyncSession, parent_id: int, class_id: int) -> bool:
    found = await session.scalar(
        select(ParentLink.child_id)
        .join(Child, Child.id == ParentLink.child_id)
        .where(ParentLink.parent_id == parent_id, Child.class_id == class_id)
        .limit(1)
    )
    return found is not None


async def remove_parent(
    session: AsyncSession, parent_id: int, class_id: int, now: datetime
) -> list[int]:
    """Unlink a parent from every child of theirs in the class; their past reports stay in the
    class's figures with the reporter cleared (storage.privacy.release_child). A child on the
    school's list stays on it, waiting for a parent; a child the parent named and nobody else
    holds leaves the list. Returns the children's ids. Not committed."""
    child_ids = list(
        await session.scalars(
            select(Child.id)
            .join(ParentLink, ParentLink.child_id == Child.id)
            .where(ParentLink.parent_id == parent_id, Child.class_id == class_id)
            .order_by(Child.id)
        )
    )
    for child_id in child_ids:
        child = await session.get(Child, child_id)
        listed = child is not None and child.listed
        name = child.name if child is not None else ""
        await release_child(session, parent_id, child_id, now)
        if listed and child is not None:  # back on the list, unlinked
            await session.refresh(child)
            child.name, child.removed_at = name, None
    await session.flush()
    return child_ids


# ---------------------------------------------------------------- not joined yet


async def open_invites(session: AsyncSession, school_id: int, now: datetime) -> list[Invite]:
    """The school's live links nobody has used yet (staff ones and class links), newest first."""
    return list(
        await session.scalars(
            select(Invite)
            .where(
                Invite.school_id == school_id,
                Invite.revoked_at.is_(None),
                or_(Invite.expires_at.is_(None), Invite.expires_at > now),
                Invite.uses == 0,
                Invite.child_id.is_(None),
            )
            .order_by(Invite.created_at.desc(), Invite.id.desc())
        )
    )


async def waiting_children(session: AsyncSession, school_id: int) -> list[tuple[str, str]]:
    """(class, child) of the children on the school's lists no parent has picked yet."""
    rows = await session.execute(
        select(SchoolClass.name, Child.name)
        .join(SchoolClass, SchoolClass.id == Child.class_id)
        .where(
            SchoolClass.school_id == school_id,
            Child.removed_at.is_(None),
            Child.listed.is_(True),
            ~Child.id.in_(select(ParentLink.child_id)),
        )
        .order_by(SchoolClass.grade, SchoolClass.name, Child.name)
    )
    return [(k, c) for k, c in rows.all()]


# ---------------------------------------------------------------- telling the office


async def school_admins(session: AsyncSession, school_id: int) -> list[User]:
    """The school office (its administrators), by id."""
    return list(
        await session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.school_id == school_id, Membership.role == Role.SCHOOL_ADMIN.value)
            .order_by(User.id)
        )
    )


async def class_links(session: AsyncSession, class_id: int, now: datetime) -> list[Invite]:
    """The class's parent links that are not revoked or expired (full ones too), oldest first."""
    return list(
        await session.scalars(
            select(Invite)
            .where(
                Invite.class_id == class_id,
                Invite.role == InviteRole.PARENT.value,
                Invite.child_id.is_(None),
                Invite.revoked_at.is_(None),
                or_(Invite.expires_at.is_(None), Invite.expires_at > now),
            )
            .order_by(Invite.created_at, Invite.id)
        )
    )


@dataclass(frozen=True)
class Joined:
    """One joining as the office reads it."""

    user: User | None
    role: str
    class_name: str | None
    child: Child | None


async def record_joining(
    session: AsyncSession,
    school_id: int,
    user_id: int,
    role: str,
    now: datetime,
    *,
    class_id: int | None = None,
    child_id: int | None = None,
) -> None:
    """Remember that someone joined (the caller commits)."""
    session.add(
        Joining(
            school_id=school_id,
            at=now,
            user_id=user_id,
            role=role,
            class_id=class_id,
            child_id=child_id,
        )
    )
    await session.flush()


async def joined_since(session: AsyncSession, school_id: int, since: datetime) -> list[Joined]:
    """Who joined the school since `since`, in order."""
    rows = list(
        await session.scalars(
            select(Joining)
            .where(Joining.school_id == school_id, Joining.at >= since)
            .order_by(Joining.at, Joining.id)
        )
    )
    found: list[Joined] = []
    for row in rows:
        klass = await session.get(SchoolClass, row.class_id) if row.class_id else None
        child = await session.get(Child, row.child_id) if row.child_id else None
        user = await session.get(User, row.user_id)
        found.append(Joined(user, row.role, klass.name if klass else None, child))
    return found


async def sent_message(session: AsyncSession, key: str) -> int | None:
    """The Telegram message id of a notification sent under `key`."""
    return await session.scalar(
        select(Notification.message_id).where(
            Notification.key == key, Notification.status == "sent"
        )
    )
