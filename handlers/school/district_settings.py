"""/settings for a district (its supervisors and the owners): the district's supervision
hotline, shown with every complaint ticket of its schools beside the school's own."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from telegram import Update

from bot.domain.validate import MAX_PHONE, parse_phone
from bot.i18n import _
from handlers.kit.callbacks import CallbackData
from handlers.kit.context import Ctx
from handlers.kit.gate import roles_of
from handlers.kit.replies import Rows, answer, refuse_stale, say
from handlers.kit.router import dialog_for
from handlers.school import settings
from storage import dialogs, policy
from storage.models import Dialog, District

DIALOG = "district_settings"


class DistrictStep(enum.StrEnum):
    MENU = "menu"
    HOTLINE = "hotline"


class DistrictAction(enum.StrEnum):
    HOTLINE = "hotline"
    NO_HOTLINE = "no_hotline"
    DONE = "done"


@dataclass(frozen=True)
class DistrictButton(CallbackData, prefix="st.da"):
    token: str
    act: DistrictAction


async def allowed_district(context: Ctx, user_id: int, district_id: object) -> District | None:
    """The district when the user supervises it or owns the bot."""
    if not isinstance(district_id, int):
        return None
    roles = await roles_of(context, user_id)
    if not (roles.owner or district_id in roles.supervisor_districts):
        return None
    return await context.session.get(District, district_id)


def menu_text(district: District) -> str:
    return _("Settings of {district}\n• District hotline: {number}").format(
        district=district.name, number=district.hotline or _("not set")
    )


async def show(update: Update, context: Ctx, dialog: Dialog, district: District) -> None:
    dialogs.update_dialog(dialog, DistrictStep.MENU, district_id=district.id)
    await context.session.commit()
    rows: Rows = [[(_("District hotline"), DistrictButton(dialog.token, DistrictAction.HOTLINE))]]
    if district.hotline:
        rows.append(
            [(_("Remove the hotline"), DistrictButton(dialog.token, DistrictAction.NO_HOTLINE))]
        )
    rows.append([(_("Done"), DistrictButton(dialog.token, DistrictAction.DONE))])
    await say(update, menu_text(district), rows, edit=update.callback_query is not None)


async def on_district(update: Update, context: Ctx, data: settings.SettingsDistrictButton) -> None:
    """Picked in /settings' list: the district's menu (a dialog of its own)."""
    picked = await dialog_for(context, update, settings.DIALOG, data.token)
    if picked is None:
        return
    district = await allowed_district(context, picked.user_id, data.district_id)
    if district is None:
        await refuse_stale(update)
        return
    await answer(update)
    dialog = await dialogs.start_dialog(
        context.session, picked.user_id, DIALOG, DistrictStep.MENU, now=context.now()
    )
    await show(update, context, dialog, district)


async def pressed(
    update: Update, context: Ctx, data: DistrictButton
) -> tuple[Dialog, District] | None:
    dialog = await dialog_for(context, update, DIALOG, data.token)
    if dialog is None:
        return None
    district = await allowed_district(context, dialog.user_id, dialog.data.get("district_id"))
    if district is None:
        await refuse_stale(update)
        return None
    return dialog, district


async def set_hotline(context: Ctx, user_id: int, district: District, number: str | None) -> None:
    old, district.hotline = district.hotline, number
    policy.record_change(
        context.session,
        user_id=user_id,
        district_id=district.id,
        school_id=None,
        field="hotline",
        old=old,
        new=number,
        now=context.now(),
    )
    await context.session.commit()


async def on_hotline(update: Update, context: Ctx, data: DistrictButton) -> None:
    if (found := await pressed(update, context, data)) is None:
        return
    dialog, _district = found
    await answer(update)
    dialogs.update_dialog(dialog, DistrictStep.HOTLINE)
    await context.session.commit()
    await say(
        update,
        _("Type the district's supervision hotline as parents should dial it, like 010-12345678."),
        edit=True,
    )


async def on_no_hotline(update: Update, context: Ctx, data: DistrictButton) -> None:
    if (found := await pressed(update, context, data)) is None:
        return
    await answer(update)
    dialog, district = found
    await set_hotline(context, dialog.user_id, district, None)
    await show(update, context, dialog, district)


async def on_done(update: Update, context: Ctx, data: DistrictButton) -> None:
    if (found := await pressed(update, context, data)) is None:
        return
    await answer(update)
    await dialogs.end_dialog(context.session, found[0].user_id)
    await context.session.commit()
    await say(update, _("Saved."), edit=True)


async def typed_district(update: Update, context: Ctx, dialog: Dialog) -> District | None:
    district = await allowed_district(context, dialog.user_id, dialog.data.get("district_id"))
    if district is None:
        await say(update, _("This is no longer available."))
    return district


async def on_hotline_text(update: Update, context: Ctx, dialog: Dialog) -> None:
    if (district := await typed_district(update, context, dialog)) is None:
        return
    number = parse_phone(settings.typed_text(update))
    if number is None:
        await say(
            update,
            _(
                "Please type a phone number: digits, with spaces, dashes or brackets if you like "
                "(at most {max} characters)."
            ).format(max=MAX_PHONE),
        )
        return
    await set_hotline(context, dialog.user_id, district, number)
    await show(update, context, dialog, district)


async def on_other_text(update: Update, context: Ctx, dialog: Dialog) -> None:
    if await typed_district(update, context, dialog) is None:
        return
    await say(update, _("Please use the buttons above, or /cancel."))
