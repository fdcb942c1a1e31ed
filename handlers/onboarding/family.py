"""/addchild: a parent links another child (through the class's link) or makes a one-time link
for their child's other parent (redeemed in start.py, so the child is not duplicated)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from telegram import Update

from bot.domain.roles import InviteRole
from bot.i18n import _, ngettext
from handlers.kit.callbacks import CallbackData
from handlers.kit.context import Ctx
from handlers.kit.gate import current_user
from handlers.kit.replies import Rows, answer, refuse_stale, say
from handlers.onboarding.links import invite_link
from storage import repo
from storage.models import Child, Invite, ParentLink, SchoolClass

FAMILY_INVITE_DAYS = 7


@dataclass(frozen=True)
class FamilyInviteButton(CallbackData, prefix="fam"):
    """A parent asks for a link for their child's other parent."""

    child_id: int


async def addchild(update: Update, context: Ctx) -> None:
    """/addchild (a parent's menu): another child joins through the link of their class; a
    child's other parent through a one-time link made here (so the child is not duplicated)."""
    user = await current_user(context, update)
    children = await repo.children_of(context.session, user.id)
    text = _(
        "To link another child, open the invite link of their class: the school gives one "
        "link per class. Ask the class teacher or the school office for it."
    )
    if not children:
        await say(update, text)
        return
    text += "\n\n" + _(
        "Your child's other parent can join with a link made here: it links them to the same "
        "child, works once, and only for a few days. Tap the child's name to make one."
    )
    rows: Rows = [
        [
            (
                _("🔗 {child}").format(child=c.name),
                FamilyInviteButton(c.child_id),
            )
        ]
        for c in children
    ]
    await say(update, text, rows)


async def on_family_invite(update: Update, context: Ctx, data: FamilyInviteButton) -> None:
    session = context.session
    user = await current_user(context, update)
    link = await session.get(ParentLink, (user.id, data.child_id))
    child = await session.get(Child, data.child_id)
    klass = await session.get(SchoolClass, child.class_id) if child else None
    if link is None or child is None or klass is None:
        await refuse_stale(update)
        return
    invite = await make_family_invite(context, user.id, child, klass)
    await session.commit()
    await answer(update)
    await say(
        update,
        ngettext(
            "Send this link to {child}'s other parent. It works once, for {n} day:\n{link}",
            "Send this link to {child}'s other parent. It works once, for {n} days:\n{link}",
            FAMILY_INVITE_DAYS,
        ).format(child=child.name, n=FAMILY_INVITE_DAYS, link=invite_link(context, invite.code)),
        edit=True,
    )


async def make_family_invite(
    context: Ctx, parent_id: int, child: Child, klass: SchoolClass
) -> Invite:
    """A one-time link, valid for a few days, that links its user to `child`. Not committed."""
    return await repo.create_invite(
        context.session,
        role=InviteRole.PARENT,
        created_by=parent_id,
        now=context.now(),
        valid_for=timedelta(days=FAMILY_INVITE_DAYS),
        max_uses=1,
        school_id=klass.school_id,
        class_id=klass.id,
        child_id=child.id,
    )
