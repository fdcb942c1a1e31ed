"""Issue 11: text a parent types outside any open step is understood by what it is, in
zh_Hans, ru and en; /homework and the notice's buttons for parents. Driven through the real
Application."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.domain.complaints import ComplaintStatus
from handlers.scheduler.tick import tick
from storage.models import Complaint, ComplaintEvent, DailyReport, ParentLink, User
from tests.handlers import test_complaints as complaints_kit
from tests.handlers.scheduler_kit import LEADER, LENA_MUM, MAX_MUM, Kit, build, local
from tests.harness import Harness

LANGS = {"zh": "zh-hans", "ru": "ru", "en": "en"}
MENU = {
    "zh": ("抱歉，我没有理解您的意思。您想做什么？", "📋 作业"),
    "ru": ("Я вас не понял. Что вы хотите сделать?", "📋 Задания"),
    "en": ("I did not understand that. What would you like to do?", "📋 Homework"),
}
HOMEWORK_FOR = {
    "zh": "作业公示：4A（Lena）",
    "ru": "Задания для Lena (4A):",
    "en": "Homework for Lena (4A):",
}
QUESTIONS = {
    "zh": ("今天有什么作业？", "明天的作业是什么"),
    "ru": ("какое задание на сегодня", "какое задание на завтра"),
    "en": ("what homework today", "What is the homework for tomorrow?"),
}
SAVED = {"zh": "已记录：Lena", "ru": "Сохранено: Lena", "en": "Saved for Lena"}
SKIP = {"zh": "跳过", "ru": "Пропустить", "en": "Skip"}


async def speaks(bot: Harness, user_id: int, lang: str) -> None:
    bot.user(user_id).language_code = LANGS[lang]
    async with bot.session() as session:
        user = await session.get(User, user_id)
        if user is not None:
            user.language_code, user.locale = LANGS[lang], None
            await session.commit()


async def report_of(bot: Harness, child_id: int) -> DailyReport | None:
    async with bot.session() as session:
        return await session.scalar(select(DailyReport).where(DailyReport.child_id == child_id))


async def evening(bot: Harness, lang: str) -> Kit:
    kit = await build(bot)
    for uid in (LENA_MUM, MAX_MUM):
        await speaks(bot, uid, lang)
    bot.clock.now = local(20, 35)
    await tick(bot.app)
    return kit


@pytest.mark.parametrize("lang", list(LANGS))
async def test_homework_question_after_an_old_optional_step(bot: Harness, lang: str) -> None:
    """The note step (optional) is open; a homework question closes it and is answered."""
    kit = await evening(bot, lang)
    mum = bot.user(LENA_MUM)
    await bot.tap(mum, mum.last.button_texts[0])  # as estimated: the note step opens
    today, tomorrow = QUESTIONS[lang]
    reply = await bot.send(mum, today)
    assert HOMEWORK_FOR[lang] in (reply.text or "")
    assert "Maths" in (reply.text or "") and "Exercises" in (reply.text or "")
    report = await report_of(bot, kit.lena)
    assert report is not None and report.note is None  # never a note
    reply = await bot.send(mum, tomorrow)
    assert HOMEWORK_FOR[lang] in (reply.text or "") and "Maths" not in (reply.text or "")


@pytest.mark.parametrize("lang", list(LANGS))
async def test_minutes_typed_in_the_evening_store_the_report(bot: Harness, lang: str) -> None:
    kit = await evening(bot, lang)
    mum = bot.user(LENA_MUM)
    reply = await bot.send(mum, {"zh": "45分钟", "ru": "45 минут", "en": "45 min"}[lang])
    assert SAVED[lang] in (reply.text or "")
    report = await report_of(bot, kit.lena)
    assert report is not None and (report.minutes, report.reporter_id) == (45, LENA_MUM)
    # Answered (and the note skipped): more minutes are not a report again (the menu answers).
    await bot.tap(mum, SKIP[lang])
    reply = await bot.send(mum, "一个半小时")
    assert MENU[lang][0] in (reply.text or "")
    report = await report_of(bot, kit.lena)
    assert report is not None and report.minutes == 45


async def test_minutes_for_two_children_ask_which(bot: Harness) -> None:
    kit = await build(bot)
    async with bot.session() as session:
        session.add(ParentLink(parent_id=MAX_MUM, child_id=kit.lena))
        await session.commit()
    bot.clock.now = local(20, 35)
    await tick(bot.app)
    clara = bot.user(MAX_MUM)
    reply = await bot.send(clara, "一个半小时")
    assert "for which child?" in (reply.text or "")
    assert reply.button_texts == ["Lena", "Max"]
    assert await report_of(bot, kit.max) is None  # nothing stored before the pick
    await bot.tap(clara, "Max")
    report = await report_of(bot, kit.max)
    assert report is not None and report.minutes == 90
    assert await report_of(bot, kit.lena) is None


async def test_minutes_before_the_question_are_not_a_report(bot: Harness) -> None:
    kit = await build(bot)
    reply = await bot.send(bot.user(LENA_MUM), "45")
    assert MENU["en"][0] in (reply.text or "")
    assert await report_of(bot, kit.lena) is None


@pytest.mark.parametrize("lang", list(LANGS))
async def test_the_menu_fallback(bot: Harness, lang: str) -> None:
    await build(bot)
    await speaks(bot, LENA_MUM, lang)
    mum = bot.user(LENA_MUM)
    reply = await bot.send(mum, "hello?")
    text, homework = MENU[lang]
    assert text in (reply.text or "") and len(reply.button_texts) == 4
    reply = await bot.tap(mum, homework)
    assert HOMEWORK_FOR[lang] in (reply.text or "")


async def test_parent_homework_command_and_the_week(bot: Harness) -> None:
    await build(bot)
    mum = bot.user(LENA_MUM)
    reply = await bot.send(mum, "/homework")
    text = reply.text or ""
    assert "Homework for Lena (4A):" in text
    assert "Maths (written): 30 min" in text and "Exercises" in text
    assert "Written total 50 min (grades 3-6" in text
    assert text.count("No homework posted.") == 2  # Friday and Monday
    reply = await bot.tap(mum, "This week")
    assert "Mon, Nov 16" in (reply.text or "") and "Fri, Nov 20" in (reply.text or "")
    assert reply.button_texts == ["Coming days"]


async def test_a_teacher_who_is_a_parent_sees_both_teacher_first(bot: Harness) -> None:
    kit = await build(bot)
    async with bot.session() as session:
        session.add(ParentLink(parent_id=LEADER, child_id=kit.max))
        await session.commit()
    teacher = bot.user(LEADER)  # a grade leader sees the class's homework list
    teacher.send("/homework")
    await bot.deliver()
    texts = [m.text or "" for m in teacher.messages]
    assert "Homework for today and the coming days:" in texts[0]
    assert "Homework for Max (4A):" in texts[-1]


async def test_notice_buttons_homework_and_complain_about_this(bot: Harness) -> None:
    kit = await build(bot)
    bot.clock.now = local(17, 35)
    await tick(bot.app)
    mum = bot.user(LENA_MUM)
    notice = mum.last
    assert "Homework for Lena (4A), Thu, Nov 19:" in (notice.text or "")
    assert notice.button_texts == ["📋 Homework", "Complain about this"]
    reply = await bot.tap(mum, "📋 Homework")
    assert "Homework for Lena (4A):" in (reply.text or "")
    reply = await bot.tap(mum, "Complain about this", message_id=notice.message_id)
    assert "About the homework of Thu, Nov 19." in (reply.text or "")
    assert "What is the complaint about?" in (reply.text or "")
    await bot.tap(mum, "Total load")
    await bot.send(mum, "Too much tonight.")
    await bot.tap(mum, "Continue")
    await bot.tap(mum, "Anonymous")
    await bot.tap(mum, "Send")
    async with bot.session() as session:
        complaint = await session.scalar(select(Complaint))
        assert complaint is not None
        assert complaint.text == "About the homework of Thu, Nov 19.\nToo much tonight."
        assert complaint.school_id == kit.school_id


# ---------------------------------------------------------------- complaints


async def asked_for_details(bot: Harness) -> tuple[Complaint, str]:
    """A filed complaint on which the handler asked the parent a question."""
    await complaints_kit.seed(bot)
    mei = complaints_kit.parent(bot)
    await complaints_kit.file(bot, mei)
    handler = bot.user(complaints_kit.HANDLER)
    await bot.tap(handler, "❓ Ask for details", message_id=handler.messages[0].message_id)
    await bot.send(handler, "Which subject?")
    c = await complaints_kit.stored_complaint(bot)
    assert c.status == ComplaintStatus.INFO_REQUESTED
    return c, mei.last.text or ""


async def infos(bot: Harness, complaint_id: int) -> list[str | None]:
    async with bot.session() as session:
        rows = await session.scalars(
            select(ComplaintEvent.text).where(
                ComplaintEvent.complaint_id == complaint_id, ComplaintEvent.kind == "info"
            )
        )
        return list(rows)


@pytest.mark.parametrize("lang", list(LANGS))
async def test_a_reply_to_a_complaint_message_reaches_the_complaint(
    bot: Harness, lang: str
) -> None:
    c, question = await asked_for_details(bot)
    mei = complaints_kit.parent(bot)
    await speaks(bot, complaints_kit.PARENT, lang)
    assert "Which subject?" in question
    reply = await bot.send(mei, "数学", reply_to=mei.last)
    assert c.code in (reply.text or "")
    assert await infos(bot, c.id) == ["数学"]
    handler = bot.user(complaints_kit.HANDLER)
    assert f"{c.code}: the parent adds:\n数学" in (handler.last.text or "")


async def test_a_reply_by_someone_else_is_not_added(bot: Harness) -> None:
    c, _question = await asked_for_details(bot)
    mei = complaints_kit.parent(bot)
    other = bot.user(complaints_kit.PARENT2)
    fake = mei.last  # the same text, quoted by another parent
    reply = await bot.send(other, "Maths", reply_to=fake)
    assert MENU["en"][0] in (reply.text or "")
    assert await infos(bot, c.id) == []


@pytest.mark.parametrize("lang", list(LANGS))
async def test_text_after_the_school_asked_is_confirmed_first(bot: Harness, lang: str) -> None:
    c, _question = await asked_for_details(bot)
    mei = complaints_kit.parent(bot)
    await speaks(bot, complaints_kit.PARENT, lang)
    reply = await bot.send(mei, "Maths, every night")
    assert c.code in (reply.text or "") and len(reply.button_texts) == 2
    assert await infos(bot, c.id) == []  # nothing stored until yes
    no, yes = reply.button_texts[1], reply.button_texts[0]
    await bot.tap(mei, no)
    assert await infos(bot, c.id) == []
    await bot.send(mei, "Maths, every night")
    await bot.tap(mei, yes)
    assert await infos(bot, c.id) == ["Maths, every night"]
    stored = await complaints_kit.stored_complaint(bot)
    assert stored.status == ComplaintStatus.IN_PROGRESS
