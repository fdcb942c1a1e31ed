"""/members, children: a child's card (its parents, and what the office may do: confirm,
rename, merge with another record of the same child, remove, remove a parent), the children
waiting for confirmation (one tap each, or all at once), and who has not joined yet."""

from __future__ import annotations

from telegram import Update

from bot.domain.paging import page_of
from bot.domain.validate import clean_person_name
from bot.i18n import _, format_date, format_list, ngettext
from handlers.kit.context import Ctx
from handlers.kit.paging import numbered_rows, paging_rows
from handlers.kit.replies import Button, Rows, say
from handlers.members.common import (
    PAGE,
    ask_typed,
    back_row,
    dialog_office,
    drop_dialog,
    office,
    office_and,
    to,
)
from handlers.members.payloads import MembersAction, MembersButton, MembersStep
from handlers.onboarding.invite_labels import role_label, scope_label
from handlers.onboarding.start import name_error
from storage import dialogs, members, rosters
from storage.models import Child, Dialog, School, SchoolClass


async def child_of(context: Ctx, school: School, child_id: int) -> Child | None:
    return await rosters.child_of_school(context.session, school.id, child_id)


async def pressed_child(context: Ctx, school: School, data: MembersButton) -> Child | None:
    return await child_of(context, school, data.target)


async def on_child(update: Update, context: Ctx, data: MembersButton) -> None:
    if (found := await office_and(update, context, data, pressed_child)) is not None:
        await show_child(update, context, *found)


async def show_child(update: Update, context: Ctx, school: School, child: Child) -> None:
    klass = await context.session.get(SchoolClass, child.class_id)
    assert klass is not None
    families = {f.child.id: f for f in await members.families(context.session, klass.id)}
    parents = families[child.id].parents if child.id in families else []
    lines = [_("{child}, class {klass}.").format(child=child.name, klass=klass.name)]
    if child.pending:
        lines.append(
            _("Named by a parent, not on a class list: their reports count once you confirm.")
        )
    lines.append(
        _("Parents: {names}").format(names=format_list([p.display_name for p in parents]))
        if parents
        else _("No parent has joined for this child yet.")
    )
    rows: Rows = []
    if child.pending:
        rows.append([(_("✅ Confirm"), to(MembersAction.CONFIRM, school, child.id))])
    rows.append(
        [
            (_("Rename"), to(MembersAction.RENAME, school, child.id)),
            (_("Merge with…"), to(MembersAction.MERGE, school, child.id)),
            (_("Remove"), to(MembersAction.REMOVE_CHILD, school, child.id)),
        ]
    )
    rows += [
        [
            (
                _("Remove parent {name}").format(name=p.display_name),
                to(MembersAction.REMOVE_PARENT, school, klass.id, p.id),
            )
        ]
        for p in parents
    ]
    rows.append(back_row(school, MembersAction.CLASS, klass.id))
    await say(update, "\n".join(lines), rows, edit=True)


# ---------------------------------------------------------------- confirming


async def on_pending(update: Update, context: Ctx, data: MembersButton) -> None:
    if (school := await office(update, context, data)) is not None:
        await show_pending(update, context, school, data.page)


async def show_pending(update: Update, context: Ctx, school: School, number: int) -> None:
    waiting = await rosters.pending_children(context.session, school.id)
    if not waiting:
        text = _("No child is waiting for confirmation.")
        await say(update, text, [back_row(school)], edit=True)
        return
    page = page_of(waiting, number, PAGE)
    text = _(
        "Children named by parents in classes without a list: {n}. Their reports count in "
        "no figure until you confirm them. Tap a child to confirm it; an invented child can be "
        "removed from its card in the class's list."
    ).format(n=len(waiting))
    buttons: list[Button] = [
        (
            _("✅ {child} ({klass})").format(child=child.name, klass=klass.name),
            to(MembersAction.CONFIRM, school, child.id, page=page.number),
        )
        for child, klass in page.items
    ]
    rows: Rows = numbered_rows(buttons, 1)
    rows += paging_rows(page, lambda n: to(MembersAction.PENDING, school, page=n))
    rows.append(
        [(_("✅ Confirm all ({n})").format(n=len(waiting)), to(MembersAction.CONFIRM_ALL, school))]
    )
    rows.append(back_row(school))
    await say(update, text, rows, edit=True)


async def on_confirm(update: Update, context: Ctx, data: MembersButton) -> None:
    if (school := await office(update, context, data)) is None:
        return
    await rosters.confirm(context.session, school.id, [data.target])
    await context.session.commit()
    await show_pending(update, context, school, data.page)


async def on_confirm_all(update: Update, context: Ctx, data: MembersButton) -> None:
    if (school := await office(update, context, data)) is None:
        return
    waiting = await rosters.pending_children(context.session, school.id)
    done = await rosters.confirm(context.session, school.id, [c.id for c, _k in waiting])
    await context.session.commit()
    text = ngettext(
        "Done: {n} child confirmed; their reports count now.",
        "Done: {n} children confirmed; their reports count now.",
        done,
    ).format(n=done)
    await say(update, text, [back_row(school)], edit=True)


# ---------------------------------------------------------------- renaming


async def on_rename(update: Update, context: Ctx, data: MembersButton) -> None:
    if (found := await office_and(update, context, data, pressed_child)) is None:
        return
    school, child = found
    question = _("Type the new name of {child}.").format(child=child.name)
    about = {"school_id": school.id, "child_id": child.id}
    await ask_typed(update, context, MembersStep.RENAME, about, question)


async def on_rename_text(update: Update, context: Ctx, dialog: Dialog) -> None:
    session = context.session
    user, school = await dialog_office(update, context, dialog)
    child_id = int(dialog.data.get("child_id") or 0)
    child = await child_of(context, school, child_id) if school is not None else None
    if school is None or child is None:
        await drop_dialog(update, context, user)
        return
    message = update.effective_message
    checked = clean_person_name(message.text if message else None)
    if checked.value is None:
        await say(update, name_error(checked.error, checked.limit))
        return
    old, child.name = child.name, checked.value
    await dialogs.end_dialog(session, user.id)
    await session.commit()
    text = _("Done: {old} is now called {new}.").format(old=old, new=child.name)
    await say(update, text, [back_row(school, MembersAction.CHILD, child.id)])


# ---------------------------------------------------------------- merging and removing


async def on_merge(update: Update, context: Ctx, data: MembersButton) -> None:
    if (found := await office_and(update, context, data, pressed_child)) is None:
        return
    school, child = found
    others = await rosters.classmates(context.session, child)
    text = _(
        "{child} is the same child as…? Their parents and reports move to the child you pick."
    ).format(child=child.name)
    buttons: list[Button] = [
        (other.name, to(MembersAction.MERGE_INTO, school, child.id, other.id))
        for other in others[:60]
    ]
    rows: Rows = numbered_rows(buttons, 2)
    rows.append(back_row(school, MembersAction.CHILD, child.id))
    await say(update, text, rows, edit=True)


async def merge_pair(
    context: Ctx, school: School, data: MembersButton
) -> tuple[Child, Child] | None:
    source = await child_of(context, school, data.target)
    target = await child_of(context, school, data.item)
    if source is None or target is None or source.id == target.id:
        return None
    return (source, target) if source.class_id == target.class_id else None


async def on_merge_into(update: Update, context: Ctx, data: MembersButton) -> None:
    if (found := await office_and(update, context, data, merge_pair)) is None:
        return
    school, (source, target) = found
    text = _(
        "Merge {source} into {target}? One child stays, named {target}, with the parents and "
        "reports of both (on an evening both have a report, {target}'s stands)."
    ).format(source=source.name, target=target.name)
    rows: Rows = [
        [(_("Yes, merge"), to(MembersAction.MERGE_OK, school, source.id, target.id))],
        [(_("Cancel"), to(MembersAction.CHILD, school, source.id))],
    ]
    await say(update, text, rows, edit=True)


async def on_merge_ok(update: Update, context: Ctx, data: MembersButton) -> None:
    if (found := await office_and(update, context, data, merge_pair)) is None:
        return
    school, (source, target) = found
    name = source.name
    await rosters.merge(context.session, source, target)
    await context.session.commit()
    text = _("Done: {source} and {target} are one child now.").format(
        source=name, target=target.name
    )
    await say(update, text, [back_row(school, MembersAction.CHILD, target.id)], edit=True)


async def on_remove_child(update: Update, context: Ctx, data: MembersButton) -> None:
    if (found := await office_and(update, context, data, pressed_child)) is None:
        return
    school, child = found
    text = _(
        "Remove {child} from the class? Their parents are unlinked from them. Reports stay in "
        "the class's figures without names (a child not confirmed never counts)."
    ).format(child=child.name)
    rows: Rows = [
        [(_("Yes, remove"), to(MembersAction.REMOVE_CHILD_OK, school, child.id))],
        [(_("Cancel"), to(MembersAction.CHILD, school, child.id))],
    ]
    await say(update, text, rows, edit=True)


async def on_remove_child_ok(update: Update, context: Ctx, data: MembersButton) -> None:
    if (found := await office_and(update, context, data, pressed_child)) is None:
        return
    school, child = found
    name, class_id = child.name, child.class_id
    await rosters.remove(context.session, child, context.now())
    await context.session.commit()
    text = _("Done: {child} is no longer in the class.").format(child=name)
    await say(update, text, [back_row(school, MembersAction.CLASS, class_id)], edit=True)


# ---------------------------------------------------------------- not joined yet


async def on_waiting(update: Update, context: Ctx, data: MembersButton) -> None:
    if (school := await office(update, context, data)) is None:
        return
    session = context.session
    lines: list[str] = []
    for invite in await members.open_invites(session, school.id, context.now()):
        scope = await scope_label(context, invite)
        lines.append(
            _("A {role}'s link ({scope}), made {day}: nobody has used it yet").format(
                role=role_label(invite.role), scope=scope, day=format_date(invite.created_at.date())
            )
        )
    by_class: dict[str, list[str]] = {}
    for klass, child in await members.waiting_children(session, school.id):
        by_class.setdefault(klass, []).append(child)
    lines += [
        _("{klass}, no parent yet: {children}").format(klass=k, children=format_list(names))
        for k, names in by_class.items()
    ]
    page = page_of(lines, data.page, PAGE * 2)
    head = _("Not joined yet at {school}:").format(school=school.name)
    body = list(page.items) or [_("Everyone invited has joined.")]
    rows: Rows = paging_rows(page, lambda n: to(MembersAction.WAITING, school, page=n))
    rows.append(back_row(school))
    await say(update, "\n".join([head, *body]), rows, edit=True)
