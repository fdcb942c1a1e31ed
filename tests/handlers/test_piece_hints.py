"""Issue 12, hints kept with the piece: the negative-list and kind hints computed when a piece
is saved are stored with their item number (replaced on an edit), shown in the grade leader's
approval card and the daily check's messages to the grade leader and the school office, and
counted per teacher and per item in the office's weekly report."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from bot.domain.load import HomeworkKind
from bot.domain.roles import Role
from bot.domain.textcheck import HintKind, PieceHint, piece_hints
from handlers.scheduler.tick import tick
from storage import hints
from storage.models import Assignment, SchoolClass, Subject, User
from tests import world
from tests.factories import make_school, make_staff, make_teacher
from tests.handlers.scheduler_kit import ADMIN, LEADER, TEACHER, build, local
from tests.harness import Harness

WANG, ZHAO = 2201, 2202
NEGATIVE = "Copy the text 10 times, parents must sign it"


async def seed(bot: Harness, language: str = "en") -> None:
    async with bot.session() as session:
        setup = await make_school(session)
        await make_teacher(
            session, setup, WANG, "Wang", [("2A", "Maths"), ("5A", "Maths")], language
        )
        await make_staff(
            session, setup, ZHAO, "Zhao", Role.GRADE_LEADER, grade=2, language_code=language
        )
        await session.commit()
    bot.user(WANG, "Wang", language_code=language)
    bot.user(ZHAO, "Zhao", language_code=language)


async def assign(bot: Harness, language: str, klass: str, text: str, kind: str | None) -> None:
    teacher = bot.user(WANG, "Wang", language_code=language)
    await bot.send(teacher, "/assign")
    for label in list(teacher.last.button_texts):
        name = label.removeprefix("✓ ")
        if label.startswith("✓ ") != (name == klass):
            await bot.tap(teacher, label)
    await bot.send(teacher, text)
    if kind is not None:
        await bot.tap(teacher, kind)
    await bot.tap(teacher, "20")


async def stored(bot: Harness) -> list[tuple[str, int | None, str]]:
    async with bot.session() as session:
        piece = await session.scalar(select(Assignment.id).order_by(Assignment.id.desc()))
        assert piece is not None
        return [(h.kind.value, h.item, h.fragment) for h in await hints.hints_of(session, piece)]


async def test_hints_are_stored_at_save_and_replaced_on_edit(bot: Harness) -> None:
    await seed(bot)
    await assign(bot, "en", "5A", NEGATIVE, None)
    teacher = bot.user(WANG, "Wang")
    await bot.tap(teacher, "✅ Post")
    assert await stored(bot) == [
        ("negative", 4, "Copy the text 10 times"),
        ("negative", 9, "parents must sign"),
    ]
    await bot.send(teacher, "/homework")
    await bot.tap(teacher, "✏ Edit 1")
    await bot.tap(teacher, "Text")
    await bot.send(teacher, "Exercise 3, p. 12")
    await bot.tap(teacher, "✅ Save changes")
    assert await stored(bot) == []


async def test_the_approval_card_shows_the_stored_hints_in_chinese(bot: Harness) -> None:
    await seed(bot, "zh-hans")
    await assign(bot, "zh-hans", "2A", "抄写生字十遍", "阅读")
    await bot.tap(bot.user(WANG, "Wang", language_code="zh-hans"), "提交审批")
    assert await stored(bot) == [("negative", 4, "抄写生字十遍"), ("kind", None, "抄写")]
    card = bot.user(ZHAO, "Zhao", language_code="zh-hans").last.text or ""
    assert "⚠ 已登记为阅读类作业，但内容像书面作业：“抄写”。" in card
    assert "⚠ “抄写生字十遍” — 第4条：" in card
    assert card.count("“抄写”") == 1  # the kind hint once, not twice


async def seed_piece(
    bot: Harness, teacher: int, kind: HomeworkKind, text: str, minutes: int = 10
) -> None:
    async with bot.session() as session:
        klass = await session.scalar(select(SchoolClass).where(SchoolClass.name == "4A"))
        maths = await session.scalar(select(Subject).where(Subject.name == "Maths"))
        assert klass is not None and maths is not None
        piece = await world.homework(session, klass, maths, teacher, minutes, kind=kind, text=text)
        await hints.replace_hints(session, piece.id, piece_hints(kind, text))
        await session.commit()


async def test_the_daily_check_shows_the_days_hints_to_the_leader_and_office(
    bot: Harness,
) -> None:
    await build(bot)  # 4A within the limit, no reports: nobody would be told
    await seed_piece(bot, TEACHER, HomeworkKind.READING, "Copy the poem, parents must sign it")
    await tick(bot.app, local(21, 30))
    admin = [m.text or "" for m in bot.user(ADMIN).messages]
    [summary] = [t for t in admin if "Daily check for" in t]
    assert "Hints on the day's homework (negative list, kind):" in summary
    assert '4A, Maths (Teacher 801): ⚠ "parents must sign" — item 9:' in summary
    assert (
        "4A, Maths (Teacher 801): ⚠ “Copy” reads like written work, though declared as reading"
        in summary
    )
    [grade] = [m.text or "" for m in bot.user(LEADER).messages]
    assert "Daily check, grade 4" in grade and "item 9" in grade


async def test_the_weekly_report_counts_hints_per_teacher_and_item_in_russian(
    bot: Harness,
) -> None:
    await build(bot)
    await seed_piece(bot, TEACHER, HomeworkKind.WRITTEN, NEGATIVE)
    await seed_piece(bot, TEACHER, HomeworkKind.READING, "Copy the poem")
    await seed_piece(bot, 803, HomeworkKind.WRITTEN, "Copy the word 10 times")
    async with bot.session() as session:
        admin = await session.get(User, ADMIN)
        assert admin is not None
        admin.locale = "ru"
        await session.commit()
    await tick(bot.app, local(8, 0, date(2026, 11, 23)))
    [summary] = [m.text or "" for m in bot.user(ADMIN).messages if not m.photo]
    lines = summary.splitlines()
    start = lines.index("Подсказки по заданиям прошлой недели: 4 в 3 заданиях.")
    assert lines[start + 1 : start + 4] == [
        "По учителям:",
        "• Teacher 801: 3 подсказки",
        "• Teacher 803: 1 подсказка",
    ]
    assert lines[start + 4] == "По пунктам:"
    assert lines[start + 5].startswith("• Пункт 4 (2 подсказки): задания в наказание")
    assert lines[start + 6].startswith("• Пункт 9 (1 подсказка): ")
    assert lines[start + 7] == "• Похоже на письменное, хотя указан другой вид: 1 подсказка"


def test_piece_hints_keep_the_item_number() -> None:
    assert piece_hints(HomeworkKind.READING, "Copy the new characters") == [
        PieceHint(HintKind.KIND, None, "Copy")
    ]
    assert piece_hints(HomeworkKind.WRITTEN, "Read chapter 3") == []
    assert [h.item for h in piece_hints(HomeworkKind.WRITTEN, "抄写课文十遍，家长签字")] == [4, 9]


async def test_the_grade_leaders_weekly_caption_counts_the_grades_hints_per_item(
    bot: Harness,
) -> None:
    await build(bot)
    await seed_piece(bot, TEACHER, HomeworkKind.WRITTEN, NEGATIVE)
    await seed_piece(bot, TEACHER, HomeworkKind.READING, "Copy the poem")
    await tick(bot.app, local(8, 0, date(2026, 11, 23)))
    [caption] = [m.text or "" for m in bot.user(LEADER).messages if m.photo]
    assert caption.splitlines()[-1] == (
        "Hints on the negative list and kinds: item 4: 1, item 9: 1, and kind: 1 (2 pieces)."
    )


async def test_the_grade_leaders_weekly_caption_in_chinese_and_without_hints(
    bot: Harness,
) -> None:
    await build(bot)
    async with bot.session() as session:
        leader = await session.get(User, LEADER)
        assert leader is not None
        leader.locale = "zh_Hans"
        await session.commit()
    await seed_piece(bot, TEACHER, HomeworkKind.READING, "Copy the poem")
    await tick(bot.app, local(8, 0, date(2026, 11, 23)))
    [caption] = [m.text or "" for m in bot.user(LEADER).messages if m.photo]
    assert caption.splitlines()[-1] == "负面清单与作业类型提示：作业类型：1条（涉及1项作业）。"
    async with bot.session() as session:
        klass = await session.scalar(select(SchoolClass).where(SchoolClass.name == "4A"))
        maths = await session.scalar(select(Subject).where(Subject.name == "Maths"))
        assert klass is not None and maths is not None
        await world.homework(session, klass, maths, TEACHER, 20, date(2026, 11, 24))
        await session.commit()
    await tick(bot.app, local(8, 0, date(2026, 11, 30)))  # a week without hints
    captions = [m.text or "" for m in bot.user(LEADER).messages if m.photo]
    assert len(captions) == 2 and "提示" not in captions[1]
