"""Onboarding end to end: `python bot.py` against the fake Bot API, people in three languages.

Owner (en) -> /newschool -> school admin (en) -> /subjects, /classes -> invites -> teacher
(zh-hans), grade leader (ru), parents (zh-hans, ru) with their children; bad input at every
free-text step, restarts of the process in the middle of dialogs, and every kind of bad code.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.domain.menus import commands_for
from bot.domain.presets import SUBJECT_PRESETS
from bot.domain.roles import Capability, InviteRole, Role
from bot.i18n import format_inventory, format_list, use_locale
from handlers.onboarding import invite_labels, invites, owner
from handlers.onboarding.invite_list import InviteRevokeButton
from handlers.onboarding.invites import (
    InviteClassButton,
    InviteDistrictButton,
    InviteGradeButton,
    InviteRoleButton,
    InviteToggleButton,
    InviteValidityButton,
)
from handlers.onboarding.owner import (
    NewSchoolConfirmButton,
    NewSchoolDistrictButton,
    NewSchoolTimezoneButton,
)
from handlers.school.setup import SetupAction, SetupButton
from storage.db import SessionMaker
from storage.models import (
    Child,
    Dialog,
    District,
    Invite,
    Membership,
    ParentLink,
    School,
    SchoolClass,
    Subject,
    Teaching,
)
from tests.e2e.conftest import OWNER_ID, BotProcess
from tests.e2e.helpers import (
    ASK_CHILD,
    CHILD_DONE,
    DISTRICT,
    SCHOOL,
    find_button,
    has_button,
    invite_code,
    labels,
    menu,
    new_invite,
    seed_school,
    send,
    send_bad,
    t,
    t_re,
    tap,
    tap_for_answer,
    tn,
    wait_menu,
)
from tests.fakebot import FakeBotAPI, FakeUser

pytestmark = pytest.mark.e2e

EN, ZH, RU = "en", "zh_Hans", "ru"
CHILD_ZH = "王小明"
CHILD_ZH_2 = "王小红"
CHILD_RU = "Маша Иванова"
COMMON = ["help", "me", "privacy", "language", "cancel"]

# The bot's messages (msgids), named for readability.
TOO_LONG = "That is too long: at most {limit} characters. Please try again."
TOO_SHORT = "That is too short: at least {limit} characters. Please try again."
TZ_EXAMPLES = "For example: London, Europe/Moscow, Asia/Shanghai, UTC+8"
BAD_TZ = "That is not a time zone I know."
TZ_NOT_WHOLE = "Please name a city of that time zone instead of the offset."
NAME_TOO_LONG = "That name is too long: at most {limit} characters. Please try again."
NAME_BAD_CHARS = "A name may contain only letters, spaces and hyphens. Please try again."
ADD_CHILD = (
    "To link another child, open the invite link of their class: the school gives one "
    "link per class. Ask the class teacher or the school office for it."
)
UNKNOWN = (
    "This invite link is not valid. Please check that you opened the whole link, "
    "or ask the person who sent it for a new one."
)
EXPIRED = "This invite link has expired. Please ask the person who sent it for a new one."
REVOKED = "This invite link was withdrawn. Please ask the person who sent it for a new one."
USED_UP = "This invite link has already been used. Please ask the person who sent it for a new one."
STALE = "This is no longer available."


def menu_texts(locale: str, caps: list[Capability]) -> list[dict[str, str]]:
    """The chat menu the bot should set for these capabilities, in `locale`."""
    return [{"command": cmd, "description": t(locale, desc)} for cmd, desc in commands_for(caps)]


def me_text(locale: str, name: str, lines: list[str]) -> str:
    head = t(locale, "{name}, this is what I know about you:", name=name)
    privacy = t(locale, "/privacy: what I store about you and who sees it.")
    if not lines:
        return "\n".join(
            [
                head,
                t(locale, "You have no roles yet. Open your school's invite link to join."),
                privacy,
            ]
        )
    count = tn(locale, "{n} role in all.", "{n} roles in all.", len(lines))
    return "\n".join([head, *("• " + line for line in lines), count, privacy])


async def check_me(user: FakeUser, locale: str, name: str, lines: list[str]) -> None:
    expected = me_text(locale, name, lines)
    reply = await send(user, "/me", t(locale, "{name}, this is what I know about you:", name=name))
    assert reply.text == expected


# ---------------------------------------------------------------- steps of the chain


async def new_school(owner_user: FakeUser, bot: BotProcess, db: SessionMaker) -> str:
    """The owner creates district and school, with bad input and a restart on the way;
    returns the admin invite code."""
    o = owner_user
    await send(o, "/newschool", has_button(NewSchoolDistrictButton, district_id=0))
    ask_district = t(EN, 'Type the district\'s name (e.g. "Haidian District"):')
    ask_school = t(EN, "Type the school's name:")
    ask_tz = t(EN, "Which time zone is the school in? Pick one, or type it or a city in it:")
    await tap(o, NewSchoolDistrictButton, ask_district, district_id=0)
    # District name: too long, too short, then right.
    await send_bad(o, "D" * 121, t(EN, TOO_LONG, limit=120), ask_district)
    await send_bad(o, " D ", t(EN, TOO_SHORT, limit=2), ask_district)
    await send(o, f"  {DISTRICT}  ", ask_school)
    # School name: too long; then the bot restarts and the owner answers while it is down.
    await send_bad(o, "S" * 121, t(EN, TOO_LONG, limit=120), ask_school)
    await bot.stop()
    mark = o.mark()
    o.send(SCHOOL)
    await bot.start()
    await o.wait_for(ask_tz, after=mark)
    assert labels(o, NewSchoolTimezoneButton)[0] == "Asia/Shanghai"  # DEFAULT_TIMEZONE comes first
    # Time zone: unknown names, then typed right.
    examples = t(EN, TZ_EXAMPLES)
    await send_bad(o, "Mars/Olympus_Mons", t(EN, BAD_TZ) + "\n" + examples, ask_tz)
    await send_bad(o, "UTC+5:30", t(EN, TZ_NOT_WHOLE) + "\n" + examples, ask_tz)
    check = await send(
        o, "Asia/Shanghai", has_button(NewSchoolConfirmButton, action=owner.NewSchoolAction.CREATE)
    )
    assert DISTRICT in (check.text or "") and SCHOOL in (check.text or "")
    done = await tap(
        o,
        NewSchoolConfirmButton,
        t_re(
            EN,
            "The school {school} is created. Send this link to its administrator (it works "
            "once, for {days} days):\n{link}\n\nOpen it yourself if you will administer the "
            "school.",
            school=SCHOOL,
            days=owner.ADMIN_INVITE_DAYS,
        ),
        action=owner.NewSchoolAction.CREATE,
    )
    code = invite_code(done)
    async with db() as s:
        school = await s.scalar(select(School).where(School.name == SCHOOL))
        assert school is not None and school.timezone == "Asia/Shanghai"
        district = await s.get(District, school.district_id)
        assert district is not None and district.name == DISTRICT
        invite = await s.scalar(select(Invite).where(Invite.code == code))
        assert invite is not None and invite.role == InviteRole.SCHOOL_ADMIN
        assert invite.max_uses == 1 and invite.school_id == school.id
        assert await s.get(Dialog, OWNER_ID) is None
    return code


def en_inventory(items: list[str]) -> str:
    """A register of subjects as the set-up message shows it: no 'and' before the last."""
    with use_locale(EN):
        return format_inventory(items)


async def set_up_subjects(a: FakeUser) -> None:
    none_yet = t(EN, "Subjects of {school}: {subjects}", school=SCHOOL, subjects=t(EN, "none yet"))
    await send(a, "/subjects", none_yet)
    preset = list(SUBJECT_PRESETS["en"])
    await tap(
        a,
        SetupButton,
        t(EN, "Subjects of {school}: {subjects}", school=SCHOOL, subjects=en_inventory(preset)),
        act=SetupAction.PRESET,
    )
    ask = t(EN, 'Type the subjects to add, separated by commas or one a line (e.g. "Music, Art"):')
    await tap(a, SetupButton, ask, act=SetupAction.TYPE)
    bad = t(
        EN,
        "Please type subject names of at most 40 characters, separated by commas or one a "
        "line. For example: Music, Art, PE",
    )
    await send_bad(a, "A" * 41 + ", Art", bad, ask)
    await send_bad(a, ", ,", bad, ask)
    await send(
        a,
        "Music， Art",  # a full-width comma, as typed on a Chinese keyboard
        tn(EN, "{n} subject added.", "{n} subjects added.", 2)
        + "\n\n"
        + t(
            EN,
            "Subjects of {school}: {subjects}",
            school=SCHOOL,
            subjects=en_inventory([*preset, "Music", "Art"]),
        ),
    )
    await tap(a, SetupButton, t(EN, "Saved."), act=SetupAction.DONE)


async def set_up_classes(a: FakeUser, db: SessionMaker) -> None:
    await send(
        a,
        "/classes",
        t(EN, "Classes of {school}:", school=SCHOOL) + "\n" + t(EN, "No classes yet."),
    )
    ask_grades = t(EN, "Which grades? Pick a range or type one, e.g. 3-5:")
    await tap(a, SetupButton, ask_grades, act=SetupAction.BULK, value=0)
    grades_1_6 = t(EN, "Grades {a}-{b}", a=1, b=6)
    assert labels(a, SetupButton)[0] == grades_1_6
    # Grades: reversed and out of range, then the button "Grades 1-6".
    examples = t(
        EN,
        "For example: Grades 1-6, 4 classes each / Grades 7-9 / 5B / Year 5 Blue / 10-2 "
        "(one class or a range of grades a message).",
    )
    for wrong, refusal in (
        ("5-3", "That range of grades ends before it starts."),
        ("0-13", "Grades go from {first} to {last}."),
        ("grades one to six hundred", "I could not read that as grades or a class."),
    ):
        bad_grades = t(EN, refusal, first=1, last=12) + "\n" + examples
        await send_bad(a, wrong, bad_grades, ask_grades)
    ask_count = t(
        EN, "Grades {a}-{b}. How many classes in each grade? Pick or type a number:", a=1, b=6
    )
    await tap(a, SetupButton, ask_count, label=grades_1_6, act=SetupAction.BULK)
    # Classes per grade: zero, too many, not a number, then the button "2".
    for wrong in ("0", "41", "a dozen"):
        bad_count = (
            t(EN, "I could not read that as a number of classes. For example: 4, 4 classes.")
            if wrong == "a dozen"
            else t(EN, "A grade has from 1 to {max} classes. For example: 4, 4 classes.", max=40)
        )
        await send_bad(a, wrong, bad_count, ask_count)
    names = [f"{g}{x}" for g in range(1, 7) for x in "AB"]
    await tap(
        a,
        SetupButton,
        tn(EN, "This creates {n} class:", "This creates {n} classes:", 12)
        + "\n• "
        + t(EN, "Grade {n}: {classes}", n=1, classes="1A and 1B"),
        label="2",
        act=SetupAction.CREATE,
        value=2,
    )
    grade_lines = [
        t(EN, "Grade {n}: {classes}", n=g, classes=en_inventory([f"{g}A", f"{g}B"]))
        for g in range(1, 7)
    ]  # the school's register of classes: no "and" (the preview above is a sentence's list)
    created = tn(EN, "{n} class created.", "{n} classes created.", 12)
    await tap(
        a, SetupButton, "\n".join(grade_lines), toast=created, act=SetupAction.CREATE, value=0
    )
    # One class by hand: a bad line, then a good one.
    ask_line = t(EN, "Type the class as the school writes it, e.g. 5B, Year 5 Blue, or 5 Fifth E:")
    await tap(a, SetupButton, ask_line, act=SetupAction.ONE)
    bad_line = t(EN, "I could not read that as grades or a class.")
    for wrong in ("13 13A", "6", "6 " + "C" * 33):
        await send_bad(a, wrong, bad_line, ask_line)
    await send(a, "6C", t(EN, "Grade {grade}, class {name}. Add it?", grade=6, name="6C"))
    await tap(
        a,
        SetupButton,
        t(EN, "Grade {n}: {classes}", n=6, classes=en_inventory(["6A", "6B", "6C"])),
        act=SetupAction.CREATE,
    )
    await tap(a, SetupButton, t(EN, "Saved."), act=SetupAction.DONE)
    async with db() as s:
        classes = list(await s.scalars(select(SchoolClass.name).order_by(SchoolClass.id)))
    assert classes == [*names, "6C"]


def invites_head(role: InviteRole, validity: str) -> re.Pattern[str]:
    with use_locale(EN):
        label = invite_labels.role_label(role)
    return t_re(EN, "Invite link for a {role}{scope} ({validity}):", role=label, validity=validity)


# ---------------------------------------------------------------- the chain


async def test_onboarding_chain(bot: BotProcess, api: FakeBotAPI, db: SessionMaker) -> None:
    olga = api.user(OWNER_ID, "Olga", language_code="en")
    adam = api.user(2000, "Adam", language_code="en-US", last_name="Smith")
    wang = api.user(3000, "王芳", language_code="zh-hans")
    boris = api.user(4000, "Борис", language_code="ru")
    li = api.user(5000, "李娜", language_code="zh-hans")
    maria = api.user(6000, "Мария", language_code="ru")
    sergei = api.user(7000, "Сергей", language_code="ru-RU")
    eve = api.user(9000, "Eve", language_code="ru")

    await send(
        olga,
        "/start",
        t(EN, "Welcome back, {name}! Send /help to see what you can do.", name="Olga"),
    )
    await wait_menu(olga, menu_texts(EN, [Capability.OWNER]))

    admin_code = await new_school(olga, bot, db)

    # The administrator joins; the link then is used up for anyone else.
    await send(
        adam,
        f"/start {admin_code}",
        t(EN, "You are now a school administrator of {school}.", school=SCHOOL),
    )
    await send(eve, f"/start {admin_code}", t(RU, USED_UP))
    await wait_menu(adam, menu_texts(EN, [Capability.SCHOOL_ADMIN]))

    await set_up_subjects(adam)
    await set_up_classes(adam, db)

    # Teacher: pressing Next with nothing selected is refused, then two subjects, two classes.
    await send(adam, "/invite", t(EN, "{school}: whom do you want to invite?", school=SCHOOL))
    await tap(
        adam,
        InviteRoleButton,
        t(EN, "Which subjects does the teacher teach? Tap to select, then Next."),
        role=InviteRole.TEACHER,
    )
    answer = await tap_for_answer(adam, InviteToggleButton, item=0)
    assert answer == t(EN, "Select at least one first.")
    for subject in ("Chinese", "Maths"):
        await tap(
            adam,
            InviteToggleButton,
            has_button(InviteToggleButton, step=invites.InviteStep.SUBJECTS),
            label=subject,
        )
    assert "✅ Chinese" in adam.last.button_texts and "✅ Maths" in adam.last.button_texts
    # The classes are asked subject by subject: exact pairs, never a cross product.
    await tap(
        adam,
        InviteToggleButton,
        t(
            EN,
            "In which classes does the teacher teach {subject}? Tap to select, then Next.",
            subject="Chinese",
        ),
        item=0,
    )
    for klass in ("1A", "1B", "2A"):
        await tap(
            adam,
            InviteToggleButton,
            has_button(InviteToggleButton, step=invites.InviteStep.CLASSES),
            label=klass,
        )
    await tap(
        adam, InviteToggleButton, has_button(InviteToggleButton), label="✅ 2A"
    )  # deselect 2A
    assert "2A" in adam.last.button_texts
    await tap(
        adam,
        InviteToggleButton,
        t(
            EN,
            "In which classes does the teacher teach {subject}? Tap to select, then Next.",
            subject="Maths",
        ),
        item=0,
    )
    assert not any(label.startswith("✅") for label in adam.last.button_texts)
    for klass in ("1A", "1B"):
        await tap(
            adam,
            InviteToggleButton,
            has_button(InviteToggleButton, step=invites.InviteStep.CLASSES),
            label=klass,
        )
    await tap(adam, InviteToggleButton, t(EN, "Who may use the link, and for how long?"), item=0)
    with use_locale(EN):
        staff_validity = invite_labels.validity_label(invite_labels.STAFF_VALIDITY[0])
    link_msg = await tap(
        adam, InviteValidityButton, invites_head(InviteRole.TEACHER, staff_validity), option=0
    )
    teacher_code = invite_code(link_msg)

    await send(
        wang,
        f"/start {teacher_code}",
        t_re(ZH, "You are now a teacher at {school}: {classes}.", school=SCHOOL),
    )

    # Grade leader of grade 3.
    await send(adam, "/invite", t(EN, "{school}: whom do you want to invite?", school=SCHOOL))
    await tap(
        adam, InviteRoleButton, t(EN, "Grade leader of which grade?"), role=InviteRole.GRADE_LEADER
    )
    assert labels(adam, InviteGradeButton) == [t(EN, "Grade {n}", n=g) for g in range(1, 7)]
    await tap(adam, InviteGradeButton, t(EN, "Who may use the link, and for how long?"), grade=3)
    link_msg = await tap(
        adam, InviteValidityButton, invites_head(InviteRole.GRADE_LEADER, staff_validity), option=0
    )
    leader_code = invite_code(link_msg)
    await send(
        boris,
        f"/start {leader_code}",
        t(RU, "You are now the grade leader of grade {grade} at {school}.", grade=3, school=SCHOOL),
    )

    # The owner invites a district supervisor.
    await send(olga, "/invite", t(EN, "Whom do you want to invite?"))
    await tap(
        olga, InviteRoleButton, t(EN, "Supervisor of which district?"), role=InviteRole.SUPERVISOR
    )
    await tap(
        olga, InviteDistrictButton, t(EN, "Who may use the link, and for how long?"), label=DISTRICT
    )
    link_msg = await tap(
        olga, InviteValidityButton, invites_head(InviteRole.SUPERVISOR, staff_validity), option=0
    )
    await send(
        sergei,
        f"/start {invite_code(link_msg)}",
        t(RU, "You are now a supervisor of the district {district}.", district=DISTRICT),
    )

    # Parents of class 2B: a link for anyone, for 90 days.
    await send(adam, "/invite", t(EN, "{school}: whom do you want to invite?", school=SCHOOL))
    await tap(adam, InviteRoleButton, t(EN, "Parents of which class?"), role=InviteRole.PARENT)
    await tap(adam, InviteClassButton, t(EN, "Who may use the link, and for how long?"), label="2B")
    with use_locale(EN):
        parent_validity = invite_labels.validity_label(invite_labels.PARENT_VALIDITY[0])
    link_msg = await tap(
        adam, InviteValidityButton, invites_head(InviteRole.PARENT, parent_validity), option=0
    )
    parent_code = invite_code(link_msg)

    # A Chinese parent opens the link and the admin starts another parent invite; the bot
    # restarts before either answers. Li then types bad names first.
    await send(
        li, f"/start {parent_code}", t(ZH, "Class {klass} at {school}.", klass="2B", school=SCHOOL)
    )
    await li.wait_for(t(ZH, ASK_CHILD))
    await send(adam, "/invite", t(EN, "{school}: whom do you want to invite?", school=SCHOOL))
    await tap(adam, InviteRoleButton, t(EN, "Parents of which class?"), role=InviteRole.PARENT)
    await bot.restart()
    await send_bad(li, "小明" * 33, t(ZH, NAME_TOO_LONG, limit=64), t(ZH, ASK_CHILD))
    await send_bad(li, "小明2", t(ZH, NAME_BAD_CHARS), t(ZH, ASK_CHILD))
    await send(li, CHILD_ZH, t(ZH, CHILD_DONE, child=CHILD_ZH, klass="2B", school=SCHOOL))

    # A Russian parent opens the same link (it is for anyone in the class).
    await send(maria, f"/start {parent_code}", t(RU, ASK_CHILD))
    await send_bad(maria, "<b>Маша</b>", t(RU, NAME_BAD_CHARS), t(RU, ASK_CHILD))
    await send(maria, f" {CHILD_RU} ", t(RU, CHILD_DONE, child=CHILD_RU, klass="2B", school=SCHOOL))

    # A second child: /addchild explains; the admin makes one link per class; Li uses 1A's.
    # Buttons sent before the restart still work (the dialog is in the database).
    await send(li, "/addchild", t(ZH, ADD_CHILD))
    await tap(adam, InviteClassButton, t(EN, "Who may use the link, and for how long?"), class_id=0)
    every = await tap(
        adam, InviteValidityButton, invites_head(InviteRole.PARENT, parent_validity), option=0
    )
    links = dict(
        re.findall(
            r"^(\w+): https://t\.me/qingfu_test_bot\?start=([\w-]+)$", every.text or "", re.M
        )
    )
    assert sorted(links) == sorted([f"{g}{x}" for g in range(1, 7) for x in "AB"] + ["6C"])
    await send(li, f"/start {links['1A']}", t(ZH, ASK_CHILD))
    await send(li, CHILD_ZH_2, t(ZH, CHILD_DONE, child=CHILD_ZH_2, klass="1A", school=SCHOOL))

    # Everyone sees their own roles.
    await check_me(olga, EN, "Olga", [t(EN, "Owner of this bot")])
    await check_me(adam, EN, "Adam Smith", [t(EN, "Administrator of {school}", school=SCHOOL)])
    with use_locale(ZH):
        both_classes = format_list(["1A", "1B"])
    teaching = [
        t(
            ZH,
            "Teacher of {subject} in {klass} at {school}",
            subject=s,
            klass=both_classes,
            school=SCHOOL,
        )
        for s in ("Chinese", "Maths")
    ]
    await check_me(wang, ZH, "王芳", teaching)
    await check_me(
        boris,
        RU,
        "Борис",
        [t(RU, "Grade leader of grade {grade} at {school}", grade=3, school=SCHOOL)],
    )
    await check_me(sergei, RU, "Сергей", [t(RU, "Supervisor of {district}", district=DISTRICT)])
    parent_of = "Parent of {child}, class {klass} at {school}"
    await check_me(
        li,
        ZH,
        "李娜",
        [
            t(ZH, parent_of, child=CHILD_ZH, klass="2B", school=SCHOOL),  # sorted by name
            t(ZH, parent_of, child=CHILD_ZH_2, klass="1A", school=SCHOOL),
        ],
    )
    await check_me(
        maria, RU, "Мария", [t(RU, parent_of, child=CHILD_RU, klass="2B", school=SCHOOL)]
    )
    await check_me(eve, RU, "Eve", [])  # no roles: "You have no roles yet" instead of a count

    # Menus: chat-scoped, per role, in each person's language; a stranger has the default one.
    menus = {
        olga: menu_texts(EN, [Capability.OWNER]),
        adam: menu_texts(EN, [Capability.SCHOOL_ADMIN]),
        wang: menu_texts(ZH, [Capability.TEACHER]),
        boris: menu_texts(RU, [Capability.GRADE_LEADER]),
        sergei: menu_texts(RU, [Capability.SUPERVISOR]),
        li: menu_texts(ZH, [Capability.PARENT]),
        maria: menu_texts(RU, [Capability.PARENT]),
        eve: menu_texts(RU, []),
    }
    for user, expected in menus.items():
        await wait_menu(user, expected)
    assert {"newschool", "invite", "invites"} <= set(menu(olga))
    assert {"classes", "subjects", "invite", "invites"} <= set(menu(adam))
    assert "newschool" not in menu(adam)
    for user in (wang, boris, sergei, li, maria, eve):
        assert not {"newschool", "invite", "invites", "classes", "subjects"} & set(menu(user))
    for user in menus:
        assert menu(user)[-len(COMMON) :] == COMMON  # everyone's common commands come last
    assert menu(eve) == COMMON
    assert len({tuple(menu(u)) for u in (olga, adam, wang, boris, li)}) == 5
    assert api.commands_for({"type": "chat", "chat_id": eve.id}) == []

    # What the database holds.
    async with db() as s:
        school_id = await s.scalar(select(School.id).where(School.name == SCHOOL))
        memberships = set(
            (await s.execute(select(Membership.user_id, Membership.role, Membership.grade))).all()
        )
        assert memberships == {
            (adam.id, Role.SCHOOL_ADMIN, None),
            (wang.id, Role.TEACHER, None),
            (boris.id, Role.GRADE_LEADER, 3),
            (sergei.id, Role.SUPERVISOR, None),
        }
        pairs = set(
            (
                await s.execute(
                    select(SchoolClass.name, Subject.name)
                    .select_from(Teaching)
                    .join(SchoolClass, SchoolClass.id == Teaching.class_id)
                    .join(Subject, Subject.id == Teaching.subject_id)
                    .where(Teaching.user_id == wang.id)
                )
            ).all()
        )
        assert pairs == {("1A", "Chinese"), ("1A", "Maths"), ("1B", "Chinese"), ("1B", "Maths")}
        children = set(
            (
                await s.execute(
                    select(
                        ParentLink.parent_id, Child.name, SchoolClass.name, SchoolClass.school_id
                    )
                    .join(Child, Child.id == ParentLink.child_id)
                    .join(SchoolClass, SchoolClass.id == Child.class_id)
                )
            ).all()
        )
        assert children == {
            (li.id, CHILD_ZH, "2B", school_id),
            (li.id, CHILD_ZH_2, "1A", school_id),
            (maria.id, CHILD_RU, "2B", school_id),
        }
        assert await s.scalar(select(func.count()).select_from(Dialog)) == 0

    # Personal data stays out of the log at the default level.
    log = bot.log()
    for private in (CHILD_ZH, CHILD_ZH_2, CHILD_RU, "李娜", "Мария", "王芳"):
        assert private not in log, f"{private!r} is in the bot's log"


# ---------------------------------------------------------------- bad codes


async def test_bad_codes(bot: BotProcess, api: FakeBotAPI, db: SessionMaker) -> None:
    adam = api.user(2000, "Adam", language_code="en")
    zhou = api.user(3001, "周", language_code="zh-hans")
    olya = api.user(3002, "Оля", language_code="ru")
    sam = api.user(3003, "Sam", language_code="en")
    school_id, class_id = await seed_school(db, adam.id)
    common = {"created_by": adam.id, "school_id": school_id}

    # Unknown codes: random, and longer than any of ours.
    await send(zhou, "/start AAAAAAAAAAAAAAAA", t(ZH, UNKNOWN))
    await send(olya, "/start " + "x" * 64, t(RU, UNKNOWN))

    # Expired.
    expired = await new_invite(
        db, role=InviteRole.TEACHER, max_uses=1, now=datetime.now(UTC) - timedelta(days=8), **common
    )
    await send(olya, f"/start {expired}", t(RU, EXPIRED))

    # Used up: the first person gets in, the second does not; the first may open it again.
    single = await new_invite(db, role=InviteRole.COMPLAINT_HANDLER, max_uses=1, **common)
    joined = t(EN, "You now handle parents' complaints at {school}.", school=SCHOOL)
    await send(sam, f"/start {single}", joined)
    await send(zhou, f"/start {single}", t(ZH, USED_UP))
    await send(sam, f"/start {single}", joined)

    # Revoked with /invites: the list shows it; after revoking, the link is withdrawn.
    parent_code = await new_invite(db, role=InviteRole.PARENT, class_id=class_id, **common)
    listing = await send(adam, "/invites", lambda m: parent_code in (m.text or ""))
    assert parent_code in (listing.text or "")
    _label, _payload, msg = find_button(adam, InviteRevokeButton)
    assert msg.message_id == listing.message_id
    async with db() as s:
        parent_invite = await s.scalar(select(Invite).where(Invite.code == parent_code))
        assert parent_invite is not None
    toast = await tap_for_answer(adam, InviteRevokeButton, invite_id=parent_invite.id)
    assert toast == t(EN, "Revoked.")
    await send(olya, f"/start {parent_code}", t(RU, REVOKED))

    # A parent link that expires between opening it and naming the child.
    parent_code = await new_invite(db, role=InviteRole.PARENT, class_id=class_id, **common)
    await send(zhou, f"/start {parent_code}", t(ZH, ASK_CHILD))
    async with db() as s:
        inv = await s.scalar(select(Invite).where(Invite.code == parent_code))
        assert inv is not None
        inv.expires_at = datetime.now(UTC) - timedelta(minutes=1)
        await s.commit()
    await send(zhou, "周小红", t(ZH, EXPIRED))
    await send(zhou, "周小红", t(ZH, "I did not understand that. What would you like to do?"))
    async with db() as s:
        assert await s.scalar(select(func.count()).select_from(Child)) == 0
        assert await s.get(Dialog, zhou.id) is None

    # /cancel leaves the dialog of a link; what is typed next belongs to no dialog.
    parent_code = await new_invite(db, role=InviteRole.PARENT, class_id=class_id, **common)
    await send(olya, f"/start {parent_code}", t(RU, ASK_CHILD))
    await send(olya, "/cancel", t(RU, "Cancelled. Nothing was saved from that dialog."))
    await send(olya, "Оля", t(RU, "I did not understand that. What would you like to do?"))

    # A forged button is refused politely.
    mark = adam.mark()
    update_id = adam.tap_raw(f"{NewSchoolConfirmButton.prefix}:forged:create")
    await adam.wait_idle(quiet=0.2)
    assert [a.text for a in adam.answered_callbacks if a.update_id == update_id] == [t(EN, STALE)]
    assert adam.mark() == mark  # no message was sent or changed
    async with db() as s:
        assert await s.scalar(select(func.count()).select_from(School)) == 1
