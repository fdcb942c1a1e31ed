"""What is stored about a person (/privacy), and forgetting it (/forgetme, /me's removals).

Forgetting keeps what the school is accountable for, without the person: reports stay on
their child's row (so every class figure stays the same) with the reporter cleared, a child
left without parents goes off the class list with its name cleared (`Child.removed_at`), and
complaints stay with the complainant cleared. Rows are updated, never deleted where another
table points at them, so foreign keys hold on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    Child,
    Complaint,
    ComplaintEvent,
    DailyReport,
    Dialog,
    Invite,
    InviteUse,
    Membership,
    Notification,
    ParentLink,
    ReportEvent,
    School,
    SchoolClass,
    User,
)


@dataclass(frozen=True)
class ChildRecord:
    """One of the person's children as stored, with counts of what is stored about it."""

    child_id: int
    name: str
    class_id: int
    class_name: str
    school_name: str
    reports: int  # evening reports of this child, by any of its parents
    notes: int  # notes this person wrote on them
    other_parents: int


@dataclass(frozen=True)
class Inventory:
    """Everything stored about a person, by kind (the user row itself aside)."""

    children: list[ChildRecord]
    named_complaints: int
    anonymous_complaints: int
    staff_roles: int


async def _child_records(session: AsyncSession, user_id: int) -> list[ChildRecord]:
    rows = (
        await session.execute(
            select(Child, SchoolClass.name, School.name)
            .join(ParentLink, ParentLink.child_id == Child.id)
            .join(SchoolClass, SchoolClass.id == Child.class_id)
            .join(School, School.id == SchoolClass.school_id)
            .where(ParentLink.parent_id == user_id)
            .order_by(Child.name, Child.id)
        )
    ).all()
    records = []
    for child, class_name, school_name in rows:
        reports = await session.scalar(
            select(func.count()).select_from(DailyReport).where(DailyReport.child_id == child.id)
        )
        notes = await session.scalar(
            select(func.count())
            .select_from(DailyReport)
            .where(
                DailyReport.child_id == child.id,
                DailyReport.reporter_id == user_id,
                DailyReport.note.is_not(None),
            )
        )
        others = await session.scalar(
            select(func.count())
            .select_from(ParentLink)
            .where(ParentLink.child_id == child.id, ParentLink.parent_id != user_id)
        )
        records.append(
            ChildRecord(
                child.id,
                child.name,
                child.class_id,
                class_name,
                school_name,
                int(reports or 0),
                int(notes or 0),
                int(others or 0),
            )
        )
    return records


async def inventory(session: AsyncSession, user_id: int) -> Inventory:
    """What /privacy lists: children, reports, complaints (named and anonymous), staff roles."""
    complaints = dict(
        (
            await session.execute(
                select(Complaint.anonymous, func.count())
                .where(Complaint.complainant_id == user_id)
                .group_by(Complaint.anonymous)
            )
        ).all()
    )
    roles = await _count(session, Membership, Membership.user_id == user_id)
    return Inventory(
        children=await _child_records(session, user_id),
        named_complaints=int(complaints.get(False, 0)),
        anonymous_complaints=int(complaints.get(True, 0)),
        staff_roles=roles,
    )


class Release(enum.StrEnum):
    """What became of a child when a parent let it go."""

    KEPT = "kept"  # another parent remains: the child stays, with them
    REMOVED = "removed"  # off the class list; its reports count on, anonymously


async def release_child(
    session: AsyncSession, parent_id: int, child_id: int, now: datetime
) -> Release | None:
    """Unlink a parent from a child (None when they were not linked). Their reports of the
    child lose their name; the family links they made for it are withdrawn. A child left
    without parents goes off the class list: its name and notes are removed, its reports
    stay as anonymous class figures. Not committed."""
    link = await session.get(ParentLink, (parent_id, child_id))
    if link is None:
        return None
    await session.delete(link)
    await session.flush()
    reports = select(DailyReport.id).where(DailyReport.child_id == child_id)
    await session.execute(
        update(DailyReport)
        .where(DailyReport.child_id == child_id, DailyReport.reporter_id == parent_id)
        .values(reporter_id=None)
    )
    await session.execute(
        update(ReportEvent)
        .where(ReportEvent.report_id.in_(reports), ReportEvent.reporter_id == parent_id)
        .values(reporter_id=None)
    )
    family_links = update(Invite).where(Invite.child_id == child_id, Invite.revoked_at.is_(None))
    remaining = await session.scalar(
        select(func.count()).select_from(ParentLink).where(ParentLink.child_id == child_id)
    )
    if remaining:
        await session.execute(
            family_links.where(Invite.created_by == parent_id).values(revoked_at=now)
        )
        return Release.KEPT
    await session.execute(family_links.values(revoked_at=now))
    await session.execute(
        update(DailyReport).where(DailyReport.child_id == child_id).values(note=None)
    )
    await session.execute(update(Child).where(Child.id == child_id).values(name="", removed_at=now))
    return Release.REMOVED


async def children_in_class(session: AsyncSession, parent_id: int, class_id: int) -> list[int]:
    """The ids of a parent's children in a class."""
    return list(
        await session.scalars(
            select(Child.id)
            .join(ParentLink, ParentLink.child_id == Child.id)
            .where(ParentLink.parent_id == parent_id, Child.class_id == class_id)
            .order_by(Child.id)
        )
    )


@dataclass(frozen=True)
class Forgotten:
    """What /forgetme did, for its closing message."""

    children_removed: int  # off the class lists
    children_kept: int  # stay with their other parent
    reports_kept: int  # anonymous class figures now
    notes_removed: int
    complaints_kept: int  # anonymous records now
    staff_roles: int  # kept: the school's, removed by the school office


async def _count(session: AsyncSession, model: type, *where: Any) -> int:
    return int(await session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


async def forget(session: AsyncSession, user_id: int, now: datetime) -> Forgotten:
    """Delete or anonymise everything about a person (see the module's docstring). Commits."""
    mine = DailyReport.reporter_id == user_id
    reports = await _count(session, DailyReport, mine)
    notes = await _count(session, DailyReport, mine, DailyReport.note.is_not(None))
    complaints = await _count(session, Complaint, Complaint.complainant_id == user_id)
    await session.execute(update(DailyReport).where(mine).values(note=None))
    kept = removed = 0
    for child_id in list(
        await session.scalars(select(ParentLink.child_id).where(ParentLink.parent_id == user_id))
    ):
        if await release_child(session, user_id, child_id, now) is Release.KEPT:
            kept += 1
        else:
            removed += 1
    # Reports of children released earlier keep no trace of this person either.
    await session.execute(update(DailyReport).where(mine).values(reporter_id=None))
    await session.execute(
        update(ReportEvent).where(ReportEvent.reporter_id == user_id).values(reporter_id=None)
    )
    await session.execute(
        update(Complaint)
        .where(Complaint.complainant_id == user_id)
        .values(complainant_id=None, anonymous=True)
    )
    await session.execute(
        update(ComplaintEvent).where(ComplaintEvent.actor_id == user_id).values(actor_id=None)
    )
    await session.execute(
        update(Invite)
        .where(
            Invite.created_by == user_id, Invite.child_id.is_not(None), Invite.revoked_at.is_(None)
        )
        .values(revoked_at=now)
    )
    await session.execute(delete(Dialog).where(Dialog.user_id == user_id))
    await session.execute(delete(InviteUse).where(InviteUse.user_id == user_id))
    await session.execute(delete(Notification).where(Notification.recipient_id == user_id))
    await session.execute(
        update(User)
        .where(User.id == user_id)
        .values(first_name="", last_name=None, username=None, menu_signature=None)
    )
    roles = await _count(session, Membership, Membership.user_id == user_id)
    await session.commit()
    return Forgotten(
        children_removed=removed,
        children_kept=kept,
        reports_kept=reports,
        notes_removed=notes,
        complaints_kept=complaints,
        staff_roles=roles,
    )
