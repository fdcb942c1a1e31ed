"""Issue 12, the district's view (/policy): an inspector sees the district's limits and its
schools' changes (who, school, what from -> to, when in local time), paged; a school office or
grade leader sees the district's ceilings beside the school's own values and the school's own
history; other roles are refused; /policy is in those roles' menus."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.domain.menus import commands_for
from bot.domain.roles import Capability, Role
from storage.models import PolicyChange
from tests.factories import make_school, make_staff, make_teacher
from tests.harness import OWNER_ID, Harness

ADMIN, SUPERVISOR, LEADER, TEACHER = 3201, 3202, 3203, 3204
AT = datetime(2026, 11, 19, 6, 5, tzinfo=UTC)  # 14:05 in Shanghai


async def seed(bot: Harness, language: str = "en") -> tuple[int, int]:
    async with bot.session() as session:
        setup = await make_school(session)
        await make_staff(session, setup, ADMIN, "Admin", Role.SCHOOL_ADMIN, language_code=language)
        await make_staff(
            session, setup, SUPERVISOR, "Supervisor", Role.SUPERVISOR, language_code=language
        )
        await make_staff(
            session, setup, LEADER, "Leader", Role.GRADE_LEADER, grade=5, language_code=language
        )
        await make_teacher(session, setup, TEACHER, "Teacher", [("5A", "Maths")], language)
        await session.commit()
        return setup.school.district_id, setup.school.id


async def lower_primary(bot: Harness, language: str, labels: tuple[str, str]) -> None:
    """The school office lowers grades 3-6 to 45 minutes through /settings at 14:05 local."""
    bot.clock.now = AT
    admin = bot.user(ADMIN, "Admin", language_code=language)
    await bot.send(admin, "/settings")
    await bot.tap(admin, labels[0])
    await bot.tap(admin, labels[1])
    await bot.send(admin, "45")


async def test_inspector_sees_the_district_limits_and_the_schools_change(bot: Harness) -> None:
    await seed(bot)
    await lower_primary(bot, "en", ("Limits", "Grades 3-6"))
    supervisor = bot.user(SUPERVISOR, "Supervisor")
    reply = await bot.send(supervisor, "/policy")
    lines = (reply.text or "").splitlines()
    assert lines[:7] == [
        "District: written homework limits a day (a school can only lower them)",
        "• Grades 1-2: no written homework (policy)",
        "• Grades 3-6: 60 min",
        "• Grades 7-9: 90 min",
        "• Grades 10-12: no limit",
        "• Weekends and holidays: as on school days",
        "Over the limit, at least: warn",
    ]
    assert lines[8:] == [
        "Changes by its schools, newest first:",
        "• 11/19/26, 2:05\u202fPM: Admin (School No. 1) changed Grades 3-6 from 60 min to 45 min",
    ]


async def test_school_office_sees_ceilings_beside_its_own_values_in_chinese(
    bot: Harness,
) -> None:
    await seed(bot, "zh-hans")
    await lower_primary(bot, "zh-hans", ("上限", "3-6年级"))
    admin = bot.user(ADMIN, "Admin", language_code="zh-hans")
    reply = await bot.send(admin, "/policy")
    text = reply.text or ""
    assert "School No. 1每天书面作业时长上限（不高于区县规定）" in text
    assert "• 3-6年级：45分钟（区县：60分钟）" in text
    assert "• 7-9年级：90分钟（区县：90分钟）" in text
    assert "超出上限时：提醒（区县最低要求：提醒）" in text
    assert "本校的调整记录（最新在前）：" in text
    assert "• 2026/11/19 14:05：Admin将3-6年级由60分钟改为45分钟" in text


async def test_grade_leader_sees_the_school_view_in_russian(bot: Harness) -> None:
    await seed(bot, "ru")
    await lower_primary(bot, "ru", ("Нормы", "3–6 классы"))
    leader = bot.user(LEADER, "Leader", language_code="ru")
    text = (await bot.send(leader, "/policy")).text or ""
    assert "• 3–6 классы: 45 мин (район: 60 мин)" in text
    assert "Изменения в школе, сначала новые:" in text
    assert "Admin изменил(а) «3–6 классы»: было 60 мин, стало 45 мин" in text
    assert "19.11.2026, 14:05" in text


async def test_a_teacher_is_refused_politely(bot: Harness) -> None:
    await seed(bot)
    teacher = bot.user(TEACHER, "Teacher")
    reply = await bot.send(teacher, "/policy")
    assert reply.text == (
        "The district's limits are shown to its inspectors, to school offices and to grade leaders."
    )


async def test_a_long_history_is_paged(bot: Harness) -> None:
    district_id, school_id = await seed(bot)
    async with bot.session() as session:
        for n in range(23):
            session.add(
                PolicyChange(
                    at=AT + timedelta(minutes=n),
                    user_id=ADMIN,
                    district_id=district_id,
                    school_id=school_id,
                    field="cap_junior",
                    old=str(90 - n),
                    new=str(89 - n),
                )
            )
        await session.commit()
    supervisor = bot.user(SUPERVISOR, "Supervisor")
    first = await bot.send(supervisor, "/policy")
    assert "from 68 min to 67 min" in (first.text or "")  # the newest first
    assert "from 78 min to 77 min" not in (first.text or "")
    assert first.button_texts == ["Page 1 of 3", "▶"]
    second = await bot.tap(supervisor, "▶")
    assert "from 78 min to 77 min" in (second.text or "")
    assert "from 68 min to 67 min" not in (second.text or "")
    third = await bot.tap(supervisor, "▶")
    assert (third.text or "").count("changed Grades 7-9") == 3


async def test_the_owner_picks_a_district(bot: Harness) -> None:
    await seed(bot)
    owner = bot.user(OWNER_ID, "Owner")
    reply = await bot.send(owner, "/policy")
    assert reply.text is not None and reply.text.startswith("District: written homework limits")


def test_policy_is_in_the_menus_of_those_who_see_it() -> None:
    for capability in (
        Capability.OWNER,
        Capability.SUPERVISOR,
        Capability.SCHOOL_ADMIN,
        Capability.GRADE_LEADER,
    ):
        assert "policy" in [c for c, _d in commands_for([capability])]
    for capability in (Capability.TEACHER, Capability.PARENT, Capability.COMPLAINT_HANDLER):
        assert "policy" not in [c for c, _d in commands_for([capability])]
