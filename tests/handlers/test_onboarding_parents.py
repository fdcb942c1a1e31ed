"""Parents joining by a class link: naming the child or picking from the roster."""

from __future__ import annotations

from handlers.onboarding.start import RosterPickButton
from storage.models import Child, Dialog, Invite, InviteUse, ParentLink
from tests.handlers.onboarding_kit import (
    assert_refused,
    classes_by_name,
    db_state,
    dialog_token,
    link_child,
    one,
    parent_link,
    rows,
    set_up_school,
    text,
)
from tests.harness import Harness

NAME_QUESTION = "What is your child's name?"


async def test_parent_names_child_with_bad_names_asked_again(bot: Harness) -> None:
    admin, school = await set_up_school(bot)
    classes = await classes_by_name(bot, school.id)
    code = await parent_link(bot, admin, "5B", "anyone with the link, 90 days")
    mother = bot.user(5001, "Mei")
    reply = await bot.send(mother, f"/start {code}")
    assert text(reply).startswith("Class 5B at No. 1 Primary School.\n\n" + NAME_QUESTION)
    assert reply is not None and reply.buttons == []
    bad_names = (
        ("   ", "Please type your child's name."),
        ("Lena2", "A name may contain only letters, spaces and hyphens."),
        ("Lena 😀", "A name may contain only letters, spaces and hyphens."),
        ("---", "A name may contain only letters, spaces and hyphens."),
        ("L" * 65, "That name is too long: at most 64 characters."),
    )
    for bad, error in bad_names:
        reply = await bot.send(mother, bad)
        assert text(reply).startswith(error), bad
        assert NAME_QUESTION in text(reply)  # the question again
        assert await rows(bot, Child) == []
        assert (await one(bot, Dialog)).step == "name"
    reply = await bot.send(mother, "  Anna-Maria   O'Neil ")
    assert text(reply).startswith(
        "Done: Anna-Maria O'Neil in class 5B at No. 1 Primary School is linked to you."
    )
    child = await one(bot, Child)
    assert (child.name, child.class_id) == ("Anna-Maria O'Neil", classes["5B"].id)
    link = await one(bot, ParentLink)
    assert (link.parent_id, link.child_id) == (5001, child.id)
    assert (await one(bot, Invite, Invite.code == code)).uses == 1
    assert await rows(bot, Dialog) == []
    menu = [c["command"] for c in mother.chat_menu_commands()]
    assert "addchild" in menu and "classes" not in menu
    reply = await bot.send(mother, "/addchild")
    assert "open the invite link of their class" in text(reply)
    reply = await bot.send(mother, "Anna")  # no dialog any more
    assert "I did not understand that." in text(reply)


async def test_parent_of_two_children_in_two_classes(bot: Harness) -> None:
    admin, _school = await set_up_school(bot)
    first = await parent_link(bot, admin, "2A", "anyone with the link, no expiry")
    second = await parent_link(bot, admin, "5C", "1 person, 7 days")
    father = bot.user(5002, "Wei")
    await link_child(bot, father, first, "Xiaoming")
    await link_child(bot, father, second, "Xiaohong")
    assert sorted(c.name for c in await rows(bot, Child)) == ["Xiaohong", "Xiaoming"]
    assert len(await rows(bot, ParentLink, ParentLink.parent_id == 5002)) == 2
    reply = await bot.send(father, "/me")
    assert "• Parent of Xiaohong, class 5C at No. 1 Primary School" in text(reply)
    assert "• Parent of Xiaoming, class 2A at No. 1 Primary School" in text(reply)
    assert "2 roles in all." in text(reply)
    # The same link and the same name again: the same child, not a twin.
    await link_child(bot, father, first, "Xiaoming")
    assert len(await rows(bot, Child)) == 2
    # A second parent of another child through the shared class link.
    await link_child(bot, bot.user(5003, "Lan"), first, "Dabao")
    assert len(await rows(bot, Child)) == 3
    # The one-person link is used up for anybody else.
    stranger = bot.user(5004, "Eve")
    reply = await bot.send(stranger, f"/start {second}")
    assert text(reply).startswith("This invite link has already been used.")
    assert await rows(bot, Dialog) == []


async def test_one_person_link_taken_while_another_parent_was_typing(bot: Harness) -> None:
    admin, _school = await set_up_school(bot)
    code = await parent_link(bot, admin, "3A", "1 person, 7 days")
    first, second = bot.user(5011, "A"), bot.user(5012, "B")
    await bot.send(first, f"/start {code}")
    await bot.send(second, f"/start {code}")  # both were asked the name
    await bot.send(first, "Alpha")
    reply = await bot.send(second, "Beta")
    assert text(reply).startswith("This invite link has already been used.")
    assert [c.name for c in await rows(bot, Child)] == ["Alpha"]
    assert await rows(bot, Dialog) == []  # the second parent's dialog is over, not stuck
    reply = await bot.send(second, "Beta")
    assert "I did not understand that." in text(reply)


async def test_parent_picks_child_from_roster(bot: Harness) -> None:
    admin, school = await set_up_school(bot)
    classes = await classes_by_name(bot, school.id)
    code = await parent_link(bot, admin, "4D", "anyone with the link, 90 days")
    other = await parent_link(bot, admin, "4C", "anyone with the link, 90 days")
    async with bot.session() as session:
        session.add_all(
            Child(class_id=classes["4D"].id, name=name) for name in ("Zoe", "Adam", "Maya")
        )
        session.add(Child(class_id=classes["4C"].id, name="Other class"))
        await session.commit()
    # Maya is already linked by her mother.
    await bot.send(bot.user(5020, "Maya's mother"), f"/start {code}")
    await bot.tap(bot.user(5020), "Maya")
    maya = await one(bot, Child, Child.name == "Maya")
    zoe = await one(bot, Child, Child.name == "Zoe")
    foreign = await one(bot, Child, Child.name == "Other class")

    parent = bot.user(5021, "Pat")
    reply = await bot.send(parent, f"/start {code}")
    assert "Please pick your child from the class list" in text(reply)
    assert reply is not None and reply.button_texts == ["Adam", "Zoe"]
    token = await dialog_token(bot, parent)
    await assert_refused(bot, parent, RosterPickButton(token, maya.id))  # another family's child
    await assert_refused(bot, parent, RosterPickButton(token, foreign.id))  # another class
    await assert_refused(bot, parent, RosterPickButton(token, 0))
    await assert_refused(bot, parent, RosterPickButton("feedf00d", zoe.id))
    await assert_refused(bot, parent, f"rp:{token}:{zoe.id}:1")
    await assert_refused(bot, parent, f"rp:{token}:zoe")
    reply = await bot.tap(parent, "Zoe")
    assert parent.answered_callbacks[-1].text is None  # answered, without an alert
    assert text(reply).startswith("Done: Zoe in class 4D at No. 1 Primary School")
    assert reply.buttons == []  # the roster message became the confirmation
    assert [
        (p.parent_id, p.child_id)
        for p in await rows(bot, ParentLink, ParentLink.child_id == zoe.id)
    ] == [(5021, zoe.id)]
    assert len(await rows(bot, Child)) == 4  # picked, not created
    # The class has a list: a typed name is never a new child, the list is shown again.
    await bot.send(parent, f"/start {other}")
    reply = await bot.send(parent, "Ben")
    assert text(reply).startswith("This class has a list: please pick your child from it.")
    assert reply is not None and reply.button_texts == ["Other class"]
    assert len(await rows(bot, Child)) == 4
    reply = await bot.send(parent, "/me")
    assert "• Parent of Zoe, class 4D" in text(reply)
    assert "Ben" not in text(reply)


async def test_typed_name_with_a_roster_shows_the_roster_again(bot: Harness) -> None:
    admin, school = await set_up_school(bot)
    classes = await classes_by_name(bot, school.id)
    code = await parent_link(bot, admin, "1A", "anyone with the link, 90 days")
    async with bot.session() as session:
        session.add(Child(class_id=classes["1A"].id, name="Adam"))
        await session.commit()
    parent = bot.user(5030, "Pat")
    await bot.send(parent, f"/start {code}")
    reply = await bot.send(parent, "12345")
    assert text(reply).startswith("This class has a list: please pick your child from it.")
    assert "Please pick your child from the class list" in text(reply)
    assert reply is not None and reply.button_texts == ["Adam"]
    await bot.tap(parent, "Adam")
    assert len(await rows(bot, ParentLink)) == 1


async def test_redelivered_child_name_creates_one_child(bot: Harness) -> None:
    admin, _school = await set_up_school(bot)
    code = await parent_link(bot, admin, "6A", "anyone with the link, 90 days")
    parent = bot.user(5040, "Pat")
    await bot.send(parent, f"/start {code}")
    update_id = parent.send("Lena")
    payload = next(u for u in bot.api.pending_updates if u["update_id"] == update_id)
    await bot.deliver()
    sent = len(parent.messages)
    before = await db_state(bot)
    await bot.replay(payload)
    await bot.replay(payload)
    assert len(parent.messages) == sent
    assert await db_state(bot) == before
    assert [c.name for c in await rows(bot, Child)] == ["Lena"]
    assert len(await rows(bot, InviteUse)) == 2  # the admin's and this parent's, once each


async def test_redelivered_roster_pick_links_once(bot: Harness) -> None:
    admin, school = await set_up_school(bot)
    classes = await classes_by_name(bot, school.id)
    code = await parent_link(bot, admin, "6B", "anyone with the link, 90 days")
    async with bot.session() as session:
        session.add(Child(class_id=classes["6B"].id, name="Adam"))
        await session.commit()
    parent = bot.user(5041, "Pat")
    await bot.send(parent, f"/start {code}")
    update_id = parent.tap("Adam")
    payload = next(u for u in bot.api.pending_updates if u["update_id"] == update_id)
    await bot.deliver()
    before = await db_state(bot)
    answers = len(parent.answered_callbacks)
    await bot.replay(payload)
    assert await db_state(bot) == before
    assert len(parent.answered_callbacks) == answers
    assert len(await rows(bot, ParentLink)) == 1
