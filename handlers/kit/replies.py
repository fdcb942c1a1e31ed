"""Replies, keyboards, callback answers and messages to other users."""

from __future__ import annotations

import asyncio
import html
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
    WebAppInfo,
)
from telegram.error import BadRequest, NetworkError, TimedOut

from bot.domain.message_limits import MAX_BUTTONS, pack_lines, split_text, text_length
from bot.i18n import _
from handlers.kit.callbacks import CallbackData
from handlers.kit.context import Ctx
from handlers.kit.sending import send_to_user
from storage.models import User

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class WebAppLink:
    """A button that opens a Mini App page (the dashboard) at `url` instead of calling back."""

    url: str


Keyboard = Sequence[Sequence[tuple[str, CallbackData | str | WebAppLink]]]
Button = tuple[str, CallbackData | str]
Rows = list[list[Button]]  # a keyboard being built


RETRY_DELAYS = (0.5, 1.0, 2.0)
"""Seconds between tries of a reply after a 5xx or a network error (a few seconds in all)."""

T = TypeVar("T")


async def with_retries(what: str, call: Callable[[], Awaitable[T]]) -> T | None:
    """`call`, tried again after a 5xx or a network error; None (and one WARNING line) when
    it never went through. A timeout is not retried: the reply may have arrived."""
    for attempt, delay in enumerate((*RETRY_DELAYS, None), 1):
        try:
            return await call()
        except (BadRequest, TimedOut):
            raise
        except NetworkError as error:
            if delay is None:
                log.warning("%s failed after %d tries: %s", what, attempt, error)
                return None
            await asyncio.sleep(delay)
    return None


def fit_rows(rows: Keyboard) -> Keyboard:
    """At most Telegram's 100 buttons: rows are dropped from before the last one (which holds
    the way back or on) until the rest fits."""
    if sum(len(row) for row in rows) <= MAX_BUTTONS:
        return rows
    last = list(rows[-1])
    kept: list[Sequence[tuple[str, CallbackData | str | WebAppLink]]] = []
    room = MAX_BUTTONS - len(last)
    for row in rows[:-1]:
        if len(row) > room:
            break
        kept.append(row)
        room -= len(row)
    log.warning("a keyboard of %d rows was cut to %d buttons", len(rows), MAX_BUTTONS)
    return [*kept, last]


def keyboard(rows: Keyboard) -> InlineKeyboardMarkup:
    """Inline keyboard from (label, payload) rows; payloads are packed typed callback data
    (each at most 64 bytes: `CallbackData.pack` checks), at most 100 buttons."""
    rows = fit_rows(rows)
    return InlineKeyboardMarkup([[_button(label, data) for label, data in row] for row in rows])


def _button(label: str, data: CallbackData | str | WebAppLink) -> InlineKeyboardButton:
    if isinstance(data, WebAppLink):
        return InlineKeyboardButton(label, web_app=WebAppInfo(data.url))
    return InlineKeyboardButton(
        label, callback_data=data.pack() if isinstance(data, CallbackData) else data
    )


async def say(
    update: Update,
    text: str,
    rows: Keyboard | None = None,
    *,
    edit: bool = False,
) -> Message | None:
    """Answer the user: edit the pressed button's message when `edit`, else send a new one.

    A text over Telegram's 4,096 characters goes as several messages, split between lines
    (then words), the keyboard under the last; a 5xx or a network error is retried."""
    markup = keyboard(rows) if rows else None
    parts = split_text(text)
    last: Message | None = None
    for n, part in enumerate(parts):
        part_markup = markup if n == len(parts) - 1 else None
        last = await _say_one(update, part, part_markup, edit=edit and n == 0)
    return last


async def _say_one(
    update: Update, text: str, markup: InlineKeyboardMarkup | None, *, edit: bool
) -> Message | None:
    query = update.callback_query
    if edit and query is not None and isinstance(query.message, Message):
        message = query.message
        try:
            result = await with_retries(
                "editing a reply", lambda: message.edit_text(text, reply_markup=markup)
            )
            return result if isinstance(result, Message) else None
        except BadRequest as error:
            if "not modified" in str(error).lower():
                return None  # the same content again: nothing to do
            log.info("could not edit message: %s", error)
    chat = update.effective_chat
    if chat is None:
        return None
    return await with_retries(
        f"a reply to update {update.update_id}",
        lambda: chat.send_message(text, reply_markup=markup, link_preview_options=None),
    )


async def edit_pressed(
    update: Update, context: Ctx, text: str, rows: Keyboard | None = None
) -> None:
    """Show `text` in the pressed button's message without waiting for it: the edit waits for
    the Telegram budget in a task of its own (`handlers.kit.edits`), so the update's slot is
    free at once, and a newer state of the same message replaces one not yet sent. Answer the
    press first (`answer`, with the toast the user needs). Not a button press, or a text over
    one message: `say` as usual."""
    query = update.callback_query
    message = query.message if query is not None else None
    if not isinstance(message, Message) or len(split_text(text)) > 1:
        await say(update, text, rows, edit=True)
        return
    context.bot_data.edits.submit(message, text, keyboard(rows) if rows else None)


async def say_lines(update: Update, lines: Sequence[str], *, edit: bool = False) -> None:
    """`say` for a text that may exceed one message: split between lines, in order."""
    for n, chunk in enumerate(pack_lines(lines)):
        await say(update, "\n".join(chunk), edit=edit and n == 0)


MAX_ALERT = 200
"""A button answer's text (an alert), in characters."""


async def answer(update: Update, text: str | None = None, *, alert: bool = False) -> None:
    """Answer a button press (stops the client's spinner); harmless when it is too late."""
    query = update.callback_query
    if query is None:
        return
    if text is not None and text_length(text) > MAX_ALERT:
        text = split_text(text, MAX_ALERT - 1)[0] + "…"  # Telegram refuses a longer one
    try:
        await with_retries("answering a button", lambda: query.answer(text, show_alert=alert))
    except BadRequest as error:
        log.debug("callback answer failed: %s", error)


async def refuse_stale(update: Update) -> None:
    """The polite refusal for a forged, stale or foreign button."""
    await answer(update, _("This is no longer available."), alert=True)


async def send_to(context: Ctx, user: User, text: str, rows: Keyboard | None = None) -> bool:
    """Message another user in their own language; False when they cannot be reached (then
    marked unreachable: blocked, or never opened the bot)."""
    markup = keyboard(rows) if rows else None
    return await send_to_user(context.bot, context.session, user, [text], markup)


def escape(text: str) -> str:
    return html.escape(text)
