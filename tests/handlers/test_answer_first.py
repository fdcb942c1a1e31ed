"""A button press is answered (the toast) before the question is edited; the edit waits for the
budget in a task of its own, and edits of one message coalesce (issue 17)."""

from __future__ import annotations

import asyncio
from typing import cast

from telegram import InlineKeyboardMarkup, Message

from handlers.kit.edits import Edits
from handlers.scheduler.tick import tick
from tests.handlers.scheduler_kit import LENA_MUM, build, local
from tests.harness import Harness


async def test_the_press_is_answered_with_the_toast_before_the_edit(bot: Harness) -> None:
    await build(bot)
    bot.clock.now = local(20, 35)
    await tick(bot.app)
    mum = bot.user(LENA_MUM)
    start = len(bot.api.calls)
    reply = await bot.tap(mum, "As estimated (50 min)")
    assert "Saved for Lena" in (reply.text or "")
    assert [a.text for a in mum.answered_callbacks] == ["Saved: 50 min"]
    methods = [c.method for c in bot.api.calls[start:]]
    assert methods.index("answerCallbackQuery") < methods.index("editMessageText")


class SlowMessage:
    """Stands in for a message whose edits wait for the budget until `go` is set."""

    def __init__(self, message_id: int) -> None:
        self.chat_id = 7
        self.message_id = message_id
        self.go = asyncio.Event()
        self.shown: list[str] = []

    async def edit_text(self, text: str, reply_markup: InlineKeyboardMarkup | None) -> None:
        await self.go.wait()
        self.shown.append(text)


async def test_edits_of_one_message_coalesce_and_never_block_the_caller() -> None:
    edits = Edits()
    first, other = SlowMessage(1), SlowMessage(2)
    edits.submit(cast(Message, first), "one", None)  # returns at once: nothing awaited
    await asyncio.sleep(0)  # "one" is on its way, waiting for the budget
    for text in ("two", "three"):
        edits.submit(cast(Message, first), text, None)
    edits.submit(cast(Message, other), "alone", None)
    assert edits.pending() == 2
    first.go.set()
    other.go.set()
    await edits.drain()
    # "one" was on its way; "two" was replaced by "three" before it went out.
    assert first.shown == ["one", "three"]
    assert other.shown == ["alone"]
    assert (edits.sent, edits.coalesced, edits.pending()) == (3, 1, 0)
