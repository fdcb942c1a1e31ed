"""The one error handler: log with the update's context, tell the user in their language."""

from __future__ import annotations

import contextlib
import logging

from telegram import (
    Update,
)
from telegram.constants import ChatType
from telegram.error import BadRequest, NetworkError, TelegramError

from bot.i18n import _
from handlers.kit.context import Ctx
from handlers.kit.replies import answer
from storage import updates

log = logging.getLogger(__name__)


async def on_error(update: object, context: Ctx) -> None:
    """Log with the update's context (never the token) and tell the user, in their language."""
    session_note = ""
    try:
        session = context.session
        await session.rollback()
    except RuntimeError:
        session_note = " (no session)"
    if isinstance(update, Update) and updates.is_duplicate_marker(context.error):
        # The same update was handled at the same moment by another process (a redelivery):
        # that one committed; this one's work was rolled back. Nothing to tell anyone.
        log.info("update %s was processed concurrently elsewhere; skipped", update.update_id)
        return
    error = context.error
    if isinstance(error, NetworkError) and not isinstance(error, BadRequest):
        # Expected now and then (a 502 from Telegram, a timeout): one line, no traceback.
        log.warning("network error handling update %s: %s", _update_id(update), error)
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
        if updates.is_unique_violation(context.error) and update.callback_query is not None:
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


def _update_id(update: object) -> object:
    return update.update_id if isinstance(update, Update) else "-"
