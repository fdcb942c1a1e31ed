"""Edits of a pressed button's message, sent after the update has ended.

A button press is answered (answerCallbackQuery, the toast) as soon as the decision is made;
the edit of the question that follows waits for the Telegram budget (the rate limiter), and it
must not hold one of the update slots while it waits: `Edits.submit` hands it to a task of its
own and returns at once. Edits of one message coalesce: while one is on its way, a newer state
of the same message replaces the one waiting, so only the latest state is sent.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import InlineKeyboardMarkup, Message
from telegram.error import BadRequest, TelegramError

log = logging.getLogger(__name__)

Key = tuple[int, int]
"""(chat id, message id)."""


class Edits:
    """The background edits of this process, one task per message being edited."""

    def __init__(self) -> None:
        self._latest: dict[Key, tuple[Message, str, InlineKeyboardMarkup | None]] = {}
        self._tasks: dict[Key, asyncio.Task[None]] = {}
        self.sent = 0
        self.coalesced = 0

    def submit(self, message: Message, text: str, markup: InlineKeyboardMarkup | None) -> None:
        """Show `text` (and `markup`) in `message` soon; a state not yet sent is replaced."""
        key = (message.chat_id, message.message_id)
        if key in self._latest:
            self.coalesced += 1
        self._latest[key] = (message, text, markup)
        if key not in self._tasks:
            self._tasks[key] = asyncio.get_running_loop().create_task(self._run(key))

    def pending(self) -> int:
        return len(self._tasks)

    async def drain(self) -> None:
        """Wait until every submitted edit went out (tests; the application's stop)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks.values()), return_exceptions=True)

    async def _run(self, key: Key) -> None:
        try:
            while (item := self._latest.pop(key, None)) is not None:
                await self._edit(*item)
        finally:
            self._tasks.pop(key, None)

    async def _edit(self, message: Message, text: str, markup: InlineKeyboardMarkup | None) -> None:
        try:
            await message.edit_text(text, reply_markup=markup)
            self.sent += 1
        except BadRequest as error:
            if "not modified" in str(error).lower():
                return
            log.info("could not edit message: %s; sending it anew", error)
            await self._send_anew(message, text, markup)
        except TelegramError as error:  # network errors: the rate limiter retried 429s
            log.warning("an edit of message %s failed: %s", message.message_id, error)

    async def _send_anew(
        self, message: Message, text: str, markup: InlineKeyboardMarkup | None
    ) -> None:
        try:
            await message.get_bot().send_message(message.chat_id, text, reply_markup=markup)
        except TelegramError as error:
            log.warning("a reply to chat %s failed: %s", message.chat_id, error)
