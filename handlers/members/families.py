"""/members, parents by class: the classes with their counts, a class's families (children with
their parents, waiting ones marked) and its class links with their use limits, removing a
parent from the class, and a link's limit changed by typing it."""

from __future__ import annotations

from telegram import Update

from bot.domain.paging import page_of
from bot.i18n import _, format_list, ngettext, use_locale
from handlers.kit.context import Ctx
from handlers.kit.gate import user_locale
from handlers.kit.menus import refresh_menu
from handlers.kit.paging import numbered_rows, paging_rows
from handlers.kit.replies import Button, Rows, say, send_to
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
from storage import dialogs, members, repo, rosters
from storage.models import Dialog, Invite, School, SchoolClass, User


async def on_classes(update: Update, context: Ctx, data: MembersButton) -> None:
    if (school := await office(update, context, data)) is None:
        return
    classes = await repo.classes_of(context.session, school.id)
    counts = await members.class_counts(context.session, school.id)
    page = page_of(classes, data.page, PAGE * 2)
    lines = [_("Parents by class: tap a class to see its families.")]
    buttons: list[Button] = []
    for klass in page.items:
        children, parents = counts.get(klass.id, (0, 0))
        label = _("{klass} — children: {children}, parents: {parents}").format(
            klass=klass.name, children=children, parents=parents
        )
        buttons.append((label, to(MembersAction.CLASS, school, klass.id)))
    if not classes:
        lines.append(_("Set up the classes first with /classes."))
    rows: Rows = numbered_rows(buttons, 2)
    rows += paging_rows(page, lambda n: to(MembersAction.CLASSES, school, page=n))
    rows.append(back_row(school))
    await say(update, "\n".join(lines), rows, edit=True)


async def class_of(context: Ctx, school: School, class_id: int) -> SchoolClass | None:
    klass = await context.session.get(SchoolClass, class_id)
    return klass if klass is not None and klass.school_id == school.id else None


async def pressed_class(context: Ctx, school: School, data: MembersButton) -> SchoolClass | None:
    return await class_of(context, school, data.target)


def family_line(n: int, family: members.Family) -> str:
    child = family.child
    name = child.name
    if child.pending:
        name = _("{child} (waiting for confirmation)").format(child=name)
    parents = (
        format_list([p.display_name for p in family.parents])
        if family.parents
        else _("no parent yet")
    )
    return f"{n}. {name} — {parents}"


def link_line(n: int, link: Invite) -> str:
    if link.max_uses is None:
        return _("Class link {n}: used {uses}, no limit").format(n=n, uses=link.uses)
    return _("Class link {n}: used {uses} of {max}").format(n=n, uses=link.uses, max=link.max_uses)


async def on_class(update: Update, context: Ctx, data: MembersButton) -> None:
    if (found := await office_and(update, context, data, pressed_class)) is not None:
        await show_class(update, context, *found, data.page)


async def show_class(
    update: Update, context: Ctx, school: School, klass: SchoolClass, number: int
) -> None:
    families = await members.families(context.session, klass.id)
    links = await members.class_links(context.session, klass.id, context.now())
    page = page_of(families, number, PAGE)
    lines = [
        ngettext("Class {klass}: {n} child", "Class {klass}: {n} children", len(families)).format(
            klass=klass.name, n=len(families)
        )
    ]
    lines += [family_line(n, f) for n, f in enumerate(page.items, page.first_index + 1)]
    lines += [link_line(n, link) for n, link in enumerate(links, 1)]
    buttons: list[Button] = [
        (str(n), to(MembersAction.CHILD, school, f.child.id))
        for n, f in enumerate(page.items, page.first_index + 1)
    ]
    rows: Rows = numbered_rows(buttons, 4)
    rows += numbered_rows(
        [
            (_("Limit of link {n}").format(n=n), to(MembersAction.LIMIT, school, link.id))
            for n, link in enumerate(links[:6], 1)
        ],
        2,
    )
    rows += paging_rows(page, lambda n: to(MembersAction.CLASS, school, klass.id, page=n))
    rows.append(back_row(school, MembersAction.CLASSES))
    await say(update, "\n".join(lines), rows, edit=True)


async def on_remove_parent(update: Update, context: Ctx, data: MembersButton) -> None:
    if (found := await office_and(update, context, data, parent_of)) is None:
        return
    school, (klass, parent) = found
    text = _(
        "Remove {name} from class {klass}? They will no longer get its homework or questions. "
        "Their past reports stay in the class's figures, without their name."
    ).format(name=parent.display_name, klass=klass.name)
    rows: Rows = [
        [(_("Yes, remove"), to(MembersAction.REMOVE_PARENT_OK, school, klass.id, parent.id))],
        [(_("Cancel"), to(MembersAction.CLASS, school, klass.id))],
    ]
    await say(update, text, rows, edit=True)


async def parent_of(
    context: Ctx, school: School, data: MembersButton
) -> tuple[SchoolClass, User] | None:
    klass = await class_of(context, school, data.target)
    parent = await context.session.get(User, data.item)
    if klass is None or parent is None:
        return None
    if not await members.parent_in_class(context.session, parent.id, klass.id):
        return None
    return klass, parent


async def on_remove_parent_ok(update: Update, context: Ctx, data: MembersButton) -> None:
    if (found := await office_and(update, context, data, parent_of)) is None:
        return
    school, (klass, parent) = found
    await members.remove_parent(context.session, parent.id, klass.id, context.now())
    await context.session.commit()
    text = _("Done: {name} is no longer a parent in class {klass}.").format(
        name=parent.display_name, klass=klass.name
    )
    await say(update, text, [back_row(school, MembersAction.CLASS, klass.id)], edit=True)
    with use_locale(user_locale(parent)):
        await send_to(
            context,
            parent,
            _("The school office removed you from class {klass} at {school}.").format(
                klass=klass.name, school=school.name
            ),
        )
        await refresh_menu(context, context.session, parent)


# ---------------------------------------------------------------- a class link's limit


async def on_limit(update: Update, context: Ctx, data: MembersButton) -> None:
    if (found := await office_and(update, context, data, class_link_of)) is None:
        return
    school, link = found
    about = {"school_id": school.id, "invite_id": link.id}
    await ask_typed(update, context, MembersStep.LIMIT, about, limit_question(link))


async def class_link_of(context: Ctx, school: School, data: MembersButton) -> Invite | None:
    link = await context.session.get(Invite, data.target)
    if link is None or link.school_id != school.id or link.class_id is None:
        return None
    return link


def limit_question(link: Invite) -> str:
    return _(
        "Parents who joined through this class link so far: {uses}. How many may join "
        "through it in all? Type a number from {low} to {high}."
    ).format(uses=link.uses, low=max(link.uses, 1), high=rosters.MAX_LINK_LIMIT)


async def on_limit_text(update: Update, context: Ctx, dialog: Dialog) -> None:
    session = context.session
    link = await session.get(Invite, dialog.data.get("invite_id"))
    user, school = await dialog_office(update, context, dialog)
    if link is None or school is None:
        await drop_dialog(update, context, user)
        return
    message = update.effective_message
    raw = (message.text or "").strip() if message else ""
    value = int(raw) if raw.isascii() and raw.isdigit() else None
    if value is None or not max(link.uses, 1) <= value <= rosters.MAX_LINK_LIMIT:
        await say(update, _("Please type a number.") + "\n\n" + limit_question(link))
        return
    link.max_uses = value
    await dialogs.end_dialog(session, user.id)
    await session.commit()
    klass = await session.get(SchoolClass, link.class_id)
    await say(
        update,
        _("Done: the use limit of the class link of {klass} is {n} now.").format(
            klass=klass.name if klass else "?", n=value
        ),
        [back_row(school, MembersAction.CLASS, link.class_id or 0)],
    )
