"""The scheduler tick through the real Application: notices, evening questions, the daily
check's warnings, late changes, and Telegram's realities (403, 429, no duplicates)."""

from __future__ import annotations

import asyncio
from datetime import time, timedelta

from sqlalchemy import func, select

from bot.domain.reporting import ReportOutcome
from handlers.scheduler import outbox as delivery
from handlers.scheduler.tick import notify_homework_change, tick
from storage import reports
from storage.db import SessionMaker
from storage.models import JobRun, Notification, School, SchoolClass, Subject, User
from tests import world
from tests.fakebot import FakeBotAPI, FakeRequest
from tests.handlers.scheduler_kit import (
    ADMIN,
    LEADER,
    LENA_DAD,
    LENA_MUM,
    MAX_MUM,
    OTHER_MUM,
    TEACHER,
    TEACHER2,
    THU,
    Kit,
    build,
    local,
)
from tests.harness import Harness


def texts(bot: Harness, uid: int) -> list[str]:
    return [m.text or "" for m in bot.user(uid).messages]


async def test_notice_per_parent_per_child_once(bot: Harness) -> None:
    await build(bot)
    assert (await tick(bot.app, local(17, 29))).runs == []
    first = await tick(bot.app, local(17, 30))
    assert [r.job.value for r in first.runs] == ["notice"]
    for parent, child in ((LENA_MUM, "Lena"), (LENA_DAD, "Lena"), (MAX_MUM, "Max")):
        [notice] = texts(bot, parent)
        assert f"Homework for {child} (4A)" in notice
        assert "Maths (written): 30 min" in notice
        assert "Chinese (reading): 15 min" in notice
        assert "Written total 50 min (grades 3-6: at most 60 min" in notice
    assert texts(bot, OTHER_MUM) == []  # 4B had no homework: no message
    assert texts(bot, TEACHER) == []
    # A second tick (and a tick a minute later) sends nothing again.
    assert (await tick(bot.app, local(17, 30))).sent == 0
    assert (await tick(bot.app, local(17, 31))).sent == 0
    assert len(texts(bot, LENA_MUM)) == 1
    async with bot.session() as session:
        assert await session.scalar(select(func.count()).select_from(Notification)) == 3
        run = await session.scalar(select(JobRun))
        assert run is not None and run.finished_at is not None


async def test_bot_down_17_to_21_runs_notice_then_question_once(bot: Harness) -> None:
    await build(bot)
    report = await tick(bot.app, local(21, 0))
    assert [r.job.value for r in report.runs] == ["notice", "evening"]
    notice, question = bot.user(MAX_MUM).messages
    assert "Homework for Max" in (notice.text or "")
    assert "How long did Max's written homework take today" in (question.text or "")
    assert "As estimated (50 min)" in question.button_texts
    await tick(bot.app, local(21, 1))
    assert len(bot.user(MAX_MUM).messages) == 2


async def test_two_ticks_at_once_do_the_work_once(bot: Harness) -> None:
    await build(bot)
    a, b = await asyncio.gather(
        tick(bot.app, local(17, 30), holder="process-a"),
        tick(bot.app, local(17, 30), holder="process-b"),
    )
    assert sorted([a.leader, b.leader]) == [False, True]
    # The same process ticking twice concurrently: the run claim decides.
    c, d = await asyncio.gather(tick(bot.app, local(20, 30)), tick(bot.app, local(20, 30)))
    assert sorted(len(r.runs) for r in (c, d)) == [0, 1]
    assert len(texts(bot, LENA_MUM)) == 2  # one notice, one question


async def test_settings_changed_mid_day_take_effect_at_the_next_tick(bot: Harness) -> None:
    kit = await build(bot)
    assert (await tick(bot.app, local(16, 0))).runs == []
    async with bot.session() as session:
        school = await session.get(School, kit.school_id)
        assert school is not None
        school.notice_time = time(15, 30)
        await session.commit()
    assert [r.job.value for r in (await tick(bot.app, local(16, 1))).runs] == ["notice"]
    assert len(texts(bot, LENA_MUM)) == 1


async def test_holiday_without_homework_sends_nothing(bot: Harness) -> None:
    """A holiday runs no daily job unless some class has homework on it (issue 10: the
    homework is on Thursday, the holiday is Friday)."""
    kit = await build(bot)
    fri = THU + timedelta(days=1)
    async with bot.session() as session:
        school = await session.get(School, kit.school_id)
        assert school is not None
        await world.calendar_day(session, school, fri, "holiday")
        await session.commit()
    assert (await tick(bot.app, local(22, 0, fri))).runs == []
    assert texts(bot, LENA_MUM) == []


async def answer_reports(bot: Harness, kit: Kit, minutes: list[int]) -> None:
    """Reports for Lena, Max and more children of 4A (the first two get the first values)."""
    async with bot.session() as session:
        a = await session.get(SchoolClass, kit.class_id)
        assert a is not None
        kids = [kit.lena, kit.max]
        for i in range(len(minutes) - 2):
            kids.append((await world.child(session, a, f"Kid {i}", [])).id)
        for kid, m in zip(kids, minutes, strict=True):
            await reports.save_report(
                session,
                child_id=kid,
                day=THU,
                minutes=m,
                outcome=ReportOutcome.DONE,
                reporter_id=LENA_MUM,
                now=local(20, 40),
            )
        await session.commit()


async def test_daily_check_warns_teachers_leader_and_admin(bot: Harness) -> None:
    kit = await build(bot)
    await answer_reports(bot, kit, [70, 80, 90, 40])
    report = await tick(bot.app, local(21, 30))
    assert [r.job.value for r in report.runs] == ["notice", "evening", "reminder", "check"]
    [maths_warning] = [t for t in texts(bot, TEACHER) if "over the limit" in t]
    assert "4A" in maths_warning
    assert "Your share: Maths 30 min." in maths_warning
    assert "grades 3-6: at most 60 min" in maths_warning
    assert "Parents' median 75 min from 4 reports" in maths_warning
    assert "3 of 4 reports over the limit." in maths_warning
    [chinese_warning] = texts(bot, TEACHER2)
    assert "Your share: Chinese 20 min." in chinese_warning  # reading does not count
    [leader] = texts(bot, LEADER)
    assert "grade 4" in leader and "1 class over the limit" in leader and "4A" in leader
    [admin] = texts(bot, ADMIN)
    assert "No. 1 School" in admin and "1 of 1 class with homework over the limit" in admin
    # No child's name or single report anywhere in staff messages.
    for staff in (TEACHER, TEACHER2, LEADER, ADMIN):
        assert not any("Lena" in t or "Max" in t for t in texts(bot, staff))
    await tick(bot.app, local(21, 31))
    assert len(texts(bot, ADMIN)) == 1


async def test_nothing_over_no_warning_unless_all_clear(bot: Harness) -> None:
    kit = await build(bot)
    await answer_reports(bot, kit, [40, 50])  # two reports: no figures
    await tick(bot.app, local(21, 30))
    for staff in (TEACHER, TEACHER2, LEADER, ADMIN):
        assert texts(bot, staff) == []


async def test_all_clear_when_the_school_opted_in(bot: Harness) -> None:
    await build(bot, all_clear=True)
    await tick(bot.app, local(21, 30))
    [admin] = texts(bot, ADMIN)
    assert "all clear" in admin
    assert texts(bot, TEACHER) == [] and texts(bot, LEADER) == []


async def test_blocked_parent_marked_unreachable_and_skipped(bot: Harness) -> None:
    await build(bot)
    bot.api.block(LENA_DAD)
    await tick(bot.app, local(17, 30))
    assert texts(bot, LENA_DAD) == []
    assert len(texts(bot, LENA_MUM)) == 1
    async with bot.session() as session:
        dad = await session.get(User, LENA_DAD)
        assert dad is not None and dad.reachable is False
    calls = len(bot.api.calls_to("sendMessage"))
    await tick(bot.app, local(20, 30))
    # The evening question went to the others; no call at all was made to the blocked parent.
    new = bot.api.calls_to("sendMessage")[calls:]
    assert {c.params["chat_id"] for c in new} == {LENA_MUM, MAX_MUM}
    # Writing to the bot again makes the parent reachable.
    bot.api.unblock(LENA_DAD)
    await bot.send(bot.user(LENA_DAD), "/help")
    async with bot.session() as session:
        dad = await session.get(User, LENA_DAD)
        assert dad is not None and dad.reachable is True


async def test_flood_limit_is_retried_and_nothing_lost(bot: Harness) -> None:
    await build(bot)
    bot.api.fail_next("sendMessage", status=429, retry_after=1, times=1)
    await tick(bot.app, local(17, 30))
    for parent in (LENA_MUM, LENA_DAD, MAX_MUM):
        assert len(texts(bot, parent)) == 1
    assert any(c.status == 429 for c in bot.api.calls_to("sendMessage"))


async def test_final_retry_after_is_waited_out_by_the_sender(sessionmaker: SessionMaker) -> None:
    """Without the rate limiter's retries (or after them), a 429 is sent again later."""
    from bot.app.factory import build_application
    from tests.harness import Clock, test_settings

    api = FakeBotAPI()
    for uid in (1, 2, 3):
        api.user(uid)
    async with sessionmaker() as session:
        for uid in (1, 2, 3):
            await world.user(session, uid)
        await session.commit()
    app = build_application(
        test_settings(), sessionmaker, request=FakeRequest(api), rate_limit=False, scheduler=False
    )
    api.fail_next("sendMessage", status=429, retry_after=1, times=1)
    messages = [delivery.Outgoing(f"t:{u}:x:d", u, "test", f"hello {u}") for u in (1, 2, 3)]
    async with app:
        report = await delivery.deliver(app.bot, sessionmaker, messages, Clock())
        again = await delivery.deliver(app.bot, sessionmaker, messages, Clock())
    assert report.sent == 3 and report.complete
    assert again.sent == 0 and again.duplicates == 3
    assert [len(api.user(u).messages) for u in (1, 2, 3)] == [1, 1, 1]


async def test_late_change_updates_parents_after_the_notice(bot: Harness) -> None:
    """Issue 10: the update is sent by the tick once the class-day's changes have settled
    (3 minutes without a change), with the piece's text."""
    kit = await build(bot)
    async with bot.session() as session:
        a = await session.get(SchoolClass, kit.class_id)
        maths = await session.get(Subject, kit.maths_id)
        assert a is not None and maths is not None
        early = await world.homework(session, a, maths, TEACHER, 10)
        await session.commit()
    assert await notify_homework_change(bot.app, early.id, "posted") == 0  # before the notice
    await tick(bot.app, local(17, 30))
    bot.clock.now = local(17, 40)
    async with bot.session() as session:
        a = await session.get(SchoolClass, kit.class_id)
        maths = await session.get(Subject, kit.maths_id)
        assert a is not None and maths is not None
        late = await world.homework(session, a, maths, TEACHER, 25, text="Workbook p. 12")
        await session.commit()
    assert await notify_homework_change(bot.app, late.id, "posted") == 1  # one class-day
    assert (await tick(bot.app, local(17, 42))).sent == 0  # not settled yet
    assert (await tick(bot.app, local(17, 43))).sent == 3
    update = texts(bot, LENA_MUM)[-1]
    assert "Homework update for Lena (4A)" in update
    assert "New: Maths (written, 25 min).\n  Workbook p. 12" in update
    assert "Written total 85 min, 25 min over (grades 3-6: at most 60 min" in update
    assert await notify_homework_change(bot.app, late.id, "posted") == 0  # never twice
    assert (await tick(bot.app, local(17, 50))).sent == 0
    assert texts(bot, OTHER_MUM) == []
