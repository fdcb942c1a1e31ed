"""/classes and /subjects through the real Application: what is shown and what is stored."""

from __future__ import annotations

import pytest

from bot.domain.naming import class_names
from bot.domain.roles import InviteRole
from handlers.school.setup import SetupAction, SetupButton, SetupSchoolButton
from storage.models import Child, Dialog, Invite, Membership, SchoolClass, Subject, Teaching
from tests.handlers.onboarding_kit import (
    admin_school,
    assert_refused,
    bulk_classes,
    classes_by_name,
    dialog_token,
    new_school,
    one,
    rows,
    set_up_school,
    subjects_by_name,
    text,
)
from tests.harness import Harness

GRADE_BUTTONS = ["Grades 1-6", "Grades 7-9", "Grades 1-9", "Grades 10-12", "✖ Back"]
COUNT_BUTTONS = [str(n) for n in range(1, 13)] + ["✖ Back"]


async def class_list(bot: Harness, school_id: int) -> list[tuple[int, str]]:
    found = await rows(bot, SchoolClass, SchoolClass.school_id == school_id)
    return sorted((c.grade, c.name) for c in found)


# ---------------------------------------------------------------- classes


async def test_bulk_classes_by_buttons(bot: Harness) -> None:
    admin, school = await admin_school(bot)
    reply = await bot.send(admin, "/classes")
    assert "Classes of No. 1 Primary School:\nNo classes yet." in text(reply)
    assert reply is not None
    assert reply.button_texts == ["Add grades and classes", "Add one class", "Done"]
    reply = await bot.tap(admin, "Add grades and classes")
    assert "Which grades?" in text(reply)
    assert reply.button_texts == GRADE_BUTTONS
    reply = await bot.tap(admin, "Grades 1-6")
    assert "Grades 1-6. How many classes in each grade?" in text(reply)
    assert reply.button_texts == COUNT_BUTTONS
    reply = await bot.tap(admin, "4")
    assert text(reply).startswith(
        "Grades 1-6, 4 classes each.\nThis creates 24 classes:\n• Grade 1: 1A, 1B, 1C, and 1D\n"
    )
    assert await class_list(bot, school.id) == []  # nothing before the confirmation
    reply = await bot.tap(admin, "✅ Create")
    assert admin.answered_callbacks[-1].text == "24 classes created."
    # the overview is a register (format_inventory), the preview above a phrase
    assert "Grade 1: 1A, 1B, 1C, 1D\n" in text(reply)
    assert "Grade 6: 6A, 6B, 6C, 6D" in text(reply)
    assert "Delete a class" in reply.button_texts
    expected = [(g, f"{g}{letter}") for g in range(1, 7) for letter in "ABCD"]
    assert await class_list(bot, school.id) == expected
    # Create again (a double tap): the dialog moved on, nothing is created twice.
    await assert_refused(
        bot, admin, SetupButton(await dialog_token(bot, admin), SetupAction.CREATE, 4)
    )
    reply = await bot.tap(admin, "Done")
    assert text(reply) == "Saved."
    assert await rows(bot, Dialog) == []
    assert len(await class_list(bot, school.id)) == 24


async def test_bulk_classes_typed_with_bad_input_asked_again(bot: Harness) -> None:
    admin, school = await admin_school(bot)
    await bot.send(admin, "/classes")
    await bot.tap(admin, "Add grades and classes")
    refusals = {
        "0-13": "Grades go from 1 to 12.",
        "abc": "I could not read that as grades or a class.",
        "99": "I could not read that as grades or a class.",
        "5-3": "That range of grades ends before it starts.",
        "3-5-7": "I could not read that as grades or a class.",
        "": "I could not read that as grades or a class.",
    }
    for bad, refusal in refusals.items():
        reply = await bot.send(admin, bad or " ")
        assert text(reply).startswith(refusal + "\nFor example: Grades 1-6, 4 classes"), bad
        assert "Which grades? Pick a range or type one" in text(reply)
        assert reply is not None and reply.button_texts == GRADE_BUTTONS
    reply = await bot.send(admin, "３－５")  # full-width, as a Chinese keyboard types it
    assert "Grades 3-5. How many classes in each grade?" in text(reply)
    for bad in ("0", "41", "abc", "2.5", "-3"):
        reply = await bot.send(admin, bad)
        assert "For example: 4, 4 classes." in text(reply), bad
        assert "Grades 3-5. How many classes in each grade?" in text(reply)
        assert reply is not None and reply.button_texts == COUNT_BUTTONS
    reply = await bot.send(admin, "3")
    assert text(reply) == (
        "Grades 3-5, 3 classes each.\nThis creates 9 classes:\n• Grade 3: 3A, 3B, and 3C\n"
        "• Grade 4: 4A, 4B, and 4C\n• Grade 5: 5A, 5B, and 5C"
    )
    await bot.tap(admin, "✅ Create")
    assert admin.answered_callbacks[-1].text == "9 classes created."
    assert await class_list(bot, school.id) == [
        (g, f"{g}{letter}") for g in (3, 4, 5) for letter in "ABC"
    ]


async def test_bulk_classes_keep_existing_and_back_buttons_work(bot: Harness) -> None:
    admin, school = await admin_school(bot)
    await bulk_classes(bot, admin)  # 1-6 x 4
    await bot.send(admin, "/classes")
    await bot.tap(admin, "Add grades and classes")
    await bot.send(admin, "5-7")
    reply = await bot.tap(admin, "5")
    assert "This creates 7 classes:" in text(reply)
    assert "8 of them are already there and are kept." in text(reply)
    reply = await bot.tap(admin, "✖ Back")  # from the confirmation to the grades
    assert "Which grades?" in text(reply)
    reply = await bot.tap(admin, "✖ Back")  # from the grades to the menu
    assert "Classes of No. 1 Primary School" in text(reply)
    await bot.tap(admin, "Add grades and classes")
    await bot.send(admin, "5-7")
    reply = await bot.tap(admin, "5")
    reply = await bot.tap(admin, "✖ Back")  # from the count to the grades
    await bot.send(admin, "5-7")
    await bot.send(admin, "5")
    await bot.tap(admin, "✅ Create")
    assert admin.answered_callbacks[-1].text == "7 classes created."  # 5E, 6E, 7A-7E
    names = [name for _grade, name in await class_list(bot, school.id)]
    assert len(names) == 31 == len(set(names))
    assert {"5E", "6E", "7A", "7E"} <= set(names)


async def test_more_than_24_classes_in_a_grade(bot: Harness) -> None:
    admin, school = await admin_school(bot)
    await bot.send(admin, "/classes")
    await bot.tap(admin, "Add grades and classes")
    await bot.send(admin, "9")
    await bot.send(admin, "30")
    await bot.tap(admin, "✅ Create")
    names = [name for _grade, name in await class_list(bot, school.id)]
    assert len(set(names)) == 30
    assert {"9A", "9Z", "9-25", "9-30"} <= set(names)
    assert "9I" not in names and "9O" not in names  # letters that read as digits are skipped


async def test_add_one_class_and_duplicate_refused(bot: Harness) -> None:
    admin, school = await admin_school(bot)
    await bot.send(admin, "/classes")
    reply = await bot.tap(admin, "Add one class")
    question = "Type the class as the school writes it, e.g. 5B, Year 5 Blue, or 5 Fifth E:"
    assert text(reply) == question
    too_long = "5 " + "X" * 33
    for bad, refusal in (
        ("13A", "Grades go from 1 to 12."),
        ("13 13A", "I could not read that as grades or a class."),
        ("0 0A", "I could not read that as grades or a class."),
        (too_long, "I could not read that as grades or a class."),
        ("five 5E", "I could not read that as grades or a class."),
    ):
        reply = await bot.send(admin, bad)
        assert text(reply).startswith(refusal + "\nFor example: "), bad
        assert text(reply).endswith(question)
    assert await class_list(bot, school.id) == []
    reply = await bot.send(admin, "5  Fifth  E")
    assert text(reply) == "Grade 5, class Fifth E. Add it?"
    assert await class_list(bot, school.id) == []  # nothing before the confirmation
    reply = await bot.tap(admin, "✅ Add")
    assert "Grade 5: Fifth E" in text(reply)
    await bot.tap(admin, "Add one class")
    reply = await bot.send(admin, "5，5E")  # a Chinese comma
    reply = await bot.tap(admin, "✅ Add")
    assert "Grade 5: 5E, Fifth E" in text(reply)
    await bot.tap(admin, "Add one class")
    reply = await bot.send(admin, "6 5E")
    assert text(reply).startswith("5E already exists.")
    assert await class_list(bot, school.id) == [(5, "5E"), (5, "Fifth E")]


async def test_delete_unused_class_but_not_one_with_children(bot: Harness) -> None:
    admin, school = await admin_school(bot)
    await bulk_classes(bot, admin, per_grade=2)  # 1A, 1B ... 6A, 6B
    classes = await classes_by_name(bot, school.id)
    async with bot.session() as session:
        session.add(Child(class_id=classes["2A"].id, name="Lena"))
        await session.commit()
    await bot.send(admin, "/classes")
    reply = await bot.tap(admin, "Delete a class")
    assert text(reply) == "Which class do you want to delete?"
    assert reply.button_texts[:4] == ["1A", "1B", "2A", "2B"]
    assert reply.button_texts[-1] == "✖ Back"
    edits = reply.edits
    reply = await bot.tap(admin, "2A")
    assert text(reply) == "2A has 1 child on its class list; a class with history is kept."
    assert reply.edits == edits + 1
    assert reply.button_texts == ["✖ Back"]
    assert "2A" in await classes_by_name(bot, school.id)
    await bot.tap(admin, "✖ Back")
    reply = await bot.tap(admin, "1B")
    assert text(reply) == "Delete 1B? It has no class list, homework or complaints yet."
    assert "1B" in await classes_by_name(bot, school.id)  # nothing before the confirmation
    reply = await bot.tap(admin, "🗑 Delete 1B")
    assert admin.answered_callbacks[-1].text == "1B deleted."
    assert "Grade 1: 1A\n" in text(reply)
    assert "1B" not in await classes_by_name(bot, school.id)
    reply = await bot.tap(admin, "Delete a class")
    reply = await bot.tap(admin, "✖ Back")  # back to the menu, the dialog goes on
    assert "Classes of No. 1 Primary School" in text(reply)
    assert (await one(bot, Dialog)).step == "menu"


async def test_deleting_a_class_or_subject_updates_invites_and_teaching(bot: Harness) -> None:
    admin, school = await set_up_school(bot)
    classes = await classes_by_name(bot, school.id)
    subjects = await subjects_by_name(bot, school.id)
    # A parent link for 6D, and a teacher link for 6C and 6D in Maths and Chinese.
    await bot.send(admin, "/invite")
    await bot.tap(admin, "Parent")
    await bot.tap(admin, "6D")
    await bot.tap(admin, "anyone with the link, 90 days")
    await bot.send(admin, "/invite")
    await bot.tap(admin, "Teacher")
    await bot.tap(admin, "Maths")
    await bot.tap(admin, "Chinese")
    await bot.tap(admin, "Next ➡")
    for _subject in ("Maths", "Chinese"):  # each subject's classes
        await bot.tap(admin, "6C")
        await bot.tap(admin, "6D")
        await bot.tap(admin, "Next ➡")
    await bot.tap(admin, "1 person, 7 days")
    async with bot.session() as session:
        session.add(Teaching(user_id=admin.id, class_id=classes["6D"].id, subject_id=1))
        await session.commit()

    await bot.send(admin, "/classes")
    await bot.tap(admin, "Delete a class")
    await bot.tap(admin, "6D")
    await bot.tap(admin, "🗑 Delete 6D")
    assert "6D" not in await classes_by_name(bot, school.id)
    assert await rows(bot, Teaching) == []
    assert await rows(bot, Invite, Invite.role == InviteRole.PARENT) == []
    teacher_invite = await one(bot, Invite, Invite.role == InviteRole.TEACHER)
    maths, chinese = subjects["Maths"].id, subjects["Chinese"].id
    six_c = classes["6C"].id
    assert sorted(map(tuple, teacher_invite.teaching)) == sorted([(six_c, maths), (six_c, chinese)])
    await bot.tap(admin, "Done")

    await bot.send(admin, "/subjects")
    await bot.tap(admin, "Delete a subject")
    await bot.tap(admin, "Maths")
    await bot.tap(admin, "Delete a subject")
    await bot.tap(admin, "Chinese")
    teacher_invite = await one(bot, Invite, Invite.role == InviteRole.TEACHER)
    assert teacher_invite.teaching == []
    assert teacher_invite.revoked_at == bot.clock.now  # nothing left to teach


async def test_forged_setup_buttons_are_refused(bot: Harness) -> None:
    admin, school = await admin_school(bot)
    await bulk_classes(bot, admin, per_grade=1)
    classes = await classes_by_name(bot, school.id)
    other_admin, other = await admin_school(bot, user_id=2002)
    await bulk_classes(bot, other_admin, per_grade=1)
    foreign = await classes_by_name(bot, other.id)
    await bot.send(admin, "/classes")
    token = await dialog_token(bot, admin)
    await assert_refused(bot, admin, SetupSchoolButton(token, other.id))
    await assert_refused(bot, admin, SetupButton(token, SetupAction.DELETE, foreign["1A"].id))
    await assert_refused(bot, admin, SetupButton(token, SetupAction.BULK, 99))
    await assert_refused(bot, admin, SetupButton(token, SetupAction.BULK, -1))
    await assert_refused(bot, admin, SetupButton(token, SetupAction.CREATE, 4))  # not at that step
    await assert_refused(bot, admin, SetupButton(token, SetupAction.PRESET))  # a subjects button
    await assert_refused(bot, admin, SetupButton(token, SetupAction.DELETE, 10**9))
    await assert_refused(bot, admin, SetupButton("deadbeef", SetupAction.DELETE, classes["1A"].id))
    await assert_refused(bot, admin, f"su.a:{token}:explode:1")
    await assert_refused(bot, admin, f"su.a:{token}:delete:x")
    await assert_refused(bot, admin, f"su.a:{token}:delete:1:2")
    await assert_refused(bot, admin, "su.a")
    await assert_refused(bot, admin, "\u00ff" * 40)  # over 64 bytes
    # The other admin's own dialog token does not open this admin's classes either.
    await bot.send(other_admin, "/classes")
    other_token = await dialog_token(bot, other_admin)
    await assert_refused(bot, admin, SetupButton(other_token, SetupAction.DELETE, classes["1A"].id))
    await assert_refused(
        bot, other_admin, SetupButton(other_token, SetupAction.DELETE, classes["1A"].id)
    )
    assert len(await classes_by_name(bot, school.id)) == 6


async def test_admin_of_two_schools_picks_one(bot: Harness) -> None:
    admin, first = await admin_school(bot)
    code = await new_school(bot, district="Chaoyang", school="Another School")
    await bot.send(admin, f"/start {code}")
    reply = await bot.send(admin, "/classes")
    assert text(reply) == "For which school?"
    assert reply is not None and reply.button_texts == ["Another School", "No. 1 Primary School"]
    reply = await bot.tap(admin, "Another School")
    assert "Classes of Another School:" in text(reply)
    await bot.tap(admin, "Add one class")
    await bot.send(admin, "1 1A")
    await bot.tap(admin, "✅ Add")
    [klass] = await rows(bot, SchoolClass)
    assert klass.school_id != first.id


async def test_setup_refused_without_admin_rights(bot: Harness) -> None:
    admin, school = await admin_school(bot)
    eve = bot.user(3001, "Eve")
    for command in ("/classes", "/subjects"):
        reply = await bot.send(eve, command)
        assert text(reply) == "Only school administrators can change the school's set-up."
    owner_reply = await bot.send(bot.user(1000), "/classes")
    assert text(owner_reply) == "Only school administrators can change the school's set-up."
    # Rights lost in the middle of a dialog: typed text and buttons are refused.
    await bot.send(admin, "/classes")
    await bot.tap(admin, "Add one class")
    token = await dialog_token(bot, admin)
    async with bot.session() as session:
        membership = await session.get(Membership, (await one(bot, Membership)).id)
        await session.delete(membership)
        await session.commit()
    await assert_refused(bot, admin, SetupButton(token, SetupAction.ONE))
    reply = await bot.send(admin, "5 5A")
    assert text(reply) == "This is no longer available."
    assert await rows(bot, SchoolClass, SchoolClass.school_id == school.id) == []
    assert await rows(bot, Dialog) == []


# ---------------------------------------------------------------- subjects


async def test_subjects_preset_typed_and_deleted(bot: Harness) -> None:
    admin, school = await admin_school(bot)
    reply = await bot.send(admin, "/subjects")
    assert text(reply) == "Subjects of No. 1 Primary School: none yet"
    reply = await bot.tap(admin, "Add the usual subjects")
    assert text(reply).startswith("Subjects of No. 1 Primary School: Chinese, Maths, English")
    preset = [s.name for s in sorted(await rows(bot, Subject), key=lambda s: s.position)]
    assert preset[:3] == ["Chinese", "Maths", "English"] and len(preset) == 10
    reply = await bot.tap(admin, "Add the usual subjects")  # again: nothing doubled
    assert len(await rows(bot, Subject)) == 10

    reply = await bot.tap(admin, "Type subjects to add")
    assert 'separated by commas or one a line (e.g. "Music, Art")' in text(reply)
    for bad in ("Music, " + "X" * 41, " , ，", "A" * 41):
        reply = await bot.send(admin, bad)
        assert "Please type subject names of at most 40 characters" in text(reply), bad
        assert "For example: Music, Art, PE" in text(reply), bad
        assert "Type the subjects to add" in text(reply)
    assert len(await rows(bot, Subject)) == 10
    reply = await bot.send(admin, "Music, Art,, Maths ,")
    assert text(reply).startswith("2 subjects added.\n\n")
    assert text(reply).endswith("Geography, Biology, Music, Art")
    await bot.tap(admin, "Type subjects to add")
    await bot.send(admin, "书法，围棋、Drama; Dance")
    names = [s.name for s in sorted(await rows(bot, Subject), key=lambda s: s.position)]
    assert names[10:] == ["Music", "Art", "书法", "围棋", "Drama", "Dance"]
    assert len(names) == len(set(names))

    reply = await bot.tap(admin, "Delete a subject")
    assert text(reply) == "Which subject do you want to delete?"
    await bot.tap(admin, "Art")
    names_after = {s.name for s in await rows(bot, Subject, Subject.school_id == school.id)}
    assert "Art" not in names_after and len(names_after) == 15


@pytest.mark.parametrize(
    ("language_code", "locale"), [("ru", "ru"), ("zh-hans", "zh_Hans"), ("en-US", "en")]
)
async def test_class_names_follow_the_admins_locale(
    bot: Harness, language_code: str, locale: str
) -> None:
    admin, school = await admin_school(bot, language_code=language_code)
    await bulk_classes(bot, admin, preset=1, per_grade=3)  # grades 7-9
    expected = sorted(class_names(locale, 7, 9, 3))
    assert await class_list(bot, school.id) == expected
    assert len(expected) == 9


async def test_buttons_of_a_replaced_setup_dialog_are_refused(bot: Harness) -> None:
    admin, school = await admin_school(bot)
    classes_menu = await bot.send(admin, "/classes")
    await bot.send(admin, "/subjects")  # replaces the classes dialog
    assert classes_menu is not None
    for button in classes_menu.buttons:
        await assert_refused(bot, admin, button["callback_data"], classes_menu.message_id)
    preset_button = admin.last.buttons[0]["callback_data"]  # "Add the usual subjects"
    await bot.tap(admin, "Done")
    assert await rows(bot, Dialog) == []
    await assert_refused(bot, admin, preset_button)
    assert await rows(bot, Subject, Subject.school_id == school.id) == []


async def test_a_class_name_with_a_bidi_override_is_cleaned_and_told(bot: Harness) -> None:
    admin, school = await admin_school(bot)
    await bot.send(admin, "/classes")
    await bot.tap(admin, "Add one class")
    reply = await bot.send(admin, "5 5\u202eE\u200b")
    assert "Invisible characters were removed from the name: U+202E and U+200B." in text(reply)
    assert text(reply).endswith("Grade 5, class 5E. Add it?")
    reply = await bot.tap(admin, "✅ Add")
    assert "Grade 5: 5E" in text(reply)
    assert await class_list(bot, school.id) == [(5, "5E")]
