"""Parents report how long written homework really took: the evening question's buttons,
typed minutes, the time worked before going to bed unfinished, an optional note, and the
confirmation before replacing the other parent's answer. /report is in `history`.

Every button carries the child and the day and is re-checked against the presser: only a
parent of that child may answer, and only for a day with homework since the child joined,
in this term (`history.reportable`).

```mermaid
stateDiagram-v2
    [*] --> Confirm: another parent answered already
    Confirm --> [*]: keep theirs
    [*] --> Note: as estimated, a range
    Confirm --> Note: replace
    [*] --> Worked: did not finish
    Worked --> Note: minutes worked (parsed in the parent's words)
    Worked --> [*]: a note, or Skip
    [*] --> Minutes: type minutes
    Minutes --> Minutes: not minutes 1-600
    Minutes --> Note: minutes ("45", "45分钟", "四十五", "１小时")
    Note --> Note: minutes again: a correction, not a note
    Note --> [*]: a note (<= 500 chars) or Skip
    Note --> [*]: anything else (optional step): a command, another button, a question
```

The note and worked steps are optional: a command, another button, or text that is not
plausibly a note (a question: `bot.domain.reporting.looks_like_note`) closes them, and the text
goes where text outside a dialog goes; it is never stored as a note.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date
from typing import Any

from telegram import Update

from bot.domain.parsing.minutes import parse_minutes
from bot.domain.parsing.result import NotUnderstood, Understood
from bot.domain.reporting import (
    MAX_MINUTES,
    MAX_NOTE,
    MIN_MINUTES,
    ReportOutcome,
    looks_like_note,
    valid_range,
)
from bot.i18n import _, format_day, format_minutes, use_locale
from handlers.kit.callbacks import CallbackData
from handlers.kit.context import Ctx
from handlers.kit.gate import current_user, user_locale
from handlers.kit.replies import Rows, answer, edit_pressed, refuse_stale, say, send_to
from handlers.kit.router import dialog_for
from handlers.parents.history import checked
from handlers.parents.question import (
    EveningAnswer,
    EveningAnswerButton,
    KeepAnswerButton,
    RemindersButton,
    answer_label,
    evening_of,
    who_answered,
)
from storage import dialogs, reports
from storage.homework import cached_calendar_of
from storage.models import Dialog
from storage.reports import ChildOfParent

DIALOG = "report"

__all__ = ["EveningAnswer", "EveningAnswerButton", "NoteSkipButton"]


class EveningReportStep(enum.StrEnum):
    MINUTES = "minutes"
    WORKED = "worked"  # how long a child who went to bed unfinished worked (optional)
    NOTE = "note"


@dataclass(frozen=True)
class NoteSkipButton(CallbackData, prefix="pr.n"):
    token: str


def dialog_day(data: dict[str, Any]) -> date | None:
    """The day a report dialog is about (stored as an ISO date)."""
    try:
        return date.fromisoformat(str(data.get("day", "")))
    except ValueError:
        return None


# ---------------------------------------------------------------- answers


@dataclass(frozen=True)
class Answer:
    """What a parent answered: exact minutes, a range (`span`), or unfinished."""

    minutes: int | None
    outcome: ReportOutcome = ReportOutcome.DONE
    span: tuple[int, int | None] | None = None

    @property
    def label(self) -> str:
        return answer_label(self.minutes, self.outcome, self.span or (None, None))


async def answered(
    update: Update, context: Ctx, data: EveningAnswerButton
) -> tuple[ChildOfParent, date] | None:
    """The child and day of an answer button when the presser may answer (the press answered);
    when another parent answered already, asks first and returns None."""
    found = await checked(update, context, data.child_id, data.day)
    if found is None:
        return None
    child, day, _cal = found
    user = await current_user(context, update)
    if not data.replace:
        other = (await reports.answered(context.session, child.child_id, [day])).get(day)
        if other is not None and other.report.reporter_id not in (None, user.id):
            who = who_answered(other, child.school.timezone)
            await ask_replace(update, context, child, day, data, who)
            return None
    return child, day


async def ask_replace(
    update: Update,
    context: Ctx,
    child: ChildOfParent,
    day: date,
    data: EveningAnswerButton,
    who: str,
) -> None:
    text = _("{who} for {child}, {day}. Replace it with your answer?").format(
        who=who, child=child.name, day=format_day(day)
    )
    confirm = EveningAnswerButton(
        data.child_id, data.day, data.answer, data.minutes, data.high, replace=True
    )
    rows: Rows = [[(_("Replace"), confirm), (_("Keep it"), KeepAnswerButton(child.child_id, day))]]
    await answer(update)
    await edit_pressed(update, context, text, rows)


async def on_keep(update: Update, context: Ctx, data: KeepAnswerButton) -> None:
    found = await checked(update, context, data.child_id, data.day)
    if found is None:
        return
    await answer(update)
    await edit_pressed(update, context, _("Kept. Thank you!"))


async def save_answer(
    update: Update, context: Ctx, child: ChildOfParent, day: date, given: Answer, *, edit: bool
) -> None:
    """Save the answer, tell the child's other parents, and ask for a note (or, unfinished,
    for the time worked). A button press is answered as soon as the answer is committed, with
    the toast "Saved: 45 min"; the question's edit follows in the background (`edit_pressed`)."""
    user = await current_user(context, update)
    await reports.save_report(
        context.session,
        child_id=child.child_id,
        day=day,
        minutes=given.minutes,
        outcome=given.outcome,
        reporter_id=user.id,
        now=context.now(),
        span=given.span,
    )
    unfinished = given.outcome is ReportOutcome.UNFINISHED
    step = EveningReportStep.WORKED if unfinished else EveningReportStep.NOTE
    dialog = await dialogs.start_dialog(
        context.session,
        user.id,
        DIALOG,
        step,
        {"child_id": child.child_id, "day": day.isoformat()},
        now=context.now(),
    )
    await context.session.commit()
    saved = _("Saved for {child}, {day}: {answer}. Thank you!").format(
        child=child.name, day=format_day(day), answer=given.label
    )
    if edit:
        await answer(update, _("Saved: {answer}").format(answer=given.label))
        await edit_pressed(update, context, saved + "\n" + next_prompt(step), skip_rows(dialog))
    else:
        await say(update, saved + "\n" + next_prompt(step), skip_rows(dialog))
    await tell_other_parents(context, child, day, user.id)


def next_prompt(step: EveningReportStep) -> str:
    if step is EveningReportStep.WORKED:
        return _(
            "If you like, send how long the child worked on it (e.g. 50 or 1 hour), "
            "or a short note, or tap Skip."
        )
    return _("Add a short note if you like (up to {n} characters), or tap Skip.").format(n=MAX_NOTE)


def skip_rows(dialog: Dialog) -> Rows:
    return [[(_("Skip"), NoteSkipButton(dialog.token))]]


async def tell_other_parents(context: Ctx, child: ChildOfParent, day: date, me: int) -> None:
    """The child's other parents see who answered and what."""
    others = [p for p in await reports.parents_of(context.session, child.child_id) if p.id != me]
    if not others:
        return
    found = (await reports.answered(context.session, child.child_id, [day])).get(day)
    if found is None:
        return
    for parent in others:
        with use_locale(user_locale(parent)):
            text = _("{who} for {child}, {day}.").format(
                who=who_answered(found, child.school.timezone),
                child=child.name,
                day=format_day(day),
            )
        await send_to(context, parent, text)


async def on_estimate(update: Update, context: Ctx, data: EveningAnswerButton) -> None:
    """The class's estimate as it stands now, saying so when it changed since the question."""
    found = await answered(update, context, data)
    if found is None:
        return
    child, day = found
    cal = await cached_calendar_of(context.session, child.school)
    minutes = (await evening_of(context, child, day, cal)).estimate
    if minutes != data.minutes:
        await say(
            update,
            _("The estimate changed since the question: {was} then, {now} now.").format(
                was=format_minutes(data.minutes), now=format_minutes(minutes)
            ),
        )
    await save_answer(update, context, child, day, Answer(minutes), edit=True)


async def on_range(update: Update, context: Ctx, data: EveningAnswerButton) -> None:
    """A range button: stored as the range (low, high), shown as the range."""
    if not valid_range(data.minutes, data.high):
        await refuse_stale(update)
        return
    found = await answered(update, context, data)
    if found is None:
        return
    child, day = found
    given = Answer(None, span=(data.minutes, data.high))
    await save_answer(update, context, child, day, given, edit=True)


async def on_unfinished(update: Update, context: Ctx, data: EveningAnswerButton) -> None:
    found = await answered(update, context, data)
    if found is None:
        return
    child, day = found
    given = Answer(None, ReportOutcome.UNFINISHED)
    await save_answer(update, context, child, day, given, edit=True)


async def on_type(update: Update, context: Ctx, data: EveningAnswerButton) -> None:
    """ "Type minutes": the next text is the number of minutes."""
    found = await answered(update, context, data)
    if found is None:
        return
    child, day = found
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
    await answer(update)
    await edit_pressed(update, context, ask_minutes_text(child.name, day))


def ask_minutes_text(child_name: str, day: date) -> str:
    return _(
        "How long did {child}'s written homework take on {day}? "
        "Send the minutes, e.g. 45, 45 min or 1 hour ({low} to {high} minutes)."
    ).format(child=child_name, day=format_day(day), low=MIN_MINUTES, high=MAX_MINUTES)


def typed_minutes(text: str | None) -> int | str:
    """Minutes typed in the parent's words, or what to say when they are not."""
    parsed = parse_minutes(text)
    if isinstance(parsed, Understood):
        return parsed.value
    if isinstance(parsed, NotUnderstood):
        return _(
            "I could not read that as minutes. Type them like this: 20, 45 min, 1 hour, 1 h 20 min."
        )
    return _("Please send between {low} and {high} minutes.").format(
        low=MIN_MINUTES, high=MAX_MINUTES
    )


async def on_minutes(update: Update, context: Ctx, dialog: Dialog) -> None:
    """Typed minutes in the parent's words; a bad answer is explained and asked again."""
    message = update.effective_message
    minutes = typed_minutes(message.text if message is not None else None)
    if isinstance(minutes, str):
        await say(update, minutes)
        return
    found = await dialog_child(update, context, dialog)
    if found is not None:
        await save_answer(update, context, found[0], found[1], Answer(minutes), edit=False)


# ---------------------------------------------------------------- worked, note, skip


def takes_note(text: str | None) -> bool:
    """Whether a message at an optional step (worked, note) is answered there: a photo
    without text is (asked again as text); a question is not a note at all."""
    return text is None or looks_like_note(text)


async def on_worked(update: Update, context: Ctx, dialog: Dialog) -> None:
    """Minutes worked before bed (the report stays unfinished), then the note; other text is
    the note itself."""
    message = update.effective_message
    text = (message.text or "").strip() if message is not None else ""
    minutes = typed_minutes(text)
    if isinstance(minutes, str):
        await on_note(update, context, dialog)
        return
    found = await dialog_child(update, context, dialog)
    if found is None:
        return
    child, day = found
    await reports.set_worked(
        context.session, child.child_id, day, minutes, dialog.user_id, context.now()
    )
    dialogs.update_dialog(dialog, EveningReportStep.NOTE)
    await context.session.commit()
    answer_text = answer_label(minutes, ReportOutcome.UNFINISHED)
    saved = _("Saved for {child}, {day}: {answer}. Thank you!").format(
        child=child.name, day=format_day(day), answer=answer_text
    )
    await say(update, saved + "\n" + next_prompt(EveningReportStep.NOTE), skip_rows(dialog))


async def on_note(update: Update, context: Ctx, dialog: Dialog) -> None:
    """The note (the router has already let only plausible notes through: `takes_note`).
    Minutes sent here ("45.5") correct the answer; they are not a note."""
    message = update.effective_message
    note = (message.text or "").strip() if message is not None else ""
    if not note:
        await say(update, _("Please send the note as text, or tap Skip."))
        return
    if dialog.step == EveningReportStep.NOTE and isinstance(typed_minutes(note), int):
        await correct_minutes(update, context, dialog, int(typed_minutes(note)))
        return
    if len(note) > MAX_NOTE:  # a note, only too long: nothing is lost, the step stays open
        await say(
            update,
            _("That note is too long ({length} characters). Please keep it under {n}.").format(
                length=len(note), n=MAX_NOTE
            ),
        )
        return
    child_id, day = int(dialog.data.get("child_id", 0)), dialog_day(dialog.data)
    saved = day is not None and await reports.save_note(
        context.session, dialog.user_id, child_id, day, note
    )  # the check that they are still the child's parent and the note: one statement
    await dialogs.end_dialog(context.session, dialog.user_id)
    await context.session.commit()
    await say(update, _("Note saved. Thank you!") if saved else _("This is no longer available."))


async def correct_minutes(update: Update, context: Ctx, dialog: Dialog, minutes: int) -> None:
    """Minutes at the note step replace the answer (an unfinished one keeps its outcome)."""
    found = await dialog_child(update, context, dialog)
    if found is None:
        return
    child, day = found
    current = (await reports.answered(context.session, child.child_id, [day])).get(day)
    unfinished = current is not None and current.report.outcome == ReportOutcome.UNFINISHED
    if unfinished:
        await reports.set_worked(
            context.session, child.child_id, day, minutes, dialog.user_id, context.now()
        )
        given = Answer(minutes, ReportOutcome.UNFINISHED)
    else:
        given = Answer(minutes)
        await reports.save_report(
            context.session,
            child_id=child.child_id,
            day=day,
            minutes=minutes,
            outcome=ReportOutcome.DONE,
            reporter_id=dialog.user_id,
            now=context.now(),
        )
    await context.session.commit()
    text = _("Changed to {answer} for {child}, {day}.").format(
        answer=given.label, child=child.name, day=format_day(day)
    )
    await say(update, text + "\n" + next_prompt(EveningReportStep.NOTE), skip_rows(dialog))


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
    await edit_pressed(update, context, _("Saved. Thank you!"))


async def on_reminders(update: Update, context: Ctx, data: RemindersButton) -> None:
    """Turn the evening reminder off (or on again)."""
    user = await current_user(context, update)
    await reports.set_reminders(context.session, user.id, on=data.on)
    await context.session.commit()
    await answer(update)
    if data.on:
        await say(update, _("Evening reminders are on again."))
        return
    rows: Rows = [[(_("Turn reminders on"), RemindersButton(on=True))]]
    await say(update, _("No more evening reminders."), rows)
