"""/invite for every role, the links redeemed by new users, and /invites with revoking."""

from __future__ import annotations

from datetime import timedelta

from bot.domain.roles import InviteRole, Role
from handlers.onboarding.invite_list import InviteRevokeButton
from handlers.onboarding.invites import (
    InviteClassButton,
    InviteDistrictButton,
    InviteGradeButton,
    InviteRoleButton,
    InviteSchoolButton,
    InviteStep,
    InviteToggleButton,
    InviteValidityButton,
)
from storage.models import District, Invite, Membership, ParentLink, SchoolClass, Teaching
from tests.handlers.onboarding_kit import (
    admin_school,
    assert_refused,
    bulk_classes,
    classes_by_name,
    codes,
    dialog_token,
    link_child,
    new_school,
    one,
    parent_link,
    preset_subjects,
    rows,
    set_up_school,
    subjects_by_name,
    text,
)
from tests.harness import OWNER_ID, Harness

STAFF_VALIDITY = ["1 person, 7 days", "1 person, 30 days", "up to 10 people, 7 days"]
PARENT_VALIDITY = [
    "anyone with the link, 90 days",
    "anyone with the link, no expiry",
    "1 person, 7 days",
]
ROLES = ["Teacher", "Grade leader", "Parent", "Complaint handler", "School administrator"]


async def test_teacher_invite_with_subjects_and_classes(bot: Harness) -> None:
    admin, school = await set_up_school(bot)
    classes = await classes_by_name(bot, school.id)
    subjects = await subjects_by_name(bot, school.id)
    reply = await bot.send(admin, "/invite")
    assert text(reply) == "No. 1 Primary School: whom do you want to invite?"
    assert reply is not None and reply.button_texts == ROLES
    reply = await bot.tap(admin, "Teacher")
    assert "Which subjects does the teacher teach?" in text(reply)
    assert len(reply.button_texts) == 10 + 1
    await bot.tap(admin, "Next ➡")
    alert = admin.answered_callbacks[-1]
    assert (alert.text, alert.show_alert) == ("Select at least one first.", True)
    await bot.tap(admin, "Maths")
    await bot.tap(admin, "English")
    reply = await bot.tap(admin, "✅ English")  # tapped again: deselected
    assert "✅ Maths" in reply.button_texts and "English" in reply.button_texts
    reply = await bot.tap(admin, "Next ➡")
    assert "In which classes?" in text(reply)
    assert len(reply.button_texts) == 24 + 1
    await bot.tap(admin, "Next ➡")
    assert admin.answered_callbacks[-1].text == "Select at least one first."
    await bot.tap(admin, "5A")
    reply = await bot.tap(admin, "5B")
    reply = await bot.tap(admin, "Next ➡")
    assert text(reply) == "Who may use the link, and for how long?"
    assert reply.button_texts == STAFF_VALIDITY
    reply = await bot.tap(admin, "1 person, 7 days")
    assert text(reply).startswith(
        "Invite link for a teacher — No. 1 Primary School, 5A Maths and 5B Maths "
        "(1 person, 7 days):"
    )
    [code] = codes(reply)
    invite = await one(bot, Invite, Invite.code == code)
    maths = subjects["Maths"].id
    assert (invite.role, invite.school_id, invite.max_uses) == (InviteRole.TEACHER, school.id, 1)
    assert invite.district_id == school.district_id
    assert invite.expires_at == bot.clock.now + timedelta(days=7)
    assert sorted(map(tuple, invite.teaching)) == [
        (classes["5A"].id, maths),
        (classes["5B"].id, maths),
    ]

    teacher = bot.user(4001, "Li")
    reply = await bot.send(teacher, f"/start {code}")
    assert "You are now a teacher at No. 1 Primary School: 5A Maths and 5B Maths." in text(reply)
    membership = await one(bot, Membership, Membership.user_id == 4001)
    assert (membership.role, membership.school_id, membership.grade) == (
        Role.TEACHER,
        school.id,
        None,
    )
    taught = await rows(bot, Teaching, Teaching.user_id == 4001)
    assert sorted((t.class_id, t.subject_id) for t in taught) == [
        (classes["5A"].id, maths),
        (classes["5B"].id, maths),
    ]
    reply = await bot.send(teacher, "/me")
    assert "• Teacher of Maths in 5A and 5B at No. 1 Primary School" in text(reply)


async def test_grade_leader_invite(bot: Harness) -> None:
    admin, school = await admin_school(bot)
    await bot.send(admin, "/invite")
    reply = await bot.tap(admin, "Grade leader")
    assert text(reply) == "Set up the classes first with /classes."
    await bulk_classes(bot, admin, preset=1, per_grade=2)  # grades 7-9
    await bot.send(admin, "/invite")
    reply = await bot.tap(admin, "Grade leader")
    assert text(reply) == "Grade leader of which grade?"
    assert reply.button_texts == ["Grade 7", "Grade 8", "Grade 9"]
    token = await dialog_token(bot, admin)
    await assert_refused(bot, admin, InviteGradeButton(token, 5))  # no such grade at this school
    reply = await bot.tap(admin, "Grade 8")
    reply = await bot.tap(admin, "up to 10 people, 7 days")
    assert "Invite link for a grade leader — No. 1 Primary School, grade 8" in text(reply)
    [code] = codes(reply)
    invite = await one(bot, Invite, Invite.code == code)
    assert (invite.role, invite.grade, invite.max_uses) == (InviteRole.GRADE_LEADER, 8, 10)
    for user_id in (4101, 4102):
        leader = bot.user(user_id, "Zhao")
        reply = await bot.send(leader, f"/start {code}")
        assert "You are now the grade leader of grade 8 at No. 1 Primary School." in text(reply)
        membership = await one(bot, Membership, Membership.user_id == user_id)
        assert (membership.role, membership.school_id, membership.grade) == (
            Role.GRADE_LEADER,
            school.id,
            8,
        )
        assert membership.scope_key == f"s:{school.id}:g:8"
        reply = await bot.send(leader, "/me")
        assert "• Grade leader of grade 8 at No. 1 Primary School" in text(reply)
    assert (await one(bot, Invite, Invite.code == code)).uses == 2


async def test_complaint_handler_invite(bot: Harness) -> None:
    admin, school = await admin_school(bot)
    await bot.send(admin, "/invite")
    await bot.tap(admin, "Complaint handler")
    reply = await bot.tap(admin, "1 person, 30 days")
    [code] = codes(reply)
    invite = await one(bot, Invite, Invite.code == code)
    assert invite.expires_at == bot.clock.now + timedelta(days=30)
    handler = bot.user(4201, "Sun")
    reply = await bot.send(handler, f"/start {code}")
    assert "You now handle parents' complaints at No. 1 Primary School." in text(reply)
    membership = await one(bot, Membership, Membership.user_id == 4201)
    assert (membership.role, membership.school_id) == (Role.COMPLAINT_HANDLER, school.id)
    reply = await bot.send(handler, "/me")
    assert "• Complaint handler at No. 1 Primary School" in text(reply)


async def test_admin_invites_another_admin_of_the_school(bot: Harness) -> None:
    admin, school = await admin_school(bot)
    await bot.send(admin, "/invite")
    await bot.tap(admin, "School administrator")
    [code] = codes(await bot.tap(admin, "1 person, 7 days"))
    deputy = bot.user(4301, "Deputy")
    await bot.send(deputy, f"/start {code}")
    membership = await one(bot, Membership, Membership.user_id == 4301)
    assert (membership.role, membership.school_id) == (Role.SCHOOL_ADMIN, school.id)


async def test_parent_invites_one_class_and_every_class(bot: Harness) -> None:
    admin, school = await set_up_school(bot)
    classes = await classes_by_name(bot, school.id)
    await bot.send(admin, "/invite")
    reply = await bot.tap(admin, "Parent")
    assert text(reply) == "Parents of which class?"
    assert reply.button_texts == [*classes_in_order(classes), "Every class (one link each)"]
    reply = await bot.tap(admin, "3B")
    assert reply.button_texts == PARENT_VALIDITY
    reply = await bot.tap(admin, "anyone with the link, no expiry")
    assert "Invite link for a parent — No. 1 Primary School, 3B" in text(reply)
    [code] = codes(reply)
    invite = await one(bot, Invite, Invite.code == code)
    assert (invite.role, invite.class_id) == (InviteRole.PARENT, classes["3B"].id)
    assert (invite.max_uses, invite.expires_at) == (50, None)  # no class list: 50 parents

    await bot.send(admin, "/invite")
    await bot.tap(admin, "Parent")
    await bot.tap(admin, "Every class (one link each)")
    reply = await bot.tap(admin, "anyone with the link, 90 days")
    lines = text(reply).splitlines()
    assert lines[0] == "Invite link for a parent (anyone with the link, 90 days):"
    every = codes(reply)
    assert len(every) == 24 == len(set(every))
    assert lines[1].startswith("1A: https://t.me/qingfu_test_bot?start=")
    made = await rows(bot, Invite, Invite.code.in_(every))
    assert sorted(i.class_id or 0 for i in made) == sorted(c.id for c in classes.values())
    assert all(i.expires_at == bot.clock.now + timedelta(days=90) for i in made)


def classes_in_order(classes: dict[str, SchoolClass]) -> list[str]:
    return [c.name for c in sorted(classes.values(), key=lambda c: (c.grade, c.name))]


async def test_parent_invite_in_a_big_school(bot: Harness) -> None:
    """Grades 1-12 x 8 classes: too many for one keyboard and, as links, for one message."""
    admin, school = await admin_school(bot)
    await bot.send(admin, "/classes")
    await bot.tap(admin, "Add grades and classes")
    await bot.send(admin, "1-12")
    await bot.tap(admin, "8")
    await bot.tap(admin, "✅ Create")
    classes = await classes_by_name(bot, school.id)
    assert len(classes) == 96
    await bot.send(admin, "/invite")
    reply = await bot.tap(admin, "Parent")
    assert text(reply) == "Parents of which grade?"
    assert reply.button_texts == [f"Grade {n}" for n in range(1, 13)] + [
        "Every class (one link each)"
    ]
    reply = await bot.tap(admin, "Grade 11")
    assert text(reply) == "Parents of which class?"
    assert reply.button_texts == [f"11{letter}" for letter in "ABCDEFGH"]
    await bot.tap(admin, "11H")
    [code] = codes(await bot.tap(admin, "1 person, 7 days"))
    assert (await one(bot, Invite, Invite.code == code)).class_id == classes["11H"].id

    await bot.send(admin, "/invite")
    await bot.tap(admin, "Parent")
    first = len(admin.messages)
    await bot.tap(admin, "Every class (one link each)")
    await bot.tap(admin, "anyone with the link, 90 days")
    sent = admin.messages[first - 1 :]  # the edited question and the messages after it
    assert len(sent) >= 2
    assert all(len(m.text or "") <= 4096 for m in sent)
    every = [code for m in sent for code in codes(m)]
    assert len(every) == 96 == len(set(every))

    # /invites pages all 97 live links, 10 a page, with a count: nothing is cut silently.
    reply = await bot.send(admin, "/invites")
    assert text(reply).splitlines()[:2] == ["97 active invite links:", "Page 1 of 10"]
    assert len(codes(reply)) == 10
    numbers = [str(n) for n in range(1, 11)]
    assert reply.button_texts == [
        *(label for n in numbers for label in (f"Revoke {n}", f"QR {n}")),
        "Page 1 of 10",
        "▶",
    ]
    seen = codes(reply)
    for page in range(2, 11):
        reply = await bot.tap(admin, "▶")
        assert f"Page {page} of 10" in text(reply)
        seen += codes(reply)
    assert len(seen) == 97 == len(set(seen))
    assert set(seen) == {*every, code}
    assert reply.button_texts[-2:] == ["◀", "Page 10 of 10"]
    assert "97. " in text(reply)
    reply = await bot.tap(admin, "Revoke 97")
    assert admin.answered_callbacks[-1].text == "Revoked."
    revoked = await rows(bot, Invite, Invite.revoked_at.is_not(None))
    assert [i.code for i in revoked] == [seen[-1]]
    reply = await bot.send(admin, "/invites")
    assert text(reply).splitlines()[:2] == ["96 active invite links:", "Page 1 of 10"]


async def test_owner_invites_supervisor_and_school_admin(bot: Harness) -> None:
    await new_school(bot)
    owner = bot.user(OWNER_ID)
    district = await one(bot, District)
    reply = await bot.send(owner, "/invite")
    assert text(reply) == "Whom do you want to invite?"
    assert reply is not None
    assert reply.button_texts == ["District supervisor", "School administrator"]
    reply = await bot.tap(owner, "District supervisor")
    assert text(reply) == "Supervisor of which district?"
    assert reply.button_texts == ["Haidian District"]
    await bot.tap(owner, "Haidian District")
    reply = await bot.tap(owner, "1 person, 30 days")
    assert "Invite link for a district supervisor — Haidian District" in text(reply)
    [code] = codes(reply)
    invite = await one(bot, Invite, Invite.code == code)
    assert (invite.role, invite.district_id, invite.school_id) == (
        InviteRole.SUPERVISOR,
        district.id,
        None,
    )
    supervisor = bot.user(4401, "Qian")
    reply = await bot.send(supervisor, f"/start {code}")
    assert "You are now a supervisor of the district Haidian District." in text(reply)
    membership = await one(bot, Membership, Membership.user_id == 4401)
    assert (membership.role, membership.district_id, membership.school_id) == (
        Role.SUPERVISOR,
        district.id,
        None,
    )
    reply = await bot.send(supervisor, "/me")
    assert "• Supervisor of Haidian District" in text(reply)

    await bot.send(owner, "/invite")
    reply = await bot.tap(owner, "School administrator")
    assert text(reply) == "Administrator of which school?"
    await bot.tap(owner, "No. 1 Primary School")
    [code] = codes(await bot.tap(owner, "1 person, 7 days"))
    admin = bot.user(4402, "Zhou")
    await bot.send(admin, f"/start {code}")
    membership = await one(bot, Membership, Membership.user_id == 4402)
    assert membership.role == Role.SCHOOL_ADMIN
    reply = await bot.send(admin, "/me")
    assert "• Administrator of No. 1 Primary School" in text(reply)


async def test_owner_who_administers_a_school_invites_for_it(bot: Harness) -> None:
    code = await new_school(bot)
    owner = bot.user(OWNER_ID)
    await bot.send(owner, f"/start {code}")
    reply = await bot.send(owner, "/invite")
    assert reply is not None and reply.button_texts[-1] == "Someone for my school"
    reply = await bot.tap(owner, "Someone for my school")
    assert reply.button_texts == ROLES
    await bot.tap(owner, "Complaint handler")
    [code] = codes(await bot.tap(owner, "1 person, 7 days"))
    assert (await one(bot, Invite, Invite.code == code)).role == InviteRole.COMPLAINT_HANDLER


async def test_owner_without_schools(bot: Harness) -> None:
    owner = bot.user(OWNER_ID)
    await bot.send(owner, "/invite")
    reply = await bot.tap(owner, "District supervisor")
    assert text(reply) == "There is no district yet: create a school with /newschool."
    await bot.send(owner, "/invite")
    reply = await bot.tap(owner, "School administrator")
    assert text(reply) == "There is no school yet: create one with /newschool."
    assert await rows(bot, Invite) == []


async def test_invite_and_invites_refused_without_rights(bot: Harness) -> None:
    admin, _school = await set_up_school(bot)
    await bot.send(admin, "/invite")
    await bot.tap(admin, "Teacher")
    await bot.tap(admin, "Maths")
    await bot.tap(admin, "Next ➡")
    await bot.tap(admin, "1A")
    await bot.tap(admin, "Next ➡")
    [code] = codes(await bot.tap(admin, "1 person, 7 days"))
    teacher = bot.user(4001, "Li")
    await bot.send(teacher, f"/start {code}")
    parent = bot.user(4002, "Pat")
    await link_child(bot, parent, await parent_link(bot, admin, "1A", "1 person, 7 days"), "Lena")
    assert len(await rows(bot, ParentLink)) == 1
    stranger = bot.user(4999, "Eve")
    for user in (teacher, parent, stranger):
        for command in ("/invite", "/invites"):
            reply = await bot.send(user, command)
            assert text(reply) == ("Only school administrators and owners can create invite links.")
        reply = await bot.send(user, "/newschool")
        assert text(reply) == "Only the owners of this bot can create schools."
        reply = await bot.send(user, "/classes")
        assert text(reply) == "Only school administrators can change the school's set-up."
    # Revoking someone else's link by a forged button.
    await bot.send(admin, "/invite")
    await bot.tap(admin, "Complaint handler")
    [other] = codes(await bot.tap(admin, "1 person, 7 days"))
    invite = await one(bot, Invite, Invite.code == other)
    await assert_refused(bot, teacher, InviteRevokeButton(invite.id))
    await assert_refused(bot, teacher, "iv.x:")
    await assert_refused(bot, teacher, "iv.x:1:2")


async def test_forged_invite_buttons_are_refused(bot: Harness) -> None:
    admin, school = await set_up_school(bot)
    other_admin, other = await set_up_school(bot, user_id=2002)
    foreign_classes = await classes_by_name(bot, other.id)
    foreign_subjects = await subjects_by_name(bot, other.id)
    district = await one(bot, District)

    await bot.send(admin, "/invite")
    token = await dialog_token(bot, admin)
    await assert_refused(bot, admin, InviteRoleButton(token, InviteRole.SUPERVISOR))  # owners only
    await assert_refused(bot, admin, InviteSchoolButton(token, other.id))
    await assert_refused(bot, admin, InviteSchoolButton(token, 0))
    await assert_refused(bot, admin, InviteDistrictButton(token, district.id))
    await assert_refused(bot, admin, InviteValidityButton(token, 0))  # not at that step
    await assert_refused(bot, admin, InviteToggleButton(token, InviteStep.SUBJECTS, 0))
    await assert_refused(bot, admin, f"iv.r:{token}:owner")  # not a role
    await assert_refused(bot, admin, f"iv.t:{token}:validity:0")  # not a toggle step
    await bot.tap(admin, "Teacher")
    subject = foreign_subjects["Maths"].id
    await assert_refused(bot, admin, InviteToggleButton(token, InviteStep.SUBJECTS, subject))
    await assert_refused(
        bot, admin, InviteToggleButton(token, InviteStep.CLASSES, foreign_classes["1A"].id)
    )
    await bot.tap(admin, "Maths")
    await bot.tap(admin, "Next ➡")
    await assert_refused(
        bot, admin, InviteToggleButton(token, InviteStep.CLASSES, foreign_classes["1A"].id)
    )
    await assert_refused(
        bot, admin, InviteToggleButton(token, InviteStep.SUBJECTS, 1)
    )  # the step is over
    await bot.tap(admin, "1A")
    await bot.tap(admin, "Next ➡")
    await assert_refused(bot, admin, InviteValidityButton(token, 3))
    await assert_refused(bot, admin, InviteValidityButton(token, -1))
    await assert_refused(bot, admin, InviteValidityButton("0000ffff", 0))
    other_token = None
    await bot.send(other_admin, "/invite")
    other_token = await dialog_token(bot, other_admin)
    await assert_refused(bot, admin, InviteValidityButton(other_token, 0))

    await bot.send(admin, "/invite")
    token = await dialog_token(bot, admin)
    await bot.tap(admin, "Parent")
    await assert_refused(bot, admin, InviteClassButton(token, foreign_classes["1A"].id))
    await assert_refused(bot, admin, InviteGradeButton(token, 13))
    assert await rows(bot, Invite, Invite.created_by == admin.id) == []
    # A tap on the old dialog's message after /cancel.
    parent_question = admin.last
    await bot.send(admin, "/cancel")
    await assert_refused(
        bot, admin, parent_question.buttons[0]["callback_data"], parent_question.message_id
    )
    # The school really is the admin's: a valid tap works.
    await bot.send(admin, "/invite")
    await bot.tap(admin, "Parent")
    await bot.tap(admin, "1A")
    [code] = codes(await bot.tap(admin, "1 person, 7 days"))
    assert (await one(bot, Invite, Invite.code == code)).school_id == school.id


async def test_invites_lists_own_school_only(bot: Harness) -> None:
    admin, _school = await set_up_school(bot)
    other_admin, _other = await set_up_school(bot, user_id=2002)
    mine = await parent_link(bot, admin, "2A", "1 person, 7 days")
    theirs = await parent_link(bot, other_admin, "2A", "1 person, 7 days")
    reply = await bot.send(admin, "/invites")
    assert codes(reply) == [mine]
    reply = await bot.send(other_admin, "/invites")
    assert codes(reply) == [theirs]
    reply = await bot.send(bot.user(OWNER_ID), "/invites")
    assert {mine, theirs} <= set(codes(reply))
    await preset_subjects(bot, admin)  # nothing doubled by a second preset
