"""Notification claims: every message the bot sends on its own has a unique key, claimed in
`notifications` right before it is sent and settled right after, one message at a time, so
nothing goes out twice across processes and restarts, and a process dying mid-send leaves at
most one message whose outcome is unknown (resent, and flagged possibly duplicated, once its
claim has expired)."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Notification, User
from storage.sql import chunks, dialect_insert


class SendStatus(enum.StrEnum):
    """Where a notification stands. Only `retry`, and a `pending` whose claim has expired
    (its claimer died mid-send), are claimed again."""

    PENDING = "pending"  # claimed; the send is in flight until `claimed_until`
    SENT = "sent"
    RETRY = "retry"  # not delivered yet (flood limit, 5xx, network, timeouts): sent again later
    UNREACHABLE = "unreachable"  # 403 or "chat not found": skipped until the user writes
    FAILED = "failed"  # Telegram refused the message itself for good


DONE = frozenset({SendStatus.SENT, SendStatus.UNREACHABLE, SendStatus.FAILED})
"""Statuses never claimed again (the catch-up reopens `unreachable` ones explicitly)."""


@dataclass(frozen=True)
class NotificationKey:
    key: str
    recipient_id: int
    kind: str


class ClaimResult(enum.Enum):
    NEW = "new"  # first claim of the key
    RETRY = "retry"  # claimed again after a known failure
    RESUMED = "resumed"  # taken from a claimer that died mid-send: possibly duplicated
    DONE = "done"  # sent (or settled) before: nothing to do
    IN_FLIGHT = "in flight"  # another claimer's send is under way (its claim has not expired)


@dataclass(frozen=True)
class Claim:
    result: ClaimResult
    id: int | None = None

    @property
    def won(self) -> bool:
        return self.id is not None


async def states(
    session: AsyncSession, keys: Iterable[str]
) -> dict[str, tuple[SendStatus, datetime | None]]:
    """key -> (status, claimed until) for those of `keys` claimed before."""
    found: dict[str, tuple[SendStatus, datetime | None]] = {}
    for chunk in chunks(sorted(set(keys))):
        rows = await session.execute(
            select(Notification.key, Notification.status, Notification.claimed_until).where(
                Notification.key.in_(chunk)
            )
        )
        found.update({k: (SendStatus(s), until) for k, s, until in rows})
    return found


async def claim(
    session: AsyncSession, item: NotificationKey, now: datetime, ttl: timedelta
) -> Claim:
    """Claim one key for a send starting now, until now + ttl: a new key, a key left in
    `retry`, or a `pending` one whose claim has expired (flagged possibly duplicated: its
    claimer may have sent it before dying). Atomic across processes. Commits."""
    until = now + ttl
    stmt = (
        dialect_insert(session)(Notification)
        .values(
            key=item.key,
            recipient_id=item.recipient_id,
            kind=item.kind,
            status=SendStatus.PENDING.value,
            created_at=now,
            claimed_until=until,
            attempts=1,
        )
        .on_conflict_do_nothing(index_elements=[Notification.key])
        .returning(Notification.id)
    )
    nid = (await session.execute(stmt)).scalar_one_or_none()
    if nid is not None:
        await session.commit()
        return Claim(ClaimResult.NEW, nid)
    row = (
        await session.execute(
            select(Notification.id, Notification.status, Notification.claimed_until).where(
                Notification.key == item.key
            )
        )
    ).one()
    status = SendStatus(row.status)
    expired = status is SendStatus.PENDING and (
        row.claimed_until is None or row.claimed_until < now
    )
    if status is not SendStatus.RETRY and not expired:
        await session.commit()
        return Claim(ClaimResult.IN_FLIGHT if status is SendStatus.PENDING else ClaimResult.DONE)
    # Compare-and-set on (status, claimed_until): of two claimers, one wins.
    same_claim = (
        Notification.claimed_until.is_(None)
        if row.claimed_until is None
        else Notification.claimed_until == row.claimed_until
    )
    values: dict[str, object] = {
        "status": SendStatus.PENDING.value,
        "claimed_until": until,
        "attempts": Notification.attempts + 1,
    }
    if expired:
        values["possibly_duplicated"] = True
    won = (
        await session.execute(
            update(Notification)
            .where(Notification.id == row.id, Notification.status == status.value, same_claim)
            .values(values)
            .returning(Notification.id)
        )
    ).scalar_one_or_none()
    await session.commit()
    if won is None:
        return Claim(ClaimResult.IN_FLIGHT)
    return Claim(ClaimResult.RESUMED if expired else ClaimResult.RETRY, won)


async def record_send(
    session: AsyncSession,
    nid: int,
    status: SendStatus,
    now: datetime,
    *,
    message_id: int | None = None,
    tries: int = 1,
    possibly_duplicated: bool = False,
) -> None:
    """Store one message's outcome right after its send (`tries`: sends made under this
    claim). Commits."""
    values: dict[str, object] = {
        "status": status.value,
        "message_id": message_id,
        "sent_at": now if status is SendStatus.SENT else None,
        "claimed_until": None,
        "attempts": Notification.attempts + (tries - 1),
    }
    if possibly_duplicated:
        values["possibly_duplicated"] = True
    await session.execute(update(Notification).where(Notification.id == nid).values(values))
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
