"""Menus and languages: every command a menu offers is answered, for every role; /language
switches replies and menu; blocking the bot is noticed."""

from __future__ import annotations

import pytest

from bot.domain.menus import commands_for
from bot.domain.roles import Capability, Role
from bot.i18n import language_name
from handlers.onboarding.language import LanguageButton
from storage import repo
from storage.db import SessionMaker
from storage.models import User
from tests.e2e.conftest import OWNER_ID, BotProcess
from tests.e2e.helpers import send, t, tap, wait_menu
from tests.fakebot import FakeBotAPI, FakeUser

pytestmark = pytest.mark.e2e

UNKNOWN_COMMAND = "I do not know that command. Send /help to see what I can do."
FAILED = "Sorry, something went wrong on our side. Please try again in a minute."


async def seed(db: SessionMaker) -> dict[int, list[Capability]]:
    """One person per role in one school (straight into the database): id -> capabilities."""
    async with db() as s:
        people = {
            2001: ("Ada", [Capability.SCHOOL_ADMIN]),
            2002: ("Tom", [Capability.TEACHER]),
            2003: ("Gail", [Capability.GRADE_LEADER]),
            2004: ("Pat", [Capability.PARENT]),
            2005: ("Sue", [Capability.SUPERVISOR]),
            2006: ("Hal", [Capability.COMPLAINT_HANDLER]),
        }
        for user_id, (name, _caps) in people.items():
            await repo.upsert_user(s, repo.TelegramProfile(user_id, name, None, None, "en"))
        district = await repo.create_district(s, "Chaoyang District")
        school = await repo.create_school(s, district.id, "No. 1 Primary", "Asia/Shanghai")
        await repo.add_classes(s, school.id, [(4, "4A")])
        await repo.add_subjects(s, school.id, ["Maths"])
        klass = (await repo.classes_of(s, school.id))[0]
        subject = (await repo.subjects_of(s, school.id))[0]
        await repo.add_membership(s, 2001, Role.SCHOOL_ADMIN, school_id=school.id)
        await repo.add_membership(s, 2002, Role.TEACHER, school_id=school.id)
        await repo.add_teaching(s, 2002, [(klass.id, subject.id)])
        await repo.add_membership(s, 2003, Role.GRADE_LEADER, school_id=school.id, grade=4)
        await repo.link_child(s, 2004, klass.id, "Kim")
        await repo.add_membership(s, 2005, Role.SUPERVISOR, district_id=district.id)
        await repo.add_membership(s, 2006, Role.COMPLAINT_HANDLER, school_id=school.id)
        await s.commit()
    return {OWNER_ID: [Capability.OWNER], **{k: caps for k, (_n, caps) in people.items()}}


async def test_every_menu_command_is_answered(
    bot: BotProcess, api: FakeBotAPI, db: SessionMaker
) -> None:
    people = await seed(db)
    for user_id, caps in people.items():
        user: FakeUser = api.user(user_id, f"User{user_id}", language_code="en")
        await send(user, "/start", lambda m: True)
        expected = [
            {"command": cmd, "description": t("en", desc)} for cmd, desc in commands_for(caps)
        ]
        await wait_menu(user, expected)
        for entry in expected:
            command = "/" + entry["command"]
            reply = await send(user, command, lambda m: True)
            assert reply.text not in (UNKNOWN_COMMAND, FAILED), f"{caps}: {command}"
        await send(user, "/cancel", lambda m: True)


async def test_language_switch(bot: BotProcess, api: FakeBotAPI, db: SessionMaker) -> None:
    """A Russian-speaking user switches to Chinese: replies and menu follow, and it sticks."""
    vera = api.user(3100, "Вера", language_code="ru")
    await send(vera, "/help", t("ru", "Change language"))
    # Nothing chat-scoped yet: Telegram shows the default menu set at start-up, in Russian.
    assert api.commands_for({"type": "chat", "chat_id": vera.id}) == []
    assert [c["description"] for c in vera.chat_menu_commands()] == [
        t("ru", desc) for _cmd, desc in commands_for([])
    ]
    await send(vera, "/language", t("ru", "Choose your language:"))
    await tap(
        vera,
        LanguageButton,
        t("zh_Hans", "Language set: {language}.", language=language_name("zh_Hans")),
        locale="zh_Hans",
    )
    expected = [{"command": c, "description": t("zh_Hans", d)} for c, d in commands_for([])]
    await wait_menu(vera, expected)
    await bot.restart()
    await send(vera, "/me", t("zh_Hans", "{name}, this is what I know about you:", name="Вера"))
    async with db() as s:
        user = await s.get(User, vera.id)
        assert user is not None and user.locale == "zh_Hans" and user.language_code == "ru"


async def test_blocking_the_bot_is_noticed(
    bot: BotProcess, api: FakeBotAPI, db: SessionMaker
) -> None:
    bo = api.user(3200, "Bo", language_code="en")
    await send(bo, "/start", lambda m: True)

    async def reachable() -> bool | None:
        async with db() as s:
            user = await s.get(User, bo.id)
            return None if user is None else user.reachable

    for blocked in (True, False):
        (bo.block if blocked else bo.unblock)(notify=True)
        await bo.wait_idle(quiet=0.2)
        assert await reachable() is (not blocked)
