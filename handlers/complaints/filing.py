"""/complain: a parent files a complaint with the school, anonymously or by name.

school (preset from the children; a parent of two schools picks) -> class (preset, or picked)
-> category (the ten negative-list items, total load, exams/rankings, other) -> what happened
(text, at most 2000 characters) -> optional photos -> anonymous or named (one sentence saying
exactly who sees what) -> preview -> send. The parent gets the complaint's code, the status and
the deadline; the school's complaint handlers and admins are told at once.

Buttons are routed by step (`ComplaintPickButton.step`) and by action
(`ComplaintDraftButton.act`), typed text by the dialog's step, in handlers.registry.
"""

from __future__ import annotations

import logging
from datetime import date

from telegram import Update

from bot.domain.complaints import (
    DISTRICT_DEADLINE_DAYS,
    MAX_TEXT,
    ComplaintLevel,
    ComplaintStatus,
    deadline_for,
    filing_level,
    local_midnight,
    reminder_for,
)
from bot.domain.policy import ComplaintCategory
from bot.i18n import _, format_day, format_list
from handlers.complaints.notify import announce_new
from handlers.complaints.payloads import (
    ComplainAboutButton,
    ComplaintDraftAction,
    ComplaintDraftButton,
    ComplaintDraftStep,
    ComplaintPickButton,
)
from handlers.complaints.privacy import class_shown, who_sentence
from handlers.complaints.render import (
    complainant_rows,
    format_when,
    hotlines_line,
    respond_by_line,
    status_label,
)
from handlers.kit.context import Ctx
from handlers.kit.gate import current_user
from handlers.kit.labels import category_label, category_short_label, first_upper
from handlers.kit.replies import Button, Rows, answer, refuse_stale, say
from handlers.kit.router import dialog_for
from storage import complaints as store
from storage import dialogs, repo
from storage import homework as hw
from storage.models import Dialog, School, SchoolClass

log = logging.getLogger(__name__)

DIALOG = "complaint"
MAX_PHOTOS = 5
CATEGORIES = list(ComplaintCategory)


# ---------------------------------------------------------------- start


async def complain(update: Update, context: Ctx) -> None:
    user = await current_user(context, update)
    children = await repo.children_of(context.session, user.id)
    if not children:
        await say(
            update,
            _(
                "Complaints are filed by parents about their child's class. Open the invite "
                "link of your child's class first, then send /complain again."
            ),
        )
        return
    dialog = await dialogs.start_dialog(
        context.session, user.id, DIALOG, ComplaintDraftStep.SCHOOL, now=context.now()
    )
    await context.session.commit()
    schools = {c.school_id: c.school_name for c in children}
    if len(schools) == 1:
        await choose_school(update, context, dialog, next(iter(schools)))
        return
    rows: Rows = [
        [(name, ComplaintPickButton(dialog.token, ComplaintDraftStep.SCHOOL, school_id))]
        for school_id, name in sorted(schools.items(), key=lambda item: item[1])
    ]
    await say(update, _("A complaint to which school?"), rows)


async def complain_about(update: Update, context: Ctx, data: ComplainAboutButton) -> None:
    """ "Complain about this" under a notice: the class is set and the evening is named in the
    draft; the parent starts at the category."""
    user = await current_user(context, update)
    children = await repo.children_of(context.session, user.id)
    child = next((c for c in children if c.class_id == data.class_id), None)
    if child is None:
        await refuse_stale(update)
        return
    await answer(update)
    school = await context.session.get(School, child.school_id)
    assert school is not None
    refusal = await over_cap(context, user.id, school)
    if refusal is not None:
        await say(update, refusal)
        return
    dialog = await dialogs.start_dialog(
        context.session,
        user.id,
        DIALOG,
        ComplaintDraftStep.CLASS,
        {"school_id": child.school_id, "day": data.day.isoformat()},
        now=context.now(),
    )
    await choose_class(update, context, dialog, data.class_id, edit=False)


def about_day(dialog: Dialog) -> str | None:
    """ "About the homework of Thu, Nov 19." for a draft started under that evening's notice."""
    try:
        day = date.fromisoformat(str(dialog.data.get("day", "")))
    except ValueError:
        return None
    return _("About the homework of {day}.").format(day=format_day(day))


async def over_cap(context: Ctx, user_id: int, school: School) -> str | None:
    """The flood-cap message when the parent already filed today's maximum, else None."""
    since = local_midnight(context.now(), school.timezone)
    filed = await store.filed_since(context.session, user_id, since)
    cap = school.complaint_daily_cap
    if filed < cap:
        return None
    return _(
        "You have already filed {count} complaints today; the limit is {cap} a day. Please file "
        "a new one tomorrow. You can still add information to an open complaint with /tickets."
    ).format(count=filed, cap=cap)


async def choose_school(update: Update, context: Ctx, dialog: Dialog, school_id: int) -> None:
    session = context.session
    school = await session.get(School, school_id)
    assert school is not None
    refusal = await over_cap(context, dialog.user_id, school)
    if refusal is not None:
        await dialogs.end_dialog(session, dialog.user_id)
        await session.commit()
        await say(update, refusal, edit=update.callback_query is not None)
        return
    children = [
        c for c in await repo.children_of(session, dialog.user_id) if c.school_id == school_id
    ]
    classes: dict[int, list[str]] = {}
    names: dict[int, str] = {}
    for child in children:
        classes.setdefault(child.class_id, []).append(child.name)
        names[child.class_id] = child.class_name
    dialogs.update_dialog(dialog, ComplaintDraftStep.CLASS, school_id=school_id)
    if len(classes) == 1:
        await choose_class(update, context, dialog, next(iter(classes)))
        return
    await session.commit()
    rows: Rows = [
        [
            (
                _("{klass} ({children})").format(klass=names[class_id], children=format_list(kids)),
                ComplaintPickButton(dialog.token, ComplaintDraftStep.CLASS, class_id),
            )
        ]
        for class_id, kids in classes.items()
    ]
    await say(
        update,
        _("{school}: about which class?").format(school=school.name),
        rows,
        edit=update.callback_query is not None,
    )


async def choose_class(
    update: Update, context: Ctx, dialog: Dialog, class_id: int, *, edit: bool = True
) -> None:
    dialogs.update_dialog(dialog, ComplaintDraftStep.CATEGORY, class_id=class_id)
    await context.session.commit()
    t = dialog.token
    buttons: list[Button] = [
        (
            _("{n}. {item}").format(n=i + 1, item=category_short_label(cat)),
            ComplaintPickButton(t, ComplaintDraftStep.CATEGORY, i),
        )
        for i, cat in enumerate(CATEGORIES)
    ]
    rows: Rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    lines = [_("What is the complaint about? The first ten are the policy's negative list.")]
    lines += [
        _("{n}. {item}").format(n=i + 1, item=first_upper(category_label(cat)))
        for i, cat in enumerate(CATEGORIES)
    ]
    about = about_day(dialog)
    lines = [about, *lines] if about is not None else lines
    await say(update, "\n".join(lines), rows, edit=edit and update.callback_query is not None)


# ---------------------------------------------------------------- buttons


async def picked(update: Update, context: Ctx, data: ComplaintPickButton) -> Dialog | None:
    """The presser's open complaint dialog if the pick belongs to its current step."""
    dialog = await dialog_for(context, update, DIALOG, data.token)
    if dialog is None:
        return None
    if data.step != dialog.step:
        await refuse_stale(update)
        return None
    return dialog


async def on_pick_school(update: Update, context: Ctx, data: ComplaintPickButton) -> None:
    dialog = await picked(update, context, data)
    if dialog is None:
        return
    children = await repo.children_of(context.session, dialog.user_id)
    if data.value not in {c.school_id for c in children}:
        await refuse_stale(update)
        return
    await answer(update)
    await choose_school(update, context, dialog, data.value)


async def on_pick_class(update: Update, context: Ctx, data: ComplaintPickButton) -> None:
    dialog = await picked(update, context, data)
    if dialog is None:
        return
    children = await repo.children_of(context.session, dialog.user_id)
    school_id = dialog.data.get("school_id")
    if data.value not in {c.class_id for c in children if c.school_id == school_id}:
        await refuse_stale(update)
        return
    await answer(update)
    await choose_class(update, context, dialog, data.value)


async def on_pick_category(update: Update, context: Ctx, data: ComplaintPickButton) -> None:
    dialog = await picked(update, context, data)
    if dialog is None:
        return
    if not 0 <= data.value < len(CATEGORIES):
        await refuse_stale(update)
        return
    await answer(update)
    category = CATEGORIES[data.value]
    dialogs.update_dialog(dialog, ComplaintDraftStep.TEXT, category=category.value)
    await context.session.commit()
    await say(
        update,
        _(
            "{category}.\nWhat happened? Please describe it in your own words, at most "
            "{limit} characters. (You can attach photos next.)"
        ).format(category=first_upper(category_label(category)), limit=MAX_TEXT),
        edit=True,
    )


async def on_pick_who(update: Update, context: Ctx, data: ComplaintPickButton) -> None:
    """Anonymous (1) or named (0); then the preview."""
    dialog = await picked(update, context, data)
    if dialog is None:
        return
    if data.value not in (0, 1):
        await refuse_stale(update)
        return
    await answer(update)
    dialogs.update_dialog(dialog, ComplaintDraftStep.PREVIEW, anonymous=bool(data.value))
    await show_preview(update, context, dialog)


async def draft_at(
    update: Update, context: Ctx, data: ComplaintDraftButton, step: ComplaintDraftStep | None
) -> Dialog | None:
    """The presser's open complaint dialog, if the button belongs to it and to `step` (None:
    any step)."""
    dialog = await dialog_for(context, update, DIALOG, data.token)
    if dialog is not None and step is not None and dialog.step != step:
        await refuse_stale(update)
        return None
    return dialog


async def on_cancel(update: Update, context: Ctx, data: ComplaintDraftButton) -> None:
    dialog = await draft_at(update, context, data, None)
    if dialog is None:
        return
    await answer(update)
    await dialogs.end_dialog(context.session, dialog.user_id)
    await context.session.commit()
    await say(update, _("Cancelled. Nothing was sent."), edit=True)


async def on_photos_done(update: Update, context: Ctx, data: ComplaintDraftButton) -> None:
    dialog = await draft_at(update, context, data, ComplaintDraftStep.PHOTOS)
    if dialog is None:
        return
    await answer(update)
    await ask_who(update, context, dialog)


async def on_send(update: Update, context: Ctx, data: ComplaintDraftButton) -> None:
    dialog = await draft_at(update, context, data, ComplaintDraftStep.PREVIEW)
    if dialog is None:
        return
    await send(update, context, dialog)


# ---------------------------------------------------------------- text and photos


def text_and_photo(update: Update) -> tuple[str, str | None]:
    """The typed text (or a photo's caption), stripped, and the photo's file id if any."""
    message = update.effective_message
    assert message is not None
    photo = message.photo[-1].file_id if message.photo else None
    raw = (message.caption if message.photo else message.text) or ""
    return raw.strip(), photo


async def on_description(update: Update, context: Ctx, dialog: Dialog) -> None:
    """What happened (a photo before it is kept, and the text is asked for again)."""
    text, photo = text_and_photo(update)
    if not text:
        if photo is not None:
            dialogs.update_dialog(dialog, photos=[*dialog.data.get("photos", []), photo])
            await context.session.commit()
            await say(update, _("Photo received. Now please describe what happened:"))
            return
        await say(update, _("The text cannot be empty. Please describe what happened:"))
        return
    if len(text) > MAX_TEXT:
        await say(
            update,
            _(
                "Your text is {length} characters long; the limit is {limit} characters. "
                "Please shorten it and send it again:"
            ).format(length=len(text), limit=MAX_TEXT),
        )
        return
    photos = [*dialog.data.get("photos", []), *([photo] if photo else [])]
    about = about_day(dialog)
    if about is not None:  # the evening it is about, named in the complaint itself
        text = f"{about}\n{text}"
    dialogs.update_dialog(dialog, ComplaintDraftStep.PHOTOS, text=text, photos=photos)
    await context.session.commit()
    await ask_photos(update, dialog)


async def on_photo(update: Update, context: Ctx, dialog: Dialog) -> None:
    """One more photo, up to `MAX_PHOTOS`."""
    _text, photo = text_and_photo(update)
    if photo is None:
        await say(update, _("Please send a photo, or tap “Continue”."))
        return
    photos = list(dialog.data.get("photos", []))
    if len(photos) >= MAX_PHOTOS:
        await say(update, _("At most {n} photos. Tap “Continue”.").format(n=MAX_PHOTOS))
        return
    photos.append(photo)
    dialogs.update_dialog(dialog, photos=photos)
    await context.session.commit()
    await ask_photos(update, dialog)


async def on_other_text(update: Update, context: Ctx, dialog: Dialog) -> None:
    """Text at a step that takes a button."""
    await say(update, _("Please use the buttons above, or /cancel."))


async def ask_photos(update: Update, dialog: Dialog) -> None:
    photos = dialog.data.get("photos", [])
    text = _(
        "If you have photos (for example of the homework), send them now, up to {n}. "
        "Then tap “Continue”."
    ).format(n=MAX_PHOTOS)
    if photos:
        text = (
            _("Photos attached: {count} of at most {n}.").format(count=len(photos), n=MAX_PHOTOS)
            + "\n"
            + text
        )
    await say(
        update,
        text,
        [[(_("Continue"), ComplaintDraftButton(dialog.token, ComplaintDraftAction.PHOTOS_DONE))]],
    )


# ---------------------------------------------------------------- who sees what


async def ask_who(update: Update, context: Ctx, dialog: Dialog) -> None:
    dialogs.update_dialog(dialog, ComplaintDraftStep.WHO)
    await context.session.commit()
    t = dialog.token
    text = "\n\n".join(
        [
            _("Anonymous or with your name?"),
            await who_sentence(context, dialog, True),
            await who_sentence(context, dialog, False),
        ]
    )
    rows: Rows = [
        [
            (_("🕶 Anonymous"), ComplaintPickButton(t, ComplaintDraftStep.WHO, 1)),
            (_("👤 With my name"), ComplaintPickButton(t, ComplaintDraftStep.WHO, 0)),
        ]
    ]
    await say(update, text, rows, edit=update.callback_query is not None)


# ---------------------------------------------------------------- preview and send


async def school_of(context: Ctx, dialog: Dialog) -> School | None:
    return await context.session.get(School, dialog.data.get("school_id"))


def deadline_days(school: School, level: ComplaintLevel) -> int:
    """School days to respond: the school's setting, or the district's for a district subject."""
    return (
        DISTRICT_DEADLINE_DAYS
        if level == ComplaintLevel.DISTRICT
        else school.complaint_deadline_days
    )


async def show_preview(update: Update, context: Ctx, dialog: Dialog) -> None:
    await context.session.commit()
    school = await school_of(context, dialog)
    klass = await context.session.get(SchoolClass, dialog.data.get("class_id"))
    if school is None or klass is None:
        await refuse_stale(update)
        return
    d = dialog.data
    anonymous = bool(d.get("anonymous"))
    level = filing_level(d["category"])
    calendar = await hw.calendar_of(context.session, school)
    deadline = deadline_for(context.now(), school.timezone, calendar, deadline_days(school, level))
    lines = [
        _("Preview of your complaint to {school}, class {klass}").format(
            school=school.name, klass=klass.name
        ),
        _("Category: {category}").format(category=category_label(d["category"])),
        "",
        d["text"],
    ]
    if d.get("photos"):
        lines.append(_("Photos: {n}").format(n=len(d["photos"])))
    lines += [
        "",
        await who_sentence(context, dialog, anonymous),
        respond_by_line(level, format_when(deadline, school.timezone)),
    ]
    rows: Rows = [
        [(_("📨 Send"), ComplaintDraftButton(dialog.token, ComplaintDraftAction.SEND))],
        [(_("✖ Cancel"), ComplaintDraftButton(dialog.token, ComplaintDraftAction.CANCEL))],
    ]
    await say(update, "\n".join(lines), rows, edit=update.callback_query is not None)


async def send(update: Update, context: Ctx, dialog: Dialog) -> None:
    session = context.session
    d = dialog.data
    school = await school_of(context, dialog)
    children = await repo.children_of(session, dialog.user_id)
    class_id = d.get("class_id")
    if school is None or class_id not in {c.class_id for c in children if c.school_id == school.id}:
        await refuse_stale(update)
        return
    refusal = await over_cap(context, dialog.user_id, school)
    if refusal is not None:
        await answer(update, _("Daily limit reached."), alert=True)
        await dialogs.end_dialog(session, dialog.user_id)
        await session.commit()
        await say(update, refusal, edit=True)
        return
    await answer(update)
    anonymous = bool(d.get("anonymous"))
    now = context.now()
    level = filing_level(d["category"])
    calendar = await hw.calendar_of(session, school)
    deadline = deadline_for(now, school.timezone, calendar, deadline_days(school, level))
    try:
        complaint = await store.create_complaint(
            session,
            school_id=school.id,
            class_id=int(class_id) if await class_shown(context, dialog, anonymous) else None,
            complainant_id=dialog.user_id,
            anonymous=anonymous,
            category=d["category"],
            text=d["text"],
            photos=list(d.get("photos", [])),
            now=now,
            deadline_at=deadline,
            remind_at=reminder_for(deadline, school.timezone, now),
            level=level,
            dialog_token=dialog.token,
        )
    except store.AlreadyFiled:
        # Another process (or a redelivery) filed it and told the parent: nothing to add.
        await session.rollback()
        log.info("complaint of update %s was already filed; skipped", update.update_id)
        return
    await dialogs.end_dialog(session, dialog.user_id)
    await session.commit()
    log.info("complaint %s filed at school %s (%s level)", complaint.code, school.id, level)
    due = format_when(deadline, school.timezone)
    lines = [
        _("Your complaint is filed. Ticket number: {code}").format(code=complaint.code),
        _("Status: {status}").format(status=status_label(ComplaintStatus.NEW)),
        respond_by_line(level, due)
        if level == ComplaintLevel.DISTRICT
        else _(
            "The school must respond by {deadline}; if it does not, the complaint goes to the "
            "district supervisors."
        ).format(deadline=due),
        _("You will get every reply and status change here. /tickets shows your complaints."),
    ]
    if (hotlines := hotlines_line(school)) is not None:
        lines.append(hotlines)
    await say(update, "\n".join(lines), complainant_rows(complaint), edit=True)
    await announce_new(context.bot, session, complaint)
    await session.commit()
