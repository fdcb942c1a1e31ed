"""Issue 13, local time everywhere: an invite's expiry and a parent's own tickets on the
school's clock in the reader's locale with the weekday, the zone named only for a reader who
lives on another clock (the owner, with no school, on the bot's default zone Asia/Shanghai),
never 'UTC' or an IANA name."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.domain.roles import InviteRole, Role
from storage import repo
from storage.models import Complaint, School
from tests.factories import make_school, make_staff, make_user
from tests.harness import OWNER_ID, Harness

ADMIN = 3201


async def seed(bot: Harness, language_code: str) -> None:
    async with bot.session() as session:
        setup = await make_school(session, name="Школа № 5", timezone="Europe/Moscow")
        await make_staff(
            session, setup, ADMIN, "Ольга", Role.SCHOOL_ADMIN, language_code=language_code
        )
        # now: Thu 19 Nov 2026 08:00 UTC; the link runs out a week later, 11:00 in Moscow
        await repo.create_invite(
            session,
            role=InviteRole.PARENT,
            created_by=ADMIN,
            now=bot.clock.now,
            valid_for=timedelta(days=7),
            max_uses=None,
            school_id=setup.school.id,
            class_id=setup.classes["5A"].id,
        )
        await session.commit()


@pytest.mark.parametrize(
    ("who", "language_code", "expected"),
    [
        (ADMIN, "ru", "до чт, 26 нояб. 2026 г., 11:00\n"),
        (ADMIN, "en", "until Thu, Nov 26, 2026, 11:00 AM\n"),
        (OWNER_ID, "ru", "до чт, 26 нояб. 2026 г., 11:00 (МСК)\n"),
        (OWNER_ID, "zh-hans", "有效期至2026年11月26日周四 11:00（莫斯科时间）\n"),
        (OWNER_ID, "en", "until Thu, Nov 26, 2026, 11:00 AM (Moscow time)\n"),
    ],
)
async def test_invite_expiry_on_the_schools_clock(
    bot: Harness, who: int, language_code: str, expected: str
) -> None:
    await seed(bot, language_code)
    reader = bot.user(who, "Reader", language_code=language_code)
    listing = await bot.send(reader, "/invites")
    assert listing is not None
    text = (listing.text or "").replace("\u202f", " ")
    assert expected in text
    assert "UTC" not in text and "Europe/Moscow" not in text


async def test_settings_name_the_zone_as_people_say_it(bot: Harness) -> None:
    await seed(bot, "ru")
    admin = bot.user(ADMIN, "Ольга", language_code="ru")
    menu = await bot.send(admin, "/settings")
    assert menu is not None and "(часовой пояс МСК)" in (menu.text or "")
    assert "Europe/Moscow" not in (menu.text or "")


@pytest.mark.parametrize(
    ("language_code", "expected"),
    [
        ("en", "· filed Tue, Nov 17, 11:00 AM"),
        ("ru", "· подана вт, 17 нояб., 11:00"),
        ("zh-hans", "· 11月17日周二 11:00提交"),
    ],
)
async def test_own_tickets_filed_on_the_schools_clock_with_the_weekday(
    bot: Harness, language_code: str, expected: str
) -> None:
    """/tickets, a parent's own complaints: the day filed as the ticket cards show it."""
    await seed(bot, language_code)
    async with bot.session() as session:
        parent = await make_user(session, 3301, "Mei", language_code)
        school = await session.scalar(select(School))
        assert school is not None
        session.add(
            Complaint(
                code="4821-0937",
                school_id=school.id,
                complainant_id=parent.id,
                category="other",
                text="…",
                deadline_at=bot.clock.now,
                created_at=bot.clock.now - timedelta(days=2),  # Tue 17 Nov, 11:00 in Moscow
            )
        )
        await session.commit()
    reader = bot.user(3301, "Mei", language_code=language_code)
    listing = await bot.send(reader, "/tickets")
    text = (listing.text or "").replace("\u202f", " ")
    assert expected in text.splitlines()[1]
