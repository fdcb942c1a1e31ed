"""/classes, class lists: the school pastes its children's names (a column from a spreadsheet,
with student numbers and other columns, or names separated by 、 , ;), sees what was
understood, and saves it; parents opening the class's link then pick their child.

The class is picked by a button or typed ('七年级1班'); a class name on the first line of a
pasted list picks the class too."""

from __future__ import annotations

from telegram import Update

from bot.domain.parsing.result import Understood
from bot.domain.parsing.roster import MAX_NAMES, Roster, parse_roster
from bot.i18n import _, format_inventory, format_list, ngettext
from handlers.kit.context import Ctx
from handlers.kit.replies import Rows, answer, refuse_stale, say
from handlers.school.classes import class_key
from handlers.school.setup import (
    SetupAction,
    SetupButton,
    SetupStep,
    pressed,
    setting_up_classes,
    show_class_picker,
    show_menu,
    typed_for,
    typed_text,
)
from handlers.school.wording import roster_problem
from storage import dialogs, repo
from storage import school as school_store
from storage.models import Dialog, School, SchoolClass


async def roster_question(context: Ctx, klass: SchoolClass) -> str:
    names = await school_store.roster_names(context.session, klass.id)
    current = format_inventory(names) if names else _("nobody yet")
    return (
        _("Class list of {klass}: {names}").format(klass=klass.name, names=current)
        + "\n\n"
        + _(
            "Paste the children's names, e.g. a column from a spreadsheet (student numbers may "
            "stay), or type them separated by commas; at most {max} at a time. Parents opening "
            "the class's link then pick their child instead of typing."
        ).format(max=MAX_NAMES)
    )


async def on_roster_page(update: Update, context: Ctx, data: SetupButton) -> None:
    if (found := await pressed(update, context, data)) is None:
        return
    dialog, school = found
    if not setting_up_classes(dialog):
        await refuse_stale(update)
        return
    await answer(update)
    await show_class_picker(
        update,
        context,
        dialog,
        school,
        SetupAction.ROSTER,
        data.value,
        grade=dialog.data.get("grade"),
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
        dialogs.update_dialog(dialog, SetupStep.ROSTER_PICK)
        await show_class_picker(update, context, dialog, school, SetupAction.ROSTER)
        return
    klass = await session.get(SchoolClass, data.value)
    if klass is None or klass.school_id != school.id:
        await refuse_stale(update)
        return
    await answer(update)
    dialogs.update_dialog(dialog, SetupStep.ROSTER, roster_class_id=klass.id)
    await session.commit()
    await say(update, await roster_question(context, klass), edit=True)


async def class_named(context: Ctx, school: School, name: str) -> SchoolClass | None:
    """The school's class by its name or by a name of the same class ('七年级1班')."""
    classes = await repo.classes_of(context.session, school.id)
    key = class_key(name.strip())
    for klass in classes:
        if klass.name == name.strip() or (key is not None and class_key(klass.name) == key):
            return klass
    return None


async def preview_roster(
    update: Update, context: Ctx, dialog: Dialog, klass: SchoolClass, roster: Roster
) -> None:
    """What was understood: how many names and which, before saving."""
    on_list = set(await school_store.roster_names(context.session, klass.id))
    new = [name for name in roster.names if name not in on_list]
    dialogs.update_dialog(dialog, SetupStep.ROSTER_CONFIRM, roster_class_id=klass.id, roster=new)
    await context.session.commit()
    lines = [
        ngettext(
            "{n} name for {klass}: {names}",
            "{n} names for {klass}: {names}",
            len(roster.names),
        ).format(n=len(roster.names), klass=klass.name, names=format_list(list(roster.names)))
    ]
    if roster.duplicates:
        lines.append(
            _("Twice in the list (both are kept): {names}").format(
                names=format_list(list(roster.duplicates))
            )
        )
    if already := len(roster.names) - len(new):
        lines.append(
            ngettext(
                "{n} of them is on the class list already.",
                "{n} of them are on the class list already.",
                already,
            ).format(n=already)
        )
    if roster.junk:
        lines.append(_("Left out: {lines}").format(lines=format_list(list(roster.junk[:5]))))
    t = dialog.token
    save = [(_("✅ Save"), SetupButton(t, SetupAction.SAVE_ROSTER, klass.id))] if new else []
    rows: Rows = [[*save, (_("✖ Back"), SetupButton(t, SetupAction.ROSTER))]]
    await say(update, "\n".join(lines), rows)


async def on_save_roster(update: Update, context: Ctx, data: SetupButton) -> None:
    if (found := await pressed(update, context, data)) is None:
        return
    dialog, school = found
    session = context.session
    klass = await session.get(SchoolClass, data.value)
    if (
        dialog.step != SetupStep.ROSTER_CONFIRM
        or klass is None
        or klass.school_id != school.id
        or dialog.data.get("roster_class_id") != klass.id
    ):
        await refuse_stale(update)
        return
    new = await school_store.add_to_roster(session, klass.id, dialog.data.get("roster", []))
    await session.commit()
    note = ngettext(
        "{n} child added to the class list of {klass}.",
        "{n} children added to the class list of {klass}.",
        len(new),
    ).format(n=len(new), klass=klass.name)
    await answer(update, note)
    await show_menu(update, context, dialog, school, edit=True, note=note)


async def on_roster_text(update: Update, context: Ctx, dialog: Dialog) -> None:
    if (school := await typed_for(update, context, dialog)) is None:
        return
    klass = await context.session.get(SchoolClass, dialog.data.get("roster_class_id"))
    if klass is None or klass.school_id != school.id:
        await say(update, _("This is no longer available."))
        return
    text = (typed_text(update) or "").strip()
    if "\n" in text and await roster_for_named_class(update, context, dialog, school):
        return  # another class's list, under its name
    parsed = parse_roster(text)
    if not isinstance(parsed, Understood):
        await say(update, roster_problem(parsed) + "\n\n" + await roster_question(context, klass))
        return
    await preview_roster(update, context, dialog, klass, parsed.value)


async def roster_for_named_class(
    update: Update, context: Ctx, dialog: Dialog, school: School
) -> bool:
    """A class's name, alone or on the first line of a pasted list: its class list question,
    or the preview of the list. False when the first line names no class of the school."""
    head, _sep, rest = (typed_text(update) or "").strip().partition("\n")
    klass = await class_named(context, school, head)
    if klass is None:
        return False
    if not rest.strip():
        dialogs.update_dialog(dialog, SetupStep.ROSTER, roster_class_id=klass.id)
        await context.session.commit()
        await say(update, await roster_question(context, klass))
        return True
    parsed = parse_roster(rest)
    if not isinstance(parsed, Understood):
        await say(update, roster_problem(parsed))
        return True
    await preview_roster(update, context, dialog, klass, parsed.value)
    return True


async def on_roster_pick_text(update: Update, context: Ctx, dialog: Dialog) -> None:
    if (school := await typed_for(update, context, dialog)) is None:
        return
    if not await roster_for_named_class(update, context, dialog, school):
        await say(
            update,
            _("{name} is not a class of this school. Please pick it, or type its name.").format(
                name=(typed_text(update) or "").strip().partition("\n")[0][:40]
            ),
        )
