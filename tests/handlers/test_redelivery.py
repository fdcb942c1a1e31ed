"""Exactly once across processes: an update Telegram delivers twice, to two processes at once
or one after the other, has its effects once and is answered once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update
from telegram.ext import TypeHandler

from bot.domain.policy import ComplaintCategory
from storage import complaints as store
from storage import updates
from storage.db import SessionMaker
from storage.models import Complaint, ProcessedUpdate
from tests.factories import make_school, make_user
from tests.handlers.test_complaints import HANDLER, PARENT, parent, seed
from tests.harness import Harness, running_bot


async def both_handle(harnesses: tuple[Harness, Harness], payload: dict[str, Any]) -> None:
    """Both processes take the same update; both pass the gate before either goes on."""
    past_gate = asyncio.Barrier(2)

    async def wait_for_the_other(update: object, context: object) -> None:
        await past_gate.wait()

    async def handle(harness: Harness) -> None:
        harness.app.add_handler(TypeHandler(Update, wait_for_the_other), group=-5)
        update = Update.de_json(payload, harness.app.bot)
        await harness.app.update_processor.process_update(
            update, harness.app.process_update(update)
        )

    await asyncio.gather(*(handle(harness) for harness in harnesses))


def texts(harness: Harness) -> list[str]:
    return [m.text or "" for chat in harness.api.messages.values() for m in chat]


async def test_doubled_complaint_on_two_processes_files_one(sessionmaker: SessionMaker) -> None:
    async with running_bot(sessionmaker) as first, running_bot(sessionmaker) as second:
        await seed(first)
        mei = parent(first)
        parent(second)
        second.user(HANDLER, "Staff")
        await first.send(mei, "/complain")
        await first.tap(mei, "Total load too high")
        await first.send(mei, "Three hours of worksheets every night this week.")
        await first.tap(mei, "Continue")
        await first.tap(mei, "Anonymous")
        update_id = mei.tap("Send")
        payload = next(u for u in first.api.pending_updates if u["update_id"] == update_id)
        first.api.take_updates()
        told_before = len(first.user(HANDLER).messages)

        await both_handle((first, second), payload)

        assert first.errors == [] and second.errors == []
        async with sessionmaker() as session:
            count = await session.scalar(
                select(func.count())
                .select_from(Complaint)
                .where(Complaint.complainant_id == PARENT)
            )
            assert count == 1
            assert await session.get(ProcessedUpdate, update_id) is not None
        # One confirmation, one notice to the school, and nothing else from either process.
        confirmations = [t for h in (first, second) for t in texts(h) if "Ticket number" in t]
        assert len(confirmations) == 1
        told = len(first.user(HANDLER).messages) - told_before
        told += len(second.user(HANDLER).messages)
        assert told == 1
        for harness in (first, second):
            assert not any("something went wrong" in t for t in texts(harness))
            presser = harness.user(PARENT, "Meiling")
            alerts = [a for a in presser.answered_callbacks if a.show_alert]
            assert alerts == [], alerts


async def test_read_only_answer_is_not_repeated_on_redelivery(bot: Harness) -> None:
    bob = bot.user(611, "Bob")
    update_id = bob.send("/help")
    payload = next(u for u in bot.api.pending_updates if u["update_id"] == update_id)
    await bot.deliver()
    answers = len(bob.messages)
    assert answers >= 1
    await bot.replay(payload)
    assert len(bob.messages) == answers


async def test_savepoint_release_does_not_write_the_marker(sessionmaker: SessionMaker) -> None:
    """SQLAlchemy fires `before_commit` when a savepoint is released too: the marker must
    wait for the update's own commit (else a swallowed IntegrityError inside the savepoint
    loses it, and a second process commits the same effects again)."""
    async with sessionmaker() as session:
        updates.mark_on_commit(session, 991)
        async with session.begin_nested():
            pass
        assert session.info.get(updates.PENDING) == 991
        await session.commit()
        assert updates.PENDING not in session.info
        assert await updates.was_processed(session, 991)


async def test_one_dialog_files_one_complaint(sessionmaker: SessionMaker) -> None:
    """The dialog's token is the complaint's natural key: a second filing from the same
    dialog, in another session, is refused."""
    now = datetime(2026, 11, 19, tzinfo=UTC)
    async with sessionmaker() as session:
        setup = await make_school(session)
        await make_user(session, PARENT, "Meiling")
        await session.commit()
        school_id = setup.school.id

    async def create(session: AsyncSession) -> Complaint:
        return await store.create_complaint(
            session,
            school_id=school_id,
            class_id=None,
            complainant_id=PARENT,
            anonymous=True,
            category=ComplaintCategory.OTHER,
            text="t",
            photos=[],
            now=now,
            deadline_at=now + timedelta(days=3),
            remind_at=None,
            dialog_token="tok-1",
        )

    async with sessionmaker() as one, sessionmaker() as two:
        await create(one)
        await one.commit()
        with pytest.raises(store.AlreadyFiled):
            await create(two)
