"""Complaints (pure): codes, the status machine, deadlines, the flood cap's day and the
class-privacy rule.

Standard library only. Statuses, actions and actor kinds are identifiers; the UI translates them.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.domain.calendar import SchoolCalendar, local_today
from bot.domain.policy import ComplaintCategory

# ---------------------------------------------------------------- complaint codes

MAX_TEXT = 2000
"""Longest complaint text, reply, question, summary or instruction (characters)."""

CODE_DIGITS = "0123456789"
CODE_GROUPS = (4, 4)
"""`4821-0937`: 8 random digits in two groups (10^8 codes), read aloud on a hotline as two
four-digit numbers; codes are not in any sequence."""
_CODE_RE = re.compile("-".join(f"[0-9]{{{n}}}" for n in CODE_GROUPS))
LEGACY_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
"""Older codes were `C-7K3Q-9XMD` (31 symbols without 0/O, 1/I/L); they stay valid."""
_LEGACY_RE = re.compile("C-" + "-".join(f"[{LEGACY_ALPHABET}]{{{n}}}" for n in CODE_GROUPS))


def new_code(choice: Callable[[str], str] = secrets.choice) -> str:
    """A fresh random complaint number like `4821-0937` (uniqueness is the database's job)."""
    groups = ["".join(choice(CODE_DIGITS) for _ in range(n)) for n in CODE_GROUPS]
    return "-".join(groups)


def is_code(text: str) -> bool:
    """A complaint number as stored: `4821-0937`, or an older `C-7K3Q-9XMD`."""
    return bool(_CODE_RE.fullmatch(text) or _LEGACY_RE.fullmatch(text))


def normalize_code(text: str) -> str | None:
    """A complaint number as typed or dictated (`48210937`, `4821 0937`, `c-7k3q-9xmd`) in its
    stored form, or None if it cannot be one."""
    bare = re.sub(r"[\s\-–—.]", "", text).upper()
    size, cut = sum(CODE_GROUPS), CODE_GROUPS[0]
    if len(bare) == size and bare.isascii() and bare.isdigit():
        return f"{bare[:cut]}-{bare[cut:]}"
    if len(bare) == size + 1 and bare.startswith("C"):
        legacy = f"C-{bare[1 : cut + 1]}-{bare[cut + 1 :]}"
        return legacy if _LEGACY_RE.fullmatch(legacy) else None
    return None


def codes_in(text: str) -> list[str]:
    """Every complaint code in a text, in order (a message about a complaint names it);
    numbers given before digit codes (C-7K3Q-9XMD) are still found."""
    found = [(m.start(), m.group(0)) for m in _CODE_RE.finditer(text)]
    found += [(m.start(), m.group(0)) for m in _LEGACY_RE.finditer(text)]
    return [code for _start, code in sorted(found)]


# ---------------------------------------------------------------- the status machine


class ComplaintStatus(StrEnum):
    NEW = "new"  # filed; nobody has taken it yet
    IN_PROGRESS = "in_progress"  # taken, or answered, by whoever holds it now
    INFO_REQUESTED = "info_requested"  # the handler asked the complainant for details
    ESCALATED = "escalated"  # handed to the district; waiting for a supervisor
    RETURNED = "returned"  # the district sent it back to the school with an instruction
    REOPENED = "reopened"  # the complainant rated the outcome "not resolved"
    RESOLVED = "resolved"  # answered with a summary; the complainant may rate it
    CLOSED = "closed"  # the complainant rated it "resolved"
    WITHDRAWN = "withdrawn"  # the complainant withdrew it
    ABUSIVE = "abusive"  # closed by a handler as abusive, without a reply


class ComplaintLevel(StrEnum):
    SCHOOL = "school"
    DISTRICT = "district"


class ComplaintActor(StrEnum):
    COMPLAINANT = "complainant"
    SCHOOL = "school"  # a complaint handler or admin of the complaint's school
    SUPERVISOR = "supervisor"  # a supervisor of the school's district
    SYSTEM = "system"  # the deadline job


class ComplaintAction(StrEnum):
    TAKE = "take"
    REPLY = "reply"
    ASK = "ask"  # ask the complainant for details
    RESOLVE = "resolve"  # with a summary
    ESCALATE = "escalate"  # to the district (by the school, or by the system at the deadline)
    RETURN = "return"  # the district sends it back to the school with an instruction
    ABUSIVE = "abusive"  # close without a reply, with a written reason
    CONTEST = "contest"  # the complainant contests the school's abusive close: to the district
    ADD_INFO = "add_info"  # the complainant adds information / answers
    WITHDRAW = "withdraw"
    RATE_RESOLVED = "rate_resolved"
    RATE_UNRESOLVED = "rate_unresolved"


OPEN: frozenset[ComplaintStatus] = frozenset(
    {
        ComplaintStatus.NEW,
        ComplaintStatus.IN_PROGRESS,
        ComplaintStatus.INFO_REQUESTED,
        ComplaintStatus.ESCALATED,
        ComplaintStatus.RETURNED,
        ComplaintStatus.REOPENED,
    }
)
"""Statuses in which someone still has to act on the complaint."""
FINAL: frozenset[ComplaintStatus] = frozenset(
    {ComplaintStatus.CLOSED, ComplaintStatus.WITHDRAWN, ComplaintStatus.ABUSIVE}
)

# What each actor kind may do, by action: the statuses it may do it from.
_HANDLING = OPEN  # a handler may work on any open complaint at their level
_RULES: dict[tuple[ComplaintActor, ComplaintAction], frozenset[ComplaintStatus]] = {
    (ComplaintActor.SCHOOL, ComplaintAction.TAKE): frozenset(
        {ComplaintStatus.NEW, ComplaintStatus.RETURNED, ComplaintStatus.REOPENED}
    ),
    (ComplaintActor.SCHOOL, ComplaintAction.REPLY): _HANDLING,
    (ComplaintActor.SCHOOL, ComplaintAction.ASK): _HANDLING,
    (ComplaintActor.SCHOOL, ComplaintAction.RESOLVE): _HANDLING,
    (ComplaintActor.SCHOOL, ComplaintAction.ESCALATE): _HANDLING,
    (ComplaintActor.SCHOOL, ComplaintAction.ABUSIVE): _HANDLING,
    (ComplaintActor.SUPERVISOR, ComplaintAction.TAKE): frozenset(
        {ComplaintStatus.NEW, ComplaintStatus.ESCALATED, ComplaintStatus.REOPENED}
    ),
    (ComplaintActor.SUPERVISOR, ComplaintAction.REPLY): _HANDLING,
    (ComplaintActor.SUPERVISOR, ComplaintAction.ASK): _HANDLING,
    (ComplaintActor.SUPERVISOR, ComplaintAction.RESOLVE): _HANDLING,
    (ComplaintActor.SUPERVISOR, ComplaintAction.RETURN): _HANDLING,
    (ComplaintActor.SUPERVISOR, ComplaintAction.ABUSIVE): _HANDLING,
    (ComplaintActor.COMPLAINANT, ComplaintAction.ADD_INFO): OPEN,
    (ComplaintActor.COMPLAINANT, ComplaintAction.WITHDRAW): OPEN,
    (ComplaintActor.COMPLAINANT, ComplaintAction.RATE_RESOLVED): frozenset(
        {ComplaintStatus.RESOLVED}
    ),
    (ComplaintActor.COMPLAINANT, ComplaintAction.RATE_UNRESOLVED): frozenset(
        {ComplaintStatus.RESOLVED}
    ),
    (ComplaintActor.COMPLAINANT, ComplaintAction.CONTEST): frozenset({ComplaintStatus.ABUSIVE}),
    (ComplaintActor.SYSTEM, ComplaintAction.ESCALATE): OPEN - {ComplaintStatus.ESCALATED},
}
# The level at which an actor kind may act (None: either).
_ACTS_AT: dict[ComplaintActor, ComplaintLevel | None] = {
    ComplaintActor.SCHOOL: ComplaintLevel.SCHOOL,
    ComplaintActor.SUPERVISOR: ComplaintLevel.DISTRICT,
    ComplaintActor.COMPLAINANT: None,
    ComplaintActor.SYSTEM: ComplaintLevel.SCHOOL,
}

UNRESOLVED_TO_ESCALATE = 2
"""The second "not resolved" rating escalates the complaint to the district."""
MIN_REASON = 5
"""The shortest reason accepted for closing a complaint as abusive (characters)."""
DISTRICT_CATEGORIES: frozenset[str] = frozenset(
    {ComplaintCategory.OFF_CAMPUS_TUTORING.value, ComplaintCategory.PAID_TUTORING.value}
)
"""Categories that are the district's subject: filed at district level, not shown to the school
unless the district sends the complaint there."""


def filing_level(category: str) -> ComplaintLevel:
    """The level a new complaint of `category` starts at."""
    return ComplaintLevel.DISTRICT if category in DISTRICT_CATEGORIES else ComplaintLevel.SCHOOL


def school_may_see(category: str, returned: bool) -> bool:
    """Whether the school's staff see a complaint: not a district subject (tutoring) unless the
    district has sent it to the school."""
    return returned or category not in DISTRICT_CATEGORIES


@dataclass(frozen=True)
class Move:
    """The result of an allowed action: the new status and level."""

    status: ComplaintStatus
    level: ComplaintLevel

    @property
    def escalates(self) -> bool:
        return self.status == ComplaintStatus.ESCALATED


def transition(
    status: ComplaintStatus | str,
    level: ComplaintLevel | str,
    action: ComplaintAction,
    actor: ComplaintActor,
    unresolved_ratings: int = 0,
    *,
    returned: bool = False,
) -> Move | None:
    """Where `actor` doing `action` takes a complaint in `status` at `level`; None if not allowed.

    `unresolved_ratings` counts earlier "not resolved" ratings (before this one); `returned`
    says the district has sent the complaint to the school at some point: only the district
    closes such a complaint (the school's resolution goes to it for confirmation, and the school
    cannot close it as abusive).
    """
    status, level = ComplaintStatus(status), ComplaintLevel(level)
    allowed_from = _RULES.get((actor, action))
    if allowed_from is None or status not in allowed_from:
        return None
    acts_at = _ACTS_AT[actor]
    if acts_at is not None and level != acts_at:
        return None
    if action == ComplaintAction.CONTEST:
        # Only a school's close can be contested; the district's is final.
        if level != ComplaintLevel.SCHOOL:
            return None
        return Move(ComplaintStatus.ESCALATED, ComplaintLevel.DISTRICT)
    if returned and actor == ComplaintActor.SCHOOL:
        if action == ComplaintAction.ABUSIVE:
            return None
        if action == ComplaintAction.RESOLVE:
            return Move(ComplaintStatus.ESCALATED, ComplaintLevel.DISTRICT)
    if action == ComplaintAction.TAKE:
        return Move(ComplaintStatus.IN_PROGRESS, level)
    if action == ComplaintAction.REPLY:
        return Move(ComplaintStatus.IN_PROGRESS, level)
    if action == ComplaintAction.ASK:
        return Move(ComplaintStatus.INFO_REQUESTED, level)
    if action == ComplaintAction.RESOLVE:
        return Move(ComplaintStatus.RESOLVED, level)
    if action == ComplaintAction.ESCALATE:
        return Move(ComplaintStatus.ESCALATED, ComplaintLevel.DISTRICT)
    if action == ComplaintAction.RETURN:
        return Move(ComplaintStatus.RETURNED, ComplaintLevel.SCHOOL)
    if action == ComplaintAction.ABUSIVE:
        return Move(ComplaintStatus.ABUSIVE, level)
    if action == ComplaintAction.ADD_INFO:
        # Answering a request for details hands the complaint back to its handler.
        return Move(
            ComplaintStatus.IN_PROGRESS if status == ComplaintStatus.INFO_REQUESTED else status,
            level,
        )
    if action == ComplaintAction.WITHDRAW:
        return Move(ComplaintStatus.WITHDRAWN, level)
    if action == ComplaintAction.RATE_RESOLVED:
        return Move(ComplaintStatus.CLOSED, level)
    if action == ComplaintAction.RATE_UNRESOLVED:
        if unresolved_ratings + 1 >= UNRESOLVED_TO_ESCALATE and level == ComplaintLevel.SCHOOL:
            return Move(ComplaintStatus.ESCALATED, ComplaintLevel.DISTRICT)
        return Move(ComplaintStatus.REOPENED, level)
    return None  # pragma: no cover - every action is handled above


def allowed_actions(
    status: ComplaintStatus | str,
    level: ComplaintLevel | str,
    actor: ComplaintActor,
    unresolved_ratings: int = 0,
    *,
    returned: bool = False,
) -> list[ComplaintAction]:
    """The actions `actor` may take now, in the order of `Action` (for the buttons)."""
    return [
        action
        for action in ComplaintAction
        if transition(status, level, action, actor, unresolved_ratings, returned=returned)
        is not None
    ]


def is_open(status: ComplaintStatus | str) -> bool:
    return ComplaintStatus(status) in OPEN


# ---------------------------------------------------------------- deadlines

DEADLINE_TIME = time(23, 59)
"""A deadline is the end of its school day, school-local."""
DISTRICT_DEADLINE_DAYS = 5
"""School days the district has to respond to a complaint, counted from its escalation (or from
filing, for a district subject)."""
REMIND_TIME = time(8, 0)
"""The reminder goes out at this school-local time on the deadline's day: one school day left."""


def deadline_for(
    filed_at: datetime, tz_name: str, calendar: SchoolCalendar, school_days: int
) -> datetime:
    """The response deadline (UTC): the end of the `school_days`-th school day after the
    school-local date of `filed_at` (the filing day itself does not count)."""
    due = calendar.add_school_days(local_today(tz_name, filed_at), max(1, school_days))
    return datetime.combine(due, DEADLINE_TIME, ZoneInfo(tz_name)).astimezone(UTC)


def reminder_for(deadline_at: datetime, tz_name: str, filed_at: datetime) -> datetime | None:
    """When handlers are reminded (UTC): the morning of the deadline's school day, i.e. one
    school day before the deadline; None when that moment is not after filing."""
    zone = ZoneInfo(tz_name)
    day = deadline_at.astimezone(zone).date()
    remind = datetime.combine(day, REMIND_TIME, zone).astimezone(UTC)
    return remind if remind > filed_at else None


# ---------------------------------------------------------------- answered on time


class Timeliness(StrEnum):
    ON_TIME = "on_time"
    LATE = "late"
    PENDING = "pending"  # not answered yet, and its first deadline has not passed


def response_timeliness(
    first_responded_at: datetime | None, first_deadline_at: datetime, now: datetime
) -> Timeliness:
    """THE definition of "answered on time", used by every screen, report and export.

    A complaint is answered on time when its first response (a reply, a question or a
    resolution summary by the school or the district; not taking it, not an abusive close) came
    no later than its first deadline (the one set when it was filed). It is late when that
    response came after the deadline, or when there is none and the deadline has passed. A
    reopen, a return or an escalation sets new deadlines for the handling, never for this.
    """
    if first_responded_at is not None:
        return Timeliness.ON_TIME if first_responded_at <= first_deadline_at else Timeliness.LATE
    return Timeliness.LATE if first_deadline_at < now else Timeliness.PENDING


def local_midnight(now: datetime, tz_name: str) -> datetime:
    """The start of the school-local day of `now`, in UTC (the flood cap counts from it)."""
    zone = ZoneInfo(tz_name)
    return datetime.combine(now.astimezone(zone).date(), time(0), zone).astimezone(UTC)


# ---------------------------------------------------------------- privacy

MIN_PARENTS_TO_SHOW_CLASS = 3


def class_visible(anonymous: bool, linked_parents: int) -> bool:
    """Whether the school may see the class of a complaint: always for a named one; for an
    anonymous one only when the class has at least 3 linked parents (else it would point at
    one family)."""
    return not anonymous or linked_parents >= MIN_PARENTS_TO_SHOW_CLASS
