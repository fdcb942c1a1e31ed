"""The preview of a draft: each evening it touches checked against the cap, the text checked
against the negative list, the calibration hint, and the buttons the outcome allows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from telegram import Update

from bot.domain.load import (
    Cap,
    HomeworkKind,
    Piece,
    PostingOutcome,
    Verdict,
    cap_for,
    check_new_piece,
)
from bot.domain.periods import Scope
from bot.domain.textcheck import find_hints
from bot.i18n import _, format_day, format_minutes
from handlers.homework.draft import Draft, draft_loads, school_today
from handlers.homework.payloads import (
    HomeworkAction,
    HomeworkActionButton,
    HomeworkEditButton,
    HomeworkStep,
)
from handlers.kit.context import Ctx
from handlers.kit.labels import kind_label, negative_item_label, rule_label
from handlers.kit.replies import Rows, say
from handlers.reports import views as report_views
from storage import dialogs
from storage import homework as hw
from storage.models import Assignment, Subject

WORST_FIRST = (
    PostingOutcome.FORBIDDEN,
    PostingOutcome.OVER_REFUSED,
    PostingOutcome.OVER_NEEDS_APPROVAL,
    PostingOutcome.OVER_NEEDS_CONFIRM,
    PostingOutcome.OK,
)


@dataclass(frozen=True)
class EveningCheck:
    day: date
    cap: Cap
    verdict: Verdict
    others: list[hw.LoadedPiece]


async def check_draft(context: Ctx, draft: Draft) -> list[EveningCheck]:
    """Each evening the piece touches, with the class's other posted pieces and the verdict."""
    loads = draft_loads(draft)
    others = await hw.class_pieces(
        context.session,
        draft.klass.id,
        list(loads),
        exclude_assignment=draft.data.get("edit_id"),
    )
    subject = await context.session.get(Subject, draft.data["subject_id"])
    assert subject is not None
    kind = HomeworkKind(draft.data["kind"])
    mode = hw.mode_of(draft.school)
    checks = []
    for day, minutes in loads.items():
        cap = cap_for(hw.caps_of(draft.school), draft.klass.grade, day, draft.calendar)
        existing = [p.piece() for p in others.get(day, [])]
        verdict = check_new_piece(existing, Piece(subject.name, kind, minutes), cap, mode)
        checks.append(EveningCheck(day, cap, verdict, others.get(day, [])))
    return checks


def worst(checks: list[EveningCheck]) -> PostingOutcome:
    outcomes = {c.verdict.outcome for c in checks}
    return next(o for o in WORST_FIRST if o in outcomes)


def load_line(
    class_name: str,
    check: EveningCheck,
    new_minutes: int,
    new_kind: str,
    new_subject: str | None = None,
) -> str:
    """'5B, Thu, Nov 19: Maths 25 + Chinese 15 + this 30 = 70 / 60 min (10 over)'; with
    `new_subject` (for people other than the author) the new piece is named by its subject."""
    by_subject: dict[str, int] = {}
    for p in check.others:
        if p.kind == HomeworkKind.WRITTEN:
            by_subject[p.subject] = by_subject.get(p.subject, 0) + p.minutes
    parts = [f"{subject} {minutes}" for subject, minutes in by_subject.items()]
    if new_kind == HomeworkKind.WRITTEN and new_subject is not None:
        parts.append(f"{new_subject} {new_minutes}")
    elif new_kind == HomeworkKind.WRITTEN:
        parts.append(_("this {minutes}").format(minutes=new_minutes))
    total = check.verdict.load.written_total
    head = f"{class_name}, {format_day(check.day)}: "
    sums = " + ".join(parts) if parts else _("no written homework")
    if check.cap.minutes is None:
        return head + _("{sums} = {total} (no limit)").format(
            sums=sums, total=format_minutes(total)
        )
    line = head + f"{sums} = {total} / {format_minutes(check.cap.minutes)}"
    over = check.verdict.load.over_by
    if over:
        line += " " + _("({minutes} over)").format(minutes=over)
    return line


# ---------------------------------------------------------------- the text


async def preview_text(context: Ctx, draft: Draft, checks: list[EveningCheck]) -> str:
    d = draft.data
    subject = await context.session.get(Subject, d["subject_id"])
    assert subject is not None
    loads = draft_loads(draft)
    lines = [
        _("Preview — {klass}, {subject}").format(klass=draft.klass.name, subject=subject.name),
        d["text"],
        _("Kind: {kind}; {minutes} for a typical student").format(
            kind=kind_label(d["kind"]), minutes=format_minutes(int(d["minutes"]))
        ),
    ]
    if d.get("photo"):
        lines.append(_("With a photo."))
    if len(loads) > 1:
        lines.append(
            _("Spread over {n} evenings until {due}.").format(
                n=len(loads), due=format_day(date.fromisoformat(d["due"]))
            )
        )
    lines.append("")
    lines.append(
        _("Written homework of the class (limit: {rule}):").format(rule=rule_label(checks[0].cap))
    )
    for check in checks:
        lines.append(load_line(draft.klass.name, check, loads[check.day], d["kind"]))
    lines += not_counted_lines(d["kind"], checks)
    if d["kind"] == HomeworkKind.WRITTEN:
        calibrated = await calibration_hint(context, draft, subject.name, int(d["minutes"]))
        if calibrated:
            lines.append(calibrated)
    lines += negative_list_lines(d["text"])
    return "\n".join(lines)


def not_counted_lines(kind: str, checks: list[EveningCheck]) -> list[str]:
    """The first evening's pieces that are not written (and this one, if not written)."""
    not_counted = [
        f"{p.subject} {format_minutes(p.minutes)} ({kind_label(p.kind)})"
        for check in checks[:1]
        for p in check.others
        if p.kind != HomeworkKind.WRITTEN
    ]
    if kind != HomeworkKind.WRITTEN:
        not_counted.append(_("this piece") + f" ({kind_label(kind)})")
    if not not_counted:
        return []
    return [_("Not counted against the limit: {items}").format(items=", ".join(not_counted))]


def negative_list_lines(text: str) -> list[str]:
    """Warnings for phrases of the text that look like items of the negative list."""
    hints = find_hints(text)
    if not hints:
        return []
    lines = ["", _("Please check against the negative list:")]
    for hint in hints:
        lines.append(
            "⚠ "
            + _('"{quote}" — item {n}: {item}').format(
                quote=hint.match, n=hint.item.number, item=negative_item_label(hint.item)
            )
        )
    return lines


async def calibration_hint(context: Ctx, draft: Draft, subject: str, minutes: int) -> str | None:
    """The calibrated figure, when parents' reports put this teacher's estimates for this
    subject and class off by more than 20% over the last four weeks (and there is enough data)."""
    teacher_id = draft.dialog.user_id
    if draft.editing:
        assignment = await context.session.get(Assignment, int(draft.data["edit_id"]))
        teacher_id = assignment.teacher_id if assignment else teacher_id
    found = await report_views.calibrations(
        context.session, Scope.of_class(draft.klass.id), school_today(context, draft.school)
    )
    mine = next(
        (c for c in found if c.teacher_id == teacher_id and c.subject == subject),
        None,
    )
    if mine is None or not mine.worth_showing_in_preview:
        return None
    values = {
        "subject": subject,
        "klass": draft.klass.name,
        "percent": abs(mine.percent),
        "n": mine.evenings,
        "minutes": format_minutes(minutes),
        "calibrated": format_minutes(mine.calibrated(minutes)),
    }
    if mine.ratio > 1:
        text = _(
            "Parents report about {percent}% more time than your {subject} estimates for "
            "{klass} ({n} evenings): {minutes} may really take about {calibrated}."
        )
    else:
        text = _(
            "Parents report about {percent}% less time than your {subject} estimates for "
            "{klass} ({n} evenings): {minutes} may really take about {calibrated}."
        )
    return "📏 " + text.format(**values)


# ---------------------------------------------------------------- the message and its buttons


async def show_preview(update: Update, context: Ctx, draft: Draft) -> None:
    dialogs.update_dialog(draft.dialog, HomeworkStep.PREVIEW, back_to_preview=False)
    await context.session.commit()
    checks = await check_draft(context, draft)
    text = await preview_text(context, draft, checks)
    outcome = worst(checks)
    note, rows = outcome_note_and_rows(draft, outcome, checks)
    if note:
        text += "\n\n" + note
    t = draft.dialog.token
    rows.append(
        [
            (_("Text"), HomeworkEditButton(t, HomeworkStep.TEXT)),
            (_("Kind"), HomeworkEditButton(t, HomeworkStep.KIND)),
            (_("Minutes"), HomeworkEditButton(t, HomeworkStep.MINUTES)),
            (_("Evening"), HomeworkEditButton(t, HomeworkStep.EVENING)),
        ]
    )
    rows.append([(_("✖ Cancel"), HomeworkActionButton(t, HomeworkAction.CANCEL))])
    await say(update, text, rows, edit=update.callback_query is not None)


def outcome_note_and_rows(
    draft: Draft, outcome: PostingOutcome, checks: list[EveningCheck]
) -> tuple[str, Rows]:
    """What the outcome means for the author, and the post/save/submit button it allows."""
    t = draft.dialog.token
    if outcome == PostingOutcome.OK:
        label = _("✅ Save changes") if draft.editing else _("✅ Post")
        action = HomeworkAction.SAVE if draft.editing else HomeworkAction.POST
        return "", [[(label, HomeworkActionButton(t, action))]]
    if outcome == PostingOutcome.OVER_NEEDS_CONFIRM:
        note = _(
            "This is over the limit. If you post it anyway, the grade leader and the school "
            "administrators are told at once."
        )
        label = (
            _("⚠ Save anyway, over the limit")
            if draft.editing
            else _("⚠ Post anyway, over the limit")
        )
        return note, [[(label, HomeworkActionButton(t, HomeworkAction.POST_OVER))]]
    if outcome == PostingOutcome.OVER_NEEDS_APPROVAL:
        note = _(
            "This is over the limit. Your school requires the grade leader's approval; parents "
            "see it only once approved."
        )
        return note, [[(_("Send for approval"), HomeworkActionButton(t, HomeworkAction.SUBMIT))]]
    if outcome == PostingOutcome.OVER_REFUSED:
        note = _(
            "This is over the limit and your school does not allow that. Shorten it, move it to "
            "another evening, or spread it over more days."
        )
        return note, []
    return _("Refused: {rule}.").format(rule=rule_label(checks[0].cap)), []
