"""The buttons on a complaint (routed by `ComplaintCardButton.do` in handlers.registry) and
the text an action asks for (the dialog `DIALOG`, one step per action).

Every press re-checks the presser's rights against the complaint as it is now: the
complainant, a complaint handler or admin of its school (school level), a supervisor of its
district (district level); anything else is refused as stale.
"""

from __future__ import annotations

from dataclasses import dataclass

from telegram import Update

from bot.domain.complaints import (
    MAX_TEXT,
    MIN_REASON,
    ComplaintAction,
    ComplaintActor,
    transition,
)
from bot.i18n import _
from handlers.complaints.access import Access, access_of, actor_for, staff_actor, was_returned
from handlers.complaints.actions import act
from handlers.complaints.payloads import ACTION_OF, ComplaintCardAction, ComplaintCardButton
from handlers.complaints.render import (
    button_label,
    complainant_card,
    complainant_rows,
    load_view,
    staff_card,
    staff_rows,
    text_prompt,
)
from handlers.kit.context import Ctx
from handlers.kit.gate import current_user
from handlers.kit.replies import Rows, answer, pack_lines, refuse_stale, say
from storage import dialogs
from storage.models import Complaint, Dialog, School, User

DIALOG = "complaint_message"
"""The text of a reply, question, summary, instruction, abusive-close reason or addition; its
step is the action."""


@dataclass(frozen=True)
class Pressed:
    """A press on an existing complaint, with what the presser is to it."""

    user: User
    complaint: Complaint
    school: School
    access: Access


@dataclass(frozen=True)
class Allowed:
    """An action the presser may do on the complaint now, and as whom."""

    user: User
    complaint: Complaint
    school: School
    action: ComplaintAction
    actor: ComplaintActor


async def load_pressed(update: Update, context: Ctx, complaint_id: object) -> Pressed | None:
    """The complaint and the user's rights to it; None if it does not exist."""
    session = context.session
    user = await current_user(context, update)
    complaint = await session.get(Complaint, complaint_id) if complaint_id is not None else None
    school = await session.get(School, complaint.school_id) if complaint is not None else None
    if complaint is None or school is None:
        return None
    return Pressed(user, complaint, school, await access_of(context, user.id, complaint, school))


async def pressed(update: Update, context: Ctx, complaint_id: int) -> Pressed | None:
    """`load_pressed`, refusing a press on a complaint that does not exist."""
    p = await load_pressed(update, context, complaint_id)
    if p is None:
        await refuse_stale(update)
    return p


def allowed_now(p: Pressed, action: ComplaintAction) -> Allowed | None:
    """The action as `p`'s presser may do it now, or None."""
    c = p.complaint
    actor = actor_for(p.access, c, action)
    if actor is None:
        return None
    move = transition(
        c.status, c.level, action, actor, c.unresolved_ratings, returned=was_returned(c)
    )
    if move is None:
        return None
    return Allowed(p.user, c, p.school, action, actor)


async def allowed(update: Update, context: Ctx, data: ComplaintCardButton) -> Allowed | None:
    """The pressed action if the presser may do it now; else None, after a refusal (stale for
    someone without the right, "changed meanwhile" for someone whose move is gone)."""
    p = await pressed(update, context, data.complaint_id)
    if p is None:
        return None
    action = ACTION_OF[data.do]
    if actor_for(p.access, p.complaint, action) is None:
        await refuse_stale(update)
        return None
    found = allowed_now(p, action)
    if found is None:
        await answer(update, _("This ticket has changed meanwhile; nothing was done."), alert=True)
    return found


async def say_lines_with_rows(update: Update, text: str, rows: Rows) -> None:
    """A card that may be long: the text in as many messages as needed, buttons on the last."""
    chunks = pack_lines(text.split("\n"))
    for chunk in chunks[:-1]:
        await say(update, "\n".join(chunk))
    await say(update, "\n".join(chunks[-1]), rows or None)


# ---------------------------------------------------------------- buttons


async def on_history(update: Update, context: Ctx, data: ComplaintCardButton) -> None:
    """Staff: the card with its history and the buttons they have now."""
    p = await pressed(update, context, data.complaint_id)
    if p is None:
        return
    if not p.access.staff:
        await refuse_stale(update)
        return
    await answer(update)
    v = await load_view(context.session, p.complaint, events=True)
    await say_lines_with_rows(
        update,
        staff_card(v, history=True),
        staff_rows(p.complaint, staff_actor(p.access, p.complaint), with_history=False),
    )


async def on_thread(update: Update, context: Ctx, data: ComplaintCardButton) -> None:
    """The complainant: their complaint with its thread."""
    p = await pressed(update, context, data.complaint_id)
    if p is None:
        return
    if not p.access.complainant:
        await refuse_stale(update)
        return
    await answer(update)
    v = await load_view(context.session, p.complaint, events=True)
    await say_lines_with_rows(
        update,
        complainant_card(v, history=True),
        complainant_rows(p.complaint, with_thread=False),
    )


async def on_text_action(update: Update, context: Ctx, data: ComplaintCardButton) -> None:
    """Reply, ask, resolve, send back, close as abusive (the reason), add information: ask for
    the text first."""
    a = await allowed(update, context, data)
    if a is None:
        return
    await answer(update)
    await dialogs.start_dialog(
        context.session,
        a.user.id,
        DIALOG,
        a.action.value,
        {"complaint_id": a.complaint.id, "action": a.action.value},
        now=context.now(),
    )
    await context.session.commit()
    await say(update, text_prompt(a.action, a.complaint))


async def on_confirm(update: Update, context: Ctx, data: ComplaintCardButton) -> None:
    """Withdraw: asked again, with a button that confirms."""
    a = await allowed(update, context, data)
    if a is None:
        return
    await answer(update)
    confirm = ComplaintCardAction.WITHDRAW_OK
    question = _("Withdraw your complaint {code}? The school is told it was withdrawn.").format(
        code=a.complaint.code
    )
    await say(
        update,
        question,
        [[(button_label(confirm), ComplaintCardButton(a.complaint.id, confirm))]],
    )


async def on_action(update: Update, context: Ctx, data: ComplaintCardButton) -> None:
    """Take, escalate, a confirmed withdrawal, a rating, a contest: done at once."""
    a = await allowed(update, context, data)
    if a is None:
        return
    await answer(update)
    await act(update, context, a.complaint, a.school, a.action, a.actor, a.user.id, None)


# ---------------------------------------------------------------- the text an action asks for


async def dialog_action(update: Update, context: Ctx, dialog: Dialog) -> Allowed | None:
    """The dialog's action if it is still allowed; None (dialog ended, user told) if not."""
    try:
        action: ComplaintAction | None = ComplaintAction(str(dialog.data.get("action")))
    except ValueError:
        action = None
    p = await load_pressed(update, context, dialog.data.get("complaint_id"))
    found = allowed_now(p, action) if p is not None and action is not None else None
    if found is None:
        await dialogs.end_dialog(context.session, dialog.user_id)
        await context.session.commit()
        await say(update, _("This ticket has changed meanwhile; nothing was sent."))
    return found


async def on_text(update: Update, context: Ctx, dialog: Dialog) -> None:
    """The text of a reply, question, summary, instruction, reason or addition; then it is
    relayed."""
    message = update.effective_message
    assert message is not None
    a = await dialog_action(update, context, dialog)
    if a is None:
        return
    photo = message.photo[-1].file_id if message.photo else None
    text = ((message.caption if message.photo else message.text) or "").strip()
    if photo is not None and a.action != ComplaintAction.ADD_INFO:
        await say(update, _("Please type it as text:"))
        return
    if not text and photo is None:
        await say(update, _("The text cannot be empty. Please type it:"))
        return
    if a.action == ComplaintAction.ABUSIVE and len(text) < MIN_REASON:
        await say(
            update,
            _(
                "A complaint is closed as abusive only with a reason of at least {minimum} "
                "characters; the district supervisors read it. Please type the reason, or "
                "/cancel:"
            ).format(minimum=MIN_REASON),
        )
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
    await dialogs.end_dialog(context.session, a.user.id)
    await act(update, context, a.complaint, a.school, a.action, a.actor, a.user.id, text, photo)
