"""/classes, class lists: the school types its children's names, so parents opening the class's
link pick their child instead of typing."""

from __future__ import annotations

import re

from telegram import Update

from bot.domain.validate import clean_person_name
from bot.i18n import _, format_inventory, ngettext
from handlers.kit.context import Ctx
from handlers.kit.replies import Button, Rows, answer, refuse_stale, say
from handlers.school.setup import (
    SetupAction,
    SetupButton,
    SetupStep,
    pressed,
    setting_up_classes,
    show_menu,
    typed_for,
    typed_text,
)
from storage import dialogs, repo
from storage import school as school_store
from storage.models import Dialog, SchoolClass

MAX_ROSTER_NAMES = 80


def parse_roster(raw: str | None) -> tuple[list[str], list[str]]:
    """(clean names, rejected entries) from one name per line (commas and 、 also split)."""
    parts = re.split(r"[\n,，、;；]+", raw or "")
    names: list[str] = []
    bad: list[str] = []
    for part in parts:
        if not part.strip():
            continue
        checked = clean_person_name(part)
        if checked.value is None:
            bad.append(part.strip()[:30])
        elif checked.value not in names:
            names.append(checked.value)
    return names, bad


async def roster_question(context: Ctx, klass: SchoolClass) -> str:
    names = await school_store.roster_names(context.session, klass.id)
    current = format_inventory(names) if names else _("nobody yet")
    return (
        _("Class list of {klass}: {names}").format(klass=klass.name, names=current)
        + "\n\n"
        + _(
            "Type the children's names to add, one per line (at most {max} at a time). "
            "Parents opening the class's link then pick their child instead of typing."
        ).format(max=MAX_ROSTER_NAMES)
    )


async def on_roster(update: Update, context: Ctx, data: SetupButton) -> None:
    """Value 0: which class? Else the class list of that class."""
    if (found := await pressed(update, context, data)) is None:
        return
    dialog, school = found
    if not setting_up_classes(dialog):
        await refuse_stale(update)
        return
    session = context.session
    if data.value == 0:
        await answer(update)
        classes = await repo.classes_of(session, school.id)
        buttons: list[Button] = [
            (k.name, SetupButton(dialog.token, SetupAction.ROSTER, k.id)) for k in classes
        ]
        rows: Rows = [buttons[i : i + 4] for i in range(0, min(len(buttons), 96), 4)]
        rows.append([(_("✖ Back"), SetupButton(dialog.token, SetupAction.MENU))])
        await say(update, _("The class list of which class?"), rows, edit=True)
        return
    klass = await session.get(SchoolClass, data.value)
    if klass is None or klass.school_id != school.id:
        await refuse_stale(update)
        return
    await answer(update)
    dialogs.update_dialog(dialog, SetupStep.ROSTER, roster_class_id=klass.id)
    await session.commit()
    await say(update, await roster_question(context, klass), edit=True)


async def on_roster_text(update: Update, context: Ctx, dialog: Dialog) -> None:
    if (school := await typed_for(update, context, dialog)) is None:
        return
    session = context.session
    klass = await session.get(SchoolClass, dialog.data.get("roster_class_id"))
    if klass is None or klass.school_id != school.id:
        await say(update, _("This is no longer available."))
        return
    names, bad = parse_roster(typed_text(update))
    if bad or not names or len(names) > MAX_ROSTER_NAMES:
        error = (
            _("These are not names I can use: {names}.").format(names=format_inventory(bad))
            if bad
            else _("Please type between 1 and {max} names, one per line.").format(
                max=MAX_ROSTER_NAMES
            )
        )
        await say(update, error + "\n\n" + await roster_question(context, klass))
        return
    new = await school_store.add_to_roster(session, klass.id, names)
    await session.commit()
    note = ngettext(
        "{n} child added to the class list of {klass}.",
        "{n} children added to the class list of {klass}.",
        len(new),
    ).format(n=len(new), klass=klass.name)
    await show_menu(update, context, dialog, school, edit=False, note=note)
