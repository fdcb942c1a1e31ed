"""Shared Telegram glue: the per-update gate, replies, menus, refusals and the error handler."""

from __future__ import annotations

import contextlib
import hashlib
import html
import logging
from collections.abc import Sequence

from sqlalchemy import event, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import ApplicationHandlerStop

from bot.callbacks import CallbackData
from bot.context import Ctx
from bot.i18n import _, negotiate, set_locale, use_locale
from bot.menus import commands_for
from bot.roles import Roles
from storage import repo
from storage.models import ProcessedUpdate, User

log = logging.getLogger(__name__)

Keyboard = Sequence[Sequence[tuple[str, CallbackData | str]]]
Button = tuple[str, CallbackData | str]
Rows = list[list[Button]]  # a keyboard being built


# ---------------------------------------------------------------- once-only updates


@event.listens_for(Session, "before_commit")
def _mark_update_processed(session: Session) -> None:
    """The first commit of an update also records its id, so a redelivery is skipped."""
    update_id = session.info.pop("update_id", None)
    if update_id is not None:
        session.add(ProcessedUpdate(update_id=update_id))


async def gate(update: Update, context: Ctx) -> None:
    """First in line: skip redelivered updates, keep the user row fresh, set the locale."""
    session = context.session
    seen = await session.scalar(
        select(ProcessedUpdate.update_id).where(ProcessedUpdate.update_id == update.update_id)
    )
    if seen is not None:
        log.info("update %s was already processed; skipped", update.update_id)
        raise ApplicationHandlerStop
    tg_user = update.effective_user
    if tg_user is None or tg_user.is_bot:
        raise ApplicationHandlerStop
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
    if member is not None:
        # The user blocked (kicked) or unblocked the bot in their private chat.
        user.reachable = member.new_chat_member.status not in (
            ChatMemberStatus.BANNED,
            ChatMemberStatus.LEFT,
        )
        changed = True
    if changed:
        await session.commit()
    set_locale(user_locale(user))
    if member is not None:
        raise ApplicationHandlerStop
    chat = update.effective_chat
    if chat is not None and chat.type != ChatType.PRIVATE:
        # The bot never publishes anything in groups (policy: no child data in chat groups).
        raise ApplicationHandlerStop
    session.info["update_id"] = update.update_id
    # Hold the row for the update: the identity map keeps clean objects only weakly, so
    # without this `current_user` would read the same row again.
    session.info["user"] = user


def user_locale(user: User) -> str:
    return user.locale or negotiate(user.language_code)


async def current_user(context: Ctx, update: Update) -> User:
    """The stored user for this update (the gate created it)."""
    assert update.effective_user is not None
    user = await context.session.get(User, update.effective_user.id)
    assert user is not None
    return user


async def roles_of(context: Ctx, user_id: int) -> Roles:
    return await repo.load_roles(context.session, user_id, context.settings.bot_owners)


# ---------------------------------------------------------------- replies


def keyboard(rows: Keyboard) -> InlineKeyboardMarkup:
    """Inline keyboard from (label, payload) rows; payloads are packed typed callback data."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    label, callback_data=data.pack() if isinstance(data, CallbackData) else data
                )
                for label, data in row
            ]
            for row in rows
        ]
    )


async def say(
    update: Update,
    text: str,
    rows: Keyboard | None = None,
    *,
    edit: bool = False,
) -> Message | None:
    """Answer the user: edit the pressed button's message when `edit`, else send a new one."""
    markup = keyboard(rows) if rows else None
    query = update.callback_query
    if edit and query is not None and isinstance(query.message, Message):
        try:
            result = await query.message.edit_text(text, reply_markup=markup)
            return result if isinstance(result, Message) else None
        except BadRequest as error:
            if "not modified" in str(error).lower():
                return None  # the same content again: nothing to do
            log.info("could not edit message: %s", error)
    chat = update.effective_chat
    if chat is None:
        return None
    return await chat.send_message(text, reply_markup=markup, link_preview_options=None)


MAX_TEXT = 4096  # Telegram's limit for a message text, in UTF-16 code units


def text_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def pack_lines(lines: Sequence[str], limit: int = MAX_TEXT) -> list[list[str]]:
    """Consecutive lines grouped into messages of at most `limit` (an over-long line is cut)."""
    chunks: list[list[str]] = []
    size = 0
    for line in lines:
        if text_length(line) > limit:
            line = line[: limit // 2 - 1] + "…"
        if not chunks or size + 1 + text_length(line) > limit:
            chunks.append([line])
            size = text_length(line)
        else:
            chunks[-1].append(line)
            size += 1 + text_length(line)
    return chunks


async def say_lines(update: Update, lines: Sequence[str], *, edit: bool = False) -> None:
    """`say` for a text that may exceed one message: split between lines, in order."""
    for n, chunk in enumerate(pack_lines(lines)):
        await say(update, "\n".join(chunk), edit=edit and n == 0)


async def answer(update: Update, text: str | None = None, *, alert: bool = False) -> None:
    """Answer a button press (stops the client's spinner); harmless when it is too late."""
    query = update.callback_query
    if query is None:
        return
    try:
        await query.answer(text, show_alert=alert)
    except BadRequest as error:
        log.debug("callback answer failed: %s", error)


async def refuse_stale(update: Update) -> None:
    """The polite refusal for a forged, stale or foreign button."""
    await answer(update, _("This is no longer available."), alert=True)


async def send_to(context: Ctx, user: User, text: str, rows: Keyboard | None = None) -> bool:
    """Message another user in their own language; False when they cannot be reached."""
    if not user.reachable:
        return False
    try:
        await context.bot.send_message(user.id, text, reply_markup=keyboard(rows) if rows else None)
    except Forbidden:  # blocked the bot, or never started it
        await repo.set_reachable(context.session, user.id, False)
        return False
    except BadRequest as error:
        if "chat not found" not in str(error).lower():
            raise
        await repo.set_reachable(context.session, user.id, False)
        return False
    return True


# ---------------------------------------------------------------- menus


async def refresh_menu(context: Ctx, session: AsyncSession, user: User) -> None:
    """Set the user's chat-scoped command menu for their roles and language when it changed."""
    roles = await repo.load_roles(session, user.id, context.settings.bot_owners)
    locale = user_locale(user)
    with use_locale(locale):
        commands = [BotCommand(cmd, _(desc)) for cmd, desc in commands_for(roles.capabilities)]
    signature = hashlib.sha256(
        repr([(c.command, c.description) for c in commands]).encode()
    ).hexdigest()[:32]
    if user.menu_signature == signature:
        return
    try:
        await context.bot.set_my_commands(commands, scope=BotCommandScopeChat(user.id))
    except TelegramError as error:
        log.warning("could not set the menu of user %s: %s", user.id, error)
        return
    user.menu_signature = signature
    await session.commit()


async def set_default_menus(bot: Bot) -> None:
    """The menu of people without roles yet, in each language (at start-up)."""
    from bot.i18n import LOCALES

    for locale in LOCALES:
        with use_locale(locale):
            commands = [BotCommand(cmd, _(desc)) for cmd, desc in commands_for([])]
        language = "" if locale == "en" else locale.split("_")[0]
        await bot.set_my_commands(commands, language_code=language or None)


# ---------------------------------------------------------------- errors


async def on_error(update: object, context: Ctx) -> None:
    """Log with the update's context (never the token) and tell the user, in their language."""
    session_note = ""
    try:
        session = context.session
        await session.rollback()
    except RuntimeError:
        session_note = " (no session)"
    if isinstance(update, Update) and _already_processed(context.error):
        # The same update was handled at the same moment by another process (a redelivery):
        # that one committed; this one's work was rolled back. Nothing to tell anyone.
        log.info("update %s was processed concurrently elsewhere; skipped", update.update_id)
        return
    if isinstance(update, Update):
        user = update.effective_user
        log.error(
            "error handling update %s from user %s%s",
            update.update_id,
            user.id if user else "-",
            session_note,
            exc_info=context.error,
        )
        if isinstance(context.error, IntegrityError) and update.callback_query is not None:
            # Two taps raced for the same unique row: the first one won; nothing to report.
            await answer(update, _("Done."))
            return
        chat = update.effective_chat
        if chat is not None and chat.type == ChatType.PRIVATE:
            with contextlib.suppress(TelegramError):
                await chat.send_message(
                    _("Sorry, something went wrong on our side. Please try again in a minute.")
                )
    else:
        log.error("error outside an update%s", session_note, exc_info=context.error)


def _already_processed(error: BaseException | None) -> bool:
    return isinstance(error, IntegrityError) and "processed_updates" in str(error)


def escape(text: str) -> str:
    return html.escape(text)
