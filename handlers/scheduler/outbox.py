"""The paced sender for everything the bot sends on its own initiative.

Every message has a unique key (recipient, kind, subject, date) claimed in `notifications`
right before it is sent and settled right after (`storage.notifications.claim`), so nothing is
sent twice across processes and restarts, and a run cut short (kill -9, a crash) is resumed
from exactly the keys that were not confirmed. A 5xx or a network error is retried with
backoff; a timeout, whose outcome is unknown, is resent once and counted as possibly
duplicated (Telegram has no idempotency key, and a lost notice is worse than a rare double).
Each run logs one INFO line with its counts. Sending is paced
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
from datetime import datetime, timedelta

from telegram import Bot
from telegram.error import RetryAfter

from handlers.kit import sending
from handlers.kit.replies import Keyboard, keyboard
from storage import notifications
from storage.db import SessionMaker
from storage.notifications import Claim, ClaimResult, NotificationKey, SendStatus

log = logging.getLogger(__name__)

RATE = 25.0
"""Messages per second, all sends of this process together (Telegram allows about 30)."""
BURST = 4
"""Messages that may go at once after a quiet spell (BURST + RATE stays under 30 in any second)."""
BATCH = 100
"""Messages whose recipients and states are read per round trip to the database."""
TRIES = 3
"""Sends of one message on a 5xx or a network error (with backoff) before it is left `retry`
for a later run; a timeout is resent once only."""
BACKOFF = 0.5
"""Seconds before the second try of a message, doubled before each next one."""
CLAIM_TTL = timedelta(seconds=60)
"""How long a claim holds by default (the scheduler passes its lease)."""
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
    """What one `deliver` did, message by message (logged as one INFO line)."""

    sent: int = 0
    duplicates: int = 0  # settled before (sent, unreachable or refused): skipped
    unreachable: int = 0
    failed: int = 0
    retries: int = 0  # sends repeated after a 5xx, a network error or a timeout
    possibly_duplicated: int = 0  # sent again after an unknown outcome (timeout, dead claimer)
    resumed: int = 0  # taken over from a claimer that died mid-send
    in_flight: int = 0  # another claimer's send is under way: a later run checks again
    left_for_later: int = 0  # still failing (flood limit, 5xx, network): left `retry`
    keys_sent: list[str] = field(default_factory=list)
    last_error: str = ""

    @property
    def complete(self) -> bool:
        """Every message settled: nothing left for a later run to send."""
        return self.left_for_later == 0 and self.in_flight == 0

    def add(self, other: Report) -> None:
        for name in COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.keys_sent += other.keys_sent
        self.last_error = other.last_error or self.last_error

    def line(self) -> str:
        return " ".join(f"{name}={getattr(self, name)}" for name in COUNTS)


Progress = Callable[[], Awaitable[None]]

COUNTS = (
    "sent",
    "duplicates",
    "unreachable",
    "failed",
    "retries",
    "possibly_duplicated",
    "resumed",
    "in_flight",
    "left_for_later",
)


async def deliver(
    bot: Bot,
    sessionmaker: SessionMaker,
    messages: Sequence[Outgoing],
    now: Callable[[], datetime],
    *,
    pacer: Pacer | None = None,
    on_progress: Progress | None = None,
    claim_ttl: timedelta = CLAIM_TTL,
) -> Report:
    """Send each message at most once (but for a counted `possibly_duplicated`), paced;
    returns what happened. Each message is claimed right before its send and settled right
    after it, so a process dying mid-run leaves everything else to a resumer: unclaimed keys,
    and the one in flight once its claim (`claim_ttl`, the scheduler's lease) has expired.

    `on_progress` is awaited between batches (the scheduler heartbeats its runs there).
    """
    pacer = pacer or PACER
    report = Report()
    pending = list(messages)
    for round_ in range(MAX_ROUNDS):
        flooded: list[Outgoing] = []
        for start in range(0, len(pending), BATCH):
            batch = pending[start : start + BATCH]
            flooded += await _send_batch(bot, sessionmaker, batch, now, pacer, claim_ttl, report)
            if on_progress is not None:
                await on_progress()
        pending = flooded
        if not pending:
            break
        if round_ + 1 < MAX_ROUNDS:
            log.info("%d messages hit a flood limit; retrying (pass %d)", len(pending), round_ + 2)
            await asyncio.sleep(pacer.ready_in())
    if pending:
        report.left_for_later += len(pending)
        report.last_error = FLOOD
    if messages:
        log.info("outbox: %d message(s): %s", len(messages), report.line())
    if report.left_for_later:
        log.warning(
            "%d message(s) left for a later run (last error: %s)",
            report.left_for_later,
            report.last_error,
        )
    return report


async def _send_batch(
    bot: Bot,
    sessionmaker: SessionMaker,
    batch: Sequence[Outgoing],
    now: Callable[[], datetime],
    pacer: Pacer,
    claim_ttl: timedelta,
    report: Report,
) -> list[Outgoing]:
    """Send one batch, message by message; returns those that hit a flood limit (to send
    again in this run)."""
    async with sessionmaker() as session:
        reachable = await notifications.reachable_among(session, {m.recipient_id for m in batch})
        known = await notifications.states(session, [m.key for m in batch])
    flooded: list[Outgoing] = []
    for message in batch:
        if message.recipient_id not in reachable:
            report.unreachable += 1
            continue
        state = known.get(message.key)
        if state is not None and state[0] in notifications.DONE:
            report.duplicates += 1
            continue
        await pacer.wait()  # before the claim: the claim is as short as the send
        async with sessionmaker() as session:
            item = NotificationKey(message.key, message.recipient_id, message.kind)
            claim = await notifications.claim(session, item, now(), claim_ttl)
        if claim.id is None:
            if claim.result is ClaimResult.IN_FLIGHT:
                report.in_flight += 1
            else:
                report.duplicates += 1
            continue
        attempt = await _send_claimed(bot, sessionmaker, message, claim, now, pacer, report)
        if attempt.status is SendStatus.UNREACHABLE:
            reachable.discard(message.recipient_id)
        elif attempt.error == FLOOD:
            flooded.append(message)
    return flooded


async def _send_claimed(
    bot: Bot,
    sessionmaker: SessionMaker,
    message: Outgoing,
    claim: Claim,
    now: Callable[[], datetime],
    pacer: Pacer,
    report: Report,
) -> Attempt:
    """Send a claimed message and record its outcome at once."""
    assert claim.id is not None
    resumed = claim.result is ClaimResult.RESUMED
    attempt = await _send_one(bot, message, pacer)
    doubtful = resumed or attempt.doubtful
    async with sessionmaker() as session:
        if attempt.status is SendStatus.UNREACHABLE:
            await sending.mark_unreachable(session, message.recipient_id)
        await notifications.record_send(
            session,
            claim.id,
            attempt.status,
            now(),
            message_id=attempt.message_id,
            tries=attempt.tries,
            possibly_duplicated=attempt.doubtful,
        )
    report.resumed += int(resumed)
    report.possibly_duplicated += int(doubtful)
    report.retries += attempt.tries - 1
    if attempt.status is SendStatus.SENT:
        report.sent += 1
        report.keys_sent.append(message.key)
    elif attempt.status is SendStatus.UNREACHABLE:
        report.unreachable += 1
    elif attempt.status is SendStatus.FAILED:
        report.failed += 1
        log.warning("Telegram refused %s: %s", message.key, attempt.error)
    elif attempt.error != FLOOD:
        report.left_for_later += 1
        report.last_error = attempt.error
    return attempt


FLOOD = "flood limit"


@dataclass(frozen=True)
class Attempt:
    status: SendStatus
    message_id: int | None = None
    tries: int = 1
    doubtful: bool = False
    """A send timed out before another went: the user may have the message twice."""
    error: str = ""


async def _send_one(bot: Bot, message: Outgoing, pacer: Pacer) -> Attempt:
    """Send, retrying a 5xx or a network error with backoff (TRIES in all) and a timeout once
    (flagged: it may have arrived); a flood limit pauses every sender and is left to the
    caller's next pass."""
    markup = keyboard(message.rows) if message.rows else None
    timeouts = 0
    tries = 0
    error = ""
    while True:
        tries += 1
        outcome = await sending.send(
            bot, message.recipient_id, message.text, markup, photo=message.photo
        )
        status = outcome.status
        if isinstance(outcome.error, RetryAfter):
            # A flood limit the rate limiter's own retries did not cover: hold every sender back.
            pacer.pause(outcome.retry_after)
            return Attempt(SendStatus.RETRY, None, tries, timeouts > 0, FLOOD)
        if outcome.error is not None:
            error = f"{type(outcome.error).__name__}: {outcome.error}"
        if status is SendStatus.PENDING:  # timed out: it may have arrived; resent once
            timeouts += 1
            if timeouts > 1:
                return Attempt(SendStatus.RETRY, None, tries, True, error)
        elif status is not SendStatus.RETRY:
            return Attempt(status, outcome.message_id, tries, timeouts > 0, error)
        if tries >= TRIES:
            return Attempt(SendStatus.RETRY, None, tries, timeouts > 0, error)
        await asyncio.sleep(BACKOFF * 2 ** (tries - 1))
        await pacer.wait()
