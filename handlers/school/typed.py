"""Text typed at the /classes or /subjects menu, understood by what it is: a pasted class list
under its class's name, grades ('1-6年级 每级4个班'), one class ('初一(1)班'), or subjects
('语文、数学、英语'). Nothing is saved before it is shown."""

from __future__ import annotations

from telegram import Update

from handlers.kit.context import Ctx
from handlers.school.classes import on_classes_text, parse_several
from handlers.school.roster import roster_for_named_class
from handlers.school.setup import setting_up_classes, typed_for, typed_text
from handlers.school.subjects import add_typed_subjects
from storage.models import Dialog


async def on_menu_text(update: Update, context: Ctx, dialog: Dialog) -> None:
    if (school := await typed_for(update, context, dialog)) is None:
        return
    if not setting_up_classes(dialog):
        await add_typed_subjects(update, context, dialog, school)
        return
    text = (typed_text(update) or "").strip()
    if (
        "\n" in text
        and parse_several(text) is None
        and await roster_for_named_class(update, context, dialog, school)
    ):
        return
    await on_classes_text(update, context, dialog, school)
