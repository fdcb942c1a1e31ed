"""Doing an allowed action on a complaint: the conditional status change, its event, the
actor's confirmation and the relay to the other side."""

from __future__ import annotations

import logging
from datetime import datetime

from telegram import Update

from bot.domain.calendar import SchoolCalendar
from bot.domain.complaints import (
    DISTRICT_DEADLINE_DAYS,
    ComplaintAction,
    ComplaintActor,
    ComplaintLevel,
    ComplaintStatus,
    Move,
    deadline_for,
    reminder_for,
    transition,
)
from bot.i18n import _
from handlers.complaints.relay import relay
from handlers.complaints.render import status_line
from handlers.kit.context import Ctx
from handlers.kit.replies import say
from storage import complaints as store
from storage import homework as hw
from storage.models import Complaint, School

log = logging.getLogger(__name__)

EVENT_KIND: dict[ComplaintAction, str] = {
    ComplaintAction.TAKE: "taken",
    ComplaintAction.REPLY: "reply",
    ComplaintAction.ASK: "asked",
    ComplaintAction.RESOLVE: "resolved",
    ComplaintAction.ESCALATE: "escalated",
    ComplaintAction.RETURN: "returned",
    ComplaintAction.ABUSIVE: "abusive",
    ComplaintAction.CONTEST: "contested",
    ComplaintAction.ADD_INFO: "info",
    ComplaintAction.WITHDRAW: "withdrawn",
    ComplaintAction.RATE_RESOLVED: "rated_ok",
    ComplaintAction.RATE_UNRESOLVED: "rated_bad",
}
RESPONSES = frozenset({ComplaintAction.REPLY, ComplaintAction.ASK, ComplaintAction.RESOLVE})
"""Staff actions that answer the complainant (the first one stops the deadline)."""
STAFF = frozenset({ComplaintActor.SCHOOL, ComplaintActor.SUPERVISOR})


def new_deadline(
    school: School, calendar: SchoolCalendar, now: datetime, level: ComplaintLevel
) -> dict[str, object]:
    """Fresh deadline values for whoever holds the complaint now: a returned or reopened
    complaint gets the school's full time again, an escalated one the district's. The first
    deadline and first response stay as they are."""
    days = (
        DISTRICT_DEADLINE_DAYS
        if level == ComplaintLevel.DISTRICT
        else school.complaint_deadline_days
    )
    deadline = deadline_for(now, school.timezone, calendar, days)
    values: dict[str, object] = {
        "deadline_at": deadline,
        "remind_at": reminder_for(deadline, school.timezone, now),
        "responded_at": None,
        "reminded_at": None,
        "overdue_at": None,
    }
    if level == ComplaintLevel.SCHOOL:
        values["escalated_at"] = None
    return values


async def changed_values(
    context: Ctx,
    complaint: Complaint,
    school: School,
    action: ComplaintAction,
    move: Move,
    photo: str | None,
    now: datetime,
) -> dict[str, object]:
    """The columns an action sets besides status and level."""
    values: dict[str, object] = {}
    if (
        action == ComplaintAction.RETURN
        or move.escalates
        or (action == ComplaintAction.RATE_UNRESOLVED and move.status == ComplaintStatus.REOPENED)
    ):
        calendar = await hw.calendar_of(context.session, school)
        values = new_deadline(school, calendar, now, move.level)
    if action == ComplaintAction.RETURN and complaint.returned_at is None:
        values["returned_at"] = now
    if action == ComplaintAction.RATE_UNRESOLVED:
        values["unresolved_ratings"] = complaint.unresolved_ratings + 1
    if move.escalates:
        values["escalated_at"] = now
    if action == ComplaintAction.ADD_INFO and photo is not None:
        values["photos"] = [*complaint.photos, photo]
    return values


async def act(
    update: Update,
    context: Ctx,
    complaint: Complaint,
    school: School,
    action: ComplaintAction,
    actor: ComplaintActor,
    actor_id: int,
    text: str | None,
    photo: str | None = None,
) -> None:
    """Do an allowed action: status change (conditional), event, and who is told what."""
    session = context.session
    now = context.now()
    move = transition(
        complaint.status,
        complaint.level,
        action,
        actor,
        complaint.unresolved_ratings,
        returned=complaint.returned_at is not None,
    )
    assert move is not None
    previous = ComplaintStatus(complaint.status)
    values = await changed_values(context, complaint, school, action, move, photo, now)
    moved = await store.change_status(
        session, complaint, previous, move.status, move.level, now, **values
    )
    if not moved:
        await session.commit()
        await say(update, _("This ticket has changed meanwhile; nothing was done."))
        return
    # A school's summary that goes to the district for confirmation is not a response to the
    # complainant; it must not stop the district's deadline.
    proposed = action == ComplaintAction.RESOLVE and move.escalates
    if action in RESPONSES and actor in STAFF and not proposed:
        await store.mark_responded(session, complaint, now)
    event_text = text
    if photo is not None:
        event_text = _("{text} [photo]").format(text=text) if text else _("[photo]")
    changed = move.status != previous
    await store.add_event(
        session,
        complaint,
        actor_id,
        actor,
        "resolve_proposed" if proposed else EVENT_KIND[action],
        now,
        status=move.status if changed else None,
        text=event_text,
    )
    await session.commit()
    log.info("complaint %s: %s by the %s", complaint.code, action.value, actor.value)
    await confirm_to_actor(update, complaint, action, actor, proposed=proposed)
    await relay(context, complaint, school, action, actor, text, photo, changed)
    await session.commit()


async def confirm_to_actor(
    update: Update,
    complaint: Complaint,
    action: ComplaintAction,
    actor: ComplaintActor,
    *,
    proposed: bool = False,
) -> None:
    done: dict[ComplaintAction, str] = {
        ComplaintAction.TAKE: _("You took {code}. The parent is told."),
        ComplaintAction.REPLY: _("Your reply on {code} was sent to the parent."),
        ComplaintAction.ASK: _("Your question on {code} was sent to the parent."),
        ComplaintAction.RESOLVE: _("{code} is resolved; the parent is asked to rate the outcome."),
        ComplaintAction.ESCALATE: _("{code} was escalated to the district supervisors."),
        ComplaintAction.RETURN: _("{code} was sent back to the school with your instruction."),
        ComplaintAction.ABUSIVE: _("{code} was closed as abusive, without a reply."),
        ComplaintAction.CONTEST: _(
            "{code} goes to the district supervisors, who review the close."
        ),
        ComplaintAction.ADD_INFO: _("Added to {code}; the handlers see it."),
        ComplaintAction.WITHDRAW: _("{code} is withdrawn."),
        ComplaintAction.RATE_RESOLVED: _("Thank you. {code} is closed."),
        ComplaintAction.RATE_UNRESOLVED: _("Thank you. {code} is reopened."),
    }
    text = done[action].format(code=complaint.code)
    if action == ComplaintAction.RATE_UNRESOLVED and complaint.status == ComplaintStatus.ESCALATED:
        text = _("Thank you. {code} goes to the district supervisors.").format(code=complaint.code)
    if action == ComplaintAction.ABUSIVE and actor == ComplaintActor.SCHOOL:
        text = _(
            "{code} was closed as abusive. The district supervisors are told, with your reason; "
            "the parent can contest the close."
        ).format(code=complaint.code)
    if proposed:
        text = _(
            "{code}: your summary went to the district supervisors; they close it or send it back."
        ).format(code=complaint.code)
    if actor == ComplaintActor.COMPLAINANT:
        text += "\n" + status_line(complaint)
    await say(update, text)
