"""/homework: the pieces one may change for today and the coming days, with edit and cancel,
a page at a time, filtered by "only mine", class or day."""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from telegram import Update

from bot.domain.calendar import local_now
from bot.domain.homework import HomeworkEventKind, HomeworkStatus
from bot.domain.paging import page_of
from bot.domain.roles import Roles
from bot.i18n import _, format_day, format_minutes
from handlers.homework.draft import load_draft
from handlers.homework.payloads import DIALOG, HomeworkStep
from handlers.homework.preview import show_preview
from handlers.homework.rights import may_change
from handlers.homework.schools import SchoolLabels, class_name, labels_for
from handlers.kit.callbacks import CallbackData
from handlers.kit.context import Ctx
from handlers.kit.gate import current_user, roles_of
from handlers.kit.labels import kind_label
from handlers.kit.paging import numbered_rows, paging_rows
from handlers.kit.replies import Button, Rows, answer, refuse_stale, say
from handlers.scheduler.tick import notify_homework_change
from storage import dialogs
from storage import homework as hw
from storage.models import Assignment, School, SchoolClass, Subject, User

PAGE_SIZE = 10
Row = tuple[Assignment, SchoolClass, Subject, School]


class HomeworkManageAction(enum.StrEnum):
    EDIT = "edit"
    CANCEL = "cancel"
    CONFIRM_CANCEL = "confirm"


@dataclass(frozen=True)
class HomeworkManageButton(CallbackData, prefix="hw.m"):
    assignment_id: int
    action: HomeworkManageAction


class ListMenu(enum.StrEnum):
    NONE = "-"
    CLASS = "class"
    DAY = "day"


@dataclass(frozen=True)
class HomeworkListButton(CallbackData, prefix="hw.l"):
    """/homework's page and filters: only mine, one class (0: all), one day (an ordinal; 0:
    all); `menu` opens the class or day picker."""

    page: int = 0
    mine: bool = False
    class_id: int = 0
    day: int = 0
    menu: ListMenu = ListMenu.NONE

    def but(self, **changes: Any) -> HomeworkListButton:
        return replace(self, **{"menu": ListMenu.NONE, **changes})


def status_label(status: str) -> str:
    labels: dict[str, str] = {
        HomeworkStatus.PENDING: _("waiting for approval"),
        HomeworkStatus.POSTED: _("posted"),
        HomeworkStatus.CANCELLED: _("cancelled"),
        HomeworkStatus.REJECTED: _("rejected"),
    }
    return labels.get(status, status)


async def homework_command(update: Update, context: Ctx) -> None:
    await show_list(update, context, HomeworkListButton())


async def on_list(update: Update, context: Ctx, data: HomeworkListButton) -> None:
    """A page, a filter or a filter's picker."""
    await answer(update)
    await show_list(update, context, data)


@dataclass(frozen=True)
class Listing:
    """The pieces the user may change from today on (their own first), and how to name them."""

    user_id: int
    rows: list[Row]
    schools: SchoolLabels

    def matching(self, f: HomeworkListButton) -> list[Row]:
        return [
            r
            for r in self.rows
            if (not f.mine or r[0].teacher_id == self.user_id)
            and (not f.class_id or r[1].id == f.class_id)
            and (not f.day or r[0].evening.toordinal() == f.day)
        ]

    def classes(self) -> list[SchoolClass]:
        return list({r[1].id: r[1] for r in self.rows}.values())

    def days(self) -> list[date]:
        return sorted({r[0].evening for r in self.rows})


async def listing_of(context: Ctx, user: User, roles: Roles) -> Listing:
    oldest = (context.now() - timedelta(days=1)).date()  # refined per school below
    rows = await hw.changeable_pieces(context.session, user.id, roles, oldest)
    current = [
        r
        for r in rows
        if (r[0].due or r[0].evening) >= local_now(r[3].timezone, context.now()).date()
    ]
    # One's own pieces first; then, for grade leaders and admins, the others they may change.
    current.sort(key=lambda r: r[0].teacher_id != user.id)
    # The school is named when the person works in more than one, whatever this list holds.
    schools = {r[3].id for r in current} | roles.teacher_schools | roles.admin_schools
    schools |= {school_id for school_id, _grade in roles.grade_leader}
    return Listing(user.id, current, await labels_for(context, schools))


async def show_list(update: Update, context: Ctx, f: HomeworkListButton) -> None:
    user = await current_user(context, update)
    roles = await roles_of(context, user.id)
    if not roles.teacher_schools and not roles.grade_leader and not roles.admin_schools:
        await say(update, _("Only teachers, grade leaders and school administrators see this."))
        return
    listing = await listing_of(context, user, roles)
    edit = update.callback_query is not None
    if not listing.rows:
        await say(
            update,
            _("No homework for today or the coming days. Record some with /assign."),
            edit=edit,
        )
        return
    if f.menu != ListMenu.NONE:
        await say(update, *filter_menu(listing, f), edit=edit)
        return
    page = page_of(listing.matching(f), f.page, PAGE_SIZE)
    lines = [_("Homework for today and the coming days:")]
    if not page.items:
        lines.append(_("Nothing matches these filters."))
    buttons: list[Button] = []
    for n, (a, klass, subject, _school) in enumerate(page.items, page.first_index + 1):
        lines.append(piece_line(n, a, class_name(klass, listing.schools), subject.name))
        buttons += [
            (_("✏ Edit {n}").format(n=n), HomeworkManageButton(a.id, HomeworkManageAction.EDIT)),
            (
                _("✖ Cancel {n}").format(n=n),
                HomeworkManageButton(a.id, HomeworkManageAction.CANCEL),
            ),
        ]
    rows = numbered_rows(buttons, 4) + paging_rows(page, lambda n: f.but(page=n))
    rows += filter_rows(listing, f)
    await say(update, "\n".join(lines), rows, edit=edit)


def piece_line(n: int, a: Assignment, klass: str, subject: str) -> str:
    state = "" if a.status == HomeworkStatus.POSTED else f" [{status_label(a.status)}]"
    layer = "" if a.required else " · " + _("optional")
    return (
        f"{n}. {format_day(a.evening)} · {klass} · {subject} · "
        f"{kind_label(a.kind)} · {format_minutes(a.minutes)}{layer}{state}\n   {a.text[:80]}"
    )


def filter_rows(listing: Listing, f: HomeworkListButton) -> Rows:
    """The filters worth offering: "only mine" when others' pieces are listed, the class and
    the day when there is more than one; each opens its picker or toggles."""
    row: list[Button] = []
    if any(r[0].teacher_id != listing.user_id for r in listing.rows):
        mine = _("👥 Everyone's") if f.mine else _("👤 Only mine")
        row.append((mine, f.but(page=0, mine=not f.mine)))
    if len(listing.classes()) > 1:
        klass = next((k for k in listing.classes() if k.id == f.class_id), None)
        label = (
            _("Class: {klass}").format(klass=class_name(klass, listing.schools))
            if klass
            else _("Class: all")
        )
        row.append((label, f.but(menu=ListMenu.CLASS)))
    if len(listing.days()) > 1:
        label = (
            _("Day: {day}").format(day=format_day(date.fromordinal(f.day)))
            if f.day
            else _("Day: all")
        )
        row.append((label, f.but(menu=ListMenu.DAY)))
    return [row] if row else []


def filter_menu(listing: Listing, f: HomeworkListButton) -> tuple[str, Rows]:
    """The class or day picker: each choice back to the first page with that filter."""
    if f.menu == ListMenu.CLASS:
        choices: list[Button] = [
            (class_name(k, listing.schools), f.but(page=0, class_id=k.id))
            for k in listing.classes()
        ]
        choices.append((_("All classes"), f.but(page=0, class_id=0)))
        return _("Which class?"), numbered_rows(choices, 3)
    days: list[Button] = [(format_day(d), f.but(page=0, day=d.toordinal())) for d in listing.days()]
    days.append((_("All days"), f.but(page=0, day=0)))
    return _("Which day?"), numbered_rows(days, 3)


# ---------------------------------------------------------------- buttons (by action)


@dataclass(frozen=True)
class ManagedPiece:
    user: User
    assignment: Assignment
    klass: SchoolClass
    subject: Subject

    @property
    def described(self) -> dict[str, str]:
        return {
            "subject": self.subject.name,
            "klass": self.klass.name,
            "day": format_day(self.assignment.evening),
        }


async def managed_piece(
    update: Update, context: Ctx, data: HomeworkManageButton
) -> ManagedPiece | None:
    """The piece, if it is still posted or pending and the presser may change it."""
    user = await current_user(context, update)
    assignment = await context.session.get(Assignment, data.assignment_id)
    if (
        assignment is None
        or assignment.status not in (HomeworkStatus.POSTED, HomeworkStatus.PENDING)
        or not await may_change(context, user.id, assignment)
    ):
        await refuse_stale(update)
        return None
    klass = await context.session.get(SchoolClass, assignment.class_id)
    subject = await context.session.get(Subject, assignment.subject_id)
    assert klass is not None and subject is not None
    await answer(update)
    return ManagedPiece(user, assignment, klass, subject)


async def on_cancel(update: Update, context: Ctx, data: HomeworkManageButton) -> None:
    """Asks to confirm first."""
    piece = await managed_piece(update, context, data)
    if piece is None:
        return
    confirm = HomeworkManageButton(piece.assignment.id, HomeworkManageAction.CONFIRM_CANCEL)
    await say(
        update,
        _("Cancel {subject} for {klass} on {day}? Parents who already saw it are told.").format(
            **piece.described
        ),
        [[(_("Yes, cancel it"), confirm)]],
    )


async def on_confirm_cancel(update: Update, context: Ctx, data: HomeworkManageButton) -> None:
    piece = await managed_piece(update, context, data)
    if piece is None:
        return
    await hw.set_status(
        context.session,
        piece.assignment,
        piece.user.id,
        HomeworkStatus.CANCELLED,
        HomeworkEventKind.CANCELLED,
    )
    await context.session.commit()
    await say(
        update,
        _("Cancelled: {subject} for {klass} on {day}.").format(**piece.described),
        edit=True,
    )
    await notify_homework_change(context, piece.assignment.id, "cancelled")


async def on_edit(update: Update, context: Ctx, data: HomeworkManageButton) -> None:
    """Opens the /assign dialog at the preview, filled with the piece."""
    piece = await managed_piece(update, context, data)
    if piece is None:
        return
    assignment = piece.assignment
    dialog = await dialogs.start_dialog(
        context.session,
        piece.user.id,
        DIALOG,
        HomeworkStep.PREVIEW,
        {
            "edit_id": assignment.id,
            "class_id": assignment.class_id,
            "class_ids": [assignment.class_id],
            "required": assignment.required,
            "subject_id": assignment.subject_id,
            "text": assignment.text,
            "photo": assignment.photo_file_id,
            "kind": assignment.kind,
            "minutes": assignment.minutes,
            "evening": assignment.evening.isoformat(),
            "due": assignment.due.isoformat() if assignment.due else None,
            # A posted piece's text and kind: keeping them is not held for approval again.
            "posted_as": [assignment.text, assignment.kind]
            if assignment.status == HomeworkStatus.POSTED
            else None,
        },
        now=context.now(),
    )
    await context.session.commit()
    draft = await load_draft(context, dialog)
    assert draft is not None
    await show_preview(update, context, draft)
