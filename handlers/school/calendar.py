"""/settings, school days and the calendar: the weekdays the school works, its holidays and
make-up school days."""

from __future__ import annotations

from datetime import timedelta

from telegram import Update

from bot.domain.calendar import (
    CalendarPeriod,
    calendar_periods,
    format_school_days,
    local_now,
    parse_school_days,
)
from bot.domain.paging import page_of
from bot.domain.parsing.dates import DateRange, parse_date_range
from bot.domain.parsing.holidays import Holiday, parse_holiday
from bot.domain.parsing.result import Parsed, Understood
from bot.i18n import _, current_locale, format_date_range
from handlers.kit.context import Ctx
from handlers.kit.paging import paging_rows
from handlers.kit.replies import Button, Rows, answer, refuse_stale, say
from handlers.school.settings import (
    SettingsAction,
    SettingsButton,
    SettingsStep,
    back_to,
    pressed,
    typed_for,
    typed_text,
    weekday_name,
)
from handlers.school.wording import holiday_problem
from storage import dialogs
from storage import school as school_store
from storage.models import Dialog, School

PERIODS_PER_PAGE = 8
MAX_MAKEUP_DAYS = 62


async def on_days(update: Update, context: Ctx, data: SettingsButton) -> None:
    if (found := await pressed(update, context, data)) is None:
        return
    await answer(update)
    await show_days(update, *found)


async def on_toggle_day(update: Update, context: Ctx, data: SettingsButton) -> None:
    if (found := await pressed(update, context, data)) is None:
        return
    dialog, school = found
    if not 1 <= data.value <= 7:
        await refuse_stale(update)
        return
    days = set(parse_school_days(school.school_days)) ^ {data.value}
    if not days:
        await answer(update, _("At least one school day is needed."), alert=True)
        return
    await answer(update)
    school.school_days = format_school_days(frozenset(days))
    await context.session.commit()
    await show_days(update, dialog, school)


async def on_calendar(update: Update, context: Ctx, data: SettingsButton) -> None:
    if (found := await pressed(update, context, data)) is None:
        return
    await answer(update)
    await show_calendar(update, context, *found, max(data.value, 0))


async def on_add_days(update: Update, context: Ctx, data: SettingsButton) -> None:
    """Add holidays or make-up school days: the next text is a date or a range."""
    if (found := await pressed(update, context, data)) is None:
        return
    dialog, _school = found
    await answer(update)
    holidays = data.act == SettingsAction.ADD_HOLIDAYS
    dialogs.update_dialog(dialog, SettingsStep.HOLIDAYS if holidays else SettingsStep.MAKEUP)
    await context.session.commit()
    await say(
        update,
        dates_question(holidays),
        back_to(dialog.token, SettingsAction.CALENDAR),
        edit=True,
    )


async def on_remove_day(update: Update, context: Ctx, data: SettingsButton) -> None:
    """Remove the holiday (or make-up days) that starts on the button's day, all its days."""
    if (found := await pressed(update, context, data)) is None:
        return
    dialog, school = found
    periods = await upcoming_periods(context, school)
    period = next((p for p in periods if p.first.toordinal() == data.value), None)
    if period is None:
        await refuse_stale(update)
        return
    await answer(update, _("Removed: {period}").format(period=period_label(period)))
    await school_store.remove_calendar_days(context.session, school.id, period.first, period.last)
    await context.session.commit()
    await show_calendar(update, context, dialog, school, dialog.data.get("page", 0))


async def show_days(update: Update, dialog: Dialog, school: School) -> None:
    dialogs.update_dialog(dialog, SettingsStep.DAYS)
    days = parse_school_days(school.school_days)
    t = dialog.token
    buttons: list[Button] = [
        (
            ("✅ " if d in days else "") + weekday_name(d),
            SettingsButton(t, SettingsAction.TOGGLE_DAY, d),
        )
        for d in range(1, 8)
    ]
    rows: Rows = [buttons[:4], buttons[4:], [(_("⬅ Back"), SettingsButton(t, SettingsAction.MENU))]]
    await say(update, _("Tap a weekday to switch it on or off:"), rows, edit=True)


async def upcoming_periods(context: Ctx, school: School) -> list[CalendarPeriod]:
    """The school's holidays and make-up days from today on, as named periods."""
    today = local_now(school.timezone, context.now()).date()
    entries = await school_store.upcoming_calendar_days(context.session, school.id, today)
    return calendar_periods((e.day, e.kind, e.name) for e in entries)


def period_label(period: CalendarPeriod) -> str:
    """'国庆：2026年10月1日 – 7日', or the dates and the kind when the period has no name."""
    dates = format_date_range(period.first, period.last)
    if period.name:
        return _("{name}: {dates}").format(name=period.name, dates=dates)
    kind = _("holiday") if period.kind == "holiday" else _("make-up school day")
    return _("{dates}: {kind}").format(dates=dates, kind=kind)


async def show_calendar(
    update: Update, context: Ctx, dialog: Dialog, school: School, number: int = 0
) -> None:
    """The holidays and make-up days by name and dates, a page at a time, a button each."""
    periods = await upcoming_periods(context, school)
    page = page_of(periods, number, PERIODS_PER_PAGE)
    dialogs.update_dialog(dialog, SettingsStep.CALENDAR, page=page.number)
    await context.session.commit()
    t = dialog.token
    lines = [_("Upcoming holidays and make-up school days:")]
    lines += [f"• {period_label(p)}" for p in page.items] or [_("None.")]
    rows: Rows = [
        [
            (_("Add holidays"), SettingsButton(t, SettingsAction.ADD_HOLIDAYS)),
            (_("Add make-up days"), SettingsButton(t, SettingsAction.ADD_MAKEUP)),
        ]
    ]
    rows += [
        [
            (
                _("🗑 {period}").format(period=p.name or format_date_range(p.first, p.last)),
                SettingsButton(t, SettingsAction.REMOVE_DAY, p.first.toordinal()),
            )
        ]
        for p in page.items
    ]
    rows += paging_rows(page, lambda n: SettingsButton(t, SettingsAction.CALENDAR, n))
    rows.append([(_("⬅ Back"), SettingsButton(t, SettingsAction.MENU))])
    await say(update, "\n".join(lines), rows, edit=update.callback_query is not None)


def dates_question(holidays: bool) -> str:
    if holidays:
        return _(
            "Type the holiday's name and dates, e.g. Autumn break Oct 26-30, or only the dates."
        )
    return _("Type the make-up school day or days, e.g. Sat Oct 10, or 2026-10-10.")


async def on_dates_text(update: Update, context: Ctx, dialog: Dialog) -> None:
    """Holidays (a name and dates: '国庆 10月1日-7日') or make-up school days (dates), by the
    step."""
    if (school := await typed_for(update, context, dialog)) is None:
        return
    today = local_now(school.timezone, context.now()).date()
    text = typed_text(update)
    holidays = dialog.step == SettingsStep.HOLIDAYS
    if holidays:
        parsed: Parsed[Holiday] | Parsed[DateRange] = parse_holiday(text, today, current_locale())
    else:
        parsed = parse_date_range(text, today, current_locale(), max_days=MAX_MAKEUP_DAYS)
    if not isinstance(parsed, Understood):
        await say(update, holiday_problem(parsed) + "\n\n" + dates_question(holidays))
        return
    found = parsed.value
    name = found.name if isinstance(found, Holiday) else None
    days = [found.first + timedelta(days=i) for i in range((found.last - found.first).days + 1)]
    kind = "holiday" if holidays else "makeup"
    await school_store.set_calendar_days(context.session, school.id, days, kind, name)
    await context.session.commit()
    period = CalendarPeriod(found.first, found.last, kind, name)
    await say(update, _("Saved: {period}").format(period=period_label(period)))
    await show_calendar(update, context, dialog, school)
