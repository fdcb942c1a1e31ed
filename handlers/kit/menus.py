"""Chat-scoped command menus for each user's roles and language."""

from __future__ import annotations

import hashlib
import logging

from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    MenuButton,
    MenuButtonCommands,
    MenuButtonWebApp,
    WebAppInfo,
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
    url = context.settings.dashboard_url
    with use_locale(locale):
        commands = [BotCommand(cmd, _(desc)) for cmd, desc in commands_for(roles.capabilities)]
        # With DASHBOARD_URL the menu button opens the dashboard for those who may see it
        # (and is set back to the commands when a role ends); without it, it is left alone.
        button: MenuButton | None = None
        if url:
            button = (
                MenuButtonWebApp(_("📊 Dashboard"), WebAppInfo(url))
                if roles.sees_dashboard
                else MenuButtonCommands()
            )
    shown: list[object] = [(c.command, c.description) for c in commands]
    if button is not None:
        shown.append(button.to_dict())
    signature = hashlib.sha256(repr(shown).encode()).hexdigest()[:32]
    if user.menu_signature == signature:
        return
    try:
        await context.bot.set_my_commands(commands, scope=BotCommandScopeChat(user.id))
        if button is not None:
            await context.bot.set_chat_menu_button(chat_id=user.id, menu_button=button)
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
