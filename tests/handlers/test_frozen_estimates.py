"""Issue 12, estimates frozen once the daily check has run for a class-day: a later edit of a
piece's minutes for that day is recorded as a correction beside the value the check saw; the
teacher is told so; /load, the charts and the figures keep the checked value; the correction
shows in the piece's history (the edit preview). An edit before the check changes the figures."""

from __future__ import annotations

from sqlalchemy import select

from bot.domain.periods import Scope
from bot.domain.roles import Role
from handlers.reports import views
from handlers.scheduler.tick import tick
from storage import checks
from storage.analytics import loads
from storage.models import LoadCorrection, School
from tests.factories import make_school, make_staff, make_teacher
from tests.handlers.scheduler_kit import THU, local
from tests.harness import Harness

WANG, ADMIN = 2301, 2302
LABELS = {
    "en": {
        "post": "✅ Post",
        "edit": "✏ Edit 1",
        "minutes": "Minutes",
        "save_over": "⚠ Save anyway, over the limit",
        "save": "✅ Save changes",
    },
    "zh-hans": {
        "post": "✅ 登记并公示",
        "edit": "✏ 修改第1项",
        "minutes": "用时",
        "save_over": "⚠ 超出上限，仍然保存",
        "save": "✅ 保存修改",
    },
}


async def seed(bot: Harness, language: str) -> int:
    async with bot.session() as session:
        setup = await make_school(session)
        await make_teacher(session, setup, WANG, "Wang", [("5A", "Maths")], language)
        await make_staff(session, setup, ADMIN, "Admin", Role.SCHOOL_ADMIN)
        await session.commit()
        school_id = setup.school.id
    bot.user(WANG, "Wang", language_code=language)
    bot.user(ADMIN, "Admin")
    return school_id


async def post_45(bot: Harness, language: str) -> None:
    """Thursday 16:00 in Shanghai: 45 minutes of written Maths for 5A, for this evening."""
    bot.clock.now = local(16, 0)
    teacher = bot.user(WANG, "Wang", language_code=language)
    await bot.send(teacher, "/assign")
    await bot.send(teacher, "Exercise 3, p. 12")
    await bot.tap(teacher, "45")
    await bot.tap(teacher, LABELS[language]["post"])


async def edit_minutes(bot: Harness, language: str, minutes: str, save: str) -> str:
    teacher = bot.user(WANG, "Wang", language_code=language)
    await bot.send(teacher, "/homework")
    await bot.tap(teacher, LABELS[language]["edit"])
    await bot.tap(teacher, LABELS[language]["minutes"])
    await bot.send(teacher, minutes)
    return (await bot.tap(teacher, LABELS[language][save])).text or ""


async def test_an_edit_after_the_check_is_a_correction_and_figures_keep_the_checked_value(
    bot: Harness,
) -> None:
    school_id = await seed(bot, "en")
    await post_45(bot, "en")
    await tick(bot.app, local(21, 30))  # the daily check for Thursday
    bot.clock.now = local(22, 0)
    saved = await edit_minutes(bot, "en", "75", "save_over")
    assert (
        "Thu, Nov 19 was already checked: the figures keep the 45 min the check saw; "
        "75 min is recorded as a correction."
    ) in saved
    async with bot.session() as session:
        [fixed] = await session.scalars(select(LoadCorrection))
        assert (fixed.day, fixed.checked_minutes, fixed.corrected_minutes) == (THU, 45, 75)
    teacher = bot.user(WANG, "Wang")
    load = (await bot.send(teacher, "/load")).text or ""
    assert "▶ Thu, Nov 19: Maths 45 min, 45 min in all" in load
    assert "Within the limit every day so far." in load
    chart = await bot.tap(teacher, "📊 Chart")
    assert chart.photo is not None
    assert "Within the limit on the 1 day with homework." in (chart.text or "")
    async with bot.session() as session:
        [evening] = await loads.evenings(session, Scope.of_school(school_id), THU, THU)
        [check] = await checks.daily_check(session, [(school_id, THU)])
        picture = await views.heat_picture(session, Scope.of_school(school_id), THU, THU)
    assert (evening.written, evening.is_over) == (45, False)
    assert (check.written, check.is_over) == (45, False)
    assert picture is not None and "0 classes over the limit" in picture.caption
    # The piece's history: the edit preview shows the correction beside the checked value.
    await bot.send(teacher, "/homework")
    preview = (await bot.tap(teacher, "✏ Edit 1")).text or ""
    assert "Corrected after the daily check (the figures keep the checked minutes):" in preview
    assert "• Thu, Nov 19: 45 min checked, corrected to 75 min" in preview


async def test_a_second_edit_keeps_the_checked_value_in_chinese(bot: Harness) -> None:
    await seed(bot, "zh-hans")
    await post_45(bot, "zh-hans")
    await tick(bot.app, local(21, 30))
    bot.clock.now = local(22, 0)
    await edit_minutes(bot, "zh-hans", "75", "save_over")
    saved = await edit_minutes(bot, "zh-hans", "30", "save")
    assert "的作业已经过每日核查：统计仍按核查时的45分钟计算，30分钟记为更正。" in saved
    async with bot.session() as session:
        [fixed] = await session.scalars(select(LoadCorrection))
        assert (fixed.checked_minutes, fixed.corrected_minutes) == (45, 30)


async def test_an_edit_before_the_check_changes_the_figures(bot: Harness) -> None:
    school_id = await seed(bot, "en")
    await post_45(bot, "en")
    bot.clock.now = local(20, 0)
    saved = await edit_minutes(bot, "en", "30", "save")
    assert "recorded as a correction" not in saved
    async with bot.session() as session:
        assert list(await session.scalars(select(LoadCorrection))) == []
        [check] = await checks.daily_check(session, [(school_id, THU)])
        school = await session.get(School, school_id)
    assert check.written == 30 and school is not None
    load = (await bot.send(bot.user(WANG, "Wang"), "/load")).text or ""
    assert "▶ Thu, Nov 19: Maths 30 min, 30 min in all" in load
