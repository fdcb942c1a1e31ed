"""The paced sender for everything the bot sends on its own initiative.

Every message has a unique key (recipient, kind, subject, date) claimed in `notifications`
before it is sent, so nothing is sent twice, across processes and restarts. Sending is paced
under Telegram's bulk limit (about 30 messages per second per bot). Telegram's answers are read
by `handlers.kit.sending`: a user who blocked the bot (403) or never opened it ("chat not
found") is marked unreachable and skipped until they write again; a flood limit (429) that
outlasts the rate limiter's own retries is waited out and the message sent later, never dropped.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from telegram import Bot
from telegram.error import RetryAfter

from handlers.kit import sending
from handlers.kit.replies import Keyboard, keyboard
from storage import notifications
from storage.db import SessionMaker
from storage.notifications import NotificationKey, SendStatus

log = logging.getLogger(__name__)

RATE = 25.0
"""Messages per second, all sends of this process together (Telegram allows about 30)."""
BURST = 4
"""Messages that may go at once after a quiet spell (BURST + RATE stays under 30 in any second)."""
BATCH = 100
"""Messages claimed per round trip to the database."""
MAX_ROUNDS = 8
"""Passes over messages that hit a flood limit before the run is left for a later tick."""


class Pacer:
    """A token bucket shared by every send of the process; no lock, so it is loop-agnostic
    (a reservation is taken synchronously between awaits)."""

    def __init__(self, rate: float = RATE, burst: int = BURST) -> None:
        self.interval = 1.0 / rate
        self.burst = burst
        self._next = 0.0  # monotonic time at which the bucket is full again minus burst

    async def wait(self) -> None:
        now = time.monotonic()
        earliest = now - (self.burst - 1) * self.interval
        slot = max(self._next, earliest)
        self._next = slot + self.interval
        if slot > now:
            await asyncio.sleep(slot - now)

    def ready_in(self) -> float:
        """Seconds until the next send may go."""
        return max(0.0, self._next - time.monotonic())

    def pause(self, seconds: float) -> None:
        """Hold every sender back (Telegram asked us to wait)."""
        self._next = max(self._next, time.monotonic() + seconds)


PACER = Pacer()


@dataclass(frozen=True)
class Outgoing:
    """A message to send once: `key` is unique for (recipient, kind, subject, date)."""

    key: str
    recipient_id: int
    kind: str
    text: str
    rows: Keyboard | None = None
    photo: bytes | None = None
    """A PNG sent as a photo with `text` as its caption (at most 1,024 characters)."""


def message_key(kind: str, recipient_id: int, subject: str | int, day: object) -> str:
    return f"{kind}:{recipient_id}:{subject}:{day}"


@dataclass
class Report:
    sent: int = 0
    duplicates: int = 0  # already sent (or being sent) by someone else
    unreachable: int = 0
    failed: int = 0
    left_for_later: int = 0  # still flood-limited after MAX_ROUNDS: a later run resends
    keys_sent: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return self.left_for_later == 0


Progress = Callable[[], Awaitable[None]]


async def deliver(
    bot: Bot,
    sessionmaker: SessionMaker,
    messages: Sequence[Outgoing],
    now: Callable[[], datetime],
    *,
    pacer: Pacer | None = None,
    on_progress: Progress | None = None,
) -> Report:
    """Send each message at most once, paced; returns what happened.

    `on_progress` is awaited between batches (the scheduler renews its lease and heartbeats
    its runs there).
    """
    pacer = pacer or PACER
    report = Report()
    pending = list(messages)
    for round_ in range(MAX_ROUNDS):
        deferred: list[Outgoing] = []
        for start in range(0, len(pending), BATCH):
            batch = pending[start : start + BATCH]
            deferred += await _send_batch(bot, sessionmaker, batch, now, pacer, report)
            if on_progress is not None:
                await on_progress()
        if not deferred:
            return report
        pending = deferred
        log.info("%d messages hit a flood limit; retrying (pass %d)", len(pending), round_ + 2)
        await asyncio.sleep(pacer.ready_in())
    report.left_for_later = len(pending)
    log.warning("%d messages left for a later run after repeated flood limits", len(pending))
    return report


async def _send_batch(
    bot: Bot,
    sessionmaker: SessionMaker,
    batch: Sequence[Outgoing],
    now: Callable[[], datetime],
    pacer: Pacer,
    report: Report,
) -> list[Outgoing]:
    """Claim and send one batch; returns the messages to try again (flood limit)."""
    async with sessionmaker() as session:
        recipients = {m.recipient_id for m in batch}
        reachable = await notifications.reachable_among(session, recipients)
        sendable = [m for m in batch if m.recipient_id in reachable]
        report.unreachable += len(batch) - len(sendable)
        claimed = await notifications.claim_notifications(
            session,
            [NotificationKey(m.key, m.recipient_id, m.kind) for m in sendable],
            now(),
        )
        report.duplicates += len(sendable) - len(claimed)
        outcomes: list[tuple[int, SendStatus, int | None]] = []
        deferred: list[Outgoing] = []
        blocked: list[int] = []
        for message in sendable:
            nid = claimed.get(message.key)
            if nid is None:
                continue
            if message.recipient_id in blocked:
                outcomes.append((nid, SendStatus.UNREACHABLE, None))
                report.unreachable += 1
                continue
            status, message_id = await _send_one(bot, message, pacer)
            outcomes.append((nid, status, message_id))
            if status is SendStatus.SENT:
                report.sent += 1
                report.keys_sent.append(message.key)
            elif status is SendStatus.RETRY:
                deferred.append(message)
            elif status is SendStatus.UNREACHABLE:
                report.unreachable += 1
                blocked.append(message.recipient_id)
            else:
                report.failed += 1
        for user_id in blocked:  # marked after the sends: no write lock held while sending
            await sending.mark_unreachable(session, user_id)
        await notifications.record_sends(session, outcomes, now())
    return deferred


async def _send_one(bot: Bot, message: Outgoing, pacer: Pacer) -> tuple[SendStatus, int | None]:
    await pacer.wait()
    markup = keyboard(message.rows) if message.rows else None
    outcome = await sending.send(
        bot, message.recipient_id, message.text, markup, photo=message.photo
    )
    status, error = outcome.status, outcome.error
    if status is SendStatus.RETRY:
        # A flood limit the rate limiter's own retries did not cover, or a network error:
        # hold every sender back, send this one later.
        pacer.pause(outcome.retry_after)
        if not isinstance(error, RetryAfter):
            log.warning("network error sending %s: %s; will retry", message.key, error)
    elif status is SendStatus.PENDING:
        log.warning("timed out sending %s; not resent", message.key)
    elif status is SendStatus.FAILED:
        log.warning("Telegram refused %s: %s", message.key, error)
    return status, outcome.message_id
