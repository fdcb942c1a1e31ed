"""/members (issue 13): the school office's lists, paged; a teacher's pairs changed one at a
time; a teacher or a parent removed (their past reports stay, anonymous); forged presses."""

from __future__ import annotations

from sqlalchemy import select

from bot.domain.roles import InviteRole, Role
from handlers.members.payloads import MembersAction, MembersButton, PairButton
from storage import repo
from storage.checks import daily_check
from storage.models import Child, DailyReport, Invite, Membership, ParentLink, Teaching
from tests import world
from tests.handlers.onboarding_kit import assert_refused, one, rows, text
from tests.handlers.scheduler_kit import (
    ADMIN,
    LEADER,
    LENA_DAD,
    LENA_MUM,
    MAX_MUM,
    OTHER_MUM,
    TEACHER,
    THU,
    Kit,
    build,
)
from tests.harness import Harness


async def school_with_names(bot: Harness) -> Kit:
    """scheduler_kit's 4A and 4B, everyone's name as Telegram shows it (they wrote once)."""
    kit = await build(bot)
    for uid in (ADMIN, TEACHER, LEADER, LENA_MUM, LENA_DAD, MAX_MUM, OTHER_MUM):
        await bot.send(bot.user(uid), "/start")
    return kit


async def teachers_of(bot: Harness, school_id: int, count: int) -> None:
    """`count` teachers of the school, without classes yet."""
    async with bot.session() as session:
        for n in range(count):
            uid = 900 + n
            bot.user(uid, f"Teacher {n:02d}")
            await world.user(session, uid, f"Teacher {n:02d}")
            await repo.add_membership(session, uid, Role.TEACHER, school_id=school_id)
        await session.commit()


async def test_members_lists_are_paged_and_complete(bot: Harness) -> None:
    kit = await school_with_names(bot)
    admin = bot.user(ADMIN)
    await teachers_of(bot, kit.school_id, 10)
    async with bot.session() as session:
        await repo.add_teaching(session, 900, [(kit.class_id, kit.maths_id)])
        session.add(Child(class_id=kit.other_class_id, name="Vera"))  # on the list, no parent
        await repo.create_invite(
            session,
            role=InviteRole.TEACHER,
            created_by=ADMIN,
            now=bot.clock.now,
            valid_for=None,
            max_uses=1,
            school_id=kit.school_id,
            teaching=[[kit.class_id, kit.maths_id]],
        )
        await session.commit()
    reply = await bot.send(admin, "/members")
    assert text(reply).splitlines() == [
        "The people of No. 1 School:",
        "Teachers: 10",
        "Grade leaders: 1",
        "Children: 4, parents: 4",
    ]
    reply = await bot.tap(admin, "Teachers")
    lines = text(reply).splitlines()
    assert lines[0] == "Teachers of No. 1 School: 10"
    assert lines[1] == "1. Teacher 00 — 4A Maths"
    assert lines[2] == "2. Teacher 01 — no classes"
    assert len(lines) == 1 + 8
    assert "Page 1 of 2" in reply.button_texts
    reply = await bot.tap(admin, "▶")
    assert text(reply).splitlines()[1:] == [
        "9. Teacher 08 — no classes",
        "10. Teacher 09 — no classes",
    ]
    await bot.tap(admin, "◀ Back")
    reply = await bot.tap(admin, "Grade leaders")
    assert "Grade 4: Leader Zhao" in text(reply)
    await bot.tap(admin, "◀ Back")
    reply = await bot.tap(admin, "Parents by class")
    assert reply.button_texts[:2] == [
        "4A — children: 2, parents: 3",
        "4B — children: 2, parents: 1",
    ]
    reply = await bot.tap(admin, "4A — children: 2, parents: 3")
    assert text(reply).splitlines() == [
        "Class 4A: 2 children",
        "1. Lena — Anna and Boris",
        "2. Max — Clara",
    ]
    await bot.tap(admin, "◀ Back")
    await bot.tap(admin, "◀ Back")
    reply = await bot.tap(admin, "Not joined yet")
    shown = text(reply)
    assert "A teacher's link (No. 1 School, 4A Maths)" in shown
    assert "nobody has used it yet" in shown
    assert "4B, no parent yet: Vera" in shown


async def test_a_teachers_pairs_change_one_at_a_time(bot: Harness) -> None:
    """张老师 teaches Maths in 4A only: adding Chinese in 4B adds that pair, nothing else."""
    kit = await school_with_names(bot)
    admin = bot.user(ADMIN)
    async with bot.session() as session:
        await repo.add_membership(session, TEACHER, Role.TEACHER, school_id=kit.school_id)
        await repo.add_teaching(session, TEACHER, [(kit.class_id, kit.maths_id)])
        await session.commit()
    await bot.send(admin, "/members")
    await bot.tap(admin, "Teachers")
    reply = await bot.tap(admin, "1")
    assert "Teaches: 4A Maths" in text(reply)
    reply = await bot.tap(admin, "Chinese")
    assert reply.button_texts == ["4A", "4B", "✔ Done"]
    reply = await bot.tap(admin, "4B")
    assert reply.button_texts == ["4A", "✅ 4B", "✔ Done"]
    reply = await bot.tap(admin, "✔ Done")
    assert "Teaches: 4A Maths and 4B Chinese" in text(reply)
    async with bot.session() as session:
        pairs = {(t.class_id, t.subject_id) for t in await session.scalars(select(Teaching))}
    chinese = next(s for c, s in pairs if c == kit.other_class_id)
    assert pairs == {(kit.class_id, kit.maths_id), (kit.other_class_id, chinese)}
    await bot.tap(admin, "Maths")
    reply = await bot.tap(admin, "✅ 4A")  # removed
    assert reply.button_texts == ["4A", "4B", "✔ Done"]
    taught = await rows(bot, Teaching)
    assert [(t.class_id, t.subject_id) for t in taught] == [(kit.other_class_id, chinese)]
    # Another school's class, a stranger, a parent: refused, nothing changes.
    stranger = bot.user(4999, "Eve")
    await bot.send(stranger, "/start")
    await assert_refused(
        bot, stranger, PairButton(kit.school_id, TEACHER, kit.maths_id, kit.class_id)
    )
    await assert_refused(bot, admin, PairButton(kit.school_id, TEACHER, kit.maths_id, 10**9))
    parent = bot.user(LENA_MUM)
    await assert_refused(bot, parent, MembersButton(MembersAction.TEACHERS, kit.school_id))
    reply = await bot.send(parent, "/members")
    assert text(reply) == "Only the school office can manage the school's people."


async def test_removing_a_teacher(bot: Harness) -> None:
    kit = await school_with_names(bot)
    admin, teacher = bot.user(ADMIN), bot.user(TEACHER)
    async with bot.session() as session:
        await repo.add_membership(session, TEACHER, Role.TEACHER, school_id=kit.school_id)
        await repo.add_teaching(session, TEACHER, [(kit.class_id, kit.maths_id)])
        await session.commit()
    await bot.send(admin, "/members")
    await bot.tap(admin, "Teachers")
    await bot.tap(admin, "1")
    reply = await bot.tap(admin, "Remove from the school")
    assert text(reply).startswith("Remove Teacher Wang from No. 1 School?")
    reply = await bot.tap(admin, "Cancel")
    assert "Teaches: 4A Maths" in text(reply)
    await bot.tap(admin, "Remove from the school")
    reply = await bot.tap(admin, "Yes, remove")
    assert text(reply) == "Done: Teacher Wang is no longer a teacher at No. 1 School."
    assert await rows(bot, Teaching) == []
    assert await rows(bot, Membership, Membership.user_id == TEACHER) == []
    assert text(teacher.last) == "The school office of No. 1 School removed you from its teachers."
    # The old card's button: gone, said so.
    await assert_refused(
        bot, teacher, MembersButton(MembersAction.REMOVE_TEACHER_OK, kit.school_id, TEACHER)
    )
    assert "assign" not in [c["command"] for c in teacher.chat_menu_commands()]


async def test_removing_a_parent_keeps_reports_anonymous(bot: Harness) -> None:
    """Lena's mother removed from 4A: unlinked, Lena stays with her father; her report stays
    in the class's figures without her as the reporter."""
    kit = await school_with_names(bot)
    admin = bot.user(ADMIN)
    async with bot.session() as session:
        session.add_all(
            [
                DailyReport(
                    child_id=kit.lena, day=THU, minutes=70, outcome="done", reporter_id=LENA_MUM
                ),
                DailyReport(
                    child_id=kit.max, day=THU, minutes=40, outcome="done", reporter_id=MAX_MUM
                ),
            ]
        )
        await session.commit()
        before = [
            (c.class_id, c.reports, c.median)
            for c in await daily_check(session, [(kit.school_id, THU)])
        ]
    await bot.send(admin, "/members")
    await bot.tap(admin, "Parents by class")
    await bot.tap(admin, "4A — children: 2, parents: 3")
    reply = await bot.tap(admin, "1")  # Lena
    assert text(reply).splitlines() == ["Lena, class 4A.", "Parents: Anna and Boris"]
    reply = await bot.tap(admin, "Remove parent Anna")
    assert text(reply).startswith("Remove Anna from class 4A?")
    reply = await bot.tap(admin, "Yes, remove")
    assert text(reply) == "Done: Anna is no longer a parent in class 4A."
    assert [
        (p.parent_id, p.child_id)
        for p in await rows(bot, ParentLink, ParentLink.child_id == kit.lena)
    ] == [(LENA_DAD, kit.lena)]
    report = await one(bot, DailyReport, DailyReport.child_id == kit.lena)
    assert (report.minutes, report.reporter_id) == (70, None)
    async with bot.session() as session:
        after = [
            (c.class_id, c.reports, c.median)
            for c in await daily_check(session, [(kit.school_id, THU)])
        ]
    assert after == before
    assert (
        text(bot.user(LENA_MUM).last)
        == "The school office removed you from class 4A at No. 1 School."
    )
    # Max's only parent removed: Max (on the list) stays on it, waiting for a parent.
    await bot.send(admin, "/members")
    await bot.tap(admin, "Parents by class")
    await bot.tap(admin, "4A — children: 2, parents: 2")
    await bot.tap(admin, "2")
    await bot.tap(admin, "Remove parent Clara")
    await bot.tap(admin, "Yes, remove")
    max_ = await one(bot, Child, Child.id == kit.max)
    assert (max_.name, max_.removed_at) == ("Max", None)
    assert await rows(bot, ParentLink, ParentLink.child_id == kit.max) == []
    # A forged press for a parent who is not in the class.
    await assert_refused(
        bot,
        bot.user(MAX_MUM),
        MembersButton(MembersAction.REMOVE_PARENT_OK, kit.school_id, kit.class_id, LENA_DAD),
    )
    assert len(await rows(bot, Invite)) == 0
