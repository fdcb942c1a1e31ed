"""Escalation to the district: by the school, by a second "not resolved" rating, or by the
deadline check. Supervisors get the card with its history and buttons; the school and the
complainant are told who has it now."""

from __future__ import annotations

import logging
from datetime import datetime

from telegram import Bot

from bot.domain.complaints import ComplaintActor, ComplaintLevel, ComplaintStatus
from bot.i18n import _
from handlers.complaints.notify import tell_complainant, tell_staff
from handlers.kit.context import AsyncSession
from storage import complaints as store
from storage.models import Complaint

log = logging.getLogger(__name__)


async def escalate(
    bot: Bot,
    session: AsyncSession,
    complaint: Complaint,
    *,
    actor: ComplaintActor,
    actor_id: int | None,
    now: datetime,
    kind: str = "escalated",
) -> bool:
    """Move the complaint to the district and tell the supervisors (card, history, buttons), the
    school and the complainant. False when the complaint changed meanwhile."""
    previous = complaint.status
    moved = await store.change_status(
        session,
        complaint,
        previous,
        ComplaintStatus.ESCALATED,
        ComplaintLevel.DISTRICT,
        now,
        escalated_at=now,
    )
    if not moved:
        return False
    await store.add_event(
        session, complaint, actor_id, actor, kind, now, status=ComplaintStatus.ESCALATED
    )
    await session.commit()
    await announce_escalation(bot, session, complaint, automatic=kind == "auto_escalated")
    return True


async def announce_escalation(
    bot: Bot, session: AsyncSession, complaint: Complaint, *, automatic: bool
) -> None:
    def header() -> str:
        if automatic:
            return _("⬆ Escalated to the district: the school did not respond by the deadline.")
        return _("⬆ Escalated to the district.")

    await tell_staff(bot, session, complaint, header, history=True, photos=True)
    school_staff = await store.school_handlers(session, complaint.school_id)
    await tell_staff(
        bot,
        session,
        complaint,
        lambda: _("{code} is now handled by the district supervisors.").format(code=complaint.code),
        recipients=school_staff,
        card=False,
        buttons=False,
    )
    await tell_complainant(bot, session, complaint)
    await session.commit()
    log.info("complaint %s escalated%s", complaint.code, " automatically" if automatic else "")
