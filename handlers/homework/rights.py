"""Who may change or decide on a piece of homework, and who hears of it."""

from __future__ import annotations

from bot.domain.roles import Role
from handlers.kit.context import Ctx
from handlers.kit.gate import roles_of
from storage import repo, staff
from storage.models import Assignment, SchoolClass, User


async def may_change(context: Ctx, user_id: int, assignment: Assignment) -> bool:
    """The author, the class's grade leader(s) and the school's admins may change a piece."""
    if assignment.teacher_id == user_id:
        return True
    return await may_decide(context, user_id, assignment)


async def may_decide(context: Ctx, user_id: int, assignment: Assignment) -> bool:
    """The class's grade leader(s) and the school's admins approve or reject a piece."""
    klass = await context.session.get(SchoolClass, assignment.class_id)
    if klass is None:
        return False
    roles = await roles_of(context, user_id)
    return roles.leads_grade(klass.school_id, klass.grade) or roles.administers(klass.school_id)


async def leaders_of(context: Ctx, klass: SchoolClass, *, admins: bool) -> list[User]:
    """The class's grade leaders, plus the school's admins when asked or when no one leads."""
    rows = await staff.leaders_and_admins(context.session, {klass.school_id})
    leaders = {
        u for u, role, _s, grade in rows if role == Role.GRADE_LEADER and grade == klass.grade
    }
    admin_ids = {u for u, role, _s, _grade in rows if role == Role.SCHOOL_ADMIN}
    wanted = leaders | (admin_ids if admins or not leaders else set())
    return list((await repo.users_by_ids(context.session, wanted)).values())
