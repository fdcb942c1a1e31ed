"""/language: the user picks the language the bot speaks to them."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import Update

from bot.i18n import LOCALES, _, language_name, set_locale
from handlers.kit.callbacks import CallbackData
from handlers.kit.context import Ctx
from handlers.kit.gate import current_user
from handlers.kit.menus import refresh_menu
from handlers.kit.replies import answer, refuse_stale, say


@dataclass(frozen=True)
class LanguageButton(CallbackData, prefix="lang"):
    locale: str


async def language(update: Update, context: Ctx) -> None:
    rows = [[(language_name(locale), LanguageButton(locale))] for locale in LOCALES]
    await say(update, _("Choose your language:"), rows)


async def on_pick(update: Update, context: Ctx, data: LanguageButton) -> None:
    if data.locale not in LOCALES:
        await refuse_stale(update)
        return
    user = await current_user(context, update)
    user.locale = data.locale
    await context.session.commit()
    set_locale(data.locale)
    await answer(update)
    await say(
        update,
        _("Language set: {language}.").format(language=language_name(data.locale)),
        edit=True,
    )
    await refresh_menu(context, context.session, user)
