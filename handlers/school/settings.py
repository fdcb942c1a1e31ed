"""/settings: a school administrator sets limits, the over-limit mode, times and the calendar."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from telegram import Update

from bot.domain.calendar import calendar_periods, local_now, parse_school_days
from bot.domain.day_times import MAX_REMINDER_DELAY
from bot.domain.load import OverCapMode
from bot.domain.naming import fit_name
from bot.domain.parsing.result import Understood
from bot.domain.parsing.times import parse_time
from bot.domain.roles import Roles
from bot.domain.validate import parse_int
from bot.i18n import (
    _,
    babel_locale,
    format_inventory,
    format_minutes,
    format_time,
    ngettext,
    zone_name,
)
from handlers.kit.callbacks import CallbackData
from handlers.kit.context import Ctx
from handlers.kit.gate import current_user, roles_of
from handlers.kit.paging import picker_rows
from handlers.kit.replies import Button, Rows, answer, refuse_stale, say
from handlers.kit.router import admin_dialog_for, dialog_for
from handlers.school import limits, order
from handlers.school.wording import time_problem
from storage import dialogs, repo
from storage import school as school_store
from storage.models import Dialog, District, School

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
    REMINDER = "reminder"
    VALUE = "value"
    TIMEZONE = "timezone"


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
    REMINDER = "reminder"
    MORE = "more"
    VALUE = "value"
    WEEKDAY = "weekday"
    ALL_CLEAR = "all_clear"
    NO_HOTLINE = "no_hotline"
    TIMEZONE = "timezone"
    SET_TIMEZONE = "set_timezone"


CAP_FIELDS = ("cap_primary", "cap_junior", "cap_senior", "cap_non_school_day")
"""The limits a school sets (under its district's); grades 1-2 are always none."""
NULLABLE_CAPS = ("cap_senior", "cap_non_school_day")
TIME_FIELDS = ("cutoff_time", "notice_time", "evening_time", "check_time")
MODES = list(OverCapMode)


@dataclass(frozen=True)
class SettingsSchoolPageButton(CallbackData, prefix="st.sp"):
    token: str
    page: int


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


def mode_name(mode: str) -> str:
    """A mode in a word or two, for its button (the explanation goes in the message)."""
    names: dict[str, str] = {
        OverCapMode.WARN: _("Warn"),
        OverCapMode.APPROVE: _("Approval"),
        OverCapMode.STRICT: _("Strict"),
    }
    return names.get(mode, mode)


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
    days = format_inventory(
        [weekday_name(d) for d in sorted(parse_school_days(school.school_days))]
    )
    today = local_now(school.timezone, context.now()).date()
    upcoming = await school_store.upcoming_calendar_days(context.session, school.id, today)
    periods = calendar_periods((c.day, c.kind, c.name) for c in upcoming)
    holidays = sum(1 for p in periods if p.kind == "holiday")  # 国庆 is one holiday of 7 days
    makeup = sum(1 for c in upcoming if c.kind == "makeup")
    lines = [
        _("Settings of {school} (time zone {timezone})").format(
            school=school.name, timezone=zone_name(school.timezone, context.now())
        ),
        _("Written homework limits per school day:"),
        "• " + _("Grades 1-2: no written homework (policy)"),
    ]
    lines += cap_lines(school)
    lines.append(_("Over the limit: {mode}").format(mode=mode_label(school.over_cap_mode)))
    lines += time_lines(school)
    lines.append(setting_line(_("Reminder"), order.reminder_text(school)))
    lines.append(_("School days: {days}").format(days=days))
    lines.append(
        ngettext("{n} upcoming holiday.", "{n} upcoming holidays.", holidays).format(n=holidays)
    )
    lines.append(
        ngettext(
            "{n} upcoming make-up school day.", "{n} upcoming make-up school days.", makeup
        ).format(n=makeup)
    )
    return "\n".join(lines)


@dataclass(frozen=True)
class SettingsDistrictButton(CallbackData, prefix="st.d"):
    """A district's own settings (its hotline), for its supervisors and the owners."""

    token: str
    district_id: int


def setting_line(field: str, value: str) -> str:
    return _("• {field}: {value}").format(field=field, value=value)


def cap_lines(school: School) -> list[str]:
    return [setting_line(cap_field_label(f), cap_value(school, f)) for f in CAP_FIELDS]


def time_lines(school: School) -> list[str]:
    return [setting_line(time_field_label(f), format_time(getattr(school, f))) for f in TIME_FIELDS]


async def settings_command(update: Update, context: Ctx) -> None:
    session = context.session
    user = await current_user(context, update)
    roles = await roles_of(context, user.id)
    districts = await visible_districts(context, roles)
    if not roles.admin_schools and not districts:
        await say(update, _("Only school administrators can change the school's settings."))
        return
    dialog = await dialogs.start_dialog(
        session, user.id, DIALOG, SettingsStep.SCHOOL, now=context.now()
    )
    await session.commit()
    schools = await repo.schools_by_ids(session, roles.admin_schools)
    if len(schools) == 1 and not districts:
        await show_menu(update, context, dialog, schools[0])
        return
    await ask_school(update, context, dialog, schools, districts, 0)


async def visible_districts(context: Ctx, roles: Roles) -> list[District]:
    return [
        d
        for d in await repo.districts(context.session)
        if roles.owner or d.id in roles.supervisor_districts
    ]


async def ask_school(
    update: Update,
    context: Ctx,
    dialog: Dialog,
    schools: list[School],
    districts: list[District],
    page: int,
) -> None:
    """Which school (or, for supervisors and owners, which district), paged."""
    buttons: list[Button] = [(s.name, SettingsSchoolButton(dialog.token, s.id)) for s in schools]
    buttons += [
        (
            fit_name(lambda n: _("District: {name}").format(name=n), d.name),
            SettingsDistrictButton(dialog.token, d.id),
        )
        for d in districts
    ]
    rows = picker_rows(
        buttons, page, lambda n: SettingsSchoolPageButton(dialog.token, n), per_row=1
    )
    question = _("For which school?") if not districts else _("Settings of what?")
    await say(update, question, rows, edit=update.callback_query is not None)


async def on_school_page(update: Update, context: Ctx, data: SettingsSchoolPageButton) -> None:
    dialog = await dialog_for(context, update, DIALOG, data.token)
    if dialog is None:
        return
    roles = await roles_of(context, dialog.user_id)
    districts = await visible_districts(context, roles)
    if dialog.step != SettingsStep.SCHOOL or not (roles.admin_schools or districts):
        await refuse_stale(update)
        return
    await answer(update)
    schools = await repo.schools_by_ids(context.session, roles.admin_schools)
    await ask_school(update, context, dialog, schools, districts, data.page)


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


async def show_menu(
    update: Update, context: Ctx, dialog: Dialog, school: School, *, note: str = ""
) -> None:
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
        [(_("Reports, complaints and hotline"), SettingsButton(t, SettingsAction.MORE))],
        [(_("Time zone"), SettingsButton(t, SettingsAction.TIMEZONE))],
        [(_("Done"), SettingsButton(t, SettingsAction.DONE))],
    ]
    text = await settings_text(context, school)
    await say(
        update,
        f"{note}\n\n{text}" if note else text,
        rows,
        edit=update.callback_query is not None,
    )


# -- buttons: one handler per action (the table is in handlers.registry). Each checks first and
# answers the press once, after the decision: a callback query can be answered only once, so
# an alert after a plain answer would never be shown.


async def pressed(
    update: Update, context: Ctx, data: SettingsButton
) -> tuple[Dialog, School] | None:
    """The settings dialog and its school when the presser still administers it."""
    return await admin_dialog_for(context, update, DIALOG, data.token)


def back_to(token: str, act: SettingsAction = SettingsAction.MENU) -> Rows:
    return [[(_("⬅ Back"), SettingsButton(token, act))]]


async def on_done(update: Update, context: Ctx, data: SettingsButton) -> None:
    if (found := await pressed(update, context, data)) is None:
        return
    dialog, _school = found
    await answer(update)
    await dialogs.end_dialog(context.session, dialog.user_id)
    await context.session.commit()
    await say(update, _("Saved."), edit=True)


async def on_menu(update: Update, context: Ctx, data: SettingsButton) -> None:
    if (found := await pressed(update, context, data)) is None:
        return
    await answer(update)
    await show_menu(update, context, *found)


async def on_caps(update: Update, context: Ctx, data: SettingsButton) -> None:
    if (found := await pressed(update, context, data)) is None:
        return
    dialog, school = found
    await answer(update)
    rows: Rows = [
        [
            (
                cap_field_label(f),
                SettingsButton(dialog.token, SettingsAction.CAP, i),
            )
        ]
        for i, f in enumerate(CAP_FIELDS)
    ]
    rows += back_to(dialog.token)
    text = "\n".join([_("Which limit do you want to change?"), *cap_lines(school)])
    await say(update, text, rows, edit=True)


async def on_cap(update: Update, context: Ctx, data: SettingsButton) -> None:
    if (found := await pressed(update, context, data)) is None:
        return
    dialog, _school = found
    if not 0 <= data.value < len(CAP_FIELDS):
        await refuse_stale(update)
        return
    await answer(update)
    field = CAP_FIELDS[data.value]
    dialogs.update_dialog(dialog, SettingsStep.CAP, field=field)
    await context.session.commit()
    rows: Rows = []
    if field in NULLABLE_CAPS:
        label = _("Same as school days") if field == "cap_non_school_day" else _("No limit")
        rows.append([(label, SettingsButton(dialog.token, SettingsAction.CAP_NONE))])
    rows += back_to(dialog.token)
    await say(
        update,
        _("{field}: type the limit in minutes (0-{max}).").format(
            field=cap_field_label(field), max=MAX_CAP
        ),
        rows,
        edit=True,
    )


async def on_cap_none(update: Update, context: Ctx, data: SettingsButton) -> None:
    if (found := await pressed(update, context, data)) is None:
        return
    dialog, school = found
    if dialog.data.get("field") not in NULLABLE_CAPS:
        await refuse_stale(update)
        return
    field = dialog.data["field"]
    if (refusal := limits.refused_limit_text(school, field, None)) is not None:
        await answer(update, refusal, alert=True)
        return
    await answer(update)
    await limits.set_school_value(context, dialog.user_id, school, field, None)
    await show_menu(update, context, dialog, school)


async def on_mode(update: Update, context: Ctx, data: SettingsButton) -> None:
    if (found := await pressed(update, context, data)) is None:
        return
    dialog, school = found
    await answer(update)
    rows: Rows = [
        [
            (
                ("✅ " if school.over_cap_mode == m else "") + mode_name(m),
                SettingsButton(dialog.token, SettingsAction.SET_MODE, i),
            )
        ]
        for i, m in enumerate(MODES)
    ]
    rows += back_to(dialog.token)
    text = "\n".join(
        [_("What happens when homework goes over the limit?")]
        + [_("• {mode}").format(mode=mode_label(m)) for m in MODES]
    )
    await say(update, text, rows, edit=True)


async def on_set_mode(update: Update, context: Ctx, data: SettingsButton) -> None:
    if (found := await pressed(update, context, data)) is None:
        return
    dialog, school = found
    if not 0 <= data.value < len(MODES):
        await refuse_stale(update)
        return
    mode = MODES[data.value]
    if (refusal := limits.refused_mode_text(school, mode)) is not None:
        await answer(update, refusal, alert=True)
        return
    await answer(update)
    await limits.set_school_value(context, dialog.user_id, school, "over_cap_mode", mode.value)
    await show_menu(update, context, dialog, school)


async def on_times(update: Update, context: Ctx, data: SettingsButton) -> None:
    if (found := await pressed(update, context, data)) is None:
        return
    dialog, school = found
    await answer(update)
    rows: Rows = [
        [
            (
                time_field_label(f),
                SettingsButton(dialog.token, SettingsAction.TIME, i),
            )
        ]
        for i, f in enumerate(TIME_FIELDS)
    ]
    # the button names the setting; its value (a delay and a time) is in the message
    rows.append([(_("Reminder"), SettingsButton(dialog.token, SettingsAction.REMINDER))])
    rows += back_to(dialog.token)
    reminder = setting_line(_("Reminder"), order.reminder_text(school))
    text = "\n".join([_("Which time do you want to change?"), *time_lines(school), reminder])
    await say(update, text + "\n" + order.rule_text(), rows, edit=True)


async def on_reminder(update: Update, context: Ctx, data: SettingsButton) -> None:
    if (found := await pressed(update, context, data)) is None:
        return
    dialog, _school = found
    await answer(update)
    dialogs.update_dialog(dialog, SettingsStep.REMINDER, field="reminder_delay")
    await context.session.commit()
    text = _(
        "Parents who have not answered the evening question are reminded once. Type how many "
        "minutes after the question (1-{max}), or 0 for no reminder."
    ).format(max=MAX_REMINDER_DELAY)
    await say(update, text + "\n" + order.rule_text(), back_to(dialog.token), edit=True)


async def on_time(update: Update, context: Ctx, data: SettingsButton) -> None:
    if (found := await pressed(update, context, data)) is None:
        return
    dialog, school = found
    if not 0 <= data.value < len(TIME_FIELDS):
        await refuse_stale(update)
        return
    await answer(update)
    field = TIME_FIELDS[data.value]
    dialogs.update_dialog(dialog, SettingsStep.TIME, field=field)
    await context.session.commit()
    await say(
        update,
        _("{field}: type the time as HH:MM (school time, {timezone}).").format(
            field=time_field_label(field), timezone=zone_name(school.timezone, context.now())
        ),
        back_to(dialog.token),
        edit=True,
    )


# -- text, by the dialog's step (the table is in handlers.registry)


async def typed_for(update: Update, context: Ctx, dialog: Dialog) -> School | None:
    """The dialog's school when its author still administers it (else says so)."""
    school = await context.session.get(School, dialog.data.get("school_id"))
    roles = await roles_of(context, dialog.user_id)
    if school is None or not roles.administers(school.id):
        await say(update, _("This is no longer available."))
        return None
    return school


def typed_text(update: Update) -> str | None:
    message = update.effective_message
    return message.text if message else None


async def on_cap_text(update: Update, context: Ctx, dialog: Dialog) -> None:
    if (school := await typed_for(update, context, dialog)) is None:
        return
    minutes = parse_int(typed_text(update), 0, MAX_CAP)
    if minutes is None:
        await say(
            update,
            _("Please type a whole number of minutes from 0 to {max}.").format(max=MAX_CAP),
        )
        return
    field = dialog.data["field"]
    if (refusal := limits.refused_limit_text(school, field, minutes)) is not None:
        await say(update, refusal)
        return
    await limits.set_school_value(context, dialog.user_id, school, field, minutes)
    await show_menu(update, context, dialog, school)


async def on_time_text(update: Update, context: Ctx, dialog: Dialog) -> None:
    if (school := await typed_for(update, context, dialog)) is None:
        return
    parsed = parse_time(typed_text(update))
    if not isinstance(parsed, Understood):
        await say(update, time_problem(parsed))
        return
    field = dialog.data["field"]
    if (refusal := order.refused_order_text(school, field, parsed.value)) is not None:
        await say(update, refusal)
        return
    await limits.set_school_value(context, dialog.user_id, school, field, parsed.value)
    await show_menu(update, context, dialog, school)


async def on_reminder_text(update: Update, context: Ctx, dialog: Dialog) -> None:
    if (school := await typed_for(update, context, dialog)) is None:
        return
    delay = parse_int(typed_text(update), 0, MAX_REMINDER_DELAY)
    if delay is None:
        await say(
            update,
            _("Please type a whole number of minutes from 0 to {max}.").format(
                max=MAX_REMINDER_DELAY
            ),
        )
        return
    if (refusal := order.refused_order_text(school, "reminder_delay", delay)) is not None:
        await say(update, refusal)
        return
    await limits.set_school_value(context, dialog.user_id, school, "reminder_delay", delay)
    await show_menu(update, context, dialog, school)


async def on_other_text(update: Update, context: Ctx, dialog: Dialog) -> None:
    """Text at a step that waits for a button."""
    if await typed_for(update, context, dialog) is None:
        return
    await say(update, _("Please use the buttons above, or /cancel."))
