"""Complaints: creation with a unique code, history, listings, flood count, deadlines.

Identity rule: a complainant's id is stored on the complaint only to relay messages; events by
the complainant carry no actor id, and nothing here logs ids.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.complaints import (
    DISTRICT_CATEGORIES,
    OPEN,
    ComplaintActor,
    ComplaintLevel,
    ComplaintStatus,
    new_code,
)
from bot.domain.roles import Role
from storage.models import (
    Child,
    Complaint,
    ComplaintEvent,
    Membership,
    ParentLink,
    School,
    SchoolClass,
    User,
)

CODE_ATTEMPTS = 8


class CodeCollision(RuntimeError):
    """No unused complaint code after several attempts (practically impossible)."""


class AlreadyFiled(RuntimeError):
    """The dialog already filed its complaint (a double tap, or the same update handled by
    another process)."""


async def create_complaint(
    session: AsyncSession,
    *,
    school_id: int,
    class_id: int | None,
    complainant_id: int,
    anonymous: bool,
    category: str,
    text: str,
    photos: list[str],
    now: datetime,
    deadline_at: datetime,
    remind_at: datetime | None,
    level: ComplaintLevel = ComplaintLevel.SCHOOL,
    dialog_token: str | None = None,
    code_factory: Callable[[], str] = new_code,
) -> Complaint:
    """A new complaint (status new, at `level`) with its `filed` event; a code that is
    already taken is drawn again (inside a savepoint, so the caller's work is kept).

    `dialog_token` (the /complain dialog's) is unique: a second complaint from the same dialog
    raises `AlreadyFiled`, even from another process at the same moment."""
    for _attempt in range(CODE_ATTEMPTS):
        complaint = Complaint(
            code=code_factory(),
            dialog_token=dialog_token,
            school_id=school_id,
            class_id=class_id,
            complainant_id=complainant_id,
            anonymous=anonymous,
            category=category,
            text=text,
            photos=list(photos),
            status=ComplaintStatus.NEW.value,
            level=level.value,
            deadline_at=deadline_at,
            first_deadline_at=deadline_at,
            remind_at=remind_at,
            created_at=now,
            updated_at=now,
        )
        try:
            async with session.begin_nested():
                session.add(complaint)
                await session.flush()
        except IntegrityError:
            if dialog_token is not None and await filed_from(session, dialog_token):
                raise AlreadyFiled(dialog_token) from None
            continue
        await add_event(
            session,
            complaint,
            None,
            ComplaintActor.COMPLAINANT,
            "filed",
            now,
            status=ComplaintStatus.NEW,
        )
        return complaint
    raise CodeCollision("no free complaint code")


async def filed_from(session: AsyncSession, dialog_token: str) -> bool:
    found = await session.scalar(select(Complaint.id).where(Complaint.dialog_token == dialog_token))
    return found is not None


async def add_event(
    session: AsyncSession,
    complaint: Complaint,
    actor_id: int | None,
    actor: ComplaintActor,
    kind: str,
    now: datetime,
    *,
    status: ComplaintStatus | None = None,
    text: str | None = None,
) -> ComplaintEvent:
    """Record who did what; the complainant is recorded by role only, never by id."""
    event = ComplaintEvent(
        complaint_id=complaint.id,
        actor_id=None if actor == ComplaintActor.COMPLAINANT else actor_id,
        actor_role=actor.value,
        kind=kind,
        status=status.value if status is not None else None,
        text=text,
        created_at=now,
    )
    session.add(event)
    await session.flush()
    return event


async def events_of(session: AsyncSession, complaint_id: int) -> list[ComplaintEvent]:
    return list(
        await session.scalars(
            select(ComplaintEvent)
            .where(ComplaintEvent.complaint_id == complaint_id)
            .order_by(ComplaintEvent.created_at, ComplaintEvent.id)
        )
    )


async def change_status(
    session: AsyncSession,
    complaint: Complaint,
    expected: ComplaintStatus | str,
    new_status: ComplaintStatus,
    new_level: ComplaintLevel,
    now: datetime,
    **values: Any,
) -> bool:
    """Move the complaint only if it is still in `expected` (a double tap or a race changes it
    once); False when someone else changed it first. Refreshes `complaint`."""
    result = await session.execute(
        update(Complaint)
        .where(Complaint.id == complaint.id, Complaint.status == str(expected))
        .values(status=new_status.value, level=new_level.value, updated_at=now, **values)
        .execution_options(synchronize_session=False)
    )
    if not getattr(result, "rowcount", 0):
        return False
    await session.refresh(complaint)
    return True


async def mark_responded(session: AsyncSession, complaint: Complaint, now: datetime) -> None:
    """The first answer to the complainant in this cycle stops its deadline (reminder and
    escalation); the first answer ever is kept apart and never cleared."""
    await session.execute(
        update(Complaint)
        .where(Complaint.id == complaint.id)
        .values(
            responded_at=func.coalesce(Complaint.responded_at, now),
            first_responded_at=func.coalesce(Complaint.first_responded_at, now),
        )
        .execution_options(synchronize_session=False)
    )
    await session.refresh(complaint)


async def find_by_code(session: AsyncSession, code: str) -> Complaint | None:
    """A complaint by its number in stored form (`4821-0937`, or an older `C-7K3Q-9XMD`)."""
    return await session.scalar(select(Complaint).where(Complaint.code == code))


async def set_deadline(
    session: AsyncSession,
    complaint: Complaint,
    deadline_at: datetime,
    remind_at: datetime | None,
) -> None:
    """Start a new deadline for whoever holds the complaint now (the district's, after an
    escalation by the deadline job)."""
    await session.execute(
        update(Complaint)
        .where(Complaint.id == complaint.id)
        .values(
            deadline_at=deadline_at,
            remind_at=remind_at,
            responded_at=None,
            reminded_at=None,
            overdue_at=None,
        )
        .execution_options(synchronize_session=False)
    )
    await session.refresh(complaint)


# ---------------------------------------------------------------- listings


@dataclass(frozen=True)
class Filters:
    """Listing filters; None means any."""

    status: str | None = None  # a Status value, or "open" for every open status
    category: str | None = None
    class_id: int | None = None


def _status_condition(status: str | None) -> Any:
    if status is None:
        return None
    if status == "open":
        return Complaint.status.in_([s.value for s in OPEN])
    return Complaint.status == status


def _staff_query(
    school_ids: Sequence[int] | frozenset[int],
    district_ids: Sequence[int] | frozenset[int],
    filters: Filters,
) -> Select[Complaint] | None:
    """Complaints of the given schools, and of every school of the given districts."""
    scope = []
    if school_ids:
        # A district subject (tutoring) reaches the school only once the district sends it.
        scope.append(
            and_(
                Complaint.school_id.in_(list(school_ids)),
                or_(
                    Complaint.category.not_in(list(DISTRICT_CATEGORIES)),
                    Complaint.returned_at.is_not(None),
                ),
            )
        )
    if district_ids:
        scope.append(
            Complaint.school_id.in_(
                select(School.id).where(School.district_id.in_(list(district_ids)))
            )
        )
    if not scope:
        return None
    query = select(Complaint).where(or_(*scope))
    condition = _status_condition(filters.status)
    if condition is not None:
        query = query.where(condition)
    if filters.category:
        query = query.where(Complaint.category == filters.category)
    if filters.class_id:
        query = query.where(Complaint.class_id == filters.class_id)
    return query


async def list_for_staff(
    session: AsyncSession,
    *,
    school_ids: Sequence[int] | frozenset[int],
    district_ids: Sequence[int] | frozenset[int],
    filters: Filters,
    limit: int | None = 50,
    offset: int = 0,
) -> list[Complaint]:
    """A page of the staff's complaints (`_staff_query`), soonest deadline first."""
    query = _staff_query(school_ids, district_ids, filters)
    if query is None:
        return []
    query = query.order_by(Complaint.deadline_at, Complaint.id).offset(offset).limit(limit)
    return list(await session.scalars(query))


async def count_for_staff(
    session: AsyncSession,
    *,
    school_ids: Sequence[int] | frozenset[int],
    district_ids: Sequence[int] | frozenset[int],
    filters: Filters,
) -> int:
    query = _staff_query(school_ids, district_ids, filters)
    if query is None:
        return 0
    return int(await session.scalar(query.with_only_columns(func.count(Complaint.id))) or 0)


async def list_for_complainant(
    session: AsyncSession, user_id: int, limit: int | None = 30
) -> list[Complaint]:
    """One's own complaints, newest first."""
    return list(
        await session.scalars(
            select(Complaint)
            .where(Complaint.complainant_id == user_id)
            .order_by(Complaint.created_at.desc(), Complaint.id.desc())
            .limit(limit)
        )
    )


async def open_count_by_school(session: AsyncSession, school_ids: Sequence[int]) -> dict[int, int]:
    """How many open complaints each school has."""
    if not school_ids:
        return {}
    rows = (
        await session.execute(
            select(Complaint.school_id, func.count())
            .where(
                Complaint.school_id.in_(list(school_ids)),
                Complaint.status.in_([s.value for s in OPEN]),
            )
            .group_by(Complaint.school_id)
        )
    ).all()
    return {school_id: int(n) for school_id, n in rows}


async def filed_since(session: AsyncSession, user_id: int, since: datetime) -> int:
    """How many complaints the user filed since `since` (the flood cap)."""
    return int(
        await session.scalar(
            select(func.count())
            .select_from(Complaint)
            .where(Complaint.complainant_id == user_id, Complaint.created_at >= since)
        )
        or 0
    )


async def linked_parents(session: AsyncSession, class_id: int) -> int:
    """Distinct parents linked to a child of the class (for the class-privacy rule)."""
    return int(
        await session.scalar(
            select(func.count(func.distinct(ParentLink.parent_id)))
            .select_from(ParentLink)
            .join(Child, Child.id == ParentLink.child_id)
            .where(Child.class_id == class_id)
        )
        or 0
    )


async def class_names(session: AsyncSession, class_ids: set[int]) -> dict[int, str]:
    """The names of the given classes, by id (the staff listing's places)."""
    if not class_ids:
        return {}
    classes = await session.scalars(select(SchoolClass).where(SchoolClass.id.in_(class_ids)))
    return {k.id: k.name for k in classes}


async def classes_in_scope(
    session: AsyncSession,
    school_ids: frozenset[int],
    district_ids: frozenset[int],
    limit: int = 60,
) -> list[SchoolClass]:
    """Classes of the given schools and of every school of the given districts (the staff
    listing's class filter), by school, grade and name."""
    scope_schools = set(school_ids)
    if district_ids:
        scope_schools |= set(
            await session.scalars(select(School.id).where(School.district_id.in_(district_ids)))
        )
    return list(
        await session.scalars(
            select(SchoolClass)
            .where(SchoolClass.school_id.in_(scope_schools))
            .order_by(SchoolClass.school_id, SchoolClass.grade, SchoolClass.name)
            .limit(limit)
        )
    )


# ---------------------------------------------------------------- who is told


async def school_handlers(session: AsyncSession, school_id: int) -> list[User]:
    """The school's complaint handlers and admins."""
    ids = select(Membership.user_id).where(
        Membership.school_id == school_id,
        Membership.role.in_([Role.COMPLAINT_HANDLER.value, Role.SCHOOL_ADMIN.value]),
    )
    return list(await session.scalars(select(User).where(User.id.in_(ids)).order_by(User.id)))


async def district_supervisors(session: AsyncSession, district_id: int) -> list[User]:
    ids = select(Membership.user_id).where(
        Membership.district_id == district_id, Membership.role == Role.SUPERVISOR.value
    )
    return list(await session.scalars(select(User).where(User.id.in_(ids)).order_by(User.id)))


# ---------------------------------------------------------------- deadlines


def _awaiting_school_response() -> list[Any]:
    return [
        Complaint.level == ComplaintLevel.SCHOOL.value,
        Complaint.status.in_([s.value for s in OPEN]),
        Complaint.responded_at.is_(None),
    ]


async def claim_due_escalations(session: AsyncSession, now: datetime) -> list[int]:
    """Escalate, in one conditional UPDATE, every school-level complaint whose deadline passed
    without a response; returns the ids this call escalated (a concurrent call gets none of
    them: `escalated_at IS NULL` is re-checked under the row lock)."""
    result = await session.execute(
        update(Complaint)
        .where(
            *_awaiting_school_response(),
            Complaint.deadline_at <= now,
            Complaint.escalated_at.is_(None),
        )
        .values(
            escalated_at=now,
            status=ComplaintStatus.ESCALATED.value,
            level=ComplaintLevel.DISTRICT.value,
            updated_at=now,
        )
        .returning(Complaint.id)
        .execution_options(synchronize_session=False)
    )
    return sorted(result.scalars().all())


async def claim_due_overdue(session: AsyncSession, now: datetime) -> list[int]:
    """Mark, in one conditional UPDATE, every district-level complaint whose district deadline
    passed without a response; returns the ids this call marked (once per district deadline)."""
    result = await session.execute(
        update(Complaint)
        .where(
            Complaint.level == ComplaintLevel.DISTRICT.value,
            Complaint.status.in_([s.value for s in OPEN]),
            Complaint.responded_at.is_(None),
            Complaint.deadline_at <= now,
            Complaint.overdue_at.is_(None),
        )
        .values(overdue_at=now)
        .returning(Complaint.id)
        .execution_options(synchronize_session=False)
    )
    return sorted(result.scalars().all())


async def claim_due_reminders(session: AsyncSession, now: datetime) -> list[int]:
    """Mark, in one conditional UPDATE, every complaint whose reminder is due (before its
    deadline, no response yet in this cycle, not reminded), at either level; returns the ids
    this call claimed."""
    result = await session.execute(
        update(Complaint)
        .where(
            Complaint.status.in_([s.value for s in OPEN]),
            Complaint.responded_at.is_(None),
            Complaint.remind_at.is_not(None),
            Complaint.remind_at <= now,
            Complaint.deadline_at > now,
            Complaint.reminded_at.is_(None),
        )
        .values(reminded_at=now)
        .returning(Complaint.id)
        .execution_options(synchronize_session=False)
    )
    return sorted(result.scalars().all())


async def complaints_by_ids(session: AsyncSession, ids: Sequence[int]) -> list[Complaint]:
    if not ids:
        return []
    return list(
        await session.scalars(
            select(Complaint)
            .where(Complaint.id.in_(list(ids)))
            .order_by(Complaint.id)
            .execution_options(populate_existing=True)
        )
    )


async def children_in_class(session: AsyncSession, parent_id: int, class_id: int) -> list[str]:
    """The names of a parent's children in a class (a named complaint shows them)."""
    return list(
        await session.scalars(
            select(Child.name)
            .join(ParentLink, ParentLink.child_id == Child.id)
            .where(ParentLink.parent_id == parent_id, Child.class_id == class_id)
            .order_by(Child.name)
        )
    )


async def complaint_by_code(session: AsyncSession, code: str) -> Complaint | None:
    return await session.scalar(select(Complaint).where(Complaint.code == code))


async def awaiting_info(session: AsyncSession, complainant_id: int) -> Complaint | None:
    """The complainant's most recent complaint on which the school asked them for details."""
    return await session.scalar(
        select(Complaint)
        .where(
            Complaint.complainant_id == complainant_id,
            Complaint.status == ComplaintStatus.INFO_REQUESTED.value,
        )
        .order_by(Complaint.updated_at.desc(), Complaint.id.desc())
        .limit(1)
    )
