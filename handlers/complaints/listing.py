"""/tickets: staff see the complaints they handle, soonest deadline first, with filters (status,
category, class); parents see their own complaints. The staff listing never shows who filed a
complaint, named or not (it is export-ready). `/tickets 4821-0937` opens one complaint by its
number, as read out on a hotline call (older `C-7K3Q-9XMD` numbers too), for whoever may see it.

The filter buttons are routed by `ComplaintFilterButton.menu` in handlers.registry: "" shows
the listing, `MENU_CATEGORY` and `MENU_CLASS` open a picker.
"""

from __future__ import annotations

from telegram import Update

from bot.domain.complaints import ComplaintStatus, normalize_code
from bot.domain.paging import Page, clamp_page, page_count, page_of
from bot.domain.policy import ComplaintCategory
from bot.i18n import _, ngettext
from handlers.complaints.access import access_of, staff_actor, staff_scope
from handlers.complaints.card import say_lines_with_rows
from handlers.complaints.payloads import (
    ComplaintCardAction,
    ComplaintCardButton,
    ComplaintFilterButton,
    OwnComplaintsPageButton,
)
from handlers.complaints.render import (
    complainant_card,
    complainant_rows,
    format_when,
    load_view,
    staff_card,
    staff_rows,
    status_label,
)
from handlers.homework.schools import class_name, labels_for
from handlers.kit.context import AsyncSession, Ctx
from handlers.kit.gate import current_user, roles_of
from handlers.kit.labels import category_label, category_short_label
from handlers.kit.paging import numbered_rows, page_label, paging_rows, picker_rows
from handlers.kit.replies import Button, Rows, answer, refuse_stale, say
from storage import complaints as store
from storage import repo
from storage.models import Complaint, School

LIST_PAGE = 10
"""Complaints on one page of the staff listing (each with its button)."""
MENU_CATEGORY = "cat"
MENU_CLASS = "cls"
STATUS_FILTERS: tuple[str, ...] = (
    "open",
    ComplaintStatus.NEW.value,
    ComplaintStatus.ESCALATED.value,
    "",
)

Scope = tuple[frozenset[int], frozenset[int]]
"""The schools whose complaints a staff member handles, and the districts they supervise."""


def status_filter_label(value: str) -> str:
    labels = {
        "open": _("Open"),
        ComplaintStatus.NEW.value: _("New"),
        ComplaintStatus.ESCALATED.value: _("Escalated"),
        "": _("All"),
    }
    return labels.get(value, status_label(value))


async def complaints_command(update: Update, context: Ctx) -> None:
    """/tickets. Staff: open complaints by deadline with filters. Parents: their own."""
    user = await current_user(context, update)
    if context.args:
        await show_by_number(update, context, user.id, " ".join(context.args))
        return
    roles = await roles_of(context, user.id)
    is_staff = bool(roles.admin_schools or roles.handler_schools or roles.supervisor_districts)
    own = await store.list_for_complainant(context.session, user.id, None)
    if is_staff:
        scope = await staff_scope(context, user.id)
        await show_listing(update, context, ComplaintFilterButton("open", "", 0), scope, edit=False)
    if own or not is_staff:
        await show_own_list(update, context, own)


async def show_by_number(update: Update, context: Ctx, user_id: int, typed: str) -> None:
    """One complaint by its number: the staff card for its handlers and supervisors, the
    complainant's card for its complainant; the same "not found" for anyone else."""
    session = context.session
    code = normalize_code(typed)
    complaint = await store.find_by_code(session, code) if code is not None else None
    school = await session.get(School, complaint.school_id) if complaint is not None else None
    access = (
        await access_of(context, user_id, complaint, school)
        if complaint is not None and school is not None
        else None
    )
    if complaint is None or access is None or not (access.staff or access.complainant):
        number = typed.strip()[:20]
        await say(
            update,
            _("No complaint with the number {number} that you may see.").format(number=number),
        )
        return
    v = await load_view(session, complaint, events=True)
    if access.staff:
        rows = staff_rows(complaint, staff_actor(access, complaint))
        await say_lines_with_rows(update, staff_card(v, history=True), rows)
    else:
        await say_lines_with_rows(
            update, complainant_card(v, history=True), complainant_rows(complaint)
        )


async def show_own_list(
    update: Update, context: Ctx, own: list[Complaint], number: int = 0, *, edit: bool = False
) -> None:
    if not own:
        await say(update, _("You have not filed any complaint. To file one, send /complain."))
        return
    page = page_of(own, number, LIST_PAGE)
    lines = [_("Your complaints, newest first:")]
    if page.count > 1:
        lines[0] += " " + page_label(page)
    schools = {
        s.id: s
        for s in await repo.schools_by_ids(context.session, {c.school_id for c in page.items})
    }
    for c in page.items:
        school = schools[c.school_id]
        lines.append(
            _("{code} · {category} · {status} · filed {date}").format(
                code=c.code,
                category=category_label(c.category),
                status=status_label(c.status),
                date=format_when(c.created_at, school.timezone),
            )
        )
    buttons: list[Button] = [
        (c.code, ComplaintCardButton(c.id, ComplaintCardAction.MINE)) for c in page.items
    ]
    rows = [*numbered_rows(buttons, 2), *paging_rows(page, OwnComplaintsPageButton)]
    await say(update, "\n".join(lines), rows, edit=edit)


async def on_own_page(update: Update, context: Ctx, data: OwnComplaintsPageButton) -> None:
    user = await current_user(context, update)
    own = await store.list_for_complainant(context.session, user.id, None)
    await answer(update)
    await show_own_list(update, context, own, data.page, edit=True)


# ---------------------------------------------------------------- the staff listing


async def staff_listing(
    session: AsyncSession,
    school_ids: frozenset[int],
    district_ids: frozenset[int],
    flt: ComplaintFilterButton,
) -> tuple[Page[Complaint], list[str]]:
    """The page of complaints and the listing's lines (export-ready: no complainant
    identity at all)."""
    filters = store.Filters(flt.status or None, flt.category or None, flt.class_id or None)
    total = await store.count_for_staff(
        session, school_ids=school_ids, district_ids=district_ids, filters=filters
    )
    number = clamp_page(flt.page, total, LIST_PAGE)
    complaints = await store.list_for_staff(
        session,
        school_ids=school_ids,
        district_ids=district_ids,
        filters=filters,
        limit=LIST_PAGE,
        offset=number * LIST_PAGE,
    )
    page = Page(complaints, number, page_count(total, LIST_PAGE), total, number * LIST_PAGE)
    schools = {
        s.id: s for s in await repo.schools_by_ids(session, {c.school_id for c in complaints})
    }
    classes = await store.class_names(session, {c.class_id for c in complaints if c.class_id})
    lines = [
        _("Complaints — status: {status}; category: {category}; class: {klass}").format(
            status=status_filter_label(flt.status),
            category=category_label(flt.category) if flt.category else _("any"),
            klass=classes.get(flt.class_id) or (_("any") if not flt.class_id else "…"),
        ),
        ngettext(
            "Soonest deadline first; {n} complaint.",
            "Soonest deadline first; {n} complaints.",
            total,
        ).format(n=total)
        + (" " + page_label(page) if page.count > 1 else ""),
    ]
    for n, c in enumerate(complaints, page.first_index + 1):
        school = schools[c.school_id]
        place = (
            _("{school}, class {klass}").format(school=school.name, klass=classes[c.class_id])
            if c.class_id in classes
            else school.name
        )
        lines.append(
            _("{n}. {code} · {place} · {category} · {status} · due {deadline}").format(
                n=n,
                code=c.code,
                place=place,
                category=category_label(c.category),
                status=status_label(c.status),
                deadline=format_when(c.deadline_at, school.timezone),
            )
        )
    return page, lines


async def show_listing(
    update: Update, context: Ctx, flt: ComplaintFilterButton, scope: Scope, *, edit: bool
) -> None:
    page, lines = await staff_listing(context.session, *scope, flt)
    if not page.items:
        lines.append(_("No complaints match."))
    buttons: list[Button] = [
        (c.code, ComplaintCardButton(c.id, ComplaintCardAction.VIEW)) for c in page.items
    ]
    rows: Rows = [
        *numbered_rows(buttons, 2),
        *paging_rows(
            page, lambda n: ComplaintFilterButton(flt.status, flt.category, flt.class_id, "", n)
        ),
    ]
    rows.append(
        [
            (
                ("• " if flt.status == s else "") + status_filter_label(s),
                ComplaintFilterButton(s, flt.category, flt.class_id),
            )
            for s in STATUS_FILTERS
        ]
    )
    rows.append(
        [
            (
                _("Category…"),
                ComplaintFilterButton(flt.status, flt.category, flt.class_id, MENU_CATEGORY),
            ),
            (
                _("Class…"),
                ComplaintFilterButton(flt.status, flt.category, flt.class_id, MENU_CLASS),
            ),
        ]
    )
    await say(update, "\n".join(lines), rows, edit=edit)


# ---------------------------------------------------------------- filter buttons


async def pressed_scope(update: Update, context: Ctx, data: ComplaintFilterButton) -> Scope | None:
    """The presser's staff scope when the filters are valid and they still have one; None
    (after a refusal) if not."""
    valid_status = data.status in STATUS_FILTERS or data.status in {
        s.value for s in ComplaintStatus
    }
    valid_category = not data.category or data.category in {c.value for c in ComplaintCategory}
    if not valid_status or not valid_category:
        await refuse_stale(update)
        return None
    user = await current_user(context, update)
    scope = await staff_scope(context, user.id)
    if not any(scope):
        await refuse_stale(update)
        return None
    await answer(update)
    return scope


async def on_filter(update: Update, context: Ctx, data: ComplaintFilterButton) -> None:
    """The listing with the pressed filters."""
    scope = await pressed_scope(update, context, data)
    if scope is not None:
        await show_listing(update, context, data, scope, edit=True)


async def on_category_menu(update: Update, context: Ctx, data: ComplaintFilterButton) -> None:
    """The category picker; each choice shows the listing with it."""
    if await pressed_scope(update, context, data) is None:
        return
    rows: Rows = [
        [
            (
                category_short_label(cat),
                ComplaintFilterButton(data.status, cat.value, data.class_id),
            )
        ]
        for cat in ComplaintCategory
    ]
    rows.append([(_("Any category"), ComplaintFilterButton(data.status, "", data.class_id))])
    await say(update, _("Show complaints of which category?"), rows, edit=True)


async def on_class_menu(update: Update, context: Ctx, data: ComplaintFilterButton) -> None:
    """The class picker over every class in the presser's scope."""
    scope = await pressed_scope(update, context, data)
    if scope is None:
        return
    classes = await store.classes_in_scope(context.session, *scope)
    schools = await labels_for(context, (k.school_id for k in classes))
    buttons: list[Button] = [
        (class_name(k, schools), ComplaintFilterButton(data.status, data.category, k.id))
        for k in classes
    ]
    rows = picker_rows(
        buttons,
        data.page,
        lambda n: ComplaintFilterButton(data.status, data.category, data.class_id, MENU_CLASS, n),
    )
    rows.append([(_("Any class"), ComplaintFilterButton(data.status, data.category, 0))])
    await say(update, _("Show complaints of which class?"), rows, edit=True)
