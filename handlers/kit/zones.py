"""Whose clock a time is shown on: the school's zone, named only when the reader usually
lives on another one (`bot.i18n.format_local_datetime`)."""

from __future__ import annotations

from datetime import datetime

from bot.i18n import format_local_datetime
from handlers.kit.context import Ctx
from handlers.kit.gate import roles_of
from storage import school as school_store


async def usual_zone(context: Ctx, user_id: int) -> str:
    """The zone a user's day runs on: most of their schools' (those they work in, their
    districts', their children's), else the bot's default zone."""
    roles = await roles_of(context, user_id)
    schools = (
        set(roles.admin_schools)
        | set(roles.handler_schools)
        | set(roles.teacher_schools)
        | {school for school, _grade in roles.grade_leader}
    )
    found = await school_store.usual_zone(
        context.session, schools, roles.supervisor_districts, user_id
    )
    return found or context.settings.default_timezone


async def local_when(
    context: Ctx, user_id: int, moment: datetime, zone: str | None = None, **kwargs: bool
) -> str:
    """`moment` on the clock of `zone` (the user's usual zone when None), for `user_id`."""
    mine = await usual_zone(context, user_id)
    return format_local_datetime(moment, zone or mine, mine, **kwargs)
