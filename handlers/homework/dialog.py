"""/assign: the teacher records homework set in class, in as few steps as possible.

subject (skipped with one) -> text, with the subject's classes as toggles on the same message
(all of one grade preselected, or the classes used last time) -> minutes -> preview. A text
ending with its minutes ('练习册第12页 20分钟') goes straight to the preview; the kind is
guessed from the text or remembered, the day is today (before the cut-off): both are shown in
the preview and changed from there (handlers/homework/fields.py). A teacher with exactly one
class and subject may send such a text without /assign. docs/ARCHITECTURE.md draws it.
"""

from __future__ import annotations

from telegram import Update

from bot.domain.kinds import guess_kind
from bot.domain.load import HomeworkKind, cap_for
from bot.domain.parsing.minutes import split_minutes_suffix
from bot.domain.parsing.result import Understood
from bot.i18n import _, format_list
from handlers.homework.draft import Draft, first_evening, load_draft
from handlers.homework.fields import advance_to_minutes, ask_kind, to_preview
from handlers.homework.payloads import (
    DIALOG,
    MAX_TEXT,
    HomeworkAction,
    HomeworkActionButton,
    HomeworkPickButton,
    HomeworkStep,
)
from handlers.homework.preview import show_preview
from handlers.homework.schools import (
    SchoolLabels,
    class_name,
    labels_for,
    subject_name,
    teaching_labels,
)
from handlers.homework.wording import minutes_problem
from handlers.kit.context import Ctx
from handlers.kit.gate import current_user
from handlers.kit.replies import Button, Rows, answer, refuse_stale, say
from handlers.kit.router import dialog_for
from storage import dialogs
from storage import homework as hw
from storage.models import Dialog, SchoolClass, Subject

Pairs = list[tuple[SchoolClass, Subject]]

# ---------------------------------------------------------------- start: subject and classes


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
        context.session, user.id, DIALOG, HomeworkStep.SUBJECT, now=context.now()
    )
    await context.session.commit()
    subjects = list({s.id: s for _k, s in pairs}.values())
    if len(subjects) == 1:
        await choose_subject(update, context, dialog, subjects[0], pairs)
        return
    schools = await labels_for(context, (k.school_id for k, _s in pairs))
    rows = pick_rows(dialog.token, HomeworkStep.SUBJECT, subjects, schools)
    rows += await copy_rows(context, dialog)
    await say(update, _("Record homework set in class. Which subject?"), rows)


def pick_rows(
    token: str, step: HomeworkStep, choices: list[Subject], schools: SchoolLabels
) -> Rows:
    """Subjects, three a row (with the school's name for a teacher in two schools)."""
    return [
        [
            (subject_name(c, schools), HomeworkPickButton(token, step, c.id))
            for c in choices[i : i + 3]
        ]
        for i in range(0, len(choices), 3)
    ]


async def copy_rows(context: Ctx, dialog: Dialog) -> Rows:
    """The "copy an earlier piece" button, when the teacher has recorded one."""
    if not await hw.recent_pieces(context.session, dialog.user_id, 1):
        return []
    label = _("📋 Copy an earlier piece")
    return [[(label, HomeworkActionButton(dialog.token, HomeworkAction.COPY))]]


async def preselected(
    context: Ctx, user_id: int, subject: Subject, offered: list[SchoolClass]
) -> list[int]:
    """The classes used last time for the subject, else every class of the first one's grade."""
    remembered = await hw.teacher_default(context.session, user_id, subject.id)
    ids = {k.id for k in offered}
    if remembered is not None and set(remembered.class_ids) & ids:
        return [i for i in remembered.class_ids if i in ids]
    return [k.id for k in offered if k.grade == offered[0].grade]


async def choose_subject(
    update: Update, context: Ctx, dialog: Dialog, subject: Subject, pairs: Pairs
) -> None:
    offered = [k for k, s in pairs if s.id == subject.id]
    chosen = await preselected(context, dialog.user_id, subject, offered)
    dialogs.update_dialog(
        dialog,
        HomeworkStep.TEXT,
        subject_id=subject.id,
        offered=[k.id for k in offered],
        class_ids=chosen,
        class_id=chosen[0],
    )
    await context.session.commit()
    await ask_text(update, context, dialog, offered, subject)


async def ask_text(
    update: Update, context: Ctx, dialog: Dialog, offered: list[SchoolClass], subject: Subject
) -> None:
    chosen = set(dialog.data.get("class_ids") or [])
    schools = await teaching_labels(context, dialog.user_id)
    names = format_list([class_name(k, schools) for k in offered if k.id in chosen]) or "—"
    text = _(
        "{klass}, {subject}. What is the homework? Type it as the parents should read it; "
        'end it with the minutes to skip a step (e.g. "Exercise 3, p. 12, 20 min"). A photo '
        "with a caption works too."
    ).format(klass=names, subject=subject.name)
    rows: Rows = []
    if len(offered) > 1:
        text += "\n" + _("Tap a class to include it or leave it out.")
        toggles: list[Button] = [
            (
                ("✓ " if k.id in chosen else "") + class_name(k, schools),
                HomeworkPickButton(dialog.token, HomeworkStep.CLASS, k.id),
            )
            for k in offered
        ]
        rows += [toggles[i : i + 3] for i in range(0, len(toggles), 3)]
    rows += await copy_rows(context, dialog)
    await say(update, text, rows, edit=update.callback_query is not None)


async def on_pick_subject(update: Update, context: Ctx, data: HomeworkPickButton) -> None:
    dialog = await dialog_for(context, update, DIALOG, data.token)
    if dialog is None:
        return
    pairs = await hw.teaching_pairs(context.session, dialog.user_id)
    subject = next((s for _k, s in pairs if s.id == data.value), None)
    if dialog.step != HomeworkStep.SUBJECT or subject is None:
        await refuse_stale(update)
        return
    await answer(update)
    await choose_subject(update, context, dialog, subject, pairs)


async def on_toggle_class(update: Update, context: Ctx, data: HomeworkPickButton) -> None:
    """A class toggled in or out, on the text step's message."""
    dialog = await dialog_for(context, update, DIALOG, data.token)
    if dialog is None:
        return
    offered = [int(i) for i in dialog.data.get("offered") or []]
    if dialog.step != HomeworkStep.TEXT or data.value not in offered:
        await refuse_stale(update)
        return
    await answer(update)
    chosen = [int(i) for i in dialog.data.get("class_ids") or []]
    chosen = (
        [i for i in chosen if i != data.value] if data.value in chosen else [*chosen, data.value]
    )
    chosen = [i for i in offered if i in chosen]  # in the offered order
    dialogs.update_dialog(dialog, class_ids=chosen, class_id=chosen[0] if chosen else None)
    await context.session.commit()
    pairs = await hw.teaching_pairs(context.session, dialog.user_id)
    subject = next(s for _k, s in pairs if s.id == dialog.data["subject_id"])
    classes = [k for k, s in pairs if s.id == subject.id and k.id in offered]
    await ask_text(update, context, dialog, classes, subject)


# ---------------------------------------------------------------- the text (and the shortcut)


async def on_text(update: Update, context: Ctx, dialog: Dialog) -> None:
    """The homework text (or a photo, with or without its caption), maybe ending in minutes."""
    draft = await load_draft(context, dialog)
    if draft is None:
        await say(update, _("Please tap at least one class above, or /cancel."))
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
    minutes: int | None = None
    split = split_minutes_suffix(text)
    if split is not None:
        head, parsed = split
        if not isinstance(parsed, Understood):
            await say(update, minutes_problem(parsed))
            return
        text, minutes = head, parsed.value
    if not await text_fits(update, text):
        return
    dialogs.update_dialog(draft.dialog, text=text, photo=photo)
    if minutes is not None:
        dialogs.update_dialog(draft.dialog, minutes=minutes)
    await after_text(update, context, draft)


async def text_fits(update: Update, text: str) -> bool:
    if not text:
        await say(update, _("The homework text cannot be empty. Please type it:"))
        return False
    if len(text) > MAX_TEXT:
        await say(
            update,
            _(
                "That text is {length} characters long; at most {limit} fit in the parents' "
                "notice. Please shorten it and send it again:"
            ).format(length=len(text), limit=MAX_TEXT),
        )
        return False
    return True


async def after_text(update: Update, context: Ctx, draft: Draft) -> None:
    """On to the kind (only when it cannot be guessed or remembered), the minutes or the
    preview, with the day set to today (before the cut-off) unless already chosen."""
    if draft.data.get("back_to_preview"):
        await show_preview(update, context, draft)
        return
    if not draft.data.get("evening"):
        dialogs.update_dialog(draft.dialog, evening=first_evening(context, draft).isoformat())
    kind = await default_kind(context, draft)
    if kind is None:
        dialogs.update_dialog(draft.dialog, HomeworkStep.KIND)
        await context.session.commit()
        await ask_kind(update, draft)
        return
    dialogs.update_dialog(draft.dialog, kind=kind.value)
    if draft.data.get("minutes"):
        await to_preview(update, context, draft)
        return
    await advance_to_minutes(update, context, draft)


async def default_kind(context: Ctx, draft: Draft) -> HomeworkKind | None:
    """Guessed from the text, else the subject's last kind, else written (it counts against
    the limit, so a wrong default never hides load); None when written is not allowed for a
    chosen class (grades 1-2) and nothing else tells: the teacher is asked."""
    guessed = guess_kind(draft.data["text"])
    if guessed is None:
        remembered = await hw.teacher_default(
            context.session, draft.dialog.user_id, int(draft.data["subject_id"])
        )
        guessed = HomeworkKind(remembered.kind) if remembered is not None else None
    kind = guessed or HomeworkKind.WRITTEN
    day = first_evening(context, draft)
    caps = hw.caps_of(draft.school)
    no_written = any(
        cap_for(caps, k.grade, day, draft.calendar).minutes == 0 for k in draft.classes
    )
    if kind == HomeworkKind.WRITTEN and no_written:
        return None
    return kind


async def shortcut(update: Update, context: Ctx) -> bool:
    """'练习册第12页 20分钟' without /assign, from a teacher of exactly one class and subject."""
    message = update.effective_message
    if message is None or not message.text or update.effective_user is None:
        return False
    split = split_minutes_suffix(message.text)
    if split is None:
        return False
    pairs = await hw.teaching_pairs(context.session, update.effective_user.id)
    if len(pairs) != 1:
        return False
    klass, subject = pairs[0]
    dialog = await dialogs.start_dialog(
        context.session,
        update.effective_user.id,
        DIALOG,
        HomeworkStep.TEXT,
        {
            "subject_id": subject.id,
            "offered": [klass.id],
            "class_ids": [klass.id],
            "class_id": klass.id,
        },
        now=context.now(),
    )
    await on_text(update, context, dialog)
    return True
