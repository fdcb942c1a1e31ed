"""Nothing is cut silently: every picker and list that can grow shows all its items, a page
at a time with a count, at 0, 1, exactly one page and 250 items; no keyboard goes over
Telegram's 100 buttons (`fit_rows` would drop rows: its warning fails the test)."""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from datetime import timedelta

import pytest

from bot.domain.paging import page_count
from bot.domain.roles import InviteRole, Role
from handlers.complaints.listing import LIST_PAGE
from handlers.kit.paging import PICKER_PAGE
from handlers.onboarding.invite_list import PAGE_SIZE as INVITES_PAGE
from handlers.onboarding.schools import PAGE_SIZE as SCHOOLS_PAGE
from handlers.reports.commands import SCHOOLS_PAGE as REPORT_SCHOOLS
from storage import repo
from storage.models import Complaint, District, School
from tests.fakebot import FakeUser, SentMessage
from tests.handlers.onboarding_kit import admin_school, preset_subjects, text
from tests.harness import OWNER_ID, Harness

COUNTS = [0, 1, PICKER_PAGE, 250]
PAGE = re.compile(r"^Page (\d+) of (\d+)$")


def items_of(message: SentMessage, is_item: Callable[[str], bool]) -> list[str]:
    return [b for b in message.button_texts if is_item(b)]


async def every_page(
    bot: Harness, user: FakeUser, first: SentMessage, is_item: Callable[[str], bool]
) -> tuple[list[str], int]:
    """The items of every page (▶ until the last), and the number of pages shown."""
    reply, items, pages = first, [], 1
    while True:
        assert len(reply.buttons) <= 100
        items += items_of(reply, is_item)
        labels = [b for b in reply.button_texts if PAGE.match(b)]
        if labels:
            pages = int(PAGE.match(labels[0]).group(2))  # type: ignore[union-attr]
        if "▶" not in reply.button_texts:
            return items, pages
        reply = await bot.tap(user, "▶", message_id=reply.message_id)


async def school_with_classes(bot: Harness, n: int) -> tuple[FakeUser, School, list[str]]:
    """An administrator's school with `n` classes of grade 3 named '3-1', '3-2', ..."""
    admin, school = await admin_school(bot)
    names = [f"3-{i}" for i in range(1, n + 1)]
    async with bot.session() as session:
        await repo.add_classes(session, school.id, [(3, name) for name in names])
        await session.commit()
    return admin, school, names


def is_class(label: str) -> bool:
    return re.fullmatch(r"(✅ )?3-\d+", label) is not None


Opener = Callable[[Harness, FakeUser], Awaitable[SentMessage | None]]


async def open_delete(bot: Harness, admin: FakeUser) -> SentMessage | None:
    await bot.send(admin, "/classes")
    if "Delete a class" not in admin.last.button_texts:
        return None
    return await bot.tap(admin, "Delete a class")


async def open_roster(bot: Harness, admin: FakeUser) -> SentMessage | None:
    await bot.send(admin, "/classes")
    if "Class lists" not in admin.last.button_texts:
        return None
    return await bot.tap(admin, "Class lists")


async def open_teacher_classes(bot: Harness, admin: FakeUser) -> SentMessage | None:
    await preset_subjects(bot, admin)
    await bot.send(admin, "/invite")
    await bot.tap(admin, "Teacher")
    await bot.tap(admin, "Maths")
    return await bot.tap(admin, "Next ➡")


async def open_parent_class(bot: Harness, admin: FakeUser) -> SentMessage | None:
    await bot.send(admin, "/invite")
    reply = await bot.tap(admin, "Parent")
    if "Grade 3" in reply.button_texts:  # a big school: the grade first
        reply = await bot.tap(admin, "Grade 3")
    return reply


async def open_load(bot: Harness, admin: FakeUser) -> SentMessage | None:
    return await bot.send(admin, "/load")


async def open_report_class(bot: Harness, admin: FakeUser) -> SentMessage | None:
    await bot.send(admin, "/reports")
    return await bot.tap(admin, "A class…")


OPENERS: dict[str, Opener] = {
    "delete a class": open_delete,
    "class lists": open_roster,
    "teacher invite: classes": open_teacher_classes,
    "parent invite: class": open_parent_class,
    "/load": open_load,
    "/reports: a class": open_report_class,
}


@pytest.mark.parametrize("n", COUNTS)
@pytest.mark.parametrize("picker", list(OPENERS))
async def test_class_pickers_show_every_class(
    bot: Harness, caplog: pytest.LogCaptureFixture, picker: str, n: int
) -> None:
    admin, _school, names = await school_with_classes(bot, n)
    first = await OPENERS[picker](bot, admin)
    if n == 0:  # no picker, or one without classes
        assert first is None or items_of(first, is_class) == [], picker
        return
    assert first is not None
    if picker == "/load" and n == 1:  # one class: its figures straight away
        assert "3-1" in text(first)
        return
    shown, pages = await every_page(bot, admin, first, is_class)
    assert sorted(shown, key=lambda s: int(s.split("-")[1])) == names, picker
    assert pages == page_count(n, PICKER_PAGE)
    assert "was cut" not in caplog.text


@pytest.mark.parametrize("n", [1, INVITES_PAGE, 250])
async def test_invites_list_every_link(bot: Harness, n: int) -> None:
    admin, school = await admin_school(bot)
    async with bot.session() as session:
        await repo.add_classes(session, school.id, [(3, "3-1")])
        klass = (await repo.classes_of(session, school.id))[0]
        for _ in range(n):  # (the administrator's own link is used up)
            await repo.create_invite(
                session,
                role=InviteRole.PARENT,
                created_by=admin.id,
                now=bot.clock.now,
                school_id=school.id,
                class_id=klass.id,
                valid_for=None,
                max_uses=None,
            )
        await session.commit()
    reply = await bot.send(admin, "/invites")
    assert text(reply).splitlines()[0].startswith(f"{n} active invite link")
    shown, pages = await every_page(bot, admin, reply, lambda b: b.startswith("Revoke "))
    numbers = [b.split()[1] for b in shown]
    assert numbers == [str(i) for i in range(1, n + 1)]
    assert pages == page_count(n, INVITES_PAGE)


@pytest.mark.parametrize("n", [0, 1, SCHOOLS_PAGE, 250])
async def test_owners_see_every_school(bot: Harness, n: int) -> None:
    async with bot.session() as session:
        district = District(name="Dongcheng")
        session.add(district)
        await session.flush()
        session.add_all(
            School(district_id=district.id, name=f"School {i:03}", timezone="Asia/Shanghai")
            for i in range(1, n + 1)
        )
        await session.commit()
    owner = bot.user(OWNER_ID, "Owner")
    reply = await bot.send(owner, "/schools")
    if n == 0:
        assert text(reply) == "There is no school yet: create one with /newschool."
        return
    shown, pages = await every_page(bot, owner, reply, str.isdigit)
    assert shown == [str(i) for i in range(1, n + 1)]
    assert pages == page_count(n, SCHOOLS_PAGE)
    # The owner's pick of any school for an administrator's invite pages as well.
    await bot.send(owner, "/invite")
    reply = await bot.tap(owner, "School administrator")
    shown, pages = await every_page(bot, owner, reply, lambda b: b.startswith("School "))
    assert shown == [f"School {i:03}" for i in range(1, n + 1)]
    assert pages == page_count(n, PICKER_PAGE)


async def test_a_cut_keyboard_would_be_noticed(caplog: pytest.LogCaptureFixture) -> None:
    """The check above is real: `fit_rows` logs when it has to drop rows."""
    from handlers.kit.replies import fit_rows

    with caplog.at_level(logging.WARNING):
        fit_rows([[("x", "y")] for _ in range(150)])
    assert "was cut" in caplog.text


@pytest.mark.parametrize("n", [0, 1, LIST_PAGE, 250])
async def test_tickets_list_every_complaint(bot: Harness, n: int) -> None:
    admin, school = await admin_school(bot)
    async with bot.session() as session:
        session.add_all(
            Complaint(
                code=f"T{i:04}",
                school_id=school.id,
                category="other",
                text="…",
                deadline_at=bot.clock.now + timedelta(hours=i),
            )
            for i in range(1, n + 1)
        )
        await session.commit()
    reply = await bot.send(admin, "/tickets")
    total = text(reply).splitlines()[1]
    assert total.startswith(f"Soonest deadline first; {n} complaint")
    shown, pages = await every_page(bot, admin, reply, lambda b: b.startswith("T"))
    assert shown == [f"T{i:04}" for i in range(1, n + 1)]  # soonest deadline first
    assert pages == page_count(n, LIST_PAGE)


@pytest.mark.parametrize("n", [1, REPORT_SCHOOLS, 250])
async def test_a_supervisor_picks_any_school_for_a_report(bot: Harness, n: int) -> None:
    supervisor = bot.user(2401, "Zhou")
    await bot.send(supervisor, "/help")  # the user's row
    async with bot.session() as session:
        district = District(name="Dongcheng")
        session.add(district)
        await session.flush()
        session.add_all(
            School(district_id=district.id, name=f"School {i:03}", timezone="Asia/Shanghai")
            for i in range(1, n + 1)
        )
        await repo.add_membership(session, supervisor.id, Role.SUPERVISOR, district_id=district.id)
        await session.commit()
    reply = await bot.send(supervisor, "/reports")
    shown, pages = await every_page(bot, supervisor, reply, lambda b: b.startswith("School "))
    assert shown == [f"School {i:03}" for i in range(1, n + 1)]
    assert pages == page_count(n, REPORT_SCHOOLS)


@pytest.mark.parametrize("n", [2, PICKER_PAGE, 250])
@pytest.mark.parametrize("command", ["/classes", "/settings", "/invite", "/newyear"])
async def test_an_administrator_of_many_schools_picks_any(
    bot: Harness, command: str, n: int
) -> None:
    admin = bot.user(2501, "Ma")
    await bot.send(admin, "/help")  # the user's row
    async with bot.session() as session:
        district = District(name="Dongcheng")
        session.add(district)
        await session.flush()
        schools = [
            School(district_id=district.id, name=f"School {i:03}", timezone="Asia/Shanghai")
            for i in range(1, n + 1)
        ]
        session.add_all(schools)
        await session.flush()
        for school in schools:
            await repo.add_membership(session, admin.id, Role.SCHOOL_ADMIN, school_id=school.id)
        await session.commit()
    reply = await bot.send(admin, command)
    shown, pages = await every_page(bot, admin, reply, lambda b: b.startswith("School "))
    assert shown == [f"School {i:03}" for i in range(1, n + 1)]
    assert pages == page_count(n, PICKER_PAGE)


@pytest.mark.parametrize("n", [1, LIST_PAGE, 250])
async def test_a_parent_sees_every_own_complaint(bot: Harness, n: int) -> None:
    _admin, school = await admin_school(bot)
    parent = bot.user(2601, "Mei")
    async with bot.session() as session:
        session.add_all(
            Complaint(
                code=f"P{i:04}",
                school_id=school.id,
                complainant_id=parent.id,
                category="other",
                text="…",
                deadline_at=bot.clock.now,
                created_at=bot.clock.now - timedelta(minutes=i),
            )
            for i in range(1, n + 1)
        )
        await session.commit()
    reply = await bot.send(parent, "/tickets")
    shown, pages = await every_page(bot, parent, reply, lambda b: b[:1] == "P" and b[1:].isdigit())
    assert shown == [f"P{i:04}" for i in range(1, n + 1)]  # newest first
    assert pages == page_count(n, LIST_PAGE)
