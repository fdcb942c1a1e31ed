"""/settings, "Reports, complaints and hotline": the weekly report's day and time, the
complaint deadline in school days, the daily all-clear, the unfinished share that warns a
class, and the school's official hotline (shown with every complaint ticket)."""

from __future__ import annotations

from datetime import time

from telegram import Update

from bot.domain.parsing.result import Understood
from bot.domain.parsing.times import parse_time as parse_natural_time
from bot.domain.validate import MAX_PHONE, parse_int, parse_phone
from bot.i18n import _, format_percent, format_time, ngettext, weekday_name
from handlers.kit.context import Ctx
from handlers.kit.replies import Rows, answer, refuse_stale, say
from handlers.school import limits
from handlers.school.settings import (
    SettingsAction,
    SettingsButton,
    SettingsStep,
    back_to,
    pressed,
    typed_for,
    typed_text,
)
from handlers.school.wording import time_problem
from storage import dialogs
from storage.models import Dialog, School

MAX_DEADLINE_DAYS = 10
VALUE_FIELDS = ("weekly_report_time", "complaint_deadline_days", "unfinished_share", "hotline")
"""The settings typed in this menu, by the index their button carries."""


def deadline_text(days: int) -> str:
    return ngettext("{n} school day", "{n} school days", days).format(n=days)


def on_off(value: bool) -> str:
    return _("on") if value else _("off")


def hotline_text(number: str | None) -> str:
    return number if number else _("not set")


def menu_text(school: School) -> str:
    lines = [
        _("Reports, complaints and hotline of {school}:").format(school=school.name),
        "• "
        + _("Weekly report: {day}, {time}").format(
            day=weekday_name(school.weekly_report_weekday),
            time=format_time(school.weekly_report_time),
        ),
        "• "
        + _("Complaints answered within {days}").format(
            days=deadline_text(school.complaint_deadline_days)
        ),
        "• "
        + _("Daily all-clear (a summary also on days no class is over): {state}").format(
            state=on_off(school.daily_all_clear)
        ),
        "• "
        + _("A class is warned when {share} of its reports went to bed unfinished").format(
            share=format_percent(school.unfinished_share / 100)
        ),
        "• " + _("School hotline: {number}").format(number=hotline_text(school.hotline)),
    ]
    return "\n".join(lines)


def menu_rows(token: str, school: School) -> Rows:
    def button(label: str, act: SettingsAction, value: int = 0) -> tuple[str, SettingsButton]:
        return label, SettingsButton(token, act, value)

    rows: Rows = [
        [button(_("Weekly report day"), SettingsAction.WEEKDAY)],
        [button(_("Weekly report time"), SettingsAction.VALUE, 0)],
        [button(_("Complaint deadline"), SettingsAction.VALUE, 1)],
        [
            button(
                _("Daily all-clear: {state}").format(state=on_off(school.daily_all_clear)),
                SettingsAction.ALL_CLEAR,
            )
        ],
        [button(_("Unfinished share"), SettingsAction.VALUE, 2)],
        [button(_("School hotline"), SettingsAction.VALUE, 3)],
    ]
    if school.hotline:
        rows.append([button(_("Remove the hotline"), SettingsAction.NO_HOTLINE)])
    return rows + back_to(token)


async def show(update: Update, context: Ctx, dialog: Dialog, school: School) -> None:
    dialogs.update_dialog(dialog, SettingsStep.MENU, school_id=school.id)
    await context.session.commit()
    await say(
        update,
        menu_text(school),
        menu_rows(dialog.token, school),
        edit=update.callback_query is not None,
    )


async def on_more(update: Update, context: Ctx, data: SettingsButton) -> None:
    if (found := await pressed(update, context, data)) is None:
        return
    await answer(update)
    await show(update, context, *found)


async def on_weekday(update: Update, context: Ctx, data: SettingsButton) -> None:
    """Without a value: the seven days to pick from; with one (1-7): set it."""
    if (found := await pressed(update, context, data)) is None:
        return
    dialog, school = found
    if not 0 <= data.value <= 7:
        await refuse_stale(update)
        return
    await answer(update)
    if data.value:
        await limits.set_school_value(
            context, dialog.user_id, school, "weekly_report_weekday", data.value
        )
        await show(update, context, dialog, school)
        return
    rows: Rows = [
        [
            (
                ("✅ " if school.weekly_report_weekday == d else "") + weekday_name(d),
                SettingsButton(dialog.token, SettingsAction.WEEKDAY, d),
            )
        ]
        for d in range(1, 8)
    ]
    rows += back_to(dialog.token, SettingsAction.MORE)
    await say(update, _("On which day should the weekly report come?"), rows, edit=True)


async def on_all_clear(update: Update, context: Ctx, data: SettingsButton) -> None:
    if (found := await pressed(update, context, data)) is None:
        return
    dialog, school = found
    await answer(update)
    value = not school.daily_all_clear
    await limits.set_school_value(context, dialog.user_id, school, "daily_all_clear", value)
    await show(update, context, dialog, school)


async def on_no_hotline(update: Update, context: Ctx, data: SettingsButton) -> None:
    if (found := await pressed(update, context, data)) is None:
        return
    dialog, school = found
    await answer(update)
    await limits.set_school_value(context, dialog.user_id, school, "hotline", None)
    await show(update, context, dialog, school)


def value_prompt(field: str) -> str:
    prompts = {
        "weekly_report_time": _("Type the time of the weekly report, like 8:00 (school time)."),
        "complaint_deadline_days": _(
            "Type in how many school days a complaint must be answered (1-{max})."
        ).format(max=MAX_DEADLINE_DAYS),
        "unfinished_share": _(
            "Type the share of unfinished reports, in percent (1-100), at which a class is warned."
        ),
        "hotline": _(
            "Type the school's official hotline (监督举报电话) as parents should dial it, "
            "like 010-12345678."
        ),
    }
    return prompts[field]


async def on_value(update: Update, context: Ctx, data: SettingsButton) -> None:
    if (found := await pressed(update, context, data)) is None:
        return
    dialog, _school = found
    if not 0 <= data.value < len(VALUE_FIELDS):
        await refuse_stale(update)
        return
    await answer(update)
    field = VALUE_FIELDS[data.value]
    dialogs.update_dialog(dialog, SettingsStep.VALUE, field=field)
    await context.session.commit()
    rows = back_to(dialog.token, SettingsAction.MORE)
    await say(update, value_prompt(field), rows, edit=True)


def parsed_value(field: str, text: str | None) -> tuple[time | int | str | None, str]:
    """The typed value of `field` (None if not understood) and what to say then."""
    if field == "weekly_report_time":
        parsed = parse_natural_time(text or "")
        if isinstance(parsed, Understood):
            return parsed.value, ""
        return None, time_problem(parsed)
    if field == "complaint_deadline_days":
        return parse_int(text, 1, MAX_DEADLINE_DAYS), _(
            "Please type a whole number of school days from 1 to {max}."
        ).format(max=MAX_DEADLINE_DAYS)
    if field == "unfinished_share":
        return parse_int((text or "").strip().rstrip("%％ "), 1, 100), _(
            "Please type a whole number from 1 to 100."
        )
    return parse_phone(text), _(
        "Please type a phone number: digits, with spaces, dashes or brackets if you like "
        "(at most {max} characters)."
    ).format(max=MAX_PHONE)


async def on_value_text(update: Update, context: Ctx, dialog: Dialog) -> None:
    if (school := await typed_for(update, context, dialog)) is None:
        return
    field = dialog.data.get("field")
    if field not in VALUE_FIELDS:
        await say(update, _("This is no longer available."))
        return
    value, error = parsed_value(field, typed_text(update))
    if value is None:
        await say(update, error)
        return
    await limits.set_school_value(context, dialog.user_id, school, field, value)
    await show(update, context, dialog, school)
