"""Issue 12, grades 1-2: a piece declared reading, oral, practical or other whose text reads
like written work waits for the grade leader (the approval flow of over-limit homework): the
teacher is told why, the leader sees the text and the hint and approves or rejects it."""

from __future__ import annotations

from sqlalchemy import select

from bot.domain.roles import Role
from storage.models import Assignment
from tests.factories import make_school, make_staff, make_teacher
from tests.harness import Harness

TEACHER, LEADER2, LEADER5 = 2101, 2102, 2103


async def seed(bot: Harness, language: str = "en") -> None:
    async with bot.session() as session:
        setup = await make_school(session)
        await make_teacher(
            session, setup, TEACHER, "Wang", [("2A", "Maths"), ("5A", "Maths")], language
        )
        await make_staff(
            session, setup, LEADER2, "Zhao", Role.GRADE_LEADER, grade=2, language_code=language
        )
        await make_staff(
            session, setup, LEADER5, "Qian", Role.GRADE_LEADER, grade=5, language_code=language
        )
        await session.commit()
    for user_id in (TEACHER, LEADER2, LEADER5):
        bot.user(
            user_id,
            {TEACHER: "Wang", LEADER2: "Zhao", LEADER5: "Qian"}[user_id],
            language_code=language,
        )


async def draft(bot: Harness, language: str, klass: str, text: str, kind: str) -> str:
    """/assign for one class: the text (the kind asked, since written is refused for 2A, or
    changed from the preview), 15 minutes; returns the preview."""
    teacher = bot.user(TEACHER, "Wang", language_code=language)
    await bot.send(teacher, "/assign")
    for label in list(teacher.last.button_texts):
        name = label.removeprefix("✓ ")
        if label.startswith("✓ ") != (name == klass):
            await bot.tap(teacher, label)
    await bot.send(teacher, text)
    if "15" not in teacher.last.button_texts:
        await bot.tap(teacher, kind)
    await bot.tap(teacher, "15")
    return teacher.last.text or ""


async def statuses(bot: Harness) -> list[str]:
    async with bot.session() as session:
        return list(await session.scalars(select(Assignment.status).order_by(Assignment.id)))


async def test_copying_declared_as_reading_waits_for_the_grade_leader(bot: Harness) -> None:
    await seed(bot)
    preview = await draft(bot, "en", "2A", "Copy the new characters", "Reading")
    why = (
        "Declared as reading, but it reads like written work (“Copy”). Grades 1-2 have no "
        "written homework at home, so the grade leader looks at it before parents see it."
    )
    assert why in preview
    teacher = bot.user(TEACHER, "Wang")
    assert "✅ Post" not in teacher.last.button_texts
    reply = await bot.tap(teacher, "Send for approval")
    assert reply.text == (
        "Sent to the grade leader for approval. I will tell you the decision.\n" + why
    )
    assert await statuses(bot) == ["pending"]
    leader = bot.user(LEADER2, "Zhao")
    assert (leader.last.text or "").splitlines() == [
        "Wang asks to post homework for 2A that reads like written work:",
        "Maths: Copy the new characters",
        "Kind: reading; 15 min for a typical student",
        "⚠ Declared as reading, but it reads like written work: “Copy”. "
        "Grades 1-2: no written homework at home.",
    ]
    assert leader.last.button_texts == ["✅ Approve", "✖ Reject"]
    assert not bot.user(LEADER5, "Qian").messages
    await bot.tap(leader, "Approve")
    assert await statuses(bot) == ["posted"]
    assert "was approved and posted" in (teacher.last.text or "")


async def test_grade_five_and_plain_reading_are_not_held(bot: Harness) -> None:
    await seed(bot)
    await draft(bot, "en", "5A", "Copy the new words", "Reading")
    teacher = bot.user(TEACHER, "Wang")
    await bot.tap(teacher, "Kind: ")
    await bot.tap(teacher, "Reading")
    assert "✅ Post" in teacher.last.button_texts  # grade 5: reading is reading
    await bot.tap(teacher, "✅ Post")
    await draft(bot, "en", "2A", "Read the story aloud to a parent", "Reading")
    assert "✅ Post" in teacher.last.button_texts
    await bot.tap(teacher, "✅ Post")
    assert await statuses(bot) == ["posted", "posted"]
    assert not bot.user(LEADER2, "Zhao").messages


async def test_held_and_rejected_in_chinese(bot: Harness) -> None:
    await seed(bot, "zh-hans")
    preview = await draft(bot, "zh-hans", "2A", "抄写生字三遍", "阅读")
    assert "已登记为阅读类作业，但内容像书面作业（“抄写”）" in preview
    teacher = bot.user(TEACHER, "Wang", language_code="zh-hans")
    await bot.tap(teacher, "提交审批")
    leader = bot.user(LEADER2, "Zhao", language_code="zh-hans")
    card = leader.last.text or ""
    assert "Wang申请为2A登记一项内容像书面作业的作业：" in card
    assert "Maths：抄写生字三遍" in card or "Maths: 抄写生字三遍" in card
    assert "⚠ 已登记为阅读类作业，但内容像书面作业：“抄写”。一二年级不布置家庭书面作业。" in card
    await bot.tap(leader, "✖ 驳回")
    await bot.send(leader, "请改为课堂完成")
    assert await statuses(bot) == ["rejected"]
    assert "请改为课堂完成" in (teacher.last.text or "")


async def test_held_in_russian(bot: Harness) -> None:
    await seed(bot, "ru")
    preview = await draft(bot, "ru", "2A", "Переписать слова в тетрадь", "Чтение")
    assert "Указано «чтение», но задание похоже на письменное («Переписать»)" in preview
    teacher = bot.user(TEACHER, "Wang", language_code="ru")
    reply = await bot.tap(teacher, "Отправить на одобрение")
    assert "руководитель параллели посмотрит его" in (reply.text or "")
    leader = bot.user(LEADER2, "Zhao", language_code="ru")
    assert "похожее на письменное" in (leader.last.text or "")
    assert "«Переписать»" in (leader.last.text or "")


async def test_an_approved_piece_is_held_again_only_when_its_text_or_kind_changes(
    bot: Harness,
) -> None:
    await seed(bot)
    await draft(bot, "en", "2A", "Copy the new characters", "Reading")
    teacher = bot.user(TEACHER, "Wang")
    await bot.tap(teacher, "Send for approval")
    await bot.tap(bot.user(LEADER2, "Zhao"), "Approve")
    cards = len(bot.user(LEADER2, "Zhao").messages)
    # The minutes change: the approved text and kind stay, so it is saved at once.
    await bot.send(teacher, "/homework")
    await bot.tap(teacher, "✏ Edit 1")
    await bot.tap(teacher, "Minutes")
    await bot.send(teacher, "10")
    assert "✅ Save changes" in teacher.last.button_texts
    await bot.tap(teacher, "✅ Save changes")
    assert await statuses(bot) == ["posted"]
    assert len(bot.user(LEADER2, "Zhao").messages) == cards
    # A new text that reads like written work waits again.
    await bot.send(teacher, "/homework")
    await bot.tap(teacher, "✏ Edit 1")
    await bot.tap(teacher, "Text")
    await bot.send(teacher, "Copy the new characters twice")
    await bot.tap(teacher, "Send for approval")
    assert await statuses(bot) == ["pending"]
    assert "Copy the new characters twice" in (bot.user(LEADER2, "Zhao").last.text or "")
