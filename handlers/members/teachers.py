"""/members, teachers: the list with each teacher's (class, subject) pairs, a teacher's card,
their pairs changed subject by subject (a tap adds or removes one pair), removing a teacher;
and the grade leaders' list."""

from __future__ import annotations

from telegram import Update

from bot.domain.paging import page_of
from bot.i18n import _, format_list, use_locale
from handlers.kit.context import Ctx
from handlers.kit.gate import user_locale
from handlers.kit.menus import refresh_menu
from handlers.kit.paging import numbered_rows, paging_rows, picker_rows
from handlers.kit.replies import Button, Rows, answer, refuse_stale, say, send_to
from handlers.members.common import (
    PAGE,
    back_row,
    gone,
    office,
    office_and,
    office_unanswered,
    to,
)
from handlers.members.payloads import MembersAction, MembersButton, PairButton
from storage import members, repo
from storage.models import School, Subject, User


def pairs_text(pairs: list[members.Pair]) -> str:
    """'1年级1班 语文, 1年级2班 语文' (or a dash for none)."""
    if not pairs:
        return _("no classes")
    return format_list([f"{p.class_name} {p.subject_name}" for p in pairs])


async def on_teachers(update: Update, context: Ctx, data: MembersButton) -> None:
    if (school := await office(update, context, data)) is None:
        return
    teachers = await members.teachers(context.session, school.id)
    page = page_of(teachers, data.page, PAGE)
    lines = [_("Teachers of {school}: {n}").format(school=school.name, n=len(teachers))]
    buttons: list[Button] = []
    for n, row in enumerate(page.items, page.first_index + 1):
        lines.append(f"{n}. {row.user.display_name} — {pairs_text(row.pairs)}")
        buttons.append((str(n), to(MembersAction.TEACHER, school, row.user.id, page=page.number)))
    if not teachers:
        lines.append(_("No teacher has joined yet: /invite makes a teacher's link."))
    rows: Rows = numbered_rows(buttons, 4)
    rows += paging_rows(page, lambda n: to(MembersAction.TEACHERS, school, page=n))
    rows.append(back_row(school))
    await say(update, "\n".join(lines), rows, edit=True)


async def teacher_of(context: Ctx, school: School, user_id: int) -> User | None:
    if not await members.is_teacher(context.session, school.id, user_id):
        return None
    return await context.session.get(User, user_id)


async def pressed_teacher(context: Ctx, school: School, data: MembersButton) -> User | None:
    return await teacher_of(context, school, data.target)


async def on_teacher(update: Update, context: Ctx, data: MembersButton) -> None:
    if (found := await office_and(update, context, data, pressed_teacher)) is None:
        return
    school, teacher = found
    await show_teacher(update, context, school, teacher, data.page)


async def show_teacher(
    update: Update, context: Ctx, school: School, teacher: User, page: int = 0
) -> None:
    pairs = (await members.pairs_of(context.session, school.id, {teacher.id})).get(teacher.id, [])
    text = (
        _("{name}, teacher at {school}.").format(name=teacher.display_name, school=school.name)
        + "\n"
        + _("Teaches: {pairs}").format(pairs=pairs_text(pairs))
        + "\n\n"
        + _("Tap a subject to add or remove its classes.")
    )
    subjects = await repo.subjects_of(context.session, school.id)
    buttons: list[Button] = [
        (s.name, to(MembersAction.SUBJECT, school, teacher.id, s.id)) for s in subjects
    ]
    rows: Rows = picker_rows(
        buttons, page, lambda n: to(MembersAction.TEACHER, school, teacher.id, page=n), per_row=3
    )
    rows.append(
        [(_("Remove from the school"), to(MembersAction.REMOVE_TEACHER, school, teacher.id))]
    )
    rows.append(back_row(school, MembersAction.TEACHERS))
    await say(update, text, rows, edit=True)


async def on_subject(update: Update, context: Ctx, data: MembersButton) -> None:
    if (found := await office_and(update, context, data, teacher_and_subject)) is not None:
        school, (teacher, subject) = found
        await show_subject(update, context, school, teacher, subject, data.page)


async def teacher_and_subject(
    context: Ctx, school: School, data: MembersButton
) -> tuple[User, Subject] | None:
    teacher = await teacher_of(context, school, data.target)
    subject = await context.session.get(Subject, data.item)
    if teacher is None or subject is None or subject.school_id != school.id:
        return None
    return teacher, subject


async def show_subject(
    update: Update, context: Ctx, school: School, teacher: User, subject: Subject, page: int = 0
) -> None:
    """The school's classes, ✅ where the teacher teaches this subject; a tap toggles one pair."""
    pairs = (await members.pairs_of(context.session, school.id, {teacher.id})).get(teacher.id, [])
    taught = {p.class_id for p in pairs if p.subject_id == subject.id}
    classes = await repo.classes_of(context.session, school.id)
    buttons: list[Button] = [
        (
            ("✅ " if k.id in taught else "") + k.name,
            PairButton(school.id, teacher.id, subject.id, k.id),
        )
        for k in classes
    ]
    rows: Rows = picker_rows(
        buttons,
        page,
        lambda n: to(MembersAction.SUBJECT, school, teacher.id, subject.id, page=n),
    )
    rows.append([(_("✔ Done"), to(MembersAction.TEACHER, school, teacher.id))])
    text = _(
        "{subject} of {name}: tap a class to add or remove it. Each tap changes one class "
        "and subject, nothing else."
    ).format(subject=subject.name, name=teacher.display_name)
    await say(update, text, rows, edit=True)


async def on_pair(update: Update, context: Ctx, data: PairButton) -> None:
    """Add or remove one (class, subject) pair: only this one."""
    session = context.session
    if (school := await office_unanswered(update, context, data.school)) is None:
        return
    teacher = await teacher_of(context, school, data.teacher)
    subject = await session.get(Subject, data.subject)
    class_ids, subject_ids = await _ids(context, school)
    if teacher is None or subject is None or data.subject not in subject_ids:
        await answer(update)
        await gone(update, school)
        return
    if data.klass not in class_ids:
        await refuse_stale(update)
        return
    await answer(update)
    if not await members.remove_pair(session, teacher.id, data.klass, data.subject):
        await repo.add_teaching(session, teacher.id, [(data.klass, data.subject)])
    await session.commit()
    await show_subject(update, context, school, teacher, subject)


async def _ids(context: Ctx, school: School) -> tuple[set[int], set[int]]:
    classes = {k.id for k in await repo.classes_of(context.session, school.id)}
    subjects = {s.id for s in await repo.subjects_of(context.session, school.id)}
    return classes, subjects


async def on_remove_teacher(update: Update, context: Ctx, data: MembersButton) -> None:
    if (found := await office_and(update, context, data, pressed_teacher)) is None:
        return
    school, teacher = found
    text = _(
        "Remove {name} from {school}? They will no longer record homework for its classes; "
        "the homework they recorded stays."
    ).format(name=teacher.display_name, school=school.name)
    rows: Rows = [
        [(_("Yes, remove"), to(MembersAction.REMOVE_TEACHER_OK, school, teacher.id))],
        [(_("Cancel"), to(MembersAction.TEACHER, school, teacher.id))],
    ]
    await say(update, text, rows, edit=True)


async def on_remove_teacher_ok(update: Update, context: Ctx, data: MembersButton) -> None:
    if (found := await office_and(update, context, data, pressed_teacher)) is None:
        return
    school, teacher = found
    session = context.session
    await members.remove_teacher(session, school.id, teacher.id)
    await session.commit()
    text = _("Done: {name} is no longer a teacher at {school}.").format(
        name=teacher.display_name, school=school.name
    )
    await say(update, text, [back_row(school, MembersAction.TEACHERS)], edit=True)
    await tell_removed(context, teacher, school)


async def tell_removed(context: Ctx, user: User, school: School) -> None:
    """The person removed hears it from the bot, and their menu loses what they lost."""
    with use_locale(user_locale(user)):
        await send_to(
            context,
            user,
            _("The school office of {school} removed you from its teachers.").format(
                school=school.name
            ),
        )
        await refresh_menu(context, context.session, user)


async def on_leaders(update: Update, context: Ctx, data: MembersButton) -> None:
    if (school := await office(update, context, data)) is None:
        return
    leaders = await members.grade_leaders(context.session, school.id)
    page = page_of(leaders, data.page, PAGE * 2)
    lines = [_("Grade leaders of {school}: {n}").format(school=school.name, n=len(leaders))]
    lines += [
        _("Grade {grade}: {name}").format(grade=grade, name=user.display_name)
        for user, grade in page.items
    ]
    rows: Rows = paging_rows(page, lambda n: to(MembersAction.LEADERS, school, page=n))
    rows.append(back_row(school))
    await say(update, "\n".join(lines), rows, edit=True)
