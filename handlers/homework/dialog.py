"""/assign: the teacher's posting dialog, step by step up to the preview.

class -> subject -> text (+ photo) -> kind -> minutes -> evening (-> due date) -> preview
(docs/ARCHITECTURE.md draws it). Each step commits, so any process continues the dialog. The
preview's edit buttons come back here for one field, then return to the preview.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date

from telegram import Update

from bot.domain.calendar import default_evening, local_now
from bot.domain.load import HomeworkKind, cap_for
from bot.domain.validate import parse_int
from bot.i18n import _, format_day
from handlers.homework.draft import Draft, load_draft, school_today
from handlers.homework.payloads import (
    DIALOG,
    DUE_CHOICES,
    EVENING_CHOICES,
    KINDS,
    MAX_TEXT,
    MINUTE_CHOICES,
    NEXT_SCHOOL_DAY,
    TYPED_MINUTES,
    HomeworkEditButton,
    HomeworkPickButton,
    HomeworkStep,
)
from handlers.homework.preview import show_preview
from handlers.kit.context import Ctx
from handlers.kit.gate import current_user
from handlers.kit.labels import kind_label, rule_label
from handlers.kit.replies import Button, Rows, answer, refuse_stale, say
from handlers.kit.router import dialog_for
from storage import dialogs
from storage import homework as hw
from storage.models import Dialog, SchoolClass, Subject

# ---------------------------------------------------------------- start: class and subject


async def assign(update: Update, context: Ctx) -> None:
    user = await current_user(context, update)
    pairs = await hw.teaching_pairs(context.session, user.id)
    if not pairs:
        await say(
            update,
            _(
                "You do not teach any class yet. Ask your school administrator for a teacher's "
                "invite link with your classes and subjects."
            ),
        )
        return
    dialog = await dialogs.start_dialog(
        context.session, user.id, DIALOG, HomeworkStep.CLASS, now=context.now()
    )
    await context.session.commit()
    classes = list({k.id: k for k, _s in pairs}.values())
    if len(classes) == 1:
        await choose_class(update, context, dialog, classes[0], pairs)
        return
    rows = pick_rows(dialog.token, HomeworkStep.CLASS, classes)
    await say(update, _("New homework. For which class?"), rows)


def pick_rows(token: str, step: HomeworkStep, choices: list[SchoolClass] | list[Subject]) -> Rows:
    """Classes or subjects, three a row."""
    return [
        [(c.name, HomeworkPickButton(token, step, c.id)) for c in choices[i : i + 3]]
        for i in range(0, len(choices), 3)
    ]


async def choose_class(
    update: Update,
    context: Ctx,
    dialog: Dialog,
    klass: SchoolClass,
    pairs: list[tuple[SchoolClass, Subject]],
) -> None:
    subjects = [s for k, s in pairs if k.id == klass.id]
    dialogs.update_dialog(dialog, HomeworkStep.SUBJECT, class_id=klass.id)
    if len(subjects) == 1:
        dialogs.update_dialog(dialog, HomeworkStep.TEXT, subject_id=subjects[0].id)
        await context.session.commit()
        await ask_text(update, klass.name, subjects[0].name)
        return
    await context.session.commit()
    await say(
        update,
        _("{klass}: which subject?").format(klass=klass.name),
        pick_rows(dialog.token, HomeworkStep.SUBJECT, subjects),
        edit=update.callback_query is not None,
    )


async def ask_text(update: Update, class_name: str, subject_name: str) -> None:
    await say(
        update,
        _(
            "{klass}, {subject}. What is the homework? Type it as the parents should read it "
            "(a photo with a caption works too)."
        ).format(klass=class_name, subject=subject_name),
        edit=update.callback_query is not None,
    )


# ---------------------------------------------------------------- picks (by step)


async def picked_dialog(update: Update, context: Ctx, data: HomeworkPickButton) -> Dialog | None:
    """The open dialog, if the button belongs to it and to its current step."""
    dialog = await dialog_for(context, update, DIALOG, data.token)
    if dialog is not None and dialog.step != data.step:
        await refuse_stale(update)
        return None
    return dialog


async def picked_draft(update: Update, context: Ctx, data: HomeworkPickButton) -> Draft | None:
    dialog = await picked_dialog(update, context, data)
    if dialog is None:
        return None
    draft = await load_draft(context, dialog)
    if draft is None:
        await refuse_stale(update)
    return draft


async def on_pick_class(update: Update, context: Ctx, data: HomeworkPickButton) -> None:
    dialog = await picked_dialog(update, context, data)
    if dialog is None:
        return
    pairs = await hw.teaching_pairs(context.session, dialog.user_id)
    klass = next((k for k, _s in pairs if k.id == data.value), None)
    if klass is None:
        await refuse_stale(update)
        return
    await answer(update)
    await choose_class(update, context, dialog, klass, pairs)


async def on_pick_subject(update: Update, context: Ctx, data: HomeworkPickButton) -> None:
    dialog = await picked_dialog(update, context, data)
    if dialog is None:
        return
    session = context.session
    class_id = int(dialog.data["class_id"])
    subject = await session.get(Subject, data.value)
    if subject is None or not await hw.teaches(session, dialog.user_id, class_id, subject.id):
        await refuse_stale(update)
        return
    await answer(update)
    dialogs.update_dialog(dialog, HomeworkStep.TEXT, subject_id=subject.id)
    await session.commit()
    klass = await session.get(SchoolClass, class_id)
    assert klass is not None
    await ask_text(update, klass.name, subject.name)


async def on_pick_kind(update: Update, context: Ctx, data: HomeworkPickButton) -> None:
    draft = await picked_draft(update, context, data)
    if draft is None:
        return
    if not 0 <= data.value < len(KINDS):
        await refuse_stale(update)
        return
    await set_kind(update, context, draft, KINDS[data.value])


async def on_pick_minutes(update: Update, context: Ctx, data: HomeworkPickButton) -> None:
    draft = await picked_draft(update, context, data)
    if draft is None:
        return
    if data.value != TYPED_MINUTES and data.value not in MINUTE_CHOICES:
        await refuse_stale(update)
        return
    await answer(update)
    if data.value == TYPED_MINUTES:
        await say(update, _("Type the minutes a typical student needs (1-600):"), edit=True)
        return
    await set_minutes(update, context, draft, data.value)


async def on_pick_evening(update: Update, context: Ctx, data: HomeworkPickButton) -> None:
    draft = await picked_draft(update, context, data)
    if draft is not None:
        await set_evening(update, context, draft, data.value)


async def on_pick_due(update: Update, context: Ctx, data: HomeworkPickButton) -> None:
    draft = await picked_draft(update, context, data)
    if draft is not None:
        await set_due(update, context, draft, data.value)


# ---------------------------------------------------------------- edits from the preview


async def edited_draft(update: Update, context: Ctx, data: HomeworkEditButton) -> Draft | None:
    """The draft, back at the field `data.field` (to return to the preview after it)."""
    dialog = await dialog_for(context, update, DIALOG, data.token)
    if dialog is None:
        return None
    draft = await load_draft(context, dialog)
    if draft is None or dialog.step != HomeworkStep.PREVIEW:
        await refuse_stale(update)
        return None
    await answer(update)
    dialogs.update_dialog(dialog, data.field, back_to_preview=True)
    await context.session.commit()
    return draft


async def on_edit_text(update: Update, context: Ctx, data: HomeworkEditButton) -> None:
    if await edited_draft(update, context, data) is not None:
        await say(update, _("Type the new text of the homework:"), edit=True)


async def on_edit_kind(update: Update, context: Ctx, data: HomeworkEditButton) -> None:
    draft = await edited_draft(update, context, data)
    if draft is not None:
        await ask_kind(update, draft)


async def on_edit_minutes(update: Update, context: Ctx, data: HomeworkEditButton) -> None:
    draft = await edited_draft(update, context, data)
    if draft is not None:
        await ask_minutes(update, draft)


async def on_edit_evening(update: Update, context: Ctx, data: HomeworkEditButton) -> None:
    draft = await edited_draft(update, context, data)
    if draft is not None:
        await ask_evening(update, context, draft)


# ---------------------------------------------------------------- free text (by step)


async def on_text(update: Update, context: Ctx, dialog: Dialog) -> None:
    """The homework text (or a photo, with or without its caption)."""
    draft = await load_draft(context, dialog)
    if draft is None:
        await say(update, _("Please use the buttons above, or /cancel."))
        return
    message = update.effective_message
    assert message is not None
    photo = message.photo[-1].file_id if message.photo else draft.data.get("photo")
    text = ((message.caption if message.photo else message.text) or "").strip()
    if message.photo and not text:
        dialogs.update_dialog(draft.dialog, photo=photo)
        await context.session.commit()
        await say(update, _("Photo received. Now type what the students should do:"))
        return
    if not text:
        await say(update, _("The homework text cannot be empty. Please type it:"))
        return
    if len(text) > MAX_TEXT:
        await say(
            update,
            _(
                "That text is {length} characters long; at most {limit} fit in the parents' "
                "notice. Please shorten it and send it again:"
            ).format(length=len(text), limit=MAX_TEXT),
        )
        return
    dialogs.update_dialog(draft.dialog, text=text, photo=photo)
    await advance(update, context, draft, HomeworkStep.KIND, lambda: ask_kind(update, draft))


async def on_minutes_text(update: Update, context: Ctx, dialog: Dialog) -> None:
    """Minutes typed after "Type a number"."""
    draft = await load_draft(context, dialog)
    if draft is None:
        await say(update, _("Please use the buttons above, or /cancel."))
        return
    message = update.effective_message
    assert message is not None
    minutes = parse_int(message.text, 1, 600)
    if minutes is None:
        await say(update, _("Minutes must be a whole number from 1 to 600. Please type it again:"))
        return
    await set_minutes(update, context, draft, minutes)


async def on_other_text(update: Update, context: Ctx, dialog: Dialog) -> None:
    """Text at a step that takes a button."""
    await say(update, _("Please use the buttons above, or /cancel."))


async def advance(
    update: Update,
    context: Ctx,
    draft: Draft,
    step: HomeworkStep,
    ask: Callable[[], Awaitable[None]],
) -> None:
    """After a field is set: back to the preview when it was edited from there, else on."""
    if draft.data.get("back_to_preview"):
        await show_preview(update, context, draft)
        return
    dialogs.update_dialog(draft.dialog, step)
    await context.session.commit()
    await ask()


# ---------------------------------------------------------------- kind, minutes, evening, due


async def ask_kind(update: Update, draft: Draft) -> None:
    t = draft.dialog.token
    buttons: list[Button] = [
        (kind_label(k).capitalize(), HomeworkPickButton(t, HomeworkStep.KIND, i))
        for i, k in enumerate(KINDS)
    ]
    rows: Rows = [buttons[:3], buttons[3:]]
    text = _("What kind of homework is it? Only written homework counts against the daily limit.")
    if draft.klass.grade <= 2 and draft.school.cap_primary_low == 0:
        text += "\n" + _("Grades 1-2 may not be given written homework at home.")
    await say(update, text, rows, edit=update.callback_query is not None)


async def set_kind(update: Update, context: Ctx, draft: Draft, kind: HomeworkKind) -> None:
    evening = draft.data.get("evening")
    day = date.fromisoformat(evening) if evening else school_today(context, draft.school)
    cap = cap_for(hw.caps_of(draft.school), draft.klass.grade, day, draft.calendar)
    if kind == HomeworkKind.WRITTEN and cap.minutes == 0:
        await answer(
            update,
            _("Refused: {rule}. Choose another kind.").format(rule=rule_label(cap)),
            alert=True,
        )
        return
    await answer(update)
    dialogs.update_dialog(draft.dialog, kind=kind.value)
    await advance(update, context, draft, HomeworkStep.MINUTES, lambda: ask_minutes(update, draft))


async def ask_minutes(update: Update, draft: Draft) -> None:
    t = draft.dialog.token
    rows: Rows = [
        [(str(m), HomeworkPickButton(t, HomeworkStep.MINUTES, m)) for m in MINUTE_CHOICES],
        [(_("Type a number"), HomeworkPickButton(t, HomeworkStep.MINUTES, TYPED_MINUTES))],
    ]
    await say(
        update,
        _("How many minutes does a typical student need for it?"),
        rows,
        edit=update.callback_query is not None,
    )


async def set_minutes(update: Update, context: Ctx, draft: Draft, minutes: int) -> None:
    dialogs.update_dialog(draft.dialog, minutes=minutes)
    await advance(
        update, context, draft, HomeworkStep.EVENING, lambda: ask_evening(update, context, draft)
    )


def evening_options(context: Ctx, draft: Draft) -> list[date]:
    now_local = local_now(draft.school.timezone, context.now())
    first = default_evening(draft.calendar, now_local, draft.school.cutoff_time)
    days = [first]
    while len(days) < EVENING_CHOICES:
        days.append(draft.calendar.next_school_day(days[-1]))
    return days


async def ask_evening(update: Update, context: Ctx, draft: Draft) -> None:
    t = draft.dialog.token
    days = evening_options(context, draft)
    today = school_today(context, draft.school)
    buttons: list[Button] = [
        (
            (_("Tonight") + " · " if day == today else "") + format_day(day),
            HomeworkPickButton(t, HomeworkStep.EVENING, day.toordinal()),
        )
        for day in days
    ]
    rows: Rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    await say(
        update,
        _("For which evening? (Only school days are offered.)"),
        rows,
        edit=update.callback_query is not None,
    )


def day_of(ordinal: int) -> date | None:
    try:
        return date.fromordinal(ordinal)
    except (ValueError, OverflowError):
        return None


async def set_evening(update: Update, context: Ctx, draft: Draft, ordinal: int) -> None:
    day = day_of(ordinal)
    if day is None:
        await refuse_stale(update)
        return
    if day not in evening_options(context, draft):
        await answer(update, _("That day is not a school day you can choose now."), alert=True)
        return
    await answer(update)
    dialogs.update_dialog(draft.dialog, HomeworkStep.DUE, evening=day.isoformat(), due=None)
    await context.session.commit()
    await ask_due(update, draft, day)


async def ask_due(update: Update, draft: Draft, evening: date) -> None:
    t = draft.dialog.token
    later = [draft.calendar.add_school_days(evening, n) for n in range(2, 2 + DUE_CHOICES)]
    buttons: list[Button] = [
        (format_day(d), HomeworkPickButton(t, HomeworkStep.DUE, d.toordinal())) for d in later
    ]
    rows: Rows = [
        [(_("Due the next school day"), HomeworkPickButton(t, HomeworkStep.DUE, NEXT_SCHOOL_DAY))]
    ]
    rows += [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    await say(
        update,
        _(
            "When is it due? A later date spreads the minutes evenly over the school evenings "
            "until then."
        ),
        rows,
        edit=True,
    )


async def set_due(update: Update, context: Ctx, draft: Draft, ordinal: int) -> None:
    evening = date.fromisoformat(draft.data["evening"])
    due: date | None = None
    if ordinal != NEXT_SCHOOL_DAY:
        due = day_of(ordinal)
        if due is None:
            await refuse_stale(update)
            return
        if due <= evening or not draft.calendar.is_school_day(due):
            await answer(
                update, _("The due date must be a school day after the evening."), alert=True
            )
            return
    await answer(update)
    dialogs.update_dialog(draft.dialog, due=due.isoformat() if due else None)
    await show_preview(update, context, draft)
