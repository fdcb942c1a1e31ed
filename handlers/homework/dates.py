"""The day a piece is for and its due date, chosen from the preview: a month calendar (Monday
first, the school's holidays marked, past days disabled, up to a term ahead) or typed in the
teacher's words ('周六', '12月1日-3日', '1-3 декабря'). "This weekend" (or the coming holiday)
spreads the piece over its days; a later due date spreads it over the school days until then.
"""

from __future__ import annotations

from datetime import date, timedelta

from telegram import Update

from bot.domain.load import non_school_run
from bot.domain.month_grid import Month, month_to_show
from bot.domain.parsing.dates import parse_date, parse_date_range
from bot.domain.parsing.result import Understood
from bot.i18n import _, current_locale, format_day
from handlers.homework.draft import Draft, first_evening, load_draft, school_today
from handlers.homework.fields import edited_draft, picked_draft, typed_draft
from handlers.homework.payloads import (
    DIALOG,
    MAX_DAYS_AHEAD,
    NEXT_SCHOOL_DAY,
    WEEKEND,
    HomeworkEditButton,
    HomeworkMonthButton,
    HomeworkPickButton,
    HomeworkStep,
)
from handlers.homework.preview import show_preview
from handlers.homework.wording import date_problem, too_far
from handlers.kit.context import Ctx
from handlers.kit.month_keyboard import MonthView, month_rows
from handlers.kit.replies import Rows, answer, refuse_stale, say
from handlers.kit.router import dialog_for
from storage import dialogs
from storage.models import Dialog


def day_of(ordinal: int) -> date | None:
    try:
        return date.fromordinal(ordinal)
    except (ValueError, OverflowError):
        return None


def last_day(context: Ctx, draft: Draft) -> date:
    """The furthest day a piece may be for or due: about a term ahead."""
    return school_today(context, draft.school) + timedelta(days=MAX_DAYS_AHEAD)


def earliest_day(context: Ctx, draft: Draft) -> date:
    """Today, or tomorrow on a school day after the cut-off."""
    today = school_today(context, draft.school)
    late = draft.calendar.is_school_day(today) and first_evening(context, draft) != today
    return today + timedelta(days=1) if late else today


def earliest_due(context: Ctx, draft: Draft) -> date:
    return date.fromisoformat(draft.data["evening"]) + timedelta(days=1)


def month_view(context: Ctx, draft: Draft, first: date, month: Month | None) -> MonthView:
    last = last_day(context, draft)
    return MonthView(
        month=month_to_show(month or Month.of(first), first, last),
        today=school_today(context, draft.school),
        first=first,
        last=last,
        holidays=draft.calendar.holidays,
        is_school_day=draft.calendar.is_school_day,
    )


def calendar_rows(view: MonthView, token: str, step: HomeworkStep) -> Rows:
    return month_rows(
        view,
        lambda day: HomeworkPickButton(token, step, day.toordinal()),
        lambda month: HomeworkMonthButton(token, step, month.index),
    )


# ---------------------------------------------------------------- the day


def coming_break(context: Ctx, draft: Draft) -> list[date]:
    """The next weekend or holiday (two days or more) starting within the coming week."""
    first = earliest_day(context, draft)
    for n in range(8):
        run = non_school_run(draft.calendar, first + timedelta(days=n))
        if len(run) >= 2:
            return run
    return []


async def ask_day(update: Update, context: Ctx, draft: Draft, month: Month | None = None) -> None:
    t = draft.dialog.token
    rows: Rows = []
    run = coming_break(context, draft)
    if run:
        label = _("🏖 {first} – {last}").format(first=format_day(run[0]), last=format_day(run[-1]))
        rows.append([(label, HomeworkPickButton(t, HomeworkStep.EVENING, WEEKEND))])
    view = month_view(context, draft, earliest_day(context, draft), month)
    rows += calendar_rows(view, t, HomeworkStep.EVENING)
    await say(
        update,
        _(
            "For which day? Weekends and holidays (🏖) have their own limit; homework for "
            "several days off is spread over them. Tap a day, or type a day or a range "
            "(e.g. Sat, Dec 1-3)."
        ),
        rows,
        edit=update.callback_query is not None,
    )


async def on_pick_day(update: Update, context: Ctx, data: HomeworkPickButton) -> None:
    draft = await picked_draft(update, context, data)
    if draft is None:
        return
    if data.value == WEEKEND:
        run = coming_break(context, draft)
        if not run:
            await refuse_stale(update)
            return
        await answer(update)
        await set_days(update, context, draft, run[0], run[-1])
        return
    day = day_of(data.value)
    if day is None or not earliest_day(context, draft) <= day <= last_day(context, draft):
        await answer(update, _("That day cannot be chosen now."), alert=True)
        return
    await answer(update)
    await set_days(update, context, draft, day, day)


async def on_day_text(update: Update, context: Ctx, dialog: Dialog) -> None:
    """A typed day or range: '周六', '12月1日-3日', 'this weekend', '1-3 декабря'."""
    found = await typed_draft(update, context, dialog)
    if found is None:
        return
    draft, text = found
    today = school_today(context, draft.school)
    parsed = parse_date_range(text, today, current_locale(), max_days=31)
    if not isinstance(parsed, Understood):
        await say(update, date_problem(parsed, MAX_DAYS_AHEAD))
        return
    first, last = parsed.value.first, parsed.value.last
    if last > last_day(context, draft):
        await say(update, too_far(MAX_DAYS_AHEAD))
        return
    earliest = earliest_day(context, draft)
    if first < earliest:  # today after the cut-off
        first, last = earliest, max(earliest, last)
    await set_days(update, context, draft, first, last)


async def set_days(update: Update, context: Ctx, draft: Draft, first: date, last: date) -> None:
    """One day, or a range of days due the day after it (spread over its days)."""
    due = None if first == last else last + timedelta(days=1)
    dialogs.update_dialog(draft.dialog, evening=first.isoformat(), due=due and due.isoformat())
    await show_preview(update, context, draft)


# ---------------------------------------------------------------- the due date ("Due later")


async def ask_due(update: Update, context: Ctx, draft: Draft, month: Month | None = None) -> None:
    t = draft.dialog.token
    rows: Rows = [
        [(_("Due the next school day"), HomeworkPickButton(t, HomeworkStep.DUE, NEXT_SCHOOL_DAY))]
    ]
    view = month_view(context, draft, earliest_due(context, draft), month)
    rows += calendar_rows(view, t, HomeworkStep.DUE)
    await say(
        update,
        _(
            "When is it due? A later date spreads the minutes evenly over the school days "
            "until then. Tap a day, or type a date up to {days} days ahead (e.g. 12月20日, "
            "20.12, Dec 20)."
        ).format(days=MAX_DAYS_AHEAD),
        rows,
        edit=True,
    )


async def on_pick_due(update: Update, context: Ctx, data: HomeworkPickButton) -> None:
    draft = await picked_draft(update, context, data)
    if draft is None:
        return
    if data.value == NEXT_SCHOOL_DAY:
        await answer(update)
        await set_due(update, context, draft, None)
        return
    due = day_of(data.value)
    if due is None or due > last_day(context, draft):
        await refuse_stale(update)
        return
    await set_due(update, context, draft, due)


async def on_due_text(update: Update, context: Ctx, dialog: Dialog) -> None:
    found = await typed_draft(update, context, dialog)
    if found is None:
        return
    draft, text = found
    today = school_today(context, draft.school)
    parsed = parse_date(text, today, current_locale())
    if not isinstance(parsed, Understood):
        await say(update, date_problem(parsed, MAX_DAYS_AHEAD))
        return
    if parsed.value > last_day(context, draft):
        await say(update, too_far(MAX_DAYS_AHEAD))
        return
    await set_due(update, context, draft, parsed.value)


async def set_due(update: Update, context: Ctx, draft: Draft, due: date | None) -> None:
    evening = date.fromisoformat(draft.data["evening"])
    if due is not None and due <= evening:
        text = _("The due date must come after the day it is set for ({day}).").format(
            day=format_day(evening)
        )
        if update.callback_query is not None:
            await answer(update, text, alert=True)
        else:
            await say(update, text)
        return
    await answer(update)
    dialogs.update_dialog(draft.dialog, due=due.isoformat() if due else None)
    await show_preview(update, context, draft)


# ---------------------------------------------------------------- opening and turning the pickers


async def on_edit_day(update: Update, context: Ctx, data: HomeworkEditButton) -> None:
    draft = await edited_draft(update, context, data)
    if draft is not None:
        await ask_day(update, context, draft)


async def on_edit_due(update: Update, context: Ctx, data: HomeworkEditButton) -> None:
    draft = await edited_draft(update, context, data)
    if draft is not None:
        await ask_due(update, context, draft)


async def on_turn_month(update: Update, context: Ctx, data: HomeworkMonthButton) -> None:
    """◀ / ▶ on a picker: the same picker, another month (kept within the allowed months)."""
    dialog = await dialog_for(context, update, DIALOG, data.token)
    if dialog is None:
        return
    draft = await load_draft(context, dialog) if dialog.step == data.step else None
    try:
        month = Month.from_index(data.month)
    except ValueError:
        draft = None
    if draft is None:
        await refuse_stale(update)
        return
    await answer(update)
    if data.step == HomeworkStep.EVENING:
        await ask_day(update, context, draft, month)
    else:
        await ask_due(update, context, draft, month)
