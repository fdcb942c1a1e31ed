"""The preview's buttons: post, post over the limit, send for approval, save an edit, cancel.

The cap is checked again at the press: if the class's load changed since the preview, the
preview is shown again instead. A piece posted over the limit is told at once to the grade
leaders and the school's admins.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from telegram import Update

from bot.domain.homework import HomeworkStatus, OverLimitStep
from bot.domain.load import HomeworkKind, PostingOutcome
from bot.domain.textcheck import piece_hints
from bot.i18n import _, format_day, format_minutes, use_locale
from handlers.homework.approval import ask_approval
from handlers.homework.draft import Draft, draft_loads, load_draft
from handlers.homework.payloads import DIALOG, HomeworkActionButton, HomeworkStep
from handlers.homework.preview import (
    ClassCheck,
    EveningCheck,
    check_draft,
    class_outcome,
    doubt_line,
    draft_outcome,
    kind_doubt,
    load_line,
    show_preview,
    worst,
)
from handlers.homework.rights import leaders_of, may_change
from handlers.kit.context import Ctx
from handlers.kit.gate import user_locale
from handlers.kit.labels import hint_line, rule_label
from handlers.kit.replies import answer, refuse_stale, say, send_to
from handlers.kit.router import dialog_for
from handlers.scheduler.tick import notify_homework_change
from storage import corrections, dialogs, hints
from storage import homework as hw
from storage.models import Assignment, LoadCorrection, SchoolClass, Subject, User


async def on_cancel(update: Update, context: Ctx, data: HomeworkActionButton) -> None:
    dialog = await dialog_for(context, update, DIALOG, data.token)
    if dialog is None:
        return
    await answer(update)
    await dialogs.end_dialog(context.session, dialog.user_id)
    await context.session.commit()
    await say(update, _("Cancelled. Nothing was posted."), edit=True)


async def on_post(update: Update, context: Ctx, data: HomeworkActionButton) -> None:
    await publish(update, context, data, {PostingOutcome.OK})


async def on_post_over(update: Update, context: Ctx, data: HomeworkActionButton) -> None:
    await publish(update, context, data, {PostingOutcome.OK, PostingOutcome.OVER_NEEDS_CONFIRM})


async def on_save(update: Update, context: Ctx, data: HomeworkActionButton) -> None:
    await publish(update, context, data, {PostingOutcome.OK, PostingOutcome.OVER_NEEDS_CONFIRM})


async def on_submit(update: Update, context: Ctx, data: HomeworkActionButton) -> None:
    await publish(update, context, data, {PostingOutcome.OK, PostingOutcome.OVER_NEEDS_APPROVAL})


async def on_layer(update: Update, context: Ctx, data: HomeworkActionButton) -> None:
    """Required (必做) <-> optional (选做); only required written minutes count."""
    draft = await draft_at_preview(update, context, data)
    if draft is None:
        return
    await answer(update)
    dialogs.update_dialog(draft.dialog, required=not draft.required)
    await show_preview(update, context, draft)


async def publish(
    update: Update, context: Ctx, data: HomeworkActionButton, allowed: set[PostingOutcome]
) -> None:
    """Posts the draft, one piece per class (or saves the edit), if its outcome is still one
    the button allows."""
    draft = await draft_at_preview(update, context, data)
    if draft is None:
        return
    assignment = await edited_piece(context, draft)
    if draft.editing and assignment is None:
        await refuse_stale(update)
        return
    checks = await check_draft(context, draft)
    outcome = draft_outcome(draft, checks)
    if outcome not in allowed:
        # The class's load changed since the preview (someone else posted): show it again.
        await answer(update, _("The class's load has changed; please check again."), alert=True)
        await show_preview(update, context, draft)
        return
    await answer(update)
    posted: list[tuple[ClassCheck, Assignment]] = []
    fixed: list[LoadCorrection] = []
    for check in checks:
        piece, touched = await save_draft(
            context, draft, check, assignment, status_of(draft, check)
        )
        posted.append((check, piece))
        fixed += touched
    if not draft.editing:
        await remember(context, draft)
    await dialogs.end_dialog(context.session, draft.dialog.user_id)
    await context.session.commit()
    await tell_author(update, context, draft, posted, fixed)


def status_of(draft: Draft, check: ClassCheck) -> HomeworkStatus:
    """Each class's piece waits for approval when its own outcome asks for it."""
    if class_outcome(draft, check) == PostingOutcome.OVER_NEEDS_APPROVAL:
        return HomeworkStatus.PENDING
    return HomeworkStatus.POSTED


def over_limit_step(check: ClassCheck, status: HomeworkStatus) -> OverLimitStep | None:
    """What the save records about the limit: the teacher confirmed posting over it, or the
    piece waits for the grade leader because it takes a day over it (not for a kind doubt)."""
    outcome = worst(check.days)
    if outcome == PostingOutcome.OVER_NEEDS_CONFIRM and status == HomeworkStatus.POSTED:
        return OverLimitStep.CONFIRMED
    if outcome == PostingOutcome.OVER_NEEDS_APPROVAL and status == HomeworkStatus.PENDING:
        return OverLimitStep.HELD
    return None


def over_days(check: ClassCheck) -> list[EveningCheck]:
    return [c for c in check.days if c.verdict.load.is_over]


async def tell_author(
    update: Update,
    context: Ctx,
    draft: Draft,
    posted: list[tuple[ClassCheck, Assignment]],
    fixed: Sequence[LoadCorrection] = (),
) -> None:
    """The author's confirmation (why a piece waits, when it does; minutes changed on a day
    already checked, recorded as a correction); then the grade leaders are asked to decide on
    what waits and hear of what was posted over the limit."""
    held = [(c, p) for c, p in posted if p.status == HomeworkStatus.PENDING]
    done = [(c, p) for c, p in posted if p.status != HomeworkStatus.PENDING]
    loads = draft_loads(draft)
    lines: list[str] = []
    if done:
        lines.append(_("Saved.") if draft.editing else _("Posted."))
    for check, _piece in done:
        lines += [
            load_line(
                check.klass.name,
                c,
                loads[c.day],
                draft.data["kind"],
                required=draft.required,
            )
            for c in check.days
        ]
    if held:
        lines.append(_("Sent to the grade leader for approval. I will tell you the decision."))
        doubt = next((d for c, _p in held if (d := kind_doubt(draft, c.klass))), None)
        if doubt and not any(over_days(c) for c, _p in held):
            lines.append(doubt_line(draft, doubt))
    lines += [correction_note(c) for c in fixed]
    await say(update, "\n".join(lines), edit=True)
    for check, piece in held:
        await ask_approval(
            context, draft, check.klass, piece, over_days(check), kind_doubt(draft, check.klass)
        )
    for check, piece in done:
        if over_days(check):
            await warn_over_cap(context, draft, check.klass, piece, over_days(check))
        await notify_homework_change(context, piece.id, "edited" if draft.editing else "posted")


def correction_note(fixed: LoadCorrection) -> str:
    return _(
        "{day} was already checked: the figures keep the {checked} the check saw; "
        "{minutes} is recorded as a correction."
    ).format(
        day=format_day(fixed.day),
        checked=format_minutes(fixed.checked_minutes),
        minutes=format_minutes(fixed.corrected_minutes),
    )


async def remember(context: Ctx, draft: Draft) -> None:
    """The subject's kind, minutes and classes become the teacher's defaults next time."""
    await hw.remember_default(
        context.session,
        draft.dialog.user_id,
        int(draft.data["subject_id"]),
        draft.kind,
        int(draft.data["minutes"]),
        [k.id for k in draft.classes],
    )


async def draft_at_preview(
    update: Update, context: Ctx, data: HomeworkActionButton
) -> Draft | None:
    """The draft, if the button is its preview's and the presser may still post it."""
    dialog = await dialog_for(context, update, DIALOG, data.token)
    if dialog is None:
        return None
    draft = await load_draft(context, dialog)
    if draft is None or dialog.step != HomeworkStep.PREVIEW:
        await refuse_stale(update)
        return None
    if not draft.editing:
        for klass in draft.classes:
            if not await hw.teaches(
                context.session, dialog.user_id, klass.id, int(draft.data["subject_id"])
            ):
                await refuse_stale(update)
                return None
    return draft


async def edited_piece(context: Ctx, draft: Draft) -> Assignment | None:
    """The posted piece the draft edits, if the author may still change it."""
    if not draft.editing:
        return None
    assignment = await context.session.get(Assignment, int(draft.data["edit_id"]))
    if assignment is None or not await may_change(context, draft.dialog.user_id, assignment):
        return None
    return assignment


async def save_draft(
    context: Ctx,
    draft: Draft,
    check: ClassCheck,
    assignment: Assignment | None,
    status: HomeworkStatus,
) -> tuple[Assignment, list[LoadCorrection]]:
    """Writes the draft over `assignment` (its minutes on days already checked recorded as
    corrections, returned), or as a new piece for the check's class when it is None (its own
    draft token per class, so a second press posts nothing twice), with what it records about
    the limit (`over_limit_step`); then its hints. Caller commits."""
    d = draft.data
    evening = date.fromisoformat(d["evening"])
    due = date.fromisoformat(d["due"]) if d.get("due") else None
    loads = draft_loads(draft)
    step = over_limit_step(check, status)
    if assignment is not None:
        changes = {
            "text": d["text"],
            "photo_file_id": d.get("photo"),
            "kind": d["kind"],
            "minutes": int(d["minutes"]),
            "evening": evening,
            "due": due,
            "status": status.value,
            "required": draft.required,
        }
        before = await hw.loads_of(context.session, assignment.id)
        user_id = draft.dialog.user_id
        await hw.edit_assignment(context.session, assignment, user_id, changes, loads, step)
        fixed = await corrections.record_corrections(
            context.session, assignment, before, loads, user_id, context.now()
        )
    else:
        assignment, fixed = await new_piece(context, draft, check.klass, status, step), []
    await hints.replace_hints(context.session, assignment.id, piece_hints(d["kind"], d["text"]))
    return assignment, fixed


async def new_piece(
    context: Ctx,
    draft: Draft,
    klass: SchoolClass,
    status: HomeworkStatus,
    over_limit: OverLimitStep | None,
) -> Assignment:
    d = draft.data
    due = date.fromisoformat(d["due"]) if d.get("due") else None
    return await hw.create_assignment(
        context.session,
        klass=klass,
        subject_id=int(d["subject_id"]),
        teacher_id=draft.dialog.user_id,
        text=d["text"],
        photo_file_id=d.get("photo"),
        kind=HomeworkKind(d["kind"]),
        minutes=int(d["minutes"]),
        evening=date.fromisoformat(d["evening"]),
        due=due,
        loads=draft_loads(draft),
        status=status,
        draft_token=f"{draft.dialog.token}-{klass.id}",
        required=draft.required,
        over_limit=over_limit,
    )


async def warn_over_cap(
    context: Ctx,
    draft: Draft,
    klass: SchoolClass,
    assignment: Assignment,
    over: list[EveningCheck],
) -> None:
    """The class's grade leaders and the school's admins hear of a piece posted over the cap."""
    teacher = await context.session.get(User, assignment.teacher_id)
    subject = await context.session.get(Subject, assignment.subject_id)
    assert teacher is not None and subject is not None
    loads = draft_loads(draft)
    stored = await hints.hints_of(context.session, assignment.id)
    for user in await leaders_of(context, klass, admins=True):
        if user.id == teacher.id:
            continue
        with use_locale(user_locale(user)):
            lines = [
                _("⚠ {klass} is over the homework limit ({rule}).").format(
                    klass=klass.name, rule=rule_label(over[0].cap)
                )
            ]
            lines += [
                load_line(klass.name, c, loads[c.day], assignment.kind, subject.name) for c in over
            ]
            lines.append(
                _("{teacher} posted {subject} ({minutes}) and confirmed it.").format(
                    teacher=teacher.display_name,
                    subject=subject.name,
                    minutes=format_minutes(assignment.minutes),
                )
            )
            lines += [hint_line(h, assignment.kind) for h in stored]
            await send_to(context, user, "\n".join(lines))
    await context.session.commit()
