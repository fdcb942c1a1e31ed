"""Telling a complaint's current handlers and its complainant, each in their own language.

Log lines name complaints by code only.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from telegram import Bot

from bot.domain.complaints import ComplaintActor, ComplaintLevel
from bot.i18n import _, use_locale
from handlers.complaints.delivery import deliver_photos, deliver_to
from handlers.complaints.render import (
    complainant_rows,
    load_view,
    staff_card,
    staff_rows,
    status_line,
)
from handlers.kit.context import AsyncSession
from handlers.kit.gate import user_locale
from storage import complaints as store
from storage.models import Complaint, School, User

log = logging.getLogger(__name__)

Render = Callable[[], str]
"""A text rendered later, once per recipient, in the recipient's locale."""


async def audience(session: AsyncSession, complaint: Complaint, school: School) -> list[User]:
    """Who handles the complaint now: the school's handlers and admins, or the district's
    supervisors once it is at district level."""
    if complaint.level == ComplaintLevel.DISTRICT:
        return await store.district_supervisors(session, school.district_id)
    return await store.school_handlers(session, complaint.school_id)


async def tell_staff(
    bot: Bot,
    session: AsyncSession,
    complaint: Complaint,
    header: Render | None,
    *,
    recipients: list[User] | None = None,
    card: bool = True,
    history: bool = False,
    photos: bool = False,
    buttons: bool = True,
    skip: int | None = None,
) -> int:
    """Tell the complaint's current handlers (or `recipients`), each in their language."""
    v = await load_view(session, complaint, events=history)
    users = recipients if recipients is not None else await audience(session, complaint, v.school)
    acting = (
        ComplaintActor.SUPERVISOR
        if complaint.level == ComplaintLevel.DISTRICT
        else ComplaintActor.SCHOOL
    )
    sent = 0
    for user in users:
        if user.id == skip:
            continue
        with use_locale(user_locale(user)):
            parts = [header()] if header is not None else []
            if card:
                parts.append(staff_card(v, history=history))
            rows = staff_rows(complaint, acting) if buttons else None
            if await deliver_to(bot, session, user, "\n\n".join(parts), rows):
                sent += 1
                if photos and complaint.photos:
                    await deliver_photos(
                        bot,
                        session,
                        user,
                        complaint.photos,
                        _("{code}: photos").format(code=complaint.code),
                    )
    if not users:
        log.warning("complaint %s: nobody to tell at %s level", complaint.code, complaint.level)
    return sent


async def tell_complainant(
    bot: Bot,
    session: AsyncSession,
    complaint: Complaint,
    body: Render | None = None,
    *,
    status_changed: bool = True,
    rows: bool = True,
) -> bool:
    """Tell the complainant: their complaint's one status line, and any relayed text."""
    if complaint.complainant_id is None:
        return False
    user = await session.get(User, complaint.complainant_id)
    if user is None:
        return False
    with use_locale(user_locale(user)):
        parts = []
        if body is not None:
            parts.append(body())
        if status_changed:
            parts.append(status_line(complaint))
        return await deliver_to(
            bot,
            session,
            user,
            "\n\n".join(parts),
            complainant_rows(complaint) if rows else None,
        )


async def announce_new(bot: Bot, session: AsyncSession, complaint: Complaint) -> int:
    """Tell the school's handlers and admins of a new complaint (card, photos, buttons); a
    district subject (tutoring) goes to the district's supervisors instead."""
    district = complaint.level == ComplaintLevel.DISTRICT
    return await tell_staff(
        bot,
        session,
        complaint,
        lambda: (
            _("📮 A new complaint for the district (a district subject; the school is not told).")
            if district
            else _("📮 A new complaint for your school.")
        ),
        photos=True,
    )
