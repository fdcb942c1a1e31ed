"""The per-update gate: skip redelivered updates, keep the user row fresh, set the locale."""

from __future__ import annotations

import logging
from typing import Protocol

from telegram import (
    Update,
)
from telegram.constants import ChatMemberStatus, ChatType
from telegram.ext import ApplicationHandlerStop

from bot.domain.roles import Roles
from bot.i18n import negotiate, set_locale
from handlers.kit.context import Ctx
from storage import repo, updates
from storage.models import User

log = logging.getLogger(__name__)

CAME_BACK = "came_back"
"""Session info key: the update's user was unreachable until this update."""


async def gate(update: Update, context: Ctx) -> None:
    """First in line: skip redelivered updates, keep the user row fresh, set the locale."""
    session = context.session
    tg_user = update.effective_user
    if tg_user is None:
        raise ApplicationHandlerStop
    # One statement: the user row and whether this update was processed already.
    seen, known = await updates.user_unless_processed(session, update.update_id, tg_user.id)
    if seen:
        log.info("update %s was already processed; skipped", update.update_id)
        raise ApplicationHandlerStop
    if tg_user.is_bot:
        raise ApplicationHandlerStop
    # (upsert_user finds `known` in the identity map)
    was_unreachable = known is not None and not known.reachable
    user, changed = await repo.upsert_user(
        session,
        repo.TelegramProfile(
            tg_user.id,
            tg_user.first_name,
            tg_user.last_name,
            tg_user.username,
            tg_user.language_code,
        ),
    )
    member = update.my_chat_member
    if member is not None and member.chat.type == ChatType.PRIVATE:
        # The user blocked (kicked) or unblocked the bot in their private chat.
        user.reachable = member.new_chat_member.status not in (
            ChatMemberStatus.BANNED,
            ChatMemberStatus.LEFT,
        )
        changed = True
    if changed:
        await session.commit()
    set_locale(user_locale(user))
    if was_unreachable and user.reachable:
        # They wrote (or unblocked the bot) after we could not reach them: the catch-up
        # handler (handlers/scheduler/catchup.py, after the features) sends what they missed
        # today. An unblocking my_chat_member update goes on to it too (no feature takes one).
        session.info[CAME_BACK] = True
    elif member is not None:
        raise ApplicationHandlerStop
    chat = update.effective_chat
    if chat is not None and chat.type != ChatType.PRIVATE:
        # The bot never publishes anything in groups (policy: no child data in chat groups).
        raise ApplicationHandlerStop
    # The update's first commit records its id (storage/updates.py), or its end if it commits
    # nothing: a redelivery is skipped above.
    updates.mark_on_commit(session, update.update_id)
    # Hold the row for the update: the identity map keeps clean objects only weakly, so
    # without this `current_user` would read the same row again.
    session.info["user"] = user


def came_back(context: Ctx) -> bool:
    """True when this update's user could not be reached until it (the gate marked them
    reachable again)."""
    return bool(context.session.info.get(CAME_BACK))


class Speaker(Protocol):
    """Whatever tells a user's language: a `User` row, or a notice's lean `Recipient`."""

    @property
    def locale(self) -> str | None: ...

    @property
    def language_code(self) -> str | None: ...


def user_locale(user: Speaker) -> str:
    return user.locale or negotiate(user.language_code)


async def current_user(context: Ctx, update: Update) -> User:
    """The stored user for this update (the gate created it)."""
    assert update.effective_user is not None
    user = await context.session.get(User, update.effective_user.id)
    assert user is not None
    return user


async def roles_of(context: Ctx, user_id: int) -> Roles:
    return await repo.load_roles(context.session, user_id, context.settings.bot_owners)
