"""Query functions for users, roles, schools and invites; each takes the caller's session.

Dialogs have their own module, storage/dialogs.py."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.roles import InviteRole, Role, Roles
from storage.models import (
    Child,
    District,
    Invite,
    InviteUse,
    Membership,
    ParentLink,
    School,
    SchoolClass,
    Subject,
    Teaching,
    User,
)

# ---------------------------------------------------------------- users


@dataclass(frozen=True)
class TelegramProfile:
    """The parts of a Telegram user we keep (so storage never imports telegram)."""

    id: int
    first_name: str
    last_name: str | None
    username: str | None
    language_code: str | None


async def upsert_user(session: AsyncSession, profile: TelegramProfile) -> tuple[User, bool]:
    """The stored user, created or refreshed from Telegram; True when anything changed."""
    user = await session.get(User, profile.id)
    if user is None:
        user = User(
            id=profile.id,
            first_name=profile.first_name[:128],
            last_name=(profile.last_name or None) and profile.last_name[:128],
            username=profile.username,
            language_code=profile.language_code,
            reachable=True,
        )
        session.add(user)
        return user, True
    changed = False
    for attr, value in (
        ("first_name", profile.first_name[:128]),
        ("last_name", profile.last_name[:128] if profile.last_name else None),
        ("username", profile.username),
        ("language_code", profile.language_code),
        ("reachable", True),
    ):
        if getattr(user, attr) != value:
            setattr(user, attr, value)
            changed = True
    return user, changed


async def set_reachable(session: AsyncSession, user_id: int, reachable: bool) -> None:
    await session.execute(update(User).where(User.id == user_id).values(reachable=reachable))


async def users_by_ids(session: AsyncSession, ids: set[int]) -> dict[int, User]:
    if not ids:
        return {}
    return {u.id: u for u in await session.scalars(select(User).where(User.id.in_(ids)))}


async def load_roles(session: AsyncSession, user_id: int, owners: frozenset[int]) -> Roles:
    """All roles of a user in two queries."""
    rows = (
        await session.execute(
            select(
                Membership.role, Membership.district_id, Membership.school_id, Membership.grade
            ).where(Membership.user_id == user_id)
        )
    ).all()
    children = (
        await session.scalars(select(ParentLink.child_id).where(ParentLink.parent_id == user_id))
    ).all()
    sup, adm, hnd, tch = set(), set(), set(), set()
    gl: set[tuple[int, int]] = set()
    for role, district_id, school_id, grade in rows:
        if role == Role.SUPERVISOR and district_id is not None:
            sup.add(district_id)
        elif role == Role.SCHOOL_ADMIN and school_id is not None:
            adm.add(school_id)
        elif role == Role.COMPLAINT_HANDLER and school_id is not None:
            hnd.add(school_id)
        elif role == Role.GRADE_LEADER and school_id is not None and grade is not None:
            gl.add((school_id, grade))
        elif role == Role.TEACHER and school_id is not None:
            tch.add(school_id)
    return Roles(
        owner=user_id in owners,
        supervisor_districts=frozenset(sup),
        admin_schools=frozenset(adm),
        handler_schools=frozenset(hnd),
        grade_leader=frozenset(gl),
        teacher_schools=frozenset(tch),
        child_ids=frozenset(children),
    )


def scope_key(district_id: int | None, school_id: int | None, grade: int | None) -> str:
    if school_id is None:
        return f"d:{district_id}"
    return f"s:{school_id}" if grade is None else f"s:{school_id}:g:{grade}"


async def add_membership(
    session: AsyncSession,
    user_id: int,
    role: Role,
    *,
    district_id: int | None = None,
    school_id: int | None = None,
    grade: int | None = None,
    invite_id: int | None = None,
) -> bool:
    """Grant a role (idempotent); True when it is new."""
    key = scope_key(district_id, school_id, grade)
    existing = await session.scalar(
        select(Membership.id).where(
            Membership.user_id == user_id, Membership.role == role, Membership.scope_key == key
        )
    )
    if existing is not None:
        return False
    session.add(
        Membership(
            user_id=user_id,
            role=role,
            scope_key=key,
            district_id=district_id,
            school_id=school_id,
            grade=grade,
            invite_id=invite_id,
        )
    )
    await session.flush()
    return True


async def add_teaching(session: AsyncSession, user_id: int, pairs: list[tuple[int, int]]) -> int:
    """Record (class, subject) pairs a teacher teaches; returns how many were new."""
    existing = set(
        (
            await session.execute(
                select(Teaching.class_id, Teaching.subject_id).where(Teaching.user_id == user_id)
            )
        ).all()
    )
    new = [p for p in dict.fromkeys(pairs) if p not in existing]
    session.add_all(Teaching(user_id=user_id, class_id=c, subject_id=s) for c, s in new)
    return len(new)


# ---------------------------------------------------------------- schools


async def create_school(
    session: AsyncSession, district_id: int, name: str, timezone: str
) -> School:
    district = await session.get(District, district_id)
    school = School(district=district, name=name, timezone=timezone)
    session.add(school)
    await session.flush()
    return school


async def create_district(session: AsyncSession, name: str) -> District:
    district = District(name=name)
    session.add(district)
    await session.flush()
    return district


async def districts(session: AsyncSession) -> list[District]:
    return list((await session.scalars(select(District).order_by(District.name))).all())


async def schools_by_ids(session: AsyncSession, ids: frozenset[int] | set[int]) -> list[School]:
    if not ids:
        return []
    return list(
        await session.scalars(select(School).where(School.id.in_(ids)).order_by(School.name))
    )


async def open_schools_by_ids(session: AsyncSession, ids: frozenset[int]) -> list[School]:
    """The schools that are not archived (an archived school is read-only: no new links, no
    new school year)."""
    return [s for s in await schools_by_ids(session, ids) if s.archived_at is None]


async def class_and_subject_names(
    session: AsyncSession, class_ids: set[int], subject_ids: set[int]
) -> tuple[dict[int, str], dict[int, str]]:
    """Names by id, for summaries of (class, subject) pairs."""
    classes = await session.execute(
        select(SchoolClass.id, SchoolClass.name).where(SchoolClass.id.in_(class_ids))
    )
    subjects = await session.execute(
        select(Subject.id, Subject.name).where(Subject.id.in_(subject_ids))
    )
    return (
        {id_: name for id_, name in classes.all()},
        {id_: name for id_, name in subjects.all()},
    )


async def classes_of(session: AsyncSession, school_id: int) -> list[SchoolClass]:
    """A school's current classes (not the archived ones that left) by grade, then by name
    with numbers in numeric order (2班 < 10班)."""
    classes = await session.scalars(
        select(SchoolClass).where(
            SchoolClass.school_id == school_id, SchoolClass.archived_at.is_(None)
        )
    )
    return sorted(classes, key=lambda k: (k.grade, natural_key(k.name)))


def natural_key(name: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key comparing digit runs as numbers: '5A' < '5B', '1年级2班' < '1年级10班'."""
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"(\d+)", name) if part
    )


async def subjects_of(session: AsyncSession, school_id: int) -> list[Subject]:
    return list(
        await session.scalars(
            select(Subject)
            .where(Subject.school_id == school_id)
            .order_by(Subject.position, Subject.name)
        )
    )


async def add_classes(
    session: AsyncSession, school_id: int, names_by_grade: list[tuple[int, str]]
) -> int:
    """Create the classes that do not exist yet; returns how many were created."""
    existing = set(
        await session.scalars(select(SchoolClass.name).where(SchoolClass.school_id == school_id))
    )
    created = 0
    for grade, name in names_by_grade:
        if name not in existing:
            session.add(SchoolClass(school_id=school_id, grade=grade, name=name))
            existing.add(name)
            created += 1
    await session.flush()
    return created


async def add_subjects(session: AsyncSession, school_id: int, names: list[str]) -> int:
    existing = set(
        await session.scalars(select(Subject.name).where(Subject.school_id == school_id))
    )
    position = (
        await session.scalar(
            select(func.coalesce(func.max(Subject.position), 0)).where(
                Subject.school_id == school_id
            )
        )
        or 0
    )
    created = 0
    for name in names:
        if name not in existing:
            position += 1
            session.add(Subject(school_id=school_id, name=name, position=position))
            existing.add(name)
            created += 1
    await session.flush()
    return created


# ---------------------------------------------------------------- children


async def link_child(
    session: AsyncSession, parent_id: int, class_id: int, name: str, *, pending: bool = False
) -> Child:
    """A new child in a class, named by the parent and linked to them (the same name twice
    reuses the child); `pending` until the school office confirms it (a class without a
    list)."""
    existing = await session.scalar(
        select(Child)
        .join(ParentLink, ParentLink.child_id == Child.id)
        .where(ParentLink.parent_id == parent_id, Child.class_id == class_id, Child.name == name)
    )
    if existing is not None:
        return existing
    child = Child(class_id=class_id, name=name, listed=False, pending=pending)
    session.add(child)
    await session.flush()
    session.add(ParentLink(parent_id=parent_id, child_id=child.id))
    await session.flush()
    return child


@dataclass(frozen=True)
class ChildInfo:
    child_id: int
    name: str
    class_id: int
    class_name: str
    grade: int
    school_id: int
    school_name: str


async def children_of(session: AsyncSession, parent_id: int) -> list[ChildInfo]:
    rows = (
        await session.execute(
            select(Child, SchoolClass, School)
            .join(ParentLink, ParentLink.child_id == Child.id)
            .join(SchoolClass, SchoolClass.id == Child.class_id)
            .join(School, School.id == SchoolClass.school_id)
            .where(ParentLink.parent_id == parent_id)
            .order_by(Child.name)
        )
    ).all()
    return [ChildInfo(c.id, c.name, k.id, k.name, k.grade, s.id, s.name) for c, k, s in rows]


# ---------------------------------------------------------------- invites

CODE_BYTES = 12  # 96 bits of randomness, URL-safe


def new_code() -> str:
    return secrets.token_urlsafe(CODE_BYTES)


async def create_invite(
    session: AsyncSession,
    *,
    role: InviteRole,
    created_by: int,
    now: datetime,
    valid_for: timedelta | None,
    max_uses: int | None,
    district_id: int | None = None,
    school_id: int | None = None,
    grade: int | None = None,
    class_id: int | None = None,
    child_id: int | None = None,
    teaching: list[list[int]] | None = None,
) -> Invite:
    invite = Invite(
        code=new_code(),
        role=role,
        created_by=created_by,
        created_at=now,
        expires_at=now + valid_for if valid_for else None,
        max_uses=max_uses,
        district_id=district_id,
        school_id=school_id,
        grade=grade,
        class_id=class_id,
        child_id=child_id,
        teaching=teaching or [],
    )
    session.add(invite)
    await session.flush()
    return invite


class InviteProblem:
    """Why a code cannot be used (values are stable for messages and tests)."""

    UNKNOWN = "unknown"
    EXPIRED = "expired"
    REVOKED = "revoked"
    USED_UP = "used_up"


def invite_problem(invite: Invite | None, now: datetime, already_used_by_user: bool) -> str | None:
    """None when the invite may be used now by this user."""
    if invite is None:
        return InviteProblem.UNKNOWN
    if invite.revoked_at is not None:
        return InviteProblem.REVOKED
    if already_used_by_user:
        return None  # opening one's own link again is harmless and idempotent
    if invite.expires_at is not None and invite.expires_at <= now:
        return InviteProblem.EXPIRED
    if invite.max_uses is not None and invite.uses >= invite.max_uses:
        return InviteProblem.USED_UP
    return None


async def find_invite(session: AsyncSession, code: str) -> Invite | None:
    if not code or len(code) > 32:
        return None
    return await session.scalar(select(Invite).where(Invite.code == code))


async def has_used_invite(session: AsyncSession, invite_id: int, user_id: int) -> bool:
    return (
        await session.scalar(
            select(InviteUse.invite_id).where(
                InviteUse.invite_id == invite_id, InviteUse.user_id == user_id
            )
        )
    ) is not None


async def record_invite_use(session: AsyncSession, invite: Invite, user_id: int) -> bool:
    """Count one use per user, atomically against the use limit; False when none is left."""
    if await has_used_invite(session, invite.id, user_id):
        return True
    conditions = [Invite.id == invite.id]
    if invite.max_uses is not None:
        conditions.append(Invite.uses < Invite.max_uses)
    result = await session.execute(update(Invite).where(*conditions).values(uses=Invite.uses + 1))
    if not getattr(result, "rowcount", 0):
        return False
    session.add(InviteUse(invite_id=invite.id, user_id=user_id))
    await session.flush()
    return True


def _visible_invites(roles: Roles, user_id: int, now: datetime) -> Select[Invite]:
    """Live invites this user may see and revoke: their own, plus their schools' as admin
    (an owner: all). Live means not revoked, not expired and not used up."""
    conditions = [Invite.created_by == user_id]
    if roles.admin_schools:
        conditions.append(Invite.school_id.in_(roles.admin_schools))
    query = select(Invite).where(
        Invite.revoked_at.is_(None),
        or_(Invite.expires_at.is_(None), Invite.expires_at > now),
        or_(Invite.max_uses.is_(None), Invite.uses < Invite.max_uses),
    )
    if not roles.owner:
        query = query.where(or_(*conditions))
    return query


async def count_invites_visible_to(
    session: AsyncSession, roles: Roles, user_id: int, now: datetime
) -> int:
    query = _visible_invites(roles, user_id, now).with_only_columns(func.count(Invite.id))
    return int(await session.scalar(query) or 0)


async def invites_visible_to(
    session: AsyncSession,
    roles: Roles,
    user_id: int,
    now: datetime,
    *,
    offset: int = 0,
    limit: int | None = None,
) -> list[Invite]:
    """A page of the live invites this user may see (`_visible_invites`), newest first."""
    query = _visible_invites(roles, user_id, now).order_by(
        Invite.created_at.desc(), Invite.id.desc()
    )
    return list(await session.scalars(query.offset(offset).limit(limit)))
