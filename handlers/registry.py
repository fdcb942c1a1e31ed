"""The one list of handlers, in commented groups (gatekeeping first, features after)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.context import QingfuApp
from handlers import common, help, language, start
from handlers.routing import Router

GATE = -10  # every update: dedup, user row, locale, private chats only
FEATURES = 0


def build_router() -> Router:
    """Button payloads and dialogs, each routed to the module that owns it."""
    router = Router()
    # -- onboarding
    router.buttons[start.RosterPick] = start.on_roster_pick
    router.dialogs[start.DIALOG] = start.on_child_name
    # -- preferences
    router.buttons[language.PickLanguage] = language.on_pick
    return router


def register_handlers(app: QingfuApp) -> None:
    router = build_router()
    private = filters.ChatType.PRIVATE

    # -- gatekeeping and locale
    app.add_handler(TypeHandler(Update, common.gate), group=GATE)
    # (my_chat_member updates — the user blocked or unblocked the bot — end in the gate.)

    # -- commands everyone has
    commands = {
        "start": start.start,
        "help": help.help_command,
        "me": help.me,
        "cancel": help.cancel,
        "language": language.language,
    }
    for name, callback in commands.items():
        app.add_handler(CommandHandler(name, callback, filters=private), group=FEATURES)

    # -- buttons and free text, routed by payload type and by the open dialog
    app.add_handler(CallbackQueryHandler(router.on_button), group=FEATURES)
    app.add_handler(
        MessageHandler(
            private & ((filters.TEXT & ~filters.COMMAND) | filters.PHOTO), router.on_text
        ),
        group=FEATURES,
    )
    app.add_handler(MessageHandler(private & filters.COMMAND, unknown_command), group=FEATURES)

    # -- errors
    app.add_error_handler(common.on_error)


async def unknown_command(update: Update, context: object) -> None:
    from bot.i18n import _

    await common.say(update, _("I do not know that command. Send /help to see what I can do."))
