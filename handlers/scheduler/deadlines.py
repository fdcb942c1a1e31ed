"""Complaint deadlines, run by the scheduler's tick: reminders and automatic escalation.

Each ticket is reminded at most once and escalated at most once per deadline: the claim is a
conditional UPDATE (`reminded_at` / `escalated_at IS NULL`) in one statement, so two processes
running the check at once never both act on the same ticket.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from telegram import Bot

from bot.domain.complaints import ComplaintActor, ComplaintLevel, ComplaintStatus
from bot.i18n import _
from handlers.complaints.escalation import (
    Why,
    announce_escalation,
    flag_district_overdue,
    start_district_deadline,
)
from handlers.complaints.notify import tell_staff
from handlers.complaints.render import format_when
from storage import complaints as store
from storage.db import SessionMaker
from storage.models import School

log = logging.getLogger(__name__)


def reminder_text(
    code: str, deadline: datetime, tz_name: str, district: bool = False
) -> Callable[[], str]:
    """The reminder, rendered later in each handler's language."""

    def render() -> str:
        if district:
            return _("⏰ Reminder: {code} must be answered by the district by {deadline}.").format(
                code=code, deadline=format_when(deadline, tz_name)
            )
        return _(
            "⏰ Reminder: {code} must be answered by {deadline}; without a response it goes to "
            "the district supervisors."
        ).format(code=code, deadline=format_when(deadline, tz_name))

    return render


async def check_complaint_deadlines(bot: Bot, sessionmaker: SessionMaker, now: datetime) -> int:
    """Escalate tickets past their deadline without a response, remind handlers one school day
    before the deadline, flag district-level tickets past the district's deadline; returns how
    many tickets were escalated, reminded or flagged by this call."""
    async with sessionmaker() as session:
        escalated = await store.claim_due_escalations(session, now)
        reminded = await store.claim_due_reminders(session, now)
        tickets = {c.id: c for c in await store.complaints_by_ids(session, escalated + reminded)}
        for complaint_id in escalated:
            await store.add_event(
                session,
                tickets[complaint_id],
                None,
                ComplaintActor.SYSTEM,
                "auto_escalated",
                now,
                status=ComplaintStatus.ESCALATED,
            )
            await start_district_deadline(session, tickets[complaint_id], now)
        for complaint_id in reminded:
            await store.add_event(
                session, tickets[complaint_id], None, ComplaintActor.SYSTEM, "reminded", now
            )
        await session.commit()
        for complaint_id in escalated:
            complaint = tickets[complaint_id]
            try:
                await announce_escalation(bot, session, complaint, why=Why.DEADLINE)
            except Exception:
                log.exception("ticket %s: could not announce the escalation", complaint.code)
                await session.rollback()
        for complaint_id in reminded:
            complaint = tickets[complaint_id]
            school = await session.get(School, complaint.school_id)
            assert school is not None
            code = complaint.code
            try:
                await tell_staff(
                    bot,
                    session,
                    complaint,
                    reminder_text(
                        code,
                        complaint.deadline_at,
                        school.timezone,
                        complaint.level == ComplaintLevel.DISTRICT,
                    ),
                )
                await session.commit()
            except Exception:
                log.exception("ticket %s: could not send the reminder", code)
                await session.rollback()
            log.info("ticket %s: deadline reminder sent", code)
        overdue = await flag_district_overdue(bot, session, now)
    return len(escalated) + len(reminded) + overdue
