"""/assign's "Copy": start from one of the teacher's last pieces (yesterday's and the same
weekday last week's first), prefilled with its text, kind, minutes, class and subject."""

from __future__ import annotations

from datetime import date, timedelta

from telegram import Update

from bot.i18n import _, format_day, format_minutes
from handlers.homework.draft import load_draft, school_today
from handlers.homework.fields import to_preview
from handlers.homework.payloads import (
    DIALOG,
    MAX_COPIES,
    HomeworkActionButton,
    HomeworkPickButton,
    HomeworkStep,
)
from handlers.homework.schools import class_name, teaching_labels
from handlers.kit.context import Ctx
from handlers.kit.labels import kind_label
from handlers.kit.replies import Button, Rows, answer, refuse_stale, say
from handlers.kit.router import dialog_for
from storage import dialogs
from storage import homework as hw
from storage.models import Assignment, School, SchoolClass, Subject

Listed = tuple[Assignment, SchoolClass, Subject]


def copy_order(pieces: list[Listed], today: date) -> list[Listed]:
    """Yesterday's pieces first, then the same weekday last week's, then the rest (newest
    first within each)."""
    first = {today - timedelta(days=1): 0, today - timedelta(days=7): 1}
    return sorted(pieces, key=lambda row: first.get(row[0].evening, 2))


async def on_copy_list(update: Update, context: Ctx, data: HomeworkActionButton) -> None:
    dialog = await dialog_for(context, update, DIALOG, data.token)
    if dialog is None:
        return
    pieces = await hw.recent_pieces(context.session, dialog.user_id, MAX_COPIES)
    if not pieces or dialog.step not in (HomeworkStep.SUBJECT, HomeworkStep.TEXT):
        await refuse_stale(update)
        return
    await answer(update)
    school = await context.session.get(School, pieces[0][1].school_id)
    assert school is not None
    pieces = copy_order(pieces, school_today(context, school))
    dialogs.update_dialog(dialog, HomeworkStep.COPY)
    await context.session.commit()
    schools = await teaching_labels(context, dialog.user_id)
    lines = [_("Which piece do you want to copy? You can change it before posting.")]
    buttons: list[Button] = []
    for n, (a, klass, subject) in enumerate(pieces, 1):
        lines.append(
            f"{n}. {format_day(a.evening)} · {class_name(klass, schools)} · {subject.name} · "
            f"{kind_label(a.kind)} · {format_minutes(a.minutes)}\n   {a.text[:80]}"
        )
        buttons.append((str(n), HomeworkPickButton(dialog.token, HomeworkStep.COPY, a.id)))
    rows: Rows = [buttons[i : i + 5] for i in range(0, len(buttons), 5)]
    await say(update, "\n".join(lines), rows, edit=True)


async def on_pick_copy(update: Update, context: Ctx, data: HomeworkPickButton) -> None:
    """The copy opens at the preview for the default day (today before the cut-off)."""
    dialog = await dialog_for(context, update, DIALOG, data.token)
    if dialog is None:
        return
    piece = await context.session.get(Assignment, data.value)
    if (
        dialog.step != HomeworkStep.COPY
        or piece is None
        or piece.teacher_id != dialog.user_id
        or not await hw.teaches(context.session, dialog.user_id, piece.class_id, piece.subject_id)
    ):
        await refuse_stale(update)
        return
    await answer(update)
    dialogs.update_dialog(
        dialog,
        subject_id=piece.subject_id,
        offered=[piece.class_id],
        class_ids=[piece.class_id],
        class_id=piece.class_id,
        text=piece.text,
        photo=piece.photo_file_id,
        kind=piece.kind,
        minutes=piece.minutes,
        required=piece.required,
        evening=None,
        due=None,
    )
    draft = await load_draft(context, dialog)
    assert draft is not None
    await to_preview(update, context, draft)
