"""Parents report how long written homework really took: the evening question's buttons,
typed minutes, an optional note, and /report to report or correct the last 7 school days.

Every button carries the child and the day and is re-checked against the presser: only a
parent of that child may answer, and only for one of the child's last 7 school days.

```mermaid
stateDiagram-v2
    [*] --> Question: evening question / report day
    Question --> Note: as estimated, a range, did not finish
    Question --> Minutes: type minutes
    Minutes --> Minutes: not a whole number 1-600
    Minutes --> Note: a valid number
    Note --> [*]: a note (<= 500 chars) or Skip
    Note --> [*]: anything else (optional step): a command, another button, a question
```

The note step is optional: a command, another button, or text that is not plausibly a note
(a question, or longer than the limit: `bot.domain.reporting.looks_like_note`) closes it, and
the text goes where text outside a dialog goes; it is never stored as a note.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from telegram import Update

from bot.domain.calendar import SchoolCalendar, local_today
from bot.domain.load import Cap, cap_for, evening_load
from bot.domain.reporting import (
    MAX_MINUTES,
    MAX_NOTE,
    MIN_MINUTES,
    ReportOutcome,
    looks_like_note,
    range_choices,
)
from bot.domain.validate import parse_int
from bot.i18n import _, format_day, format_minutes
from handlers.kit.callbacks import CallbackData
from handlers.kit.context import Ctx
from handlers.kit.gate import current_user
from handlers.kit.replies import Rows, answer, refuse_stale, say
from handlers.kit.router import dialog_for
from storage import dialogs, repo, reports
from storage.homework import calendar_of, caps_of, class_pieces
from storage.models import DailyReport, Dialog, School
from storage.reports import ChildOfParent

DIALOG = "report"
DAYS_BACK = 7
"""A parent may report or correct any of the child's last this-many school days."""


class EveningReportStep(enum.StrEnum):
    MINUTES = "minutes"
    NOTE = "note"


class EveningAnswer(enum.StrEnum):
    ESTIMATE = "e"
    MINUTES = "m"
    TYPE = "t"
    UNFINISHED = "u"


@dataclass(frozen=True)
class EveningAnswerButton(CallbackData, prefix="pr.a"):
    """An answer to the question for `child_id` on `day`."""

    child_id: int
    day: date
    answer: EveningAnswer
    minutes: int = 0


@dataclass(frozen=True)
class ReportChildButton(CallbackData, prefix="pr.c"):
    child_id: int


@dataclass(frozen=True)
class ReportDayButton(CallbackData, prefix="pr.d"):
    child_id: int
    day: date


@dataclass(frozen=True)
class NoteSkipButton(CallbackData, prefix="pr.n"):
    token: str


def dialog_day(data: dict[str, Any]) -> date | None:
    """The day a report dialog is about (stored as an ISO date)."""
    try:
        return date.fromisoformat(str(data.get("day", "")))
    except ValueError:
        return None


# ---------------------------------------------------------------- the question


@dataclass(frozen=True)
class Evening:
    """What the question shows for one child and day: the class's estimate and its cap."""

    estimate: int
    cap: Cap


async def evening_of(context: Ctx, child: ChildOfParent, day: date, cal: SchoolCalendar) -> Evening:
    pieces = (await class_pieces(context.session, child.class_id, [day])).get(day, [])
    cap = cap_for(caps_of(child.school), child.grade, day, cal)
    return Evening(evening_load([p.piece() for p in pieces], cap).written_total, cap)


def question_text(child_name: str, day: date, *, today: bool) -> str:
    if today:
        return _("How long did {child}'s written homework take today ({day})?").format(
            child=child_name, day=format_day(day)
        )
    return _("How long did {child}'s written homework take on {day}?").format(
        child=child_name, day=format_day(day)
    )


def answer_rows(child_id: int, day: date, estimate: int, cap: int | None) -> Rows:
    """The one-tap answers: as estimated, four ranges around the cap, type, did not finish."""
    rows: Rows = [
        [
            (
                _("As estimated ({minutes})").format(minutes=format_minutes(estimate)),
                EveningAnswerButton(child_id, day, EveningAnswer.ESTIMATE),
            )
        ]
    ]
    labels: list[tuple[str, CallbackData | str]] = []
    for choice in range_choices(estimate, cap):
        if choice.low == 0:
            label = _("under {minutes}").format(minutes=format_minutes(choice.high or 0))
        elif choice.high is None:
            label = _("over {minutes}").format(minutes=format_minutes(choice.low))
        else:
            label = _("{low}–{high}").format(low=choice.low, high=format_minutes(choice.high))
        labels.append(
            (label, EveningAnswerButton(child_id, day, EveningAnswer.MINUTES, choice.value))
        )
    rows += [labels[:2], labels[2:]]
    rows.append([(_("Type minutes"), EveningAnswerButton(child_id, day, EveningAnswer.TYPE))])
    rows.append(
        [
            (
                _("Did not finish, went to bed"),
                EveningAnswerButton(child_id, day, EveningAnswer.UNFINISHED),
            )
        ]
    )
    return rows


# ---------------------------------------------------------------- checks


def reportable_days(context: Ctx, school: School, cal: SchoolCalendar) -> list[date]:
    """The school's last `DAYS_BACK` school days up to today (school-local), newest first."""
    day = local_today(school.timezone, context.now())
    days: list[date] = []
    for _step in range(DAYS_BACK * 5):
        if cal.is_school_day(day):
            days.append(day)
            if len(days) == DAYS_BACK:
                break
        day -= timedelta(days=1)
    return days


async def checked(
    update: Update, context: Ctx, child_id: int, day: date
) -> tuple[ChildOfParent, date, SchoolCalendar] | None:
    """The child, day and school calendar of a button, if the presser is the child's parent
    and the day reportable; otherwise a polite refusal (a forged or stale button) and None."""
    assert update.effective_user is not None
    child = await reports.child_of_parent(context.session, update.effective_user.id, child_id)
    if child is None:
        await refuse_stale(update)
        return None
    cal = await calendar_of(context.session, child.school)
    if day not in reportable_days(context, child.school, cal):
        await refuse_stale(update)
        return None
    return child, day, cal


def answer_label(minutes: int | None, outcome: ReportOutcome) -> str:
    if outcome is ReportOutcome.UNFINISHED:
        return _("did not finish, went to bed")
    return format_minutes(minutes or 0)


# ---------------------------------------------------------------- saving


async def save_and_ask_note(
    update: Update,
    context: Ctx,
    child: ChildOfParent,
    day: date,
    minutes: int | None,
    outcome: ReportOutcome,
    *,
    edit: bool,
) -> None:
    session = context.session
    user = await current_user(context, update)
    await reports.save_report(
        session,
        child_id=child.child_id,
        day=day,
        minutes=minutes,
        outcome=outcome,
        reporter_id=user.id,
        now=context.now(),
    )
    dialog = await dialogs.start_dialog(
        session,
        user.id,
        DIALOG,
        EveningReportStep.NOTE,
        {"child_id": child.child_id, "day": day.isoformat()},
        now=context.now(),
    )
    await session.commit()
    text = (
        _("Saved for {child}, {day}: {answer}. Thank you!").format(
            child=child.name, day=format_day(day), answer=answer_label(minutes, outcome)
        )
        + "\n"
        + _("Add a short note if you like (up to {n} characters), or tap Skip.").format(n=MAX_NOTE)
    )
    await say(update, text, [[(_("Skip"), NoteSkipButton(dialog.token))]], edit=edit)


async def answered(
    update: Update, context: Ctx, data: EveningAnswerButton
) -> tuple[ChildOfParent, date, SchoolCalendar] | None:
    """`checked` for an answer button, and the press answered (stops the client's spinner)."""
    found = await checked(update, context, data.child_id, data.day)
    if found is not None:
        await answer(update)
    return found


async def on_estimate(update: Update, context: Ctx, data: EveningAnswerButton) -> None:
    found = await answered(update, context, data)
    if found is None:
        return
    child, day, cal = found
    # The class's current estimate, not the number on the button (it may have changed).
    minutes = (await evening_of(context, child, day, cal)).estimate
    await save_and_ask_note(update, context, child, day, minutes, ReportOutcome.DONE, edit=True)


async def on_range(update: Update, context: Ctx, data: EveningAnswerButton) -> None:
    if not MIN_MINUTES <= data.minutes <= MAX_MINUTES:
        await refuse_stale(update)
        return
    found = await answered(update, context, data)
    if found is None:
        return
    child, day, _cal = found
    await save_and_ask_note(
        update, context, child, day, data.minutes, ReportOutcome.DONE, edit=True
    )


async def on_unfinished(update: Update, context: Ctx, data: EveningAnswerButton) -> None:
    found = await answered(update, context, data)
    if found is None:
        return
    child, day, _cal = found
    await save_and_ask_note(update, context, child, day, None, ReportOutcome.UNFINISHED, edit=True)


async def on_type(update: Update, context: Ctx, data: EveningAnswerButton) -> None:
    """ "Type minutes": the next text is the number of minutes."""
    found = await answered(update, context, data)
    if found is None:
        return
    child, day, _cal = found
    user = await current_user(context, update)
    await dialogs.start_dialog(
        context.session,
        user.id,
        DIALOG,
        EveningReportStep.MINUTES,
        {"child_id": child.child_id, "day": day.isoformat()},
        now=context.now(),
    )
    await context.session.commit()
    await say(update, ask_minutes_text(child.name, day), edit=True)


def ask_minutes_text(child_name: str, day: date) -> str:
    return _(
        "How many minutes did {child}'s written homework take on {day}? "
        "Send a whole number from {low} to {high}."
    ).format(child=child_name, day=format_day(day), low=MIN_MINUTES, high=MAX_MINUTES)


async def on_minutes(update: Update, context: Ctx, dialog: Dialog) -> None:
    """Typed minutes, validated; a bad answer is explained and asked again."""
    message = update.effective_message
    minutes = parse_int(message.text if message is not None else None, MIN_MINUTES, MAX_MINUTES)
    if minutes is None:
        await say(
            update,
            _("Please send the minutes as a whole number from {low} to {high}.").format(
                low=MIN_MINUTES, high=MAX_MINUTES
            ),
        )
        return
    found = await dialog_child(update, context, dialog)
    if found is not None:
        await save_and_ask_note(
            update, context, found[0], found[1], minutes, ReportOutcome.DONE, edit=False
        )


def takes_note(text: str | None) -> bool:
    """Whether a message at the optional note step is one: a photo without text is answered
    there (asked again as text); a question is not a note at all."""
    return text is None or looks_like_note(text)


async def on_note(update: Update, context: Ctx, dialog: Dialog) -> None:
    """The note (the router has already let only plausible notes through: `takes_note`)."""
    message = update.effective_message
    note = (message.text or "").strip() if message is not None else ""
    if not note:
        await say(update, _("Please send the note as text, or tap Skip."))
        return
    if len(note) > MAX_NOTE:  # a note, only too long: nothing is lost, the step stays open
        await say(
            update,
            _("That note is too long ({length} characters). Please keep it under {n}.").format(
                length=len(note), n=MAX_NOTE
            ),
        )
        return
    found = await dialog_child(update, context, dialog)
    if found is None:
        return
    child, day = found
    await reports.set_note(context.session, child.child_id, day, note)
    await dialogs.end_dialog(context.session, dialog.user_id)
    await context.session.commit()
    await say(update, _("Note saved. Thank you!"))


async def dialog_child(
    update: Update, context: Ctx, dialog: Dialog
) -> tuple[ChildOfParent, date] | None:
    """The dialog's child and day, re-checked (the link may have gone since)."""
    child = await reports.child_of_parent(
        context.session, dialog.user_id, int(dialog.data.get("child_id", 0))
    )
    day = dialog_day(dialog.data)
    if child is None or day is None:
        await dialogs.end_dialog(context.session, dialog.user_id)
        await context.session.commit()
        await say(update, _("This is no longer available."))
        return None
    return child, day


async def on_skip(update: Update, context: Ctx, data: NoteSkipButton) -> None:
    dialog = await dialog_for(context, update, DIALOG, data.token)
    if dialog is None:
        return
    await dialogs.end_dialog(context.session, dialog.user_id)
    await context.session.commit()
    await answer(update)
    await say(update, _("Saved. Thank you!"), edit=True)


# ---------------------------------------------------------------- /report


async def report_command(update: Update, context: Ctx) -> None:
    user = await current_user(context, update)
    children = await repo.children_of(context.session, user.id)
    if not children:
        await say(
            update,
            _("You have no children linked yet. Open the class link your school gave you."),
        )
        return
    if len(children) == 1:
        found = await reports.child_of_parent(context.session, user.id, children[0].child_id)
        if found is not None:
            await show_days(update, context, found, edit=False)
        return
    rows: Rows = [
        [(f"{c.name} ({c.class_name})", ReportChildButton(c.child_id))] for c in children[:30]
    ]
    await say(update, _("For which child?"), rows)


async def on_child(update: Update, context: Ctx, data: ReportChildButton) -> None:
    assert update.effective_user is not None
    child = await reports.child_of_parent(context.session, update.effective_user.id, data.child_id)
    if child is None:
        await refuse_stale(update)
        return
    await answer(update)
    await show_days(update, context, child, edit=True)


def day_status(report: DailyReport | None) -> str:
    if report is None:
        return _("not reported")
    return answer_label(report.minutes, ReportOutcome(report.outcome))


async def show_days(update: Update, context: Ctx, child: ChildOfParent, *, edit: bool) -> None:
    days = reportable_days(context, child.school, await calendar_of(context.session, child.school))
    if not days:
        await say(update, _("There are no school days to report yet."), edit=edit)
        return
    known = await reports.reports_for(context.session, child.child_id, days)
    rows: Rows = [
        [
            (
                f"{format_day(day)} — {day_status(known.get(day))}",
                ReportDayButton(child.child_id, day),
            )
        ]
        for day in days
    ]
    await say(
        update,
        _("Which day do you want to report or correct for {child}?").format(child=child.name),
        rows,
        edit=edit,
    )


async def on_day(update: Update, context: Ctx, data: ReportDayButton) -> None:
    found = await checked(update, context, data.child_id, data.day)
    if found is None:
        return
    child, day, cal = found
    await answer(update)
    evening = await evening_of(context, child, day, cal)
    today = local_today(child.school.timezone, context.now())
    await say(
        update,
        question_text(child.name, day, today=day == today),
        answer_rows(child.child_id, day, evening.estimate, evening.cap.minutes),
        edit=True,
    )
