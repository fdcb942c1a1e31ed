"""Class lists the school controls (issue 12) and joins the office hears of (issue 13): a child
named without a list waits for confirmation and counts in no figure until then; the office
confirms one tap a child or all at once, renames, merges and removes children; class links
have a default use limit the office changes, and a full one refuses politely; teacher
invites grant exact (class, subject) pairs."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from bot.i18n import _, ngettext, use_locale
from handlers.members.payloads import MembersAction, MembersButton
from storage.checks import daily_check
from storage.models import Child, DailyReport, Invite, ParentLink, ReportEvent, Teaching, User
from tests.fakebot import FakeUser
from tests.handlers.onboarding_kit import (
    assert_refused,
    assert_speaks,
    classes_by_name,
    codes,
    db_state,
    one,
    rows,
    set_up_school,
    subjects_by_name,
    text,
)
from tests.handlers.scheduler_kit import (
    ADMIN,
    LENA_MUM,
    MAX_MUM,
    THU,
    Kit,
    build,
)
from tests.harness import Harness

LOCALES = ["zh_Hans", "ru", "en"]
TELEGRAM_LANGUAGE = {"zh_Hans": "zh-hans", "ru": "ru", "en": "en"}
NINA_MUM, IVAN_MUM = 505, 506


async def class_link(bot: Harness, admin: FakeUser, klass: str) -> str:
    await bot.send(admin, "/invite")
    await bot.tap(admin, "Parent")
    await bot.tap(admin, klass)
    [code] = codes(await bot.tap(admin, "anyone with the link, 90 days"))
    return code


async def office_speaks(bot: Harness, locale: str) -> FakeUser:
    """The school's administrator, reading in `locale`."""
    async with bot.session() as session:
        await session.execute(update(User).where(User.id == ADMIN).values(locale=locale))
        await session.commit()
    return bot.user(ADMIN)


async def without_list(bot: Harness) -> Kit:
    """4A's children were named by their parents (no class list), and Nina joins it too: three
    confirmed children with a report each on Thursday (70, 40, 55 minutes)."""
    kit = await build(bot)
    async with bot.session() as session:
        await session.execute(
            update(Child).where(Child.class_id == kit.class_id).values(listed=False)
        )
        nina = Child(class_id=kit.class_id, name="Nina", listed=False)
        session.add(nina)
        await session.flush()
        session.add(User(id=NINA_MUM, first_name="Nora", language_code="en"))
        await session.flush()
        session.add(ParentLink(parent_id=NINA_MUM, child_id=nina.id))
        for child, minutes, parent in (
            (kit.lena, 70, LENA_MUM),
            (kit.max, 40, MAX_MUM),
            (nina.id, 55, NINA_MUM),
        ):
            session.add(
                DailyReport(
                    child_id=child, day=THU, minutes=minutes, outcome="done", reporter_id=parent
                )
            )
        await session.commit()
    return kit


async def figure_4a(bot: Harness, kit: Kit) -> tuple[int, float | None]:
    async with bot.session() as session:
        [check] = [
            c
            for c in await daily_check(session, [(kit.school_id, THU)])
            if c.class_id == kit.class_id
        ]
    return check.reports, check.median


@pytest.mark.parametrize("locale", LOCALES)
async def test_an_invented_child_does_not_count_until_confirmed(bot: Harness, locale: str) -> None:
    kit = await without_list(bot)
    code = await class_link(bot, bot.user(ADMIN), "4A")
    admin = await office_speaks(bot, locale)
    invite = await one(bot, Invite, Invite.code == code)
    assert invite.max_uses == 50  # no class list: 50 parents
    mother = bot.user(IVAN_MUM, "Iris", language_code=TELEGRAM_LANGUAGE[locale])
    await bot.send(mother, f"/start {code}")
    reply = await bot.send(mother, "Ivan")
    assert_speaks(
        reply,
        locale,
        "{child} is not on a class list yet: the school office will confirm them. Until then "
        "your reports are kept but do not count in the class's figures.",
        child="Ivan",
    )
    ivan = await one(bot, Child, Child.name == "Ivan")
    assert (ivan.pending, ivan.listed) == (True, False)
    told = admin.last
    assert_speaks(
        told,
        locale,
        "{name} joined class {klass} as a parent of {child}.",
        name="Iris",
        klass="4A",
        child="Ivan",
    )
    assert_speaks(
        told,
        locale,
        "{child} is not on a class list: please confirm the child in /members. Until then "
        "their reports do not count in any figure.",
        child="Ivan",
    )
    # Ivan's evening counts in no figure while he waits.
    async with bot.session() as session:
        session.add(
            DailyReport(
                child_id=ivan.id, day=THU, minutes=200, outcome="done", reporter_id=IVAN_MUM
            )
        )
        await session.commit()
    assert await figure_4a(bot, kit) == (3, 55.0)
    # One tap confirms him; then he counts.
    reply = await bot.send(admin, "/members")
    assert_speaks(reply, locale, "Children waiting for your confirmation: {n}", n=1)
    with use_locale(locale):
        await bot.tap(admin, _("Confirm children ({n})").format(n=1))
        reply = await bot.tap(admin, _("✅ {child} ({klass})").format(child="Ivan", klass="4A"))
        assert text(reply) == _("No child is waiting for confirmation.")
    assert (await one(bot, Child, Child.id == ivan.id)).pending is False
    assert await figure_4a(bot, kit) == (4, 62.5)


async def test_confirm_all_and_a_class_with_a_list_takes_no_typed_name(bot: Harness) -> None:
    kit = await without_list(bot)
    admin = bot.user(ADMIN)
    code = await class_link(bot, admin, "4A")
    for uid, name in ((IVAN_MUM, "Ivan"), (507, "Jan")):
        await bot.send(bot.user(uid, f"Parent {uid}"), f"/start {code}")
        await bot.send(bot.user(uid), name)
    await bot.send(admin, "/members")
    reply = await bot.tap(admin, "Confirm children (2)")
    assert reply.button_texts == ["✅ Ivan (4A)", "✅ Jan (4A)", "✅ Confirm all (2)", "◀ Back"]
    reply = await bot.tap(admin, "✅ Confirm all (2)")
    assert text(reply) == "Done: 2 children confirmed; their reports count now."
    assert [c.name for c in await rows(bot, Child, Child.pending.is_(True))] == []
    # 4B has a list (Olga): its link works for the list plus 5, and a typed name is refused.
    other = await class_link(bot, admin, "4B")
    assert (await one(bot, Invite, Invite.code == other)).max_uses == 1 + 5
    parent = bot.user(508, "Pat")
    reply = await bot.send(parent, f"/start {other}")
    assert "Every child on the class list has a parent already." in text(reply)
    reply = await bot.send(parent, "Olga")
    assert text(reply).startswith("This class has a list: please pick your child from it.")
    assert len(await rows(bot, Child, Child.class_id == kit.other_class_id)) == 1


@pytest.mark.parametrize("locale", LOCALES)
async def test_a_full_class_link_refuses_politely_and_the_office_raises_it(
    bot: Harness, locale: str
) -> None:
    kit = await build(bot)
    admin = bot.user(ADMIN)
    async with bot.session() as session:
        session.add_all(Child(class_id=kit.other_class_id, name=n) for n in ("Pia", "Quin", "Rui"))
        await session.commit()
    code = await class_link(bot, admin, "4B")
    assert (await one(bot, Invite, Invite.code == code)).max_uses == 4 + 5
    # The office lowers it to 2 in /members (a word is not a number, nor 0).
    await bot.send(admin, "/members")
    await bot.tap(admin, "Parents by class")
    reply = await bot.tap(admin, "4B — children: 4, parents: 1")
    assert "Class link 1: used 0 of 9" in text(reply)
    await bot.tap(admin, "Limit of link 1")
    reply = await bot.send(admin, "one")
    assert text(reply).startswith("Please type a number.")
    reply = await bot.send(admin, "0")
    assert text(reply).startswith("Please type a number.")
    reply = await bot.send(admin, "2")
    assert text(reply) == "Done: the use limit of the class link of 4B is 2 now."
    for uid, child in ((600, "Pia"), (601, "Rui")):
        await bot.send(bot.user(uid, f"{child}'s parent"), f"/start {code}")
        await bot.tap(bot.user(uid), child)
    late = bot.user(602, "Quin's mum", language_code=TELEGRAM_LANGUAGE[locale])
    reply = await bot.send(late, f"/start {code}")
    with use_locale(locale):
        expected = ngettext(
            "This class link is full: {n} parent has joined through it, as many as it "
            "allows. Please ask the school office to raise its limit.",
            "This class link is full: {n} parents have joined through it, as many as it "
            "allows. Please ask the school office to raise its limit.",
            2,
        ).format(n=2)
    assert text(reply) == expected
    # Raised to 3: Quin's mother joins.
    await bot.send(admin, "/members")
    await bot.tap(admin, "Parents by class")
    await bot.tap(admin, "4B — children: 4, parents: 3")
    await bot.tap(admin, "Limit of link 1")
    await bot.send(admin, "3")
    await bot.send(late, f"/start {code}")
    await bot.tap(late, "Quin")
    assert len(await rows(bot, ParentLink, ParentLink.parent_id == 602)) == 1


async def test_the_office_renames_merges_and_removes_children(bot: Harness) -> None:
    kit = await without_list(bot)
    admin = bot.user(ADMIN)
    code = await class_link(bot, admin, "4A")
    # Lena's father typed her name his own way: a second record of one child.
    dad = bot.user(509, "Li Wei")
    await bot.send(dad, f"/start {code}")
    await bot.send(dad, "Lena Li")
    twin = await one(bot, Child, Child.name == "Lena Li")
    async with bot.session() as session:
        for day, minutes in ((THU, 90), (THU.replace(day=18), 30)):
            session.add(
                DailyReport(
                    child_id=twin.id, day=day, minutes=minutes, outcome="done", reporter_id=509
                )
            )
        await session.commit()
    await bot.send(admin, "/members")
    await bot.tap(admin, "Parents by class")
    reply = await bot.tap(admin, "4A — children: 4, parents: 5")
    assert text(reply).splitlines()[1] == "1. Lena Li (waiting for confirmation) — Li Wei"
    reply = await bot.tap(admin, "1")
    assert "✅ Confirm" in reply.button_texts
    reply = await bot.tap(admin, "Merge with…")
    assert reply.button_texts == ["Lena", "Max", "Nina", "◀ Back"]
    reply = await bot.tap(admin, "Lena")
    assert text(reply).startswith("Merge Lena Li into Lena?")
    reply = await bot.tap(admin, "Yes, merge")
    assert text(reply) == "Done: Lena Li and Lena are one child now."
    assert await rows(bot, Child, Child.id == twin.id) == []
    parents = {p.parent_id for p in await rows(bot, ParentLink, ParentLink.child_id == kit.lena)}
    assert 509 in parents and LENA_MUM in parents
    reports = {
        r.day: r.minutes for r in await rows(bot, DailyReport, DailyReport.child_id == kit.lena)
    }
    assert reports == {THU: 70, THU.replace(day=18): 30}  # Thursday: Lena's own report stands
    assert len(await rows(bot, ReportEvent)) == 0
    # Back on the child kept: the office renames her.
    reply = await bot.tap(admin, "◀ Back")
    assert text(reply).splitlines()[0] == "Lena, class 4A."
    assert "✅ Confirm" not in reply.button_texts  # merged by the office: confirmed
    await bot.tap(admin, "Rename")
    reply = await bot.send(admin, "Lena 2")
    assert text(reply).startswith("A name may contain only letters")
    reply = await bot.send(admin, "Lena Li")
    assert text(reply) == "Done: Lena is now called Lena Li."
    assert (await one(bot, Child, Child.id == kit.lena)).name == "Lena Li"
    # Remove Nina: her mother is unlinked, her report stays in the figure, without a name.
    before = await figure_4a(bot, kit)
    nina = await one(bot, Child, Child.name == "Nina")
    await bot.send(admin, "/members")
    await bot.tap(admin, "Parents by class")
    reply = await bot.tap(admin, "4A — children: 3, parents: 5")
    number = next(line.split(".")[0] for line in text(reply).splitlines() if "Nina" in line)
    await bot.tap(admin, number)
    await bot.tap(admin, "Remove")
    reply = await bot.tap(admin, "Yes, remove")
    assert text(reply) == "Done: Nina is no longer in the class."
    gone = await one(bot, Child, Child.id == nina.id)
    assert (gone.name, gone.removed_at is not None) == ("", True)
    assert await rows(bot, ParentLink, ParentLink.child_id == nina.id) == []
    assert await figure_4a(bot, kit) == before


async def test_teacher_invite_grants_exact_pairs_and_the_office_hears(bot: Harness) -> None:
    """张老师: Maths in 1A, English in 1B; never Maths in 1B nor English in 1A."""
    admin, school = await set_up_school(bot)
    classes = await classes_by_name(bot, school.id)
    subjects = await subjects_by_name(bot, school.id)
    await bot.send(admin, "/invite")
    await bot.tap(admin, "Teacher")
    await bot.tap(admin, "Maths")
    await bot.tap(admin, "English")
    reply = await bot.tap(admin, "Next ➡")
    assert text(reply) == "In which classes does the teacher teach Maths? Tap to select, then Next."
    await bot.tap(admin, "1A")
    reply = await bot.tap(admin, "Next ➡")
    assert (
        text(reply) == "In which classes does the teacher teach English? Tap to select, then Next."
    )
    assert "✅ 1A" not in reply.button_texts  # each subject starts empty
    await bot.tap(admin, "Next ➡")
    assert admin.answered_callbacks[-1].text == "Select at least one first."
    await bot.tap(admin, "1B")
    await bot.tap(admin, "Next ➡")
    [code] = codes(await bot.tap(admin, "1 person, 7 days"))
    invite = await one(bot, Invite, Invite.code == code)
    maths, english = subjects["Maths"].id, subjects["English"].id
    expected = sorted([(classes["1A"].id, maths), (classes["1B"].id, english)])
    assert sorted(map(tuple, invite.teaching)) == expected
    zhang = bot.user(4001, "Zhang")
    reply = await bot.send(zhang, f"/start {code}")
    assert "You are now a teacher at No. 1 Primary School: 1A Maths and 1B English." in text(reply)
    assert sorted((t.class_id, t.subject_id) for t in await rows(bot, Teaching)) == expected
    assert text(admin.last) == "Zhang joined as a teacher. /members lists the school's people."


async def test_forged_children_buttons_change_nothing(bot: Harness) -> None:
    """A parent, another school's administrator, a child of another class to merge with, a
    child that is gone: refused or said to be gone, and nothing is stored."""
    kit = await without_list(bot)
    admin = bot.user(ADMIN)
    code = await class_link(bot, admin, "4A")
    await bot.send(bot.user(IVAN_MUM, "Iris"), f"/start {code}")
    await bot.send(bot.user(IVAN_MUM), "Ivan")
    ivan = await one(bot, Child, Child.name == "Ivan")
    assert sum("Iris joined class 4A" in (m.text or "") for m in admin.messages) == 1
    assert not any("joined" in (m.text or "") for m in bot.user(IVAN_MUM).messages)
    parent = bot.user(LENA_MUM)
    await bot.send(parent, "/start")
    school = kit.school_id
    for act, target, item in (
        (MembersAction.CONFIRM, ivan.id, 0),
        (MembersAction.CONFIRM_ALL, 0, 0),
        (MembersAction.MERGE_OK, ivan.id, kit.lena),
        (MembersAction.REMOVE_CHILD_OK, ivan.id, 0),
        (MembersAction.RENAME, ivan.id, 0),
        (MembersAction.LIMIT, (await one(bot, Invite, Invite.code == code)).id, 0),
    ):
        await assert_refused(bot, parent, MembersButton(act, school, target, item))
    await assert_refused(bot, parent, "mb:cmo:1:2")
    # Another class's child cannot be merged into Ivan; the office is told it is gone.
    await bot.send(admin, "/members")
    before = await db_state(bot)
    admin.tap_raw(MembersButton(MembersAction.MERGE_OK, school, ivan.id, kit.other).pack())
    await bot.deliver()
    assert text(admin.last) == "This is no longer available."
    assert await db_state(bot) == before


async def test_joins_within_minutes_are_one_message(bot: Harness) -> None:
    """Three parents join 4A within ten minutes: the office gets one message listing them
    (edited as each joins); a fourth, a quarter of an hour later, starts a new one."""
    await without_list(bot)
    admin = bot.user(ADMIN)
    code = await class_link(bot, admin, "4A")
    before = len(admin.messages)
    for uid, child in ((601, "Pia"), (602, "Quin"), (603, "Rui")):
        await bot.send(bot.user(uid, f"{child}'s parent"), f"/start {code}")
        await bot.send(bot.user(uid), child)
        bot.clock.advance(minutes=2)
    assert len(admin.messages) == before + 1
    lines = text(admin.last).splitlines()
    assert lines[0] == "3 people joined in the last minutes:"
    assert lines[1:4] == [
        "• Pia's parent: class 4A, parent of Pia",
        "• Quin's parent: class 4A, parent of Quin",
        "• Rui's parent: class 4A, parent of Rui",
    ]
    assert lines[4].startswith("Not on a class list, waiting for your confirmation in /members")
    assert lines[4].endswith("Pia, Quin, and Rui")
    bot.clock.advance(minutes=15)
    await bot.send(bot.user(604, "Sam's parent"), f"/start {code}")
    await bot.send(bot.user(604), "Sam")
    assert len(admin.messages) == before + 2
    assert text(admin.last).startswith("Sam's parent joined class 4A as a parent of Sam.")
