"""The whole onboarding chain in Chinese and in Russian (and English as the reference).

Texts are checked against the catalogues as they are when the test runs: the message must be
the locale's rendering, and not the English one where a translation exists.
"""

from __future__ import annotations

import pytest

from bot.domain.naming import class_name
from bot.domain.presets import SUBJECT_PRESETS
from bot.domain.roles import InviteRole, Role
from bot.i18n import format_list, use_locale
from handlers.onboarding.invite_labels import (
    PARENT_VALIDITY,
    STAFF_VALIDITY,
    role_label,
    validity_label,
)
from storage.models import Child, Membership, ParentLink, SchoolClass, Teaching
from tests.handlers.onboarding_kit import (
    assert_speaks,
    classes_by_name,
    codes,
    localized,
    new_school,
    one,
    rows,
    subjects_by_name,
    text,
)
from tests.harness import OWNER_ID, Harness

LANGUAGES = [("zh-hans", "zh_Hans"), ("ru", "ru"), ("en", "en")]


def label(locale: str, msgid: str) -> str:
    return localized(locale, msgid)


def role_button(locale: str, role: InviteRole) -> str:
    with use_locale(locale):
        return role_label(role).capitalize()


@pytest.mark.parametrize(("language_code", "locale"), LANGUAGES)
async def test_onboarding_chain_in_each_language(
    bot: Harness, language_code: str, locale: str
) -> None:
    owner = bot.user(OWNER_ID, "Owner", language_code=language_code)
    reply = await bot.send(owner, "/newschool")
    assert_speaks(reply, locale, "New school. Which district does it belong to?")
    await bot.send(owner, "/cancel")
    code = await new_school(bot, owner, district="District", school="School 1")
    assert_speaks(
        owner.last,
        locale,
        "The school {school} is created. Send this link to its administrator (it works "
        "once, for {days} days):\n{link}\n\nOpen it yourself if you will administer the "
        "school.",
        school="School 1",
        days=14,
        link=f"https://t.me/qingfu_test_bot?start={code}",
    )

    # The administrator joins and sets up classes and subjects.
    admin = bot.user(6001, "Admin", language_code=language_code)
    reply = await bot.send(admin, f"/start {code}")
    assert_speaks(
        reply, locale, "You are now a school administrator of {school}.", school="School 1"
    )
    menu = {c["command"]: c["description"] for c in admin.chat_menu_commands()}
    assert menu["classes"] == label(locale, "Set up grades and classes")
    assert menu["invite"] == label(locale, "Create an invite link")
    await bot.send(admin, "/classes")
    await bot.tap(admin, label(locale, "Add grades and classes"))
    reply = await bot.send(admin, "3-5")
    assert_speaks(
        reply,
        locale,
        "Grades {a}-{b}. How many classes in each grade? Pick or type a number:",
        a=3,
        b=5,
    )
    await bot.send(admin, "2")
    await bot.tap(admin, label(locale, "✅ Create"))
    await bot.tap(admin, label(locale, "Done"))
    school_id = (await one(bot, Membership, Membership.user_id == 6001)).school_id
    assert school_id is not None
    classes = await classes_by_name(bot, school_id)
    expected = {class_name(locale, g, n) for g in (3, 4, 5) for n in (1, 2)}
    assert set(classes) == expected
    assert all(c.grade == int(c.name[0]) for c in classes.values())
    await bot.send(admin, "/subjects")
    await bot.tap(admin, label(locale, "Add the usual subjects"))
    subjects = await subjects_by_name(bot, school_id)
    preset = SUBJECT_PRESETS[locale]
    assert set(subjects) == set(preset)

    # A teacher of the first subject in 4/2 (4B, 4Б, 4年级2班).
    subject, klass = preset[1], class_name(locale, 4, 2)
    await bot.send(admin, "/invite")
    await bot.tap(admin, role_button(locale, InviteRole.TEACHER))
    await bot.tap(admin, label(locale, "Next ➡"))
    assert admin.answered_callbacks[-1].text == label(locale, "Select at least one first.")
    await bot.tap(admin, subject)
    await bot.tap(admin, label(locale, "Next ➡"))
    await bot.tap(admin, klass)
    await bot.tap(admin, label(locale, "Next ➡"))
    with use_locale(locale):
        staff_validity = validity_label(STAFF_VALIDITY[0])
        parent_validity = validity_label(PARENT_VALIDITY[0])
    [teacher_code] = codes(await bot.tap(admin, staff_validity))
    teacher = bot.user(6002, "Teacher", language_code=language_code)
    reply = await bot.send(teacher, f"/start {teacher_code}")
    with use_locale(locale):
        taught = format_list([f"{klass} {subject}"])
    assert_speaks(
        reply,
        locale,
        "You are now a teacher at {school}: {classes}.",
        school="School 1",
        classes=taught,
    )
    teaching = await one(bot, Teaching, Teaching.user_id == 6002)
    assert (teaching.class_id, teaching.subject_id) == (classes[klass].id, subjects[subject].id)
    assert (await one(bot, Membership, Membership.user_id == 6002)).role == Role.TEACHER

    # A parent of a child in 3/1.
    parent_class = class_name(locale, 3, 1)
    await bot.send(admin, "/invite")
    await bot.tap(admin, role_button(locale, InviteRole.PARENT))
    await bot.tap(admin, parent_class)
    [parent_code] = codes(await bot.tap(admin, parent_validity))
    parent = bot.user(6003, "Parent", language_code=language_code)
    reply = await bot.send(parent, f"/start {parent_code}")
    assert_speaks(
        reply, locale, "Class {klass} at {school}.", klass=parent_class, school="School 1"
    )
    reply = await bot.send(parent, "Lena 2")
    assert_speaks(
        reply, locale, "A name may contain only letters, spaces and hyphens. Please try again."
    )
    child_name = {"zh_Hans": "王小明", "ru": "Алёна", "en": "Lena"}[locale]
    await bot.send(parent, child_name)
    child = await one(bot, Child)
    assert (child.name, child.class_id) == (child_name, classes[parent_class].id)
    assert (await one(bot, ParentLink)).parent_id == 6003
    reply = await bot.send(parent, "/me")
    assert_speaks(
        reply,
        locale,
        "Parent of {child}, class {klass} at {school}",
        child=child_name,
        klass=parent_class,
        school="School 1",
    )
    reply = await bot.send(parent, "/help")
    assert "/addchild" in text(reply)
    assert await rows(bot, SchoolClass, SchoolClass.school_id != school_id) == []
