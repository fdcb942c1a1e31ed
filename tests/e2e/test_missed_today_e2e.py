"""A parent the school linked who never opened the bot, end to end (`python bot.py`, its
scheduler, the fake Bot API): the notice to them is refused ("Bad Request: chat not found"),
so they are marked unreachable and skipped; when they first write they get today's notice,
once, and the evening question comes to them as to everyone else.

As in the parents' loop, the school's job times are set to the current minute of its day and
the bot runs with a short scheduler lease (SCHEDULER_LEASE_SECONDS=8): it ticks every 2 s.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.domain.roles import Role
from bot.i18n import format_day
from handlers.parents.reports import EveningAnswer, EveningAnswerButton
from storage.db import SessionMaker
from storage.models import JobRun, Notification, User
from tests.e2e.conftest import BotProcess
from tests.e2e.helpers import has_button, t
from tests.e2e.stories import (
    ZH,
    add_child,
    add_person,
    post_homework,
    render,
    seed_school,
    sent_to,
    this_minute,
    until,
    update_school,
)
from tests.fakebot import FakeBotAPI, FakeUser

pytestmark = pytest.mark.e2e

TEACHER, KNOWN, NEWCOMER = 4301, 4302, 4303
MATHS = "数学"
NOTICE = "Homework for {child} ({class_name}), {day}:"
QUESTION = "How long did {child}'s written homework take today ({day})?"


def count(user: FakeUser, start: str) -> int:
    return len([m for m in user.messages if (m.text or "").startswith(start)])


async def statuses(db: SessionMaker, user_id: int) -> dict[str, str]:
    async with db() as s:
        rows = await s.execute(
            select(Notification.kind, Notification.status).where(
                Notification.recipient_id == user_id
            )
        )
        return {kind: status for kind, status in rows}


async def reachable(db: SessionMaker, user_id: int) -> bool:
    async with db() as s:
        user = await s.get(User, user_id)
        assert user is not None
        return user.reachable


async def test_a_parent_who_never_opened_the_bot_gets_todays_notice_when_they_write(
    bot_process: BotProcess, api: FakeBotAPI, db: SessionMaker
) -> None:
    seeded = await seed_school(db, name="育英小学", classes=[(4, "4A")], subjects=[MATHS])
    await add_person(db, seeded, TEACHER, "李静", "zh-hans", Role.TEACHER, teaches=[("4A", MATHS)])
    await add_person(db, seeded, KNOWN, "王妈妈", "zh-hans")
    await add_person(db, seeded, NEWCOMER, "张爸爸", "zh-hans")  # linked by the school...
    await add_child(db, seeded, "王小明", "4A", [KNOWN])
    await add_child(db, seeded, "张小红", "4A", [NEWCOMER])
    teacher = api.user(TEACHER, "李静", language_code="zh-hans")
    known = api.user(KNOWN, "王妈妈", language_code="zh-hans")
    newcomer = api.user(NEWCOMER, "张爸爸", language_code="zh-hans", started=False)  # ...only
    day = render(ZH, format_day, seeded.today)
    notice_for = {
        known: t(ZH, NOTICE, child="王小明", class_name="4A", day=day),
        newcomer: t(ZH, NOTICE, child="张小红", class_name="4A", day=day),
    }
    bot_process.env["SCHEDULER_LEASE_SECONDS"] = "8"
    await bot_process.start()
    await post_homework(teacher, ZH, seeded.today, text="练习册第5页", mins=30)

    # ---- the notice time: the known parent gets it; the newcomer's chat does not exist
    await update_school(db, seeded.school_id, notice_time=this_minute(seeded.zone))
    await known.wait_for(notice_for[known])
    await until(lambda: statuses(db, NEWCOMER), "the notice to the newcomer was tried", within=10.0)
    await until(lambda: unreachable_now(db, NEWCOMER), "the newcomer was marked unreachable")
    assert await statuses(db, NEWCOMER) == {"notice": "unreachable"}
    assert sent_to(api, NEWCOMER) == [400]  # Bad Request: chat not found
    assert newcomer.messages == []

    # ---- the newcomer writes for the first time: today's notice arrives, once
    mark = newcomer.mark()
    newcomer.send("/start")
    notice = await newcomer.wait_for(notice_for[newcomer], after=mark)
    assert notice.text is not None and "练习册第5页" in notice.text
    assert await reachable(db, NEWCOMER)
    mark = newcomer.mark()
    newcomer.send("/help")
    await newcomer.wait_for(lambda m: True, after=mark)
    await newcomer.wait_idle()
    assert count(newcomer, notice_for[newcomer]) == 1
    assert await statuses(db, NEWCOMER) == {"notice": "sent"}

    # ---- the evening question goes to both parents, once each
    await update_school(db, seeded.school_id, evening_time=this_minute(seeded.zone))
    for user in (known, newcomer):
        await user.wait_for(has_button(EveningAnswerButton, answer=EveningAnswer.ESTIMATE))
    await until(lambda: evening_finished(db), "the evening run finished")
    await newcomer.wait_idle()
    for user, child in ((known, "王小明"), (newcomer, "张小红")):
        assert count(user, t(ZH, QUESTION, child=child, day=day)) == 1, user.describe()
        assert count(user, notice_for[user]) == 1, user.describe()
    assert await statuses(db, NEWCOMER) == {"notice": "sent", "evening": "sent"}


async def evening_finished(db: SessionMaker) -> bool:
    async with db() as s:
        return (
            await s.scalar(select(JobRun.finished_at).where(JobRun.job == "evening"))
        ) is not None


async def unreachable_now(db: SessionMaker, user_id: int) -> bool:
    return not await reachable(db, user_id)
