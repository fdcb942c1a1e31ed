"""/assign: the teacher's posting dialog with a live load preview against the policy cap.

class -> subject -> text (+ photo) -> kind -> minutes -> evening (-> due date) -> preview ->
post / edit a field / cancel. The same preview serves edits of posted pieces (/homework).
"""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from telegram import Update

from bot.domain.calendar import SchoolCalendar, default_evening, local_now
from bot.domain.homework import HomeworkEventKind, HomeworkStatus
from bot.domain.load import (
    Cap,
    HomeworkKind,
    Piece,
    PostingOutcome,
    Verdict,
    cap_for,
    check_new_piece,
    evenings_for,
    spread_minutes,
)
from bot.domain.periods import Scope
from bot.domain.roles import Role
from bot.domain.textcheck import find_hints
from bot.domain.validate import parse_int
from bot.i18n import _, format_day, format_minutes, use_locale
from handlers.kit.callbacks import CallbackData
from handlers.kit.context import Ctx
from handlers.kit.gate import current_user, user_locale
from handlers.kit.labels import kind_label, negative_item_label, rule_label
from handlers.kit.replies import Button, Rows, answer, refuse_stale, say, send_to
from handlers.kit.router import dialog_for
from handlers.reports import views as report_views
from handlers.scheduler.tick import notify_homework_change
from storage import dialogs, repo, scheduling
from storage import homework as hw
from storage.models import Assignment, Dialog, School, SchoolClass, Subject, Teaching, User

DIALOG = "homework"
MAX_TEXT = 1000
MINUTE_CHOICES = (10, 15, 20, 30, 45, 60)
EVENING_CHOICES = 6
DUE_CHOICES = 6


class HomeworkStep(enum.StrEnum):
    CLASS = "class"
    SUBJECT = "subject"
    TEXT = "text"
    KIND = "kind"
    MINUTES = "minutes"
    EVENING = "evening"
    DUE = "due"
    PREVIEW = "preview"


class HomeworkAction(enum.StrEnum):
    POST = "post"
    POST_OVER = "post_over"
    SUBMIT = "submit"
    SAVE = "save"
    EDIT = "edit"
    CANCEL = "cancel"


@dataclass(frozen=True)
class HomeworkPickButton(CallbackData, prefix="hw.p"):
    """A choice at `step`: a class/subject id, a kind index, minutes, or a date ordinal."""

    token: str
    step: HomeworkStep
    value: int


@dataclass(frozen=True)
class HomeworkActionButton(CallbackData, prefix="hw.a"):
    token: str
    action: HomeworkAction


@dataclass(frozen=True)
class HomeworkEditButton(CallbackData, prefix="hw.e"):
    """Go back to one field from the preview."""

    token: str
    field: HomeworkStep


KINDS = list(HomeworkKind)


# ---------------------------------------------------------------- context of a draft


@dataclass
class Draft:
    """The dialog's draft resolved against the database."""

    dialog: Dialog
    klass: SchoolClass
    school: School
    calendar: SchoolCalendar

    @property
    def data(self) -> dict[str, Any]:
        return self.dialog.data


async def teaching_pairs(context: Ctx, user_id: int) -> list[tuple[SchoolClass, Subject]]:
    rows = (
        await context.session.execute(
            select(SchoolClass, Subject)
            .select_from(Teaching)
            .join(SchoolClass, SchoolClass.id == Teaching.class_id)
            .join(Subject, Subject.id == Teaching.subject_id)
            .where(Teaching.user_id == user_id)
            .order_by(SchoolClass.grade, SchoolClass.name, Subject.position, Subject.name)
        )
    ).all()
    return [(k, s) for k, s in rows]


async def teaches(context: Ctx, user_id: int, class_id: int, subject_id: int) -> bool:
    found = await context.session.scalar(
        select(Teaching.id).where(
            Teaching.user_id == user_id,
            Teaching.class_id == class_id,
            Teaching.subject_id == subject_id,
        )
    )
    return found is not None


async def may_change(context: Ctx, user_id: int, assignment: Assignment) -> bool:
    """The author, the class's grade leader(s) and the school's admins may change a piece."""
    if assignment.teacher_id == user_id:
        return True
    klass = await context.session.get(SchoolClass, assignment.class_id)
    if klass is None:
        return False
    roles = await repo.load_roles(context.session, user_id, context.settings.bot_owners)
    return roles.administers(klass.school_id) or roles.leads_grade(klass.school_id, klass.grade)


async def load_draft(context: Ctx, dialog: Dialog) -> Draft | None:
    klass = await context.session.get(SchoolClass, dialog.data.get("class_id"))
    if klass is None:
        return None
    school = await context.session.get(School, klass.school_id)
    assert school is not None
    return Draft(dialog, klass, school, await hw.calendar_of(context.session, school))


def school_today(context: Ctx, school: School) -> date:
    return local_now(school.timezone, context.now()).date()


# ---------------------------------------------------------------- start: class and subject


async def assign(update: Update, context: Ctx) -> None:
    user = await current_user(context, update)
    pairs = await teaching_pairs(context, user.id)
    if not pairs:
        await say(
            update,
            _(
                "You do not teach any class yet. Ask your school administrator for a teacher's "
                "invite link with your classes and subjects."
            ),
        )
        return
    dialog = await dialogs.start_dialog(
        context.session, user.id, DIALOG, HomeworkStep.CLASS, now=context.now()
    )
    await context.session.commit()
    classes = list({k.id: k for k, _s in pairs}.values())
    if len(classes) == 1:
        await choose_class(update, context, dialog, classes[0], pairs)
        return
    rows: Rows = [
        [
            (k.name, HomeworkPickButton(dialog.token, HomeworkStep.CLASS, k.id))
            for k in classes[i : i + 3]
        ]
        for i in range(0, len(classes), 3)
    ]
    await say(update, _("New homework. For which class?"), rows)


async def choose_class(
    update: Update,
    context: Ctx,
    dialog: Dialog,
    klass: SchoolClass,
    pairs: list[tuple[SchoolClass, Subject]],
) -> None:
    subjects = [s for k, s in pairs if k.id == klass.id]
    dialogs.update_dialog(dialog, HomeworkStep.SUBJECT, class_id=klass.id)
    if len(subjects) == 1:
        dialogs.update_dialog(dialog, HomeworkStep.TEXT, subject_id=subjects[0].id)
        await context.session.commit()
        await ask_text(update, klass.name, subjects[0].name)
        return
    await context.session.commit()
    rows: Rows = [
        [
            (s.name, HomeworkPickButton(dialog.token, HomeworkStep.SUBJECT, s.id))
            for s in subjects[i : i + 3]
        ]
        for i in range(0, len(subjects), 3)
    ]
    await say(
        update,
        _("{klass}: which subject?").format(klass=klass.name),
        rows,
        edit=update.callback_query is not None,
    )


async def ask_text(update: Update, class_name: str, subject_name: str) -> None:
    await say(
        update,
        _(
            "{klass}, {subject}. What is the homework? Type it as the parents should read it "
            "(a photo with a caption works too)."
        ).format(klass=class_name, subject=subject_name),
        edit=update.callback_query is not None,
    )


# ---------------------------------------------------------------- buttons


async def on_pick(update: Update, context: Ctx, data: HomeworkPickButton) -> None:
    dialog = await dialog_for(context, update, DIALOG, data.token)
    if dialog is None:
        return
    session = context.session
    user_id = dialog.user_id
    if data.step == HomeworkStep.CLASS and dialog.step == HomeworkStep.CLASS:
        pairs = await teaching_pairs(context, user_id)
        klass = next((k for k, _s in pairs if k.id == data.value), None)
        if klass is None:
            await refuse_stale(update)
            return
        await answer(update)
        await choose_class(update, context, dialog, klass, pairs)
        return
    if data.step == HomeworkStep.SUBJECT and dialog.step == HomeworkStep.SUBJECT:
        class_id = int(dialog.data["class_id"])
        subject = await session.get(Subject, data.value)
        if subject is None or not await teaches(context, user_id, class_id, subject.id):
            await refuse_stale(update)
            return
        await answer(update)
        dialogs.update_dialog(dialog, HomeworkStep.TEXT, subject_id=subject.id)
        await session.commit()
        klass = await session.get(SchoolClass, class_id)
        assert klass is not None
        await ask_text(update, klass.name, subject.name)
        return
    draft = await load_draft(context, dialog)
    if draft is None or data.step != dialog.step:
        await refuse_stale(update)
        return
    if data.step == HomeworkStep.KIND and 0 <= data.value < len(KINDS):
        await set_kind(update, context, draft, KINDS[data.value])
    elif data.step == HomeworkStep.MINUTES and (data.value == 0 or data.value in MINUTE_CHOICES):
        await answer(update)
        if data.value == 0:
            await say(update, _("Type the minutes a typical student needs (1-600):"), edit=True)
            return
        await set_minutes(update, context, draft, data.value)
    elif data.step == HomeworkStep.EVENING:
        await set_evening(update, context, draft, data.value)
    elif data.step == HomeworkStep.DUE:
        await set_due(update, context, draft, data.value)
    else:
        await refuse_stale(update)


async def on_edit(update: Update, context: Ctx, data: HomeworkEditButton) -> None:
    dialog = await dialog_for(context, update, DIALOG, data.token)
    if dialog is None:
        return
    draft = await load_draft(context, dialog)
    editable = (HomeworkStep.TEXT, HomeworkStep.KIND, HomeworkStep.MINUTES, HomeworkStep.EVENING)
    if draft is None or dialog.step != HomeworkStep.PREVIEW or data.field not in editable:
        await refuse_stale(update)
        return
    await answer(update)
    dialogs.update_dialog(dialog, data.field, back_to_preview=True)
    await context.session.commit()
    if data.field == HomeworkStep.TEXT:
        await say(update, _("Type the new text of the homework:"), edit=True)
    elif data.field == HomeworkStep.KIND:
        await ask_kind(update, draft)
    elif data.field == HomeworkStep.MINUTES:
        await ask_minutes(update, draft)
    else:
        await ask_evening(update, context, draft)


# ---------------------------------------------------------------- free text


async def on_text(update: Update, context: Ctx, dialog: Dialog) -> None:
    message = update.effective_message
    assert message is not None
    draft = await load_draft(context, dialog)
    if draft is None:
        await say(update, _("Please use the buttons above, or /cancel."))
        return
    if dialog.step == HomeworkStep.TEXT:
        await receive_text(update, context, draft)
    elif dialog.step == HomeworkStep.MINUTES:
        minutes = parse_int(message.text, 1, 600)
        if minutes is None:
            await say(
                update,
                _("Minutes must be a whole number from 1 to 600. Please type it again:"),
            )
            return
        await set_minutes(update, context, draft, minutes)
    else:
        await say(update, _("Please use the buttons above, or /cancel."))


async def receive_text(update: Update, context: Ctx, draft: Draft) -> None:
    message = update.effective_message
    assert message is not None
    photo = message.photo[-1].file_id if message.photo else draft.data.get("photo")
    raw = (message.caption if message.photo else message.text) or ""
    text = raw.strip()
    if message.photo and not text:
        dialogs.update_dialog(draft.dialog, photo=photo)
        await context.session.commit()
        await say(update, _("Photo received. Now type what the students should do:"))
        return
    if not text:
        await say(update, _("The homework text cannot be empty. Please type it:"))
        return
    if len(text) > MAX_TEXT:
        await say(
            update,
            _(
                "That text is {length} characters long; at most {limit} fit in the parents' "
                "notice. Please shorten it and send it again:"
            ).format(length=len(text), limit=MAX_TEXT),
        )
        return
    dialogs.update_dialog(draft.dialog, text=text, photo=photo)
    await advance(update, context, draft, HomeworkStep.KIND, lambda: ask_kind(update, draft))


async def advance(
    update: Update,
    context: Ctx,
    draft: Draft,
    step: HomeworkStep,
    ask: Callable[[], Awaitable[None]],
) -> None:
    """After a field is set: back to the preview when it was edited from there, else on."""
    if draft.data.get("back_to_preview"):
        await show_preview(update, context, draft)
        return
    dialogs.update_dialog(draft.dialog, step)
    await context.session.commit()
    await ask()


# ---------------------------------------------------------------- kind, minutes, evening, due


async def ask_kind(update: Update, draft: Draft) -> None:
    t = draft.dialog.token
    buttons: list[Button] = [
        (kind_label(k).capitalize(), HomeworkPickButton(t, HomeworkStep.KIND, i))
        for i, k in enumerate(KINDS)
    ]
    rows: Rows = [buttons[:3], buttons[3:]]
    text = _("What kind of homework is it? Only written homework counts against the daily limit.")
    if draft.klass.grade <= 2 and draft.school.cap_primary_low == 0:
        text += "\n" + _("Grades 1-2 may not be given written homework at home.")
    await say(update, text, rows, edit=update.callback_query is not None)


async def set_kind(update: Update, context: Ctx, draft: Draft, kind: HomeworkKind) -> None:
    evening = draft.data.get("evening")
    day = date.fromisoformat(evening) if evening else school_today(context, draft.school)
    cap = cap_for(hw.caps_of(draft.school), draft.klass.grade, day, draft.calendar)
    if kind == HomeworkKind.WRITTEN and cap.minutes == 0:
        await answer(
            update,
            _("Refused: {rule}. Choose another kind.").format(rule=rule_label(cap)),
            alert=True,
        )
        return
    await answer(update)
    dialogs.update_dialog(draft.dialog, kind=kind.value)
    await advance(update, context, draft, HomeworkStep.MINUTES, lambda: ask_minutes(update, draft))


async def ask_minutes(update: Update, draft: Draft) -> None:
    t = draft.dialog.token
    rows: Rows = [
        [(str(m), HomeworkPickButton(t, HomeworkStep.MINUTES, m)) for m in MINUTE_CHOICES],
        [(_("Type a number"), HomeworkPickButton(t, HomeworkStep.MINUTES, 0))],
    ]
    await say(
        update,
        _("How many minutes does a typical student need for it?"),
        rows,
        edit=update.callback_query is not None,
    )


async def set_minutes(update: Update, context: Ctx, draft: Draft, minutes: int) -> None:
    dialogs.update_dialog(draft.dialog, minutes=minutes)
    await advance(
        update, context, draft, HomeworkStep.EVENING, lambda: ask_evening(update, context, draft)
    )


def evening_options(context: Ctx, draft: Draft) -> list[date]:
    now_local = local_now(draft.school.timezone, context.now())
    first = default_evening(draft.calendar, now_local, draft.school.cutoff_time)
    days = [first]
    while len(days) < EVENING_CHOICES:
        days.append(draft.calendar.next_school_day(days[-1]))
    return days


async def ask_evening(update: Update, context: Ctx, draft: Draft) -> None:
    t = draft.dialog.token
    days = evening_options(context, draft)
    today = school_today(context, draft.school)
    buttons: list[Button] = [
        (
            (_("Tonight") + " · " if day == today else "") + format_day(day),
            HomeworkPickButton(t, HomeworkStep.EVENING, day.toordinal()),
        )
        for day in days
    ]
    rows: Rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    await say(
        update,
        _("For which evening? (Only school days are offered.)"),
        rows,
        edit=update.callback_query is not None,
    )


async def set_evening(update: Update, context: Ctx, draft: Draft, ordinal: int) -> None:
    try:
        day = date.fromordinal(ordinal)
    except (ValueError, OverflowError):
        await refuse_stale(update)
        return
    if day not in evening_options(context, draft):
        await answer(update, _("That day is not a school day you can choose now."), alert=True)
        return
    await answer(update)
    dialogs.update_dialog(draft.dialog, HomeworkStep.DUE, evening=day.isoformat(), due=None)
    await context.session.commit()
    t = draft.dialog.token
    later = [draft.calendar.add_school_days(day, n) for n in range(2, 2 + DUE_CHOICES)]
    buttons: list[Button] = [
        (format_day(d), HomeworkPickButton(t, HomeworkStep.DUE, d.toordinal())) for d in later
    ]
    rows: Rows = [[(_("Due the next school day"), HomeworkPickButton(t, HomeworkStep.DUE, 0))]]
    rows += [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    await say(
        update,
        _(
            "When is it due? A later date spreads the minutes evenly over the school evenings "
            "until then."
        ),
        rows,
        edit=True,
    )


async def set_due(update: Update, context: Ctx, draft: Draft, ordinal: int) -> None:
    evening = date.fromisoformat(draft.data["evening"])
    due: date | None = None
    if ordinal:
        try:
            due = date.fromordinal(ordinal)
        except (ValueError, OverflowError):
            await refuse_stale(update)
            return
        if due <= evening or not draft.calendar.is_school_day(due):
            await answer(
                update, _("The due date must be a school day after the evening."), alert=True
            )
            return
    await answer(update)
    dialogs.update_dialog(draft.dialog, due=due.isoformat() if due else None)
    await show_preview(update, context, draft)


# ---------------------------------------------------------------- preview


@dataclass(frozen=True)
class EveningCheck:
    day: date
    cap: Cap
    verdict: Verdict
    others: list[hw.LoadedPiece]


def draft_loads(draft: Draft) -> dict[date, int]:
    evening = date.fromisoformat(draft.data["evening"])
    due = date.fromisoformat(draft.data["due"]) if draft.data.get("due") else None
    return spread_minutes(int(draft.data["minutes"]), evenings_for(draft.calendar, evening, due))


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
    not_counted = [
        f"{p.subject} {format_minutes(p.minutes)} ({kind_label(p.kind)})"
        for check in checks[:1]
        for p in check.others
        if p.kind != HomeworkKind.WRITTEN
    ]
    if d["kind"] != HomeworkKind.WRITTEN:
        not_counted.append(_("this piece") + f" ({kind_label(d['kind'])})")
    if not_counted:
        lines.append(
            _("Not counted against the limit: {items}").format(items=", ".join(not_counted))
        )
    if d["kind"] == HomeworkKind.WRITTEN:
        calibrated = await calibration_hint(context, draft, subject.name, int(d["minutes"]))
        if calibrated:
            lines.append(calibrated)
    hints = find_hints(d["text"])
    if hints:
        lines.append("")
        lines.append(_("Please check against the negative list:"))
        for hint in hints:
            lines.append(
                "⚠ "
                + _('"{quote}" — item {n}: {item}').format(
                    quote=hint.match, n=hint.item.number, item=negative_item_label(hint.item)
                )
            )
    return "\n".join(lines)


async def calibration_hint(context: Ctx, draft: Draft, subject: str, minutes: int) -> str | None:
    """The calibrated figure, when parents' reports put this teacher's estimates for this
    subject and class off by more than 20% over the last four weeks (and there is enough data)."""
    teacher_id = draft.dialog.user_id
    if draft.data.get("edit_id"):
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


def worst(checks: list[EveningCheck]) -> PostingOutcome:
    order = [
        PostingOutcome.FORBIDDEN,
        PostingOutcome.OVER_REFUSED,
        PostingOutcome.OVER_NEEDS_APPROVAL,
        PostingOutcome.OVER_NEEDS_CONFIRM,
        PostingOutcome.OK,
    ]
    outcomes = {c.verdict.outcome for c in checks}
    return next(o for o in order if o in outcomes)


async def show_preview(update: Update, context: Ctx, draft: Draft) -> None:
    dialogs.update_dialog(draft.dialog, HomeworkStep.PREVIEW, back_to_preview=False)
    await context.session.commit()
    checks = await check_draft(context, draft)
    text = await preview_text(context, draft, checks)
    outcome = worst(checks)
    t = draft.dialog.token
    editing = bool(draft.data.get("edit_id"))
    rows: Rows = []
    if outcome == PostingOutcome.OK:
        rows.append(
            [
                (
                    _("✅ Save changes") if editing else _("✅ Post"),
                    HomeworkActionButton(
                        t, HomeworkAction.SAVE if editing else HomeworkAction.POST
                    ),
                )
            ]
        )
    elif outcome == PostingOutcome.OVER_NEEDS_CONFIRM:
        text += "\n\n" + _(
            "This is over the limit. If you post it anyway, the grade leader and the school "
            "administrators are told at once."
        )
        label = (
            _("⚠ Save anyway, over the limit") if editing else _("⚠ Post anyway, over the limit")
        )
        rows.append([(label, HomeworkActionButton(t, HomeworkAction.POST_OVER))])
    elif outcome == PostingOutcome.OVER_NEEDS_APPROVAL:
        text += "\n\n" + _(
            "This is over the limit. Your school requires the grade leader's approval; parents "
            "see it only once approved."
        )
        rows.append([(_("Send for approval"), HomeworkActionButton(t, HomeworkAction.SUBMIT))])
    elif outcome == PostingOutcome.OVER_REFUSED:
        text += "\n\n" + _(
            "This is over the limit and your school does not allow that. Shorten it, move it to "
            "another evening, or spread it over more days."
        )
    else:
        text += "\n\n" + _("Refused: {rule}.").format(rule=rule_label(checks[0].cap))
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


# ---------------------------------------------------------------- post, save, cancel


async def on_action(update: Update, context: Ctx, data: HomeworkActionButton) -> None:
    dialog = await dialog_for(context, update, DIALOG, data.token)
    if dialog is None:
        return
    session = context.session
    if data.action == HomeworkAction.CANCEL:
        await answer(update)
        await dialogs.end_dialog(session, dialog.user_id)
        await session.commit()
        await say(update, _("Cancelled. Nothing was posted."), edit=True)
        return
    draft = await load_draft(context, dialog)
    if draft is None or dialog.step != HomeworkStep.PREVIEW:
        await refuse_stale(update)
        return
    d = draft.data
    editing = d.get("edit_id")
    if editing:
        assignment = await session.get(Assignment, int(editing))
        if assignment is None or not await may_change(context, dialog.user_id, assignment):
            await refuse_stale(update)
            return
    elif not await teaches(context, dialog.user_id, draft.klass.id, int(d["subject_id"])):
        await refuse_stale(update)
        return
    checks = await check_draft(context, draft)
    outcome = worst(checks)
    allowed = {
        HomeworkAction.POST: {PostingOutcome.OK},
        HomeworkAction.SAVE: {PostingOutcome.OK, PostingOutcome.OVER_NEEDS_CONFIRM},
        HomeworkAction.POST_OVER: {PostingOutcome.OK, PostingOutcome.OVER_NEEDS_CONFIRM},
        HomeworkAction.SUBMIT: {PostingOutcome.OK, PostingOutcome.OVER_NEEDS_APPROVAL},
    }
    if outcome not in allowed.get(data.action, set()):
        # The class's load changed since the preview (someone else posted): show it again.
        await answer(update, _("The class's load has changed; please check again."), alert=True)
        await show_preview(update, context, draft)
        return
    await answer(update)
    status = (
        HomeworkStatus.PENDING
        if outcome == PostingOutcome.OVER_NEEDS_APPROVAL
        else HomeworkStatus.POSTED
    )
    evening = date.fromisoformat(d["evening"])
    due = date.fromisoformat(d["due"]) if d.get("due") else None
    loads = draft_loads(draft)
    if editing:
        assert assignment is not None
        await hw.edit_assignment(
            session,
            assignment,
            dialog.user_id,
            {
                "text": d["text"],
                "photo_file_id": d.get("photo"),
                "kind": d["kind"],
                "minutes": int(d["minutes"]),
                "evening": evening,
                "due": due,
                "status": status.value,
            },
            loads,
        )
    else:
        assignment = await hw.create_assignment(
            session,
            klass=draft.klass,
            subject_id=int(d["subject_id"]),
            teacher_id=dialog.user_id,
            text=d["text"],
            photo_file_id=d.get("photo"),
            kind=HomeworkKind(d["kind"]),
            minutes=int(d["minutes"]),
            evening=evening,
            due=due,
            loads=loads,
            status=status,
            draft_token=dialog.token,
        )
    await dialogs.end_dialog(session, dialog.user_id)
    await session.commit()
    over = [c for c in checks if c.verdict.load.is_over]
    if status == HomeworkStatus.PENDING:
        await say(
            update,
            _("Sent to the grade leader for approval. I will tell you the decision."),
            edit=True,
        )
        await ask_approval(context, draft, assignment, over)
        return
    lines = [_("Saved.") if editing else _("Posted.")]
    lines += [load_line(draft.klass.name, c, loads[c.day], d["kind"]) for c in checks]
    await say(update, "\n".join(lines), edit=True)
    if over:
        await warn_over_cap(context, draft, assignment, over)
    await homework_changed(context, assignment, "edited" if editing else "posted")


async def homework_changed(context: Ctx, assignment: Assignment, change: str) -> None:
    """Tell parents of a change after the evening's notice went out (the scheduler's hook)."""
    await notify_homework_change(context, assignment.id, change)


# ---------------------------------------------------------------- telling leaders


async def leaders_of(context: Ctx, klass: SchoolClass, *, admins: bool) -> list[User]:
    """The class's grade leaders, plus the school's admins when asked or when no one leads."""
    rows = await scheduling.leaders_and_admins(context.session, {klass.school_id})
    leaders = {
        u for u, role, _s, grade in rows if role == Role.GRADE_LEADER and grade == klass.grade
    }
    admin_ids = {u for u, role, _s, _grade in rows if role == Role.SCHOOL_ADMIN}
    wanted = leaders | (admin_ids if admins or not leaders else set())
    return list((await repo.users_by_ids(context.session, wanted)).values())


async def warn_over_cap(
    context: Ctx, draft: Draft, assignment: Assignment, over: list[EveningCheck]
) -> None:
    teacher = await context.session.get(User, assignment.teacher_id)
    subject = await context.session.get(Subject, assignment.subject_id)
    assert teacher is not None and subject is not None
    loads = draft_loads(draft)
    for user in await leaders_of(context, draft.klass, admins=True):
        if user.id == teacher.id:
            continue
        with use_locale(user_locale(user)):
            lines = [
                _("⚠ {klass} is over the homework limit ({rule}).").format(
                    klass=draft.klass.name, rule=rule_label(over[0].cap)
                )
            ]
            lines += [
                load_line(draft.klass.name, c, loads[c.day], assignment.kind, subject.name)
                for c in over
            ]
            lines.append(
                _("{teacher} posted {subject} ({minutes}) and confirmed it.").format(
                    teacher=teacher.display_name,
                    subject=subject.name,
                    minutes=format_minutes(assignment.minutes),
                )
            )
            await send_to(context, user, "\n".join(lines))
    await context.session.commit()


# ---------------------------------------------------------------- approval (approve mode)


@dataclass(frozen=True)
class HomeworkDecisionButton(CallbackData, prefix="hw.ok"):
    assignment_id: int
    approve: bool


async def ask_approval(
    context: Ctx, draft: Draft, assignment: Assignment, over: list[EveningCheck]
) -> None:
    teacher = await context.session.get(User, assignment.teacher_id)
    subject = await context.session.get(Subject, assignment.subject_id)
    assert teacher is not None and subject is not None
    loads = draft_loads(draft)
    for user in await leaders_of(context, draft.klass, admins=False):
        with use_locale(user_locale(user)):
            lines = [
                _("{teacher} asks to post homework over the limit for {klass}:").format(
                    teacher=teacher.display_name, klass=draft.klass.name
                ),
                f"{subject.name}: {assignment.text}",
                _("Kind: {kind}; {minutes} for a typical student").format(
                    kind=kind_label(assignment.kind), minutes=format_minutes(assignment.minutes)
                ),
                _("Limit: {rule}").format(rule=rule_label(over[0].cap)),
            ]
            lines += [
                load_line(draft.klass.name, c, loads[c.day], assignment.kind, subject.name)
                for c in over
            ]
            rows: Rows = [
                [
                    (_("✅ Approve"), HomeworkDecisionButton(assignment.id, True)),
                    (_("✖ Reject"), HomeworkDecisionButton(assignment.id, False)),
                ]
            ]
            await send_to(context, user, "\n".join(lines), rows)
    await context.session.commit()


REJECT_DIALOG = "homework_reject"


async def on_decide(update: Update, context: Ctx, data: HomeworkDecisionButton) -> None:
    session = context.session
    user = await current_user(context, update)
    assignment = await session.get(Assignment, data.assignment_id)
    if assignment is None or not await may_decide(context, user.id, assignment):
        await refuse_stale(update)
        return
    if assignment.status != HomeworkStatus.PENDING:
        await answer(update, _("This was already decided."), alert=True)
        return
    await answer(update)
    if data.approve:
        await hw.set_status(
            session, assignment, user.id, HomeworkStatus.POSTED, HomeworkEventKind.APPROVED
        )
        await session.commit()
        await say(update, _("Approved; the parents will see it."), edit=True)
        await tell_teacher(context, assignment, approved=True, reason=None)
        await homework_changed(context, assignment, "posted")
        return
    await dialogs.start_dialog(
        session,
        user.id,
        REJECT_DIALOG,
        "reason",
        {"assignment_id": assignment.id},
        now=context.now(),
    )
    await session.commit()
    await say(update, _("Why is it rejected? Type a short reason for the teacher:"), edit=True)


async def may_decide(context: Ctx, user_id: int, assignment: Assignment) -> bool:
    klass = await context.session.get(SchoolClass, assignment.class_id)
    if klass is None:
        return False
    roles = await repo.load_roles(context.session, user_id, context.settings.bot_owners)
    return roles.leads_grade(klass.school_id, klass.grade) or roles.administers(klass.school_id)


async def on_reject_reason(update: Update, context: Ctx, dialog: Dialog) -> None:
    session = context.session
    message = update.effective_message
    reason = ((message.text if message else None) or "").strip()
    if not reason or len(reason) > 500:
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
