"""/invite, after the role: its scope. A supervisor's district, an owner's pick of any school
for its administrator, a teacher's subjects and classes, a grade leader's grade, the parents'
class (or every class); then the validity (invites.py)."""

from __future__ import annotations

from telegram import Update

from bot.domain.roles import InviteRole
from bot.i18n import _
from handlers.kit.context import Ctx
from handlers.kit.gate import roles_of
from handlers.kit.paging import picker_rows
from handlers.kit.replies import Button, Rows, answer, refuse_stale, say
from handlers.kit.router import dialog_for
from handlers.onboarding.invites import (
    DIALOG,
    InviteClassButton,
    InviteDistrictButton,
    InviteGradeButton,
    InvitePageButton,
    InviteRoleButton,
    InviteSchoolButton,
    InviteStep,
    InviteToggleButton,
    ask_school,
    ask_validity,
    can_invite,
)
from storage import dialogs, repo
from storage import onboarding as onboarding_store
from storage.models import Dialog, District, SchoolClass, Subject

MAX_CLASS_BUTTONS = 48  # beyond this many classes, a parent invite asks for the grade first


async def on_role(update: Update, context: Ctx, data: InviteRoleButton) -> None:
    dialog = await dialog_for(context, update, DIALOG, data.token)
    if dialog is None or dialog.step != InviteStep.ROLE:
        if dialog is not None:
            await refuse_stale(update)
        return
    roles = await roles_of(context, dialog.user_id)
    owner_menu = bool(dialog.data.get("owner_menu"))
    school_id = None if owner_menu else dialog.data.get("school_id")
    if not can_invite(roles, data.role, school_id) or (
        owner_menu and data.role not in (InviteRole.SUPERVISOR, InviteRole.SCHOOL_ADMIN)
    ):
        await refuse_stale(update)
        return
    await answer(update)
    dialogs.update_dialog(dialog, role=data.role)
    if data.role == InviteRole.SUPERVISOR:
        await ask_district(update, context, dialog)
    elif owner_menu:  # an owner inviting a school administrator: pick any school
        await ask_any_school(update, context, dialog)
    else:
        await SCOPE_QUESTIONS.get(data.role, ask_validity)(update, context, dialog)


async def ask_district(update: Update, context: Ctx, dialog: Dialog, page: int = 0) -> None:
    dialogs.update_dialog(dialog, InviteStep.DISTRICT)
    await context.session.commit()
    districts = await repo.districts(context.session)
    if not districts:
        await say(update, _("There is no district yet: create a school with /newschool."))
        return
    buttons: list[Button] = [(d.name, InviteDistrictButton(dialog.token, d.id)) for d in districts]
    rows = picker_rows(
        buttons, page, lambda n: InvitePageButton(dialog.token, InviteStep.DISTRICT, n), per_row=1
    )
    await say(update, _("Supervisor of which district?"), rows, edit=True)


async def ask_any_school(update: Update, context: Ctx, dialog: Dialog, page: int = 0) -> None:
    dialogs.update_dialog(dialog, InviteStep.SCHOOL)
    await context.session.commit()
    schools = await onboarding_store.schools_by_name(context.session, None)
    if not schools:
        await say(update, _("There is no school yet: create one with /newschool."), edit=True)
        return
    buttons: list[Button] = [(s.name, InviteSchoolButton(dialog.token, s.id)) for s in schools]
    rows = picker_rows(
        buttons, page, lambda n: InvitePageButton(dialog.token, InviteStep.SCHOOL, n), per_row=1
    )
    await say(update, _("Administrator of which school?"), rows, edit=True)


async def ask_subjects(update: Update, context: Ctx, dialog: Dialog) -> None:
    dialogs.update_dialog(dialog, InviteStep.SUBJECTS, subjects=[], classes=[], pairs=[], at=0)
    await context.session.commit()
    await ask_toggle(update, context, dialog, InviteStep.SUBJECTS)


async def ask_grade(update: Update, context: Ctx, dialog: Dialog) -> None:
    dialogs.update_dialog(dialog, InviteStep.GRADE)
    await context.session.commit()
    classes = await repo.classes_of(context.session, int(dialog.data.get("school_id") or 0))
    grades = sorted({c.grade for c in classes})
    if not grades:
        await say(update, _("Set up the classes first with /classes."))
        return
    await say(update, _("Grade leader of which grade?"), grade_rows(dialog, grades), edit=True)


async def ask_parent_class(update: Update, context: Ctx, dialog: Dialog) -> None:
    dialogs.update_dialog(dialog, InviteStep.CLASS)
    await context.session.commit()
    classes = await repo.classes_of(context.session, int(dialog.data.get("school_id") or 0))
    if not classes:
        await say(update, _("Set up the classes first with /classes."))
        return
    every: list[Button] = [(_("Every class (one link each)"), InviteClassButton(dialog.token, 0))]
    if len(classes) > MAX_CLASS_BUTTONS:  # too many for one keyboard: the grade first
        rows: Rows = [*grade_rows(dialog, sorted({c.grade for c in classes})), every]
        await say(update, _("Parents of which grade?"), rows, edit=True)
        return
    rows = [*class_rows(dialog, classes, 0), every]
    await say(update, _("Parents of which class?"), rows, edit=True)


def grade_rows(dialog: Dialog, grades: list[int]) -> Rows:
    return [
        [
            (_("Grade {n}").format(n=g), InviteGradeButton(dialog.token, g))
            for g in grades[i : i + 4]
        ]
        for i in range(0, len(grades), 4)
    ]


def class_rows(dialog: Dialog, classes: list[SchoolClass], page: int) -> Rows:
    buttons: list[Button] = [(c.name, InviteClassButton(dialog.token, c.id)) for c in classes]
    return picker_rows(buttons, page, lambda n: InvitePageButton(dialog.token, InviteStep.CLASS, n))


async def on_district(update: Update, context: Ctx, data: InviteDistrictButton) -> None:
    """An owner picks the district of a supervisor invite."""
    dialog = await dialog_for(context, update, DIALOG, data.token)
    if dialog is None:
        return
    roles = await roles_of(context, dialog.user_id)
    district = await context.session.get(District, data.district_id)
    if (
        not roles.owner
        or district is None
        or dialog.step != InviteStep.DISTRICT
        or dialog.data.get("role") != InviteRole.SUPERVISOR
    ):
        await refuse_stale(update)
        return
    dialogs.update_dialog(dialog, district_id=district.id)
    await answer(update)
    await ask_validity(update, context, dialog)


async def ask_toggle(
    update: Update, context: Ctx, dialog: Dialog, step: InviteStep, page: int | None = None
) -> None:
    """The teacher's subjects or classes, a page at a time (the page is kept while toggling)."""
    session = context.session
    if page is None:
        page = int(dialog.data.get("page", 0))
    dialogs.update_dialog(dialog, page=page)
    await session.commit()
    school_id = int(dialog.data["school_id"])
    chosen = set(dialog.data.get("subjects" if step == InviteStep.SUBJECTS else "classes", []))
    if step == InviteStep.SUBJECTS:
        items = [(s.id, s.name) for s in await repo.subjects_of(session, school_id)]
        prompt = _("Which subjects does the teacher teach? Tap to select, then Next.")
        empty = _("Set up the subjects first with /subjects.")
    else:
        items = [(c.id, c.name) for c in await repo.classes_of(session, school_id)]
        prompt = await classes_prompt(context, dialog)
        empty = _("Set up the classes first with /classes.")
    if not items:
        await say(update, empty)
        return
    buttons: list[Button] = [
        (
            ("✅ " if item_id in chosen else "") + name,
            InviteToggleButton(dialog.token, step, item_id),
        )
        for item_id, name in items
    ]
    rows = picker_rows(buttons, page, lambda n: InvitePageButton(dialog.token, step, n), per_row=3)
    rows.append([(_("Next ➡"), InviteToggleButton(dialog.token, step, 0))])
    await say(update, prompt, rows, edit=True)


async def classes_prompt(context: Ctx, dialog: Dialog) -> str:
    """With several subjects, the classes are asked subject by subject (exact pairs)."""
    subject_ids: list[int] = list(dialog.data.get("subjects", []))
    at = int(dialog.data.get("at", 0))
    if len(subject_ids) <= 1 or at >= len(subject_ids):
        return _("In which classes? Tap to select, then Next.")
    subject = await context.session.get(Subject, subject_ids[at])
    return _("In which classes does the teacher teach {subject}? Tap to select, then Next.").format(
        subject=subject.name if subject else "?"
    )


async def next_subject(update: Update, context: Ctx, dialog: Dialog) -> None:
    """The classes of this subject are chosen: its pairs are kept; the next subject's classes,
    or the validity after the last."""
    subject_ids: list[int] = list(dialog.data.get("subjects", []))
    at = int(dialog.data.get("at", 0))
    pairs = list(dialog.data.get("pairs", []))
    if at < len(subject_ids):
        pairs += [[int(c), int(subject_ids[at])] for c in dialog.data.get("classes", [])]
    dialog.data = {**dialog.data, "pairs": pairs, "at": at + 1, "classes": []}
    await context.session.commit()
    if at + 1 < len(subject_ids):
        await ask_toggle(update, context, dialog, InviteStep.CLASSES)
    else:
        await ask_validity(update, context, dialog)


async def on_toggle(update: Update, context: Ctx, data: InviteToggleButton) -> None:
    dialog = await dialog_for(context, update, DIALOG, data.token)
    if dialog is None:
        return
    if dialog.step != data.step or data.step not in (InviteStep.SUBJECTS, InviteStep.CLASSES):
        await refuse_stale(update)
        return
    session = context.session
    key = "subjects" if data.step == InviteStep.SUBJECTS else "classes"
    chosen: list[int] = list(dialog.data.get(key, []))
    if data.item == 0:
        if not chosen:
            await answer(update, _("Select at least one first."), alert=True)
            return
        await answer(update)
        if data.step == InviteStep.SUBJECTS:
            dialogs.update_dialog(dialog, InviteStep.CLASSES, at=0, pairs=[], classes=[])
            await session.commit()
            await ask_toggle(update, context, dialog, InviteStep.CLASSES, 0)
        else:
            await next_subject(update, context, dialog)
        return
    school_id = int(dialog.data["school_id"])
    item: Subject | SchoolClass | None
    if data.step == InviteStep.SUBJECTS:
        item = await session.get(Subject, data.item)
    else:
        item = await session.get(SchoolClass, data.item)
    if item is None or item.school_id != school_id:
        await refuse_stale(update)
        return
    if data.item in chosen:
        chosen.remove(data.item)
    else:
        chosen.append(data.item)
    dialog.data = {**dialog.data, key: chosen}
    await session.commit()
    await answer(update)
    await ask_toggle(update, context, dialog, data.step)


async def on_grade(update: Update, context: Ctx, data: InviteGradeButton) -> None:
    """A grade: of a grade leader's invite, or (step CLASS) to list a big school's classes."""
    dialog = await dialog_for(context, update, DIALOG, data.token)
    if dialog is None:
        return
    classes = [
        c
        for c in await repo.classes_of(context.session, int(dialog.data.get("school_id") or 0))
        if c.grade == data.grade
    ]
    if dialog.step not in (InviteStep.GRADE, InviteStep.CLASS) or not classes:
        await refuse_stale(update)
        return
    await answer(update)
    if dialog.step == InviteStep.CLASS:
        dialogs.update_dialog(dialog, class_grade=data.grade)
        await context.session.commit()
        rows = class_rows(dialog, classes, 0)
        await say(update, _("Parents of which class?"), rows, edit=True)
        return
    dialogs.update_dialog(dialog, grade=data.grade)
    await ask_validity(update, context, dialog)


async def on_class(update: Update, context: Ctx, data: InviteClassButton) -> None:
    dialog = await dialog_for(context, update, DIALOG, data.token)
    if dialog is None or dialog.step != InviteStep.CLASS:
        if dialog is not None:
            await refuse_stale(update)
        return
    if data.class_id:
        klass = await context.session.get(SchoolClass, data.class_id)
        if klass is None or klass.school_id != dialog.data.get("school_id"):
            await refuse_stale(update)
            return
    await answer(update)
    dialogs.update_dialog(dialog, class_id=data.class_id)
    await ask_validity(update, context, dialog)


# The question after the role, for a school's roles with a scope (the others: validity).
SCOPE_QUESTIONS = {
    InviteRole.TEACHER: ask_subjects,
    InviteRole.GRADE_LEADER: ask_grade,
    InviteRole.PARENT: ask_parent_class,
}


async def on_page(update: Update, context: Ctx, data: InvitePageButton) -> None:
    """Another page of a picker: the teacher's subjects or classes, the parents' class (of the
    grade picked in a big school), an owner's pick of any school."""
    dialog = await dialog_for(context, update, DIALOG, data.token)
    if dialog is None:
        return
    if dialog.step != data.step:
        await refuse_stale(update)
        return
    await answer(update)
    if data.step in (InviteStep.SUBJECTS, InviteStep.CLASSES):
        await ask_toggle(update, context, dialog, data.step, data.page)
    elif data.step == InviteStep.SCHOOL:
        roles = await roles_of(context, dialog.user_id)
        if dialog.data.get("role") == InviteRole.SCHOOL_ADMIN and dialog.data.get("owner_menu"):
            if roles.owner:
                await ask_any_school(update, context, dialog, data.page)
        else:
            await ask_school(update, context, dialog, roles, data.page)
    elif data.step == InviteStep.DISTRICT and (await roles_of(context, dialog.user_id)).owner:
        await ask_district(update, context, dialog, data.page)
    elif data.step == InviteStep.CLASS:
        grade = dialog.data.get("class_grade")
        classes = [
            c
            for c in await repo.classes_of(context.session, int(dialog.data.get("school_id") or 0))
            if grade is None or c.grade == grade
        ]
        rows = class_rows(dialog, classes, data.page)
        if grade is None:
            every = InviteClassButton(dialog.token, 0)
            rows.append([(_("Every class (one link each)"), every)])
        await say(update, _("Parents of which class?"), rows, edit=True)
