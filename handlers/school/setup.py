"""/classes and /subjects: a school administrator sets up the school's structure."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update

from bot.domain.naming import class_names
from bot.domain.presets import SUBJECT_PRESETS
from bot.domain.validate import clean_person_name, clean_text, parse_int, parse_range
from bot.i18n import _, current_locale, ngettext
from handlers.kit.callbacks import CallbackData
from handlers.kit.context import Ctx
from handlers.kit.gate import current_user, roles_of
from handlers.kit.replies import Button, Rows, answer, refuse_stale, say
from handlers.kit.router import admin_dialog_for, dialog_for
from storage import dialogs, repo
from storage.models import (
    Assignment,
    Child,
    Complaint,
    Dialog,
    Invite,
    InviteUse,
    School,
    SchoolClass,
    Subject,
    Teaching,
)

DIALOG = "setup"
MAX_CLASSES_PER_GRADE = 30
GRADE_PRESETS = ((1, 6), (7, 9), (1, 9), (10, 12))


class SetupStep(enum.StrEnum):
    SCHOOL = "school"
    MENU = "menu"
    GRADES = "grades"
    PER_GRADE = "per_grade"
    CONFIRM = "confirm"
    ONE_CLASS = "one_class"
    SUBJECTS = "subjects"
    ROSTER = "roster"


class SetupTopic(enum.StrEnum):
    CLASSES = "classes"
    SUBJECTS = "subjects"


class SetupAction(enum.StrEnum):
    BULK = "bulk"
    ONE = "one"
    DELETE = "delete"
    PRESET = "preset"
    TYPE = "type"
    CREATE = "create"
    DONE = "done"
    MENU = "menu"
    ROSTER = "roster"


@dataclass(frozen=True)
class SetupSchoolButton(CallbackData, prefix="su.s"):
    token: str
    school_id: int


@dataclass(frozen=True)
class SetupButton(CallbackData, prefix="su.a"):
    token: str
    act: SetupAction
    value: int = 0


def parse_class_line(raw: str | None) -> tuple[int, str] | None:
    """'5 5E' or '5, 5E' -> (5, '5E'): a grade 1-12 and a name."""
    text = (raw or "").strip()
    head, _sep, name = text.replace(",", " ").replace("，", " ").partition(" ")
    grade = parse_int(head, 1, 12)
    checked = clean_text(name, max_len=32)
    if grade is None or checked.value is None:
        return None
    return grade, checked.value


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
    rows = [[(s.name, SetupSchoolButton(dialog.token, s.id))] for s in schools[:40]]
    await say(update, _("For which school?"), rows)


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
        _("Grade {n}: {classes}").format(n=grade, classes=", ".join(names))
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
            [(_("Add grades and classes in one step"), SetupButton(t, SetupAction.BULK))],
            [(_("Add one class"), SetupButton(t, SetupAction.ONE))],
        ]
        if classes:
            rows.append(
                [(_("Class lists (parents pick their child)"), SetupButton(t, SetupAction.ROSTER))]
            )
            rows.append([(_("Delete a class"), SetupButton(t, SetupAction.DELETE))])
    else:
        subjects = await repo.subjects_of(session, school.id)
        names = ", ".join(s.name for s in subjects) or _("none yet")
        text = _("Subjects of {school}: {subjects}").format(school=school.name, subjects=names)
        rows = [
            [(_("Add the usual subjects"), SetupButton(t, SetupAction.PRESET))],
            [(_("Type subjects to add"), SetupButton(t, SetupAction.TYPE))],
        ]
        if subjects:
            rows.append([(_("Delete a subject"), SetupButton(t, SetupAction.DELETE))])
    rows.append([(_("Done"), SetupButton(t, SetupAction.DONE))])
    await say(update, f"{note}\n\n{text}" if note else text, rows, edit=edit)


# Where each step's "✖ Back" and preset buttons may be pressed from.
BULK_STEPS = (SetupStep.MENU, SetupStep.GRADES, SetupStep.PER_GRADE, SetupStep.CONFIRM)


async def on_act(update: Update, context: Ctx, data: SetupButton) -> None:
    """A button of the set-up menu. Every check comes before `answer`: a callback query can
    be answered only once, and a refusal is an answer."""
    found = await admin_dialog_for(context, update, DIALOG, data.token)
    if found is None:
        return
    dialog, school = found
    session = context.session
    classes_mode = dialog.data["what"] == SetupTopic.CLASSES
    if data.act == SetupAction.DONE:
        await answer(update)
        await dialogs.end_dialog(session, dialog.user_id)
        await session.commit()
        await say(update, _("Saved."), edit=True)
    elif data.act == SetupAction.MENU:
        await answer(update)
        await show_menu(update, context, dialog, school, edit=True)
    elif (
        data.act == SetupAction.BULK
        and dialog.step in BULK_STEPS
        and not data.value
        and classes_mode
    ):
        await answer(update)
        dialogs.update_dialog(dialog, SetupStep.GRADES)
        await session.commit()
        await ask_grades(update, dialog)
    elif (
        data.act == SetupAction.BULK
        and dialog.step in BULK_STEPS
        and 1 <= data.value <= len(GRADE_PRESETS)
        and classes_mode
    ):
        await answer(update)
        first, last = GRADE_PRESETS[data.value - 1]
        dialogs.update_dialog(dialog, SetupStep.PER_GRADE, first=first, last=last)
        await session.commit()
        await ask_per_grade(update, dialog)
    elif (
        data.act == SetupAction.CREATE
        and dialog.step == SetupStep.PER_GRADE
        and 1 <= data.value <= 12
    ):
        await answer(update)
        await confirm_bulk(update, context, dialog, data.value)
    elif data.act == SetupAction.CREATE and dialog.step == SetupStep.CONFIRM:
        d = dialog.data
        names = class_names(current_locale(), d["first"], d["last"], d["per_grade"])
        created = await repo.add_classes(session, school.id, names)
        await session.commit()
        await answer(
            update,
            ngettext("{n} class created.", "{n} classes created.", created).format(n=created),
        )
        await show_menu(update, context, dialog, school, edit=True)
    elif data.act == SetupAction.ONE and classes_mode:
        await answer(update)
        dialogs.update_dialog(dialog, SetupStep.ONE_CLASS)
        await session.commit()
        await say(update, one_class_question(), edit=True)
    elif data.act == SetupAction.ROSTER and classes_mode and data.value == 0:
        await answer(update)
        classes = await repo.classes_of(session, school.id)
        buttons: list[Button] = [
            (k.name, SetupButton(dialog.token, SetupAction.ROSTER, k.id)) for k in classes
        ]
        rows: Rows = [buttons[i : i + 4] for i in range(0, min(len(buttons), 96), 4)]
        rows.append([(_("✖ Back"), SetupButton(dialog.token, SetupAction.MENU))])
        await say(update, _("The class list of which class?"), rows, edit=True)
    elif data.act == SetupAction.ROSTER and classes_mode:
        klass = await session.get(SchoolClass, data.value)
        if klass is None or klass.school_id != school.id:
            await refuse_stale(update)
            return
        await answer(update)
        dialogs.update_dialog(dialog, SetupStep.ROSTER, roster_class_id=klass.id)
        await session.commit()
        await say(update, await roster_question(context, klass), edit=True)
    elif data.act == SetupAction.DELETE and data.value == 0:
        await answer(update)
        await ask_delete(update, context, dialog, school)
    elif data.act == SetupAction.DELETE:
        await delete_item(update, context, dialog, school, data.value)
    elif data.act == SetupAction.PRESET and not classes_mode:
        await answer(update)
        preset = list(SUBJECT_PRESETS.get(current_locale(), SUBJECT_PRESETS["en"]))
        await repo.add_subjects(session, school.id, preset)
        await session.commit()
        await show_menu(update, context, dialog, school, edit=True)
    elif data.act == SetupAction.TYPE and not classes_mode:
        await answer(update)
        dialogs.update_dialog(dialog, SetupStep.SUBJECTS)
        await session.commit()
        await say(update, subjects_question(), edit=True)
    else:
        await refuse_stale(update)


MAX_ROSTER_NAMES = 80


async def roster_question(context: Ctx, klass: SchoolClass) -> str:
    names = list(
        await context.session.scalars(
            select(Child.name).where(Child.class_id == klass.id).order_by(Child.name)
        )
    )
    current = ", ".join(names) if names else _("nobody yet")
    return (
        _("Class list of {klass}: {names}").format(klass=klass.name, names=current)
        + "\n\n"
        + _(
            "Type the children's names to add, one per line (at most {max} at a time). "
            "Parents opening the class's link then pick their child instead of typing."
        ).format(max=MAX_ROSTER_NAMES)
    )


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


def one_class_question() -> str:
    return _('Type the grade and the class name, e.g. "5 5E":')


def subjects_question() -> str:
    return _('Type the subjects to add, separated by commas (e.g. "Music, Art"):')


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
    preview = ", ".join(name for _g, name in names[:12]) + (" …" if len(names) > 12 else "")
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


async def ask_delete(update: Update, context: Ctx, dialog: Dialog, school: School) -> None:
    t = dialog.token
    if dialog.data["what"] == SetupTopic.CLASSES:
        items = [(c.id, c.name) for c in await repo.classes_of(context.session, school.id)]
        prompt = _("Which class do you want to delete?")
    else:
        items = [(s.id, s.name) for s in await repo.subjects_of(context.session, school.id)]
        prompt = _("Which subject do you want to delete?")
    rows = [
        [(name, SetupButton(t, SetupAction.DELETE, item_id)) for item_id, name in items[i : i + 4]]
        for i in range(0, min(len(items), 96), 4)
    ]
    rows.append([(_("✖ Back"), SetupButton(t, SetupAction.MENU))])
    await say(update, prompt, rows, edit=True)


async def drop_from_invites(
    session: AsyncSession,
    school_id: int,
    now: datetime,
    *,
    class_id: int | None = None,
    subject_id: int | None = None,
) -> None:
    """Forget a deleted class or subject in the school's invites: a teacher invite keeps its
    other pairs (revoked when none is left); a parent invite of the class goes (an unused one:
    a used one means the class has a child, and such a class is not deleted)."""
    invites = await session.scalars(select(Invite).where(Invite.school_id == school_id))
    for invite in invites:
        if class_id is not None and invite.class_id == class_id:
            await session.execute(delete(InviteUse).where(InviteUse.invite_id == invite.id))
            await session.delete(invite)
        elif invite.teaching:
            pairs = [
                [c, s]
                for c, s in invite.teaching
                if (class_id is None or int(c) != class_id)
                and (subject_id is None or int(s) != subject_id)
            ]
            if len(pairs) != len(invite.teaching):
                invite.teaching = pairs
                if not pairs and invite.revoked_at is None:
                    invite.revoked_at = now
    await session.flush()


async def delete_item(
    update: Update, context: Ctx, dialog: Dialog, school: School, item_id: int
) -> None:
    """Delete an unused class or subject; refuse with the reason when it is in use."""
    session = context.session
    if dialog.data["what"] == SetupTopic.CLASSES:
        klass = await session.get(SchoolClass, item_id)
        if klass is None or klass.school_id != school.id:
            await refuse_stale(update)
            return
        children = await session.scalar(
            select(func.count()).select_from(Child).where(Child.class_id == klass.id)
        )
        homework = await session.scalar(
            select(func.count()).select_from(Assignment).where(Assignment.class_id == klass.id)
        )
        complaints = await session.scalar(
            select(func.count()).select_from(Complaint).where(Complaint.class_id == klass.id)
        )
        if children or homework or complaints:
            await answer(
                update,
                _("{name} has children or homework; it cannot be deleted.").format(name=klass.name),
                alert=True,
            )
            return
        await session.execute(delete(Teaching).where(Teaching.class_id == klass.id))
        await drop_from_invites(session, school.id, context.now(), class_id=klass.id)
        await session.delete(klass)
    else:
        subject = await session.get(Subject, item_id)
        if subject is None or subject.school_id != school.id:
            await refuse_stale(update)
            return
        used = await session.scalar(
            select(func.count()).select_from(Assignment).where(Assignment.subject_id == subject.id)
        )
        if used:
            await answer(
                update,
                _("{name} has homework; it cannot be deleted.").format(name=subject.name),
                alert=True,
            )
            return
        await session.execute(delete(Teaching).where(Teaching.subject_id == subject.id))
        await drop_from_invites(session, school.id, context.now(), subject_id=subject.id)
        await session.delete(subject)
    await session.commit()
    await answer(update)
    await show_menu(update, context, dialog, school, edit=True)


SUBJECT_SEPARATORS = re.compile(r"[,，、;；\n]")


def parse_subjects(raw: str | None) -> list[str] | None:
    """'Music, Art' (also with '，', '、' or ';') -> the names; None when one is too long."""
    parts = [p for p in SUBJECT_SEPARATORS.split(raw or "") if p.strip()]
    checked = [clean_text(part, max_len=40) for part in parts]
    names = [c.value for c in checked if c.value is not None]
    if not names or len(names) != len(parts) or len(names) > 30:
        return None
    return names


async def on_text(update: Update, context: Ctx, dialog: Dialog) -> None:
    session = context.session
    message = update.effective_message
    raw = message.text if message else None
    school = await session.get(School, dialog.data.get("school_id"))
    roles = await roles_of(context, dialog.user_id)
    if school is None or not roles.administers(school.id):
        await dialogs.end_dialog(session, dialog.user_id)
        await session.commit()
        await say(update, _("This is no longer available."))
        return
    if dialog.step == SetupStep.GRADES:
        grades = parse_range(raw, 1, 12)
        if grades is None:
            error = _('Please type grades from 1 to 12 like "3-5", or pick a range.')
            await ask_grades(update, dialog, error)
            return
        dialogs.update_dialog(dialog, SetupStep.PER_GRADE, first=grades[0], last=grades[1])
        await session.commit()
        await ask_per_grade(update, dialog)
    elif dialog.step == SetupStep.PER_GRADE:
        count = parse_int(raw, 1, MAX_CLASSES_PER_GRADE)
        if count is None:
            error = _("Please type a whole number from 1 to {max}.").format(
                max=MAX_CLASSES_PER_GRADE
            )
            await ask_per_grade(update, dialog, error)
            return
        await confirm_bulk(update, context, dialog, count)
    elif dialog.step == SetupStep.ROSTER:
        klass = await session.get(SchoolClass, dialog.data.get("roster_class_id"))
        if klass is None or klass.school_id != school.id:
            await say(update, _("This is no longer available."))
            return
        names, bad = parse_roster(raw)
        if bad or not names or len(names) > MAX_ROSTER_NAMES:
            error = (
                _("These are not names I can use: {names}.").format(names=", ".join(bad))
                if bad
                else _("Please type between 1 and {max} names, one per line.").format(
                    max=MAX_ROSTER_NAMES
                )
            )
            await say(update, error + "\n\n" + await roster_question(context, klass))
            return
        existing = set(await session.scalars(select(Child.name).where(Child.class_id == klass.id)))
        new = [n for n in names if n not in existing]
        session.add_all(Child(class_id=klass.id, name=n) for n in new)
        await session.commit()
        note = ngettext(
            "{n} child added to the class list of {klass}.",
            "{n} children added to the class list of {klass}.",
            len(new),
        ).format(n=len(new), klass=klass.name)
        await show_menu(update, context, dialog, school, edit=False, note=note)
    elif dialog.step == SetupStep.ONE_CLASS:
        parsed = parse_class_line(raw)
        if parsed is None:
            error = _(
                "Please type a grade from 1 to 12, a space and a name of at most 32 "
                'characters, e.g. "5 5E".'
            )
            await say(update, error + "\n\n" + one_class_question())
            return
        created = await repo.add_classes(session, school.id, [parsed])
        await session.commit()
        note = "" if created else _("{name} already exists.").format(name=parsed[1])
        await show_menu(update, context, dialog, school, edit=False, note=note)
    elif dialog.step == SetupStep.SUBJECTS:
        subject_names = parse_subjects(raw)
        if subject_names is None:
            error = _("Please type subject names of at most 40 characters, separated by commas.")
            await say(update, error + "\n\n" + subjects_question())
            return
        await repo.add_subjects(session, school.id, subject_names)
        await session.commit()
        await show_menu(update, context, dialog, school, edit=False)
    else:
        await say(update, _("Please use the buttons above, or /cancel."))
