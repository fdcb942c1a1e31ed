"""/help (what this person can do), /me (roles, schools, children) and /cancel."""

from __future__ import annotations

from telegram import Update

from bot.domain.menus import commands_for
from bot.domain.roles import Capability, Roles
from bot.i18n import _, format_list, ngettext
from handlers.kit.context import Ctx
from handlers.kit.gate import current_user, roles_of
from handlers.kit.replies import pack_lines, say
from handlers.onboarding.leave import me_rows
from storage import dialogs, repo
from storage import onboarding as onboarding_store


def capability_intro(cap: Capability) -> str:
    return {
        Capability.OWNER: _(
            "As an owner of this bot you create districts and schools and invite their "
            "administrators and supervisors."
        ),
        Capability.SUPERVISOR: _(
            "As a district supervisor you receive complaints escalated by schools and the "
            "district's reports."
        ),
        Capability.SCHOOL_ADMIN: _(
            "As a school administrator you set up classes and subjects, invite teachers, "
            "grade leaders and parents, and handle complaints."
        ),
        Capability.COMPLAINT_HANDLER: _("You handle parents' complaints for your school."),
        Capability.GRADE_LEADER: _(
            "As a grade leader you see the homework load of every class of your grade and get "
            "warnings when a class goes over the limit."
        ),
        Capability.TEACHER: _(
            "As a teacher you post homework with the time it should take and see your "
            "classes' load."
        ),
        Capability.PARENT: _(
            "As a parent you get your child's homework each school day, tell us how long it "
            "really took, and can file complaints."
        ),
    }[cap]


async def help_command(update: Update, context: Ctx) -> None:
    user = await current_user(context, update)
    roles = await roles_of(context, user.id)
    caps = roles.capabilities
    parts = [capability_intro(cap) for cap in caps]
    if not parts:
        parts.append(
            _(
                "You have not joined a school yet. Open the invite link your school gave you "
                "to join as a teacher, a parent or staff."
            )
        )
    commands = "\n".join(f"/{cmd} — {_(desc)}" for cmd, desc in commands_for(caps))
    await say(update, "\n\n".join(parts) + "\n\n" + commands)


async def me(update: Update, context: Ctx) -> None:
    """Everything the bot knows this person may see: their roles and their own children."""
    user = await current_user(context, update)
    roles = await roles_of(context, user.id)
    lines = [_("{name}, this is what I know about you:").format(name=user.display_name)]
    lines += await staff_lines(context, roles)
    lines += await teacher_lines(context, roles, user.id)
    children = await repo.children_of(context.session, user.id)
    for child in children:
        lines.append(
            "• "
            + _("Parent of {child}, class {klass} at {school}").format(
                child=child.name, klass=child.class_name, school=child.school_name
            )
        )
    if len(lines) == 1:
        lines.append(_("You have no roles yet. Open your school's invite link to join."))
    else:
        count = len(lines) - 1
        lines.append(ngettext("{n} role in all.", "{n} roles in all.", count).format(n=count))
    lines.append(_("/privacy: what I store about you and who sees it."))
    chunks = pack_lines(lines)
    for n, chunk in enumerate(chunks, 1):
        # The last part carries the buttons: remove a child, leave a class.
        await say(update, "\n".join(chunk), me_rows(children) if n == len(chunks) else None)


async def staff_lines(context: Ctx, roles: Roles) -> list[str]:
    """Owner, supervisor, administrator, complaint handler and grade leader roles."""
    session = context.session
    lines = ["• " + _("Owner of this bot")] if roles.owner else []
    if roles.supervisor_districts:
        for district in await onboarding_store.districts_by_ids(
            session, roles.supervisor_districts
        ):
            lines.append("• " + _("Supervisor of {district}").format(district=district.name))
    schools = await school_names(context, roles)
    for school_id in sorted(roles.admin_schools):
        lines.append("• " + _("Administrator of {school}").format(school=schools[school_id]))
    for school_id in sorted(roles.handler_schools):
        lines.append("• " + _("Complaint handler at {school}").format(school=schools[school_id]))
    for school_id, grade in sorted(roles.grade_leader):
        lines.append(
            "• "
            + _("Grade leader of grade {grade} at {school}").format(
                grade=grade, school=schools[school_id]
            )
        )
    return lines


async def school_names(context: Ctx, roles: Roles) -> dict[int, str]:
    school_ids = (
        roles.admin_schools
        | roles.handler_schools
        | roles.teacher_schools
        | {s for s, _g in roles.grade_leader}
    )
    return {s.id: s.name for s in await repo.schools_by_ids(context.session, set(school_ids))}


async def teacher_lines(context: Ctx, roles: Roles, user_id: int) -> list[str]:
    """One line per school and subject: "Teacher of Maths in 5A, 5B and 5C at ..."."""
    if not roles.teacher_schools:
        return []
    rows = await onboarding_store.teaching_of(context.session, user_id)
    if not rows:
        schools = await school_names(context, roles)
        return [
            "• " + _("Teacher at {school}").format(school=schools[school_id])
            for school_id in sorted(roles.teacher_schools)
        ]
    by_subject: dict[tuple[str, str], list[str]] = {}
    for school_name, class_name, subject_name in rows:
        by_subject.setdefault((school_name, subject_name), []).append(class_name)
    return [
        "• "
        + _("Teacher of {subject} in {klass} at {school}").format(
            subject=subject_name, klass=format_list(class_names), school=school_name
        )
        for (school_name, subject_name), class_names in by_subject.items()
    ]


async def cancel(update: Update, context: Ctx) -> None:
    assert update.effective_user is not None
    ended = await dialogs.end_dialog(context.session, update.effective_user.id)
    await context.session.commit()
    if ended:
        await say(update, _("Cancelled. Nothing was saved from that dialog."))
    else:
        await say(update, _("There is nothing to cancel."))
