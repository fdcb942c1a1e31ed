"""/classes: grades and classes in one step (a range of grades, so many classes each), or one
class at a time."""

from __future__ import annotations

from telegram import Update

from bot.domain.naming import class_names
from bot.domain.validate import clean_text, parse_int, parse_range
from bot.i18n import _, current_locale, format_inventory, ngettext
from handlers.kit.context import Ctx
from handlers.kit.labels import removed_note
from handlers.kit.replies import answer, refuse_stale, say
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
from storage.models import Dialog

MAX_CLASSES_PER_GRADE = 30
GRADE_PRESETS = ((1, 6), (7, 9), (1, 9), (10, 12))
# Where the bulk buttons ("✖ Back" and the grade presets) may be pressed from.
BULK_STEPS = (SetupStep.MENU, SetupStep.GRADES, SetupStep.PER_GRADE, SetupStep.CONFIRM)


def parse_class_line(raw: str | None) -> tuple[int, str, tuple[str, ...]] | None:
    """'5 5E' or '5, 5E' -> (5, '5E', ()): a grade 1-12, a name and the invisible characters
    removed from it."""
    text = (raw or "").strip()
    head, _sep, name = text.replace(",", " ").replace("，", " ").partition(" ")
    grade = parse_int(head, 1, 12)
    checked = clean_text(name, max_len=32)
    if grade is None or checked.value is None:
        return None
    return grade, checked.value, checked.removed


def one_class_question() -> str:
    return _('Type the grade and the class name, e.g. "5 5E":')


# -- buttons


async def on_bulk(update: Update, context: Ctx, data: SetupButton) -> None:
    """Value 0: which grades? 1..: the grade range of that preset."""
    if (found := await pressed(update, context, data)) is None:
        return
    dialog, _school = found
    if (
        dialog.step not in BULK_STEPS
        or not setting_up_classes(dialog)
        or not 0 <= data.value <= len(GRADE_PRESETS)
    ):
        await refuse_stale(update)
        return
    await answer(update)
    if not data.value:
        dialogs.update_dialog(dialog, SetupStep.GRADES)
        await context.session.commit()
        await ask_grades(update, dialog)
        return
    first, last = GRADE_PRESETS[data.value - 1]
    dialogs.update_dialog(dialog, SetupStep.PER_GRADE, first=first, last=last)
    await context.session.commit()
    await ask_per_grade(update, dialog)


async def on_create(update: Update, context: Ctx, data: SetupButton) -> None:
    """At PER_GRADE: so many classes per grade (the value), to confirm. At CONFIRM: create."""
    if (found := await pressed(update, context, data)) is None:
        return
    dialog, school = found
    if dialog.step == SetupStep.PER_GRADE and 1 <= data.value <= 12:
        await answer(update)
        await confirm_bulk(update, context, dialog, data.value)
    elif dialog.step == SetupStep.CONFIRM:
        d = dialog.data
        names = class_names(current_locale(), d["first"], d["last"], d["per_grade"])
        created = await repo.add_classes(context.session, school.id, names)
        await context.session.commit()
        await answer(
            update,
            ngettext("{n} class created.", "{n} classes created.", created).format(n=created),
        )
        await show_menu(update, context, dialog, school, edit=True)
    else:
        await refuse_stale(update)


async def on_one(update: Update, context: Ctx, data: SetupButton) -> None:
    if (found := await pressed(update, context, data)) is None:
        return
    dialog, _school = found
    if not setting_up_classes(dialog):
        await refuse_stale(update)
        return
    await answer(update)
    dialogs.update_dialog(dialog, SetupStep.ONE_CLASS)
    await context.session.commit()
    await say(update, one_class_question(), edit=True)


# -- questions


async def ask_grades(update: Update, dialog: Dialog, error: str = "") -> None:
    t = dialog.token
    rows = [
        [
            (_("Grades {a}-{b}").format(a=a, b=b), SetupButton(t, SetupAction.BULK, i))
            for i, (a, b) in enumerate(GRADE_PRESETS, 1)
        ],
        [(_("✖ Back"), SetupButton(t, SetupAction.MENU))],
    ]
    question = _("Which grades? Pick a range or type one, e.g. 3-5:")
    if error:
        await say(update, f"{error}\n\n{question}", rows)
    else:
        await say(update, question, rows, edit=True)


async def ask_per_grade(update: Update, dialog: Dialog, error: str = "") -> None:
    t = dialog.token
    rows = [
        [(str(n), SetupButton(t, SetupAction.CREATE, n)) for n in range(1, 7)],
        [(str(n), SetupButton(t, SetupAction.CREATE, n)) for n in range(7, 13)],
        [(_("✖ Back"), SetupButton(t, SetupAction.BULK))],
    ]
    question = _("Grades {a}-{b}. How many classes in each grade? Pick or type a number:").format(
        a=dialog.data["first"], b=dialog.data["last"]
    )
    await say(
        update,
        f"{error}\n\n{question}" if error else question,
        rows,
        edit=update.callback_query is not None,
    )


async def confirm_bulk(update: Update, context: Ctx, dialog: Dialog, per_grade: int) -> None:
    dialogs.update_dialog(dialog, SetupStep.CONFIRM, per_grade=per_grade)
    await context.session.commit()
    d = dialog.data
    names = class_names(current_locale(), d["first"], d["last"], per_grade)
    preview = format_inventory(
        [name for _g, name in names[:12]] + (["…"] if len(names) > 12 else [])
    )
    text = ngettext(
        "This creates {n} class: {names}. Classes that already exist are kept.",
        "This creates {n} classes: {names}. Classes that already exist are kept.",
        len(names),
    ).format(n=len(names), names=preview)
    rows = [
        [
            (_("✅ Create"), SetupButton(dialog.token, SetupAction.CREATE)),
            (_("✖ Back"), SetupButton(dialog.token, SetupAction.BULK)),
        ]
    ]
    await say(update, text, rows, edit=update.callback_query is not None)


# -- text, by the dialog's step


async def on_grades_text(update: Update, context: Ctx, dialog: Dialog) -> None:
    if await typed_for(update, context, dialog) is None:
        return
    grades = parse_range(typed_text(update), 1, 12)
    if grades is None:
        error = _('Please type grades from 1 to 12 like "3-5", or pick a range.')
        await ask_grades(update, dialog, error)
        return
    dialogs.update_dialog(dialog, SetupStep.PER_GRADE, first=grades[0], last=grades[1])
    await context.session.commit()
    await ask_per_grade(update, dialog)


async def on_per_grade_text(update: Update, context: Ctx, dialog: Dialog) -> None:
    if await typed_for(update, context, dialog) is None:
        return
    count = parse_int(typed_text(update), 1, MAX_CLASSES_PER_GRADE)
    if count is None:
        error = _("Please type a whole number from 1 to {max}.").format(max=MAX_CLASSES_PER_GRADE)
        await ask_per_grade(update, dialog, error)
        return
    await confirm_bulk(update, context, dialog, count)


async def on_one_class_text(update: Update, context: Ctx, dialog: Dialog) -> None:
    if (school := await typed_for(update, context, dialog)) is None:
        return
    parsed = parse_class_line(typed_text(update))
    if parsed is None:
        error = _(
            "Please type a grade from 1 to 12, a space and a name of at most 32 "
            'characters, e.g. "5 5E".'
        )
        await say(update, error + "\n\n" + one_class_question())
        return
    grade, name, removed = parsed
    created = await repo.add_classes(context.session, school.id, [(grade, name)])
    await context.session.commit()
    note = "" if created else _("{name} already exists.").format(name=name)
    note = "\n".join(n for n in (removed_note(removed), note) if n)
    await show_menu(update, context, dialog, school, edit=False, note=note)
