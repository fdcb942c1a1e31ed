"""Telling the school office when someone joins: one message to each administrator, in their
own language (the person who joined is not told about themselves). A child named in a class
without a list says it waits for their confirmation (/members)."""

from __future__ import annotations

from bot.domain.roles import InviteRole
from bot.i18n import _, use_locale
from handlers.kit.context import Ctx
from handlers.kit.gate import user_locale
from handlers.kit.replies import send_to
from handlers.onboarding.invite_labels import role_label
from storage import members
from storage.models import Child, SchoolClass, User


async def tell_office(
    context: Ctx,
    school_id: int,
    who: User,
    role: str,
    *,
    klass: SchoolClass | None = None,
    child: Child | None = None,
) -> None:
    """Each administrator of the school hears that `who` joined as `role` (a parent: with the
    class and child). Done after the joining is committed: a lost message loses no joining."""
    for admin in await members.school_admins(context.session, school_id):
        if admin.id == who.id:
            continue
        with use_locale(user_locale(admin)):
            await send_to(context, admin, joined_text(who, role, klass, child))


def joined_text(who: User, role: str, klass: SchoolClass | None, child: Child | None) -> str:
    if role != InviteRole.PARENT or klass is None or child is None:
        return _("{name} joined as a {role}. /members lists the school's people.").format(
            name=who.display_name, role=role_label(role)
        )
    text = _("{name} joined class {klass} as a parent of {child}.").format(
        name=who.display_name, klass=klass.name, child=child.name
    )
    if child.pending:
        text += "\n" + _(
            "{child} is not on a class list: please confirm the child in /members. Until "
            "then their reports do not count in any figure."
        ).format(child=child.name)
    return text
