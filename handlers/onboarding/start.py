"""/start: the welcome, and joining by an invite code (deep link `?start=<code>`)."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from telegram import Update

from bot.domain.roles import InviteRole, Role
from bot.domain.validate import TextError, clean_person_name
from bot.i18n import _, ngettext
from handlers.kit.callbacks import CallbackData
from handlers.kit.context import Ctx
from handlers.kit.gate import current_user, roles_of
from handlers.kit.menus import refresh_menu
from handlers.kit.replies import Rows, answer, refuse_stale, say
from handlers.kit.router import dialog_for
from handlers.onboarding.joined import tell_office
from handlers.onboarding.links import teaching_summary
from storage import dialogs, repo, rosters
from storage import onboarding as onboarding_store
from storage.models import (
    Child,
    Dialog,
    District,
    Invite,
    ParentLink,
    School,
    SchoolClass,
    User,
)

DIALOG = "child"


class JoinStep(enum.StrEnum):
    NAME = "name"


@dataclass(frozen=True)
class RosterPickButton(CallbackData, prefix="rp"):
    """A parent picks their child from the class roster (0 = not listed, type the name)."""

    token: str
    child_id: int


@dataclass(frozen=True)
class SameNameButton(CallbackData, prefix="sn"):
    """The typed name is a child another parent linked: ask them for the family link
    (`ask`), or it is a different child with the same name."""

    token: str
    child_id: int
    ask: bool


async def start(update: Update, context: Ctx) -> None:
    user = await current_user(context, update)
    code = context.args[0] if context.args else None
    if code:
        await join(update, context, code)
        return
    roles = await roles_of(context, user.id)
    if roles.capabilities:
        text = _("Welcome back, {name}! Send /help to see what you can do.").format(
            name=user.first_name
        )
    else:
        text = _(
            'Hello! I am Qingfu (轻负, "light load"). I help schools keep homework within '
            "the limits of policy: teachers post homework with the time it should take, "
            "parents see it each school day, say how long it really took, and can file "
            "complaints that must be answered in time.\n\n"
            "To join, open the invite link your school gave you: teachers get one from the "
            "school office, parents one for their child's class. "
            "Send /language to change the language."
        )
    await say(update, text)
    await refresh_menu(context, context.session, user)


def problem_text(problem: str) -> str:
    return {
        repo.InviteProblem.UNKNOWN: _(
            "This invite link is not valid. Please check that you opened the whole link, "
            "or ask the person who sent it for a new one."
        ),
        repo.InviteProblem.EXPIRED: _(
            "This invite link has expired. Please ask the person who sent it for a new one."
        ),
        repo.InviteProblem.REVOKED: _(
            "This invite link was withdrawn. Please ask the person who sent it for a new one."
        ),
        repo.InviteProblem.USED_UP: _(
            "This invite link has already been used. Please ask the person who sent it for "
            "a new one."
        ),
    }[problem]


async def join(update: Update, context: Ctx, code: str) -> None:
    session = context.session
    user = await current_user(context, update)
    invite = await repo.find_invite(session, code)
    used = invite is not None and await repo.has_used_invite(session, invite.id, user.id)
    problem = repo.invite_problem(invite, context.now(), used)
    if problem is not None or invite is None:
        await say(update, refusal(invite, problem))
        return
    if invite.role == InviteRole.PARENT and invite.child_id is not None:
        await join_family(update, context, invite)
        return
    if invite.role == InviteRole.PARENT:
        await ask_child_name(update, context, invite)
        return
    if not await repo.record_invite_use(session, invite, user.id):
        await say(update, problem_text(repo.InviteProblem.USED_UP))
        return
    text = await grant_staff_role(context, user.id, invite)
    await session.commit()
    await say(update, text + "\n\n" + _("Send /help to see what you can do."))
    await refresh_menu(context, session, user)
    if invite.school_id is not None:
        await tell_office(context, invite.school_id, user, invite.role)


def refusal(invite: Invite | None, problem: str | None) -> str:
    """Why the link does not work; a class link at its use limit says who can raise it."""
    full_class_link = (
        invite is not None
        and problem == repo.InviteProblem.USED_UP
        and invite.class_id is not None
        and invite.child_id is None
        and (invite.max_uses or 0) > 1  # a one-person link was simply used
    )
    if full_class_link and invite is not None:
        return ngettext(
            "This class link is full: {n} parent has joined through it, as many as it "
            "allows. Please ask the school office to raise its limit.",
            "This class link is full: {n} parents have joined through it, as many as it "
            "allows. Please ask the school office to raise its limit.",
            invite.uses,
        ).format(n=invite.uses)
    return problem_text(problem or repo.InviteProblem.UNKNOWN)


async def grant_staff_role(context: Ctx, user_id: int, invite: Invite) -> str:
    """Apply a staff invite; returns the confirmation in the user's language."""
    session = context.session
    role = Role(invite.role)
    school = await session.get(School, invite.school_id) if invite.school_id else None
    if role == Role.SUPERVISOR:
        district = await session.get(District, invite.district_id)
        assert district is not None
        await repo.add_membership(
            session, user_id, role, district_id=district.id, invite_id=invite.id
        )
        return _("You are now a supervisor of the district {district}.").format(
            district=district.name
        )
    assert school is not None
    if role == Role.GRADE_LEADER:
        await repo.add_membership(
            session, user_id, role, school_id=school.id, grade=invite.grade, invite_id=invite.id
        )
        return _("You are now the grade leader of grade {grade} at {school}.").format(
            grade=invite.grade, school=school.name
        )
    await repo.add_membership(session, user_id, role, school_id=school.id, invite_id=invite.id)
    if role == Role.TEACHER:
        # Only pairs whose class and subject still exist: one may have been deleted since.
        class_ids, subject_ids = await onboarding_store.class_and_subject_ids(session, school.id)
        pairs = [
            (int(c), int(s))
            for c, s in invite.teaching
            if int(c) in class_ids and int(s) in subject_ids
        ]
        await repo.add_teaching(session, user_id, pairs)
        return _("You are now a teacher at {school}: {classes}.").format(
            school=school.name, classes=await teaching_summary(context, pairs)
        )
    if role == Role.COMPLAINT_HANDLER:
        return _("You now handle parents' complaints at {school}.").format(school=school.name)
    return _("You are now a school administrator of {school}.").format(school=school.name)


async def ask_child_name(update: Update, context: Ctx, invite: Invite) -> None:
    """A parent link: ask who the child is (from the roster when the school uploaded one)."""
    assert update.effective_user is not None and invite.class_id is not None
    dialog = await dialogs.start_dialog(
        context.session,
        update.effective_user.id,
        DIALOG,
        JoinStep.NAME,
        {"invite_id": invite.id, "class_id": invite.class_id},
        now=context.now(),
    )
    await context.session.commit()
    await child_question(update, context, dialog)


async def child_question(update: Update, context: Ctx, dialog: Dialog, error: str = "") -> None:
    """Ask for the child (again, after `error`): the roster's unlinked children as buttons."""
    session = context.session
    klass = await session.get(SchoolClass, dialog.data.get("class_id"))
    school = await session.get(School, klass.school_id) if klass is not None else None
    if klass is None or school is None:
        await dialogs.end_dialog(session, dialog.user_id)
        await session.commit()
        await say(update, problem_text(repo.InviteProblem.UNKNOWN))
        return
    roster = await onboarding_store.unlinked_roster(session, klass.id, 60)
    text = _("Class {klass} at {school}.").format(klass=klass.name, school=school.name) + "\n\n"
    if error:
        text = error + "\n\n" + text
    if roster:
        text += _(
            "Please pick your child from the class list. If your child is not on it, ask "
            "the school office to add them; if their other parent has picked them already, "
            "ask that parent for the family link (/addchild)."
        )
        rows = [[(child.name, RosterPickButton(dialog.token, child.id))] for child in roster]
        await say(update, text, rows)
    elif await rosters.has_list(session, klass.id):
        text += _(
            "Every child on the class list has a parent already. If your child's other "
            "parent picked them, ask that parent for the family link (/addchild); otherwise "
            "ask the school office to add your child to the list."
        )
        await say(update, text)
    else:
        text += _(
            "What is your child's name? Please type it as the school knows it. Only you and "
            "the school see it."
        )
        await say(update, text)


def name_error(error: TextError | None, limit: int) -> str:
    if error == TextError.TOO_LONG:
        return _("That name is too long: at most {limit} characters. Please try again.").format(
            limit=limit
        )
    if error == TextError.BAD_CHARS:
        return _("A name may contain only letters, spaces and hyphens. Please try again.")
    return _("Please type your child's name.")


async def on_child_name(update: Update, context: Ctx, dialog: Dialog) -> None:
    message = update.effective_message
    if await rosters.has_list(context.session, int(dialog.data.get("class_id") or 0)):
        # The school controls the list: a typed name is never a new child.
        error = _("This class has a list: please pick your child from it.")
        await child_question(update, context, dialog, error)
        return
    checked = clean_person_name(message.text if message else None)
    if checked.value is None:
        await child_question(update, context, dialog, name_error(checked.error, checked.limit))
        return
    await finish_child(update, context, dialog, checked.value, None)


async def on_different_child(update: Update, context: Ctx, data: SameNameButton) -> None:
    """Not the other family's child: a new child with the same name, as the parent said."""
    dialog = await dialog_for(context, update, DIALOG, data.token)
    name = dialog.data.get("name") if dialog is not None else None
    if dialog is None or not isinstance(name, str):
        await refuse_stale(update)
        return
    await answer(update)
    await finish_child(update, context, dialog, name, None, same_name=True)


async def offer_family_link(
    update: Update, context: Ctx, dialog: Dialog, child: Child, parent: User
) -> None:
    """Another parent linked a child of this name: never a silent twin. Offer to ask them for
    the family link (handlers/onboarding/family_ask.py), or to add a different child."""
    dialog.data = {**dialog.data, "name": child.name}
    await context.session.commit()
    text = _(
        "{parent} has already linked {child} in this class. If {child} is your child too, "
        "ask {parent} for the family link: it links you to the same child, so your reports "
        "and theirs are about one child."
    ).format(parent=parent.display_name, child=child.name)
    rows: Rows = [
        [
            (
                _("Ask {parent} for the family link").format(parent=parent.display_name),
                SameNameButton(dialog.token, child.id, True),
            )
        ],
        [
            (
                _("Another child, same name"),
                SameNameButton(dialog.token, child.id, False),
            )
        ],
    ]
    await say(update, text, rows, edit=update.callback_query is not None)


async def on_roster_pick(update: Update, context: Ctx, data: RosterPickButton) -> None:
    dialog = await dialog_for(context, update, DIALOG, data.token)
    if dialog is None:
        return
    session = context.session
    child = await session.get(Child, data.child_id)
    # Only a child of the roster: in this class and not linked to anyone (else a forged
    # button would show another family's child).
    linked = child is not None and await onboarding_store.child_is_linked(session, child.id)
    if child is None or child.class_id != dialog.data.get("class_id") or linked or not child.listed:
        await refuse_stale(update)
        return
    await answer(update)
    await finish_child(update, context, dialog, child.name, child)


async def finish_child(
    update: Update,
    context: Ctx,
    dialog: Dialog,
    name: str,
    roster_child: Child | None,
    *,
    same_name: bool = False,
) -> None:
    session = context.session
    user = await current_user(context, update)
    invite = await session.get(Invite, dialog.data.get("invite_id"))
    used = invite is not None and await repo.has_used_invite(session, invite.id, user.id)
    problem = repo.invite_problem(invite, context.now(), used)
    if problem is not None or invite is None or invite.class_id is None:
        await dialogs.end_dialog(session, user.id)
        await session.commit()
        await say(update, refusal(invite, problem))
        return
    if roster_child is None and not same_name:
        linked = await onboarding_store.same_name_child(session, invite.class_id, name, user.id)
        if linked is not None:
            await offer_family_link(update, context, dialog, *linked)
            return
    if not await repo.record_invite_use(session, invite, user.id):
        await dialogs.end_dialog(session, user.id)
        await session.commit()
        await say(update, refusal(invite, repo.InviteProblem.USED_UP))
        return
    if roster_child is not None:
        session.add(ParentLink(parent_id=user.id, child_id=roster_child.id))
        child = roster_child
    else:
        pending = not await rosters.has_list(session, invite.class_id)
        child = await repo.link_child(session, user.id, invite.class_id, name, pending=pending)
    await dialogs.end_dialog(session, user.id)
    await session.commit()
    await tell_linked(update, context, child)
    await refresh_menu(context, session, user)
    await tell_office_of_parent(context, user, child)


async def tell_office_of_parent(context: Ctx, user: User, child: Child) -> None:
    klass = await context.session.get(SchoolClass, child.class_id)
    if klass is not None:
        await tell_office(
            context, klass.school_id, user, InviteRole.PARENT, klass=klass, child=child
        )


async def tell_linked(update: Update, context: Ctx, child: Child) -> None:
    klass = await context.session.get(SchoolClass, child.class_id)
    assert klass is not None
    school = await context.session.get(School, klass.school_id)
    assert school is not None
    await say(
        update,
        _(
            "Done: {child} in class {klass} at {school} is linked to you. Each school day you "
            "will get the class's homework with the time it should take, and in the evening "
            "you can tell us how long it really took.\n\nTo add another child, open the link "
            "of their class. Send /help to see what you can do."
        ).format(child=child.name, klass=klass.name, school=school.name)
        + (pending_note(child) if child.pending else ""),
        edit=update.callback_query is not None,
    )


def pending_note(child: Child) -> str:
    return "\n\n" + _(
        "{child} is not on a class list yet: the school office will confirm them. Until then "
        "your reports are kept but do not count in the class's figures."
    ).format(child=child.name)


async def join_family(update: Update, context: Ctx, invite: Invite) -> None:
    """A child's other parent joins through the link the first parent made: same child."""
    session = context.session
    user = await current_user(context, update)
    child = await session.get(Child, invite.child_id)
    if child is None or not await repo.record_invite_use(session, invite, user.id):
        await say(update, problem_text(repo.InviteProblem.USED_UP))
        return
    already = await session.get(ParentLink, (user.id, child.id))
    if already is None:
        session.add(ParentLink(parent_id=user.id, child_id=child.id))
    await session.commit()
    await tell_linked(update, context, child)
    await refresh_menu(context, session, user)
    if already is None:
        await tell_office_of_parent(context, user, child)
