"""Steps of the onboarding chain driven through the bot, and DB inspection for its tests."""

from __future__ import annotations

import re
from typing import Any, TypeVar, cast

from sqlalchemy import Table, select

from bot.i18n import translations
from handlers.kit.callbacks import CallbackData
from storage.models import (
    Child,
    Dialog,
    District,
    Invite,
    InviteUse,
    Membership,
    ParentLink,
    School,
    SchoolClass,
    Subject,
    Teaching,
)
from tests.fakebot import FakeUser, SentMessage
from tests.harness import OWNER_ID, Harness

LINK = re.compile(r"https://t\.me/qingfu_test_bot\?start=([A-Za-z0-9_-]+)")
STALE = "This is no longer available."
T = TypeVar("T")

# Everything onboarding may write; a refused button must leave all of it as it was.
STATE_TABLES = (
    District,
    School,
    SchoolClass,
    Subject,
    Membership,
    Teaching,
    Child,
    ParentLink,
    Invite,
    InviteUse,
    Dialog,
)


def codes(message: SentMessage | None) -> list[str]:
    """The invite codes of the links in a message."""
    assert message is not None
    return LINK.findall(message.text or "")


def text(message: SentMessage | None) -> str:
    assert message is not None
    return message.text or ""


async def rows(bot: Harness, model: type[T], *where: Any) -> list[T]:
    async with bot.session() as session:
        return list(await session.scalars(select(model).where(*where)))


async def one(bot: Harness, model: type[T], *where: Any) -> T:
    found = await rows(bot, model, *where)
    assert len(found) == 1, found
    return found[0]


async def db_state(bot: Harness) -> dict[str, list[tuple[Any, ...]]]:
    state = {}
    async with bot.session() as session:
        for model in STATE_TABLES:
            table = cast(Table, model.__table__)
            result = await session.execute(select(table).order_by(*table.primary_key.columns))
            state[table.name] = [tuple(row) for row in result.all()]
    return state


async def dialog_token(bot: Harness, user: FakeUser) -> str:
    return (await one(bot, Dialog, Dialog.user_id == user.id)).token


async def assert_refused(
    bot: Harness, user: FakeUser, data: str | CallbackData, message_id: int | None = None
) -> None:
    """A forged or stale press: the polite alert, no message sent or edited, the DB unchanged."""
    raw = data.pack() if isinstance(data, CallbackData) else data
    before = await db_state(bot)
    answers = len(user.answered_callbacks)
    seen = [(m.message_id, m.edits) for m in user.messages]
    user.tap_raw(raw, message_id)
    await bot.deliver()
    answered = user.answered_callbacks
    assert len(answered) == answers + 1, f"{raw!r} was not answered"
    assert answered[-1].text == STALE, (raw, answered[-1].text)
    assert answered[-1].show_alert
    assert [(m.message_id, m.edits) for m in user.messages] == seen, user.describe()
    assert await db_state(bot) == before, raw


def localized(locale: str, msgid: str) -> str:
    """The catalogue's text for `msgid` today (the msgid itself while it is untranslated)."""
    return translations(locale).gettext(msgid)


def assert_speaks(message: SentMessage | None, locale: str, msgid: str, **values: Any) -> None:
    """The message holds `msgid` as `locale` renders it, and not the English when translated."""
    shown = text(message)
    expected = localized(locale, msgid).format(**values)
    english = msgid.format(**values)
    assert expected in shown, (expected, shown)
    if expected != english:
        assert english not in shown, shown


# ---------------------------------------------------------------- the chain


async def new_school(
    bot: Harness,
    owner: FakeUser | None = None,
    *,
    district: str = "Haidian District",
    school: str = "No. 1 Primary School",
    timezone: str = "Asia/Shanghai",
) -> str:
    """An owner creates a new district's school (time zone by button); the admin invite code."""
    owner = owner or bot.user(OWNER_ID, "Owner")
    await bot.send(owner, "/newschool")
    await bot.tap(owner, data=_button_data(owner, 0))  # "A new district" is the last button
    await bot.send(owner, district)
    await bot.send(owner, school)
    await bot.tap(owner, timezone)
    done = await bot.tap(owner, data=_button_data(owner, 0, row=0))
    found = codes(done)
    assert len(found) == 1, done.text
    return found[0]


def _button_data(user: FakeUser, index: int, row: int = -1) -> str:
    """The callback data of a button by position (labels differ by language)."""
    return str(user.last.reply_markup[row][index]["callback_data"])


async def admin_school(
    bot: Harness, user_id: int = 2001, language_code: str = "en", name: str = "Admin"
) -> tuple[FakeUser, School]:
    """A new school and its administrator, joined through the owner's link."""
    code = await new_school(bot)
    admin = bot.user(user_id, name, language_code=language_code)
    await bot.send(admin, f"/start {code}")
    invite = await one(bot, Invite, Invite.code == code)
    return admin, await one(bot, School, School.id == invite.school_id)


async def bulk_classes(bot: Harness, admin: FakeUser, preset: int = 0, per_grade: int = 4) -> None:
    """/classes -> one step -> a grade preset (0: grades 1-6) -> per grade -> create -> done."""
    await bot.send(admin, "/classes")
    await bot.tap(admin, data=_button_data(admin, 0, row=0))  # add grades in one step
    await bot.tap(admin, data=_button_data(admin, preset, row=0))
    await bot.tap(admin, str(per_grade))
    await bot.tap(admin, data=_button_data(admin, 0, row=0))  # create
    await bot.tap(admin, data=_button_data(admin, 0))  # done


async def preset_subjects(bot: Harness, admin: FakeUser) -> None:
    await bot.send(admin, "/subjects")
    await bot.tap(admin, data=_button_data(admin, 0, row=0))  # the usual subjects
    await bot.tap(admin, data=_button_data(admin, 0))  # done


async def set_up_school(bot: Harness, user_id: int = 2001) -> tuple[FakeUser, School]:
    """A school with grades 1-6 x 4 classes and the usual subjects, and its admin (English)."""
    admin, school = await admin_school(bot, user_id)
    await bulk_classes(bot, admin)
    await preset_subjects(bot, admin)
    return admin, school


async def classes_by_name(bot: Harness, school_id: int) -> dict[str, SchoolClass]:
    return {c.name: c for c in await rows(bot, SchoolClass, SchoolClass.school_id == school_id)}


async def subjects_by_name(bot: Harness, school_id: int) -> dict[str, Subject]:
    return {s.name: s for s in await rows(bot, Subject, Subject.school_id == school_id)}


async def parent_link(bot: Harness, admin: FakeUser, class_name: str, validity: str) -> str:
    """/invite -> Parent -> the class -> validity: the link's code."""
    await bot.send(admin, "/invite")
    await bot.tap(admin, "Parent")
    await bot.tap(admin, class_name)
    found = codes(await bot.tap(admin, validity))
    assert len(found) == 1
    return found[0]


async def link_child(bot: Harness, parent: FakeUser, code: str, name: str) -> SentMessage:
    await bot.send(parent, f"/start {code}")
    reply = await bot.send(parent, name)
    assert reply is not None
    return reply
