"""/classes: grades and classes as schools write them ('1-6年级 每级4个班', '一至六年级',
'七年级1班', '初一(1)班', '5 «Б»', 'Year 5 Blue'), or by buttons. What was understood is shown
before anything is saved; a class that is already there under another name ('7年级1班' and
'七年级1班') is asked about instead of being added twice."""

from __future__ import annotations

import re

from telegram import Update

from bot.domain.naming import class_names
from bot.domain.parsing.classes import (
    GradeRange,
    parse_class_count,
    parse_class_name,
    parse_grade_range,
)
from bot.domain.parsing.result import BreaksRule, NotUnderstood, Parsed, Understood
from bot.domain.validate import clean_text, parse_int, parse_range
from bot.i18n import _, current_locale, format_list, ngettext
from handlers.kit.context import Ctx
from handlers.kit.labels import removed_note
from handlers.kit.replies import Rows, answer, refuse_stale, say
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
from handlers.school.wording import class_problem, count_problem
from storage import dialogs, repo
from storage.models import Dialog, School, SchoolClass

GRADE_PRESETS = ((1, 6), (7, 9), (1, 9), (10, 12))
# Where the bulk buttons ("✖ Back" and the grade presets) may be pressed from.
BULK_STEPS = (SetupStep.MENU, SetupStep.GRADES, SetupStep.PER_GRADE, SetupStep.CONFIRM)
PREVIEW_NAMES = 6
SEVERAL_SEPARATORS = re.compile(r"[、,，;；\n]")


def class_key(name: str) -> tuple[int, str] | None:
    """What makes two names one class: '7年级1班' and '七年级1班' are both (7, '1')."""
    parsed = parse_class_name(name)
    return (parsed.value.grade, parsed.value.label) if isinstance(parsed, Understood) else None


def known_classes(classes: list[SchoolClass]) -> dict[tuple[int, str] | str, str]:
    """The school's classes by their key and by their exact name -> the name."""
    known: dict[tuple[int, str] | str, str] = {}
    for klass in classes:
        known[klass.name] = klass.name
        if (key := class_key(klass.name)) is not None:
            known.setdefault(key, klass.name)
    return known


def parse_class_line(raw: str | None) -> tuple[int, str, tuple[str, ...]] | None:
    """One class as (grade, name, invisible characters removed): a name schools write
    ('七年级1班', '5 «Б»'), or a grade, a space and any name ('5 Fifth E')."""
    text = (raw or "").strip()
    parsed = parse_class_name(text)
    if isinstance(parsed, Understood):
        checked = clean_text(text, max_len=32)
        if checked.value is not None:
            return parsed.value.grade, checked.value, checked.removed
    head, _sep, name = text.replace(",", " ").replace("，", " ").partition(" ")
    grade = parse_int(head, 1, 12)
    checked = clean_text(name, max_len=32)
    if grade is None or checked.value is None:
        return None
    return grade, checked.value, checked.removed


def parse_several(raw: str | None) -> list[tuple[int, str]] | None:
    """Several classes in one message ('七年级1班、七年级2班', '5А, 5Б', one a line): each
    part a class name schools write; None unless there are two or more and all are."""
    parts = [part.strip() for part in SEVERAL_SEPARATORS.split(raw or "") if part.strip()]
    if len(parts) < 2 or not all(isinstance(parse_class_name(p), Understood) for p in parts):
        return None
    found = [parse_class_line(part) for part in parts]
    return [(f[0], f[1]) for f in found if f is not None] if all(found) else None


def one_class_question() -> str:
    return _("Type the class as the school writes it, e.g. 5B, Year 5 Blue, or 5 Fifth E:")


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
    """At PER_GRADE: so many classes per grade (the value), to confirm. At CONFIRM: create the
    grades' classes; at ONE_CONFIRM: the one class."""
    if (found := await pressed(update, context, data)) is None:
        return
    dialog, school = found
    if dialog.step == SetupStep.PER_GRADE and 1 <= data.value <= 12:
        await answer(update)
        await confirm_bulk(update, context, dialog, school, data.value)
        return
    if dialog.step == SetupStep.CONFIRM:
        names = await new_bulk_names(context, dialog, school)
    elif dialog.step == SetupStep.ONE_CONFIRM:
        names = [(grade, name) for grade, name in dialog.data["adding"]]
    else:
        await refuse_stale(update)
        return
    created = await repo.add_classes(context.session, school.id, names)
    await context.session.commit()
    await answer(
        update, ngettext("{n} class created.", "{n} classes created.", created).format(n=created)
    )
    await show_menu(update, context, dialog, school, edit=True)


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


async def new_bulk_names(context: Ctx, dialog: Dialog, school: School) -> list[tuple[int, str]]:
    """The dialog's grades' classes that the school does not have yet, under any name."""
    d = dialog.data
    known = known_classes(await repo.classes_of(context.session, school.id))
    return [
        (grade, name)
        for grade, name in class_names(current_locale(), d["first"], d["last"], d["per_grade"])
        if name not in known and class_key(name) not in known
    ]


def names_preview(names: list[tuple[int, str]]) -> str:
    """The classes by grade, one line a grade; a long grade as its first and last class."""
    by_grade: dict[int, list[str]] = {}
    for grade, name in names:
        by_grade.setdefault(grade, []).append(name)
    lines = []
    for grade, found in by_grade.items():
        if len(found) <= PREVIEW_NAMES:
            shown = format_list(found)
        else:
            shown = _("{first} to {last}").format(first=found[0], last=found[-1])
        lines.append("• " + _("Grade {n}: {classes}").format(n=grade, classes=shown))
    return "\n".join(lines)


async def confirm_bulk(
    update: Update, context: Ctx, dialog: Dialog, school: School, per_grade: int
) -> None:
    dialogs.update_dialog(dialog, SetupStep.CONFIRM, per_grade=per_grade)
    await context.session.commit()
    d = dialog.data
    every = class_names(current_locale(), d["first"], d["last"], per_grade)
    names = await new_bulk_names(context, dialog, school)
    text = ngettext(
        "Grades {a}-{b}, {per} class each.",
        "Grades {a}-{b}, {per} classes each.",
        per_grade,
    ).format(a=d["first"], b=d["last"], per=per_grade)
    if names:
        text += "\n" + ngettext(
            "This creates {n} class:", "This creates {n} classes:", len(names)
        ).format(n=len(names))
        text += "\n" + names_preview(names)
    if kept := len(every) - len(names):
        text += "\n" + ngettext(
            "{n} of them is already there and is kept.",
            "{n} of them are already there and are kept.",
            kept,
        ).format(n=kept)
    create = [(_("✅ Create"), SetupButton(dialog.token, SetupAction.CREATE))] if names else []
    rows: Rows = [[*create, (_("✖ Back"), SetupButton(dialog.token, SetupAction.BULK))]]
    await say(update, text, rows, edit=update.callback_query is not None)


async def confirm_one(
    update: Update,
    context: Ctx,
    dialog: Dialog,
    school: School,
    one: tuple[int, str],
    note: str = "",
) -> None:
    """The class as understood, to add; or, when the school has it under another name, the
    question whether it is the same class. The exact name again is only told."""
    grade, name = one
    known = known_classes(await repo.classes_of(context.session, school.id))
    if name in known:
        note = "\n".join(n for n in (note, _("{name} already exists.").format(name=name)) if n)
        await show_menu(update, context, dialog, school, edit=False, note=note)
        return
    dialogs.update_dialog(dialog, SetupStep.ONE_CONFIRM, adding=[[grade, name]])
    await context.session.commit()
    t = dialog.token
    same = known.get(key) if (key := class_key(name)) is not None else None
    if same is not None:
        text = _("{same} is already here. Is {name} the same class?").format(same=same, name=name)
        rows: Rows = [
            [(_("Yes, the same class"), SetupButton(t, SetupAction.MENU))],
            [(_("No, add {name} too").format(name=name), SetupButton(t, SetupAction.CREATE))],
        ]
    else:
        text = _("Grade {grade}, class {name}. Add it?").format(grade=grade, name=name)
        rows = [
            [
                (_("✅ Add"), SetupButton(t, SetupAction.CREATE)),
                (_("✖ Back"), SetupButton(t, SetupAction.MENU)),
            ]
        ]
    await say(update, f"{note}\n\n{text}" if note else text, rows)


async def confirm_several(
    update: Update, context: Ctx, dialog: Dialog, school: School, typed: list[tuple[int, str]]
) -> None:
    """Several typed classes: those to add, and those the school has already (under this or
    another name), before anything is saved."""
    known = known_classes(await repo.classes_of(context.session, school.id))
    new: list[tuple[int, str]] = []
    there: list[str] = []
    for grade, name in typed:
        key = class_key(name)
        same = known.get(name) or (known.get(key) if key is not None else None)
        if same is not None:
            there.append(
                name if same == name else _("{name} (as {same})").format(name=name, same=same)
            )
            continue
        new.append((grade, name))
        known[name] = name
        if key is not None:
            known[key] = name
    dialogs.update_dialog(dialog, SetupStep.ONE_CONFIRM, adding=[list(n) for n in new])
    await context.session.commit()
    lines = []
    if new:
        lines.append(
            ngettext("{n} class to add:", "{n} classes to add:", len(new)).format(n=len(new))
        )
        lines.append(names_preview(new))
    if there:
        lines.append(_("Already here, not added again: {names}").format(names=format_list(there)))
    t = dialog.token
    add = [(_("✅ Add"), SetupButton(t, SetupAction.CREATE))] if new else []
    await say(update, "\n".join(lines), [[*add, (_("✖ Back"), SetupButton(t, SetupAction.MENU))]])


# -- text, by the dialog's step


def typed_grades(text: str | None) -> Parsed[GradeRange]:
    """A grade range as schools write it; a bare grade or range of digits as before ('9')."""
    parsed = parse_grade_range(text)
    if isinstance(parsed, NotUnderstood) and (bare := parse_range(text, 1, 12)) is not None:
        return Understood(GradeRange(*bare))
    return parsed


async def use_grades(
    update: Update, context: Ctx, dialog: Dialog, school: School, grades: GradeRange
) -> None:
    dialogs.update_dialog(dialog, SetupStep.PER_GRADE, first=grades.first, last=grades.last)
    await context.session.commit()
    if grades.classes_per_grade is not None:
        await confirm_bulk(update, context, dialog, school, grades.classes_per_grade)
    else:
        await ask_per_grade(update, dialog)


async def on_grades_text(update: Update, context: Ctx, dialog: Dialog) -> None:
    if (school := await typed_for(update, context, dialog)) is None:
        return
    parsed = typed_grades(typed_text(update))
    if not isinstance(parsed, Understood):
        await ask_grades(update, dialog, class_problem(parsed))
        return
    await use_grades(update, context, dialog, school, parsed.value)


async def on_per_grade_text(update: Update, context: Ctx, dialog: Dialog) -> None:
    if (school := await typed_for(update, context, dialog)) is None:
        return
    parsed = parse_class_count(typed_text(update))
    if not isinstance(parsed, Understood):
        await ask_per_grade(update, dialog, count_problem(parsed))
        return
    await confirm_bulk(update, context, dialog, school, parsed.value)


async def on_one_class_text(update: Update, context: Ctx, dialog: Dialog) -> None:
    if (school := await typed_for(update, context, dialog)) is None:
        return
    text = typed_text(update)
    if (several := parse_several(text)) is not None:
        await confirm_several(update, context, dialog, school, several)
        return
    parsed = parse_class_line(text)
    if parsed is None:
        grade = parse_class_name(text)
        problem = class_problem(grade if isinstance(grade, BreaksRule) else NotUnderstood(""))
        await say(update, problem + "\n\n" + one_class_question())
        return
    grade_no, name, removed = parsed
    await confirm_one(update, context, dialog, school, (grade_no, name), removed_note(removed))


async def on_classes_text(update: Update, context: Ctx, dialog: Dialog, school: School) -> None:
    """Text at the /classes menu: grades ('1-6年级 每级4个班') or one class ('初一(1)班')."""
    text = typed_text(update)
    grades = parse_grade_range(text)
    if isinstance(grades, Understood):
        await use_grades(update, context, dialog, school, grades.value)
        return
    if (several := parse_several(text)) is not None:
        await confirm_several(update, context, dialog, school, several)
        return
    one = parse_class_name(text)
    if isinstance(one, Understood) and (parsed := parse_class_line(text)) is not None:
        await confirm_one(update, context, dialog, school, parsed[:2], removed_note(parsed[2]))
        return
    breaks = grades if isinstance(grades, BreaksRule) else one
    await say(update, class_problem(breaks if isinstance(breaks, BreaksRule) else grades))
