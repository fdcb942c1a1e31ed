"""Issue 14: representative Chinese flows, checked through what the fake Bot API received.

The autouse fixture in tests/conftest.py applies the same checks to every test; this module
makes sure those checks see real Chinese messages (a hook that records nothing would pass
everything) and pins the words the issue names: the total and what is over without the cap
repeated, the rule once without nesting, lists joined with 、/和, 登记 for the teacher, short
mode buttons with the explanation in the message."""

from __future__ import annotations

from datetime import date

from bot.domain.roles import Role
from handlers.homework.payloads import HomeworkAction, HomeworkActionButton
from tests.factories import make_school, make_staff
from tests.fakebot.transcript import TRANSCRIPT
from tests.handlers.test_homework_flow import OTHER, SOLO, add_piece, press, seed, teacher
from tests.harness import Harness
from tests.wording import (
    button_problems,
    forbidden_in_chinese,
    is_chinese,
    punctuation_problems,
    unquoted,
)

TODAY = date(2026, 11, 19)
ADMIN = 3101


def chinese_messages() -> list[str]:
    return [
        r.text
        for r in unquoted(TRANSCRIPT.rendered, TRANSCRIPT.typed)
        if r.kind == "message" and is_chinese(r)
    ]


def assert_house_style() -> None:
    assert punctuation_problems(TRANSCRIPT.rendered, TRANSCRIPT.typed) == []
    assert forbidden_in_chinese(TRANSCRIPT.rendered, TRANSCRIPT.typed) == []
    assert button_problems(TRANSCRIPT.rendered) == []


async def test_a_chinese_teacher_records_homework_over_the_limit(bot: Harness) -> None:
    await seed(bot, "zh")
    await add_piece(bot, OTHER, "5A", "English", TODAY, 50, "Workbook")
    user = teacher(bot, SOLO, "zh")
    await bot.send(user, "/assign")
    preview = await bot.send(user, "抄写第3课生字 20分钟")
    text = preview.text or ""
    assert text.startswith("预览")
    assert "5A 11月19日周四：English50分钟和本项20分钟，合计70分钟，超出10分钟" in text
    assert "本班书面作业（小学三至六年级每天不超过60分钟）：" in text
    posted = await press(bot, user, HomeworkActionButton, action=HomeworkAction.POST_OVER)
    assert "登记" in (posted.text or "")
    await bot.send(user, "/load")
    messages = chinese_messages()
    assert len(messages) >= 3, messages
    assert not any("晚上" in m for m in messages)
    assert_house_style()


async def test_chinese_school_settings_read_as_a_school_writes(bot: Harness) -> None:
    async with bot.session() as session:
        setup = await make_school(session)
        await make_staff(session, setup, ADMIN, "Admin", Role.SCHOOL_ADMIN, language_code="zh-hans")
        await session.commit()
    admin = bot.user(ADMIN, "Admin", language_code="zh-hans")
    reply = await bot.send(admin, "/settings")
    text = reply.text or ""
    assert "• 3-6年级：60分钟" in text
    assert "近期节假日0天。" in text
    assert "超出上限时：提醒（教师确认后登记，并通知年级组长和教务处）" in text
    assert "上学日：周一、周二、周三、周四、周五" in text
    modes = await bot.tap(admin, "超限处理方式")
    assert modes.button_texts[:3] == ["✅ 提醒", "审批", "严格"]
    assert "• 提醒（教师确认后登记，并通知年级组长和教务处）" in (modes.text or "")
    assert chinese_messages()
    assert_house_style()
