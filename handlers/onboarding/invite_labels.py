"""How invites read: role and validity labels, the validity options of a role, a link's scope."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.roles import InviteRole
from bot.i18n import _, ngettext
from handlers.kit.context import Ctx
from handlers.kit.zones import local_when
from handlers.onboarding.links import teaching_summary
from storage.models import District, Invite, School, SchoolClass


@dataclass(frozen=True)
class Validity:
    max_uses: int | None
    days: int | None


STAFF_VALIDITY = (Validity(1, 7), Validity(1, 30), Validity(10, 7))
PARENT_VALIDITY = (Validity(None, 90), Validity(None, None), Validity(1, 7))


def role_label(role: str) -> str:
    labels: dict[str, str] = {
        InviteRole.SUPERVISOR: _("district supervisor"),
        InviteRole.SCHOOL_ADMIN: _("school administrator"),
        InviteRole.GRADE_LEADER: _("grade leader"),
        InviteRole.TEACHER: _("teacher"),
        InviteRole.COMPLAINT_HANDLER: _("complaint handler"),
        InviteRole.PARENT: _("parent"),
    }
    return labels.get(role, role)


def validity_label(v: Validity) -> str:
    if v.max_uses is None:
        uses = _("anyone with the link")
    else:
        uses = ngettext("{n} person", "up to {n} people", v.max_uses).format(n=v.max_uses)
    if v.days is None:
        return _("{uses}, no expiry").format(uses=uses)
    return ngettext("{uses}, {n} day", "{uses}, {n} days", v.days).format(uses=uses, n=v.days)


def validity_options(role: str) -> tuple[Validity, ...]:
    return PARENT_VALIDITY if role == InviteRole.PARENT else STAFF_VALIDITY


async def scope_label(context: Ctx, inv: Invite) -> str:
    session = context.session
    if inv.role == InviteRole.SUPERVISOR and inv.district_id:
        district = await session.get(District, inv.district_id)
        return district.name if district else ""
    school = await session.get(School, inv.school_id) if inv.school_id else None
    parts = [school.name] if school else []
    if inv.grade:
        parts.append(_("grade {n}").format(n=inv.grade))
    if inv.class_id:
        klass = await session.get(SchoolClass, inv.class_id)
        if klass:
            parts.append(klass.name)
    if inv.teaching:
        parts.append(await teaching_summary(context, [(int(c), int(s)) for c, s in inv.teaching]))
    return ", ".join(parts)


async def expiry_label(context: Ctx, user_id: int, inv: Invite) -> str:
    """'until Thu, Feb 25, 2027, 9:19 PM' on the clock of the invite's school (the reader's
    usual one for a district's link), the zone named only when it is not the reader's."""
    if inv.expires_at is None:
        return _("no expiry")
    school = await context.session.get(School, inv.school_id) if inv.school_id else None
    zone = school.timezone if school is not None else None
    return _("until {when}").format(when=await local_when(context, user_id, inv.expires_at, zone))
