"""Issue 12, over-limit confirmations as they happened: the piece's created (or edited) event
records that its teacher confirmed posting it over the limit (mode warn) or that it waits for
the grade leader because it is over (mode approve); the approval records that the leader
approved it over the limit. The monthly page counts these per grade (a piece held only for a
kind doubt, a rejected one or one over by the estimate that nobody confirmed is not counted)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.domain.roles import Role
from storage.models import AssignmentEvent, User
from tests.factories import make_school, make_staff, make_teacher
from tests.handlers.test_homework import ADMIN, LEADER, TEACHER, TEACHER2, post
from tests.harness import Harness

LEADER2 = 2005
DEC_3 = datetime(2026, 12, 3, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


async def seed(bot: Harness, mode: str, admin_locale: str) -> None:
    async with bot.session() as session:
        setup = await make_school(session, over_cap_mode=mode)
        await make_teacher(session, setup, TEACHER, "Wang", [("5A", "Maths"), ("2A", "Maths")])
        await make_teacher(session, setup, TEACHER2, "Li", [("5A", "Chinese")])
        await make_staff(session, setup, LEADER, "Zhao", Role.GRADE_LEADER, grade=5)
        await make_staff(session, setup, LEADER2, "Qian", Role.GRADE_LEADER, grade=2)
        await make_staff(session, setup, ADMIN, "Admin", Role.SCHOOL_ADMIN)
        admin = await session.get(User, ADMIN)
        assert admin is not None
        admin.locale = admin_locale
        await session.commit()
    for user_id in (TEACHER, TEACHER2, LEADER, LEADER2, ADMIN):
        bot.user(user_id, "Staff")


async def recorded(bot: Harness) -> list[tuple[str, str | None]]:
    async with bot.session() as session:
        rows = await session.execute(
            select(AssignmentEvent.kind, AssignmentEvent.over_limit).order_by(AssignmentEvent.id)
        )
        return [(kind, step) for kind, step in rows]


async def monthly_page(bot: Harness) -> list[str]:
    bot.clock.now = DEC_3
    return ((await bot.send(bot.user(ADMIN, "Staff"), "/monthly")).text or "").split("\n")


async def test_a_teachers_confirmation_is_recorded_and_counted(bot: Harness) -> None:
    await seed(bot, "warn", "en")
    await post(bot, TEACHER, "5A", None, "Exercise 3, p. 12", "Written", "30")
    await bot.tap(bot.user(TEACHER, "T"), "Post")
    await post(bot, TEACHER2, None, None, "Read and copy new words", "Written", "20")
    await bot.tap(bot.user(TEACHER2, "T"), "Post")
    await post(bot, TEACHER, "5A", None, "Worksheet B", "Written", "15")
    await bot.tap(bot.user(TEACHER, "T"), "Post anyway")
    assert await recorded(bot) == [
        ("created", None),
        ("created", None),
        ("created", "confirmed"),
    ]
    page = await monthly_page(bot)
    start = page.index("Homework posted over the limit, pieces by grade:")
    assert page[start + 1] == (
        "• grade 5: 1 confirmed by the teacher, 0 approved by the grade leader"
    )
    assert "(by the estimate 1," in page[2]


async def test_a_leaders_approval_over_the_limit_is_counted_in_chinese(bot: Harness) -> None:
    await seed(bot, "approve", "zh_Hans")
    await post(bot, TEACHER, "5A", None, "Big project", "Written", "60")
    await bot.tap(bot.user(TEACHER, "T"), "Post")
    await post(bot, TEACHER2, None, None, "Essay", "Written", "20")
    await bot.tap(bot.user(TEACHER2, "T"), "Send for approval")
    await bot.tap(bot.user(LEADER, "Zhao"), "Approve")
    await post(bot, TEACHER2, None, None, "Another essay", "Written", "15")
    await bot.tap(bot.user(TEACHER2, "T"), "Send for approval")
    await bot.tap(bot.user(LEADER, "Zhao"), "Reject")
    await bot.send(bot.user(LEADER, "Zhao"), "Too much")
    # Held for a kind doubt only (grades 1-2), within the limit: approved, not over the limit.
    teacher = bot.user(TEACHER, "T")
    await bot.send(teacher, "/assign")
    await bot.tap(teacher, "2A")
    await bot.tap(teacher, "✓ 5A")
    await bot.send(teacher, "Copy the new characters")
    await bot.tap(teacher, "Reading")
    await bot.tap(teacher, "15")
    await bot.tap(teacher, "Send for approval")
    await bot.tap(bot.user(LEADER2, "Qian"), "Approve")
    assert await recorded(bot) == [
        ("created", None),
        ("created", "held"),
        ("approved", "approved"),
        ("created", "held"),
        ("rejected", None),
        ("created", None),
        ("approved", None),
    ]
    page = await monthly_page(bot)
    start = page.index("超上限登记的作业（项），按年级：")
    assert page[start + 1 : start + 2] == ["• 5年级：教师确认0项，年级组长审批通过1项"]
    assert not any(line.startswith("• 2年级") for line in page)
