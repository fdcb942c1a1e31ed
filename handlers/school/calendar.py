"""/settings, school days and the calendar: the weekdays the school works, its holidays and
make-up school days."""

from __future__ import annotations

from datetime import date, timedelta

from telegram import Update

from bot.domain.calendar import format_school_days, local_now, parse_school_days
from bot.domain.validate import parse_date_range
from bot.i18n import _, format_date, ngettext
from handlers.kit.context import Ctx
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
from storage import dialogs
from storage import school as school_store
from storage.models import Dialog, School


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
    await show_calendar(update, context, *found)


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
        _(
            "Type a date or a range of dates, e.g. 2026-10-01 or 2026-10-01 - 2026-10-07 "
            "(at most 62 days)."
        ),
        back_to(dialog.token, SettingsAction.CALENDAR),
        edit=True,
    )


async def on_remove_day(update: Update, context: Ctx, data: SettingsButton) -> None:
    if (found := await pressed(update, context, data)) is None:
        return
    dialog, school = found
    try:
        day = date.fromordinal(data.value)
    except (ValueError, OverflowError):
        await refuse_stale(update)
        return
    await answer(update)
    await school_store.remove_calendar_day(context.session, school.id, day)
    await context.session.commit()
    await show_calendar(update, context, dialog, school)


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


async def show_calendar(update: Update, context: Ctx, dialog: Dialog, school: School) -> None:
    dialogs.update_dialog(dialog, SettingsStep.CALENDAR)
    await context.session.commit()
    today = local_now(school.timezone, context.now()).date()
    entries = await school_store.upcoming_calendar_days(context.session, school.id, today, 30)
    t = dialog.token
    lines = [_("Upcoming holidays and make-up school days:")]
    rows: Rows = []
    for entry in entries:
        kind = _("holiday") if entry.kind == "holiday" else _("make-up school day")
        lines.append(_("• {day}: {kind}").format(day=format_date(entry.day), kind=kind))
        rows.append(
            [
                (
                    _("Remove {day}").format(day=format_date(entry.day)),
                    SettingsButton(t, SettingsAction.REMOVE_DAY, entry.day.toordinal()),
                )
            ]
        )
    if not entries:
        lines.append(_("None."))
    rows.insert(
        0,
        [
            (_("Add holidays"), SettingsButton(t, SettingsAction.ADD_HOLIDAYS)),
            (_("Add make-up days"), SettingsButton(t, SettingsAction.ADD_MAKEUP)),
        ],
    )
    rows.append([(_("⬅ Back"), SettingsButton(t, SettingsAction.MENU))])
    await say(update, "\n".join(lines), rows[:40], edit=update.callback_query is not None)


async def on_dates_text(update: Update, context: Ctx, dialog: Dialog) -> None:
    """Holidays or make-up school days (by the step): a date or a range."""
    if (school := await typed_for(update, context, dialog)) is None:
        return
    parsed = parse_date_range(typed_text(update))
    if parsed is None:
        await say(
            update,
            _(
                "Please type a date like 2026-10-01, or a range like 2026-10-01 - 2026-10-07 "
                "of at most 62 days."
            ),
        )
        return
    kind = "holiday" if dialog.step == SettingsStep.HOLIDAYS else "makeup"
    first, last = parsed
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    await school_store.set_calendar_days(context.session, school.id, days, kind)
    await context.session.commit()
    await say(
        update,
        ngettext("{n} day saved.", "{n} days saved.", len(days)).format(n=len(days)),
    )
    await show_calendar(update, context, dialog, school)
