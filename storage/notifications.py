"""Notification claims: every message the bot sends on its own has a unique key, claimed in
`notifications` before it is sent, so nothing goes out twice across processes and restarts."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Notification, User
from storage.sql import chunks, dialect_insert


class SendStatus(enum.StrEnum):
    """Where a notification stands; only `retry` is sent again (never twice otherwise)."""

    PENDING = "pending"  # claimed; the send is in flight (or the process died: never resent)
    SENT = "sent"
    RETRY = "retry"  # known not delivered (flood limit, network): the next attempt resends
    UNREACHABLE = "unreachable"  # 403: the user blocked the bot
    FAILED = "failed"  # Telegram refused it for good (e.g. chat not found)


@dataclass(frozen=True)
class NotificationKey:
    key: str
    recipient_id: int
    kind: str


async def claim_notifications(
    session: AsyncSession, items: Sequence[NotificationKey], now: datetime
) -> dict[str, int]:
    """Claim each key once; returns key -> notification id for those this caller may send
    (new keys, and keys left in `retry`). Commits."""
    won: dict[str, int] = {}
    insert = dialect_insert(session)
    unique = list({i.key: i for i in items}.values())
    for chunk in chunks(unique):
        stmt = (
            insert(Notification)
            .values(
                [
                    {
                        "key": i.key,
                        "recipient_id": i.recipient_id,
                        "kind": i.kind,
                        "status": SendStatus.PENDING.value,
                        "created_at": now,
                    }
                    for i in chunk
                ]
            )
            .on_conflict_do_nothing(index_elements=[Notification.key])
            .returning(Notification.key, Notification.id)
        )
        won.update({k: i for k, i in await session.execute(stmt)})
        retry = [i.key for i in chunk if i.key not in won]
        if retry:
            result = await session.execute(
                update(Notification)
                .where(Notification.key.in_(retry), Notification.status == SendStatus.RETRY)
                .values(status=SendStatus.PENDING, created_at=now)
                .returning(Notification.key, Notification.id)
            )
            won.update({k: i for k, i in result})
    await session.commit()
    return won


async def record_sends(
    session: AsyncSession, outcomes: Sequence[tuple[int, SendStatus, int | None]], now: datetime
) -> None:
    """Store (notification id, status, message id) results. Commits."""
    if outcomes:
        await session.execute(
            update(Notification),
            [
                {
                    "id": nid,
                    "status": status.value,
                    "message_id": message_id,
                    "sent_at": now if status is SendStatus.SENT else None,
                }
                for nid, status, message_id in outcomes
            ],
        )
    await session.commit()


async def unsent_count(session: AsyncSession, keys: Sequence[str]) -> int:
    """How many of `keys` are still waiting for a retry."""
    total = 0
    for chunk in chunks(list(keys)):
        total += (
            await session.scalar(
                select(func.count())
                .select_from(Notification)
                .where(Notification.key.in_(chunk), Notification.status == SendStatus.RETRY)
            )
            or 0
        )
    return total


async def claimed_keys(session: AsyncSession, keys: Iterable[str]) -> set[str]:
    """Those of `keys` already claimed (sent, in flight or waiting for a retry)."""
    wanted = sorted(set(keys))
    found: set[str] = set()
    for chunk in chunks(wanted):
        found.update(
            await session.scalars(select(Notification.key).where(Notification.key.in_(chunk)))
        )
    return found


async def reachable_among(session: AsyncSession, user_ids: Iterable[int]) -> set[int]:
    """Those of `user_ids` not known to have blocked the bot."""
    return set(
        await session.scalars(
            select(User.id).where(User.id.in_(set(user_ids)), User.reachable.is_(True))
        )
    )
