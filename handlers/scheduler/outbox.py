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
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from telegram import Bot
from telegram.error import RetryAfter

from bot.domain.message_limits import MAX_CAPTION, MAX_TEXT, pack_lines, text_length
from handlers.kit import budget, sending
from handlers.kit.replies import Keyboard, keyboard
from storage import notifications
from storage.db import SessionMaker
from storage.notifications import Claim, ClaimResult, NotificationKey, SendStatus

log = logging.getLogger(__name__)

RATE = 29.0
"""Messages per second of this process's bulk sends, evenly spaced (Telegram allows about 30;
the shared budget, `handlers.kit.budget`, holds every process to it and puts replies first)."""
BURST = 1
"""Messages that may go at once after a quiet spell (BURST + RATE: at most 30 in any second)."""
BATCH = 100
"""Messages whose recipients and states are read per round trip to the database."""
MEDIA_GROUP = 10
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
class Photo:
    """A photo sent (by its Telegram file id) before its message's text, with its own caption."""

    file_id: str
    caption: str
    line: int
    """The index of the text's line (split at newlines) the photo belongs to."""
    missing: str
    """That line as it reads when Telegram refuses the photo: no longer available."""


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
    photos: tuple[Photo, ...] = ()
    """Photos sent before the text (file ids)."""


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
    with budget.bulk():  # the scheduler's sends use what interactive replies leave
        return await _deliver(bot, sessionmaker, messages, now, pacer, on_progress, claim_ttl)


async def _deliver(
    bot: Bot,
    sessionmaker: SessionMaker,
    messages: Sequence[Outgoing],
    now: Callable[[], datetime],
    pacer: Pacer | None,
    on_progress: Progress | None,
    claim_ttl: timedelta,
) -> Report:
    pacer = pacer or PACER
    report = Report()
    dead: set[str] = set()  # file ids Telegram refused: not tried again for the next parent
    pending = list(messages)
    for round_ in range(MAX_ROUNDS):
        flooded: list[Outgoing] = []
        for start in range(0, len(pending), BATCH):
            batch = pending[start : start + BATCH]
            flooded += await _send_batch(
                bot, sessionmaker, batch, now, pacer, claim_ttl, report, dead
            )
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
    dead: set[str],
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
        async with sessionmaker() as session:
            item = NotificationKey(message.key, message.recipient_id, message.kind)
            claim = await notifications.claim(session, item, now(), claim_ttl)
        if claim.id is None:
            if claim.result is ClaimResult.IN_FLIGHT:
                report.in_flight += 1
            else:
                report.duplicates += 1
            continue
        attempt = await _send_claimed(bot, sessionmaker, message, claim, now, pacer, report, dead)
        if attempt.status is SendStatus.UNREACHABLE:
            reachable.discard(message.recipient_id)
        elif attempt.error == FLOOD:
            flooded.append(attempt.rest or message)  # what was sent is not sent again
    return flooded


async def _send_claimed(
    bot: Bot,
    sessionmaker: SessionMaker,
    message: Outgoing,
    claim: Claim,
    now: Callable[[], datetime],
    pacer: Pacer,
    report: Report,
    dead: set[str],
) -> Attempt:
    """Send a claimed message and record its outcome at once."""
    assert claim.id is not None
    resumed = claim.result is ClaimResult.RESUMED
    attempt = await _send_one(bot, message, pacer, dead)
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
    rest: Outgoing | None = None
    """After a flood limit: what is left of the message (its sent parts are not sent again)."""


async def _send_one(bot: Bot, message: Outgoing, pacer: Pacer, dead: set[str]) -> Attempt:
    """Send (photos, then the text in as many parts as it needs), retrying a 5xx or a network
    error with backoff (TRIES in all) and a timeout once (flagged: it may have arrived); a retry
    sends only what is left. A flood limit pauses every sender and is left to the caller's next
    pass, with what is left of the message."""
    timeouts = 0
    tries = 0
    error = ""
    first: int | None = None
    while True:
        tries += 1
        outcome, sent_id, message = await _send_parts(bot, message, pacer, dead)
        first = first or sent_id
        status = outcome.status
        if isinstance(outcome.error, RetryAfter):
            # A flood limit the rate limiter's own retries did not cover: hold every sender back.
            pacer.pause(outcome.retry_after)
            return Attempt(SendStatus.RETRY, None, tries, timeouts > 0, FLOOD, message)
        if outcome.error is not None:
            error = f"{type(outcome.error).__name__}: {outcome.error}"
        if status is SendStatus.PENDING:  # timed out: it may have arrived; resent once
            timeouts += 1
            if timeouts > 1:
                return Attempt(SendStatus.RETRY, None, tries, True, error)
        elif status is not SendStatus.RETRY:
            return Attempt(status, first, tries, timeouts > 0, error)
        if tries >= TRIES:
            return Attempt(SendStatus.RETRY, None, tries, timeouts > 0, error)
        await asyncio.sleep(BACKOFF * 2 ** (tries - 1))  # each call is paced in `_call`


async def _send_parts(
    bot: Bot, message: Outgoing, pacer: Pacer, dead: set[str]
) -> tuple[sending.Outcome, int | None, Outgoing]:
    """Send the message's photos, then its text; returns the outcome that stopped it (else the
    last one), the first message id, and what is left to send (all of it once sent)."""
    first: int | None = None
    photos = [p for p in message.photos if p.file_id not in dead]
    lost = [p for p in message.photos if p.file_id in dead]
    while photos:
        chunk = photos[:MEDIA_GROUP]
        outcome = await _call(bot, message, pacer, album=chunk)
        if outcome.status is SendStatus.FAILED and len(chunk) > 1:
            # A media group fails whole: send its photos one by one to find the refused ones.
            for n, photo in enumerate(chunk):
                single = await _call(bot, message, pacer, album=[photo])
                if single.status is SendStatus.FAILED:
                    lost.append(photo)
                    dead.add(photo.file_id)
                elif single.status is not SendStatus.SENT:
                    return _stopped(message, single, first, lost, photos[n:])
                first = first or single.message_id
        elif outcome.status is SendStatus.FAILED:  # 400: Telegram no longer has this file
            lost += chunk
            dead.update(p.file_id for p in chunk)
        elif outcome.status is not SendStatus.SENT:
            return _stopped(message, outcome, first, lost, photos)
        else:
            first = first or outcome.message_id
        photos = photos[len(chunk) :]
    message = replace(message, photos=(), text=_with_lost(message.text, lost))
    return await _send_text(bot, message, pacer, first)


def _stopped(
    message: Outgoing,
    outcome: sending.Outcome,
    first: int | None,
    lost: Sequence[Photo],
    photos: Sequence[Photo],
) -> tuple[sending.Outcome, int | None, Outgoing]:
    """A photo could not go now: the message as it is left to send (its text already says
    which photos were refused)."""
    rest = replace(message, photos=tuple(photos), text=_with_lost(message.text, lost))
    return outcome, first, rest


async def _send_text(
    bot: Bot, message: Outgoing, pacer: Pacer, first: int | None
) -> tuple[sending.Outcome, int | None, Outgoing]:
    """The text, in as many messages as it needs (split between lines), the keyboard under
    the last; a PNG `photo` with the text as its caption."""
    parts = (
        [message.text]
        if message.photo is not None
        else ["\n".join(chunk) for chunk in pack_lines(_short_lines(message.text))]
    )
    for n, part in enumerate(parts):
        last = n == len(parts) - 1
        outcome = await _call(bot, message, pacer, text=part, rows=message.rows if last else None)
        if outcome.status is not SendStatus.SENT:
            rest = replace(message, photos=(), text="\n".join(parts[n:]))
            return outcome, first, rest
        first = first or outcome.message_id
    return outcome, first, message


async def _call(
    bot: Bot,
    message: Outgoing,
    pacer: Pacer,
    *,
    text: str = "",
    rows: Keyboard | None = None,
    album: Sequence[Photo] = (),
) -> sending.Outcome:
    """One Telegram call, paced: a photo or a media group of `album`, or `text`."""
    await pacer.wait()
    if len(album) == 1:
        [one] = album
        return await sending.send(
            bot, message.recipient_id, _cut(one.caption, MAX_CAPTION), photo=one.file_id
        )
    if album:
        pairs = [(p.file_id, _cut(p.caption, MAX_CAPTION)) for p in album]
        return await sending.send(bot, message.recipient_id, "", album=pairs)
    markup = keyboard(rows) if rows else None
    return await sending.send(bot, message.recipient_id, text, markup, photo=message.photo)


def _with_lost(text: str, lost: Sequence[Photo]) -> str:
    """The text with the line of each photo Telegram refused saying it is no longer there."""
    if not lost:
        return text
    lines = text.split("\n")
    for photo in lost:
        if 0 <= photo.line < len(lines):
            lines[photo.line] = photo.missing
    return "\n".join(lines)


def _short_lines(text: str) -> list[str]:
    """The text's lines, a line longer than a message cut into pieces that fit (never lost)."""
    out: list[str] = []
    step = MAX_TEXT // 2  # at most two UTF-16 units a character
    for line in text.split("\n"):
        if text_length(line) <= MAX_TEXT:
            out.append(line)
        else:
            out += [line[i : i + step] for i in range(0, len(line), step)]
    return out


def _cut(text: str, limit: int) -> str:
    if text_length(text) <= limit:
        return text
    while text_length(text) > limit - 1:
        text = text[: -max(1, (text_length(text) - limit) // 2 + 1)]
    return text + "…"
