"""/classes and /subjects: a school administrator sets up the school's structure.

This module holds the dialog (payloads, steps, the menu, deleting); the classes, the class lists
and the subjects have their own modules. The button and step tables are in handlers.registry."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from telegram import Update

from bot.i18n import _, format_inventory, format_list, ngettext
from handlers.kit import school_picker
from handlers.kit.callbacks import CallbackData
from handlers.kit.context import Ctx
from handlers.kit.gate import current_user, roles_of
from handlers.kit.paging import picker_rows
from handlers.kit.replies import Button, Rows, answer, refuse_stale, say
from handlers.kit.router import admin_dialog_for, dialog_for
from handlers.kit.school_picker import school_page
from storage import dialogs, repo
from storage import school as school_store
from storage.models import Dialog, School, SchoolClass, Subject

DIALOG = "setup"


class SetupStep(enum.StrEnum):
    SCHOOL = "school"
    MENU = "menu"
    GRADES = "grades"
    PER_GRADE = "per_grade"
    CONFIRM = "confirm"
    ONE_CLASS = "one_class"
    ONE_CONFIRM = "one_confirm"
    SUBJECTS = "subjects"
    ROSTER = "roster"
    ROSTER_PICK = "roster_pick"
    ROSTER_CONFIRM = "roster_confirm"


class SetupTopic(enum.StrEnum):
    CLASSES = "classes"
    SUBJECTS = "subjects"


class SetupAction(enum.StrEnum):
    BULK = "bulk"
    ONE = "one"
    DELETE = "delete"
    DELETE_YES = "delete_yes"
    PRESET = "preset"
    TYPE = "type"
    CREATE = "create"
    DONE = "done"
    MENU = "menu"
    ROSTER = "roster"
    SAVE_ROSTER = "save_roster"
    PICK_GRADE = "pick_grade"
    DELETE_PAGE = "del_page"  # value: the page of the delete picker
    ROSTER_PAGE = "ros_page"  # value: the page of the class list picker


@dataclass(frozen=True)
class SetupSchoolPageButton(CallbackData, prefix="su.sp"):
    token: str
    page: int


@dataclass(frozen=True)
class SetupSchoolButton(CallbackData, prefix="su.s"):
    token: str
    school_id: int


@dataclass(frozen=True)
class SetupButton(CallbackData, prefix="su.a"):
    token: str
    act: SetupAction
    value: int = 0


async def open_setup(update: Update, context: Ctx, what: SetupTopic) -> None:
    session = context.session
    user = await current_user(context, update)
    roles = await roles_of(context, user.id)
    if not roles.admin_schools:
        await say(update, _("Only school administrators can change the school's set-up."))
        return
    dialog = await dialogs.start_dialog(
        session, user.id, DIALOG, SetupStep.SCHOOL, {"what": what}, now=context.now()
    )
    await session.commit()
    schools = await repo.schools_by_ids(session, roles.admin_schools)
    if len(schools) == 1:
        await show_menu(update, context, dialog, schools[0], edit=False)
        return
    await ask_school(update, context, dialog, schools, 0)


async def ask_school(
    update: Update, context: Ctx, dialog: Dialog, schools: list[School], page: int
) -> None:
    await school_picker.ask_school(
        update,
        schools,
        page,
        lambda s: SetupSchoolButton(dialog.token, s.id),
        lambda n: SetupSchoolPageButton(dialog.token, n),
    )


async def on_school_page(update: Update, context: Ctx, data: SetupSchoolPageButton) -> None:
    found = await school_page(
        update, context, DIALOG, data.token, SetupStep.SCHOOL, repo.schools_by_ids
    )
    if found is not None:
        await ask_school(update, context, found[0], found[1], data.page)


async def classes_command(update: Update, context: Ctx) -> None:
    await open_setup(update, context, SetupTopic.CLASSES)


async def subjects_command(update: Update, context: Ctx) -> None:
    await open_setup(update, context, SetupTopic.SUBJECTS)


async def on_school(update: Update, context: Ctx, data: SetupSchoolButton) -> None:
    dialog = await dialog_for(context, update, DIALOG, data.token)
    if dialog is None:
        return
    roles = await roles_of(context, dialog.user_id)
    school = await context.session.get(School, data.school_id)
    if school is None or not roles.administers(school.id):
        await refuse_stale(update)
        return
    await answer(update)
    await show_menu(update, context, dialog, school, edit=True)


def classes_overview(classes: list[SchoolClass]) -> str:
    if not classes:
        return _("No classes yet.")
    by_grade: dict[int, list[str]] = {}
    for klass in classes:
        by_grade.setdefault(klass.grade, []).append(klass.name)
    return "\n".join(
        _("Grade {n}: {classes}").format(n=grade, classes=format_inventory(names))
        for grade, names in sorted(by_grade.items())
    )


async def show_menu(
    update: Update,
    context: Ctx,
    dialog: Dialog,
    school: School,
    *,
    edit: bool,
    note: str = "",
) -> None:
    session = context.session
    dialogs.update_dialog(dialog, SetupStep.MENU, school_id=school.id)
    await session.commit()
    t = dialog.token
    if dialog.data["what"] == SetupTopic.CLASSES:
        classes = await repo.classes_of(session, school.id)
        text = (
            _("Classes of {school}:").format(school=school.name) + "\n" + classes_overview(classes)
        )
        rows: Rows = [
            [(_("Add grades and classes"), SetupButton(t, SetupAction.BULK))],
            [(_("Add one class"), SetupButton(t, SetupAction.ONE))],
        ]
        if classes:
            rows.append([(_("Class lists"), SetupButton(t, SetupAction.ROSTER))])
            rows.append([(_("Delete a class"), SetupButton(t, SetupAction.DELETE))])
    else:
        subjects = await repo.subjects_of(session, school.id)
        names = format_inventory([s.name for s in subjects]) or _("none yet")
        text = _("Subjects of {school}: {subjects}").format(school=school.name, subjects=names)
        rows = [
            [(_("Add the usual subjects"), SetupButton(t, SetupAction.PRESET))],
            [(_("Type subjects to add"), SetupButton(t, SetupAction.TYPE))],
        ]
        if subjects:
            rows.append([(_("Delete a subject"), SetupButton(t, SetupAction.DELETE))])
    rows.append([(_("Done"), SetupButton(t, SetupAction.DONE))])
    await say(update, f"{note}\n\n{text}" if note else text, rows, edit=edit)


# -- buttons: one handler per action. Every check comes before `answer`: a callback query can
# be answered only once, and a refusal is an answer.


async def pressed(update: Update, context: Ctx, data: SetupButton) -> tuple[Dialog, School] | None:
    """The set-up dialog and its school when the presser still administers it."""
    return await admin_dialog_for(context, update, DIALOG, data.token)


def setting_up_classes(dialog: Dialog) -> bool:
    return bool(dialog.data["what"] == SetupTopic.CLASSES)


async def on_done(update: Update, context: Ctx, data: SetupButton) -> None:
    if (found := await pressed(update, context, data)) is None:
        return
    dialog, _school = found
    await answer(update)
    await dialogs.end_dialog(context.session, dialog.user_id)
    await context.session.commit()
    await say(update, _("Saved."), edit=True)


async def on_menu(update: Update, context: Ctx, data: SetupButton) -> None:
    if (found := await pressed(update, context, data)) is None:
        return
    await answer(update)
    await show_menu(update, context, *found, edit=True)


async def on_delete(update: Update, context: Ctx, data: SetupButton) -> None:
    """Value 0: which class or subject? Else delete that one."""
    if (found := await pressed(update, context, data)) is None:
        return
    dialog, school = found
    if data.value == 0:
        await answer(update)
        await ask_delete(update, context, dialog, school)
    elif setting_up_classes(dialog):
        await ask_delete_class(update, context, dialog, school, data.value)
    else:
        await delete_subject(update, context, dialog, school, data.value)


MAX_FLAT_CLASSES = 48
"""A school with more classes picks the grade first, then the class."""


def class_picker(
    token: str,
    classes: list[SchoolClass],
    act: SetupAction,
    grade: int | None = None,
    page: int = 0,
) -> Rows:
    """Buttons (act, class id), four a row, paged: every class, or the classes of `grade`; a
    school with more than MAX_FLAT_CLASSES classes gets its grades first (PICK_GRADE, grade)."""
    grades = sorted({c.grade for c in classes})
    if grade is None and len(classes) > MAX_FLAT_CLASSES and len(grades) > 1:
        buttons: list[Button] = [
            (_("Grade {n}").format(n=g), SetupButton(token, SetupAction.PICK_GRADE, g))
            for g in grades
        ]
    else:
        buttons = [
            (c.name, SetupButton(token, act, c.id))
            for c in classes
            if grade is None or c.grade == grade
        ]
    turn = SetupAction.DELETE_PAGE if act == SetupAction.DELETE else SetupAction.ROSTER_PAGE
    return picker_rows(buttons, page, lambda n: SetupButton(token, turn, n))


def picker_question(act: SetupAction) -> str:
    if act == SetupAction.ROSTER:
        return _(
            "The class list of which class? Pick it, type its name, or paste the list with "
            "the class's name on the first line."
        )
    return _("Which class do you want to delete?")


async def show_class_picker(
    update: Update,
    context: Ctx,
    dialog: Dialog,
    school: School,
    act: SetupAction,
    page: int = 0,
    grade: int | None = None,
) -> None:
    """Which class, for a class list or for deleting (the act its buttons carry); a page of
    the school's classes, or of one grade's."""
    dialogs.update_dialog(dialog, dialog.step, picking=act.value, grade=grade)
    await context.session.commit()
    classes = await repo.classes_of(context.session, school.id)
    rows = class_picker(dialog.token, classes, act, grade, page)
    back = SetupAction.MENU if grade is None else act
    rows.append([(_("✖ Back"), SetupButton(dialog.token, back))])
    await say(update, picker_question(act), rows, edit=True)


async def on_pick_grade(update: Update, context: Ctx, data: SetupButton) -> None:
    """A grade picked in a long class picker: its classes."""
    if (found := await pressed(update, context, data)) is None:
        return
    dialog, school = found
    picking = dialog.data.get("picking")
    if picking not in (SetupAction.ROSTER, SetupAction.DELETE) or not setting_up_classes(dialog):
        await refuse_stale(update)
        return
    act = SetupAction(picking)
    classes = await repo.classes_of(context.session, school.id)
    if not any(c.grade == data.value for c in classes):
        await refuse_stale(update)
        return
    await answer(update)
    await show_class_picker(update, context, dialog, school, act, grade=data.value)


async def on_delete_page(update: Update, context: Ctx, data: SetupButton) -> None:
    """Another page of the delete picker: the classes (of the grade picked) or the subjects."""
    if (found := await pressed(update, context, data)) is None:
        return
    await answer(update)
    await ask_delete(update, context, found[0], found[1], data.value, turning=True)


async def ask_delete(
    update: Update,
    context: Ctx,
    dialog: Dialog,
    school: School,
    page: int = 0,
    turning: bool = False,
) -> None:
    """Which class or subject to delete; `turning` a page keeps the grade picked."""
    t = dialog.token
    if dialog.data["what"] == SetupTopic.CLASSES:
        grade = dialog.data.get("grade") if turning else None
        await show_class_picker(update, context, dialog, school, SetupAction.DELETE, page, grade)
        return
    items = [(s.id, s.name) for s in await repo.subjects_of(context.session, school.id)]
    prompt = _("Which subject do you want to delete?")
    buttons: list[Button] = [
        (name, SetupButton(t, SetupAction.DELETE, item_id)) for item_id, name in items
    ]
    rows = picker_rows(buttons, page, lambda n: SetupButton(t, SetupAction.DELETE_PAGE, n))
    rows.append([(_("✖ Back"), SetupButton(t, SetupAction.MENU))])
    await say(update, prompt, rows, edit=True)


def history_text(name: str, history: school_store.ClassHistory) -> str:
    parts = [
        ngettext("{n} child on its class list", "{n} children on its class list", n).format(n=n)
        for n in [history.children]
        if n
    ]
    parts += [
        ngettext("{n} piece of homework", "{n} pieces of homework", n).format(n=n)
        for n in [history.homework]
        if n
    ]
    parts += [
        ngettext("{n} complaint", "{n} complaints", n).format(n=n)
        for n in [history.complaints]
        if n
    ]
    return _("{name} has {history}; a class with history is kept.").format(
        name=name, history=format_list(parts)
    )


async def ask_delete_class(
    update: Update, context: Ctx, dialog: Dialog, school: School, class_id: int
) -> None:
    """Delete which class: what it has gathered; without history, a question to confirm."""
    session = context.session
    klass = await session.get(SchoolClass, class_id)
    if klass is None or klass.school_id != school.id:
        await refuse_stale(update)
        return
    await answer(update)
    history = await school_store.class_history(session, klass.id)
    t = dialog.token
    back = (_("✖ Back"), SetupButton(t, SetupAction.DELETE))
    if not history.empty:
        await say(update, history_text(klass.name, history), [[back]], edit=True)
        return
    text = _("Delete {name}? It has no class list, homework or complaints yet.").format(
        name=klass.name
    )
    rows: Rows = [
        [
            (
                _("🗑 Delete {name}").format(name=klass.name),
                SetupButton(t, SetupAction.DELETE_YES, klass.id),
            )
        ],
        [back],
    ]
    await say(update, text, rows, edit=True)


async def on_delete_yes(update: Update, context: Ctx, data: SetupButton) -> None:
    """Delete the class the administrator confirmed, if it still has no history."""
    if (found := await pressed(update, context, data)) is None:
        return
    dialog, school = found
    session = context.session
    klass = await session.get(SchoolClass, data.value)
    if klass is None or klass.school_id != school.id or not setting_up_classes(dialog):
        await refuse_stale(update)
        return
    if await school_store.class_in_use(session, klass.id):
        history = await school_store.class_history(session, klass.id)
        await answer(update, history_text(klass.name, history), alert=True)
        return
    await school_store.delete_class(session, klass, context.now())
    await session.commit()
    await answer(update, _("{name} deleted.").format(name=klass.name))
    await show_menu(update, context, dialog, school, edit=True)


async def delete_subject(
    update: Update, context: Ctx, dialog: Dialog, school: School, subject_id: int
) -> None:
    """Delete an unused subject; refuse with the reason when it has homework."""
    session = context.session
    subject = await session.get(Subject, subject_id)
    if subject is None or subject.school_id != school.id:
        await refuse_stale(update)
        return
    if await school_store.subject_in_use(session, subject.id):
        await answer(
            update,
            _("{name} has homework; it cannot be deleted.").format(name=subject.name),
            alert=True,
        )
        return
    await school_store.delete_subject(session, subject, context.now())
    await session.commit()
    await answer(update)
    await show_menu(update, context, dialog, school, edit=True)


# -- text, by the dialog's step


async def typed_for(update: Update, context: Ctx, dialog: Dialog) -> School | None:
    """The dialog's school when its author still administers it (else the dialog ends)."""
    session = context.session
    school = await session.get(School, dialog.data.get("school_id"))
    roles = await roles_of(context, dialog.user_id)
    if school is None or not roles.administers(school.id):
        await dialogs.end_dialog(session, dialog.user_id)
        await session.commit()
        await say(update, _("This is no longer available."))
        return None
    return school


def typed_text(update: Update) -> str | None:
    message = update.effective_message
    return message.text if message else None


async def on_other_text(update: Update, context: Ctx, dialog: Dialog) -> None:
    """Text at a step that waits for a button."""
    if await typed_for(update, context, dialog) is None:
        return
    await say(update, _("Please use the buttons above, or /cancel."))
