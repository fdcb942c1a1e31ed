"""Text a complainant types outside any step that belongs to a complaint.

A Telegram reply to a message the bot sent about a complaint (it names the complaint's code)
is added to that complaint at once: the reply says which. Other text, while the school is
waiting for the complainant's details (their most recent complaint in `info_requested`), is
only offered: "Add this to complaint C-…?"; nothing is kept on the complaint until Yes. The
offer is an optional step: anything else the person does closes it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from telegram import Update

from bot.domain.complaints import MAX_TEXT, ComplaintAction
from bot.i18n import _
from handlers.complaints.actions import act
from handlers.complaints.card import Pressed, allowed_now, load_pressed
from handlers.complaints.filing import text_and_photo
from handlers.kit.callbacks import CallbackData
from handlers.kit.context import Ctx
from handlers.kit.gate import current_user
from handlers.kit.replies import answer, refuse_stale, say
from handlers.kit.router import dialog_for
from storage import complaints as store
from storage import dialogs
from storage.models import Dialog

DIALOG = "complaint_followup"


class FollowupStep(enum.StrEnum):
    CONFIRM = "confirm"


@dataclass(frozen=True)
class FollowupButton(CallbackData, prefix="cp.y"):
    """Yes (add the held text to the complaint) or No, for the offer with this token."""

    token: str
    add: bool


def takes_no_text(_text: str | None) -> bool:
    """The offer is answered by its buttons only: typing anything closes it (and the new text
    is read afresh)."""
    return False


async def add_info(update: Update, context: Ctx, p: Pressed, text: str, photo: str | None) -> None:
    """Add the text (or photo) to the complaint as the complainant, if it is still open."""
    a = allowed_now(p, ComplaintAction.ADD_INFO)
    if a is None:
        await say(update, _("{code} is closed; nothing was added.").format(code=p.complaint.code))
        return
    if len(text) > MAX_TEXT:
        await say(
            update,
            _(
                "That text is {length} characters long; the limit is {limit}. Please shorten it "
                "and send it again:"
            ).format(length=len(text), limit=MAX_TEXT),
        )
        return
    await act(update, context, a.complaint, a.school, a.action, a.actor, a.user.id, text, photo)


async def on_reply(update: Update, context: Ctx, code: str) -> bool:
    """A reply to a message about complaint `code`: added, if the sender filed it."""
    complaint = await store.complaint_by_code(context.session, code)
    p = await load_pressed(update, context, complaint.id) if complaint is not None else None
    if p is None or not p.access.complainant:
        return False
    text, photo = text_and_photo(update)
    if not text and photo is None:
        return False
    await add_info(update, context, p, text, photo)
    return True


async def offer_to_add(update: Update, context: Ctx) -> bool:
    """Text while the school waits for the sender's details: asked before it is added."""
    user = await current_user(context, update)
    complaint = await store.awaiting_info(context.session, user.id)
    text, photo = text_and_photo(update)
    if complaint is None or (not text and photo is None):
        return False
    dialog = await dialogs.start_dialog(
        context.session,
        user.id,
        DIALOG,
        FollowupStep.CONFIRM,
        {"complaint_id": complaint.id, "text": text, "photo": photo},
        now=context.now(),
    )
    await context.session.commit()
    await say(
        update,
        _("Add this to complaint {code}? The school asked you for details.").format(
            code=complaint.code
        ),
        [
            [
                (_("Yes, add it"), FollowupButton(dialog.token, add=True)),
                (_("No"), FollowupButton(dialog.token, add=False)),
            ]
        ],
    )
    return True


async def on_text_at_offer(update: Update, context: Ctx, dialog: Dialog) -> None:
    """Never called: `takes_no_text` sends every message at the offer elsewhere."""


async def on_answer(update: Update, context: Ctx, data: FollowupButton) -> None:
    dialog = await dialog_for(context, update, DIALOG, data.token)
    if dialog is None:
        return
    await dialogs.end_dialog(context.session, dialog.user_id)
    await context.session.commit()
    if not data.add:
        await answer(update)
        await say(update, _("Not added. Nothing was sent to the school."), edit=True)
        return
    p = await load_pressed(update, context, dialog.data.get("complaint_id"))
    if p is None or not p.access.complainant:
        await refuse_stale(update)
        return
    await answer(update)
    photo = dialog.data.get("photo")
    await add_info(update, context, p, str(dialog.data.get("text", "")), photo or None)
