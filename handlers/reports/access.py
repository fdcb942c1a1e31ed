"""Who may see the figures of a scope: /reports, /export, the weekly reports and the
dashboard (handlers/dashboard) all ask these, with the roles loaded for the request."""

from __future__ import annotations

from bot.domain.periods import Scope, ScopeKind
from bot.domain.roles import Roles
from handlers.kit.context import AsyncSession
from storage.models import School, SchoolClass


def sees_reports(roles: Roles) -> bool:
    """Whether /reports and /export offer anything: an administered school or a district."""
    return bool(roles.admin_schools or roles.supervisor_districts)


async def school_allowed(session: AsyncSession, roles: Roles, school_id: int) -> School | None:
    """The school when the user administers it or supervises its district."""
    school = await session.get(School, school_id)
    if school is None:
        return None
    if school.id in roles.admin_schools or school.district_id in roles.supervisor_districts:
        return school
    return None


async def allowed(session: AsyncSession, roles: Roles, scope: Scope) -> bool:
    """May this user see reports and exports of `scope`?"""
    if scope.kind is ScopeKind.DISTRICT:
        return scope.district_id in roles.supervisor_districts
    school_id = scope.school_id
    if scope.kind is ScopeKind.CLASS:
        klass = await session.get(SchoolClass, scope.class_id)
        if klass is None:
            return False
        school_id = klass.school_id
    assert school_id is not None
    return await school_allowed(session, roles, school_id) is not None
