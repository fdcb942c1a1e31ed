"""Class lists the school controls: whether a class has one, the children parents named that
wait for the school office's confirmation, and the office's renames, merges and removals.

A child waiting for confirmation (`Child.pending`) has its reports kept, but they count in no
figure until the office confirms it (storage.checks.counted_child)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    Child,
    DailyReport,
    Invite,
    ParentLink,
    ReportEvent,
    SchoolClass,
)

LINK_MARGIN = 5
"""A class link works for the class list's size plus this many parents (two parents of a
child join through the family link, not the class link)."""
LINK_LIMIT_WITHOUT_LIST = 50
MAX_LINK_LIMIT = 500


async def list_size(session: AsyncSession, class_id: int) -> int:
    """Children on the school's list of the class (0: the class has no list)."""
    count = await session.scalar(
        select(func.count())
        .select_from(Child)
        .where(Child.class_id == class_id, Child.listed.is_(True), Child.removed_at.is_(None))
    )
    return int(count or 0)


async def has_list(session: AsyncSession, class_id: int) -> bool:
    return await list_size(session, class_id) > 0


def link_limit(size: int) -> int:
    """The default use limit of a class link for a list of `size` children (0: no list)."""
    return size + LINK_MARGIN if size else LINK_LIMIT_WITHOUT_LIST


async def default_link_limit(session: AsyncSession, class_id: int) -> int:
    return link_limit(await list_size(session, class_id))


async def pending_children(
    session: AsyncSession, school_id: int
) -> list[tuple[Child, SchoolClass]]:
    """The school's children waiting for confirmation, by grade, class and name."""
    rows = await session.execute(
        select(Child, SchoolClass)
        .join(SchoolClass, SchoolClass.id == Child.class_id)
        .where(
            SchoolClass.school_id == school_id,
            Child.pending.is_(True),
            Child.removed_at.is_(None),
        )
        .order_by(SchoolClass.grade, SchoolClass.name, Child.name, Child.id)
    )
    return [(c, k) for c, k in rows.all()]


async def confirm(session: AsyncSession, school_id: int, child_ids: Collection[int]) -> int:
    """Confirm these of the school's waiting children; returns how many were waiting."""
    if not child_ids:
        return 0
    classes = select(SchoolClass.id).where(SchoolClass.school_id == school_id)
    result = await session.execute(
        update(Child)
        .where(
            Child.id.in_(list(child_ids)),
            Child.class_id.in_(classes),
            Child.pending.is_(True),
            Child.removed_at.is_(None),
        )
        .values(pending=False)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def child_of_school(session: AsyncSession, school_id: int, child_id: int) -> Child | None:
    """The child when it is in one of the school's classes and not removed."""
    child = await session.get(Child, child_id)
    if child is None or child.removed_at is not None:
        return None
    klass = await session.get(SchoolClass, child.class_id)
    return child if klass is not None and klass.school_id == school_id else None


async def classmates(session: AsyncSession, child: Child) -> list[Child]:
    """The other children of the child's class (not removed), by name."""
    return list(
        await session.scalars(
            select(Child)
            .where(
                Child.class_id == child.class_id,
                Child.id != child.id,
                Child.removed_at.is_(None),
            )
            .order_by(Child.name, Child.id)
        )
    )


async def merge(session: AsyncSession, source: Child, target: Child) -> int:
    """Make two records of one child one: `source`'s parents, reports and family links move to
    `target` (on an evening both have a report, `target`'s stands), then `source` is deleted.
    The office has looked at the child: `target` is confirmed. Returns the reports moved.
    Not committed."""
    assert source.class_id == target.class_id and source.id != target.id
    target_parents = set(
        await session.scalars(select(ParentLink.parent_id).where(ParentLink.child_id == target.id))
    )
    await session.execute(
        delete(ParentLink).where(
            ParentLink.child_id == source.id, ParentLink.parent_id.in_(target_parents)
        )
    )
    await session.execute(
        update(ParentLink)
        .where(ParentLink.child_id == source.id)
        .values(child_id=target.id)
        .execution_options(synchronize_session=False)
    )
    target_days = select(DailyReport.day).where(DailyReport.child_id == target.id)
    clashing = select(DailyReport.id).where(
        DailyReport.child_id == source.id, DailyReport.day.in_(target_days)
    )
    await session.execute(delete(ReportEvent).where(ReportEvent.report_id.in_(clashing)))
    await session.execute(
        delete(DailyReport).where(
            DailyReport.child_id == source.id, DailyReport.day.in_(target_days)
        )
    )
    moved = await session.execute(
        update(DailyReport).where(DailyReport.child_id == source.id).values(child_id=target.id)
    )
    await session.execute(
        update(Invite).where(Invite.child_id == source.id).values(child_id=target.id)
    )
    target.pending = False
    target.listed = target.listed or source.listed
    await session.flush()
    await session.execute(delete(Child).where(Child.id == source.id))
    session.expunge(source)
    return int(getattr(moved, "rowcount", 0) or 0)


async def remove(session: AsyncSession, child: Child, now: datetime) -> list[int]:
    """Take a child off the class: its parents are unlinked (their reports stay, anonymous;
    a child still waiting for confirmation never counts), its name and notes are cleared and
    its family links withdrawn. Returns the parents who were linked. Not committed."""
    parents = list(
        await session.scalars(select(ParentLink.parent_id).where(ParentLink.child_id == child.id))
    )
    await session.execute(delete(ParentLink).where(ParentLink.child_id == child.id))
    reports = select(DailyReport.id).where(DailyReport.child_id == child.id)
    await session.execute(
        update(ReportEvent).where(ReportEvent.report_id.in_(reports)).values(reporter_id=None)
    )
    await session.execute(
        update(DailyReport)
        .where(DailyReport.child_id == child.id)
        .values(reporter_id=None, note=None)
    )
    await session.execute(
        update(Invite)
        .where(Invite.child_id == child.id, Invite.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    child.name, child.removed_at = "", now
    await session.flush()
    return parents
