"""/newschool (owners): district -> school name -> time zone -> confirm -> admin invite link."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from zoneinfo import available_timezones

from telegram import Update

from bot.domain.calendar import is_valid_timezone
from bot.domain.parsing.result import NotUnderstood, Understood
from bot.domain.parsing.timezones import parse_timezone, timezone_choices
from bot.domain.roles import InviteRole
from bot.domain.validate import TextError, clean_text
from bot.i18n import _
from handlers.kit.callbacks import CallbackData
from handlers.kit.context import Ctx
from handlers.kit.gate import current_user, roles_of
from handlers.kit.labels import removed_note
from handlers.kit.paging import picker_rows
from handlers.kit.replies import Button, answer, refuse_stale, say
from handlers.kit.router import dialog_for
from handlers.onboarding.links import invite_link
from handlers.school.wording import timezone_problem
from storage import dialogs, repo
from storage.models import Dialog, District

DIALOG = "newschool"
ADMIN_INVITE_DAYS = 14


class NewSchoolStep(enum.StrEnum):
    DISTRICT = "district"
    DISTRICT_NAME = "district_name"
    NAME = "name"
    TIMEZONE = "timezone"
    CONFIRM = "confirm"


class NewSchoolAction(enum.StrEnum):
    CREATE = "create"
    CANCEL = "cancel"


@dataclass(frozen=True)
class NewSchoolDistrictButton(CallbackData, prefix="ns.d"):
    token: str
    district_id: int  # 0 = a new district


@dataclass(frozen=True)
class NewSchoolDistrictPageButton(CallbackData, prefix="ns.dp"):
    token: str
    page: int


@dataclass(frozen=True)
class NewSchoolTimezoneButton(CallbackData, prefix="ns.tz"):
    token: str
    index: int


@dataclass(frozen=True)
class NewSchoolConfirmButton(CallbackData, prefix="ns.ok"):
    token: str
    action: NewSchoolAction


def text_error(error: TextError | None, limit: int) -> str:
    if error == TextError.TOO_LONG:
        return _("That is too long: at most {limit} characters. Please try again.").format(
            limit=limit
        )
    if error == TextError.TOO_SHORT:
        return _("That is too short: at least {limit} characters. Please try again.").format(
            limit=limit
        )
    if error == TextError.BAD_CHARS:
        return _("That contains characters I cannot use. Please try again.")
    return _("Please type a name.")


async def newschool(update: Update, context: Ctx) -> None:
    user = await current_user(context, update)
    roles = await roles_of(context, user.id)
    if not roles.owner:
        await say(update, _("Only the owners of this bot can create schools."))
        return
    dialog = await dialogs.start_dialog(
        context.session, user.id, DIALOG, NewSchoolStep.DISTRICT, now=context.now()
    )
    await context.session.commit()
    await ask_district(update, context, dialog, 0)


async def ask_district(update: Update, context: Ctx, dialog: Dialog, page: int) -> None:
    districts = await repo.districts(context.session)
    buttons: list[Button] = [
        (d.name, NewSchoolDistrictButton(dialog.token, d.id)) for d in districts
    ]
    rows = picker_rows(
        buttons, page, lambda n: NewSchoolDistrictPageButton(dialog.token, n), per_row=1
    )
    rows.append([(_("➕ A new district"), NewSchoolDistrictButton(dialog.token, 0))])
    text = _("New school. Which district does it belong to?")
    await say(update, text, rows, edit=update.callback_query is not None)


async def on_district_page(update: Update, context: Ctx, data: NewSchoolDistrictPageButton) -> None:
    dialog = await dialog_for(context, update, DIALOG, data.token)
    if dialog is None:
        return
    if dialog.step != NewSchoolStep.DISTRICT:
        await refuse_stale(update)
        return
    await answer(update)
    await ask_district(update, context, dialog, data.page)


def district_name_question() -> str:
    return _('Type the district\'s name (e.g. "Haidian District"):')


def school_name_question() -> str:
    return _("Type the school's name:")


async def on_district(update: Update, context: Ctx, data: NewSchoolDistrictButton) -> None:
    dialog = await dialog_for(context, update, DIALOG, data.token)
    if dialog is None:
        return
    district = await context.session.get(District, data.district_id) if data.district_id else None
    # A callback query can be answered only once: check everything before answering.
    if dialog.step != NewSchoolStep.DISTRICT or (data.district_id and district is None):
        await refuse_stale(update)
        return
    await answer(update)
    if district is None:
        dialogs.update_dialog(dialog, NewSchoolStep.DISTRICT_NAME)
        await context.session.commit()
        await say(update, district_name_question(), edit=True)
        return
    dialogs.update_dialog(
        dialog, NewSchoolStep.NAME, district_id=district.id, district_name=district.name
    )
    await context.session.commit()
    await say(
        update,
        _("District: {district}. Type the school's name:").format(district=district.name),
        edit=True,
    )


def typed_text(update: Update) -> str | None:
    message = update.effective_message
    return message.text if message else None


async def on_district_name(update: Update, context: Ctx, dialog: Dialog) -> None:
    checked = clean_text(typed_text(update), min_len=2, max_len=120)
    if checked.value is None:
        error = text_error(checked.error, checked.limit)
        await say(update, error + "\n\n" + district_name_question())
        return
    # A district typed again by name is the existing one, not a namesake.
    same = [
        d
        for d in await repo.districts(context.session)
        if d.name.casefold() == checked.value.casefold()
    ]
    district_id, district_name = (same[0].id, same[0].name) if same else (0, checked.value)
    dialogs.update_dialog(
        dialog, NewSchoolStep.NAME, district_id=district_id, district_name=district_name
    )
    await context.session.commit()
    note = removed_note(checked.removed)
    await say(update, "\n\n".join(t for t in (note, school_name_question()) if t))


async def on_school_name(update: Update, context: Ctx, dialog: Dialog) -> None:
    checked = clean_text(typed_text(update), min_len=2, max_len=120)
    if checked.value is None:
        error = text_error(checked.error, checked.limit)
        await say(update, error + "\n\n" + school_name_question())
        return
    dialogs.update_dialog(dialog, NewSchoolStep.TIMEZONE, name=checked.value)
    await context.session.commit()
    if checked.removed:
        await say(update, removed_note(checked.removed))
    await ask_timezone(update, context, dialog)


async def on_timezone_name(update: Update, context: Ctx, dialog: Dialog) -> None:
    name = (typed_text(update) or "").strip()
    parsed = parse_timezone(name)
    zone = canonical_timezone(parsed.value if isinstance(parsed, Understood) else name)
    if zone is None:
        problem = parsed if not isinstance(parsed, Understood) else NotUnderstood(name)
        await ask_timezone(update, context, dialog, error=timezone_problem(problem))
        return
    await set_timezone(update, context, dialog, zone)


async def on_other_text(update: Update, context: Ctx, dialog: Dialog) -> None:
    """Text at a step that waits for a button."""
    await say(update, _("Please use the buttons above, or /cancel."))


@cache
def _zones_by_folded_name() -> dict[str, str]:
    return {zone.casefold(): zone for zone in available_timezones()}


def canonical_timezone(name: str) -> str | None:
    """The IANA key as spelled in the tz database ("asia/shanghai" -> "Asia/Shanghai"), or None.

    A case-insensitive file system would load "asia/shanghai" as it is; stored like that, the
    school's zone would not load on a case-sensitive server.
    """
    zone = _zones_by_folded_name().get(name.casefold(), name)
    return zone if is_valid_timezone(zone) else None


async def ask_timezone(update: Update, context: Ctx, dialog: Dialog, error: str = "") -> None:
    choices = timezone_choices(context.settings.default_timezone)
    rows = [
        [
            (name, NewSchoolTimezoneButton(dialog.token, i))
            for i, name in enumerate(choices[j : j + 2], j)
        ]
        for j in range(0, len(choices), 2)
    ]
    question = _("Which time zone is the school in? Pick one, or type it or a city in it:")
    await say(update, f"{error}\n\n{question}" if error else question, rows)


async def on_timezone(update: Update, context: Ctx, data: NewSchoolTimezoneButton) -> None:
    dialog = await dialog_for(context, update, DIALOG, data.token)
    if dialog is None:
        return
    choices = timezone_choices(context.settings.default_timezone)
    if dialog.step != NewSchoolStep.TIMEZONE or not 0 <= data.index < len(choices):
        await refuse_stale(update)
        return
    await answer(update)
    await set_timezone(update, context, dialog, choices[data.index])


async def set_timezone(update: Update, context: Ctx, dialog: Dialog, name: str) -> None:
    dialogs.update_dialog(dialog, NewSchoolStep.CONFIRM, timezone=name)
    await context.session.commit()
    d = dialog.data
    text = _(
        "Please check:\n"
        "District: {district}\n"
        "School: {school}\n"
        "Time zone: {timezone}\n"
        "Policy: CN double-reduction (grades 1-2: no written homework at home; grades 3-6: "
        "at most 60 minutes a day; grades 7-9: at most 90 minutes). The school's "
        "administrator can change these later."
    ).format(district=d["district_name"], school=d["name"], timezone=name)
    rows = [
        [
            (
                _("✅ Create the school"),
                NewSchoolConfirmButton(dialog.token, NewSchoolAction.CREATE),
            ),
            (_("✖ Cancel"), NewSchoolConfirmButton(dialog.token, NewSchoolAction.CANCEL)),
        ]
    ]
    await say(update, text, rows, edit=update.callback_query is not None)


async def on_confirm(update: Update, context: Ctx, data: NewSchoolConfirmButton) -> None:
    dialog = await dialog_for(context, update, DIALOG, data.token)
    if dialog is None:
        return
    session = context.session
    user = await current_user(context, update)
    if dialog.step != NewSchoolStep.CONFIRM or not (await roles_of(context, user.id)).owner:
        await refuse_stale(update)
        return
    await answer(update)
    if data.action == NewSchoolAction.CANCEL:
        await dialogs.end_dialog(session, user.id)
        await session.commit()
        await say(update, _("Cancelled. Nothing was saved from that dialog."), edit=True)
        return
    d = dialog.data
    district_id = int(d.get("district_id") or 0)
    if not district_id:
        district_id = (await repo.create_district(session, d["district_name"])).id
    school = await repo.create_school(session, district_id, d["name"], d["timezone"])
    invite = await repo.create_invite(
        session,
        role=InviteRole.SCHOOL_ADMIN,
        created_by=user.id,
        now=context.now(),
        valid_for=timedelta(days=ADMIN_INVITE_DAYS),
        max_uses=1,
        school_id=school.id,
        district_id=district_id,
    )
    await dialogs.end_dialog(session, user.id)
    await session.commit()
    await say(
        update,
        _(
            "The school {school} is created. Send this link to its administrator (it works "
            "once, for {days} days):\n{link}\n\nOpen it yourself if you will administer the "
            "school."
        ).format(
            school=school.name,
            days=ADMIN_INVITE_DAYS,
            link=invite_link(context, invite.code),
        ),
        edit=True,
    )
