"""Relaying both ways after an action: the complainant's words and ratings to the staff who
have the complaint now, staff replies, questions and summaries to the complainant.

The bot always sends its own message (never a forward), so staff never see an anonymous
complainant's account.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from telegram import Bot

from bot.domain.complaints import (
    ComplaintAction,
    ComplaintActor,
    ComplaintLevel,
    ComplaintStatus,
    school_may_see,
)
from bot.i18n import _, use_locale
from handlers.complaints.delivery import deliver_photos
from handlers.complaints.escalation import Why, announce_escalation
from handlers.complaints.notify import audience, tell_complainant, tell_staff
from handlers.kit.context import AsyncSession, Ctx
from handlers.kit.gate import user_locale
from storage import complaints as store
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
            code=code, text=text or _("[photo]")
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
    ComplaintAction.ABUSIVE: lambda code, text: _(
        "{code} was closed as abusive. Reason:\n{text}"
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
        await announce_escalation(bot, session, complaint)
        return
    if action == ComplaintAction.CONTEST:
        await announce_escalation(bot, session, complaint, why=Why.CONTESTED)
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
    """The complainant is told; escalation, returns and the district's outcomes also tell the
    other level."""
    code = complaint.code
    if action == ComplaintAction.ESCALATE:
        await announce_escalation(bot, session, complaint)
        return
    if action == ComplaintAction.RESOLVE and complaint.status == ComplaintStatus.ESCALATED:
        await announce_escalation(bot, session, complaint, why=Why.PROPOSED, text=text)
        return
    if action in (ComplaintAction.ABUSIVE, ComplaintAction.RESOLVE):
        await tell_other_level(bot, session, complaint, action, text)
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


def _other_level_notice(code: str, action: ComplaintAction, level: str, text: str | None) -> str:
    if level == ComplaintLevel.SCHOOL:  # the school closed it as abusive
        return _(
            "🚫 {code} was closed as abusive by the school. Reason:\n{text}\nThe parent can "
            "contest the close; it then comes to you."
        ).format(code=code, text=text or "")
    if action == ComplaintAction.ABUSIVE:
        return _("The district closed {code} as abusive. Reason:\n{text}").format(
            code=code, text=text or ""
        )
    return _("The district resolved {code}. Summary:\n{text}").format(code=code, text=text or "")


async def tell_other_level(
    bot: Bot,
    session: AsyncSession,
    complaint: Complaint,
    action: ComplaintAction,
    text: str | None,
) -> None:
    """An outcome told to the level that did not decide it: the school's abusive close to the
    district's supervisors at once (with the reason), the district's resolution or close to the
    school (unless it is a district subject the school never got)."""
    level = complaint.level
    if level == ComplaintLevel.SCHOOL and action != ComplaintAction.ABUSIVE:
        return  # the school's own resolution stays with the school
    if level == ComplaintLevel.SCHOOL:
        school = await session.get(School, complaint.school_id)
        assert school is not None
        recipients = await store.district_supervisors(session, school.district_id)
    elif school_may_see(complaint.category, complaint.returned_at is not None):
        recipients = await store.school_handlers(session, complaint.school_id)
    else:
        return
    code = complaint.code
    await tell_staff(
        bot,
        session,
        complaint,
        lambda: _other_level_notice(code, action, level, text),
        recipients=recipients,
        card=level == ComplaintLevel.SCHOOL,
        buttons=False,
    )
