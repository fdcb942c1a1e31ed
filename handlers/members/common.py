"""/members: the command, the school's menu with its counts, and the checks every press makes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from telegram import Update

from bot.i18n import _
from handlers.kit.context import Ctx
from handlers.kit.gate import current_user, roles_of
from handlers.kit.paging import picker_rows
from handlers.kit.replies import Button, Rows, answer, refuse_stale, say
from handlers.members.payloads import DIALOG, MembersAction, MembersButton, MembersStep
from storage import dialogs, members, repo, rosters
from storage.models import Dialog, School, User

PAGE = 8
"""Entries a page (each with its own button)."""

T = TypeVar("T")


async def office(update: Update, context: Ctx, data: MembersButton) -> School | None:
    """The school when the presser administers it (then the press is answered); else None
    after the polite refusal."""
    school = await office_unanswered(update, context, data.school)
    if school is not None:
        await answer(update)
    return school


async def office_unanswered(update: Update, context: Ctx, school_id: int) -> School | None:
    """`office` for a press with more to check before it is answered (once, either way)."""
    user = await current_user(context, update)
    roles = await roles_of(context, user.id)
    school = await context.session.get(School, school_id)
    if school is None or not roles.administers(school.id):
        await refuse_stale(update)
        return None
    return school


async def gone(update: Update, school: School) -> None:
    """What the school's record pressed no longer exists (or is no longer the school's)."""
    await say(update, _("This is no longer available."), [back_row(school)], edit=True)


async def office_and(
    update: Update,
    context: Ctx,
    data: MembersButton,
    load: Callable[[Ctx, School, MembersButton], Awaitable[T | None]],
) -> tuple[School, T] | None:
    """`office`, then what `load` finds for the press in the school; None after the refusal,
    or after `gone` when `load` finds nothing."""
    if (school := await office(update, context, data)) is None:
        return None
    found = await load(context, school, data)
    if found is None:
        await gone(update, school)
        return None
    return school, found


async def dialog_office(update: Update, context: Ctx, dialog: Dialog) -> tuple[User, School | None]:
    """The typist and the dialog's school when they still administer it (else None: the
    caller then ends the dialog with `drop_dialog`)."""
    session = context.session
    user = await current_user(context, update)
    roles = await repo.load_roles(session, user.id, context.settings.bot_owners)
    school = await session.get(School, int(dialog.data.get("school_id") or 0))
    if school is None or not roles.administers(school.id):
        return user, None
    return user, school


async def drop_dialog(update: Update, context: Ctx, user: User) -> None:
    """The record a typed answer was for is gone: the dialog ends, politely."""
    await dialogs.end_dialog(context.session, user.id)
    await context.session.commit()
    await say(update, _("This is no longer available."))


def to(
    act: MembersAction, school: School, target: int = 0, item: int = 0, page: int = 0
) -> MembersButton:
    return MembersButton(act, school.id, target, item, page)


def back_row(
    school: School, act: MembersAction = MembersAction.MENU, target: int = 0
) -> list[Button]:
    return [(_("◀ Back"), MembersButton(act, school.id, target))]


async def members_command(update: Update, context: Ctx) -> None:
    user = await current_user(context, update)
    roles = await roles_of(context, user.id)
    if not roles.admin_schools:
        await say(update, _("Only the school office can manage the school's people."))
        return
    schools = await repo.schools_by_ids(context.session, roles.admin_schools)
    if len(schools) == 1:
        await show_menu(update, context, schools[0], edit=False)
        return
    await ask_school(update, schools, 0)


async def ask_school(update: Update, schools: list[School], page: int) -> None:
    """Which school's people, for an office of several schools (paged)."""
    buttons: list[Button] = [(s.name, MembersButton(MembersAction.MENU, s.id)) for s in schools]
    rows = picker_rows(
        buttons, page, lambda n: MembersButton(MembersAction.SCHOOLS, 0, page=n), per_row=1
    )
    await say(
        update, _("The people of which school?"), rows, edit=update.callback_query is not None
    )


async def on_schools(update: Update, context: Ctx, data: MembersButton) -> None:
    """Another page of the schools' picker."""
    user = await current_user(context, update)
    roles = await roles_of(context, user.id)
    if not roles.admin_schools:
        await refuse_stale(update)
        return
    await answer(update)
    schools = await repo.schools_by_ids(context.session, roles.admin_schools)
    await ask_school(update, schools, data.page)


async def on_menu(update: Update, context: Ctx, data: MembersButton) -> None:
    if (school := await office(update, context, data)) is not None:
        await show_menu(update, context, school, edit=True)


async def show_menu(update: Update, context: Ctx, school: School, *, edit: bool) -> None:
    session = context.session
    teachers = await members.teachers(session, school.id)
    leaders = await members.grade_leaders(session, school.id)
    counts = await members.class_counts(session, school.id)
    pending = await rosters.pending_children(session, school.id)
    children = sum(c for c, _p in counts.values())
    parents = sum(p for _c, p in counts.values())
    lines = [
        _("The people of {school}:").format(school=school.name),
        _("Teachers: {n}").format(n=len(teachers)),
        _("Grade leaders: {n}").format(n=len(leaders)),
        _("Children: {children}, parents: {parents}").format(children=children, parents=parents),
    ]
    if pending:
        lines.append(_("Children waiting for your confirmation: {n}").format(n=len(pending)))
    rows: Rows = [
        [
            (_("Teachers"), to(MembersAction.TEACHERS, school)),
            (_("Grade leaders"), to(MembersAction.LEADERS, school)),
        ],
        [
            (_("Parents by class"), to(MembersAction.CLASSES, school)),
            (_("Not joined yet"), to(MembersAction.WAITING, school)),
        ],
    ]
    if pending:
        label = _("Confirm children ({n})").format(n=len(pending))
        rows.append([(label, to(MembersAction.PENDING, school))])
    await say(update, "\n".join(lines), rows, edit=edit)


async def ask_typed(
    update: Update, context: Ctx, step: MembersStep, data: dict[str, int], question: str
) -> None:
    """Open the /members dialog at `step` (what it is about in `data`) and ask `question`:
    the answer is typed (a child's new name, a link's limit)."""
    user = await current_user(context, update)
    await dialogs.start_dialog(context.session, user.id, DIALOG, step, data, now=context.now())
    await context.session.commit()
    await say(update, question)
