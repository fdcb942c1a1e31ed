"""Who may do what on a complaint: the complainant, staff of its school, its district's
supervisors. Every button re-checks this against the complaint as it is now."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.complaints import ComplaintAction, ComplaintActor, ComplaintLevel, school_may_see
from bot.domain.roles import Roles
from handlers.complaints.payloads import COMPLAINANT_ACTIONS
from handlers.kit.context import Ctx
from handlers.kit.gate import roles_of
from storage.models import Complaint, School


@dataclass(frozen=True)
class Access:
    complainant: bool
    school: bool  # complaint handler or admin of the complaint's school, if it may see it
    supervisor: bool  # supervisor of the complaint's district

    @property
    def staff(self) -> bool:
        return self.school or self.supervisor


async def access_of(context: Ctx, user_id: int, complaint: Complaint, school: School) -> Access:
    roles = await roles_of(context, user_id)
    return Access(
        complainant=complaint.complainant_id == user_id,
        school=complaint.school_id in roles.admin_schools | roles.handler_schools
        and school_may_see(complaint.category, was_returned(complaint)),
        supervisor=school.district_id in roles.supervisor_districts,
    )


def was_returned(complaint: Complaint) -> bool:
    """Whether the district has sent the complaint to the school (then only it closes it)."""
    return complaint.returned_at is not None


def staff_actor(access: Access, complaint: Complaint) -> ComplaintActor | None:
    """The kind of staff actor this person is for the complaint at its current level."""
    if complaint.level == ComplaintLevel.SCHOOL and access.school:
        return ComplaintActor.SCHOOL
    if complaint.level == ComplaintLevel.DISTRICT and access.supervisor:
        return ComplaintActor.SUPERVISOR
    return None


def actor_for(
    access: Access, complaint: Complaint, action: ComplaintAction
) -> ComplaintActor | None:
    if action in COMPLAINANT_ACTIONS:
        return ComplaintActor.COMPLAINANT if access.complainant else None
    return staff_actor(access, complaint)


async def staff_scope(context: Ctx, user_id: int) -> tuple[frozenset[int], frozenset[int]]:
    """The schools whose complaints the user handles, and the districts they supervise."""
    return complaint_reach(await roles_of(context, user_id))


def complaint_reach(roles: Roles) -> tuple[frozenset[int], frozenset[int]]:
    """The schools whose complaints these roles handle, and the districts they supervise (the
    listing adds the rule that a school sees a district subject only once it is returned)."""
    return roles.admin_schools | roles.handler_schools, roles.supervisor_districts
