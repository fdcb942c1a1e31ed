"""/invites: the live invite links this person may see, a page at a time, each with its revoke
button and its QR code (a printable picture: bot/render/qr.py)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from telegram import Update

from bot.domain.message_limits import MAX_CAPTION, text_length
from bot.domain.paging import Page, clamp_page, page_count
from bot.domain.roles import InviteRole, Roles
from bot.i18n import _, ngettext
from bot.render.qr import invite_qr_png
from handlers.kit.callbacks import CallbackData
from handlers.kit.context import Ctx
from handlers.kit.gate import current_user, roles_of
from handlers.kit.paging import numbered_rows, page_label, paging_rows
from handlers.kit.replies import Button, answer, refuse_stale, say
from handlers.onboarding.invite_labels import expiry_label, role_label, scope_label
from handlers.onboarding.links import invite_link, teaching_summary
from storage import repo
from storage.models import District, Invite, School, SchoolClass
from storage.models import User as UserRow

MAX_SCOPE_CHARS = 200
PAGE_SIZE = 10
"""Links on one page of /invites (each with two buttons: well within one message)."""


@dataclass(frozen=True)
class InviteRevokeButton(CallbackData, prefix="iv.x"):
    invite_id: int


@dataclass(frozen=True)
class InviteQrButton(CallbackData, prefix="iv.q"):
    invite_id: int


@dataclass(frozen=True)
class InvitesPageButton(CallbackData, prefix="iv.p"):
    page: int


async def invites_command(update: Update, context: Ctx) -> None:
    await show_invites(update, context, 0, edit=False)


async def on_page(update: Update, context: Ctx, data: InvitesPageButton) -> None:
    await answer(update)
    await show_invites(update, context, data.page, edit=True)


async def show_invites(update: Update, context: Ctx, number: int, *, edit: bool) -> None:
    user = await current_user(context, update)
    roles = await roles_of(context, user.id)
    if not roles.owner and not roles.admin_schools:
        await say(update, _("Only school administrators and owners can create invite links."))
        return
    now = context.now()
    total = await repo.count_invites_visible_to(context.session, roles, user.id, now)
    if not total:
        await say(update, _("There are no active invite links. Create one with /invite."))
        return
    number = clamp_page(number, total, PAGE_SIZE)
    first = number * PAGE_SIZE
    live = await repo.invites_visible_to(
        context.session, roles, user.id, now, offset=first, limit=PAGE_SIZE
    )
    page = Page(live, number, page_count(total, PAGE_SIZE), total, first)
    head = ngettext("{count} active invite link:", "{count} active invite links:", total).format(
        count=total
    )
    if page.count > 1:
        head += "\n" + page_label(page)
    lines = [head]
    buttons: list[Button] = []
    for n, inv in enumerate(live, first + 1):
        lines.append(await invite_line(context, user.id, n, inv))
        buttons.append((_("Revoke {n}").format(n=n), InviteRevokeButton(inv.id)))
        buttons.append((_("QR {n}").format(n=n), InviteQrButton(inv.id)))
    rows = [*numbered_rows(buttons, 4), *paging_rows(page, InvitesPageButton)]
    await say(update, "\n".join(lines), rows, edit=edit)


async def invite_line(context: Ctx, user_id: int, n: int, inv: Invite) -> str:
    uses = (
        _("used {uses} of {max} times").format(uses=inv.uses, max=inv.max_uses)
        if inv.max_uses
        else ngettext("used {uses} time", "used {uses} times", inv.uses).format(uses=inv.uses)
    )
    scope = await scope_label(context, inv)
    if len(scope) > MAX_SCOPE_CHARS:
        scope = scope[: MAX_SCOPE_CHARS - 1] + "…"
    line = _("{n}. {role} — {scope}; {uses}; {expiry}").format(
        n=n,
        role=role_label(inv.role),
        scope=scope,
        uses=uses,
        expiry=await expiry_label(context, user_id, inv),
    )
    return f"{line}\n   {invite_link(context, inv.code)}"


def may_manage(roles: Roles, user: UserRow, inv: Invite) -> bool:
    return (
        roles.owner
        or inv.created_by == user.id
        or (inv.school_id is not None and roles.administers(inv.school_id))
    )


async def on_revoke(update: Update, context: Ctx, data: InviteRevokeButton) -> None:
    session = context.session
    user = await current_user(context, update)
    roles = await roles_of(context, user.id)
    inv = await session.get(Invite, data.invite_id)
    if inv is None or not may_manage(roles, user, inv) or inv.revoked_at is not None:
        await refuse_stale(update)
        return
    inv.revoked_at = context.now()
    await session.commit()
    await answer(update, _("Revoked."))
    await say(
        update,
        _("The link for a {role} ({scope}) is revoked; it no longer works.").format(
            role=role_label(inv.role), scope=await scope_label(context, inv)
        ),
    )


async def on_qr(update: Update, context: Ctx, data: InviteQrButton) -> None:
    """The link as a QR code picture, the school, role and class written under it."""
    session = context.session
    user = await current_user(context, update)
    roles = await roles_of(context, user.id)
    inv = await session.get(Invite, data.invite_id)
    if inv is None or not may_manage(roles, user, inv) or inv.revoked_at is not None:
        await refuse_stale(update)
        return
    await answer(update)
    title, lines = await qr_texts(context, user.id, inv)
    link = invite_link(context, inv.code)
    png = await asyncio.to_thread(invite_qr_png, link, title, lines)
    chat = update.effective_chat
    assert chat is not None
    await chat.send_photo(png, caption=qr_caption(title, lines, link))


def qr_caption(title: str, lines: list[str], link: str) -> str:
    """The picture's text under Telegram's caption limit; a teacher's long list of classes is
    cut (with "…"), the link never."""
    body = "\n".join([title, *lines])
    room = MAX_CAPTION - text_length(link) - 1
    if text_length(body) > room:
        while text_length(body) > room - 1:
            body = body[: -max(1, (text_length(body) - room) // 2 + 1)]
        body = body.rstrip() + "…"
    return f"{body}\n{link}"


async def qr_texts(context: Ctx, user_id: int, inv: Invite) -> tuple[str, list[str]]:
    """The title (the school, or a supervisor's district) and the lines under the code: the
    role with its grade, class or classes, and how long the link works."""
    session = context.session
    title = ""
    if inv.role == InviteRole.SUPERVISOR and inv.district_id:
        district = await session.get(District, inv.district_id)
        title = district.name if district else ""
    elif inv.school_id:
        school = await session.get(School, inv.school_id)
        title = school.name if school else ""
    role = role_label(inv.role)
    scope = ""
    if inv.class_id:
        klass = await session.get(SchoolClass, inv.class_id)
        scope = klass.name if klass else ""
    elif inv.grade:
        scope = _("grade {n}").format(n=inv.grade)
    elif inv.teaching:
        scope = await teaching_summary(context, [(int(c), int(s)) for c, s in inv.teaching])
    first = _("{role}: {scope}").format(role=role, scope=scope) if scope else role
    return title, [first[:1].upper() + first[1:], await expiry_label(context, user_id, inv)]
