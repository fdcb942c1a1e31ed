"""Issue 12, policy owned by the district: a school may only lower a limit (the refusal names
the district's rule), never pick a mode below the district's minimum; the district's preset
holds every school; each change is recorded and reaches the district's supervisors; the
export's reports sheet never shows a class-day of fewer than 3 reports."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from bot.domain.calendar import SchoolCalendar
from bot.domain.load import cap_for
from bot.domain.periods import Scope
from bot.domain.roles import Role
from storage import checks, policy
from storage.analytics import exports, loads
from storage.models import DailyReport, District, PolicyChange, School
from tests import world
from tests.factories import make_school, make_staff
from tests.harness import Harness

ADMIN, SUPERVISOR = 3101, 3102
MON = date(2026, 11, 16)


async def seed(bot: Harness, language: str = "en") -> int:
    async with bot.session() as session:
        setup = await make_school(session)
        await make_staff(session, setup, ADMIN, "Admin", Role.SCHOOL_ADMIN, language_code=language)
        await make_staff(
            session, setup, SUPERVISOR, "Supervisor", Role.SUPERVISOR, language_code=language
        )
        await session.commit()
        return setup.school.id


async def test_admin_cannot_raise_a_limit_in_chinese(bot: Harness) -> None:
    school_id = await seed(bot, "zh-hans")
    admin = bot.user(ADMIN, "Admin", language_code="zh-hans")
    await bot.send(admin, "/settings")
    await bot.tap(admin, "上限")
    await bot.tap(admin, "3-6年级")
    reply = await bot.send(admin, "90")
    assert "区县规定小学三至六年级每天不超过60分钟，学校只能调低" in (reply.text or "")
    async with bot.session() as session:
        school = await session.get(School, school_id)
        assert school is not None and school.cap_primary == 60
        assert list(await session.scalars(select(PolicyChange))) == []


async def test_admin_cannot_pick_a_mode_below_the_minimum_in_russian(bot: Harness) -> None:
    school_id = await seed(bot, "ru")
    async with bot.session() as session:
        school = await session.get(School, school_id)
        assert school is not None
        district = await session.get(District, school.district_id)
        assert district is not None
        district.min_over_cap_mode = "approve"
        await session.commit()
    admin = bot.user(ADMIN, "Admin", language_code="ru")
    await bot.send(admin, "/settings")
    await bot.tap(admin, "Режим превышения")
    await bot.tap(admin, "✅ Предупреждать")
    alert = admin.answered_callbacks[-1]
    assert alert.show_alert and "Управление образования требует" in (alert.text or "")
    async with bot.session() as session:
        school = await session.get(School, school_id)
        assert school is not None and school.over_cap_mode == "warn"
        assert policy.mode_of(school).value == "approve"  # the district's floor holds


async def test_lowered_limit_reaches_the_supervisor_and_is_recorded(bot: Harness) -> None:
    school_id = await seed(bot)
    admin = bot.user(ADMIN, "Admin")
    supervisor = bot.user(SUPERVISOR, "Supervisor")
    await bot.send(admin, "/settings")
    await bot.tap(admin, "Limits")
    await bot.tap(admin, "Grades 3-6")
    await bot.send(admin, "45")
    assert supervisor.last.text == "School No. 1: Grades 3-6 changed from 60 min to 45 min."
    async with bot.session() as session:
        school = await session.get(School, school_id)
        assert school is not None
        [row] = await policy.recent_changes(session, school.district_id)
        assert (row.school, row.field, row.old, row.new) == (
            "School No. 1",
            "cap_primary",
            "60",
            "45",
        )


async def test_the_district_preset_holds_a_school_that_set_more(bot: Harness) -> None:
    school_id = await seed(bot)
    async with bot.session() as session:
        school = await session.get(School, school_id)
        assert school is not None
        school.cap_primary = 120  # set before the district owned the preset
        school.district.cap_primary = 50
        await session.commit()
        assert cap_for(policy.caps_of(school), 4, MON, SchoolCalendar()).minutes == 50


async def test_export_never_shows_a_class_day_of_fewer_than_three(bot: Harness) -> None:
    async with bot.session() as session:
        school = await world.school(session)
        klass = await world.klass(session, school, 5, "5A")
        for n, minutes in enumerate((95, 100)):
            child = await world.child(session, klass, f"Kid {n}", [])
            session.add(
                DailyReport(
                    child_id=child.id, day=MON, minutes=minutes, outcome="done", note="Long"
                )
            )
        await session.commit()
        rows = [
            list(r)
            async for batch in exports.reports_batches(
                session, Scope.of_school(school.id), MON, MON
            )
            for r in batch
        ]
    assert rows == [[school.name, "5A", MON, 2, None, None, None, None]]  # no notes either


async def test_a_school_that_raised_its_limit_does_not_look_compliant(bot: Harness) -> None:
    """District charts and bulletins measure against the district's limit (SQL `cap_on`), and
    the daily check (`cap_column`) alike."""
    async with bot.session() as session:
        school = await world.school(session, cap_primary=120)
        klass = await world.klass(session, school, 5, "5A")
        maths = await world.subject(session, school, "Maths")
        await world.homework(session, klass, maths, 4001, 100, day=MON)
        await session.commit()
        [evening] = await loads.evenings(session, Scope.of_district(school.district_id), MON, MON)
        [check] = await checks.daily_check(session, [(school.id, MON)])
    assert (evening.cap, evening.is_over) == (60, True)
    assert (check.cap, check.is_over) == (60, True)
