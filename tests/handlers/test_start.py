"""/start, /help, /me, /language, /cancel through the real Application."""

from __future__ import annotations

from sqlalchemy import select

from storage.db import SessionMaker
from storage.models import ProcessedUpdate, User
from tests.harness import Harness, running_bot


async def test_start_without_code_explains_and_stores_user(bot: Harness) -> None:
    alice = bot.user(501, "Alice", language_code="en")
    reply = await bot.send(alice, "/start")
    assert reply is not None
    assert "invite link" in (reply.text or "")
    async with bot.session() as session:
        user = await session.get(User, 501)
        assert user is not None
        assert user.first_name == "Alice"
        assert user.language_code == "en"


async def test_start_in_chinese_and_russian(bot: Harness) -> None:
    li = bot.user(502, "丽", language_code="zh-hans")
    reply = await bot.send(li, "/start")
    assert reply is not None
    assert "邀请链接" in (reply.text or "")
    olga = bot.user(503, "Ольга", language_code="ru")
    reply = await bot.send(olga, "/start")
    assert reply is not None
    assert "ссылк" in (reply.text or "")


async def test_unknown_code_is_refused_politely(bot: Harness) -> None:
    bob = bot.user(504, "Bob")
    reply = await bot.send(bob, "/start notarealcode123")
    assert reply is not None
    assert "not valid" in (reply.text or "")


async def test_language_switch_is_stored_and_used(bot: Harness) -> None:
    bob = bot.user(505, "Bob", language_code="en")
    await bot.send(bob, "/language")
    reply = await bot.tap(bob, "Русский")
    assert "Русский" in (reply.text or "")
    help_reply = await bot.send(bob, "/help")
    assert help_reply is not None
    assert "Вы ещё не присоединились" in (help_reply.text or "")
    async with bot.session() as session:
        assert (await session.scalar(select(User.locale).where(User.id == 505))) == "ru"


async def test_forged_button_is_refused(bot: Harness) -> None:
    eve = bot.user(506, "Eve")
    await bot.send(eve, "/language")
    eve.tap_raw("lang:xx_XX", eve.last.message_id)
    eve.tap_raw("nonsense-payload", eve.last.message_id)
    await bot.deliver()
    answers = eve.answered_callbacks
    assert len(answers) == 2
    assert all("no longer available" in (a.text or "") for a in answers)


async def test_cancel_without_dialog(bot: Harness) -> None:
    bob = bot.user(507, "Bob")
    reply = await bot.send(bob, "/cancel")
    assert reply is not None
    assert "nothing to cancel" in (reply.text or "")


async def test_redelivered_update_changes_nothing_twice(bot: Harness) -> None:
    bob = bot.user(508, "Bob")
    await bot.send(bob, "/language")
    update_id = bob.tap("English")
    payload = next(u for u in bot.api.pending_updates if u["update_id"] == update_id)
    await bot.deliver()
    edits, answers = bob.last.edits, len(bob.answered_callbacks)
    await bot.replay(payload)
    assert bob.last.edits == edits
    assert len(bob.answered_callbacks) == answers


async def test_same_update_in_two_processes_at_once_is_quiet(sessionmaker: SessionMaker) -> None:
    """A redelivery handled by two processes at the same moment: one commits, the other's
    work is rolled back without an error message to the user."""
    import asyncio

    from telegram import Update
    from telegram.ext import TypeHandler

    async with running_bot(sessionmaker) as first, running_bot(sessionmaker) as second:
        bob = first.user(509, "Bob")
        second.user(509, "Bob")  # the same Telegram user, as the second process's API sees it
        await first.send(bob, "/start")
        update_id = bob.send("/cancel")  # commits (an empty dialog end), so it records the id
        payload = next(u for u in first.api.pending_updates if u["update_id"] == update_id)
        first.api.take_updates()
        # Both processes pass the gate (nothing recorded yet) before either goes on.
        both_past_gate = asyncio.Barrier(2)

        async def wait_for_the_other(update: object, context: object) -> None:
            await both_past_gate.wait()

        async def handle(harness: Harness) -> None:
            harness.app.add_handler(TypeHandler(Update, wait_for_the_other), group=-5)
            update = Update.de_json(payload, harness.app.bot)
            await harness.app.update_processor.process_update(
                update, harness.app.process_update(update)
            )

        await asyncio.gather(handle(first), handle(second))
        errors = first.errors + second.errors
        assert len(errors) == 1, errors  # both passed the gate before either committed
        assert "processed_updates" in str(errors[0])
        for harness in (first, second):
            texts = [m.text or "" for chat in harness.api.messages.values() for m in chat]
            assert not any("something went wrong" in text for text in texts), texts
    async with sessionmaker() as session:
        assert await session.get(ProcessedUpdate, update_id) is not None
