"""Complaints as text and buttons: labels, history lines, the staff and complainant cards.

Anonymity: nothing rendered for school or district staff contains an anonymous complainant's
name, username or id (`ComplaintView.named_as` is None for them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.domain.complaints import (
    MAX_TEXT,
    MIN_REASON,
    ComplaintAction,
    ComplaintActor,
    ComplaintLevel,
    ComplaintStatus,
    allowed_actions,
    is_open,
)
from bot.i18n import _, format_list, format_local_datetime
from handlers.complaints.payloads import ComplaintCardAction, ComplaintCardButton
from handlers.kit.context import AsyncSession
from handlers.kit.labels import category_label
from handlers.kit.replies import Button, Rows
from storage import complaints as store
from storage.models import Complaint, ComplaintEvent, School, SchoolClass, User

# ---------------------------------------------------------------- labels


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


def format_when(moment: datetime, tz_name: str, user_zone: str | None = None) -> str:
    """A moment on the school's clock with its weekday: 'Thu, Nov 26, 11:59 PM'; the zone is
    named only for a reader whose usual zone differs (`user_zone`), as people say it
    ('... (Beijing time)'). A ticket's readers are its school's and district's people and the
    complainant, so by default it is not."""
    return format_local_datetime(moment, tz_name, user_zone, year=False)


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
        "abusive": _("closed it as abusive: {text}") if event.text else _("closed it as abusive"),
        "contested": _("contested the abusive close; the district reviews it"),
        "resolve_proposed": _("reported it resolved, for the district to confirm: {text}"),
        "overdue": _("the district's deadline passed without a response"),
        "withdrawn": _("withdrew it"),
        "rated_ok": _("rated the outcome: resolved"),
        "rated_bad": _("rated the outcome: not resolved"),
        "reminded": _("reminded the handlers of the deadline"),
    }
    body = what.get(event.kind, event.kind).format(text=event.text or "")
    return _("{when} · {who}: {what}").format(
        when=format_when(event.created_at, tz_name), who=actor_label(event.actor_role), what=body
    )


def hotlines_line(school: School) -> str | None:
    """The official hotlines beside the bot's ticket (the school's 监督举报电话 and its
    district's), or None when neither is set (/settings)."""
    numbers = []
    if school.hotline:
        numbers.append(_("school {number}").format(number=school.hotline))
    if school.district.hotline:
        numbers.append(_("district {number}").format(number=school.district.hotline))
    if not numbers:
        return None
    return _("Official hotlines: {numbers}").format(numbers=format_list(numbers))


def status_line(c: Complaint) -> str:
    """The one line a complainant gets for each status change."""
    return _("{code}: {status}").format(code=c.code, status=status_label(c.status))


def text_prompt(action: ComplaintAction, complaint: Complaint) -> str:
    """What to type for an action that takes a text."""
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
        ComplaintAction.ABUSIVE: _(
            "Type the reason for closing {code} as abusive (at least {minimum} characters). "
            "The district supervisors see it at once, and the parent can contest the close:"
        ),
        ComplaintAction.ADD_INFO: _(
            "Type what you want to add to {code} (at most {limit} characters), or send a photo:"
        ),
    }
    prompt = prompts[action]
    if (
        action == ComplaintAction.RESOLVE
        and complaint.level == ComplaintLevel.SCHOOL
        and complaint.returned_at is not None
    ):
        prompt = _(
            "The district sent {code} back, so the district closes it. Type a short summary of "
            "how it was resolved; it goes to the district supervisors for confirmation (at most "
            "{limit} characters):"
        )
    return (
        prompt.format(code=complaint.code, limit=MAX_TEXT, minimum=MIN_REASON)
        + "\n"
        + _("/cancel to leave it.")
    )


def respond_by(c: Complaint, tz_name: str) -> str | None:
    """Who must respond by when, for an open complaint (the school's or the district's
    deadline); None for a closed one."""
    if not is_open(c.status):
        return None
    return respond_by_line(ComplaintLevel(c.level), format_when(c.deadline_at, tz_name))


def respond_by_line(level: ComplaintLevel, deadline: str) -> str:
    """'The school (or the district's supervisors) must respond by ...'."""
    if level == ComplaintLevel.DISTRICT:
        return _("The district supervisors must respond by {deadline}.").format(deadline=deadline)
    return _("The school must respond by {deadline}.").format(deadline=deadline)


# ---------------------------------------------------------------- cards


@dataclass
class ComplaintView:
    """A complaint with what may be shown about it (never an anonymous complainant's identity)."""

    complaint: Complaint
    school: School
    class_name: str | None
    named_as: str | None  # a named complainant's name; None when anonymous
    children: list[str] = field(default_factory=list)  # a named complainant's, in the class
    events: list[ComplaintEvent] = field(default_factory=list)


async def load_view(session: AsyncSession, complaint: Complaint, *, events: bool) -> ComplaintView:
    school = await session.get(School, complaint.school_id)
    assert school is not None
    klass = await session.get(SchoolClass, complaint.class_id) if complaint.class_id else None
    named_as, children = None, []
    if not complaint.anonymous and complaint.complainant_id is not None:
        # Named: the child and class are the point of it. Never looked up when anonymous.
        user = await session.get(User, complaint.complainant_id)
        named_as = user.display_name if user is not None else None
        if klass is not None:
            children = await store.children_in_class(session, complaint.complainant_id, klass.id)
    return ComplaintView(
        complaint,
        school,
        klass.name if klass is not None else None,
        named_as,
        children,
        await store.events_of(session, complaint.id) if events else [],
    )


def _from(v: ComplaintView) -> str:
    if v.named_as is None:
        return _("From: an anonymous parent")
    if v.children and v.class_name:
        return _("From: {name}, parent of {children} (class {klass})").format(
            name=v.named_as, children=format_list(list(v.children)), klass=v.class_name
        )
    return _("From: {name}").format(name=v.named_as)


def _place(v: ComplaintView) -> str:
    if v.class_name:
        return _("{school}, class {klass}").format(school=v.school.name, klass=v.class_name)
    return _("{school} (class not shown)").format(school=v.school.name)


def staff_card(v: ComplaintView, *, history: bool = False) -> str:
    """The complaint as school or district staff see it, in the current locale."""
    c = v.complaint
    lines = [
        _("Complaint {code}").format(code=c.code),
        _place(v),
        _("Category: {category}").format(category=category_label(c.category)),
        _from(v),
        _("Status: {status} ({level} level)").format(
            status=status_label(c.status), level=level_label(c.level)
        ),
    ]
    if is_open(c.status):
        lines.append(
            _("Respond by: {deadline}").format(
                deadline=format_when(c.deadline_at, v.school.timezone)
            )
        )
    lines += ["", c.text]
    if c.photos:
        lines.append(_("Photos: {n}").format(n=len(c.photos)))
    if (hotlines := hotlines_line(v.school)) is not None:
        lines.append(hotlines)
    if history and v.events:
        lines += ["", _("History:")]
        lines += [event_line(e, v.school.timezone) for e in v.events]
    return "\n".join(lines)


def complainant_card(v: ComplaintView, *, history: bool = False) -> str:
    """The complaint as its complainant sees it."""
    c = v.complaint
    lines = [
        _("Your complaint {code}").format(code=c.code),
        _place(v),
        _("Category: {category}").format(category=category_label(c.category)),
        _("Status: {status}").format(status=status_label(c.status)),
    ]
    deadline = respond_by(c, v.school.timezone)
    if deadline is not None:
        lines.append(deadline)
    lines.append(
        _("Anonymous: the school does not see who you are.")
        if c.anonymous
        else _("Named: the school sees your name.")
    )
    if (hotlines := hotlines_line(v.school)) is not None:
        lines.append(hotlines)
    if history and v.events:
        lines += ["", _("Thread:")]
        lines += [event_line(e, v.school.timezone) for e in v.events]
    return "\n".join(lines)


# ---------------------------------------------------------------- buttons

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
        ComplaintCardAction.CONTEST: _("⚖ Contest with the district"),
        ComplaintCardAction.ADD_INFO: _("➕ Add information"),
        ComplaintCardAction.WITHDRAW: _("Withdraw"),
        ComplaintCardAction.WITHDRAW_OK: _("Yes, withdraw it"),
        ComplaintCardAction.RATE_OK: _("👍 Resolved"),
        ComplaintCardAction.RATE_BAD: _("👎 Not resolved"),
    }
    return labels[do]


def card_button(c: Complaint, do: ComplaintCardAction) -> Button:
    return (button_label(do), ComplaintCardButton(c.id, do))


def staff_rows(c: Complaint, actor: ComplaintActor | None, *, with_history: bool = True) -> Rows:
    """The buttons a staff actor has on a complaint now (none for a non-acting viewer)."""
    buttons: list[Button] = []
    if actor is not None:
        allowed = set(
            allowed_actions(
                c.status, c.level, actor, c.unresolved_ratings, returned=c.returned_at is not None
            )
        )
        buttons = [card_button(c, do) for a, do in STAFF_BUTTONS if a in allowed]
    if with_history:
        buttons.append(card_button(c, ComplaintCardAction.VIEW))
    return [buttons[i : i + 2] for i in range(0, len(buttons), 2)]


def complainant_rows(c: Complaint, *, with_thread: bool = True) -> Rows:
    """The complainant's buttons: rating a resolved complaint, adding, withdrawing, the thread."""
    allowed = set(
        allowed_actions(c.status, c.level, ComplaintActor.COMPLAINANT, c.unresolved_ratings)
    )
    rows: Rows = []
    if ComplaintAction.RATE_RESOLVED in allowed:
        rows.append(
            [
                card_button(c, ComplaintCardAction.RATE_OK),
                card_button(c, ComplaintCardAction.RATE_BAD),
            ]
        )
    row: list[Button] = []
    if ComplaintAction.ADD_INFO in allowed:
        row.append(card_button(c, ComplaintCardAction.ADD_INFO))
    if ComplaintAction.WITHDRAW in allowed:
        row.append(card_button(c, ComplaintCardAction.WITHDRAW))
    if row:
        rows.append(row)
    if ComplaintAction.CONTEST in allowed:
        rows.append([card_button(c, ComplaintCardAction.CONTEST)])
    if with_thread:
        rows.append([card_button(c, ComplaintCardAction.MINE)])
    return rows
