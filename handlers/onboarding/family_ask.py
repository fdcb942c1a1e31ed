"""A parent who opened the class link for a child another parent linked asks that parent for
the family link; the other parent sends it with one tap (or does nothing). The request is a
keyed notification, so the "send" button cannot be forged for someone who never asked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from telegram import Update

from bot.i18n import _, ngettext, use_locale
from handlers.kit.callbacks import CallbackData
from handlers.kit.context import Ctx
from handlers.kit.gate import current_user, user_locale
from handlers.kit.replies import answer, refuse_stale, say, send_to
from handlers.kit.router import dialog_for
from handlers.onboarding.family import FAMILY_INVITE_DAYS, make_family_invite
from handlers.onboarding.links import invite_link
from handlers.onboarding.start import DIALOG, SameNameButton
from storage import dialogs, notifications
from storage import onboarding as onboarding_store
from storage.models import Child, ParentLink, SchoolClass, User
from storage.notifications import NotificationKey, SendStatus

KIND = "family_ask"
ASK_CLAIM = timedelta(minutes=5)  # the ask is sent within the press that claims it


def request_key(child_id: int, requester_id: int) -> str:
    return f"family-ask:{child_id}:{requester_id}"


@dataclass(frozen=True)
class FamilySendButton(CallbackData, prefix="fs"):
    """The linked parent sends their family link to the parent who asked."""

    child_id: int
    requester_id: int


async def on_ask(update: Update, context: Ctx, data: SameNameButton) -> None:
    dialog = await dialog_for(context, update, DIALOG, data.token)
    if dialog is None:
        return
    session = context.session
    child = await session.get(Child, data.child_id)
    parent = await onboarding_store.first_parent(session, data.child_id)
    if (
        child is None
        or parent is None
        or child.class_id != dialog.data.get("class_id")
        or parent.id == dialog.user_id
    ):
        await refuse_stale(update)
        return
    requester = await current_user(context, update)
    key = request_key(child.id, requester.id)
    claimed = await notifications.claim(
        session, NotificationKey(key, parent.id, KIND), context.now(), ASK_CLAIM
    )
    await dialogs.end_dialog(session, requester.id)
    await session.commit()
    await answer(update)
    if claimed.id is None:
        text = _("You have already asked {parent}. The family link will come here.")
        await say(update, text.format(parent=parent.display_name), edit=True)
        return
    with use_locale(user_locale(parent)):
        message = _(
            "{requester} opened the link of class {klass} and says {child} is their child "
            "too. If so, send them your family link: it links them to {child} and works once."
        ).format(
            requester=requester.display_name,
            klass=await class_name(context, child),
            child=child.name,
        )
        label = _("Send my family link to {requester}").format(requester=requester.display_name)
    sent = await send_to(
        context, parent, message, [[(label, FamilySendButton(child.id, requester.id))]]
    )
    status = SendStatus.SENT if sent else SendStatus.UNREACHABLE
    await notifications.record_send(session, claimed.id, status, context.now())
    if sent:
        text = _("I asked {parent}. When they agree, the family link will come here.")
    else:
        text = _(
            "I could not reach {parent}. Please ask them for the family link yourself: "
            "/addchild makes it."
        )
    await say(update, text.format(parent=parent.display_name), edit=True)


async def class_name(context: Ctx, child: Child) -> str:
    klass = await context.session.get(SchoolClass, child.class_id)
    return klass.name if klass is not None else ""


async def on_send(update: Update, context: Ctx, data: FamilySendButton) -> None:
    """Re-checked on the press: the presser is still the child's parent, was asked by this
    requester, and the requester is not linked to the child yet."""
    session = context.session
    user = await current_user(context, update)
    key = request_key(data.child_id, data.requester_id)
    asked = await onboarding_store.was_notified(session, key, user.id)
    child = await session.get(Child, data.child_id)
    klass = await session.get(SchoolClass, child.class_id) if child is not None else None
    requester = await session.get(User, data.requester_id)
    linked = await session.get(ParentLink, (user.id, data.child_id))
    if not asked or linked is None or child is None or klass is None or requester is None:
        await refuse_stale(update)
        return
    if await session.get(ParentLink, (requester.id, child.id)) is not None:
        await answer(update)
        await say(
            update,
            _("{requester} is already linked to {child}.").format(
                requester=requester.display_name, child=child.name
            ),
            edit=True,
        )
        return
    invite = await make_family_invite(context, user.id, child, klass)
    await session.commit()
    await answer(update)
    with use_locale(user_locale(requester)):
        message = ngettext(
            "{parent} sent you the family link for {child}. Open it to be linked to the same "
            "child; it works once, for {n} day:\n{link}",
            "{parent} sent you the family link for {child}. Open it to be linked to the same "
            "child; it works once, for {n} days:\n{link}",
            FAMILY_INVITE_DAYS,
        ).format(
            parent=user.display_name,
            child=child.name,
            n=FAMILY_INVITE_DAYS,
            link=invite_link(context, invite.code),
        )
    if await send_to(context, requester, message):
        text = _("Sent: {requester} got your family link for {child}.")
    else:
        text = _("I could not reach {requester}. Make a link with /addchild and send it yourself.")
    await say(update, text.format(requester=requester.display_name, child=child.name), edit=True)
    await session.commit()
