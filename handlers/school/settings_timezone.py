"""/settings, "Time zone": the school office sets its school's time zone, from buttons (the
common zones) or typed as people name it ('北京时间', 'МСК', 'Moscow', 'UTC+8'). The change is
recorded in the policy history like any other setting."""

from __future__ import annotations

from telegram import Update

from bot.domain.parsing.result import Understood
from bot.domain.parsing.timezones import parse_timezone, timezone_choices
from bot.i18n import _, zone_label
from handlers.kit.context import Ctx
from handlers.kit.paging import numbered_rows
from handlers.kit.replies import Rows, answer, refuse_stale, say
from handlers.school import limits
from handlers.school.settings import (
    SettingsAction,
    SettingsButton,
    SettingsStep,
    back_to,
    pressed,
    show_menu,
    typed_for,
    typed_text,
)
from handlers.school.wording import timezone_problem
from storage import dialogs
from storage.models import Dialog, School


def timezone_question(context: Ctx, school: School) -> str:
    return _("{school} is in {timezone}. Pick its time zone, or type it or a city in it:").format(
        school=school.name, timezone=zone_label(school.timezone, context.now())
    )


async def on_timezone(update: Update, context: Ctx, data: SettingsButton) -> None:
    """The picker: the zones offered are kept in the dialog, so a press means what it showed."""
    if (found := await pressed(update, context, data)) is None:
        return
    dialog, school = found
    await answer(update)
    choices = timezone_choices(school.timezone)
    dialogs.update_dialog(dialog, SettingsStep.TIMEZONE, zones=choices)
    await context.session.commit()
    rows: Rows = numbered_rows(
        [
            (
                ("✅ " if zone == school.timezone else "") + zone_label(zone, context.now()),
                SettingsButton(dialog.token, SettingsAction.SET_TIMEZONE, i),
            )
            for i, zone in enumerate(choices)
        ],
        2,
    )
    rows += back_to(dialog.token)
    await say(update, timezone_question(context, school), rows, edit=True)


async def on_set_timezone(update: Update, context: Ctx, data: SettingsButton) -> None:
    if (found := await pressed(update, context, data)) is None:
        return
    dialog, school = found
    zones = dialog.data.get("zones") or []
    if dialog.step != SettingsStep.TIMEZONE or not 0 <= data.value < len(zones):
        await refuse_stale(update)
        return
    await answer(update)
    await set_zone(update, context, dialog, school, zones[data.value])


async def on_timezone_text(update: Update, context: Ctx, dialog: Dialog) -> None:
    if (school := await typed_for(update, context, dialog)) is None:
        return
    parsed = parse_timezone(typed_text(update))
    if not isinstance(parsed, Understood):
        await say(update, timezone_problem(parsed))
        return
    await set_zone(update, context, dialog, school, parsed.value)


async def set_zone(update: Update, context: Ctx, dialog: Dialog, school: School, zone: str) -> None:
    await limits.set_school_value(context, dialog.user_id, school, "timezone", zone)
    note = _("Time zone set: {timezone}.").format(timezone=zone_label(zone, context.now()))
    await show_menu(update, context, dialog, school, note=note)
