"""A lean tap (issue 17): the evening's calendar and the class's homework come from the day
cache, emptied when homework changes; the duplicate check rides on the gate's user row; the
note is checked and saved in one statement."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event, select

from handlers.scheduler.tick import tick
from storage import daycache
from storage.models import DailyReport, SchoolClass, Subject
from tests import world
from tests.handlers.scheduler_kit import LENA_MUM, MAX_MUM, TEACHER, Kit, build, local
from tests.harness import Harness


@contextmanager
def statements(bot: Harness) -> Iterator[list[str]]:
    seen: list[str] = []
    engine = bot.sessionmaker.kw["bind"].sync_engine

    def on_execute(*args: Any) -> None:
        seen.append(" ".join(str(args[2]).split()))

    event.listen(engine, "before_cursor_execute", on_execute)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", on_execute)


async def evening(bot: Harness) -> Kit:
    kit = await build(bot)
    bot.clock.now = local(20, 35)
    await tick(bot.app)
    return kit


async def test_a_warm_tap_reads_neither_calendar_nor_homework(bot: Harness) -> None:
    await evening(bot)
    await bot.tap(bot.user(LENA_MUM), "As estimated (50 min)")  # warms the cache
    with statements(bot) as seen:
        reply = await bot.tap(bot.user(MAX_MUM), "As estimated (50 min)")
    assert "Saved for Max" in (reply.text or "")
    assert not [s for s in seen if "calendar_days" in s or "assignment_loads" in s]
    assert not [s for s in seen if s.startswith("SELECT processed_updates")]
    assert sum(s.startswith("INSERT INTO processed_updates") for s in seen) == 1
    # gate, open dialog, child, other answer, report + its event, dialog, marker, parents
    # (the kit stored another first name: the gate's profile refresh is not the tap's)
    tap = [s for s in seen if not s.startswith("UPDATE users")]
    assert len(tap) == 9, tap


async def test_homework_posted_after_a_tap_is_seen_by_the_next_one(bot: Harness) -> None:
    kit = await evening(bot)
    await bot.tap(bot.user(LENA_MUM), "As estimated (50 min)")
    async with bot.session() as session:
        a = await session.get(SchoolClass, kit.class_id)
        maths = await session.get(Subject, kit.maths_id)
        assert a is not None and maths is not None
        await world.homework(session, a, maths, TEACHER, 15)  # now 65
        await session.commit()
    reply = await bot.tap(bot.user(MAX_MUM), "As estimated (50 min)")
    assert "65 min" in (reply.text or "")
    async with bot.session() as session:
        report = await session.scalar(select(DailyReport).where(DailyReport.child_id == kit.max))
        assert report is not None and report.minutes == 65


async def test_a_redelivered_tap_is_skipped_without_a_check_of_its_own(bot: Harness) -> None:
    await evening(bot)
    mum = bot.user(LENA_MUM)
    mum.tap("As estimated (50 min)")
    [payload] = bot.api.take_updates()
    await bot.replay(payload)
    answers = len(mum.answered_callbacks)
    with statements(bot) as seen:
        await bot.replay(payload)
    assert len(mum.answered_callbacks) == answers  # nothing answered twice
    assert len(seen) == 1 and "processed_updates" in seen[0] and "users" in seen[0]


async def test_the_note_is_checked_and_saved_in_one_statement(bot: Harness) -> None:
    kit = await evening(bot)
    mum = bot.user(LENA_MUM)
    await bot.tap(mum, "As estimated (50 min)")
    with statements(bot) as seen:
        reply = await bot.send(mum, "Tired, maths was hard")
    assert reply.text == "Note saved. Thank you!"
    notes = [s for s in seen if "daily_reports" in s or "parent_links" in s]
    assert len(notes) == 1 and notes[0].startswith("UPDATE daily_reports")
    async with bot.session() as session:
        report = await session.scalar(select(DailyReport).where(DailyReport.child_id == kit.lena))
        assert report is not None and report.note == "Tired, maths was hard"


async def test_cache_entries_expire(monkeypatch: pytest.MonkeyPatch, bot: Harness) -> None:
    loads: list[int] = []

    async def load() -> int:
        loads.append(1)
        return len(loads)

    clock = [1000.0]
    monkeypatch.setattr(daycache.time, "monotonic", lambda: clock[0])
    async with bot.session() as session:
        assert await daycache.cached(session, "k", load) == 1
        assert await daycache.cached(session, "k", load) == 1
        clock[0] += daycache.TTL + 1
        assert await daycache.cached(session, "k", load) == 2
