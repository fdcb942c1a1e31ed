"""/newyear: the term dates, a preview, and every class a grade up; the leaving grade archived
with its history; parents stay linked to their children (en, zh_Hans, ru)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from bot.domain.roles import InviteRole
from handlers.school.year import YearConfirmButton
from storage import homework as hw
from storage import repo
from storage.models import (
    Child,
    Invite,
    ParentLink,
    School,
    SchoolClass,
    SchoolYear,
    Teaching,
)
from tests.handlers.onboarding_kit import (
    admin_school,
    assert_refused,
    bulk_classes,
    classes_by_name,
    dialog_token,
    link_child,
    localized,
    one,
    parent_link,
    rows,
    set_up_school,
    subjects_by_name,
    text,
)
from tests.harness import Harness


async def test_the_classes_move_up_and_grade_6_leaves(bot: Harness) -> None:
    admin, school = await set_up_school(bot)
    classes = await classes_by_name(bot, school.id)
    # A parent in 5B and one in 6A; a teacher of 5B and 6A; a live parent link to 6A.
    parent5 = bot.user(3001, "Li")
    await link_child(bot, parent5, await parent_link(bot, admin, "5B", "1 person, 7 days"), "Ming")
    parent6 = bot.user(3002, "Wang")
    await link_child(bot, parent6, await parent_link(bot, admin, "6A", "1 person, 7 days"), "Hua")
    link6 = await parent_link(bot, admin, "6A", "anyone with the link, 90 days")
    maths = (await subjects_by_name(bot, school.id))["Maths"]
    async with bot.session() as session:
        session.add_all(
            Teaching(user_id=admin.id, class_id=classes[name].id, subject_id=maths.id)
            for name in ("5B", "6A")
        )
        await session.commit()

    reply = await bot.send(admin, "/newyear")
    assert "No. 1 Primary School: a new school year." in text(reply)
    assert "Type the first and the last day of the new school year" in text(reply)
    reply = await bot.send(admin, "30 June 2027 - 1 September 2026")
    assert text(reply).startswith("The last day comes before the first.")
    reply = await bot.send(admin, "1 September 2026 - 30 June 2027")
    lines = text(reply).splitlines()
    assert lines[0] == "No. 1 Primary School, the school year Sep 1, 2026\u2009–\u2009Jun 30, 2027:"
    assert lines[1] == "20 classes move up a grade:"
    assert lines[2] == "1A → 2A, 1B → 2B, 1C → 2C, and 1D → 2D"
    assert lines[6] == "5A → 6A, 5B → 6B, 5C → 6C, and 5D → 6D"
    assert lines[7] == (
        "Grade 6 leaves; archived with its history (kept for reports): 6A, 6B, 6C, and 6D"
    )
    assert reply.button_texts == ["✅ Start the new school year", "✖ Cancel"]
    token = await dialog_token(bot, admin)
    reply = await bot.tap(admin, "✅ Start the new school year")
    assert text(reply) == (
        "Done: the school year Sep 1, 2026\u2009–\u2009Jun 30, 2027 has started.\n"
        "20 classes moved up\n4 classes archived"
    )
    await assert_refused(bot, admin, YearConfirmButton(token, True))  # a second tap: nothing

    moved = await one(bot, SchoolClass, SchoolClass.id == classes["5B"].id)
    assert (moved.name, moved.grade, moved.archived_at) == ("6B", 6, None)
    left = await one(bot, SchoolClass, SchoolClass.id == classes["6A"].id)
    assert (left.name, left.grade) == ("6A (class of 2026)", 6)
    assert left.archived_at == bot.clock.now
    # Parents stay linked to their children, who stay in their (moved or archived) class.
    for parent, klass in ((parent5, moved), (parent6, left)):
        link = await one(bot, ParentLink, ParentLink.parent_id == parent.id)
        child = await one(bot, Child, Child.id == link.child_id)
        assert child.class_id == klass.id
    # The teacher keeps 5B (now 6B) and loses the leaving 6A; the link to 6A stops working.
    taught = await rows(bot, Teaching, Teaching.user_id == admin.id)
    assert [t.class_id for t in taught] == [moved.id]
    assert (await one(bot, Invite, Invite.code == link6)).revoked_at == bot.clock.now
    year = await one(bot, SchoolYear, SchoolYear.school_id == school.id)
    assert (year.first_day, year.last_day) == (date(2026, 9, 1), date(2027, 6, 30))
    # The term dates are the school's calendar: the summer after them has no school days.
    async with bot.session() as session:
        calendar = await hw.calendar_of(session, await session.get_one(School, school.id))
    assert calendar.is_school_day(date(2027, 6, 30))  # a Wednesday in the year
    assert not calendar.is_school_day(date(2027, 7, 1))  # a Thursday after it
    # Pickers show the current classes only: 2A..6D.
    await bot.send(admin, "/invite")
    reply = await bot.tap(admin, "Parent")
    names = reply.button_texts[:-1]
    assert names[0] == "2A" and names[-1] == "6D" and len(names) == 20
    assert not any("class of" in n for n in names)
    # Once a year: a new year cannot start inside the current one.
    await bot.send(admin, "/newyear")
    assert "The current school year: Sep 1, 2026\u2009–\u2009Jun 30, 2027." in text(admin.last)
    reply = await bot.send(admin, "1 June 2027 - 30 June 2028")
    assert text(reply).startswith("The current school year runs until Jun 30, 2027")
    async with bot.session() as session:
        grades = list(await session.scalars(select(SchoolClass.grade).order_by(SchoolClass.id)))
    assert grades == [2] * 4 + [3] * 4 + [4] * 4 + [5] * 4 + [6] * 8


async def test_cancel_changes_nothing(bot: Harness) -> None:
    admin, school = await set_up_school(bot)
    before = await classes_by_name(bot, school.id)
    await bot.send(admin, "/newyear")
    await bot.send(admin, "2026-09-01 - 2027-06-30")
    reply = await bot.tap(admin, "✖ Cancel")
    assert text(reply) == "Cancelled. Nothing was changed."
    after = await classes_by_name(bot, school.id)
    assert {n: (c.grade, c.id) for n, c in after.items()} == {
        n: (c.grade, c.id) for n, c in before.items()
    }
    assert await rows(bot, SchoolYear) == []


async def test_chinese_names_move_by_their_pattern(bot: Harness) -> None:
    admin, school = await admin_school(bot, language_code="zh-hans")
    await bulk_classes(bot, admin)
    classes = await classes_by_name(bot, school.id)
    assert "5年级2班" in classes
    await bot.send(admin, "/newyear")
    reply = await bot.send(admin, "9月1日-7月10日")  # no years: the last day is next year
    shown = text(reply)
    moves = localized("zh_Hans", "{old} → {new}").format(old="5年级2班", new="6年级2班")
    assert moves in shown
    leaving = localized(
        "zh_Hans", "Grade {grade} leaves; archived with its history (kept for reports): {classes}"
    ).format(grade=6, classes="6年级1班、6年级2班、6年级3班和6年级4班")
    assert leaving in shown
    await bot.tap(admin, localized("zh_Hans", "✅ Start the new school year"))
    assert (await one(bot, SchoolClass, SchoolClass.id == classes["5年级2班"].id)).name == (
        "6年级2班"
    )
    year = await one(bot, SchoolYear, SchoolYear.school_id == school.id)
    assert (year.first_day.month, year.first_day.day) == (9, 1)
    assert year.last_day == date(year.first_day.year + 1, 7, 10)
    archived = await one(bot, SchoolClass, SchoolClass.id == classes["6年级2班"].id)
    assert archived.name == f"6年级2班（{year.first_day.year}届）"


async def test_russian_names_and_a_junior_school(bot: Harness) -> None:
    admin, school = await admin_school(bot, language_code="ru")
    await bulk_classes(bot, admin, preset=1)  # grades 7-9
    classes = await classes_by_name(bot, school.id)
    assert "7А" in classes and "9Г" in classes
    await bot.send(admin, "/newyear")
    reply = await bot.send(admin, "1.9.2026 - 31.5.2027")
    assert localized("ru", "{old} → {new}").format(old="8Б", new="9Б") in text(reply)
    await bot.tap(admin, localized("ru", "✅ Start the new school year"))
    assert (await one(bot, SchoolClass, SchoolClass.id == classes["8Б"].id)).name == "9Б"
    archived = await one(bot, SchoolClass, SchoolClass.id == classes["9Б"].id)
    assert archived.name == "9Б (выпуск 2026)"
    live = await rows(bot, Invite, Invite.role == InviteRole.PARENT)
    assert live == []


async def test_a_name_clash_is_shown_and_nothing_moves(bot: Harness) -> None:
    admin, school = await admin_school(bot)
    async with bot.session() as session:
        # "4A" of grade 2 does not show its grade: it keeps its name, and 3A would become 4A.
        await repo.add_classes(session, school.id, [(2, "4A"), (3, "3A"), (6, "6A")])
        await session.commit()
    await bot.send(admin, "/newyear")
    reply = await bot.send(admin, "2026-09-01 - 2027-06-30")
    assert "Two classes would have the same name: 4A. Rename one in /classes first." in text(reply)
    assert reply.button_texts == ["✖ Cancel"]
    assert await rows(bot, SchoolYear) == []
    names = sorted(c.name for c in (await classes_by_name(bot, school.id)).values())
    assert names == ["3A", "4A", "6A"]
