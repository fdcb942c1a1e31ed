"""What a user missed while the bot could not reach them: the storage side of the catch-up
(handlers/scheduler/catchup.py)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Child, Notification, ParentLink, School, SchoolClass
from storage.notifications import SendStatus


async def parent_classes(session: AsyncSession, parent_id: int) -> list[tuple[School, int]]:
    """(school, class id) of every class one of the parent's children is in."""
    rows = await session.execute(
        select(School, SchoolClass.id)
        .join(SchoolClass, SchoolClass.school_id == School.id)
        .join(Child, Child.class_id == SchoolClass.id)
        .join(ParentLink, ParentLink.child_id == Child.id)
        .where(ParentLink.parent_id == parent_id)
        .order_by(School.id, SchoolClass.id)
    )
    # Two children in one class: the class once.
    return list(dict.fromkeys((school, class_id) for school, class_id in rows))


async def reopen_unreachable(session: AsyncSession, keys: Sequence[str]) -> None:
    """Let notifications skipped because their recipient was unreachable be claimed again
    (`storage.notifications.claim_notifications` reclaims `retry` ones). Commits."""
    if keys:
        await session.execute(
            update(Notification)
            .where(
                Notification.key.in_(list(keys)),
                Notification.status == SendStatus.UNREACHABLE,
            )
            .values(status=SendStatus.RETRY)
        )
    await session.commit()
