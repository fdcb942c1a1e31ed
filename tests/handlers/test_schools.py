"""/schools (owners): every school with its counts, a page at a time; rename (markup
cleaned), time zone, archive (read-only: nothing scheduled, links revoked, no new homework)."""

from __future__ import annotations

import re

from bot.domain.roles import Role
from handlers.onboarding.schools import SchoolAction, SchoolActionButton
from storage import jobs, repo
from storage.models import District, Invite, Membership, School, Teaching
from tests.fakebot import SentMessage
from tests.handlers.onboarding_kit import (
    assert_refused,
    link_child,
    localized,
    new_school,
    one,
    parent_link,
    rows,
    set_up_school,
    subjects_by_name,
    text,
)
from tests.harness import OWNER_ID, Harness


async def test_list_rename_timezone_archive(bot: Harness) -> None:
    admin, school = await set_up_school(bot)
    parent = bot.user(3001, "Li")
    await link_child(bot, parent, await parent_link(bot, admin, "3A", "1 person, 7 days"), "Ming")
    maths = (await subjects_by_name(bot, school.id))["Maths"]
    async with bot.session() as session:
        await repo.add_membership(session, admin.id, Role.TEACHER, school_id=school.id)
        classes = await repo.classes_of(session, school.id)
        await repo.add_teaching(session, admin.id, [(classes[0].id, maths.id)])
        await session.commit()
    await new_school(bot, school="<b>Bold</b> Middle School", district="Chaoyang")
    owner = bot.user(OWNER_ID)
    bold = await one(bot, School, School.name == "Bold Middle School")  # cleaned on input
    assert bold.district_id != school.district_id

    reply = await bot.send(owner, "/schools")
    assert text(reply).splitlines() == [
        "2 schools:",
        "",
        "Chaoyang",
        "1. Bold Middle School",
        "   0 classes, 0 teachers, and 0 parents; no activity yet",
        "",
        "Haidian District",
        "2. No. 1 Primary School",
        "   24 classes, 1 teacher, and 1 parent; no activity yet",
    ]
    assert reply.button_texts == ["1", "2"]
    card = await bot.tap(owner, "2")
    assert text(card).splitlines()[:3] == [
        "No. 1 Primary School",
        "District: Haidian District",
        "Time zone: Asia/Shanghai",
    ]
    await bot.tap(owner, "✏ Rename")
    reply = await bot.send(owner, "<i>Experimental</i> &amp; Primary")
    assert text(reply).startswith("Renamed.\n\nExperimental & Primary\n")
    await bot.tap(owner, "🕒 Time zone")
    reply = await bot.send(owner, "Mars/Olympus")
    assert "That is not a time zone I know." in text(reply)
    reply = await bot.send(owner, "europe/moscow")
    assert text(reply).startswith("Time zone set: Moscow time.")
    school = await one(bot, School, School.id == school.id)
    assert (school.name, school.timezone) == ("Experimental & Primary", "Europe/Moscow")

    reply = await bot.tap(owner, "🗄 Archive")
    assert text(reply).startswith("Archive Experimental & Primary? It becomes read-only")
    reply = await bot.tap(owner, "🗄 Archive")
    assert text(reply).startswith("Experimental & Primary (archived)")
    assert "Archived: read-only, kept for reports." in text(reply)
    assert (await one(bot, School, School.id == school.id)).archived_at == bot.clock.now
    live = await rows(bot, Invite, Invite.school_id == school.id, Invite.revoked_at.is_(None))
    assert live == []
    async with bot.session() as session:
        scheduled = await jobs.school_schedules(session, bot.clock.now.date())
    assert school.id not in [s.school_id for s in scheduled]
    assert await rows(bot, Teaching, Teaching.user_id == admin.id) != []  # kept, read-only
    reply = await bot.send(admin, "/assign")
    assert "Maths" not in " ".join(reply.button_texts)
    archived = "The school is archived: it is read-only, kept for reports."
    for command in ("/invite", "/newyear"):
        assert text(await bot.send(admin, command)) == archived
    reply = await bot.tap(owner, "↩ Bring back")
    assert "(archived)" not in text(reply)
    reply = await bot.tap(owner, "⬅ All schools")
    assert text(reply).startswith("2 schools:")


def numbered(message: SentMessage) -> list[str]:
    return [line for line in text(message).splitlines() if re.match(r"\d+\. ", line)]


async def test_schools_page_with_a_count_and_only_owners(bot: Harness) -> None:
    admin, _school = await set_up_school(bot)
    async with bot.session() as session:
        district = District(name="Dongcheng")
        session.add(district)
        await session.flush()
        session.add_all(
            School(district_id=district.id, name=f"School {n:02}", timezone="Asia/Shanghai")
            for n in range(1, 20)
        )
        await session.commit()
    owner = bot.user(OWNER_ID)
    reply = await bot.send(owner, "/schools")
    assert text(reply).splitlines()[0] == "20 schools: Page 1 of 3"
    assert reply.button_texts == [str(n) for n in range(1, 9)] + ["Page 1 of 3", "▶"]
    seen = numbered(reply)
    reply = await bot.tap(owner, "▶")
    seen += numbered(reply)
    reply = await bot.tap(owner, "▶")
    assert reply.button_texts[-2:] == ["◀", "Page 3 of 3"]
    seen += numbered(reply)
    assert [line.split(". ")[0] for line in seen] == [str(n) for n in range(1, 21)]

    reply = await bot.send(admin, "/schools")
    assert text(reply) == "Only the owners of this bot can manage schools."
    school = await one(bot, Membership, Membership.user_id == admin.id)
    assert school.school_id is not None
    await assert_refused(bot, admin, SchoolActionButton(school.school_id, SchoolAction.ARCHIVE_OK))


async def test_schools_in_chinese(bot: Harness) -> None:
    await set_up_school(bot)
    owner = bot.user(OWNER_ID)
    await bot.send(owner, "/language")
    await bot.tap(owner, "中文")
    reply = await bot.send(owner, "/schools")
    counts = localized("zh_Hans", "{counts}; {activity}")
    assert counts.startswith("{counts}；")
    assert "24个班级、0名教师和0名家长；尚无动态" in text(reply)
