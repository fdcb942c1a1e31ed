"""Replies, keyboards, callback answers and messages to other users."""

from __future__ import annotations

import html
import logging
from collections.abc import Sequence

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)
from telegram.error import BadRequest

from bot.i18n import _
from handlers.kit.callbacks import CallbackData
from handlers.kit.context import Ctx
from handlers.kit.sending import send_to_user
from storage.models import User

log = logging.getLogger(__name__)

Keyboard = Sequence[Sequence[tuple[str, CallbackData | str]]]
Button = tuple[str, CallbackData | str]
Rows = list[list[Button]]  # a keyboard being built


def keyboard(rows: Keyboard) -> InlineKeyboardMarkup:
    """Inline keyboard from (label, payload) rows; payloads are packed typed callback data."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    label, callback_data=data.pack() if isinstance(data, CallbackData) else data
                )
                for label, data in row
            ]
            for row in rows
        ]
    )


async def say(
    update: Update,
    text: str,
    rows: Keyboard | None = None,
    *,
    edit: bool = False,
) -> Message | None:
    """Answer the user: edit the pressed button's message when `edit`, else send a new one."""
    markup = keyboard(rows) if rows else None
    query = update.callback_query
    if edit and query is not None and isinstance(query.message, Message):
        try:
            result = await query.message.edit_text(text, reply_markup=markup)
            return result if isinstance(result, Message) else None
        except BadRequest as error:
            if "not modified" in str(error).lower():
                return None  # the same content again: nothing to do
            log.info("could not edit message: %s", error)
    chat = update.effective_chat
    if chat is None:
        return None
    return await chat.send_message(text, reply_markup=markup, link_preview_options=None)


MAX_TEXT = 4096  # Telegram's limit for a message text, in UTF-16 code units


def text_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def pack_lines(lines: Sequence[str], limit: int = MAX_TEXT) -> list[list[str]]:
    """Consecutive lines grouped into messages of at most `limit` (an over-long line is cut)."""
    chunks: list[list[str]] = []
    size = 0
    for line in lines:
        if text_length(line) > limit:
            line = line[: limit // 2 - 1] + "…"
        if not chunks or size + 1 + text_length(line) > limit:
            chunks.append([line])
            size = text_length(line)
        else:
            chunks[-1].append(line)
            size += 1 + text_length(line)
    return chunks


async def say_lines(update: Update, lines: Sequence[str], *, edit: bool = False) -> None:
    """`say` for a text that may exceed one message: split between lines, in order."""
    for n, chunk in enumerate(pack_lines(lines)):
        await say(update, "\n".join(chunk), edit=edit and n == 0)


async def answer(update: Update, text: str | None = None, *, alert: bool = False) -> None:
    """Answer a button press (stops the client's spinner); harmless when it is too late."""
    query = update.callback_query
    if query is None:
        return
    try:
        await query.answer(text, show_alert=alert)
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
