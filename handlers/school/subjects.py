"""/subjects: the usual subjects of the user's language in one tap, or typed ones."""

from __future__ import annotations

import re

from telegram import Update

from bot.domain.presets import SUBJECT_PRESETS
from bot.domain.validate import clean_text
from bot.i18n import _, current_locale
from handlers.kit.context import Ctx
from handlers.kit.replies import answer, refuse_stale, say
from handlers.school.setup import (
    SetupButton,
    SetupStep,
    pressed,
    setting_up_classes,
    show_menu,
    typed_for,
    typed_text,
)
from storage import dialogs, repo
from storage.models import Dialog

SUBJECT_SEPARATORS = re.compile(r"[,，、;；\n]")


def parse_subjects(raw: str | None) -> list[str] | None:
    """'Music, Art' (also with '，', '、' or ';') -> the names; None when one is too long."""
    parts = [p for p in SUBJECT_SEPARATORS.split(raw or "") if p.strip()]
    checked = [clean_text(part, max_len=40) for part in parts]
    names = [c.value for c in checked if c.value is not None]
    if not names or len(names) != len(parts) or len(names) > 30:
        return None
    return names


def subjects_question() -> str:
    return _('Type the subjects to add, separated by commas (e.g. "Music, Art"):')


async def on_preset(update: Update, context: Ctx, data: SetupButton) -> None:
    if (found := await pressed(update, context, data)) is None:
        return
    dialog, school = found
    if setting_up_classes(dialog):
        await refuse_stale(update)
        return
    await answer(update)
    preset = list(SUBJECT_PRESETS.get(current_locale(), SUBJECT_PRESETS["en"]))
    await repo.add_subjects(context.session, school.id, preset)
    await context.session.commit()
    await show_menu(update, context, dialog, school, edit=True)


async def on_type(update: Update, context: Ctx, data: SetupButton) -> None:
    if (found := await pressed(update, context, data)) is None:
        return
    dialog, _school = found
    if setting_up_classes(dialog):
        await refuse_stale(update)
        return
    await answer(update)
    dialogs.update_dialog(dialog, SetupStep.SUBJECTS)
    await context.session.commit()
    await say(update, subjects_question(), edit=True)


async def on_subjects_text(update: Update, context: Ctx, dialog: Dialog) -> None:
    if (school := await typed_for(update, context, dialog)) is None:
        return
    subject_names = parse_subjects(typed_text(update))
    if subject_names is None:
        error = _("Please type subject names of at most 40 characters, separated by commas.")
        await say(update, error + "\n\n" + subjects_question())
        return
    await repo.add_subjects(context.session, school.id, subject_names)
    await context.session.commit()
    await show_menu(update, context, dialog, school, edit=False)
