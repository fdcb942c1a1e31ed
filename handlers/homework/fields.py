"""The fields of a draft that have their own step: kind, minutes, day and due date.

The minutes are asked on the common path; the kind only when it cannot be guessed; the day
and the due date only from the preview ("Day: ...", "Due later"). Minutes, days and dates may
be typed in the teacher's words (bot/domain/parsing); a value that breaks a rule gets the rule.
"""

from __future__ import annotations

from datetime import date

from telegram import Update

from bot.domain.load import HomeworkKind, cap_for
from bot.domain.parsing.minutes import parse_minutes
from bot.domain.parsing.result import Understood
from bot.i18n import _, format_minutes
from handlers.homework.draft import Draft, first_evening, load_draft, school_today
from handlers.homework.payloads import (
    DIALOG,
    KINDS,
    MINUTE_CHOICES,
    TYPED_MINUTES,
    HomeworkEditButton,
    HomeworkPickButton,
    HomeworkStep,
)
from handlers.homework.preview import show_preview
from handlers.homework.wording import minutes_problem
from handlers.kit.context import Ctx
from handlers.kit.labels import first_upper, kind_label, rule_label
from handlers.kit.replies import Button, Rows, answer, refuse_stale, say
from handlers.kit.router import dialog_for
from storage import dialogs
from storage import homework as hw
from storage.models import Dialog

# ---------------------------------------------------------------- moving on


async def to_preview(update: Update, context: Ctx, draft: Draft) -> None:
    if not draft.data.get("evening"):
        dialogs.update_dialog(draft.dialog, evening=first_evening(context, draft).isoformat())
    await show_preview(update, context, draft)


async def advance_to_minutes(update: Update, context: Ctx, draft: Draft) -> None:
    dialogs.update_dialog(draft.dialog, HomeworkStep.MINUTES)
    await context.session.commit()
    await ask_minutes(update, context, draft)


async def picked_draft(update: Update, context: Ctx, data: HomeworkPickButton) -> Draft | None:
    """The draft, if the button belongs to the open dialog and to its current step."""
    dialog = await dialog_for(context, update, DIALOG, data.token)
    if dialog is None:
        return None
    draft = await load_draft(context, dialog) if dialog.step == data.step else None
    if draft is None:
        await refuse_stale(update)
    return draft


async def typed_draft(update: Update, context: Ctx, dialog: Dialog) -> tuple[Draft, str] | None:
    draft = await load_draft(context, dialog)
    message = update.effective_message
    if draft is None or message is None:
        await say(update, _("Please use the buttons above, or /cancel."))
        return None
    return draft, (message.text or "").strip()


# ---------------------------------------------------------------- kind


async def ask_kind(update: Update, draft: Draft) -> None:
    t = draft.dialog.token
    buttons: list[Button] = [
        (first_upper(kind_label(k)), HomeworkPickButton(t, HomeworkStep.KIND, i))
        for i, k in enumerate(KINDS)
    ]
    rows: Rows = [buttons[:3], buttons[3:]]
    text = _("What kind of homework is it? Only written homework counts against the daily limit.")
    if any(k.grade <= 2 for k in draft.classes) and draft.school.cap_primary_low == 0:
        text += "\n" + _("Grades 1-2 may not be given written homework at home.")
    await say(update, text, rows, edit=update.callback_query is not None)


async def on_pick_kind(update: Update, context: Ctx, data: HomeworkPickButton) -> None:
    draft = await picked_draft(update, context, data)
    if draft is None:
        return
    if not 0 <= data.value < len(KINDS):
        await refuse_stale(update)
        return
    kind = KINDS[data.value]
    evening = draft.data.get("evening")
    day = date.fromisoformat(evening) if evening else school_today(context, draft.school)
    caps = hw.caps_of(draft.school)
    for klass in draft.classes:
        cap = cap_for(caps, klass.grade, day, draft.calendar)
        if kind == HomeworkKind.WRITTEN and cap.minutes == 0:
            await answer(
                update,
                _("Refused: {rule}. Choose another kind.").format(rule=rule_label(cap)),
                alert=True,
            )
            return
    await answer(update)
    dialogs.update_dialog(draft.dialog, kind=kind.value)
    if draft.data.get("back_to_preview") or draft.data.get("minutes"):
        await to_preview(update, context, draft)
        return
    await advance_to_minutes(update, context, draft)


# ---------------------------------------------------------------- minutes


async def ask_minutes(update: Update, context: Ctx, draft: Draft) -> None:
    t = draft.dialog.token
    rows: Rows = []
    remembered = await hw.teacher_default(
        context.session, draft.dialog.user_id, int(draft.data["subject_id"])
    )
    if remembered is not None and not draft.editing:
        label = _("{minutes}, as last time").format(minutes=format_minutes(remembered.minutes))
        rows.append([(label, HomeworkPickButton(t, HomeworkStep.MINUTES, remembered.minutes))])
    rows += [
        [(str(m), HomeworkPickButton(t, HomeworkStep.MINUTES, m)) for m in MINUTE_CHOICES],
        [(_("Type a number"), HomeworkPickButton(t, HomeworkStep.MINUTES, TYPED_MINUTES))],
    ]
    await say(
        update,
        _(
            "How many minutes does a typical student need for it? Tap or type them "
            "(e.g. 25, 1 hour)."
        ),
        rows,
        edit=update.callback_query is not None,
    )


async def on_pick_minutes(update: Update, context: Ctx, data: HomeworkPickButton) -> None:
    draft = await picked_draft(update, context, data)
    if draft is None:
        return
    if not 0 <= data.value <= 600:
        await refuse_stale(update)
        return
    await answer(update)
    if data.value == TYPED_MINUTES:
        await say(update, _("Type the minutes a typical student needs (1-600):"), edit=True)
        return
    dialogs.update_dialog(draft.dialog, minutes=data.value)
    await to_preview(update, context, draft)


async def on_minutes_text(update: Update, context: Ctx, dialog: Dialog) -> None:
    """Minutes typed in the teacher's words: '45', '45分钟', '一个半小时', '20 минут'."""
    found = await typed_draft(update, context, dialog)
    if found is None:
        return
    draft, text = found
    parsed = parse_minutes(text)
    if not isinstance(parsed, Understood):
        await say(update, minutes_problem(parsed))
        return
    dialogs.update_dialog(draft.dialog, minutes=parsed.value)
    await to_preview(update, context, draft)


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
        await ask_minutes(update, context, draft)


async def on_other_text(update: Update, context: Ctx, dialog: Dialog) -> None:
    """Text at a step that takes a button."""
    await say(update, _("Please use the buttons above, or /cancel."))
