"""Approve mode: a piece over the limit waits for the grade leader, who approves it or rejects
it with a reason for the teacher (a one-step dialog)."""

from __future__ import annotations

from telegram import Update

from bot.domain.homework import HomeworkEventKind, HomeworkStatus, OverLimitStep
from bot.i18n import _, format_day, format_minutes, use_locale
from handlers.homework.draft import Draft, draft_loads
from handlers.homework.payloads import (
    MAX_REASON,
    REJECT_DIALOG,
    HomeworkDecisionButton,
    HomeworkRejectStep,
)
from handlers.homework.preview import EveningCheck, load_line
from handlers.homework.rights import leaders_of, may_decide
from handlers.kit.context import Ctx
from handlers.kit.gate import current_user, user_locale
from handlers.kit.labels import hint_line, kind_label, rule_label
from handlers.kit.replies import Rows, answer, refuse_stale, say, send_to
from handlers.scheduler.tick import notify_homework_change
from storage import dialogs, hints
from storage import homework as hw
from storage.models import Assignment, Dialog, SchoolClass, Subject, User


async def ask_approval(
    context: Ctx,
    draft: Draft,
    klass: SchoolClass,
    assignment: Assignment,
    over: list[EveningCheck],
    doubt: str | None = None,
) -> None:
    """Each grade leader of the class (the admins if none) gets the piece with two buttons:
    over the limit (`over`, its evenings), or for grades 1-2 declared other than written but
    reading like written work (`doubt`, the fragment that shows it)."""
    teacher = await context.session.get(User, assignment.teacher_id)
    subject = await context.session.get(Subject, assignment.subject_id)
    assert teacher is not None and subject is not None
    loads = draft_loads(draft)
    stored = await hints.hints_of(context.session, assignment.id)
    for user in await leaders_of(context, klass, admins=False):
        with use_locale(user_locale(user)):
            if over:
                head = _("{teacher} asks to post homework over the limit for {klass}:")
            else:
                head = _(
                    "{teacher} asks to post homework for {klass} that reads like written work:"
                )
            lines = [
                head.format(teacher=teacher.display_name, klass=klass.name),
                _("{subject}: {text}").format(subject=subject.name, text=assignment.text),
                _("Kind: {kind}; {minutes} for a typical student").format(
                    kind=kind_label(assignment.kind), minutes=format_minutes(assignment.minutes)
                ),
            ]
            if over:
                lines.append(_("Limit: {rule}").format(rule=rule_label(over[0].cap)))
            lines += [
                load_line(klass.name, c, loads[c.day], assignment.kind, subject.name) for c in over
            ]
            if doubt:
                lines.append(
                    "⚠ "
                    + _(
                        "Declared as {kind}, but it reads like written work: “{fragment}”. "
                        "Grades 1-2: no written homework at home."
                    ).format(kind=kind_label(assignment.kind), fragment=doubt)
                )
            lines += [hint_line(h, assignment.kind) for h in stored if h.item or not doubt]
            rows: Rows = [
                [
                    (_("✅ Approve"), HomeworkDecisionButton(assignment.id, True)),
                    (_("✖ Reject"), HomeworkDecisionButton(assignment.id, False)),
                ]
            ]
            await send_to(context, user, "\n".join(lines), rows)
    await context.session.commit()


async def pending_piece(
    update: Update, context: Ctx, data: HomeworkDecisionButton
) -> tuple[User, Assignment] | None:
    """The presser and the piece, if they may still decide on it and it still waits."""
    user = await current_user(context, update)
    assignment = await context.session.get(Assignment, data.assignment_id)
    if assignment is None or not await may_decide(context, user.id, assignment):
        await refuse_stale(update)
        return None
    if assignment.status != HomeworkStatus.PENDING:
        await answer(update, _("This was already decided."), alert=True)
        return None
    await answer(update)
    return user, assignment


async def on_approve(update: Update, context: Ctx, data: HomeworkDecisionButton) -> None:
    found = await pending_piece(update, context, data)
    if found is None:
        return
    user, assignment = found
    held = await hw.held_over_limit(context.session, assignment.id)
    await hw.set_status(
        context.session,
        assignment,
        user.id,
        HomeworkStatus.POSTED,
        HomeworkEventKind.APPROVED,
        over_limit=OverLimitStep.APPROVED if held else None,
    )
    await context.session.commit()
    await say(update, _("Approved; the parents will see it."), edit=True)
    await tell_teacher(context, assignment, approved=True, reason=None)
    await notify_homework_change(context, assignment.id, "posted")


async def on_reject(update: Update, context: Ctx, data: HomeworkDecisionButton) -> None:
    """Asks for the reason first; the piece is rejected when it arrives."""
    found = await pending_piece(update, context, data)
    if found is None:
        return
    user, assignment = found
    await dialogs.start_dialog(
        context.session,
        user.id,
        REJECT_DIALOG,
        HomeworkRejectStep.REASON,
        {"assignment_id": assignment.id},
        now=context.now(),
    )
    await context.session.commit()
    await say(update, _("Why is it rejected? Type a short reason for the teacher:"), edit=True)


async def on_reject_reason(update: Update, context: Ctx, dialog: Dialog) -> None:
    session = context.session
    message = update.effective_message
    reason = ((message.text if message else None) or "").strip()
    if not reason or len(reason) > MAX_REASON:
        await say(update, _("Please type a reason of at most 500 characters:"))
        return
    assignment = await session.get(Assignment, dialog.data.get("assignment_id"))
    await dialogs.end_dialog(session, dialog.user_id)
    if (
        assignment is None
        or assignment.status != HomeworkStatus.PENDING
        or not await may_decide(context, dialog.user_id, assignment)
    ):
        await session.commit()
        await say(update, _("This was already decided."))
        return
    await hw.set_status(
        session,
        assignment,
        dialog.user_id,
        HomeworkStatus.REJECTED,
        HomeworkEventKind.REJECTED,
        reason,
    )
    await session.commit()
    await say(update, _("Rejected; the teacher is told why."))
    await tell_teacher(context, assignment, approved=False, reason=reason)


async def tell_teacher(
    context: Ctx, assignment: Assignment, *, approved: bool, reason: str | None
) -> None:
    teacher = await context.session.get(User, assignment.teacher_id)
    klass = await context.session.get(SchoolClass, assignment.class_id)
    subject = await context.session.get(Subject, assignment.subject_id)
    if teacher is None or klass is None or subject is None:
        return
    with use_locale(user_locale(teacher)):
        if approved:
            text = _("Your {subject} homework for {klass} ({day}) was approved and posted.")
        else:
            text = _("Your {subject} homework for {klass} ({day}) was rejected: {reason}")
        await send_to(
            context,
            teacher,
            text.format(
                subject=subject.name,
                klass=klass.name,
                day=format_day(assignment.evening),
                reason=reason or "",
            ),
        )
    await context.session.commit()
