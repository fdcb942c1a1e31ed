"""/settings: limits, mode, times, school days and the calendar, with validation."""

from __future__ import annotations

from datetime import date, time

from sqlalchemy import select

from bot.domain.roles import Role
from storage.models import CalendarDay, School
from tests.factories import make_school, make_staff, make_teacher
from tests.harness import Harness

ADMIN, TEACHER = 3001, 3002


async def seed(bot: Harness) -> int:
    async with bot.session() as session:
        setup = await make_school(session)
        await make_staff(session, setup, ADMIN, "Admin", Role.SCHOOL_ADMIN)
        await make_teacher(session, setup, TEACHER, "Wang", [("5A", "Maths")])
        await session.commit()
        return setup.school.id


async def school(bot: Harness, school_id: int) -> School:
    async with bot.session() as session:
        found = await session.get(School, school_id)
        assert found is not None
        return found


async def test_change_cap_mode_times_days_and_calendar(bot: Harness) -> None:
    school_id = await seed(bot)
    admin = bot.user(ADMIN, "Admin")
    menu = await bot.send(admin, "/settings")
    assert menu is not None and "Grades 3-6: 60 min" in (menu.text or "")
    await bot.tap(admin, "Limits")
    await bot.tap(admin, "Grades 3-6")
    for bad in ("-5", "601", "sixty"):
        reply = await bot.send(admin, bad)
        assert reply is not None and "from 0 to 600" in (reply.text or "")
    reply = await bot.send(admin, "45")
    assert reply is not None and "Grades 3-6: 45 min" in (reply.text or "")
    await bot.tap(admin, "Limits")
    await bot.tap(admin, "Weekends and holidays")
    await bot.send(admin, "30")
    await bot.tap(admin, "Over-limit mode")
    await bot.tap(admin, "Strict")
    await bot.tap(admin, "Times")
    await bot.tap(admin, "Homework notice")
    reply = await bot.send(admin, "25:00")
    assert reply is not None and "17:30" in (reply.text or "")
    await bot.send(admin, "18:45")
    await bot.tap(admin, "School days")
    await bot.tap(admin, "Sat")
    await bot.tap(admin, "Back")
    await bot.tap(admin, "Holidays and make-up days")
    await bot.tap(admin, "Add holidays")
    reply = await bot.send(admin, "2026-12-31 - 2026-12-01")
    assert reply is not None and "That range ends before it starts.\nFor example:" in (
        reply.text or ""
    )
    reply = await bot.send(admin, "2027-01-01 - 2027-01-03")
    assert (admin.texts()[-2] or "").startswith("Saved: Jan 1\u2009–\u20093, 2027: holiday")
    await bot.tap(admin, "Add make-up days")
    await bot.send(admin, "2027-01-09")
    await bot.tap(admin, "Back")
    await bot.tap(admin, "Done")
    saved = await school(bot, school_id)
    assert saved.cap_primary == 45
    assert saved.cap_non_school_day == 30
    assert saved.over_cap_mode == "strict"
    assert saved.notice_time == time(18, 45)
    assert saved.school_days == "123456"
    async with bot.session() as session:
        days = (await session.execute(select(CalendarDay.day, CalendarDay.kind))).all()
    assert sorted(days) == [
        (date(2027, 1, 1), "holiday"),
        (date(2027, 1, 2), "holiday"),
        (date(2027, 1, 3), "holiday"),
        (date(2027, 1, 9), "makeup"),
    ]


async def test_the_last_school_day_cannot_be_switched_off_and_the_alert_is_shown(
    bot: Harness,
) -> None:
    """Issue 16: the press is answered once, after the decision, so the alert reaches the user."""
    school_id = await seed(bot)
    admin = bot.user(ADMIN, "Admin")
    await bot.send(admin, "/settings")
    await bot.tap(admin, "School days")
    for day in ("Mon", "Tue", "Wed", "Thu"):
        await bot.tap(admin, day)
        assert admin.answered_callbacks[-1].text is None  # a plain answer, no alert
    answers = len(admin.answered_callbacks)
    keyboard = await bot.tap(admin, "Fri")
    assert len(admin.answered_callbacks) == answers + 1
    alert = admin.answered_callbacks[-1]
    assert (alert.text, alert.show_alert) == ("At least one school day is needed.", True)
    assert "✅ Fri" in keyboard.button_texts  # still on
    assert (await school(bot, school_id)).school_days == "5"


async def test_teacher_cannot_open_settings_or_forge_buttons(bot: Harness) -> None:
    school_id = await seed(bot)
    teacher = bot.user(TEACHER, "Wang")
    reply = await bot.send(teacher, "/settings")
    assert reply is not None and "Only school administrators" in (reply.text or "")
    teacher.tap_raw("st.a:deadbeef:set_mode:2", teacher.last.message_id)
    await bot.deliver()
    assert "no longer available" in (teacher.answered_callbacks[-1].text or "")
    assert (await school(bot, school_id)).over_cap_mode == "warn"


async def test_class_list_then_parent_picks_the_child(bot: Harness) -> None:
    from datetime import timedelta

    from bot.domain.roles import InviteRole
    from storage import repo
    from storage.models import Child, ParentLink, SchoolClass

    school_id = await seed(bot)
    admin = bot.user(ADMIN, "Admin")
    await bot.send(admin, "/classes")
    await bot.tap(admin, "Class lists")
    reply = await bot.tap(admin, "5A")
    assert "Class list of 5A: nobody yet" in (reply.text or "")
    reply = await bot.send(admin, "Lena\nMax, 小明\n12345")
    assert reply.text == "3 names for 5A: Lena, Max, and 小明\nLeft out: 12345"
    await bot.tap(admin, "✖ Back")  # back to the classes: nothing saved
    await bot.tap(admin, "5A")
    reply = await bot.send(admin, "1\tLena\n2\tMax\n3\t小明")  # pasted from a spreadsheet
    assert reply.text == "3 names for 5A: Lena, Max, and 小明"
    reply = await bot.tap(admin, "✅ Save")
    assert "3 children added to the class list of 5A." in (reply.text or "")
    async with bot.session() as session:
        klass = await session.scalar(
            select(SchoolClass).where(SchoolClass.school_id == school_id, SchoolClass.name == "5A")
        )
        assert klass is not None
        names = sorted(await session.scalars(select(Child.name).where(Child.class_id == klass.id)))
        assert names == ["Lena", "Max", "小明"]
        invite = await repo.create_invite(
            session,
            role=InviteRole.PARENT,
            created_by=ADMIN,
            now=bot.clock(),
            valid_for=timedelta(days=30),
            max_uses=None,
            school_id=school_id,
            class_id=klass.id,
        )
        await session.commit()
        code = invite.code
    parent = bot.user(3003, "Anna")
    reply = await bot.send(parent, f"/start {code}")
    assert sorted(reply.button_texts) == ["Lena", "Max", "小明"]
    await bot.tap(parent, "Max")
    async with bot.session() as session:
        linked = await session.scalar(
            select(Child.name)
            .join(ParentLink, ParentLink.child_id == Child.id)
            .where(ParentLink.parent_id == 3003)
        )
    assert linked == "Max"


async def test_second_parent_joins_the_same_child(bot: Harness) -> None:
    import re
    from datetime import timedelta

    from sqlalchemy import func

    from bot.domain.roles import InviteRole
    from storage import repo
    from storage.models import Child, ParentLink, SchoolClass

    school_id = await seed(bot)
    async with bot.session() as session:
        klass = await session.scalar(
            select(SchoolClass).where(SchoolClass.school_id == school_id, SchoolClass.name == "5A")
        )
        assert klass is not None
        invite = await repo.create_invite(
            session,
            role=InviteRole.PARENT,
            created_by=ADMIN,
            now=bot.clock(),
            valid_for=timedelta(days=30),
            max_uses=None,
            school_id=school_id,
            class_id=klass.id,
        )
        await session.commit()
        code = invite.code
    mum, dad, stranger = bot.user(3101, "Mum"), bot.user(3102, "Dad"), bot.user(3103, "X")
    await bot.send(mum, f"/start {code}")
    await bot.send(mum, "Lena")
    await bot.send(mum, "/addchild")
    reply = await bot.tap(mum, "🔗 Lena")
    found = re.search(r"start=([\w-]+)", reply.text or "")
    assert found is not None and "works once, for 7 days" in (reply.text or "")
    family_code = found.group(1)
    # A forged request for a child that is not theirs is refused.
    async with bot.session() as session:
        lena = await session.scalar(select(Child.id).where(Child.name == "Lena"))
    await bot.send(stranger, "/start")
    stranger.tap_raw(f"fam:{lena}", stranger.last.message_id)
    await bot.deliver()
    assert "no longer available" in (stranger.answered_callbacks[-1].text or "")
    reply = await bot.send(dad, f"/start {family_code}")
    assert "Done: Lena in class 5A" in (reply.text or "")
    reply = await bot.send(stranger, f"/start {family_code}")
    assert "already been used" in (reply.text or "")
    async with bot.session() as session:
        children = await session.scalar(select(func.count()).select_from(Child))
        parents = sorted(
            await session.scalars(select(ParentLink.parent_id).where(ParentLink.child_id == lena))
        )
    assert children == 1
    assert parents == [3101, 3102]
