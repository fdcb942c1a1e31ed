"""/subjects: the usual subjects of the user's language in one tap, or typed ones."""

from __future__ import annotations

from telegram import Update

from bot.domain.parsing.result import Understood
from bot.domain.parsing.subjects import parse_subjects
from bot.domain.presets import SUBJECT_PRESETS
from bot.i18n import _, current_locale, ngettext
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
from handlers.school.wording import subjects_problem
from storage import dialogs, repo
from storage.models import Dialog, School


def subjects_question() -> str:
    return _('Type the subjects to add, separated by commas or one a line (e.g. "Music, Art"):')


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
    await add_typed_subjects(update, context, dialog, school)


async def add_typed_subjects(update: Update, context: Ctx, dialog: Dialog, school: School) -> None:
    """Subjects typed as a list ('语文、数学、英语', one a line): added, the menu shown."""
    parsed = parse_subjects(typed_text(update))
    if not isinstance(parsed, Understood):
        await say(update, subjects_problem() + "\n\n" + subjects_question())
        return
    created = await repo.add_subjects(context.session, school.id, list(parsed.value))
    await context.session.commit()
    note = ngettext("{n} subject added.", "{n} subjects added.", created).format(n=created)
    await show_menu(update, context, dialog, school, edit=False, note=note)
