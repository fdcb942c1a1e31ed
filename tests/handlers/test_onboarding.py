"""Onboarding through the real Application: /newschool, joining by link, restarts, redelivery."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from telegram.ext import CommandHandler

from bot.domain.menus import commands_for
from bot.domain.roles import Capability, InviteRole, Role
from handlers.onboarding.owner import (
    NewSchoolAction,
    NewSchoolConfirmButton,
    NewSchoolDistrictButton,
    NewSchoolTimezoneButton,
)
from handlers.registry import FEATURES
from storage.db import SessionMaker
from storage.models import Dialog, District, Invite, InviteUse, Membership, School
from tests.handlers.onboarding_kit import (
    admin_school,
    assert_refused,
    codes,
    db_state,
    dialog_token,
    new_school,
    one,
    rows,
    text,
)
from tests.harness import OWNER_ID, Harness, running_bot

# ---------------------------------------------------------------- /newschool


async def test_owner_creates_district_and_school_and_gets_admin_link(bot: Harness) -> None:
    owner = bot.user(OWNER_ID, "Owner")
    reply = await bot.send(owner, "/newschool")
    assert "Which district" in text(reply)
    assert reply is not None and reply.button_texts == ["➕ A new district"]
    reply = await bot.tap(owner, "➕ A new district")
    assert "Type the district's name" in text(reply)
    reply = await bot.send(owner, "  Haidian   District ")
    assert text(reply) == "Type the school's name:"
    reply = await bot.send(owner, "No. 1 Primary School")
    assert "Which time zone" in text(reply)
    assert reply is not None and reply.button_texts[0] == "Asia/Shanghai"
    assert len(reply.button_texts) == len(set(reply.button_texts)) == 9
    reply = await bot.tap(owner, "Asia/Shanghai")
    for part in ("Haidian District", "No. 1 Primary School", "Asia/Shanghai", "CN double"):
        assert part in text(reply)
    done = await bot.tap(owner, "✅ Create the school")
    assert "The school No. 1 Primary School is created" in text(done)
    [code] = codes(done)

    district = await one(bot, District)
    assert district.name == "Haidian District"  # spaces folded
    school = await one(bot, School)
    assert (school.district_id, school.name, school.timezone) == (
        district.id,
        "No. 1 Primary School",
        "Asia/Shanghai",
    )
    assert school.policy_preset == "cn_double_reduction"
    assert (school.cap_primary_low, school.cap_primary, school.cap_junior) == (0, 60, 90)
    invite = await one(bot, Invite)
    assert invite.code == code and len(code) >= 16  # 96 random bits, URL-safe
    assert invite.role == InviteRole.SCHOOL_ADMIN
    assert (invite.school_id, invite.district_id) == (school.id, district.id)
    assert (invite.max_uses, invite.uses, invite.revoked_at) == (1, 0, None)
    assert invite.expires_at == bot.clock.now + timedelta(days=14)
    assert invite.created_by == OWNER_ID
    assert await rows(bot, Dialog) == []


async def test_typed_time_zone_is_validated_and_asked_again(bot: Harness) -> None:
    await new_school(bot, district="Haidian District", school="First")
    owner = bot.user(OWNER_ID)
    reply = await bot.send(owner, "/newschool")
    assert reply is not None and reply.button_texts == ["Haidian District", "➕ A new district"]
    reply = await bot.tap(owner, "Haidian District")
    assert "District: Haidian District. Type the school's name:" in text(reply)
    await bot.send(owner, "Second School")
    for bad in ("Mars/Olympus", "../../etc/passwd", "Asia/Shanghai Asia/Urumqi", "posixrules"):
        reply = await bot.send(owner, bad)
        assert "That is not a time zone I know.\nFor example: London," in text(reply), bad
        assert "Which time zone is the school in?" in text(reply)  # the question again
        assert reply is not None and "Asia/Shanghai" in reply.button_texts
        assert (await one(bot, Dialog)).step == "timezone"
    reply = await bot.send(owner, "UTC+5:30")  # no whole hours: a city is asked for
    assert "Please name a city of that time zone instead of the offset." in text(reply)
    for typed, zone in (
        ("北京时间", "Asia/Shanghai"),
        ("МСК", "Europe/Moscow"),
        ("London", "Europe/London"),
    ):
        reply = await bot.send(owner, typed)
        assert f"Time zone: {zone}" in text(reply), typed
        await bot.tap(owner, "✖ Cancel")
        await bot.send(owner, "/newschool")
        await bot.tap(owner, "Haidian District")
        await bot.send(owner, "Second School")
    reply = await bot.send(owner, "europe/moscow")  # the tz database's spelling is stored
    assert "Time zone: Europe/Moscow" in text(reply)
    await bot.tap(owner, "✅ Create the school")
    school = (await rows(bot, School, School.name == "Second School"))[0]
    assert school.timezone == "Europe/Moscow"
    assert len(await rows(bot, District)) == 1  # the existing district, not a new one


async def test_district_typed_again_by_name_is_the_same_district(bot: Harness) -> None:
    await new_school(bot, district="Haidian District", school="First")
    await new_school(bot, district="haidian district", school="Second")
    district = await one(bot, District)
    assert {s.district_id for s in await rows(bot, School)} == {district.id}


async def test_bad_district_and_school_names_are_asked_again(bot: Harness) -> None:
    owner = bot.user(OWNER_ID)
    await bot.send(owner, "/newschool")
    await bot.tap(owner, "➕ A new district")
    for bad, error in (("x", "too short: at least 2"), ("D" * 121, "too long: at most 120")):
        reply = await bot.send(owner, bad)
        assert error in text(reply)
        assert "Type the district's name" in text(reply)
    await bot.send(owner, "Haidian")
    # Issue 16: a control character is no longer refused; it is removed, and the owner told.
    owner.send("S\x01chool")
    await bot.deliver()
    told = [text(m) for m in owner.messages[-3:]]
    assert any("removed from the name: U+0001." in t for t in told), told
    assert (await one(bot, Dialog)).data["name"] == "School"
    assert await rows(bot, District) == []


async def test_cancel_at_confirm_saves_nothing(bot: Harness) -> None:
    owner = bot.user(OWNER_ID)
    await bot.send(owner, "/newschool")
    await bot.tap(owner, "➕ A new district")
    await bot.send(owner, "Haidian")
    await bot.send(owner, "No. 1")
    await bot.tap(owner, "UTC")
    token = await dialog_token(bot, owner)
    confirm = owner.last
    reply = await bot.tap(owner, "✖ Cancel")
    assert "Cancelled. Nothing was saved" in text(reply)
    assert await db_state(bot) == {name: [] for name in await db_state(bot)}
    # The create button of the cancelled dialog is refused.
    await assert_refused(
        bot, owner, NewSchoolConfirmButton(token, NewSchoolAction.CREATE), confirm.message_id
    )
    assert await rows(bot, School) == []


async def test_non_owner_cannot_create_schools(bot: Harness) -> None:
    eve = bot.user(3001, "Eve")
    reply = await bot.send(eve, "/newschool")
    assert text(reply) == "Only the owners of this bot can create schools."
    assert await rows(bot, Dialog) == []


async def test_forged_newschool_buttons_are_refused(bot: Harness) -> None:
    owner = bot.user(OWNER_ID)
    await new_school(bot, school="First")
    district = await one(bot, District)
    await bot.send(owner, "/newschool")
    token = await dialog_token(bot, owner)
    await assert_refused(
        bot, owner, NewSchoolDistrictButton(token, district.id + 99)
    )  # no such district
    await assert_refused(
        bot, owner, NewSchoolDistrictButton("0badc0de", district.id)
    )  # another token
    await assert_refused(bot, owner, NewSchoolTimezoneButton(token, 0))  # not at the time zone step
    await assert_refused(
        bot, owner, NewSchoolConfirmButton(token, NewSchoolAction.CREATE)
    )  # not at the confirm step
    await assert_refused(bot, owner, "ns.d:" + token)  # wrong arity
    await assert_refused(bot, owner, f"ns.ok:{token}:explode")  # no such action
    await bot.tap(owner, "Haidian District")
    await bot.send(owner, "Second")
    await assert_refused(bot, owner, NewSchoolTimezoneButton(token, 99))
    await assert_refused(bot, owner, NewSchoolTimezoneButton(token, -1))
    # Another user pressing the owner's buttons has no such dialog.
    eve = bot.user(3001, "Eve")
    await bot.send(eve, "hello")
    await assert_refused(bot, eve, NewSchoolTimezoneButton(token, 0))


async def test_newschool_buttons_of_a_replaced_or_cancelled_dialog_are_refused(
    bot: Harness,
) -> None:
    owner = bot.user(OWNER_ID)
    first = await bot.send(owner, "/newschool")
    second = await bot.send(owner, "/newschool")  # a fresh dialog replaces the first
    assert first is not None and second is not None
    await assert_refused(bot, owner, first.buttons[0]["callback_data"], first.message_id)
    await bot.send(owner, "/cancel")
    assert await rows(bot, Dialog) == []
    await assert_refused(bot, owner, second.buttons[0]["callback_data"], second.message_id)


# ---------------------------------------------------------------- joining by link


async def test_admin_joins_by_link_and_gets_menu(bot: Harness) -> None:
    code = await new_school(bot)
    admin = bot.user(2001, "Wang", language_code="en")
    reply = await bot.send(admin, f"/start {code}")
    assert "You are now a school administrator of No. 1 Primary School." in text(reply)
    school = await one(bot, School)
    invite = await one(bot, Invite)
    membership = await one(bot, Membership, Membership.user_id == admin.id)
    assert (membership.role, membership.school_id, membership.invite_id) == (
        Role.SCHOOL_ADMIN,
        school.id,
        invite.id,
    )
    assert invite.uses == 1
    assert [(u.invite_id, u.user_id) for u in await rows(bot, InviteUse)] == [(invite.id, 2001)]
    menu = [c["command"] for c in admin.chat_menu_commands()]
    assert {"classes", "subjects", "invite", "invites", "help", "me"} <= set(menu)
    assert "newschool" not in menu
    menus = [c for c in bot.api.calls_to("setMyCommands") if c.params.get("scope")]
    assert [c.params["scope"] for c in menus] == [{"type": "chat", "chat_id": 2001}]
    reply = await bot.send(admin, "/me")
    assert "• Administrator of No. 1 Primary School" in text(reply)
    assert "1 role in all." in text(reply)
    reply = await bot.send(admin, "/help")
    assert "As a school administrator" in text(reply)
    assert "/classes" in text(reply)

    # Opening the same link again is harmless: the same answer, nothing added.
    reply = await bot.send(admin, f"/start {code}")
    assert "You are now a school administrator" in text(reply)
    assert len(await rows(bot, Membership)) == 1
    assert (await one(bot, Invite)).uses == 1
    assert len([c for c in bot.api.calls_to("setMyCommands") if c.params.get("scope")]) == 1
    # A second person: the one use is gone.
    bob = bot.user(2002, "Bob")
    reply = await bot.send(bob, f"/start {code}")
    assert text(reply).startswith("This invite link has already been used.")
    assert await rows(bot, Membership, Membership.user_id == 2002) == []
    assert (await one(bot, Invite)).uses == 1
    assert "classes" not in [c["command"] for c in bob.chat_menu_commands()]


async def test_expired_link(bot: Harness) -> None:
    code = await new_school(bot)
    bot.clock.advance(days=14)  # valid for 14 days: the instant it ends, it is over
    admin = bot.user(2001, "Wang")
    reply = await bot.send(admin, f"/start {code}")
    assert text(reply).startswith("This invite link has expired.")
    assert await rows(bot, Membership) == []
    assert (await one(bot, Invite)).uses == 0


async def test_link_just_before_expiry_works(bot: Harness) -> None:
    code = await new_school(bot)
    bot.clock.advance(days=14, seconds=-1)
    admin = bot.user(2001, "Wang")
    await bot.send(admin, f"/start {code}")
    assert len(await rows(bot, Membership)) == 1


async def test_revoked_link_is_withdrawn(bot: Harness) -> None:
    code = await new_school(bot)
    owner = bot.user(OWNER_ID)
    reply = await bot.send(owner, "/invites")
    assert text(reply).startswith("1 active invite link:")
    assert "1. school administrator — No. 1 Primary School; used 0 of 1 times" in text(reply)
    assert codes(reply) == [code]
    assert reply is not None and reply.button_texts == ["Revoke 1", "QR 1"]
    reply = await bot.tap(owner, "Revoke 1")
    assert owner.answered_callbacks[-1].text == "Revoked."
    assert "is revoked; it no longer works" in text(reply)
    invite = await one(bot, Invite)
    assert invite.revoked_at == bot.clock.now
    admin = bot.user(2001, "Wang")
    reply = await bot.send(admin, f"/start {code}")
    assert text(reply).startswith("This invite link was withdrawn.")
    assert await rows(bot, Membership) == []
    # The revoke button again: already revoked.
    await assert_refused(bot, owner, owner.messages[-2].buttons[0]["callback_data"])
    reply = await bot.send(owner, "/invites")
    assert text(reply) == "There are no active invite links. Create one with /invite."


async def test_unknown_and_malformed_codes(bot: Harness) -> None:
    bob = bot.user(2002, "Bob")
    for code in ("AAAAAAAAAAAAAAAAAAAAAA", "x" * 64, "%00", "a'b"):
        reply = await bot.send(bob, f"/start {code}")
        assert text(reply).startswith("This invite link is not valid."), code
    assert await rows(bot, Membership) == []


async def test_start_without_code_for_a_member_welcomes_back(bot: Harness) -> None:
    admin, _school = await admin_school(bot)
    reply = await bot.send(admin, "/start")
    assert text(reply) == "Welcome back, Admin! Send /help to see what you can do."


# ---------------------------------------------------------------- restarts and redelivery


def continue_update_ids(bot: Harness, after: int) -> None:
    """Telegram numbers updates on across a restart of the bot (a fresh fake starts at 1)."""
    while bot.api.push_update({}) < after:
        pass
    bot.api.take_updates()


async def test_dialog_survives_restart(sessionmaker: SessionMaker) -> None:
    async with running_bot(sessionmaker) as first:
        owner = first.user(OWNER_ID, "Owner")
        await first.send(owner, "/newschool")
        await first.tap(owner, "➕ A new district")
        await first.send(owner, "Haidian District")
        assert first.errors == []
        last_update_id = first.api.push_update({})
    async with running_bot(sessionmaker) as second:  # a new process: nothing in memory
        continue_update_ids(second, after=last_update_id)
        owner = second.user(OWNER_ID, "Owner")
        reply = await second.send(owner, "No. 1 Primary School")
        assert "Which time zone" in text(reply)
        reply = await second.send(owner, "Asia/Shanghai")
        assert "District: Haidian District" in text(reply)
        done = await second.tap(owner, "✅ Create the school")
        assert len(codes(done)) == 1
        async with second.session() as session:
            school = await session.scalar(select(School))
            assert school is not None and school.name == "No. 1 Primary School"
            assert await session.scalar(select(func.count()).select_from(District)) == 1
        assert second.errors == []


async def test_redelivered_join_uses_the_invite_once(bot: Harness) -> None:
    code = await new_school(bot)
    invite = await one(bot, Invite)
    invite_id = invite.id
    admin = bot.user(2001, "Wang")
    update_id = admin.send(f"/start {code}")
    payload = next(u for u in bot.api.pending_updates if u["update_id"] == update_id)
    await bot.deliver()
    sent = len(admin.messages)
    before = await db_state(bot)
    await bot.replay(payload)
    assert len(admin.messages) == sent  # not even a second answer
    assert await db_state(bot) == before
    assert (await one(bot, Invite, Invite.id == invite_id)).uses == 1


async def test_every_menu_command_has_a_handler(bot: Harness) -> None:
    registered = {
        command
        for handler in bot.app.handlers[FEATURES]
        if isinstance(handler, CommandHandler)
        for command in handler.commands
    }
    for capability in Capability:
        for command, _description in commands_for([capability]):
            assert command in registered, (capability, command)
