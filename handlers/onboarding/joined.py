"""Telling the school office when someone joins: one message to each administrator, in their
own language (the person who joined is not told about themselves). Joins within the same
few minutes share one message: it is edited to list them all, so a class joining at once
is one message, not forty. A child named in a class without a list says it waits for their
confirmation (/members)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from telegram.error import TelegramError

from bot.domain.roles import InviteRole
from bot.i18n import _, format_list, ngettext, use_locale
from handlers.kit.context import Ctx
from handlers.kit.gate import user_locale
from handlers.kit.replies import send_to
from handlers.kit.sending import mark_unreachable, send
from handlers.onboarding.invite_labels import role_label
from storage import members
from storage.models import Child, SchoolClass, User
from storage.notifications import NotificationKey, SendStatus, claim, record_send

log = logging.getLogger(__name__)

JOIN_WINDOW = timedelta(minutes=10)
"""Joins within one such window (by the clock, from the full hour) share one message."""
CLAIM_TTL = timedelta(seconds=60)


def window_start(now: datetime) -> datetime:
    seconds = JOIN_WINDOW.total_seconds()
    return datetime.fromtimestamp(now.timestamp() // seconds * seconds, UTC)


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
    session = context.session
    now = context.now()
    await members.record_joining(
        session,
        school_id,
        who.id,
        role,
        now,
        class_id=klass.id if klass else None,
        child_id=child.id if child else None,
    )
    await session.commit()
    start = window_start(now)
    joined = await members.joined_since(session, school_id, start)
    for admin in await members.school_admins(session, school_id):
        if admin.id == who.id:
            continue
        key = f"joined:{school_id}:{admin.id}:{int(start.timestamp())}"
        with use_locale(user_locale(admin)):
            seen = [j for j in joined if j.user is None or j.user.id != admin.id]
            text = batch_text(seen) if len(seen) > 1 else joined_text(who, role, klass, child)
            await deliver(context, admin, key, text)


async def deliver(context: Ctx, admin: User, key: str, text: str) -> None:
    """Edit this window's message when there is one; else send it (and remember it)."""
    session = context.session
    message_id = await members.sent_message(session, key)
    if message_id is not None:
        try:
            await context.bot.edit_message_text(text, chat_id=admin.id, message_id=message_id)
            return
        except TelegramError as error:  # too old, deleted by the user: a new message then
            log.info("could not edit the joins message for %s: %s", admin.id, error)
            await send_to(context, admin, text)
            return
    if not admin.reachable:
        return
    claimed = await claim(
        session, NotificationKey(key, admin.id, "joined"), context.now(), CLAIM_TTL
    )
    if claimed.id is None:  # another process is sending this window's message right now
        await send_to(context, admin, text)
        return
    outcome = await send(context.bot, admin.id, text)
    if outcome.status is SendStatus.UNREACHABLE:
        await mark_unreachable(session, admin.id)
    await record_send(
        session, claimed.id, outcome.status, context.now(), message_id=outcome.message_id
    )


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


def batch_text(joined: list[members.Joined]) -> str:
    """Everyone who joined in this window, a line each, and the children to confirm."""
    lines = [
        ngettext(
            "{n} person joined in the last minutes:",
            "{n} people joined in the last minutes:",
            len(joined),
        ).format(n=len(joined))
    ]
    for j in joined:
        name = j.user.display_name if j.user else "?"
        if j.role == InviteRole.PARENT and j.child is not None and j.class_name:
            line = _("{name}: class {klass}, parent of {child}").format(
                name=name, klass=j.class_name, child=j.child.name
            )
        else:
            line = _("{name}: {role}").format(name=name, role=role_label(j.role))
        lines.append("• " + line)
    waiting = [j.child.name for j in joined if j.child is not None and j.child.pending]
    if waiting:
        lines.append(
            _(
                "Not on a class list, waiting for your confirmation in /members (their reports "
                "count in no figure until then): {children}"
            ).format(children=format_list(list(dict.fromkeys(waiting))))
        )
    lines.append(_("/members lists the school's people."))
    return "\n".join(lines)
