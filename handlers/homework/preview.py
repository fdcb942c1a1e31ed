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
from bot.domain.textcheck import find_hints, kind_hint
from bot.i18n import _, format_day, format_list, format_minutes
from handlers.homework.draft import Draft, draft_loads, school_today
from handlers.homework.payloads import (
    HomeworkAction,
    HomeworkActionButton,
    HomeworkEditButton,
    HomeworkStep,
)
from handlers.kit.context import Ctx
from handlers.kit.labels import kind_label, negative_item_label, rule_label, subject_minutes
from handlers.kit.replies import Rows, say
from handlers.reports import views as report_views
from storage import corrections, dialogs
from storage import homework as hw
from storage.models import Assignment, SchoolClass, Subject

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


@dataclass(frozen=True)
class ClassCheck:
    """One chosen class: each day the piece touches, checked against that class's cap."""

    klass: SchoolClass
    days: list[EveningCheck]


async def check_draft(context: Ctx, draft: Draft) -> list[ClassCheck]:
    """For each chosen class, each day the piece touches with the class's other posted pieces
    and the verdict (an optional piece is shown but never counted)."""
    subject = await context.session.get(Subject, draft.data["subject_id"])
    assert subject is not None
    return [await check_class(context, draft, klass, subject.name) for klass in draft.classes]


async def check_class(context: Ctx, draft: Draft, klass: SchoolClass, subject: str) -> ClassCheck:
    loads = draft_loads(draft)
    others = await hw.class_pieces(
        context.session, klass.id, list(loads), exclude_assignment=draft.data.get("edit_id")
    )
    mode = hw.mode_of(draft.school)
    checks = []
    for day, minutes in loads.items():
        cap = cap_for(hw.caps_of(draft.school), klass.grade, day, draft.calendar)
        existing = [p.piece() for p in others.get(day, [])]
        new = Piece(subject, draft.kind, minutes, optional=not draft.required)
        verdict = check_new_piece(existing, new, cap, mode)
        checks.append(EveningCheck(day, cap, verdict, others.get(day, [])))
    return ClassCheck(klass, checks)


def all_days(checks: list[ClassCheck]) -> list[EveningCheck]:
    return [day for check in checks for day in check.days]


def worst(checks: list[EveningCheck]) -> PostingOutcome:
    outcomes = {c.verdict.outcome for c in checks}
    return next(o for o in WORST_FIRST if o in outcomes)


def kind_doubt(draft: Draft, klass: SchoolClass) -> str | None:
    """For grades 1-2 (no written homework at home), the fragment that makes a piece declared
    reading, oral, practical or other read like written work: it waits for the grade leader.
    An edit of a posted piece that keeps its text and kind is not held again (`posted_as`)."""
    if klass.grade > 2 or draft.data.get("posted_as") == [draft.data["text"], draft.kind.value]:
        return None
    return kind_hint(draft.kind, draft.data["text"])


def class_outcome(draft: Draft, check: ClassCheck) -> PostingOutcome:
    """The class's outcome; a piece within the cap that `kind_doubt` flags needs approval."""
    outcome = worst(check.days)
    if outcome == PostingOutcome.OK and kind_doubt(draft, check.klass):
        return PostingOutcome.OVER_NEEDS_APPROVAL
    return outcome


def draft_outcome(draft: Draft, checks: list[ClassCheck]) -> PostingOutcome:
    """The worst outcome over the chosen classes (what the preview's buttons allow)."""
    outcomes = {class_outcome(draft, check) for check in checks}
    return next(o for o in WORST_FIRST if o in outcomes)


def doubt_of(draft: Draft, checks: list[ClassCheck]) -> str | None:
    """The kind doubt that holds the draft, when no evening over the cap does."""
    if worst(all_days(checks)) == PostingOutcome.OVER_NEEDS_APPROVAL:
        return None
    return next((d for c in checks if (d := kind_doubt(draft, c.klass))), None)


def doubt_line(draft: Draft, fragment: str) -> str:
    """Why a grade 1-2 piece waits for the grade leader, for its author."""
    return _(
        "Declared as {kind}, but it reads like written work (“{fragment}”). Grades 1-2 have no "
        "written homework at home, so the grade leader looks at it before parents see it."
    ).format(kind=kind_label(draft.kind), fragment=fragment)


def load_line(
    class_name: str,
    check: EveningCheck,
    new_minutes: int,
    new_kind: str,
    new_subject: str | None = None,
    *,
    required: bool = True,
) -> str:
    """'5B, Thu, Nov 19: Maths 25 + Chinese 15 + this 30 = 70 / 60 min (10 over)'; with
    `new_subject` (for people other than the author) the new piece is named by its subject.
    Only required written pieces are summed."""
    by_subject: dict[str, int] = {}
    for p in check.others:
        if p.kind == HomeworkKind.WRITTEN and p.required:
            by_subject[p.subject] = by_subject.get(p.subject, 0) + p.minutes
    parts = [subject_minutes(subject, minutes) for subject, minutes in by_subject.items()]
    counts = new_kind == HomeworkKind.WRITTEN and required
    if counts and new_subject is not None:
        parts.append(subject_minutes(new_subject, new_minutes))
    elif counts:
        parts.append(_("this {minutes}").format(minutes=format_minutes(new_minutes)))
    total = format_minutes(check.verdict.load.written_total)
    day = format_day(check.day)
    if not parts:
        return _("{class_name}, {day}: no written homework").format(class_name=class_name, day=day)
    sums = format_list(parts)
    if check.cap.minutes is None:
        return _("{class_name}, {day}: {sums}, {total} in all (no limit)").format(
            class_name=class_name, day=day, sums=sums, total=total
        )
    over = check.verdict.load.over_by
    if over:
        return _("{class_name}, {day}: {sums}, {total} in all, {over} over").format(
            class_name=class_name, day=day, sums=sums, total=total, over=format_minutes(over)
        )
    return _("{class_name}, {day}: {sums}, {total} in all").format(
        class_name=class_name, day=day, sums=sums, total=total
    )


# ---------------------------------------------------------------- the text


async def preview_text(context: Ctx, draft: Draft, checks: list[ClassCheck]) -> str:
    d = draft.data
    subject = await context.session.get(Subject, d["subject_id"])
    assert subject is not None
    loads = draft_loads(draft)
    names = format_list([draft.class_name(k) for k in draft.classes])
    lines = [
        _("Preview — {klass}, {subject}").format(klass=names, subject=subject.name),
        d["text"],
        _("Kind: {kind}; {minutes} for a typical student").format(
            kind=kind_label(d["kind"]), minutes=format_minutes(int(d["minutes"]))
        ),
    ]
    if not draft.required:
        lines.append(_("Optional (not required): parents see it as optional; not counted."))
    if d.get("photo"):
        lines.append(_("With a photo."))
    lines.append(days_line(draft, loads))
    lines.append("")
    rules = {rule_label(c.days[0].cap) for c in checks}
    for n, check in enumerate(checks):
        if n == 0 or len(rules) > 1:
            lines.append(
                _("Written homework of the class (limit: {rule}):").format(
                    rule=rule_label(check.days[0].cap)
                )
            )
        for day in check.days:
            lines.append(
                load_line(
                    draft.class_name(check.klass),
                    day,
                    loads[day.day],
                    d["kind"],
                    required=draft.required,
                )
            )
    lines += not_counted_lines(draft, checks[0].days)
    if d["kind"] == HomeworkKind.WRITTEN and len(draft.classes) == 1:
        calibrated = await calibration_hint(context, draft, subject.name, int(d["minutes"]))
        if calibrated:
            lines.append(calibrated)
    lines += negative_list_lines(d["text"])
    if draft.editing:
        lines += await correction_lines(context, int(d["edit_id"]))
    return "\n".join(lines)


async def correction_lines(context: Ctx, assignment_id: int) -> list[str]:
    """The piece's history of minutes changed after the daily check (the checked value stays
    in the figures)."""
    found = await corrections.corrections_of(context.session, assignment_id)
    if not found:
        return []
    lines = ["", _("Corrected after the daily check (the figures keep the checked minutes):")]
    lines += [
        "• "
        + _("{day}: {checked} checked, corrected to {minutes}").format(
            day=format_day(c.day),
            checked=format_minutes(c.checked_minutes),
            minutes=format_minutes(c.corrected_minutes),
        )
        for c in found
    ]
    return lines


def days_line(draft: Draft, loads: dict[date, int]) -> str:
    """The day it is for, or the days its minutes are spread over."""
    days = list(loads)
    if len(days) == 1:
        return _("For {day}.").format(day=format_day(days[0]))
    if draft.calendar.is_school_day(days[0]):
        return _("Spread over {n} school days until {due}.").format(
            n=len(days), due=format_day(date.fromisoformat(draft.data["due"]))
        )
    return _("Spread over {n} days: {days}.").format(
        n=len(days), days=format_list([format_day(d) for d in days])
    )


def not_counted_lines(draft: Draft, checks: list[EveningCheck]) -> list[str]:
    """The first day's pieces that do not count (and this one, if it does not)."""
    not_counted = [
        _("{item} ({kind})").format(
            item=subject_minutes(p.subject, p.minutes), kind=kind_label(p.kind)
        )
        for check in checks[:1]
        for p in check.others
        if p.kind != HomeworkKind.WRITTEN or not p.required
    ]
    if draft.kind != HomeworkKind.WRITTEN:
        not_counted.append(
            _("{item} ({kind})").format(item=_("this piece"), kind=kind_label(draft.kind))
        )
    elif not draft.required:
        not_counted.append(_("{item} ({kind})").format(item=_("this piece"), kind=_("optional")))
    if not not_counted:
        return []
    return [_("Not counted against the limit: {items}").format(items=format_list(not_counted))]


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
            "{klass} ({n} days): {minutes} may really take about {calibrated}."
        )
    else:
        text = _(
            "Parents report about {percent}% less time than your {subject} estimates for "
            "{klass} ({n} days): {minutes} may really take about {calibrated}."
        )
    return "📏 " + text.format(**values)


# ---------------------------------------------------------------- the message and its buttons


async def show_preview(update: Update, context: Ctx, draft: Draft) -> None:
    dialogs.update_dialog(draft.dialog, HomeworkStep.PREVIEW, back_to_preview=False)
    await context.session.commit()
    checks = await check_draft(context, draft)
    text = await preview_text(context, draft, checks)
    days = all_days(checks)
    outcome = draft_outcome(draft, checks)
    note, rows = outcome_note_and_rows(draft, outcome, days, doubt_of(draft, checks))
    if note:
        text += "\n\n" + note
    rows += field_rows(draft)
    await say(update, text, rows, edit=update.callback_query is not None)


def field_rows(draft: Draft) -> Rows:
    """Buttons that change one field: kind, day, due date; text, minutes, required/optional."""
    t = draft.dialog.token
    d = draft.data
    due = (
        _("Due: {day}").format(day=format_day(date.fromisoformat(d["due"])))
        if d.get("due")
        else _("Due later")
    )
    layer = _("Make optional") if draft.required else _("Make required")
    return [
        [
            (
                _("Kind: {kind}").format(kind=kind_label(d["kind"])),
                HomeworkEditButton(t, HomeworkStep.KIND),
            ),
            (
                _("Day: {day}").format(day=format_day(date.fromisoformat(d["evening"]))),
                HomeworkEditButton(t, HomeworkStep.EVENING),
            ),
            (due, HomeworkEditButton(t, HomeworkStep.DUE)),
        ],
        [
            (_("Text"), HomeworkEditButton(t, HomeworkStep.TEXT)),
            (_("Minutes"), HomeworkEditButton(t, HomeworkStep.MINUTES)),
            (layer, HomeworkActionButton(t, HomeworkAction.LAYER)),
        ],
        [(_("✖ Cancel"), HomeworkActionButton(t, HomeworkAction.CANCEL))],
    ]


def outcome_note_and_rows(
    draft: Draft, outcome: PostingOutcome, checks: list[EveningCheck], doubt: str | None = None
) -> tuple[str, Rows]:
    """What the outcome means for the author, and the post/save/submit button it allows
    (`doubt`: a grade 1-2 piece that reads like written work, held for approval)."""
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
        note = (
            doubt_line(draft, doubt)
            if doubt
            else _(
                "This is over the limit. Your school requires the grade leader's approval; parents "
                "see it only once approved."
            )
        )
        return note, [[(_("Send for approval"), HomeworkActionButton(t, HomeworkAction.SUBMIT))]]
    if outcome == PostingOutcome.OVER_REFUSED:
        note = _(
            "This is over the limit and your school does not allow that. Shorten it, move it to "
            "another evening, or spread it over more days."
        )
        return note, []
    return _("Refused: {rule}.").format(rule=rule_label(checks[0].cap)), []
