"""Chat-scoped command menus for each user's roles and language."""

from __future__ import annotations

import hashlib
import logging

from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
)
from telegram.error import TelegramError

from bot.domain.menus import commands_for
from bot.i18n import LOCALES, _, use_locale
from handlers.kit.context import AsyncSession, Ctx
from handlers.kit.gate import user_locale
from storage import repo
from storage.models import User

log = logging.getLogger(__name__)


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
    for locale in LOCALES:
        with use_locale(locale):
            commands = [BotCommand(cmd, _(desc)) for cmd, desc in commands_for([])]
        language = "" if locale == "en" else locale.split("_")[0]
        await bot.set_my_commands(commands, language_code=language or None)
