"""A dialog's school picker: an office of several schools picks one, page by page (the
dialog's own buttons pick a school and turn a page)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update

from bot.i18n import _
from handlers.kit.callbacks import CallbackData
from handlers.kit.context import AsyncSession, Ctx
from handlers.kit.gate import roles_of
from handlers.kit.paging import picker_rows
from handlers.kit.replies import Button, answer, refuse_stale, say
from handlers.kit.router import dialog_for
from storage.models import Dialog, School

SchoolsLoader = Callable[[AsyncSession, frozenset[int]], Awaitable[list[School]]]
"""The schools an office may pick from (all of theirs, or only the open ones)."""


async def ask_school(
    update: Update,
    schools: list[School],
    page: int,
    pick: Callable[[School], CallbackData],
    turn: Callable[[int], CallbackData],
) -> None:
    """'For which school?': a button a school, `page` of them."""
    buttons: list[Button] = [(s.name, pick(s)) for s in schools]
    rows = picker_rows(buttons, page, turn, per_row=1)
    await say(update, _("For which school?"), rows, edit=update.callback_query is not None)


async def school_page(
    update: Update, context: Ctx, name: str, token: str, step: str, load: SchoolsLoader
) -> tuple[Dialog, list[School]] | None:
    """The dialog and its schools for a press turning the picker's page (the press is then
    answered); None after the polite refusal of a stale one."""
    dialog = await dialog_for(context, update, name, token)
    if dialog is None:
        return None
    roles = await roles_of(context, dialog.user_id)
    if dialog.step != step or not roles.admin_schools:
        await refuse_stale(update)
        return None
    await answer(update)
    return dialog, await load(context.session, roles.admin_schools)
