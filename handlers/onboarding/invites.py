"""/invite: a dialog that makes a deep link for a role and its scope (a school, a district, a
grade, a class, or a teacher's classes and subjects), then its validity.

The scope questions are in invite_scope.py, /invites (the list and revoking) in invite_list.py,
the labels in invite_labels.py."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from telegram import Update

from bot.domain.roles import InviteRole, Roles
from bot.i18n import _
from handlers.kit.callbacks import CallbackData
from handlers.kit.context import Ctx
from handlers.kit.gate import current_user, roles_of
from handlers.kit.labels import first_upper
from handlers.kit.paging import picker_rows
from handlers.kit.replies import Button, Rows, answer, refuse_stale, say, say_lines
from handlers.kit.router import dialog_for
from handlers.onboarding.invite_labels import (
    Validity,
    role_label,
    scope_label,
    validity_label,
    validity_options,
)
from handlers.onboarding.invite_list import InviteQrButton
from handlers.onboarding.links import invite_link
from storage import dialogs, repo, rosters
from storage.models import Dialog, Invite, School

DIALOG = "invite"


class InviteStep(enum.StrEnum):
    SCHOOL = "school"
    ROLE = "role"
    DISTRICT = "district"
    SUBJECTS = "subjects"
    CLASSES = "classes"
    GRADE = "grade"
    CLASS = "class"
    VALIDITY = "validity"


@dataclass(frozen=True)
class InviteSchoolButton(CallbackData, prefix="iv.s"):
    token: str
    school_id: int


@dataclass(frozen=True)
class InviteRoleButton(CallbackData, prefix="iv.r"):
    token: str
    role: InviteRole


@dataclass(frozen=True)
class InviteDistrictButton(CallbackData, prefix="iv.d"):
    token: str
    district_id: int


@dataclass(frozen=True)
class InviteToggleButton(CallbackData, prefix="iv.t"):
    """Toggle a subject or class in the teacher's selection (item 0 = done)."""

    token: str
    step: InviteStep
    item: int


@dataclass(frozen=True)
class InviteGradeButton(CallbackData, prefix="iv.g"):
    token: str
    grade: int


@dataclass(frozen=True)
class InviteClassButton(CallbackData, prefix="iv.c"):
    token: str
    class_id: int  # 0 = every class (one link each)


@dataclass(frozen=True)
class InvitePageButton(CallbackData, prefix="iv.pg"):
    """Another page of the step's picker (subjects, classes, the parents' class, a school)."""

    token: str
    step: InviteStep
    page: int


@dataclass(frozen=True)
class InviteValidityButton(CallbackData, prefix="iv.v"):
    token: str
    option: int


SCHOOL_ROLES = (
    InviteRole.TEACHER,
    InviteRole.GRADE_LEADER,
    InviteRole.PARENT,
    InviteRole.COMPLAINT_HANDLER,
    InviteRole.SCHOOL_ADMIN,
)


def archived_text() -> str:
    return _("The school is archived: it is read-only, kept for reports.")


def can_invite(roles: Roles, role: InviteRole, school_id: int | None) -> bool:
    """Owners invite supervisors and school admins; a school's admins invite its people."""
    if role == InviteRole.SUPERVISOR:
        return roles.owner
    if role == InviteRole.SCHOOL_ADMIN and roles.owner:
        return True
    return school_id is not None and roles.administers(school_id)


async def invite(update: Update, context: Ctx) -> None:
    session = context.session
    user = await current_user(context, update)
    roles = await roles_of(context, user.id)
    if not roles.owner and not roles.admin_schools:
        await say(update, _("Only school administrators and owners can create invite links."))
        return
    dialog = await dialogs.start_dialog(
        session, user.id, DIALOG, InviteStep.SCHOOL, now=context.now()
    )
    await session.commit()
    if roles.owner:
        rows: Rows = [
            [(_("District supervisor"), InviteRoleButton(dialog.token, InviteRole.SUPERVISOR))],
            [(_("School administrator"), InviteRoleButton(dialog.token, InviteRole.SCHOOL_ADMIN))],
        ]
        if roles.admin_schools:
            rows.append([(_("Someone for my school"), InviteSchoolButton(dialog.token, 0))])
        dialogs.update_dialog(dialog, InviteStep.ROLE, owner_menu=True)
        await session.commit()
        await say(update, _("Whom do you want to invite?"), rows)
        return
    await ask_school(update, context, dialog, roles)


async def ask_school(
    update: Update, context: Ctx, dialog: Dialog, roles: Roles, page: int = 0
) -> None:
    schools = await repo.open_schools_by_ids(context.session, roles.admin_schools)
    if not schools:
        await say(update, archived_text(), edit=update.callback_query is not None)
        return
    if len(schools) == 1:
        await ask_role(update, context, dialog, schools[0])
        return
    dialogs.update_dialog(dialog, InviteStep.SCHOOL)
    await context.session.commit()
    buttons: list[Button] = [(s.name, InviteSchoolButton(dialog.token, s.id)) for s in schools]
    rows = picker_rows(
        buttons, page, lambda n: InvitePageButton(dialog.token, InviteStep.SCHOOL, n), per_row=1
    )
    await say(update, _("For which school?"), rows, edit=True)


async def ask_role(update: Update, context: Ctx, dialog: Dialog, school: School) -> None:
    dialogs.update_dialog(dialog, InviteStep.ROLE, school_id=school.id, owner_menu=False)
    await context.session.commit()
    rows = [[(first_upper(role_label(r)), InviteRoleButton(dialog.token, r))] for r in SCHOOL_ROLES]
    await say(
        update,
        _("{school}: whom do you want to invite?").format(school=school.name),
        rows,
        edit=True,
    )


async def on_school(update: Update, context: Ctx, data: InviteSchoolButton) -> None:
    # Every check comes before `answer`: a callback query is answered once, a refusal too.
    dialog = await dialog_for(context, update, DIALOG, data.token)
    if dialog is None:
        return
    roles = await roles_of(context, dialog.user_id)
    if dialog.step not in (InviteStep.SCHOOL, InviteStep.ROLE):
        await refuse_stale(update)
        return
    if data.school_id == 0:  # "someone for my school", in an owner's menu
        if not dialog.data.get("owner_menu") or not roles.admin_schools:
            await refuse_stale(update)
            return
        await answer(update)
        await ask_school(update, context, dialog, roles)
        return
    school = await context.session.get(School, data.school_id)
    if school is None or school.archived_at is not None:
        await refuse_stale(update)
    elif dialog.data.get("owner_menu") and dialog.data.get("role") == InviteRole.SCHOOL_ADMIN:
        if not roles.owner:
            await refuse_stale(update)
            return
        await answer(update)
        dialogs.update_dialog(dialog, school_id=school.id, district_id=school.district_id)
        await ask_validity(update, context, dialog)
    elif roles.administers(school.id):
        await answer(update)
        await ask_role(update, context, dialog, school)
    else:
        await refuse_stale(update)


async def ask_validity(update: Update, context: Ctx, dialog: Dialog) -> None:
    dialogs.update_dialog(dialog, InviteStep.VALIDITY)
    await context.session.commit()
    options = validity_options(str(dialog.data["role"]))
    rows = [
        [(validity_label(v), InviteValidityButton(dialog.token, i))] for i, v in enumerate(options)
    ]
    await say(update, _("Who may use the link, and for how long?"), rows, edit=True)


async def on_validity(update: Update, context: Ctx, data: InviteValidityButton) -> None:
    dialog = await dialog_for(context, update, DIALOG, data.token)
    if dialog is None:
        return
    if dialog.step != InviteStep.VALIDITY or "role" not in dialog.data:
        await refuse_stale(update)
        return
    role = InviteRole(dialog.data["role"])
    options = validity_options(role)
    roles = await roles_of(context, dialog.user_id)
    if not 0 <= data.option < len(options) or not can_invite(
        roles, role, dialog.data.get("school_id")
    ):
        await refuse_stale(update)
        return
    await answer(update)
    validity = options[data.option]
    created = await create_invites(context, dialog, role, validity)
    await dialogs.end_dialog(context.session, dialog.user_id)
    await context.session.commit()
    scope = await scope_label(context, created[0][1]) if len(created) == 1 else ""
    head = _("Invite link for a {role}{scope} ({validity}):").format(
        role=role_label(role),
        scope=f" — {scope}" if scope else "",
        validity=validity_label(validity),
    )
    lines = [head]
    for label, inv in created:
        link = invite_link(context, inv.code)
        lines.append(_("{label}: {link}").format(label=label, link=link) if label else link)
    if role == InviteRole.PARENT and validity.max_uses is None:
        lines.append(
            _(
                "A class link works for as many parents as the class list has children, plus "
                "{margin} (or {default} without a list); /members shows and changes it."
            ).format(margin=rosters.LINK_MARGIN, default=rosters.LINK_LIMIT_WITHOUT_LIST)
        )
    lines.append(_("Send it only to the people it is meant for. /invites lists and revokes links."))
    if len(created) == 1:  # its QR code a tap away (for many links: /invites, a page at a time)
        qr = InviteQrButton(created[0][1].id)
        await say(update, "\n".join(lines), [[(_("Send as a QR code"), qr)]], edit=True)
        return
    lines.append(_("/invites sends any of them as a QR code picture to print."))
    await say_lines(update, lines, edit=True)  # one link per class can exceed one message


async def create_invites(
    context: Ctx, dialog: Dialog, role: InviteRole, validity: Validity
) -> list[tuple[str, Invite]]:
    """The dialog's invite: one link, or one per class (labelled) for every class's parents."""
    session = context.session
    d = dialog.data
    school_id = d.get("school_id")
    school = await session.get(School, school_id) if school_id else None
    common: dict[str, Any] = {
        "role": role,
        "created_by": dialog.user_id,
        "now": context.now(),
        "valid_for": timedelta(days=validity.days) if validity.days else None,
        "max_uses": validity.max_uses,
        "district_id": school.district_id if school else d.get("district_id"),
        "school_id": school_id,
    }
    if role == InviteRole.PARENT:
        class_id = int(d.get("class_id") or 0)
        classes = [
            c
            for c in await repo.classes_of(session, int(school_id or 0))
            if not class_id or c.id == class_id
        ]
        made = []
        for klass in classes:
            # "Anyone with the link" is still bounded: the class list's size plus a margin.
            limit = common["max_uses"] or await rosters.default_link_limit(session, klass.id)
            values = {**common, "max_uses": limit}
            made.append(
                (klass.name, await repo.create_invite(session, class_id=klass.id, **values))
            )
        return made
    if role == InviteRole.TEACHER:
        # Exactly the pairs chosen subject by subject, never every subject in every class.
        pairs = [[int(c), int(s)] for c, s in d.get("pairs", [])]
        return [("", await repo.create_invite(session, teaching=pairs, **common))]
    if role == InviteRole.GRADE_LEADER:
        return [("", await repo.create_invite(session, grade=int(d["grade"]), **common))]
    return [("", await repo.create_invite(session, **common))]
