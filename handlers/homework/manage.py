"""/homework: the teacher's pieces for today and the coming days, with edit and cancel."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import ColumnElement, or_, select
from telegram import Update

from bot.domain.calendar import local_now
from bot.domain.homework import HomeworkEventKind, HomeworkStatus
from bot.i18n import _, format_day, format_minutes
from handlers.homework import posting
from handlers.kit.callbacks import CallbackData
from handlers.kit.context import Ctx
from handlers.kit.gate import current_user
from handlers.kit.labels import kind_label
from handlers.kit.replies import Button, Rows, answer, refuse_stale, say
from storage import dialogs, repo
from storage import homework as hw
from storage.models import Assignment, School, SchoolClass, Subject

MAX_LISTED = 20


class Op(enum.StrEnum):
    EDIT = "edit"
    CANCEL = "cancel"
    CONFIRM_CANCEL = "confirm"


@dataclass(frozen=True)
class HomeworkManageButton(CallbackData, prefix="hw.m"):
    assignment_id: int
    op: Op


def status_label(status: str) -> str:
    labels: dict[str, str] = {
        HomeworkStatus.PENDING: _("waiting for approval"),
        HomeworkStatus.POSTED: _("posted"),
        HomeworkStatus.CANCELLED: _("cancelled"),
        HomeworkStatus.REJECTED: _("rejected"),
    }
    return labels.get(status, status)


async def homework_command(update: Update, context: Ctx) -> None:
    session = context.session
    user = await current_user(context, update)
    roles = await repo.load_roles(session, user.id, context.settings.bot_owners)
    if not roles.teacher_schools and not roles.grade_leader and not roles.admin_schools:
        await say(update, _("Only teachers, grade leaders and school administrators see this."))
        return
    # Pieces the user may change: their own, their grades' (grade leader), their schools'.
    scope: list[ColumnElement[bool]] = [Assignment.teacher_id == user.id]
    for school_id, grade in roles.grade_leader:
        scope.append((SchoolClass.school_id == school_id) & (SchoolClass.grade == grade))
    if roles.admin_schools:
        scope.append(SchoolClass.school_id.in_(roles.admin_schools))
    oldest = (context.now() - timedelta(days=1)).date()  # refined per school below
    rows_db = (
        await session.execute(
            select(Assignment, SchoolClass, Subject, School)
            .join(SchoolClass, SchoolClass.id == Assignment.class_id)
            .join(Subject, Subject.id == Assignment.subject_id)
            .join(School, School.id == SchoolClass.school_id)
            .where(
                or_(*scope),
                Assignment.status.in_([HomeworkStatus.POSTED, HomeworkStatus.PENDING]),
                Assignment.evening >= oldest,
            )
            .order_by(Assignment.evening, SchoolClass.grade, SchoolClass.name, Assignment.id)
        )
    ).all()
    current = [
        (a, k, s)
        for a, k, s, school in rows_db
        if (a.due or a.evening) >= local_now(school.timezone, context.now()).date()
    ]
    # One's own pieces first; then, for grade leaders and admins, the others they may change.
    items = sorted(current, key=lambda row: row[0].teacher_id != user.id)[:MAX_LISTED]
    if not items:
        await say(update, _("No homework for today or the coming days. Post some with /assign."))
        return
    lines = [_("Homework for today and the coming days:")]
    buttons: list[Button] = []
    for n, (a, klass, subject) in enumerate(items, 1):
        state = "" if a.status == HomeworkStatus.POSTED else f" [{status_label(a.status)}]"
        lines.append(
            f"{n}. {format_day(a.evening)} · {klass.name} · {subject.name} · "
            f"{kind_label(a.kind)} · {format_minutes(a.minutes)}{state}\n   {a.text[:80]}"
        )
        buttons += [
            (_("✏ Edit {n}").format(n=n), HomeworkManageButton(a.id, Op.EDIT)),
            (_("✖ Cancel {n}").format(n=n), HomeworkManageButton(a.id, Op.CANCEL)),
        ]
    keyboard: Rows = [buttons[i : i + 4] for i in range(0, len(buttons), 4)]
    await say(update, "\n".join(lines), keyboard)


async def on_manage(update: Update, context: Ctx, data: HomeworkManageButton) -> None:
    session = context.session
    user = await current_user(context, update)
    assignment = await session.get(Assignment, data.assignment_id)
    if (
        assignment is None
        or assignment.status not in (HomeworkStatus.POSTED, HomeworkStatus.PENDING)
        or not await posting.may_change(context, user.id, assignment)
    ):
        await refuse_stale(update)
        return
    klass = await session.get(SchoolClass, assignment.class_id)
    subject = await session.get(Subject, assignment.subject_id)
    assert klass is not None and subject is not None
    if data.op == Op.CANCEL:
        await answer(update)
        await say(
            update,
            _("Cancel {subject} for {klass} on {day}? Parents who already saw it are told.").format(
                subject=subject.name, klass=klass.name, day=format_day(assignment.evening)
            ),
            [
                [
                    (_("Yes, cancel it"), HomeworkManageButton(assignment.id, Op.CONFIRM_CANCEL)),
                ]
            ],
        )
    elif data.op == Op.CONFIRM_CANCEL:
        await answer(update)
        await hw.set_status(
            session,
            assignment,
            user.id,
            HomeworkStatus.CANCELLED,
            HomeworkEventKind.CANCELLED,
        )
        await session.commit()
        await say(
            update,
            _("Cancelled: {subject} for {klass} on {day}.").format(
                subject=subject.name, klass=klass.name, day=format_day(assignment.evening)
            ),
            edit=True,
        )
        await posting.homework_changed(context, assignment, "cancelled")
    else:
        await answer(update)
        dialog = await dialogs.start_dialog(
            session,
            user.id,
            posting.DIALOG,
            posting.HomeworkStep.PREVIEW,
            {
                "edit_id": assignment.id,
                "class_id": assignment.class_id,
                "subject_id": assignment.subject_id,
                "text": assignment.text,
                "photo": assignment.photo_file_id,
                "kind": assignment.kind,
                "minutes": assignment.minutes,
                "evening": assignment.evening.isoformat(),
                "due": assignment.due.isoformat() if assignment.due else None,
            },
            now=context.now(),
        )
        await session.commit()
        draft = await posting.load_draft(context, dialog)
        assert draft is not None
        await posting.show_preview(update, context, draft)
