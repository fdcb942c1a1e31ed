"""/invites: the live invite links this person may see, each with its revoke button."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import Update

from bot.i18n import _, ngettext
from handlers.kit.callbacks import CallbackData
from handlers.kit.context import Ctx
from handlers.kit.gate import current_user, roles_of
from handlers.kit.replies import Button, answer, pack_lines, refuse_stale, say
from handlers.onboarding.invite_labels import expiry_label, role_label, scope_label
from handlers.onboarding.links import invite_link
from storage import repo
from storage.models import Invite

MAX_SCOPE_CHARS = 200


@dataclass(frozen=True)
class InviteRevokeButton(CallbackData, prefix="iv.x"):
    invite_id: int


async def invites_command(update: Update, context: Ctx) -> None:
    user = await current_user(context, update)
    roles = await roles_of(context, user.id)
    if not roles.owner and not roles.admin_schools:
        await say(update, _("Only school administrators and owners can create invite links."))
        return
    live = await repo.invites_visible_to(context.session, roles, user.id, context.now())
    if not live:
        await say(update, _("There are no active invite links. Create one with /invite."))
        return
    entries: list[tuple[str, Button]] = []
    for n, inv in enumerate(live, 1):
        uses = (
            _("used {uses} of {max} times").format(uses=inv.uses, max=inv.max_uses)
            if inv.max_uses
            else ngettext("used {uses} time", "used {uses} times", inv.uses).format(uses=inv.uses)
        )
        scope = await scope_label(context, inv)
        if len(scope) > MAX_SCOPE_CHARS:
            scope = scope[: MAX_SCOPE_CHARS - 1] + "…"
        expiry = await expiry_label(context, user.id, inv)
        line = (
            f"{n}. {role_label(inv.role)} — {scope}; {uses}; "
            f"{expiry}\n   {invite_link(context, inv.code)}"
        )
        entries.append((line, (_("Revoke {n}").format(n=n), InviteRevokeButton(inv.id))))
    # Long lists go out in several messages, each with the revoke buttons of its own links.
    lines = [_("Active invite links:")] + [line for line, _button in entries]
    start = 0
    for chunk in pack_lines(lines):
        count = len(chunk) - (1 if start == 0 else 0)
        buttons = [button for _line, button in entries[start : start + count]]
        start += count
        rows = [buttons[i : i + 4] for i in range(0, len(buttons), 4)]
        await say(update, "\n".join(chunk), rows)


async def on_revoke(update: Update, context: Ctx, data: InviteRevokeButton) -> None:
    session = context.session
    user = await current_user(context, update)
    roles = await roles_of(context, user.id)
    inv = await session.get(Invite, data.invite_id)
    allowed = inv is not None and (
        roles.owner
        or inv.created_by == user.id
        or (inv.school_id is not None and roles.administers(inv.school_id))
    )
    if inv is None or not allowed or inv.revoked_at is not None:
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
