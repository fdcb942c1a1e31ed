"""Issue 12: the school's official hotline (监督举报电话) and its district's, set in /settings,
are shown with every ticket: the filing confirmation, the staff's card, the parent's card."""

from __future__ import annotations

from storage.models import District
from tests.handlers.test_complaints import HANDLER, file, parent, seed, text
from tests.harness import Harness

LINE = "Official hotlines: school 010-12345678 and district 0571-88888888"


async def set_district_hotline(bot: Harness, district_id: int, number: str | None) -> None:
    async with bot.session() as session:
        district = await session.get(District, district_id)
        assert district is not None
        district.hotline = number
        await session.commit()


async def test_both_hotlines_with_the_ticket(bot: Harness) -> None:
    world = await seed(bot, hotline="010-12345678")
    await set_district_hotline(bot, world.district_id, "0571-88888888")
    mei = parent(bot)
    confirmation = await file(bot, mei)
    assert LINE in confirmation
    handler = bot.user(HANDLER)
    assert LINE in text(handler.last)  # the new ticket's card
    listing = await bot.send(mei, "/tickets")
    assert listing is not None
    card = await bot.tap(mei, listing.button_texts[0])  # the parent's own card of the ticket
    assert "Your complaint" in text(card) and LINE in text(card)


async def test_only_the_hotlines_that_are_set(bot: Harness) -> None:
    world = await seed(bot)
    mei = parent(bot)
    confirmation = await file(bot, mei)
    assert "Official hotlines" not in confirmation
    await set_district_hotline(bot, world.district_id, "12345")
    confirmation = await file(bot, mei, body="Still three hours every night, nothing changed.")
    assert "Official hotlines: district 12345" in confirmation
