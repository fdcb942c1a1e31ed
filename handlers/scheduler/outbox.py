"""The paced sender for everything the bot sends on its own initiative.

Every message has a unique key (recipient, kind, subject, date) claimed in `notifications`
before it is sent, so nothing is sent twice, across processes and restarts. Sending is paced
under Telegram's bulk limit (about 30 messages per second per bot). Telegram's answers are read
by `handlers.kit.sending`: a user who blocked the bot (403) or never opened it ("chat not
found") is marked unreachable and skipped until they write again; a flood limit (429) that
outlasts the rate limiter's own retries is waited out and the message sent later, never dropped.

One message may take several Telegram messages: its photos first (a teacher's file ids, one
photo or a media group of up to ten, each with its own caption), then its text, split between
lines when it is longer than Telegram allows, the keyboard under the last part. They go out
under the message's one key; after a flood limit only the parts not yet sent are sent again.
A photo Telegram refuses (400: the file id is no longer valid) is left out and its line in the
text says so.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from telegram import Bot
from telegram.error import RetryAfter

from bot.domain.message_limits import MAX_TEXT, pack_lines, text_length
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
MEDIA_GROUP = 10
"""Telegram's most photos in one media group (and its least is two)."""
MAX_CAPTION = 1024
"""Telegram's longest caption, in UTF-16 code units."""


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
    dead: set[str] = set()  # file ids Telegram refused: not tried again for the next parent
    for round_ in range(MAX_ROUNDS):
        deferred: list[Outgoing] = []
        for start in range(0, len(pending), BATCH):
            batch = pending[start : start + BATCH]
            deferred += await _send_batch(bot, sessionmaker, batch, now, pacer, report, dead)
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
    dead: set[str],
) -> list[Outgoing]:
    """Claim and send one batch; returns what is left to try again (flood limit)."""
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
            status, message_id, rest = await _send_one(bot, message, pacer, dead)
            outcomes.append((nid, status, message_id))
            if status is SendStatus.SENT:
                report.sent += 1
                report.keys_sent.append(message.key)
            elif status is SendStatus.RETRY:
                deferred.append(rest)  # what was sent is not sent again
            elif status is SendStatus.UNREACHABLE:
                report.unreachable += 1
                blocked.append(message.recipient_id)
            else:
                report.failed += 1
        for user_id in blocked:  # marked after the sends: no write lock held while sending
            await sending.mark_unreachable(session, user_id)
        await notifications.record_sends(session, outcomes, now())
    return deferred


async def _send_one(
    bot: Bot, message: Outgoing, pacer: Pacer, dead: set[str]
) -> tuple[SendStatus, int | None, Outgoing]:
    """Send the message's photos, then its text; returns its status, the first message id and,
    after a flood limit or network error, what is left to send."""
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
                    return _stopped(message, pacer, single, first, lost, photos[n:])
                first = first or single.message_id
        elif outcome.status is SendStatus.FAILED:  # 400: Telegram no longer has this file
            lost += chunk
            dead.update(p.file_id for p in chunk)
        elif outcome.status is not SendStatus.SENT:
            return _stopped(message, pacer, outcome, first, lost, photos)
        else:
            first = first or outcome.message_id
        photos = photos[len(chunk) :]
    message = replace(message, photos=(), text=_with_lost(message.text, lost))
    return await _send_text(bot, message, pacer, first)


def _stopped(
    message: Outgoing,
    pacer: Pacer,
    outcome: sending.Outcome,
    first: int | None,
    lost: Sequence[Photo],
    photos: Sequence[Photo],
) -> tuple[SendStatus, int | None, Outgoing]:
    """A photo could not go now: the message as it is left to send (its text already says
    which photos were refused)."""
    _held(message, pacer, outcome)
    rest = replace(message, photos=tuple(photos), text=_with_lost(message.text, lost))
    return outcome.status, first, rest


async def _send_text(
    bot: Bot, message: Outgoing, pacer: Pacer, first: int | None
) -> tuple[SendStatus, int | None, Outgoing]:
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
            _held(message, pacer, outcome)
            rest = replace(message, photos=(), text="\n".join(parts[n:]))
            return outcome.status, first, rest
        first = first or outcome.message_id
    return SendStatus.SENT, first, message


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


def _held(message: Outgoing, pacer: Pacer, outcome: sending.Outcome) -> None:
    """Log a send that did not go; after a flood limit (one the rate limiter's own retries did
    not cover) or a network error, hold every sender back."""
    status, error = outcome.status, outcome.error
    if status is SendStatus.RETRY:
        pacer.pause(outcome.retry_after)
        if not isinstance(error, RetryAfter):
            log.warning("network error sending %s: %s; will retry", message.key, error)
    elif status is SendStatus.PENDING:
        log.warning("timed out sending %s; not resent", message.key)
    elif status is SendStatus.FAILED:
        log.warning("Telegram refused %s: %s", message.key, error)


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
