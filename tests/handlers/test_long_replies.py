"""Replies longer than Telegram's limits are split between lines and words, never cut."""

from __future__ import annotations

import logging

import pytest

from bot.domain.message_limits import MAX_TEXT, text_length
from handlers.kit import replies
from storage import school as school_store
from storage.models import SchoolClass
from tests.handlers.onboarding_kit import admin_school, rows, text
from tests.harness import Harness

LONG_NAMES = [f"Alexandrina-Konstantinovna Wolkenstein-Oberhausen {n:03d}" for n in range(300)]


async def test_a_class_list_over_4096_characters_is_split_and_opens(bot: Harness) -> None:
    admin, school = await admin_school(bot)
    await bot.send(admin, "/classes")
    await bot.tap(admin, "Add one class")
    await bot.send(admin, "5 5E")
    await bot.tap(admin, "✅ Add")
    (klass,) = await rows(bot, SchoolClass, SchoolClass.school_id == school.id)
    async with bot.session() as session:
        await school_store.add_to_roster(session, klass.id, LONG_NAMES)
        await session.commit()
    before = len(admin.messages)
    await bot.tap(admin, "Class lists")
    reply = await bot.tap(admin, "5E")  # the class whose list grew past 4,096 characters
    assert bot.errors == []
    parts = admin.messages[before - 1 :]
    texts = [text(m) for m in parts if "Alexandrina" in text(m)]
    assert len(texts) >= 3
    assert all(text_length(t) <= MAX_TEXT for t in texts)
    shown = " ".join(texts)
    for name in LONG_NAMES:
        assert name in shown  # every name whole: split between names, never inside one
    assert "Paste the children's names" in text(reply)  # the question comes last

    # A reply over the limit to typed text (a refusal repeats the list): split too.
    before = len(admin.messages)
    many = [f"Kid {chr(65 + n // 26)}{chr(97 + n % 26)}" for n in range(101)]
    await bot.send(admin, "\n".join(many))  # over 100 at a time
    new = [text(m) for m in admin.messages[before:]]
    assert len(new) >= 3 and all(text_length(t) <= MAX_TEXT for t in new)
    assert "That is more than 100 names" in new[0]


async def test_a_reply_is_retried_after_502s(
    bot: Harness, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(replies, "RETRY_DELAYS", (0.01, 0.01, 0.01))
    bob = bot.user(612, "Bob")
    bot.api.fail_next("sendMessage", status=502, times=2, description="Bad Gateway")
    await bot.send(bob, "/help")
    assert len(bob.messages) == 1  # the third try went through
    assert [c.status for c in bot.api.calls_to("sendMessage")][-3:] == [502, 502, 200]
    assert bot.errors == []
    # Past the retries: one clear WARNING line, no traceback, no error to handle.
    bot.api.fail_next("sendMessage", status=502, times=4, description="Bad Gateway")
    before = len(bob.messages)
    with caplog.at_level(logging.WARNING):
        bob.send("/help")
        await bot.deliver()
    assert len(bob.messages) == before
    warnings = [r for r in caplog.records if "failed after 4 tries" in r.getMessage()]
    assert len(warnings) == 1 and warnings[0].exc_info is None
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
