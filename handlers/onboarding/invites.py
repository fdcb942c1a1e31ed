"""/invite (make a deep link for a role and scope) and /invites (list and revoke)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from telegram import Update

from bot.domain.roles import InviteRole, Roles
from bot.i18n import _, format_datetime, ngettext
from handlers.kit.callbacks import CallbackData
from handlers.kit.context import Ctx
from handlers.kit.gate import current_user, roles_of
from handlers.kit.replies import Button, Rows, answer, pack_lines, refuse_stale, say, say_lines
from handlers.kit.router import dialog_for
from handlers.onboarding.links import invite_link, teaching_summary
from storage import dialogs, repo
from storage.models import Dialog, District, Invite, School, SchoolClass, Subject

DIALOG = "invite"
MAX_BUTTONS = 40
MAX_CLASS_BUTTONS = 48  # beyond this many classes, a parent invite asks for the grade first
MAX_SCOPE_CHARS = 200


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
class InviteValidityButton(CallbackData, prefix="iv.v"):
    token: str
    option: int


@dataclass(frozen=True)
class InviteRevokeButton(CallbackData, prefix="iv.x"):
    invite_id: int


@dataclass(frozen=True)
class Validity:
    max_uses: int | None
    days: int | None


STAFF_VALIDITY = (Validity(1, 7), Validity(1, 30), Validity(10, 7))
PARENT_VALIDITY = (Validity(None, 90), Validity(None, None), Validity(1, 7))
SCHOOL_ROLES = (
    InviteRole.TEACHER,
    InviteRole.GRADE_LEADER,
    InviteRole.PARENT,
    InviteRole.COMPLAINT_HANDLER,
    InviteRole.SCHOOL_ADMIN,
)


def role_label(role: str) -> str:
    labels: dict[str, str] = {
        InviteRole.SUPERVISOR: _("district supervisor"),
        InviteRole.SCHOOL_ADMIN: _("school administrator"),
        InviteRole.GRADE_LEADER: _("grade leader"),
        InviteRole.TEACHER: _("teacher"),
        InviteRole.COMPLAINT_HANDLER: _("complaint handler"),
        InviteRole.PARENT: _("parent"),
    }
    return labels.get(role, role)


def validity_label(v: Validity) -> str:
    if v.max_uses is None:
        uses = _("anyone with the link")
    else:
        uses = ngettext("{n} person", "up to {n} people", v.max_uses).format(n=v.max_uses)
    if v.days is None:
        return _("{uses}, until revoked").format(uses=uses)
    return ngettext("{uses}, {n} day", "{uses}, {n} days", v.days).format(uses=uses, n=v.days)


def can_invite(roles: Roles, role: InviteRole, school_id: int | None) -> bool:
    """Owners invite supervisors and school admins; a school's admins invite its people."""
    if role == InviteRole.SUPERVISOR:
        return roles.owner
    if role == InviteRole.SCHOOL_ADMIN and roles.owner:
        return True
    return school_id is not None and roles.administers(school_id)


# ---------------------------------------------------------------- /invite


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


async def ask_school(update: Update, context: Ctx, dialog: Dialog, roles: Roles) -> None:
    schools = await repo.schools_by_ids(context.session, roles.admin_schools)
    if len(schools) == 1:
        await ask_role(update, context, dialog, schools[0])
        return
    dialogs.update_dialog(dialog, InviteStep.SCHOOL)
    await context.session.commit()
    rows = [[(s.name, InviteSchoolButton(dialog.token, s.id))] for s in schools[:MAX_BUTTONS]]
    await say(update, _("For which school?"), rows, edit=True)


async def ask_role(update: Update, context: Ctx, dialog: Dialog, school: School) -> None:
    dialogs.update_dialog(dialog, InviteStep.ROLE, school_id=school.id, owner_menu=False)
    await context.session.commit()
    rows = [[(role_label(r).capitalize(), InviteRoleButton(dialog.token, r))] for r in SCHOOL_ROLES]
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
    if school is None:
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


async def on_role(update: Update, context: Ctx, data: InviteRoleButton) -> None:
    dialog = await dialog_for(context, update, DIALOG, data.token)
    if dialog is None or dialog.step != InviteStep.ROLE:
        if dialog is not None:
            await refuse_stale(update)
        return
    session = context.session
    roles = await roles_of(context, dialog.user_id)
    owner_menu = bool(dialog.data.get("owner_menu"))
    school_id = None if owner_menu else dialog.data.get("school_id")
    if not can_invite(roles, data.role, school_id) or (
        owner_menu and data.role not in (InviteRole.SUPERVISOR, InviteRole.SCHOOL_ADMIN)
    ):
        await refuse_stale(update)
        return
    await answer(update)
    dialogs.update_dialog(dialog, role=data.role)
    if data.role == InviteRole.SUPERVISOR:
        dialogs.update_dialog(dialog, InviteStep.DISTRICT)
        await session.commit()
        districts = await repo.districts(session)
        if not districts:
            await say(update, _("There is no district yet: create a school with /newschool."))
            return
        rows: Rows = [
            [(d.name, InviteDistrictButton(dialog.token, d.id))] for d in districts[:MAX_BUTTONS]
        ]
        await say(update, _("Supervisor of which district?"), rows, edit=True)
    elif owner_menu:  # an owner inviting a school administrator: pick any school
        dialogs.update_dialog(dialog, InviteStep.SCHOOL)
        await session.commit()
        schools = list(await session.scalars(select(School).order_by(School.name).limit(40)))
        if not schools:
            await say(update, _("There is no school yet: create one with /newschool."), edit=True)
            return
        rows = [[(s.name, InviteSchoolButton(dialog.token, s.id))] for s in schools]
        await say(update, _("Administrator of which school?"), rows, edit=True)
    elif data.role == InviteRole.TEACHER:
        dialogs.update_dialog(dialog, InviteStep.SUBJECTS, subjects=[], classes=[])
        await session.commit()
        await ask_toggle(update, context, dialog, InviteStep.SUBJECTS)
    elif data.role == InviteRole.GRADE_LEADER:
        dialogs.update_dialog(dialog, InviteStep.GRADE)
        await session.commit()
        classes = await repo.classes_of(session, int(school_id or 0))
        grades = sorted({c.grade for c in classes})
        if not grades:
            await say(update, _("Set up the classes first with /classes."))
            return
        await say(update, _("Grade leader of which grade?"), grade_rows(dialog, grades), edit=True)
    elif data.role == InviteRole.PARENT:
        dialogs.update_dialog(dialog, InviteStep.CLASS)
        await session.commit()
        classes = await repo.classes_of(session, int(school_id or 0))
        if not classes:
            await say(update, _("Set up the classes first with /classes."))
            return
        if len(classes) > MAX_CLASS_BUTTONS:  # too many for one keyboard: the grade first
            grades = sorted({c.grade for c in classes})
            rows = grade_rows(dialog, grades)
            rows.append([(_("Every class (one link each)"), InviteClassButton(dialog.token, 0))])
            await say(update, _("Parents of which grade?"), rows, edit=True)
            return
        rows = class_rows(dialog, classes)
        rows.append([(_("Every class (one link each)"), InviteClassButton(dialog.token, 0))])
        await say(update, _("Parents of which class?"), rows, edit=True)
    else:
        await ask_validity(update, context, dialog)


def grade_rows(dialog: Dialog, grades: list[int]) -> Rows:
    return [
        [
            (_("Grade {n}").format(n=g), InviteGradeButton(dialog.token, g))
            for g in grades[i : i + 4]
        ]
        for i in range(0, len(grades), 4)
    ]


def class_rows(dialog: Dialog, classes: list[SchoolClass]) -> Rows:
    return [
        [(c.name, InviteClassButton(dialog.token, c.id)) for c in classes[i : i + 4]]
        for i in range(0, min(len(classes), MAX_CLASS_BUTTONS), 4)
    ]


async def on_district(update: Update, context: Ctx, data: InviteDistrictButton) -> None:
    """An owner picks the district of a supervisor invite."""
    dialog = await dialog_for(context, update, DIALOG, data.token)
    if dialog is None:
        return
    roles = await roles_of(context, dialog.user_id)
    district = await context.session.get(District, data.district_id)
    if (
        not roles.owner
        or district is None
        or dialog.step != InviteStep.DISTRICT
        or dialog.data.get("role") != InviteRole.SUPERVISOR
    ):
        await refuse_stale(update)
        return
    dialogs.update_dialog(dialog, district_id=district.id)
    await answer(update)
    await ask_validity(update, context, dialog)


async def ask_toggle(update: Update, context: Ctx, dialog: Dialog, step: InviteStep) -> None:
    session = context.session
    school_id = int(dialog.data["school_id"])
    chosen = set(dialog.data.get("subjects" if step == InviteStep.SUBJECTS else "classes", []))
    if step == InviteStep.SUBJECTS:
        items = [(s.id, s.name) for s in await repo.subjects_of(session, school_id)]
        prompt = _("Which subjects does the teacher teach? Tap to select, then Next.")
        empty = _("Set up the subjects first with /subjects.")
    else:
        items = [(c.id, c.name) for c in await repo.classes_of(session, school_id)]
        prompt = _("In which classes? Tap to select, then Next.")
        empty = _("Set up the classes first with /classes.")
    if not items:
        await say(update, empty)
        return
    buttons = [
        (
            ("✅ " if item_id in chosen else "") + name,
            InviteToggleButton(dialog.token, step, item_id),
        )
        for item_id, name in items[: MAX_BUTTONS * 2]
    ]
    rows: list[list[tuple[str, CallbackData | str]]] = [
        list(buttons[i : i + 3]) for i in range(0, len(buttons), 3)
    ]
    rows.append([(_("Next ➡"), InviteToggleButton(dialog.token, step, 0))])
    await say(update, prompt, rows, edit=True)


async def on_toggle(update: Update, context: Ctx, data: InviteToggleButton) -> None:
    dialog = await dialog_for(context, update, DIALOG, data.token)
    if dialog is None:
        return
    if dialog.step != data.step or data.step not in (InviteStep.SUBJECTS, InviteStep.CLASSES):
        await refuse_stale(update)
        return
    session = context.session
    key = "subjects" if data.step == InviteStep.SUBJECTS else "classes"
    chosen: list[int] = list(dialog.data.get(key, []))
    if data.item == 0:
        if not chosen:
            await answer(update, _("Select at least one first."), alert=True)
            return
        await answer(update)
        if data.step == InviteStep.SUBJECTS:
            dialogs.update_dialog(dialog, InviteStep.CLASSES)
            await session.commit()
            await ask_toggle(update, context, dialog, InviteStep.CLASSES)
        else:
            await ask_validity(update, context, dialog)
        return
    school_id = int(dialog.data["school_id"])
    item: Subject | SchoolClass | None
    if data.step == InviteStep.SUBJECTS:
        item = await session.get(Subject, data.item)
    else:
        item = await session.get(SchoolClass, data.item)
    if item is None or item.school_id != school_id:
        await refuse_stale(update)
        return
    if data.item in chosen:
        chosen.remove(data.item)
    else:
        chosen.append(data.item)
    dialog.data = {**dialog.data, key: chosen}
    await session.commit()
    await answer(update)
    await ask_toggle(update, context, dialog, data.step)


async def on_grade(update: Update, context: Ctx, data: InviteGradeButton) -> None:
    """A grade: of a grade leader's invite, or (step CLASS) to list a big school's classes."""
    dialog = await dialog_for(context, update, DIALOG, data.token)
    if dialog is None:
        return
    classes = [
        c
        for c in await repo.classes_of(context.session, int(dialog.data.get("school_id") or 0))
        if c.grade == data.grade
    ]
    if dialog.step not in (InviteStep.GRADE, InviteStep.CLASS) or not classes:
        await refuse_stale(update)
        return
    await answer(update)
    if dialog.step == InviteStep.CLASS:
        rows = class_rows(dialog, classes)
        await say(update, _("Parents of which class?"), rows, edit=True)
        return
    dialogs.update_dialog(dialog, grade=data.grade)
    await ask_validity(update, context, dialog)


async def on_class(update: Update, context: Ctx, data: InviteClassButton) -> None:
    dialog = await dialog_for(context, update, DIALOG, data.token)
    if dialog is None or dialog.step != InviteStep.CLASS:
        if dialog is not None:
            await refuse_stale(update)
        return
    if data.class_id:
        klass = await context.session.get(SchoolClass, data.class_id)
        if klass is None or klass.school_id != dialog.data.get("school_id"):
            await refuse_stale(update)
            return
    await answer(update)
    dialogs.update_dialog(dialog, class_id=data.class_id)
    await ask_validity(update, context, dialog)


def validity_options(role: str) -> tuple[Validity, ...]:
    return PARENT_VALIDITY if role == InviteRole.PARENT else STAFF_VALIDITY


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
    session = context.session
    d = dialog.data
    role = InviteRole(d["role"])
    options = validity_options(role)
    roles = await roles_of(context, dialog.user_id)
    school_id = d.get("school_id")
    if (
        dialog.step != InviteStep.VALIDITY
        or not 0 <= data.option < len(options)
        or not can_invite(roles, role, school_id)
    ):
        await refuse_stale(update)
        return
    await answer(update)
    validity = options[data.option]
    now = context.now()
    valid_for = timedelta(days=validity.days) if validity.days else None
    school = await session.get(School, school_id) if school_id else None
    common = {
        "role": role,
        "created_by": dialog.user_id,
        "now": now,
        "valid_for": valid_for,
        "max_uses": validity.max_uses,
        "district_id": school.district_id if school else d.get("district_id"),
        "school_id": school_id,
    }
    created: list[tuple[str, Invite]] = []
    if role == InviteRole.PARENT:
        class_id = int(d.get("class_id") or 0)
        classes = [
            c
            for c in await repo.classes_of(session, int(school_id or 0))
            if not class_id or c.id == class_id
        ]
        for klass in classes:
            inv = await repo.create_invite(session, class_id=klass.id, **common)  # type: ignore[arg-type]
            created.append((klass.name, inv))
    elif role == InviteRole.TEACHER:
        pairs = [[c, s] for c in d.get("classes", []) for s in d.get("subjects", [])]
        inv = await repo.create_invite(session, teaching=pairs, **common)  # type: ignore[arg-type]
        created.append(("", inv))
    elif role == InviteRole.GRADE_LEADER:
        inv = await repo.create_invite(session, grade=int(d["grade"]), **common)  # type: ignore[arg-type]
        created.append(("", inv))
    else:
        inv = await repo.create_invite(session, **common)  # type: ignore[arg-type]
        created.append(("", inv))
    await dialogs.end_dialog(session, dialog.user_id)
    await session.commit()
    scope = await scope_label(context, created[0][1]) if len(created) == 1 else ""
    head = _("Invite link for a {role}{scope} ({validity}):").format(
        role=role_label(role),
        scope=f" — {scope}" if scope else "",
        validity=validity_label(validity),
    )
    lines = [head]
    for label, inv in created:
        link = invite_link(context, inv.code)
        lines.append(f"{label}: {link}" if label else link)
    lines.append(_("Send it only to the people it is meant for. /invites lists and revokes links."))
    await say_lines(update, lines, edit=True)  # one link per class can exceed one message


# ---------------------------------------------------------------- /invites


async def scope_label(context: Ctx, inv: Invite) -> str:
    session = context.session
    if inv.role == InviteRole.SUPERVISOR and inv.district_id:
        district = await session.get(District, inv.district_id)
        return district.name if district else ""
    school = await session.get(School, inv.school_id) if inv.school_id else None
    parts = [school.name] if school else []
    if inv.grade:
        parts.append(_("grade {n}").format(n=inv.grade))
    if inv.class_id:
        klass = await session.get(SchoolClass, inv.class_id)
        if klass:
            parts.append(klass.name)
    if inv.teaching:
        parts.append(await teaching_summary(context, [(int(c), int(s)) for c, s in inv.teaching]))
    return ", ".join(parts)


def expiry_label(expires_at: datetime | None) -> str:
    if expires_at is None:
        return _("no expiry")
    return _("until {when} UTC").format(when=format_datetime(expires_at))


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
        line = (
            f"{n}. {role_label(inv.role)} — {scope}; {uses}; "
            f"{expiry_label(inv.expires_at)}\n   {invite_link(context, inv.code)}"
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
