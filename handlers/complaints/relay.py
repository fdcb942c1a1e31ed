"""Relaying both ways after an action: the complainant's words and ratings to the staff who
have the complaint now, staff replies, questions and summaries to the complainant.

The bot always sends its own message (never a forward), so staff never see an anonymous
complainant's account.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from telegram import Bot

from bot.domain.complaints import ComplaintAction, ComplaintActor, ComplaintStatus
from bot.i18n import _, use_locale
from handlers.complaints.delivery import deliver_photos
from handlers.complaints.escalation import announce_escalation
from handlers.complaints.notify import audience, tell_complainant, tell_staff
from handlers.kit.context import AsyncSession, Ctx
from handlers.kit.gate import user_locale
from storage.models import Complaint, School

Relayed = Callable[[str, str | None], str]
"""(code, text) -> the relayed message, rendered in the recipient's locale."""


@dataclass(frozen=True)
class StaffNotice:
    """What the staff are told of a complainant's action: a header, maybe the card and buttons."""

    header: Relayed
    card: bool
    buttons: bool


TO_STAFF: dict[ComplaintAction, StaffNotice] = {
    ComplaintAction.ADD_INFO: StaffNotice(
        lambda code, text: _("{code}: the parent adds:\n{text}").format(
            code=code, text=text or "[" + _("photo") + "]"
        ),
        card=False,
        buttons=True,
    ),
    ComplaintAction.WITHDRAW: StaffNotice(
        lambda code, text: _("{code} was withdrawn by the parent.").format(code=code),
        card=False,
        buttons=False,
    ),
    ComplaintAction.RATE_RESOLVED: StaffNotice(
        lambda code, text: _("{code}: the parent rated the outcome as resolved. Closed.").format(
            code=code
        ),
        card=False,
        buttons=False,
    ),
    ComplaintAction.RATE_UNRESOLVED: StaffNotice(
        lambda code, text: _("{code}: the parent says it is not resolved. Reopened.").format(
            code=code
        ),
        card=True,
        buttons=True,
    ),
}
TO_COMPLAINANT: dict[ComplaintAction, Relayed] = {
    ComplaintAction.REPLY: lambda code, text: _("Reply on {code}:\n{text}").format(
        code=code, text=text or ""
    ),
    ComplaintAction.ASK: lambda code, text: _(
        "Question on {code} — please answer with “Add information”:\n{text}"
    ).format(code=code, text=text or ""),
    ComplaintAction.RESOLVE: lambda code, text: _(
        "{code} is resolved. Summary:\n{text}\n\nIs it resolved for you? Please rate the outcome."
    ).format(code=code, text=text or ""),
}
"""Staff actions whose text the complainant gets; for the others, only the status line."""


async def relay(
    context: Ctx,
    complaint: Complaint,
    school: School,
    action: ComplaintAction,
    actor: ComplaintActor,
    text: str | None,
    photo: str | None,
    changed: bool,
) -> None:
    """Tell the other side: the handlers for the complainant's actions, the complainant for
    staff actions; supervisors get escalations with the history."""
    if actor == ComplaintActor.COMPLAINANT:
        await relay_to_staff(context.bot, context.session, complaint, school, action, text, photo)
    else:
        await relay_to_complainant(context.bot, context.session, complaint, action, text, changed)


async def relay_to_staff(
    bot: Bot,
    session: AsyncSession,
    complaint: Complaint,
    school: School,
    action: ComplaintAction,
    text: str | None,
    photo: str | None,
) -> None:
    if action == ComplaintAction.RATE_UNRESOLVED and complaint.status == ComplaintStatus.ESCALATED:
        await announce_escalation(bot, session, complaint, automatic=False)
        return
    notice = TO_STAFF.get(action)
    if notice is None:
        return
    code = complaint.code
    await tell_staff(
        bot,
        session,
        complaint,
        lambda: notice.header(code, text),
        card=notice.card,
        buttons=notice.buttons,
    )
    if action == ComplaintAction.ADD_INFO and photo is not None:
        for user in await audience(session, complaint, school):
            with use_locale(user_locale(user)):
                await deliver_photos(
                    bot, session, user, [photo], _("{code}: photos").format(code=code)
                )


async def relay_to_complainant(
    bot: Bot,
    session: AsyncSession,
    complaint: Complaint,
    action: ComplaintAction,
    text: str | None,
    changed: bool,
) -> None:
    """The complainant is told; escalation and returns also tell the other level."""
    code = complaint.code
    if action == ComplaintAction.ESCALATE:
        await announce_escalation(bot, session, complaint, automatic=False)
        return
    if action == ComplaintAction.RETURN:
        await tell_staff(
            bot,
            session,
            complaint,
            lambda: _("↩ The district sent {code} back to the school. Instruction:\n{text}").format(
                code=code, text=text or ""
            ),
            history=True,
            photos=True,
        )
        await tell_complainant(bot, session, complaint)
        return
    relayed = TO_COMPLAINANT.get(action)
    body = (lambda: relayed(code, text)) if relayed is not None else None
    await tell_complainant(bot, session, complaint, body, status_changed=changed or body is None)
