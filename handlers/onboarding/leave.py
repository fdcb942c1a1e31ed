"""/me's buttons: remove a child, leave a class; each asks first and re-checks on the press."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from telegram import Update

from bot.i18n import _, format_list
from handlers.kit.callbacks import CallbackData
from handlers.kit.context import Ctx
from handlers.kit.gate import current_user
from handlers.kit.menus import refresh_menu
from handlers.kit.replies import Rows, answer, refuse_stale, say
from storage import privacy, repo


class LeaveAction(enum.StrEnum):
    CHILD = "c"  # ask: remove this child?
    CHILD_OK = "co"
    CLASS = "k"  # ask: leave this class?
    CLASS_OK = "ko"
    CANCEL = "x"


@dataclass(frozen=True)
class LeaveButton(CallbackData, prefix="lv"):
    """A parent removes a child (`target` is the child) or leaves a class (the class)."""

    action: LeaveAction
    target: int


def me_rows(children: list[repo.ChildInfo]) -> Rows:
    """One button per child and one per class, under /me."""
    rows: Rows = [
        [(_("Remove {child}").format(child=c.name), LeaveButton(LeaveAction.CHILD, c.child_id))]
        for c in children
    ]
    classes = {c.class_id: c.class_name for c in children}
    rows += [
        [(_("Leave class {klass}").format(klass=name), LeaveButton(LeaveAction.CLASS, class_id))]
        for class_id, name in classes.items()
    ]
    return rows


def cancel_row() -> list[tuple[str, CallbackData | str]]:
    return [(_("Cancel"), LeaveButton(LeaveAction.CANCEL, 0))]


async def on_child(update: Update, context: Ctx, data: LeaveButton) -> None:
    user = await current_user(context, update)
    children = {c.child_id: c for c in await repo.children_of(context.session, user.id)}
    child = children.get(data.target)
    if child is None:
        await refuse_stale(update)
        return
    await answer(update)
    text = _(
        "Remove {child} (class {klass} at {school}) from your children? You will no longer "
        "get this class's homework or questions for them."
    ).format(child=child.name, klass=child.class_name, school=child.school_name)
    rows: Rows = [
        [(_("Yes, remove"), LeaveButton(LeaveAction.CHILD_OK, child.child_id))],
        cancel_row(),
    ]
    await say(update, text + "\n\n" + release_note(), rows)


def release_note() -> str:
    return _(
        "A child with another parent stays linked to them. A child with no other parent leaves "
        "the class list; their reports stay, without names, in the class's figures."
    )


async def on_class(update: Update, context: Ctx, data: LeaveButton) -> None:
    user = await current_user(context, update)
    children = [
        c for c in await repo.children_of(context.session, user.id) if c.class_id == data.target
    ]
    if not children:
        await refuse_stale(update)
        return
    await answer(update)
    text = _("Leave class {klass} at {school}? {children} will no longer be linked to you.").format(
        klass=children[0].class_name,
        school=children[0].school_name,
        children=format_list([c.name for c in children]),
    )
    rows: Rows = [[(_("Yes, leave"), LeaveButton(LeaveAction.CLASS_OK, data.target))], cancel_row()]
    await say(update, text + "\n\n" + release_note(), rows)


async def on_child_ok(update: Update, context: Ctx, data: LeaveButton) -> None:
    session = context.session
    user = await current_user(context, update)
    children = {c.child_id: c for c in await repo.children_of(session, user.id)}
    child = children.get(data.target)
    if child is None:
        await refuse_stale(update)
        return
    released = await privacy.release_child(session, user.id, child.child_id, context.now())
    await session.commit()
    await answer(update)
    text = _("Done: {child} is no longer linked to you.").format(child=child.name)
    await say(update, text + "\n" + released_line(released), edit=True)
    await refresh_menu(context, session, user)


def released_line(released: privacy.Release | None) -> str:
    if released is privacy.Release.KEPT:
        return _("They stay linked to their other parent.")
    return _("No other parent was linked: they left the class list.")


async def on_class_ok(update: Update, context: Ctx, data: LeaveButton) -> None:
    session = context.session
    user = await current_user(context, update)
    child_ids = await privacy.children_in_class(session, user.id, data.target)
    klass = next(
        (
            c.class_name
            for c in await repo.children_of(session, user.id)
            if c.class_id == data.target
        ),
        None,
    )
    if not child_ids or klass is None:
        await refuse_stale(update)
        return
    for child_id in child_ids:
        await privacy.release_child(session, user.id, child_id, context.now())
    await session.commit()
    await answer(update)
    await say(update, _("Done: you left class {klass}.").format(klass=klass), edit=True)
    await refresh_menu(context, session, user)


async def on_cancel(update: Update, context: Ctx, data: LeaveButton) -> None:
    await answer(update)
    await say(update, _("Nothing was changed."), edit=True)
