"""What parents receive, end to end (issue 10): `python bot.py`, its scheduler and the fake Bot
API. A teacher records a piece as a photo with a caption -> at the notice time a parent gets
the teacher's photo (the same Telegram file id) and then the 作业公示 with the piece's full text
and the line that homework is set in class -> after the notice the teacher records two more
pieces within a minute -> the parent gets one update with both texts, once.

The bot runs with a short scheduler lease (SCHEDULER_LEASE_SECONDS=8: it ticks every 2 s) and
a short quiet period for late changes (UPDATE_QUIET_SECONDS=12, deployment settings); the
notice time is set to the current minute of the school's day.
"""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from bot.domain.load import HomeworkKind
from bot.domain.roles import Role
from bot.i18n import format_day, format_minutes
from handlers.homework.payloads import (
    HomeworkAction,
    HomeworkActionButton,
    HomeworkPickButton,
    HomeworkStep,
)
from handlers.kit.labels import kind_label
from storage.db import SessionMaker
from storage.models import Notification
from tests.e2e.conftest import BotProcess
from tests.e2e.helpers import has_button, send, t, t_re, tap
from tests.e2e.stories import (
    ASK_TEXT,
    EN,
    ZH,
    add_child,
    add_person,
    post_homework,
    render,
    seed_school,
    this_minute,
    until,
    update_school,
)
from tests.fakebot import FakeBotAPI, FakeUser, SentMessage

pytestmark = pytest.mark.e2e

TEACHER, MUM, DAD = 4401, 4402, 4403
MATHS = "数学"
PHOTO_TASK = "见图：练习册第6页，第1至5题"
NOTICE = "Homework for {child} ({class_name}), {day}:"
UPDATE = "Homework update for {child} ({class_name}), {day}:"
SET_IN_CLASS = "Homework is set in class; this is the record."
QUIET = 12
WAIT = 40.0


def updates(user: FakeUser, start: str) -> list[SentMessage]:
    return [m for m in user.messages if (m.text or "").startswith(start)]


async def update_keys(db: SessionMaker) -> list[str]:
    async with db() as s:
        rows = await s.scalars(select(Notification.key).where(Notification.kind == "update"))
        return list(rows)


async def test_photo_piece_then_two_late_changes_as_one_update(
    bot_process: BotProcess, api: FakeBotAPI, db: SessionMaker
) -> None:
    seeded = await seed_school(db, name="育英小学", classes=[(4, "4A")], subjects=[MATHS])
    await add_person(db, seeded, TEACHER, "李静", "zh-hans", Role.TEACHER, teaches=[("4A", MATHS)])
    await add_person(db, seeded, MUM, "王妈妈", "zh-hans")
    await add_person(db, seeded, DAD, "Tom's dad", "en")
    await add_child(db, seeded, "王小明", "4A", [MUM, DAD])
    teacher = api.user(TEACHER, "李静", language_code="zh-hans")
    mum = api.user(MUM, "王妈妈", language_code="zh-hans")
    dad = api.user(DAD, "Tom's dad", language_code="en")
    today, zone = seeded.today, seeded.zone
    bot = bot_process
    bot.env["SCHEDULER_LEASE_SECONDS"] = "8"
    bot.env["UPDATE_QUIET_SECONDS"] = str(QUIET)
    await bot.start()

    # ---- the teacher records a piece as a photo with its caption, then the minutes
    await send(teacher, "/assign", t_re(ZH, ASK_TEXT))
    mark = teacher.mark()
    teacher.send_photo("teacher-photo-1", caption=PHOTO_TASK)
    await teacher.wait_for(has_button(HomeworkPickButton, step=HomeworkStep.MINUTES), after=mark)
    await tap(
        teacher,
        HomeworkPickButton,
        has_button(HomeworkActionButton, action=HomeworkAction.POST),
        step=HomeworkStep.MINUTES,
        value=20,
    )
    await tap(teacher, HomeworkActionButton, t(ZH, "Posted."), action=HomeworkAction.POST)

    # ---- at the notice time each parent gets the photo, then the notice in full
    await update_school(db, seeded.school_id, notice_time=this_minute(zone))
    for user, locale in ((mum, ZH), (dad, EN)):
        day = render(locale, format_day, today)
        title = t(locale, NOTICE, child="王小明", class_name="4A", day=day)
        notice = await user.wait_for(title, timeout=WAIT)
        photo, text = user.messages[0], notice.text or ""
        assert photo.photo == "teacher-photo-1"  # the teacher's own Telegram file id
        assert photo.seq < notice.seq
        line = t(
            locale,
            "• {subject} ({kind}): {minutes}",
            subject=MATHS,
            kind=render(locale, kind_label, HomeworkKind.WRITTEN),
            minutes=render(locale, format_minutes, 20),
        )
        assert photo.text == f"{line}\n  {PHOTO_TASK}"
        assert f"{line}\n  {PHOTO_TASK}" in text
        assert text.endswith(t(locale, SET_IN_CLASS))
    mum_notice = mum.messages[-1].text or ""
    assert mum_notice.startswith("作业公示：4A ") and mum_notice.endswith(
        "以上作业均在课堂上布置，此处仅作公示。"
    )

    # ---- two more pieces within a minute, after the notice: one update with both texts
    for text, minutes in (("口算练习第3页", 10), ("背诵乘法口诀", 15)):
        await post_homework(teacher, ZH, today, text=text, mins=minutes)
    for user, locale in ((mum, ZH), (dad, EN)):
        day = render(locale, format_day, today)
        start = t(locale, UPDATE, child="王小明", class_name="4A", day=day)
        update = await user.wait_for(start, timeout=WAIT)
        lines = (update.text or "").splitlines()
        assert "  口算练习第3页" in lines and "  背诵乘法口诀" in lines
        new = [line for line in lines if line.startswith(t(locale, "New: {what}.", what="")[:3])]
        assert len(new) == 2, lines
    await until(lambda: update_keys(db), "the update recorded", within=WAIT)
    await asyncio.sleep(QUIET / 2 + 4)  # a few more ticks: nothing more is sent
    for user, locale in ((mum, ZH), (dad, EN)):
        day = render(locale, format_day, today)
        start = t(locale, UPDATE, child="王小明", class_name="4A", day=day)
        assert len(updates(user, start)) == 1, user.describe()
    assert len(await update_keys(db)) == 2  # one per parent
