"""/homework: the teacher's pieces for today and the coming days, with edit and cancel."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import timedelta

from telegram import Update

from bot.domain.calendar import local_now
from bot.domain.homework import HomeworkEventKind, HomeworkStatus
from bot.i18n import _, format_day, format_minutes
from handlers.homework.draft import load_draft
from handlers.homework.payloads import DIALOG, HomeworkStep
from handlers.homework.preview import show_preview
from handlers.homework.rights import may_change
from handlers.kit.callbacks import CallbackData
from handlers.kit.context import Ctx
from handlers.kit.gate import current_user, roles_of
from handlers.kit.labels import kind_label
from handlers.kit.replies import Button, Rows, answer, refuse_stale, say
from handlers.scheduler.tick import notify_homework_change
from storage import dialogs
from storage import homework as hw
from storage.models import Assignment, SchoolClass, Subject, User

MAX_LISTED = 20


class HomeworkManageAction(enum.StrEnum):
    EDIT = "edit"
    CANCEL = "cancel"
    CONFIRM_CANCEL = "confirm"


@dataclass(frozen=True)
class HomeworkManageButton(CallbackData, prefix="hw.m"):
    assignment_id: int
    action: HomeworkManageAction


def status_label(status: str) -> str:
    labels: dict[str, str] = {
        HomeworkStatus.PENDING: _("waiting for approval"),
        HomeworkStatus.POSTED: _("posted"),
        HomeworkStatus.CANCELLED: _("cancelled"),
        HomeworkStatus.REJECTED: _("rejected"),
    }
    return labels.get(status, status)


async def homework_command(update: Update, context: Ctx) -> None:
    user = await current_user(context, update)
    roles = await roles_of(context, user.id)
    if not roles.teacher_schools and not roles.grade_leader and not roles.admin_schools:
        await say(update, _("Only teachers, grade leaders and school administrators see this."))
        return
    oldest = (context.now() - timedelta(days=1)).date()  # refined per school below
    rows = await hw.changeable_pieces(context.session, user.id, roles, oldest)
    current = [
        (a, k, s)
        for a, k, s, school in rows
        if (a.due or a.evening) >= local_now(school.timezone, context.now()).date()
    ]
    # One's own pieces first; then, for grade leaders and admins, the others they may change.
    items = sorted(current, key=lambda row: row[0].teacher_id != user.id)[:MAX_LISTED]
    if not items:
        await say(update, _("No homework for today or the coming days. Record some with /assign."))
        return
    lines = [_("Homework for today and the coming days:")]
    buttons: list[Button] = []
    for n, (a, klass, subject) in enumerate(items, 1):
        state = "" if a.status == HomeworkStatus.POSTED else f" [{status_label(a.status)}]"
        layer = "" if a.required else " · " + _("optional")
        lines.append(
            f"{n}. {format_day(a.evening)} · {klass.name} · {subject.name} · "
            f"{kind_label(a.kind)} · {format_minutes(a.minutes)}{layer}{state}\n   {a.text[:80]}"
        )
        buttons += [
            (
                _("✏ Edit {n}").format(n=n),
                HomeworkManageButton(a.id, HomeworkManageAction.EDIT),
            ),
            (
                _("✖ Cancel {n}").format(n=n),
                HomeworkManageButton(a.id, HomeworkManageAction.CANCEL),
            ),
        ]
    keyboard: Rows = [buttons[i : i + 4] for i in range(0, len(buttons), 4)]
    await say(update, "\n".join(lines), keyboard)


# ---------------------------------------------------------------- buttons (by action)


@dataclass(frozen=True)
class ManagedPiece:
    user: User
    assignment: Assignment
    klass: SchoolClass
    subject: Subject

    @property
    def described(self) -> dict[str, str]:
        return {
            "subject": self.subject.name,
            "klass": self.klass.name,
            "day": format_day(self.assignment.evening),
        }


async def managed_piece(
    update: Update, context: Ctx, data: HomeworkManageButton
) -> ManagedPiece | None:
    """The piece, if it is still posted or pending and the presser may change it."""
    user = await current_user(context, update)
    assignment = await context.session.get(Assignment, data.assignment_id)
    if (
        assignment is None
        or assignment.status not in (HomeworkStatus.POSTED, HomeworkStatus.PENDING)
        or not await may_change(context, user.id, assignment)
    ):
        await refuse_stale(update)
        return None
    klass = await context.session.get(SchoolClass, assignment.class_id)
    subject = await context.session.get(Subject, assignment.subject_id)
    assert klass is not None and subject is not None
    await answer(update)
    return ManagedPiece(user, assignment, klass, subject)


async def on_cancel(update: Update, context: Ctx, data: HomeworkManageButton) -> None:
    """Asks to confirm first."""
    piece = await managed_piece(update, context, data)
    if piece is None:
        return
    confirm = HomeworkManageButton(piece.assignment.id, HomeworkManageAction.CONFIRM_CANCEL)
    await say(
        update,
        _("Cancel {subject} for {klass} on {day}? Parents who already saw it are told.").format(
            **piece.described
        ),
        [[(_("Yes, cancel it"), confirm)]],
    )


async def on_confirm_cancel(update: Update, context: Ctx, data: HomeworkManageButton) -> None:
    piece = await managed_piece(update, context, data)
    if piece is None:
        return
    await hw.set_status(
        context.session,
        piece.assignment,
        piece.user.id,
        HomeworkStatus.CANCELLED,
        HomeworkEventKind.CANCELLED,
    )
    await context.session.commit()
    await say(
        update,
        _("Cancelled: {subject} for {klass} on {day}.").format(**piece.described),
        edit=True,
    )
    await notify_homework_change(context, piece.assignment.id, "cancelled")


async def on_edit(update: Update, context: Ctx, data: HomeworkManageButton) -> None:
    """Opens the /assign dialog at the preview, filled with the piece."""
    piece = await managed_piece(update, context, data)
    if piece is None:
        return
    assignment = piece.assignment
    dialog = await dialogs.start_dialog(
        context.session,
        piece.user.id,
        DIALOG,
        HomeworkStep.PREVIEW,
        {
            "edit_id": assignment.id,
            "class_id": assignment.class_id,
            "class_ids": [assignment.class_id],
            "required": assignment.required,
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
    await context.session.commit()
    draft = await load_draft(context, dialog)
    assert draft is not None
    await show_preview(update, context, draft)
