"""/settings: a school administrator sets limits, the over-limit mode, times and the calendar."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import delete, select
from telegram import Update

from bot.domain.calendar import format_school_days, local_now, parse_school_days
from bot.domain.load import OverCapMode
from bot.domain.validate import parse_date_range, parse_int, parse_time
from bot.i18n import _, babel_locale, format_date, format_minutes, format_time, ngettext
from handlers.kit.callbacks import CallbackData
from handlers.kit.context import Ctx
from handlers.kit.gate import current_user, roles_of
from handlers.kit.replies import Button, Rows, answer, refuse_stale, say
from handlers.kit.router import admin_dialog_for, dialog_for
from storage import dialogs, repo
from storage.models import CalendarDay, Dialog, School

DIALOG = "settings"
MAX_CAP = 600


class SettingsStep(enum.StrEnum):
    SCHOOL = "school"
    MENU = "menu"
    CAP = "cap"
    TIME = "time"
    DAYS = "days"
    CALENDAR = "calendar"
    HOLIDAYS = "holidays"
    MAKEUP = "makeup"


class SettingsAction(enum.StrEnum):
    MENU = "menu"
    CAPS = "caps"
    CAP = "cap"
    CAP_NONE = "cap_none"
    MODE = "mode"
    SET_MODE = "set_mode"
    TIMES = "times"
    TIME = "time"
    DAYS = "days"
    TOGGLE_DAY = "toggle_day"
    CALENDAR = "calendar"
    ADD_HOLIDAYS = "add_holidays"
    ADD_MAKEUP = "add_makeup"
    REMOVE_DAY = "remove_day"
    DONE = "done"


CAP_FIELDS = ("cap_primary_low", "cap_primary", "cap_junior", "cap_senior", "cap_non_school_day")
NULLABLE_CAPS = ("cap_senior", "cap_non_school_day")
TIME_FIELDS = ("cutoff_time", "notice_time", "evening_time", "check_time")
MODES = list(OverCapMode)


@dataclass(frozen=True)
class SettingsSchoolButton(CallbackData, prefix="st.s"):
    token: str
    school_id: int


@dataclass(frozen=True)
class SettingsButton(CallbackData, prefix="st.a"):
    token: str
    act: SettingsAction
    value: int = 0


def cap_field_label(field: str) -> str:
    labels = {
        "cap_primary_low": _("Grades 1-2"),
        "cap_primary": _("Grades 3-6"),
        "cap_junior": _("Grades 7-9"),
        "cap_senior": _("Grades 10-12"),
        "cap_non_school_day": _("Weekends and holidays"),
    }
    return labels[field]


def time_field_label(field: str) -> str:
    labels = {
        "cutoff_time": _("Cut-off for today's homework"),
        "notice_time": _("Homework notice to parents"),
        "evening_time": _("Evening question to parents"),
        "check_time": _("Daily check and warnings"),
    }
    return labels[field]


def mode_label(mode: str) -> str:
    labels: dict[str, str] = {
        OverCapMode.WARN: _("warn: the teacher confirms, the grade leader and admins are told"),
        OverCapMode.APPROVE: _("approve: the grade leader approves or rejects"),
        OverCapMode.STRICT: _("strict: homework over the limit is refused"),
    }
    return labels.get(mode, mode)


def weekday_name(iso_day: int) -> str:
    names = babel_locale().days["format"]["abbreviated"]
    return str(names[iso_day - 1])


def cap_value(school: School, field: str) -> str:
    value = getattr(school, field)
    if value is None:
        if field == "cap_non_school_day":
            return _("as on school days")
        return _("no limit")
    return format_minutes(value)


async def settings_text(context: Ctx, school: School) -> str:
    days = " ".join(weekday_name(d) for d in sorted(parse_school_days(school.school_days)))
    today = local_now(school.timezone, context.now()).date()
    upcoming = list(
        await context.session.scalars(
            select(CalendarDay)
            .where(CalendarDay.school_id == school.id, CalendarDay.day >= today)
            .order_by(CalendarDay.day)
        )
    )
    holidays = sum(1 for c in upcoming if c.kind == "holiday")
    makeup = sum(1 for c in upcoming if c.kind == "makeup")
    lines = [
        _("Settings of {school} (time zone {timezone})").format(
            school=school.name, timezone=school.timezone
        ),
        _("Written homework limits per evening:"),
    ]
    lines += [f"• {cap_field_label(f)}: {cap_value(school, f)}" for f in CAP_FIELDS]
    lines.append(_("Over the limit: {mode}").format(mode=mode_label(school.over_cap_mode)))
    lines += [f"• {time_field_label(f)}: {format_time(getattr(school, f))}" for f in TIME_FIELDS]
    lines.append(_("School days: {days}").format(days=days))
    lines.append(
        ngettext("{n} upcoming holiday", "{n} upcoming holidays", holidays).format(n=holidays)
        + "; "
        + ngettext(
            "{n} upcoming make-up school day", "{n} upcoming make-up school days", makeup
        ).format(n=makeup)
    )
    return "\n".join(lines)


async def settings_command(update: Update, context: Ctx) -> None:
    session = context.session
    user = await current_user(context, update)
    roles = await roles_of(context, user.id)
    if not roles.admin_schools:
        await say(update, _("Only school administrators can change the school's settings."))
        return
    dialog = await dialogs.start_dialog(
        session, user.id, DIALOG, SettingsStep.SCHOOL, now=context.now()
    )
    await session.commit()
    schools = await repo.schools_by_ids(session, roles.admin_schools)
    if len(schools) == 1:
        await show_menu(update, context, dialog, schools[0])
        return
    rows: Rows = [[(s.name, SettingsSchoolButton(dialog.token, s.id))] for s in schools[:40]]
    await say(update, _("For which school?"), rows)


async def on_school(update: Update, context: Ctx, data: SettingsSchoolButton) -> None:
    dialog = await dialog_for(context, update, DIALOG, data.token)
    if dialog is None:
        return
    roles = await roles_of(context, dialog.user_id)
    school = await context.session.get(School, data.school_id)
    if school is None or not roles.administers(school.id):
        await refuse_stale(update)
        return
    await answer(update)
    await show_menu(update, context, dialog, school)


async def show_menu(update: Update, context: Ctx, dialog: Dialog, school: School) -> None:
    dialogs.update_dialog(dialog, SettingsStep.MENU, school_id=school.id)
    await context.session.commit()
    t = dialog.token
    rows: Rows = [
        [
            (_("Limits"), SettingsButton(t, SettingsAction.CAPS)),
            (_("Over-limit mode"), SettingsButton(t, SettingsAction.MODE)),
        ],
        [
            (_("Times"), SettingsButton(t, SettingsAction.TIMES)),
            (_("School days"), SettingsButton(t, SettingsAction.DAYS)),
        ],
        [(_("Holidays and make-up days"), SettingsButton(t, SettingsAction.CALENDAR))],
        [(_("Done"), SettingsButton(t, SettingsAction.DONE))],
    ]
    await say(
        update, await settings_text(context, school), rows, edit=update.callback_query is not None
    )


async def on_act(update: Update, context: Ctx, data: SettingsButton) -> None:
    found = await admin_dialog_for(context, update, DIALOG, data.token)
    if found is None:
        return
    dialog, school = found
    session = context.session
    t = dialog.token
    await answer(update)
    if data.act == SettingsAction.DONE:
        await dialogs.end_dialog(session, dialog.user_id)
        await session.commit()
        await say(update, _("Saved."), edit=True)
    elif data.act == SettingsAction.MENU:
        await show_menu(update, context, dialog, school)
    elif data.act == SettingsAction.CAPS:
        rows: Rows = [
            [
                (
                    f"{cap_field_label(f)}: {cap_value(school, f)}",
                    SettingsButton(t, SettingsAction.CAP, i),
                )
            ]
            for i, f in enumerate(CAP_FIELDS)
        ]
        rows.append([(_("⬅ Back"), SettingsButton(t, SettingsAction.MENU))])
        await say(update, _("Which limit do you want to change?"), rows, edit=True)
    elif data.act == SettingsAction.CAP and 0 <= data.value < len(CAP_FIELDS):
        field = CAP_FIELDS[data.value]
        dialogs.update_dialog(dialog, SettingsStep.CAP, field=field)
        await session.commit()
        rows = []
        if field in NULLABLE_CAPS:
            label = _("Same as school days") if field == "cap_non_school_day" else _("No limit")
            rows.append([(label, SettingsButton(t, SettingsAction.CAP_NONE))])
        rows.append([(_("⬅ Back"), SettingsButton(t, SettingsAction.MENU))])
        await say(
            update,
            _("{field}: type the limit in minutes (0-{max}).").format(
                field=cap_field_label(field), max=MAX_CAP
            ),
            rows,
            edit=True,
        )
    elif data.act == SettingsAction.CAP_NONE and dialog.data.get("field") in NULLABLE_CAPS:
        setattr(school, dialog.data["field"], None)
        await session.commit()
        await show_menu(update, context, dialog, school)
    elif data.act == SettingsAction.MODE:
        rows = [
            [
                (
                    ("✅ " if school.over_cap_mode == m else "") + mode_label(m),
                    SettingsButton(t, SettingsAction.SET_MODE, i),
                )
            ]
            for i, m in enumerate(MODES)
        ]
        rows.append([(_("⬅ Back"), SettingsButton(t, SettingsAction.MENU))])
        await say(update, _("What happens when homework goes over the limit?"), rows, edit=True)
    elif data.act == SettingsAction.SET_MODE and 0 <= data.value < len(MODES):
        school.over_cap_mode = MODES[data.value].value
        await session.commit()
        await show_menu(update, context, dialog, school)
    elif data.act == SettingsAction.TIMES:
        rows = [
            [
                (
                    f"{time_field_label(f)}: {format_time(getattr(school, f))}",
                    SettingsButton(t, SettingsAction.TIME, i),
                )
            ]
            for i, f in enumerate(TIME_FIELDS)
        ]
        rows.append([(_("⬅ Back"), SettingsButton(t, SettingsAction.MENU))])
        await say(update, _("Which time do you want to change?"), rows, edit=True)
    elif data.act == SettingsAction.TIME and 0 <= data.value < len(TIME_FIELDS):
        field = TIME_FIELDS[data.value]
        dialogs.update_dialog(dialog, SettingsStep.TIME, field=field)
        await session.commit()
        await say(
            update,
            _("{field}: type the time as HH:MM (school time, {timezone}).").format(
                field=time_field_label(field), timezone=school.timezone
            ),
            [[(_("⬅ Back"), SettingsButton(t, SettingsAction.MENU))]],
            edit=True,
        )
    elif data.act == SettingsAction.DAYS:
        await show_days(update, dialog, school)
    elif data.act == SettingsAction.TOGGLE_DAY and 1 <= data.value <= 7:
        days = set(parse_school_days(school.school_days))
        days ^= {data.value}
        if not days:
            await answer(update, _("At least one school day is needed."), alert=True)
            return
        school.school_days = format_school_days(frozenset(days))
        await session.commit()
        await show_days(update, dialog, school)
    elif data.act == SettingsAction.CALENDAR:
        await show_calendar(update, context, dialog, school)
    elif data.act in (SettingsAction.ADD_HOLIDAYS, SettingsAction.ADD_MAKEUP):
        step = (
            SettingsStep.HOLIDAYS
            if data.act == SettingsAction.ADD_HOLIDAYS
            else SettingsStep.MAKEUP
        )
        dialogs.update_dialog(dialog, step)
        await session.commit()
        await say(
            update,
            _(
                "Type a date or a range of dates, e.g. 2026-10-01 or 2026-10-01 - 2026-10-07 "
                "(at most 62 days)."
            ),
            [[(_("⬅ Back"), SettingsButton(t, SettingsAction.CALENDAR))]],
            edit=True,
        )
    elif data.act == SettingsAction.REMOVE_DAY:
        try:
            day = date.fromordinal(data.value)
        except (ValueError, OverflowError):
            await refuse_stale(update)
            return
        await session.execute(
            delete(CalendarDay).where(CalendarDay.school_id == school.id, CalendarDay.day == day)
        )
        await session.commit()
        await show_calendar(update, context, dialog, school)
    else:
        await refuse_stale(update)


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
    entries = list(
        await context.session.scalars(
            select(CalendarDay)
            .where(CalendarDay.school_id == school.id, CalendarDay.day >= today)
            .order_by(CalendarDay.day)
            .limit(30)
        )
    )
    t = dialog.token
    lines = [_("Upcoming holidays and make-up school days:")]
    rows: Rows = []
    for entry in entries:
        kind = _("holiday") if entry.kind == "holiday" else _("make-up school day")
        lines.append(f"• {format_date(entry.day)}: {kind}")
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


async def on_text(update: Update, context: Ctx, dialog: Dialog) -> None:
    session = context.session
    message = update.effective_message
    raw = message.text if message else None
    school = await session.get(School, dialog.data.get("school_id"))
    roles = await roles_of(context, dialog.user_id)
    if school is None or not roles.administers(school.id):
        await say(update, _("This is no longer available."))
        return
    if dialog.step == SettingsStep.CAP:
        minutes = parse_int(raw, 0, MAX_CAP)
        if minutes is None:
            await say(
                update,
                _("Please type a whole number of minutes from 0 to {max}.").format(max=MAX_CAP),
            )
            return
        setattr(school, dialog.data["field"], minutes)
        await session.commit()
        await show_menu(update, context, dialog, school)
    elif dialog.step == SettingsStep.TIME:
        value = parse_time(raw)
        if value is None:
            await say(update, _("Please type a time like 17:30."))
            return
        setattr(school, dialog.data["field"], value)
        await session.commit()
        await show_menu(update, context, dialog, school)
    elif dialog.step in (SettingsStep.HOLIDAYS, SettingsStep.MAKEUP):
        parsed = parse_date_range(raw)
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
        await session.execute(
            delete(CalendarDay).where(CalendarDay.school_id == school.id, CalendarDay.day.in_(days))
        )
        session.add_all(CalendarDay(school_id=school.id, day=d, kind=kind) for d in days)
        await session.commit()
        await say(
            update,
            ngettext("{n} day saved.", "{n} days saved.", len(days)).format(n=len(days)),
        )
        await show_calendar(update, context, dialog, school)
    else:
        await say(update, _("Please use the buttons above, or /cancel."))
