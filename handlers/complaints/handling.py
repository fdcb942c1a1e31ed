"""Handling complaints: staff notifications and buttons, /tickets, and the two-way relay.

Anonymity: for an anonymous ticket, nothing rendered for school or district staff, and no log
line, contains the complainant's name, username or id; `complainant_id` is read only to send
the complainant their own messages. Log lines name tickets by code.

Every button re-checks the presser's rights against the ticket: the complainant, a complaint
handler or admin of the ticket's school (school level), a supervisor of its district (district
level); anything else is refused as stale.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Bot, Update
from telegram.error import BadRequest, Forbidden

from bot.domain.calendar import SchoolCalendar
from bot.domain.complaints import (
    ComplaintAction,
    ComplaintActor,
    ComplaintLevel,
    ComplaintStatus,
    allowed_actions,
    deadline_for,
    is_open,
    reminder_for,
    transition,
)
from bot.domain.policy import ComplaintCategory
from bot.i18n import _, format_date, format_time, use_locale
from handlers.kit.callbacks import CallbackData
from handlers.kit.context import Ctx
from handlers.kit.gate import current_user, roles_of, user_locale
from handlers.kit.labels import category_label
from handlers.kit.replies import (
    Button,
    Keyboard,
    Rows,
    answer,
    keyboard,
    pack_lines,
    refuse_stale,
    say,
)
from storage import complaints as store
from storage import dialogs, repo
from storage import homework as hw
from storage.models import Complaint, ComplaintEvent, Dialog, School, SchoolClass, User

log = logging.getLogger(__name__)

MAX_TEXT = 2000
"""Longest complaint text, reply, question, summary or instruction (characters)."""
DIALOG = "ticket_msg"
LIST_LIMIT = 30
LIST_BUTTONS = 10


# ---------------------------------------------------------------- payloads


class ComplaintCardAction(enum.StrEnum):
    """A button on a ticket: staff actions, complainant actions, views and confirmations."""

    VIEW = "v"  # staff: the card with its history
    MINE = "m"  # complainant: their ticket with the thread
    TAKE = "t"
    REPLY = "r"
    ASK = "q"
    RESOLVE = "s"
    ESCALATE = "e"
    RETURN = "b"
    ABUSIVE = "x"
    ABUSIVE_OK = "xx"
    ADD_INFO = "i"
    WITHDRAW = "w"
    WITHDRAW_OK = "ww"
    RATE_OK = "ok"
    RATE_BAD = "no"


ACTION_OF: dict[ComplaintCardAction, ComplaintAction] = {
    ComplaintCardAction.TAKE: ComplaintAction.TAKE,
    ComplaintCardAction.REPLY: ComplaintAction.REPLY,
    ComplaintCardAction.ASK: ComplaintAction.ASK,
    ComplaintCardAction.RESOLVE: ComplaintAction.RESOLVE,
    ComplaintCardAction.ESCALATE: ComplaintAction.ESCALATE,
    ComplaintCardAction.RETURN: ComplaintAction.RETURN,
    ComplaintCardAction.ABUSIVE: ComplaintAction.ABUSIVE,
    ComplaintCardAction.ABUSIVE_OK: ComplaintAction.ABUSIVE,
    ComplaintCardAction.ADD_INFO: ComplaintAction.ADD_INFO,
    ComplaintCardAction.WITHDRAW: ComplaintAction.WITHDRAW,
    ComplaintCardAction.WITHDRAW_OK: ComplaintAction.WITHDRAW,
    ComplaintCardAction.RATE_OK: ComplaintAction.RATE_RESOLVED,
    ComplaintCardAction.RATE_BAD: ComplaintAction.RATE_UNRESOLVED,
}
COMPLAINANT_ACTIONS = frozenset(
    {
        ComplaintAction.ADD_INFO,
        ComplaintAction.WITHDRAW,
        ComplaintAction.RATE_RESOLVED,
        ComplaintAction.RATE_UNRESOLVED,
    }
)
TEXT_ACTIONS = frozenset(
    {
        ComplaintAction.REPLY,
        ComplaintAction.ASK,
        ComplaintAction.RESOLVE,
        ComplaintAction.RETURN,
        ComplaintAction.ADD_INFO,
    }
)
"""Actions that ask for a text first (a dialog)."""


@dataclass(frozen=True)
class ComplaintCardButton(CallbackData, prefix="tk.a"):
    ticket_id: int
    do: ComplaintCardAction


@dataclass(frozen=True)
class ComplaintFilterButton(CallbackData, prefix="tk.f"):
    """The staff listing with its filters ("" / 0: any); `menu` opens a picker."""

    status: str
    category: str
    class_id: int
    menu: str = ""


# ---------------------------------------------------------------- rights


@dataclass(frozen=True)
class Access:
    complainant: bool
    school: bool  # complaint handler or admin of the ticket's school
    supervisor: bool  # supervisor of the ticket's district

    @property
    def staff(self) -> bool:
        return self.school or self.supervisor


async def access_of(context: Ctx, user_id: int, complaint: Complaint, school: School) -> Access:
    roles = await roles_of(context, user_id)
    return Access(
        complainant=complaint.complainant_id == user_id,
        school=complaint.school_id in roles.admin_schools | roles.handler_schools,
        supervisor=school.district_id in roles.supervisor_districts,
    )


def staff_actor(access: Access, complaint: Complaint) -> ComplaintActor | None:
    """The kind of staff actor this person is for the ticket at its current level."""
    if complaint.level == ComplaintLevel.SCHOOL and access.school:
        return ComplaintActor.SCHOOL
    if complaint.level == ComplaintLevel.DISTRICT and access.supervisor:
        return ComplaintActor.SUPERVISOR
    return None


def actor_for(
    access: Access, complaint: Complaint, action: ComplaintAction
) -> ComplaintActor | None:
    if action in COMPLAINANT_ACTIONS:
        return ComplaintActor.COMPLAINANT if access.complainant else None
    return staff_actor(access, complaint)


# ---------------------------------------------------------------- rendering


def status_label(status: ComplaintStatus | str) -> str:
    labels: dict[str, str] = {
        ComplaintStatus.NEW: _("new"),
        ComplaintStatus.IN_PROGRESS: _("in progress"),
        ComplaintStatus.INFO_REQUESTED: _("waiting for details from the parent"),
        ComplaintStatus.ESCALATED: _("escalated to the district"),
        ComplaintStatus.RETURNED: _("sent back to the school"),
        ComplaintStatus.REOPENED: _("reopened"),
        ComplaintStatus.RESOLVED: _("resolved, waiting for the parent's rating"),
        ComplaintStatus.CLOSED: _("closed"),
        ComplaintStatus.WITHDRAWN: _("withdrawn"),
        ComplaintStatus.ABUSIVE: _("closed as abusive"),
    }
    return labels.get(str(status), str(status))


def level_label(level: str) -> str:
    return _("district") if level == ComplaintLevel.DISTRICT else _("school")


def actor_label(role: str) -> str:
    labels: dict[str, str] = {
        ComplaintActor.COMPLAINANT: _("Parent"),
        ComplaintActor.SCHOOL: _("School"),
        ComplaintActor.SUPERVISOR: _("District"),
        ComplaintActor.SYSTEM: _("Bot"),
    }
    return labels.get(role, role)


def format_when(moment: datetime, tz_name: str) -> str:
    """A moment in the school's time zone, with the zone named: 'Nov 25, 2026, 11:59 PM
    (Asia/Shanghai)'."""
    local = moment.astimezone(ZoneInfo(tz_name))
    return _("{date}, {time} ({zone})").format(
        date=format_date(local.date()), time=format_time(local), zone=tz_name
    )


def event_line(event: ComplaintEvent, tz_name: str) -> str:
    """One line of the thread: when, who (by role only), what."""
    what: dict[str, str] = {
        "filed": _("filed the complaint"),
        "taken": _("took the ticket"),
        "reply": _("replied: {text}"),
        "asked": _("asked for details: {text}"),
        "info": _("added: {text}"),
        "resolved": _("resolved it: {text}"),
        "escalated": _("escalated it to the district"),
        "auto_escalated": _("escalated it to the district: no response by the deadline"),
        "returned": _("sent it back to the school: {text}"),
        "abusive": _("closed it as abusive"),
        "withdrawn": _("withdrew it"),
        "rated_ok": _("rated the outcome: resolved"),
        "rated_bad": _("rated the outcome: not resolved"),
        "reminded": _("reminded the handlers of the deadline"),
    }
    body = what.get(event.kind, event.kind).format(text=event.text or "")
    local = event.created_at.astimezone(ZoneInfo(tz_name))
    return f"{format_date(local.date(), 'short')} {format_time(local)} · " + _(
        "{who}: {what}"
    ).format(who=actor_label(event.actor_role), what=body)


@dataclass
class TicketView:
    """A ticket with what may be shown about it (never an anonymous complainant's identity)."""

    complaint: Complaint
    school: School
    class_name: str | None
    named_as: str | None  # a named complainant's name; None when anonymous
    events: list[ComplaintEvent] = field(default_factory=list)


async def load_view(session: AsyncSession, complaint: Complaint, *, events: bool) -> TicketView:
    school = await session.get(School, complaint.school_id)
    assert school is not None
    klass = await session.get(SchoolClass, complaint.class_id) if complaint.class_id else None
    named_as = None
    if not complaint.anonymous and complaint.complainant_id is not None:
        user = await session.get(User, complaint.complainant_id)
        named_as = user.display_name if user is not None else None
    return TicketView(
        complaint,
        school,
        klass.name if klass is not None else None,
        named_as,
        await store.events_of(session, complaint.id) if events else [],
    )


def _place(v: TicketView) -> str:
    if v.class_name:
        return _("{school}, class {klass}").format(school=v.school.name, klass=v.class_name)
    return _("{school} (class not shown)").format(school=v.school.name)


def staff_card(v: TicketView, *, history: bool = False) -> str:
    """The ticket as school or district staff see it, in the current locale."""
    c = v.complaint
    lines = [
        _("Complaint {code}").format(code=c.code),
        _place(v),
        _("Category: {category}").format(category=category_label(c.category)),
        _("From: {name}").format(name=v.named_as) if v.named_as else _("From: an anonymous parent"),
        _("Status: {status} ({level} level)").format(
            status=status_label(c.status), level=level_label(c.level)
        ),
    ]
    if c.level == ComplaintLevel.SCHOOL and is_open(c.status):
        lines.append(
            _("Respond by: {deadline}").format(
                deadline=format_when(c.deadline_at, v.school.timezone)
            )
        )
    lines += ["", c.text]
    if c.photos:
        lines.append(_("Photos: {n}").format(n=len(c.photos)))
    if history and v.events:
        lines += ["", _("History:")]
        lines += [event_line(e, v.school.timezone) for e in v.events]
    return "\n".join(lines)


def complainant_card(v: TicketView, *, history: bool = False) -> str:
    """The ticket as its complainant sees it."""
    c = v.complaint
    lines = [
        _("Your complaint {code}").format(code=c.code),
        _place(v),
        _("Category: {category}").format(category=category_label(c.category)),
        _("Status: {status}").format(status=status_label(c.status)),
    ]
    if c.level == ComplaintLevel.SCHOOL and is_open(c.status):
        lines.append(
            _("The school must respond by {deadline}.").format(
                deadline=format_when(c.deadline_at, v.school.timezone)
            )
        )
    lines.append(
        _("Anonymous: the school does not see who you are.")
        if c.anonymous
        else _("Named: the school sees your name.")
    )
    if history and v.events:
        lines += ["", _("Thread:")]
        lines += [event_line(e, v.school.timezone) for e in v.events]
    return "\n".join(lines)


STAFF_BUTTONS: tuple[tuple[ComplaintAction, ComplaintCardAction], ...] = (
    (ComplaintAction.TAKE, ComplaintCardAction.TAKE),
    (ComplaintAction.REPLY, ComplaintCardAction.REPLY),
    (ComplaintAction.ASK, ComplaintCardAction.ASK),
    (ComplaintAction.RESOLVE, ComplaintCardAction.RESOLVE),
    (ComplaintAction.ESCALATE, ComplaintCardAction.ESCALATE),
    (ComplaintAction.RETURN, ComplaintCardAction.RETURN),
    (ComplaintAction.ABUSIVE, ComplaintCardAction.ABUSIVE),
)


def button_label(do: ComplaintCardAction) -> str:
    labels: dict[ComplaintCardAction, str] = {
        ComplaintCardAction.VIEW: _("📜 History"),
        ComplaintCardAction.MINE: _("📜 Thread"),
        ComplaintCardAction.TAKE: _("✋ Take"),
        ComplaintCardAction.REPLY: _("💬 Reply"),
        ComplaintCardAction.ASK: _("❓ Ask for details"),
        ComplaintCardAction.RESOLVE: _("✅ Resolve"),
        ComplaintCardAction.ESCALATE: _("⬆ Escalate"),
        ComplaintCardAction.RETURN: _("↩ Send back to the school"),
        ComplaintCardAction.ABUSIVE: _("🚫 Mark abusive"),
        ComplaintCardAction.ABUSIVE_OK: _("🚫 Yes, close it as abusive"),
        ComplaintCardAction.ADD_INFO: _("➕ Add information"),
        ComplaintCardAction.WITHDRAW: _("Withdraw"),
        ComplaintCardAction.WITHDRAW_OK: _("Yes, withdraw it"),
        ComplaintCardAction.RATE_OK: _("👍 Resolved"),
        ComplaintCardAction.RATE_BAD: _("👎 Not resolved"),
    }
    return labels[do]


def staff_rows(c: Complaint, actor: ComplaintActor | None, *, with_history: bool = True) -> Rows:
    """The buttons a staff actor has on a ticket now (none for a non-acting viewer)."""
    buttons: list[Button] = []
    if actor is not None:
        allowed = set(allowed_actions(c.status, c.level, actor, c.unresolved_ratings))
        buttons = [
            (button_label(do), ComplaintCardButton(c.id, do))
            for a, do in STAFF_BUTTONS
            if a in allowed
        ]
    if with_history:
        buttons.append(
            (
                button_label(ComplaintCardAction.VIEW),
                ComplaintCardButton(c.id, ComplaintCardAction.VIEW),
            )
        )
    return [buttons[i : i + 2] for i in range(0, len(buttons), 2)]


def complainant_rows(c: Complaint, *, with_thread: bool = True) -> Rows:
    allowed = set(
        allowed_actions(c.status, c.level, ComplaintActor.COMPLAINANT, c.unresolved_ratings)
    )
    rows: Rows = []
    if ComplaintAction.RATE_RESOLVED in allowed:
        rows.append(
            [
                (
                    button_label(ComplaintCardAction.RATE_OK),
                    ComplaintCardButton(c.id, ComplaintCardAction.RATE_OK),
                ),
                (
                    button_label(ComplaintCardAction.RATE_BAD),
                    ComplaintCardButton(c.id, ComplaintCardAction.RATE_BAD),
                ),
            ]
        )
    row: list[Button] = []
    if ComplaintAction.ADD_INFO in allowed:
        row.append(
            (
                button_label(ComplaintCardAction.ADD_INFO),
                ComplaintCardButton(c.id, ComplaintCardAction.ADD_INFO),
            )
        )
    if ComplaintAction.WITHDRAW in allowed:
        row.append(
            (
                button_label(ComplaintCardAction.WITHDRAW),
                ComplaintCardButton(c.id, ComplaintCardAction.WITHDRAW),
            )
        )
    if row:
        rows.append(row)
    if with_thread:
        rows.append(
            [
                (
                    button_label(ComplaintCardAction.MINE),
                    ComplaintCardButton(c.id, ComplaintCardAction.MINE),
                )
            ]
        )
    return rows


def status_line(c: Complaint) -> str:
    """The one line a complainant gets for each status change."""
    return _("{code}: {status}").format(code=c.code, status=status_label(c.status))


# ---------------------------------------------------------------- sending


async def deliver_to(
    bot: Bot, session: AsyncSession, user: User, text: str, rows: Keyboard | None = None
) -> bool:
    """Message a user (no forwarding: the bot always sends its own message); False when they
    cannot be reached (then marked unreachable)."""
    if not user.reachable:
        return False
    chunks = pack_lines(text.split("\n"))  # a long card with its history: several messages
    try:
        for n, chunk in enumerate(chunks, 1):
            markup = keyboard(rows) if rows and n == len(chunks) else None
            await bot.send_message(user.id, "\n".join(chunk), reply_markup=markup)
    except Forbidden:
        await repo.set_reachable(session, user.id, False)
        return False
    except BadRequest as error:
        if "chat not found" not in str(error).lower():
            raise
        await repo.set_reachable(session, user.id, False)
        return False
    return True


async def deliver_photos(bot: Bot, user: User, photos: Sequence[str], caption: str) -> None:
    """Send a ticket's photos by file id (they carry nothing of who sent them)."""
    if not user.reachable:
        return
    for n, file_id in enumerate(photos, 1):
        try:
            await bot.send_photo(
                user.id, file_id, caption=f"{caption} ({n}/{len(photos)})" if n == 1 else None
            )
        except (Forbidden, BadRequest) as error:
            log.info("could not send a ticket photo: %s", type(error).__name__)
            return


Render = Callable[[], str]


async def audience(session: AsyncSession, complaint: Complaint, school: School) -> list[User]:
    """Who handles the ticket now: the school's handlers and admins, or the district's
    supervisors once it is at district level."""
    if complaint.level == ComplaintLevel.DISTRICT:
        return await store.district_supervisors(session, school.district_id)
    return await store.school_handlers(session, complaint.school_id)


async def tell_staff(
    bot: Bot,
    session: AsyncSession,
    complaint: Complaint,
    header: Render | None,
    *,
    recipients: list[User] | None = None,
    card: bool = True,
    history: bool = False,
    photos: bool = False,
    buttons: bool = True,
    skip: int | None = None,
) -> int:
    """Tell the ticket's current handlers (or `recipients`), each in their language."""
    v = await load_view(session, complaint, events=history)
    users = recipients if recipients is not None else await audience(session, complaint, v.school)
    acting = (
        ComplaintActor.SUPERVISOR
        if complaint.level == ComplaintLevel.DISTRICT
        else ComplaintActor.SCHOOL
    )
    sent = 0
    for user in users:
        if user.id == skip:
            continue
        with use_locale(user_locale(user)):
            parts = [header()] if header is not None else []
            if card:
                parts.append(staff_card(v, history=history))
            rows = staff_rows(complaint, acting) if buttons else None
            if await deliver_to(bot, session, user, "\n\n".join(parts), rows):
                sent += 1
                if photos and complaint.photos:
                    await deliver_photos(
                        bot, user, complaint.photos, _("{code}: photos").format(code=complaint.code)
                    )
    if not users:
        log.warning("ticket %s: nobody to tell at %s level", complaint.code, complaint.level)
    return sent


async def tell_complainant(
    bot: Bot,
    session: AsyncSession,
    complaint: Complaint,
    body: Render | None = None,
    *,
    status_changed: bool = True,
    rows: bool = True,
) -> bool:
    """Tell the complainant: their ticket's one status line, and any relayed text."""
    if complaint.complainant_id is None:
        return False
    user = await session.get(User, complaint.complainant_id)
    if user is None:
        return False
    with use_locale(user_locale(user)):
        parts = []
        if body is not None:
            parts.append(body())
        if status_changed:
            parts.append(status_line(complaint))
        return await deliver_to(
            bot,
            session,
            user,
            "\n\n".join(parts),
            complainant_rows(complaint) if rows else None,
        )


# ---------------------------------------------------------------- state changes


def new_deadline(school: School, calendar: SchoolCalendar, now: datetime) -> dict[str, object]:
    """Fresh deadline values (a returned or reopened ticket gets the school's full time again)."""
    deadline = deadline_for(now, school.timezone, calendar, school.complaint_deadline_days)
    return {
        "deadline_at": deadline,
        "remind_at": reminder_for(deadline, school.timezone, now),
        "responded_at": None,
        "reminded_at": None,
        "escalated_at": None,
    }


async def escalate(
    bot: Bot,
    session: AsyncSession,
    complaint: Complaint,
    *,
    actor: ComplaintActor,
    actor_id: int | None,
    now: datetime,
    kind: str = "escalated",
) -> bool:
    """Move the ticket to the district and tell the supervisors (card, history, buttons), the
    school and the complainant. False when the ticket changed meanwhile."""
    previous = complaint.status
    moved = await store.change_status(
        session,
        complaint,
        previous,
        ComplaintStatus.ESCALATED,
        ComplaintLevel.DISTRICT,
        now,
        escalated_at=now,
    )
    if not moved:
        return False
    await store.add_event(
        session, complaint, actor_id, actor, kind, now, status=ComplaintStatus.ESCALATED
    )
    await session.commit()
    await announce_escalation(bot, session, complaint, automatic=kind == "auto_escalated")
    return True


async def announce_escalation(
    bot: Bot, session: AsyncSession, complaint: Complaint, *, automatic: bool
) -> None:
    def header() -> str:
        if automatic:
            return _("⬆ Escalated to the district: the school did not respond by the deadline.")
        return _("⬆ Escalated to the district.")

    await tell_staff(bot, session, complaint, header, history=True, photos=True)
    school_staff = await store.school_handlers(session, complaint.school_id)
    await tell_staff(
        bot,
        session,
        complaint,
        lambda: _("{code} is now handled by the district supervisors.").format(code=complaint.code),
        recipients=school_staff,
        card=False,
        buttons=False,
    )
    await tell_complainant(bot, session, complaint)
    await session.commit()
    log.info("ticket %s escalated%s", complaint.code, " automatically" if automatic else "")


# ---------------------------------------------------------------- /tickets


STATUS_FILTERS: tuple[str, ...] = (
    "open",
    ComplaintStatus.NEW.value,
    ComplaintStatus.ESCALATED.value,
    "",
)


def status_filter_label(value: str) -> str:
    labels = {
        "open": _("Open"),
        ComplaintStatus.NEW.value: _("New"),
        ComplaintStatus.ESCALATED.value: _("Escalated"),
        "": _("All"),
    }
    return labels.get(value, status_label(value))


async def tickets_command(update: Update, context: Ctx) -> None:
    """Staff: open tickets by deadline with filters. Parents: their own tickets."""
    user = await current_user(context, update)
    roles = await roles_of(context, user.id)
    is_staff = bool(roles.admin_schools or roles.handler_schools or roles.supervisor_districts)
    own = await store.list_for_complainant(context.session, user.id)
    if is_staff:
        await show_staff_list(update, context, ComplaintFilterButton("open", "", 0), edit=False)
    if own or not is_staff:
        await show_own_list(update, context, own)


async def show_own_list(update: Update, context: Ctx, own: list[Complaint]) -> None:
    if not own:
        await say(update, _("You have not filed any complaint. To file one, send /complain."))
        return
    lines = [_("Your complaints, newest first:")]
    schools = {
        s.id: s for s in await repo.schools_by_ids(context.session, {c.school_id for c in own})
    }
    for c in own:
        school = schools[c.school_id]
        lines.append(
            _("{code} · {category} · {status} · filed {date}").format(
                code=c.code,
                category=category_label(c.category),
                status=status_label(c.status),
                date=format_date(c.created_at.astimezone(ZoneInfo(school.timezone)).date()),
            )
        )
    rows: Rows = [
        [(c.code, ComplaintCardButton(c.id, ComplaintCardAction.MINE)) for c in own[i : i + 2]]
        for i in range(0, min(len(own), LIST_BUTTONS), 2)
    ]
    await say(update, "\n".join(lines), rows)


async def staff_scope(context: Ctx, user_id: int) -> tuple[frozenset[int], frozenset[int]]:
    roles = await roles_of(context, user_id)
    return roles.admin_schools | roles.handler_schools, roles.supervisor_districts


async def staff_listing(
    session: AsyncSession,
    school_ids: frozenset[int],
    district_ids: frozenset[int],
    flt: ComplaintFilterButton,
) -> tuple[list[Complaint], list[str]]:
    """The tickets and the listing's lines (export-ready: no complainant identity at all)."""
    tickets = await store.list_for_staff(
        session,
        school_ids=school_ids,
        district_ids=district_ids,
        filters=store.Filters(flt.status or None, flt.category or None, flt.class_id or None),
        limit=LIST_LIMIT,
    )
    schools = {s.id: s for s in await repo.schools_by_ids(session, {c.school_id for c in tickets})}
    class_ids = {c.class_id for c in tickets if c.class_id}
    classes = (
        {
            k.id: k.name
            for k in await session.scalars(select(SchoolClass).where(SchoolClass.id.in_(class_ids)))
        }
        if class_ids
        else {}
    )
    lines = [
        _("Complaints — status: {status}; category: {category}; class: {klass}").format(
            status=status_filter_label(flt.status),
            category=category_label(flt.category) if flt.category else _("any"),
            klass=classes.get(flt.class_id) or (_("any") if not flt.class_id else "…"),
        ),
        _("Soonest deadline first; {n} shown.").format(n=len(tickets)),
    ]
    for n, c in enumerate(tickets, 1):
        school = schools[c.school_id]
        place = school.name + (f", {classes[c.class_id]}" if c.class_id in classes else "")
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
    return tickets, lines


async def show_staff_list(
    update: Update, context: Ctx, flt: ComplaintFilterButton, *, edit: bool
) -> None:
    user = await current_user(context, update)
    school_ids, district_ids = await staff_scope(context, user.id)
    if not school_ids and not district_ids:
        await refuse_stale(update)
        return
    if flt.menu == "cat":
        rows: Rows = [
            [
                (
                    category_label(cat).capitalize()[:60],
                    ComplaintFilterButton(flt.status, cat.value, flt.class_id),
                )
            ]
            for cat in ComplaintCategory
        ]
        rows.append([(_("Any category"), ComplaintFilterButton(flt.status, "", flt.class_id))])
        await say(update, _("Show complaints of which category?"), rows, edit=edit)
        return
    if flt.menu == "cls":
        scope_schools = set(school_ids)
        if district_ids:
            scope_schools |= set(
                await context.session.scalars(
                    select(School.id).where(School.district_id.in_(district_ids))
                )
            )
        classes = list(
            await context.session.scalars(
                select(SchoolClass)
                .where(SchoolClass.school_id.in_(scope_schools))
                .order_by(SchoolClass.school_id, SchoolClass.grade, SchoolClass.name)
                .limit(60)
            )
        )
        buttons: list[Button] = [
            (k.name, ComplaintFilterButton(flt.status, flt.category, k.id)) for k in classes
        ]
        rows = [buttons[i : i + 4] for i in range(0, len(buttons), 4)]
        rows.append([(_("Any class"), ComplaintFilterButton(flt.status, flt.category, 0))])
        await say(update, _("Show complaints of which class?"), rows, edit=edit)
        return
    tickets, lines = await staff_listing(context.session, school_ids, district_ids, flt)
    if not tickets:
        lines.append(_("No complaints match."))
    rows = [
        [(c.code, ComplaintCardButton(c.id, ComplaintCardAction.VIEW)) for c in tickets[i : i + 2]]
        for i in range(0, min(len(tickets), LIST_BUTTONS), 2)
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
            (_("Category…"), ComplaintFilterButton(flt.status, flt.category, flt.class_id, "cat")),
            (_("Class…"), ComplaintFilterButton(flt.status, flt.category, flt.class_id, "cls")),
        ]
    )
    await say(update, "\n".join(lines), rows, edit=edit)


async def on_filter(update: Update, context: Ctx, data: ComplaintFilterButton) -> None:
    valid_status = data.status in STATUS_FILTERS or data.status in {
        s.value for s in ComplaintStatus
    }
    valid_category = not data.category or data.category in {c.value for c in ComplaintCategory}
    if not valid_status or not valid_category or data.menu not in ("", "cat", "cls"):
        await refuse_stale(update)
        return
    user = await current_user(context, update)
    if not any(await staff_scope(context, user.id)):
        await refuse_stale(update)
        return
    await answer(update)
    await show_staff_list(update, context, data, edit=True)


# ---------------------------------------------------------------- buttons on a ticket


async def on_ticket(update: Update, context: Ctx, data: ComplaintCardButton) -> None:
    session = context.session
    user = await current_user(context, update)
    complaint = await session.get(Complaint, data.ticket_id)
    school = await session.get(School, complaint.school_id) if complaint is not None else None
    if complaint is None or school is None:
        await refuse_stale(update)
        return
    access = await access_of(context, user.id, complaint, school)
    if data.do == ComplaintCardAction.VIEW:
        if not access.staff:
            await refuse_stale(update)
            return
        await answer(update)
        v = await load_view(session, complaint, events=True)
        await say_lines_with_rows(
            update,
            staff_card(v, history=True),
            staff_rows(complaint, staff_actor(access, complaint), with_history=False),
        )
        return
    if data.do == ComplaintCardAction.MINE:
        if not access.complainant:
            await refuse_stale(update)
            return
        await answer(update)
        v = await load_view(session, complaint, events=True)
        await say_lines_with_rows(
            update,
            complainant_card(v, history=True),
            complainant_rows(complaint, with_thread=False),
        )
        return
    action = ACTION_OF[data.do]
    actor = actor_for(access, complaint, action)
    move = (
        transition(complaint.status, complaint.level, action, actor, complaint.unresolved_ratings)
        if actor is not None
        else None
    )
    if actor is None or move is None:
        if actor is not None:
            await answer(
                update, _("This ticket has changed meanwhile; nothing was done."), alert=True
            )
            return
        await refuse_stale(update)
        return
    if action in TEXT_ACTIONS:
        await answer(update)
        draft = {"ticket_id": complaint.id, "action": action.value}
        await dialogs.start_dialog(session, user.id, DIALOG, action.value, draft, now=context.now())
        await session.commit()
        await say(update, text_prompt(action, complaint))
        return
    if data.do in (ComplaintCardAction.ABUSIVE, ComplaintCardAction.WITHDRAW):
        await answer(update)
        confirm = (
            ComplaintCardAction.ABUSIVE_OK
            if data.do == ComplaintCardAction.ABUSIVE
            else ComplaintCardAction.WITHDRAW_OK
        )
        question = (
            _("Close {code} as abusive, without a reply? The parent is told it was closed.")
            if data.do == ComplaintCardAction.ABUSIVE
            else _("Withdraw your complaint {code}? The school is told it was withdrawn.")
        ).format(code=complaint.code)
        await say(
            update,
            question,
            [[(button_label(confirm), ComplaintCardButton(complaint.id, confirm))]],
        )
        return
    await answer(update)
    await act(update, context, complaint, school, action, actor, user.id, None)


async def say_lines_with_rows(update: Update, text: str, rows: Rows) -> None:
    """A card that may be long: the text in as many messages as needed, buttons on the last."""
    chunks = pack_lines(text.split("\n"))
    for chunk in chunks[:-1]:
        await say(update, "\n".join(chunk))
    await say(update, "\n".join(chunks[-1]), rows or None)


def text_prompt(action: ComplaintAction, complaint: Complaint) -> str:
    prompts: dict[ComplaintAction, str] = {
        ComplaintAction.REPLY: _(
            "Type your reply to the parent on {code} (at most {limit} characters):"
        ),
        ComplaintAction.ASK: _(
            "Type your question to the parent on {code} (at most {limit} characters):"
        ),
        ComplaintAction.RESOLVE: _(
            "Type a short summary of how {code} was resolved; the parent sees it and rates the "
            "outcome (at most {limit} characters):"
        ),
        ComplaintAction.RETURN: _(
            "Type the instruction for the school on {code} (at most {limit} characters):"
        ),
        ComplaintAction.ADD_INFO: _(
            "Type what you want to add to {code} (at most {limit} characters), or send a photo:"
        ),
    }
    return (
        prompts[action].format(code=complaint.code, limit=MAX_TEXT)
        + "\n"
        + _("/cancel to leave it.")
    )


async def on_text(update: Update, context: Ctx, dialog: Dialog) -> None:
    """The text of a reply, question, summary, instruction or addition; then it is relayed."""
    session = context.session
    message = update.effective_message
    assert message is not None
    user = await current_user(context, update)
    action: ComplaintAction | None
    try:
        action = ComplaintAction(str(dialog.data.get("action")))
    except ValueError:
        action = None
    complaint = await session.get(Complaint, dialog.data.get("ticket_id"))
    school = await session.get(School, complaint.school_id) if complaint is not None else None
    actor = move = None
    if complaint is not None and school is not None and action is not None:
        access = await access_of(context, user.id, complaint, school)
        actor = actor_for(access, complaint, action)
        if actor is not None:
            move = transition(
                complaint.status, complaint.level, action, actor, complaint.unresolved_ratings
            )
    if complaint is None or school is None or action is None or actor is None or move is None:
        await dialogs.end_dialog(session, user.id)
        await session.commit()
        await say(update, _("This ticket has changed meanwhile; nothing was sent."))
        return
    photo = message.photo[-1].file_id if message.photo else None
    raw = (message.caption if message.photo else message.text) or ""
    text = raw.strip()
    if photo is not None and action != ComplaintAction.ADD_INFO:
        await say(update, _("Please type it as text:"))
        return
    if not text and photo is None:
        await say(update, _("The text cannot be empty. Please type it:"))
        return
    if len(text) > MAX_TEXT:
        await say(
            update,
            _(
                "That text is {length} characters long; the limit is {limit}. Please shorten it "
                "and send it again:"
            ).format(length=len(text), limit=MAX_TEXT),
        )
        return
    await dialogs.end_dialog(session, user.id)
    await act(update, context, complaint, school, action, actor, user.id, text, photo)


# ---------------------------------------------------------------- performing an action


async def act(
    update: Update,
    context: Ctx,
    complaint: Complaint,
    school: School,
    action: ComplaintAction,
    actor: ComplaintActor,
    actor_id: int,
    text: str | None,
    photo: str | None = None,
) -> None:
    """Do an allowed action: status change (conditional), event, and who is told what."""
    session = context.session
    now = context.now()
    move = transition(
        complaint.status, complaint.level, action, actor, complaint.unresolved_ratings
    )
    assert move is not None
    previous = ComplaintStatus(complaint.status)
    values: dict[str, object] = {}
    if action == ComplaintAction.RETURN or (
        action == ComplaintAction.RATE_UNRESOLVED
        and move.status == ComplaintStatus.REOPENED
        and move.level == ComplaintLevel.SCHOOL
    ):
        values = new_deadline(school, await hw.calendar_of(session, school), now)
    if action == ComplaintAction.RATE_UNRESOLVED:
        values["unresolved_ratings"] = complaint.unresolved_ratings + 1
    if move.escalates:
        values["escalated_at"] = now
    if action == ComplaintAction.ADD_INFO and photo is not None:
        values["photos"] = [*complaint.photos, photo]
    moved = await store.change_status(
        session, complaint, previous, move.status, move.level, now, **values
    )
    if not moved:
        await session.commit()
        await say(update, _("This ticket has changed meanwhile; nothing was done."))
        return
    if action in (
        ComplaintAction.REPLY,
        ComplaintAction.ASK,
        ComplaintAction.RESOLVE,
    ) and actor in (
        ComplaintActor.SCHOOL,
        ComplaintActor.SUPERVISOR,
    ):
        await store.mark_responded(session, complaint, now)
    kind = {
        ComplaintAction.TAKE: "taken",
        ComplaintAction.REPLY: "reply",
        ComplaintAction.ASK: "asked",
        ComplaintAction.RESOLVE: "resolved",
        ComplaintAction.ESCALATE: "escalated",
        ComplaintAction.RETURN: "returned",
        ComplaintAction.ABUSIVE: "abusive",
        ComplaintAction.ADD_INFO: "info",
        ComplaintAction.WITHDRAW: "withdrawn",
        ComplaintAction.RATE_RESOLVED: "rated_ok",
        ComplaintAction.RATE_UNRESOLVED: "rated_bad",
    }[action]
    event_text = text
    if photo is not None:
        event_text = (text + " " if text else "") + "[" + _("photo") + "]"
    changed = move.status != previous
    await store.add_event(
        session,
        complaint,
        actor_id,
        actor,
        kind,
        now,
        status=move.status if changed else None,
        text=event_text,
    )
    await session.commit()
    log.info("ticket %s: %s by the %s", complaint.code, action.value, actor.value)
    await confirm_to_actor(update, complaint, action, actor)
    await relay(context, complaint, school, action, actor, actor_id, text, photo, changed)
    await session.commit()


async def confirm_to_actor(
    update: Update, complaint: Complaint, action: ComplaintAction, actor: ComplaintActor
) -> None:
    done: dict[ComplaintAction, str] = {
        ComplaintAction.TAKE: _("You took {code}. The parent is told."),
        ComplaintAction.REPLY: _("Your reply on {code} was sent to the parent."),
        ComplaintAction.ASK: _("Your question on {code} was sent to the parent."),
        ComplaintAction.RESOLVE: _("{code} is resolved; the parent is asked to rate the outcome."),
        ComplaintAction.ESCALATE: _("{code} was escalated to the district supervisors."),
        ComplaintAction.RETURN: _("{code} was sent back to the school with your instruction."),
        ComplaintAction.ABUSIVE: _("{code} was closed as abusive, without a reply."),
        ComplaintAction.ADD_INFO: _("Added to {code}; the handlers see it."),
        ComplaintAction.WITHDRAW: _("{code} is withdrawn."),
        ComplaintAction.RATE_RESOLVED: _("Thank you. {code} is closed."),
        ComplaintAction.RATE_UNRESOLVED: _("Thank you. {code} is reopened."),
    }
    text = done[action].format(code=complaint.code)
    if action == ComplaintAction.RATE_UNRESOLVED and complaint.status == ComplaintStatus.ESCALATED:
        text = _("Thank you. {code} goes to the district supervisors.").format(code=complaint.code)
    if actor == ComplaintActor.COMPLAINANT:
        text += "\n" + status_line(complaint)
    await say(update, text)


async def relay(
    context: Ctx,
    complaint: Complaint,
    school: School,
    action: ComplaintAction,
    actor: ComplaintActor,
    actor_id: int,
    text: str | None,
    photo: str | None,
    changed: bool,
) -> None:
    """Tell the other side: the complainant for staff actions, the handlers for the
    complainant's; supervisors get escalations with the history."""
    bot, session = context.bot, context.session
    code = complaint.code
    if actor == ComplaintActor.COMPLAINANT:
        if action == ComplaintAction.ADD_INFO:
            await tell_staff(
                bot,
                session,
                complaint,
                lambda: _("{code}: the parent adds:\n{text}").format(
                    code=code, text=text or "[" + _("photo") + "]"
                ),
                card=False,
            )
            if photo is not None:
                for user in await audience(session, complaint, school):
                    with use_locale(user_locale(user)):
                        await deliver_photos(
                            bot, user, [photo], _("{code}: photos").format(code=code)
                        )
        elif action == ComplaintAction.WITHDRAW:
            await tell_staff(
                bot,
                session,
                complaint,
                lambda: _("{code} was withdrawn by the parent.").format(code=code),
                card=False,
                buttons=False,
            )
        elif action == ComplaintAction.RATE_RESOLVED:
            await tell_staff(
                bot,
                session,
                complaint,
                lambda: _("{code}: the parent rated the outcome as resolved. Closed.").format(
                    code=code
                ),
                card=False,
                buttons=False,
            )
        elif action == ComplaintAction.RATE_UNRESOLVED:
            if complaint.status == ComplaintStatus.ESCALATED:
                await announce_escalation(bot, session, complaint, automatic=False)
            else:
                await tell_staff(
                    bot,
                    session,
                    complaint,
                    lambda: _("{code}: the parent says it is not resolved. Reopened.").format(
                        code=code
                    ),
                )
        return
    # Staff actions: the complainant is told; escalation and returns also tell the other level.
    if action == ComplaintAction.ESCALATE:
        await announce_escalation(bot, session, complaint, automatic=False)
        return
    if action == ComplaintAction.RETURN:
        await tell_staff(
            bot,
            session,
            complaint,
            lambda: _("↩ The district sent {code} back to the school. Instruction:\n{text}").format(
                code=code, text=text or ""
            ),
            history=True,
            photos=True,
        )
        await tell_complainant(bot, session, complaint)
        return
    bodies: dict[ComplaintAction, Render] = {
        ComplaintAction.REPLY: lambda: _("Reply on {code}:\n{text}").format(
            code=code, text=text or ""
        ),
        ComplaintAction.ASK: lambda: _(
            "Question on {code} — please answer with “Add information”:\n{text}"
        ).format(code=code, text=text or ""),
        ComplaintAction.RESOLVE: lambda: _(
            "{code} is resolved. Summary:\n{text}\n\n"
            "Is it resolved for you? Please rate the outcome."
        ).format(code=code, text=text or ""),
    }
    body = bodies.get(action)
    await tell_complainant(bot, session, complaint, body, status_changed=changed or body is None)


# ---------------------------------------------------------------- new tickets


async def announce_new(bot: Bot, session: AsyncSession, complaint: Complaint) -> int:
    """Tell the school's handlers and admins of a new ticket (card, photos, buttons)."""
    return await tell_staff(
        bot,
        session,
        complaint,
        lambda: _("📮 A new complaint for your school."),
        photos=True,
    )


def local_midnight(now: datetime, tz_name: str) -> datetime:
    """The start of the school-local day of `now`, in UTC (the flood cap counts from it)."""
    zone = ZoneInfo(tz_name)
    return datetime.combine(now.astimezone(zone).date(), time(0), zone).astimezone(UTC)
