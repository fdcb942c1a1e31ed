"""/schools (owners): every district's schools, a page at a time, with their counts (classes,
teachers, parents) and last activity; a school's card: rename, change the time zone, archive
(read-only, kept for reports) or bring back."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from telegram import Update

from bot.domain.paging import page_of
from bot.domain.parsing.result import Understood
from bot.domain.parsing.timezones import parse_timezone, timezone_choices
from bot.domain.validate import clean_text
from bot.i18n import _, format_datetime, format_list, ngettext, zone_label
from handlers.kit.callbacks import CallbackData
from handlers.kit.context import Ctx
from handlers.kit.gate import current_user, roles_of
from handlers.kit.labels import removed_note
from handlers.kit.paging import numbered_rows, page_label, paging_rows
from handlers.kit.replies import Button, Rows, answer, refuse_stale, say
from handlers.kit.router import dialog_for
from handlers.onboarding.owner import text_error
from handlers.school.wording import timezone_problem
from storage import dialogs
from storage import owners as store
from storage.models import Dialog, School

DIALOG = "schools"
PAGE_SIZE = 8


class SchoolsStep(enum.StrEnum):
    NAME = "name"
    TIMEZONE = "timezone"


class SchoolAction(enum.StrEnum):
    CARD = "card"
    RENAME = "rename"
    TIMEZONE = "timezone"
    ARCHIVE = "archive"
    ARCHIVE_OK = "archive_ok"
    RESTORE = "restore"


@dataclass(frozen=True)
class SchoolsPageButton(CallbackData, prefix="sc.p"):
    page: int


@dataclass(frozen=True)
class SchoolActionButton(CallbackData, prefix="sc.a"):
    school_id: int
    action: SchoolAction
    page: int = 0


@dataclass(frozen=True)
class SchoolTimezoneButton(CallbackData, prefix="sc.tz"):
    token: str
    index: int


async def is_owner(update: Update, context: Ctx) -> bool:
    user = await current_user(context, update)
    return (await roles_of(context, user.id)).owner


async def schools_command(update: Update, context: Ctx) -> None:
    if not await is_owner(update, context):
        await say(update, _("Only the owners of this bot can manage schools."))
        return
    await show_page(update, context, 0, edit=False)


async def on_page(update: Update, context: Ctx, data: SchoolsPageButton) -> None:
    if not await is_owner(update, context):
        await refuse_stale(update)
        return
    await answer(update)
    await show_page(update, context, data.page, edit=True)


def counts_line(stats: store.SchoolStats) -> str:
    counts = [
        ngettext("{n} class", "{n} classes", stats.classes).format(n=stats.classes),
        ngettext("{n} teacher", "{n} teachers", stats.teachers).format(n=stats.teachers),
        ngettext("{n} parent", "{n} parents", stats.parents).format(n=stats.parents),
    ]
    when = (
        _("last activity {when} UTC").format(when=format_datetime(stats.last_activity))
        if stats.last_activity
        else _("no activity yet")
    )
    return _("{counts}; {activity}").format(counts=format_list(counts), activity=when)


def school_title(stats: store.SchoolStats) -> str:
    if stats.archived:
        return _("{school} (archived)").format(school=clean_text(stats.name).value or "?")
    return clean_text(stats.name).value or "?"


async def show_page(update: Update, context: Ctx, number: int, *, edit: bool) -> None:
    stats = await store.school_stats(context.session)
    if not stats:
        await say(update, _("There is no school yet: create one with /newschool."), edit=edit)
        return
    page = page_of(stats, number, PAGE_SIZE)
    lines = [ngettext("{n} school:", "{n} schools:", page.total).format(n=page.total)]
    if page.count > 1:
        lines[0] += " " + page_label(page)
    district = None
    buttons: list[Button] = []
    for n, school in enumerate(page.items, page.first_index + 1):
        if school.district != district:
            district = school.district
            lines.append("\n" + (clean_text(district).value or "?"))
        lines.append(f"{n}. {school_title(school)}\n   {counts_line(school)}")
        buttons.append((str(n), SchoolActionButton(school.school_id, SchoolAction.CARD, number)))
    rows = [*numbered_rows(buttons, 4), *paging_rows(page, SchoolsPageButton)]
    await say(update, "\n".join(lines), rows, edit=edit)


async def owned_school(update: Update, context: Ctx, school_id: int) -> School | None:
    """The school, when the presser is an owner; else the polite refusal."""
    school = await context.session.get(School, school_id)
    if school is None or not await is_owner(update, context):
        await refuse_stale(update)
        return None
    return school


async def on_action(update: Update, context: Ctx, data: SchoolActionButton) -> None:
    school = await owned_school(update, context, data.school_id)
    if school is None:
        return
    await answer(update)
    if data.action == SchoolAction.RENAME:
        await ask_name(update, context, school, data.page)
    elif data.action == SchoolAction.TIMEZONE:
        await ask_timezone(update, context, school, data.page)
    elif data.action == SchoolAction.ARCHIVE:
        await confirm_archive(update, school, data.page)
    else:
        if data.action == SchoolAction.ARCHIVE_OK and school.archived_at is None:
            await store.set_archived(context.session, school.id, context.now())
        elif data.action == SchoolAction.RESTORE and school.archived_at is not None:
            await store.set_archived(context.session, school.id, None)
        await context.session.commit()
        await show_card(update, context, school.id, data.page, edit=True)


async def show_card(
    update: Update, context: Ctx, school_id: int, page: int, *, edit: bool, note: str = ""
) -> None:
    stats = next(s for s in await store.school_stats(context.session) if s.school_id == school_id)
    lines = [note, ""] if note else []
    lines += [
        school_title(stats),
        _("District: {district}").format(district=clean_text(stats.district).value or "?"),
        _("Time zone: {timezone}").format(timezone=stats.timezone),
        counts_line(stats),
    ]
    if stats.archived:
        lines.append(_("Archived: read-only, kept for reports."))
    act = SchoolAction
    rows: Rows = [
        [
            (_("✏ Rename"), SchoolActionButton(school_id, act.RENAME, page)),
            (_("🕒 Time zone"), SchoolActionButton(school_id, act.TIMEZONE, page)),
        ],
        [
            (_("↩ Bring back"), SchoolActionButton(school_id, act.RESTORE, page))
            if stats.archived
            else (_("🗄 Archive"), SchoolActionButton(school_id, act.ARCHIVE, page))
        ],
        [(_("⬅ All schools"), SchoolsPageButton(page))],
    ]
    await say(update, "\n".join(lines), rows, edit=edit)


async def confirm_archive(update: Update, school: School, page: int) -> None:
    text = _(
        "Archive {school}? It becomes read-only: no notices, questions or reminders, no new "
        "homework, and its invite links stop working. Everything stays for reports, and an "
        "owner can bring it back."
    ).format(school=school.name)
    rows: Rows = [
        [
            (_("🗄 Archive"), SchoolActionButton(school.id, SchoolAction.ARCHIVE_OK, page)),
            (_("✖ Cancel"), SchoolActionButton(school.id, SchoolAction.CARD, page)),
        ]
    ]
    await say(update, text, rows, edit=True)


async def ask_name(update: Update, context: Ctx, school: School, page: int) -> None:
    user = await current_user(context, update)
    await dialogs.start_dialog(
        context.session,
        user.id,
        DIALOG,
        SchoolsStep.NAME,
        {"school_id": school.id, "page": page},
        now=context.now(),
    )
    await context.session.commit()
    await say(update, _("Type the new name of {school}:").format(school=school.name))


async def on_name_text(update: Update, context: Ctx, dialog: Dialog) -> None:
    message = update.effective_message
    checked = clean_text(message.text if message else None, min_len=2, max_len=120)
    school = await context.session.get(School, dialog.data.get("school_id"))
    if school is None or not await is_owner(update, context):
        await dialogs.end_dialog(context.session, dialog.user_id)
        await context.session.commit()
        return
    if checked.value is None:
        await say(update, text_error(checked.error, checked.limit))
        return
    await store.rename_school(context.session, school.id, checked.value)
    await dialogs.end_dialog(context.session, dialog.user_id)
    await context.session.commit()
    note = "\n\n".join(t for t in (removed_note(checked.removed), _("Renamed.")) if t)
    await show_card(
        update, context, school.id, int(dialog.data.get("page", 0)), edit=False, note=note
    )


async def ask_timezone(update: Update, context: Ctx, school: School, page: int) -> None:
    user = await current_user(context, update)
    dialog = await dialogs.start_dialog(
        context.session,
        user.id,
        DIALOG,
        SchoolsStep.TIMEZONE,
        {"school_id": school.id, "page": page},
        now=context.now(),
    )
    await context.session.commit()
    choices = timezone_choices(school.timezone)
    at = context.now()
    rows: Rows = numbered_rows(
        [
            (zone_label(zone, at), SchoolTimezoneButton(dialog.token, i))
            for i, zone in enumerate(choices)
        ],
        2,
    )
    text = _("{school} is in {timezone}. Pick its time zone, or type it or a city in it:").format(
        school=school.name, timezone=zone_label(school.timezone, at)
    )
    await say(update, text, rows)


async def on_timezone_button(update: Update, context: Ctx, data: SchoolTimezoneButton) -> None:
    dialog = await dialog_for(context, update, DIALOG, data.token)
    if dialog is None:
        return
    school = await context.session.get(School, dialog.data.get("school_id"))
    choices = timezone_choices(school.timezone) if school else []
    if (
        school is None
        or dialog.step != SchoolsStep.TIMEZONE
        or not 0 <= data.index < len(choices)
        or not await is_owner(update, context)
    ):
        await refuse_stale(update)
        return
    await answer(update)
    await set_zone(update, context, dialog, school, choices[data.index])


async def on_timezone_text(update: Update, context: Ctx, dialog: Dialog) -> None:
    message = update.effective_message
    name = (message.text if message else "") or ""
    school = await context.session.get(School, dialog.data.get("school_id"))
    if school is None or not await is_owner(update, context):
        return
    parsed = parse_timezone(name)
    if not isinstance(parsed, Understood):
        await say(update, timezone_problem(parsed))
        return
    await set_zone(update, context, dialog, school, parsed.value)


async def set_zone(update: Update, context: Ctx, dialog: Dialog, school: School, zone: str) -> None:
    await store.set_timezone(context.session, school.id, zone)
    await dialogs.end_dialog(context.session, dialog.user_id)
    await context.session.commit()
    note = _("Time zone set: {timezone}.").format(timezone=zone_label(zone, context.now()))
    page = int(dialog.data.get("page", 0))
    await show_card(update, context, school.id, page, edit=False, note=note)
