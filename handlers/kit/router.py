"""Routes button presses to handlers by their typed payload, and free text to the open dialog."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update

from bot.i18n import _
from handlers.kit.callbacks import CallbackData, unpack
from handlers.kit.context import Ctx
from handlers.kit.gate import roles_of
from handlers.kit.replies import refuse_stale, say
from storage import repo
from storage.models import Dialog, School

ButtonHandler = Callable[[Update, Ctx, Any], Awaitable[None]]
TextHandler = Callable[[Update, Ctx, Dialog], Awaitable[None]]


class Router:
    """Tables filled in `handlers.registry`: payload type -> handler, dialog name -> handler."""

    def __init__(self) -> None:
        self.buttons: dict[type[CallbackData], ButtonHandler] = {}
        self.dialogs: dict[str, TextHandler] = {}

    async def on_button(self, update: Update, context: Ctx) -> None:
        query = update.callback_query
        assert query is not None
        data = unpack(query.data)
        handler = self.buttons.get(type(data)) if data is not None else None
        if handler is None:
            await refuse_stale(update)
            return
        await handler(update, context, data)

    async def on_text(self, update: Update, context: Ctx) -> None:
        """Free text (or a photo) goes to the user's open dialog, whatever process opened it."""
        assert update.effective_user is not None
        dialog = await repo.get_dialog(context.session, update.effective_user.id)
        handler = self.dialogs.get(dialog.name) if dialog is not None else None
        if dialog is None or handler is None:
            await say(
                update,
                _("I did not understand that. Send /help to see what I can do for you."),
            )
            return
        await handler(update, context, dialog)


async def dialog_for(context: Ctx, update: Update, name: str, token: str) -> Dialog | None:
    """The user's open dialog when a button belongs to it; None (after a polite refusal) if not."""
    assert update.effective_user is not None
    dialog = await repo.get_dialog(context.session, update.effective_user.id)
    if dialog is None or dialog.name != name or dialog.token != token:
        await refuse_stale(update)
        return None
    return dialog


async def admin_dialog_for(
    context: Ctx, update: Update, name: str, token: str
) -> tuple[Dialog, School] | None:
    """A school-administration dialog and its school, if the presser still administers it."""
    dialog = await dialog_for(context, update, name, token)
    if dialog is None:
        return None
    school = await context.session.get(School, dialog.data.get("school_id"))
    roles = await roles_of(context, dialog.user_id)
    if school is None or not roles.administers(school.id):
        await refuse_stale(update)
        return None
    return dialog, school
