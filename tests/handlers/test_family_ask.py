"""A second parent who opens the class link for a child another parent linked is offered the
family link from that parent, never a silent twin; a namesake can still be added."""

from __future__ import annotations

import pytest

from bot.i18n import ngettext, use_locale
from handlers.onboarding.family_ask import FamilySendButton
from storage.models import Child, Invite, ParentLink
from tests.handlers.onboarding_kit import (
    assert_refused,
    assert_speaks,
    codes,
    link_child,
    localized,
    one,
    parent_link,
    rows,
    set_up_school,
    text,
)
from tests.harness import Harness

LANGUAGES = [("zh-hans", "zh_Hans"), ("ru", "ru"), ("en", "en")]
OFFER = (
    "{parent} has already linked {child} in this class. If {child} is your child too, ask "
    "{parent} for the family link: it links you to the same child, so your reports and theirs "
    "are about one child."
)


@pytest.mark.parametrize(("language_code", "locale"), LANGUAGES)
async def test_second_parent_gets_the_family_link_instead_of_a_twin(
    bot: Harness, language_code: str, locale: str
) -> None:
    admin, _school = await set_up_school(bot)
    code = await parent_link(bot, admin, "2A", "anyone with the link, 90 days")
    mei = bot.user(5001, "Mei")
    await link_child(bot, mei, code, "Xiaoming")
    xiaoming = await one(bot, Child)
    wei = bot.user(5002, "Wei", language_code=language_code)

    reply = await link_child(bot, wei, code, "xiaoming")  # another spelling of the same name
    assert_speaks(reply, locale, OFFER, parent="Mei", child="Xiaoming")
    assert len(await rows(bot, Child)) == 1  # no twin
    assert (await one(bot, Invite, Invite.code == code)).uses == 1  # not used by Wei yet
    forged = FamilySendButton(xiaoming.id, 5002)
    await assert_refused(bot, mei, forged)  # Wei has not asked yet: Mei cannot be made to send

    ask = localized(locale, "Ask {parent} for the family link").format(parent="Mei")
    reply = await bot.tap(wei, ask)
    assert_speaks(
        reply,
        locale,
        "I asked {parent}. When they agree, the family link will come here.",
        parent="Mei",
    )
    request = mei.last
    assert "Wei opened the link of class 2A and says Xiaoming is their child too." in text(request)
    assert request.button_texts == ["Send my family link to Wei"]
    # Asking again (a new class link opening) does not message Mei twice.
    await link_child(bot, wei, code, "Xiaoming")
    reply = await bot.tap(wei, ask)
    assert_speaks(
        reply,
        locale,
        "You have already asked {parent}. The family link will come here.",
        parent="Mei",
    )
    assert mei.last.message_id == request.message_id

    reply = await bot.tap(mei, "Send my family link to Wei")
    assert text(reply) == "Sent: Wei got your family link for Xiaoming."
    sent = wei.last
    with use_locale(locale):
        expected = ngettext(
            "{parent} sent you the family link for {child}. Open it to be linked to the same "
            "child; it works once, for {n} day:\n{link}",
            "{parent} sent you the family link for {child}. Open it to be linked to the same "
            "child; it works once, for {n} days:\n{link}",
            7,
        )
    link = f"https://t.me/qingfu_test_bot?start={codes(sent)[0]}"
    assert text(sent) == expected.format(parent="Mei", child="Xiaoming", n=7, link=link)
    if locale != "en":
        assert "sent you the family link" not in text(sent)
    await bot.send(wei, f"/start {codes(sent)[0]}")
    assert sorted(p.parent_id for p in await rows(bot, ParentLink)) == [5001, 5002]
    assert len(await rows(bot, Child)) == 1


async def test_a_namesake_is_added_when_the_parent_says_so(bot: Harness) -> None:
    admin, _school = await set_up_school(bot)
    code = await parent_link(bot, admin, "3B", "anyone with the link, 90 days")
    await link_child(bot, bot.user(5011, "Lan"), code, "Dabao")
    other = bot.user(5012, "Hua")
    reply = await link_child(bot, other, code, "Dabao")
    assert "Lan has already linked Dabao in this class." in text(reply)
    assert reply.button_texts == [
        "Ask Lan for the family link",
        "Another child, same name",
    ]
    reply = await bot.tap(other, "Another child, same name")
    assert text(reply).startswith("Done: Dabao in class 3B")
    children = await rows(bot, Child)
    assert [c.name for c in children] == ["Dabao", "Dabao"]
    assert sorted(p.parent_id for p in await rows(bot, ParentLink)) == [5011, 5012]
    # The same parent again with the same name: their own child, no offer, no third Dabao.
    reply = await link_child(bot, other, code, "Dabao")
    assert text(reply).startswith("Done: Dabao in class 3B")
    assert len(await rows(bot, Child)) == 2
