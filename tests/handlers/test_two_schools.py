"""A person with roles in two schools sees the school's short name wherever the same names
would stand side by side: /reports and /export (grades), /tickets (classes); /assign and
/load are in test_homework_lists. Someone in one school sees plain names."""

from __future__ import annotations

import pytest

from bot.domain.roles import Role
from storage.models import Complaint
from tests.factories import make_school, make_staff
from tests.harness import Harness

ADMIN, SINGLE = 2301, 2302
SCHOOLS = ("北京市海淀区实验小学", "阳光小学")


async def seed(bot: Harness, lang: str) -> dict[str, int]:
    """Two schools with a 3年级1班 each, one administrator of both (another of one)."""
    ids: dict[str, int] = {}
    async with bot.session() as session:
        for name in SCHOOLS:
            setup = await make_school(session, name=name, classes=((3, "3年级1班"),))
            await make_staff(session, setup, ADMIN, "Two", Role.SCHOOL_ADMIN)
            ids[name] = setup.school.id
            session.add(
                Complaint(
                    code=f"C{setup.school.id}",
                    school_id=setup.school.id,
                    class_id=setup.classes["3年级1班"].id,
                    category="other",
                    text="…",
                    deadline_at=bot.clock.now,
                )
            )
        await make_staff(session, setup, SINGLE, "One", Role.SCHOOL_ADMIN)
        await session.commit()
    return ids


@pytest.mark.parametrize("lang", ["zh-hans", "ru", "en"])
async def test_reports_exports_and_tickets_name_the_school(bot: Harness, lang: str) -> None:
    await seed(bot, lang)
    user = bot.user(ADMIN, "Two", language_code=lang)
    for command in ("/reports", "/export"):
        reply = await bot.send(user, command)
        grades = [b for b in reply.button_texts if "3" in b]
        assert len(grades) == 2 and grades[0] != grades[1], (command, reply.button_texts)
        assert grades[0].endswith(" · 实验小学") and grades[1].endswith(" · 阳光小学")
        await bot.send(user, "/cancel")
    listing = await bot.send(user, "/tickets")
    place = {"zh-hans": "阳光小学，3年级1班", "ru": "阳光小学, класс 3年级1班"}
    assert place.get(lang, "阳光小学, class 3年级1班") in (listing.text or "")
    reply = await bot.tap(
        user,
        data=next(
            b["callback_data"]
            for b in user.last.buttons
            if str(b["callback_data"]).endswith(":cls:0")
        ),
    )
    classes = [b for b in reply.button_texts if b.startswith("3年级1班")]
    assert classes == ["3年级1班 · 实验小学", "3年级1班 · 阳光小学"]

    alone = bot.user(SINGLE, "One", language_code=lang)
    reply = await bot.send(alone, "/reports")
    assert not any("·" in b for b in reply.button_texts)
