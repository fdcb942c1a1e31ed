"""What a simulated user does in end-to-end tests: send, tap, wait, and what they should see.

Texts are checked in the user's own locale by rendering the bot's msgid through the same
catalogues (`t("ru", "Please type a name.")`): the test keeps passing while translations are
written, and an English answer to a Russian user fails as soon as the Russian text exists.
Buttons are found by their typed payload (`bot.callbacks`) and pressed by the label the user
sees, so they work in every language too.
"""

from __future__ import annotations

import asyncio
import re
import string
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import select

from bot.domain.roles import Role
from bot.i18n import gettext, ngettext, use_locale
from handlers.kit.callbacks import CallbackData, unpack
from storage import repo
from storage.db import SessionMaker
from storage.models import SchoolClass
from tests.fakebot import FakeUser, SentMessage

P = TypeVar("P", bound=CallbackData)
Expect = str | re.Pattern[str] | Callable[[SentMessage], bool]

DISTRICT = "Haidian District"
SCHOOL = "Sunshine Primary School"
# Messages several tests wait for (msgids).
ASK_CHILD = (
    "What is your child's name? Please type it as the school knows it. Only you and "
    "the school see it."
)
CHILD_DONE = (
    "Done: {child} in class {klass} at {school} is linked to you. Each school day you "
    "will get the class's homework with the time it should take, and in the evening "
    "you can tell us how long it really took.\n\nTo add another child, open the link "
    "of their class. Send /help to see what you can do."
)

LINK_RE = re.compile(r"https://t\.me/(\w+)\?start=([A-Za-z0-9_-]+)")
REPLY_TIMEOUT = 10.0


def t(locale: str, msgid: str, **values: Any) -> str:
    """`msgid` as the bot renders it for `locale` (placeholders filled after translation)."""
    with use_locale(locale):
        text = gettext(msgid)
    return text.format(**values) if values else text


def tn(locale: str, singular: str, plural: str, n: int, **values: Any) -> str:
    with use_locale(locale):
        text = ngettext(singular, plural, n)
    return text.format(n=n, **values)


def t_re(locale: str, msgid: str, **values: Any) -> re.Pattern[str]:
    """Like `t`, as a regex where the placeholders not given match anything (e.g. a link)."""
    with use_locale(locale):
        text = gettext(msgid)
    parts = []
    for literal, name, spec, conversion in string.Formatter().parse(text):
        parts.append(re.escape(literal))
        if name is not None:
            if name in values:
                field = "{" + name + ("!" + conversion if conversion else "")
                field += (":" + spec if spec else "") + "}"
                parts.append(re.escape(field.format(**values)))
            else:
                parts.append("(?s:.*?)")
    return re.compile("".join(parts))


def payloads(msg: SentMessage) -> list[tuple[str, CallbackData | None]]:
    """(label, typed payload) of each inline button of a message."""
    return [(str(b.get("text")), unpack(b.get("callback_data"))) for b in msg.buttons]


def has_button(cls: type[CallbackData], **fields: Any) -> Callable[[SentMessage], bool]:
    """A `wait_for` predicate: the message has a button with this payload type and fields."""

    def match(msg: SentMessage) -> bool:
        return not msg.deleted and any(_matches(p, cls, fields) for _l, p in payloads(msg))

    return match


def _matches(payload: CallbackData | None, cls: type[CallbackData], fields: dict[str, Any]) -> bool:
    return isinstance(payload, cls) and all(getattr(payload, k) == v for k, v in fields.items())


def find_button(
    user: FakeUser, cls: type[P], label: str | None = None, **fields: Any
) -> tuple[str, P, SentMessage]:
    """The newest visible button with this payload (and label): (label, payload, message)."""
    for msg in reversed(user.messages):
        if msg.deleted:
            continue
        for text, payload in payloads(msg):
            if _matches(payload, cls, fields) and label in (None, text):
                assert isinstance(payload, cls)
                return text, payload, msg
    raise AssertionError(
        f"{user!r}: no {cls.__name__} button {label or ''!r} with {fields}; "
        f"last messages:\n  {user.describe()}"
    )


def labels(user: FakeUser, cls: type[CallbackData]) -> list[str]:
    """Labels of the newest message's buttons of one payload type, in order."""
    _label, _payload, msg = find_button(user, cls)
    return [label for label, payload in payloads(msg) if isinstance(payload, cls)]


async def send(
    user: FakeUser, text: str, expect: Expect, *, within: float = REPLY_TIMEOUT
) -> SentMessage:
    """The user sends `text`; returns the first bot message after it matching `expect`."""
    mark = user.mark()
    user.send(text)
    return await user.wait_for(expect, after=mark, timeout=within)


async def send_bad(
    user: FakeUser, text: str, error: str, question: str, *, within: float = REPLY_TIMEOUT
) -> SentMessage:
    """The user answers `text` wrongly: the bot must say `error` and ask `question` again (in
    the same message or right after it). Returns the message with the error."""
    mark = user.mark()
    user.send(text)
    reply = await user.wait_for(error, after=mark, timeout=within)
    await user.wait_for(
        lambda m: m.seq >= reply.seq and question in (m.text or ""), after=mark, timeout=within
    )
    return reply


def press(user: FakeUser, cls: type[CallbackData], label: str | None = None, **fields: Any) -> int:
    """Press the button with this payload by its visible label; returns the update_id."""
    text, _payload, msg = find_button(user, cls, label, **fields)
    return user.tap(text, message_id=msg.message_id)


async def tap(
    user: FakeUser,
    cls: type[CallbackData],
    expect: Expect,
    *,
    label: str | None = None,
    toast: str | None = None,
    within: float = REPLY_TIMEOUT,
    **fields: Any,
) -> SentMessage:
    """Press a button (see `press`); wait for `expect` (a new or edited message) and for the
    button press to be answered (the client's spinner stops), with `toast` when given."""
    mark = user.mark()
    update_id = press(user, cls, label, **fields)
    reply = await user.wait_for(expect, after=mark, timeout=within)
    answered = await wait_answered(user, update_id, within=within)
    if toast is not None:
        assert answered == toast, f"{user!r}: the press was answered {answered!r}, not {toast!r}"
    return reply


async def tap_for_answer(
    user: FakeUser,
    cls: type[CallbackData],
    *,
    label: str | None = None,
    within: float = REPLY_TIMEOUT,
    **fields: Any,
) -> str:
    """Press a button that only answers the press (a toast or alert); returns its text."""
    return await wait_answered(user, press(user, cls, label, **fields), within=within)


async def wait_answered(user: FakeUser, update_id: int, *, within: float = REPLY_TIMEOUT) -> str:
    """Until the bot answered the callback query of `update_id`; returns its text ('' if none)."""
    deadline = time.monotonic() + within
    while True:
        for answer in user.answered_callbacks:
            if answer.update_id == update_id:
                return answer.text or ""
        if time.monotonic() > deadline:
            raise AssertionError(f"{user!r}: button press {update_id} was never answered")
        await asyncio.sleep(0.02)


def invite_code(msg: SentMessage, bot_username: str = "qingfu_test_bot") -> str:
    """The code of the (single) invite deep link in a message."""
    links = LINK_RE.findall(msg.text or "")
    assert len(links) == 1, f"expected one invite link in {msg.describe()}"
    username, code = links[0]
    assert username == bot_username
    assert len(code) >= 11, f"invite code {code!r} is too short for 64 bits"
    return str(code)


async def wait_menu(
    user: FakeUser, expected: list[dict[str, str]], *, within: float = REPLY_TIMEOUT
) -> None:
    """Until the user's command menu is `expected` (it is set after the reply)."""
    deadline = time.monotonic() + within
    while (shown := user.chat_menu_commands()) != expected:
        if time.monotonic() > deadline:
            raise AssertionError(f"{user!r}: menu {shown} is not {expected}")
        await asyncio.sleep(0.02)


def menu(user: FakeUser) -> list[str]:
    """The command names of the user's menu, as Telegram would show it."""
    return [str(c["command"]) for c in user.chat_menu_commands()]


# ---------------------------------------------------------------- seeding


async def seed_school(db: SessionMaker, admin_id: int) -> tuple[int, int]:
    """A school with one class and an administrator, straight into the database."""
    async with db() as s:
        await repo.upsert_user(s, repo.TelegramProfile(admin_id, "Adam", None, None, "en"))
        district = await repo.create_district(s, DISTRICT)
        school = await repo.create_school(s, district.id, SCHOOL, "Asia/Shanghai")
        await repo.add_classes(s, school.id, [(3, "3A")])
        await repo.add_membership(s, admin_id, Role.SCHOOL_ADMIN, school_id=school.id)
        class_id = await s.scalar(select(SchoolClass.id).where(SchoolClass.name == "3A"))
        await s.commit()
        assert class_id is not None
        return school.id, class_id


async def new_invite(db: SessionMaker, **kwargs: object) -> str:
    """An invite code made in the database (`repo.create_invite` arguments; 7 days, no limit)."""
    async with db() as s:
        kwargs.setdefault("now", datetime.now(UTC))
        kwargs.setdefault("valid_for", timedelta(days=7))
        kwargs.setdefault("max_uses", None)
        inv = await repo.create_invite(s, **kwargs)  # type: ignore[arg-type]
        await s.commit()
        return inv.code
