"""One way to send a message to a user, and what became of it.

Everything the bot sends to someone other than the chat it is answering goes through `send`:
the scheduler's paced outbox (`handlers.scheduler.outbox`), `send_to` (handlers/kit/replies.py)
and the complaints' relay (`deliver_to`). Telegram's answer is read here only:

- sent;
- unreachable: 403 Forbidden (the user blocked the bot, or never started it) and 400 "chat not
  found" (they never opened the bot, or deleted the chat) alike. The user is marked unreachable
  and skipped until they write again; then the gate marks them reachable and they get what they
  missed today (`handlers.scheduler.catchup`);
- retry: 429 Too Many Requests (after the rate limiter's own retries), 5xx and network errors,
  known not to have been delivered: send again (the outbox does, with backoff);
- pending: timed out, so it may have been delivered: the outbox resends it once and records it
  as possibly duplicated (a lost notice is worse than a rare double);
- failed: any other refusal (a 400 about the message itself).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Bot, InlineKeyboardMarkup, InputMediaPhoto
from telegram.error import (
    BadRequest,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from bot.domain.message_limits import MAX_CAPTION, split_text, text_length
from handlers.kit.budget import paid_broadcast
from storage import repo
from storage.models import User
from storage.notifications import SendStatus

NETWORK_PAUSE = 1.0
"""Seconds to hold back after a network error (Telegram gave no figure)."""


@dataclass(frozen=True)
class Outcome:
    """What became of one message."""

    status: SendStatus
    message_id: int | None = None
    error: TelegramError | None = None
    retry_after: float = 0.0
    """For `retry`: seconds to wait before sending again."""


def classify(error: TelegramError) -> SendStatus:
    """Telegram's refusal as a send status (the order matters: BadRequest and TimedOut are
    NetworkErrors in python-telegram-bot)."""
    if isinstance(error, Forbidden):  # blocked, never started, or the account is deleted
        return SendStatus.UNREACHABLE
    if isinstance(error, BadRequest):
        text = str(error).lower()
        if "chat not found" in text:  # never opened the bot, or deleted the chat
            return SendStatus.UNREACHABLE
        if "not modified" in text:  # the same content again: it is there
            return SendStatus.SENT
        return SendStatus.FAILED
    if isinstance(error, RetryAfter):
        return SendStatus.RETRY
    if isinstance(error, TimedOut):  # it may have arrived: the outcome is unknown
        return SendStatus.PENDING
    if isinstance(error, NetworkError):  # 5xx (PTB raises NetworkError), connection errors
        return SendStatus.RETRY
    return SendStatus.FAILED


def _seconds(value: float | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


async def send(
    bot: Bot,
    chat_id: int,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
    *,
    photo: str | bytes | None = None,
    album: Sequence[tuple[str, str]] = (),
) -> Outcome:
    """Send one message: a photo with `text` as its caption when `photo` is given; an album of
    2-10 (file id, caption) photos when `album` is given (`text` and `markup` unused: Telegram's
    media groups take no keyboard). Never raises a Telegram error: the outcome says what
    happened (for an album, the first message's id). Marks nobody: the caller does, when it
    suits its transaction (`mark_unreachable`).

    Telegram's limits hold: a caption over 1,024 characters follows the photo as text, and a
    text over 4,096 goes as several messages (split between lines), the keyboard under the
    last; the outcome is the first failure's, else the last message's."""
    if album:
        return await _send_album(bot, chat_id, album)
    parts = split_text(text) if text else [text]
    if photo is not None and text_length(text) > MAX_CAPTION:
        outcome = await _send_one(bot, chat_id, "", None, photo)
        if outcome.status is not SendStatus.SENT:
            return outcome
        photo = None
    elif photo is not None:
        parts = [text]
    outcome = Outcome(SendStatus.SENT)
    for n, part in enumerate(parts):
        last = n == len(parts) - 1
        outcome = await _send_one(bot, chat_id, part, markup if last else None, photo)
        if outcome.status is not SendStatus.SENT:
            return outcome
    return outcome


async def _send_album(bot: Bot, chat_id: int, album: Sequence[tuple[str, str]]) -> Outcome:
    media = [InputMediaPhoto(file_id, caption=caption or None) for file_id, caption in album]
    try:
        group = await bot.send_media_group(chat_id, media)
    except TelegramError as error:
        return _failed(error)
    return Outcome(SendStatus.SENT, group[0].message_id if group else None)


async def _send_one(
    bot: Bot,
    chat_id: int,
    text: str,
    markup: InlineKeyboardMarkup | None,
    photo: str | bytes | None,
) -> Outcome:
    paid = paid_broadcast() or None  # sent only when set
    try:
        if photo is not None:
            sent = await bot.send_photo(
                chat_id,
                photo,
                caption=text or None,
                reply_markup=markup,
                allow_paid_broadcast=paid,
            )
        else:
            sent = await bot.send_message(
                chat_id, text, reply_markup=markup, allow_paid_broadcast=paid
            )
    except TelegramError as error:
        return _failed(error)
    return Outcome(SendStatus.SENT, sent.message_id)


def _failed(error: TelegramError) -> Outcome:
    status = classify(error)
    wait = 0.0
    if isinstance(error, RetryAfter):
        wait = _seconds(error.retry_after)
    elif status is SendStatus.RETRY:
        wait = NETWORK_PAUSE
    return Outcome(status, error=error, retry_after=wait)


async def mark_unreachable(session: AsyncSession, user_id: int) -> None:
    """Skip the user until they write again (the gate marks them reachable). Not committed."""
    await repo.set_reachable(session, user_id, False)


async def send_to_user(
    bot: Bot,
    session: AsyncSession,
    user: User,
    parts: Sequence[str],
    markup: InlineKeyboardMarkup | None = None,
) -> bool:
    """Message a user now (not paced, not keyed): `parts` in order, the keyboard under the last.

    False when they cannot be reached (they are then marked unreachable in `session`); any
    other failure raises its Telegram error, as a handler's own reply would.
    """
    if not user.reachable:
        return False
    for n, part in enumerate(parts, 1):
        outcome = await send(bot, user.id, part, markup if n == len(parts) else None)
        if outcome.status is SendStatus.UNREACHABLE:
            await mark_unreachable(session, user.id)
            return False
        if outcome.status is not SendStatus.SENT and outcome.error is not None:
            raise outcome.error
    return True
