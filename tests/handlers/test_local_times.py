"""Issue 13, local time everywhere: an invite's expiry on its school's clock in the reader's
locale with the weekday, the zone named only for a reader who lives on another clock (the
owner, with no school, on the bot's default zone Asia/Shanghai), never 'UTC' or an IANA name."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.domain.roles import InviteRole, Role
from storage import repo
from tests.factories import make_school, make_staff
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
