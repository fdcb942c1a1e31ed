"""Escalation to the district: by the school, by a second "not resolved" rating, by the deadline
check, by the complainant contesting an abusive close, or by the school's resolution of a
complaint the district sent back (the district confirms it). Supervisors get the card with its
history and buttons; the school and the complainant are told who has it now. Also the district's
own deadline: started at escalation, and flagged once when it passes without a response."""

from __future__ import annotations

import enum
import logging
from datetime import datetime

from telegram import Bot

from bot.domain.complaints import (
    DISTRICT_DEADLINE_DAYS,
    ComplaintActor,
    deadline_for,
    reminder_for,
    school_may_see,
)
from bot.i18n import _
from handlers.complaints.notify import tell_complainant, tell_staff
from handlers.complaints.render import format_when
from handlers.kit.context import AsyncSession
from storage import complaints as store
from storage import homework as hw
from storage.models import Complaint, School

log = logging.getLogger(__name__)


class Why(enum.StrEnum):
    """Why a complaint reached the district (the supervisors' header says so)."""

    ASKED = "asked"  # the school escalated it, or the parent's second "not resolved"
    DEADLINE = "deadline"  # the school did not respond by its deadline
    CONTESTED = "contested"  # the parent contests the school's abusive close
    PROPOSED = "proposed"  # the school reports a returned complaint resolved


def _header(why: Why, code: str, text: str | None) -> str:
    if why == Why.DEADLINE:
        return _("⬆ Escalated to the district: the school did not respond by the deadline.")
    if why == Why.CONTESTED:
        return _(
            "⚖ The parent contests the abusive close of {code}. Review it: send it back to the "
            "school, resolve it, or close it as abusive yourselves."
        ).format(code=code)
    if why == Why.PROPOSED:
        return _(
            "✅ The school reports {code} resolved and asks the district to confirm. Its "
            "summary:\n{text}\nResolve it to confirm, or send it back to the school."
        ).format(code=code, text=text or "")
    return _("⬆ Escalated to the district.")


async def announce_escalation(
    bot: Bot,
    session: AsyncSession,
    complaint: Complaint,
    *,
    why: Why = Why.ASKED,
    text: str | None = None,
) -> None:
    code = complaint.code
    await tell_staff(
        bot, session, complaint, lambda: _header(why, code, text), history=True, photos=True
    )
    if school_may_see(complaint.category, complaint.returned_at is not None):
        await tell_staff(
            bot,
            session,
            complaint,
            lambda: _("{code} is now handled by the district supervisors.").format(code=code),
            recipients=await store.school_handlers(session, complaint.school_id),
            card=False,
            buttons=False,
        )
    if why != Why.CONTESTED:  # the contesting parent's confirmation has the status already
        await tell_complainant(bot, session, complaint)
    await session.commit()
    log.info("complaint %s escalated (%s)", code, why.value)


async def start_district_deadline(
    session: AsyncSession, complaint: Complaint, now: datetime
) -> None:
    """The district's own deadline, from `now` (an escalation by the deadline job)."""
    school = await session.get(School, complaint.school_id)
    assert school is not None
    calendar = await hw.calendar_of(session, school)
    deadline = deadline_for(now, school.timezone, calendar, DISTRICT_DEADLINE_DAYS)
    await store.set_deadline(
        session, complaint, deadline, reminder_for(deadline, school.timezone, now)
    )


async def announce_overdue(bot: Bot, session: AsyncSession, complaint: Complaint) -> None:
    """The district's deadline passed: the supervisors get the card again, the parent is told
    (with the public 12345 hotline)."""
    school = await session.get(School, complaint.school_id)
    assert school is not None
    code, due = complaint.code, format_when(complaint.deadline_at, school.timezone)
    await tell_staff(
        bot,
        session,
        complaint,
        lambda: _(
            "⏰ Overdue: {code} was due for a district response by {deadline}. The parent is told."
        ).format(code=code, deadline=due),
        history=True,
    )
    await tell_complainant(
        bot,
        session,
        complaint,
        lambda: _(
            "{code}: the district supervisors have not responded by their deadline. They are "
            "reminded; you can also call the 12345 hotline."
        ).format(code=code),
        status_changed=False,
    )


async def flag_district_overdue(bot: Bot, session: AsyncSession, now: datetime) -> int:
    """Tell the supervisors again, and the complainant, of every district-level complaint whose
    district deadline passed without a response (once per deadline); returns how many."""
    overdue = await store.claim_due_overdue(session, now)
    tickets = await store.complaints_by_ids(session, overdue)
    for complaint in tickets:
        await store.add_event(session, complaint, None, ComplaintActor.SYSTEM, "overdue", now)
    await session.commit()
    for complaint in tickets:
        code = complaint.code
        try:
            await announce_overdue(bot, session, complaint)
            await session.commit()
        except Exception:
            log.exception("ticket %s: could not announce the district's overdue", code)
            await session.rollback()
        log.info("ticket %s: the district's deadline passed", code)
    return len(tickets)
