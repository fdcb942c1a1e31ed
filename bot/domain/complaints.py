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

# ---------------------------------------------------------------- complaint codes

MAX_TEXT = 2000
"""Longest complaint text, reply, question, summary or instruction (characters)."""

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
"""31 symbols without the look-alikes 0/O, 1/I/L: easy to read aloud and to type."""
CODE_GROUPS = (4, 4)
"""`C-XXXX-XXXX`: 8 random symbols, about 39.6 bits; codes are not in any sequence."""
_CODE_RE = re.compile(
    "C-" + "-".join(f"[{CODE_ALPHABET}]{{{n}}}" for n in CODE_GROUPS),
)


def new_code(choice: Callable[[str], str] = secrets.choice) -> str:
    """A fresh random complaint code like `C-7K3Q-9XMD` (uniqueness is the database's job)."""
    groups = ["".join(choice(CODE_ALPHABET) for _ in range(n)) for n in CODE_GROUPS]
    return "C-" + "-".join(groups)


def is_code(text: str) -> bool:
    return bool(_CODE_RE.fullmatch(text))


def codes_in(text: str) -> list[str]:
    """Every complaint code in a text, in order (a message about a complaint names it)."""
    return _CODE_RE.findall(text)


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
    ABUSIVE = "abusive"  # close without a reply
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
        {ComplaintStatus.ESCALATED, ComplaintStatus.REOPENED}
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
) -> Move | None:
    """Where `actor` doing `action` takes a complaint in `status` at `level`; None if not allowed.

    `unresolved_ratings` counts earlier "not resolved" ratings (before this one).
    """
    status, level = ComplaintStatus(status), ComplaintLevel(level)
    allowed_from = _RULES.get((actor, action))
    if allowed_from is None or status not in allowed_from:
        return None
    acts_at = _ACTS_AT[actor]
    if acts_at is not None and level != acts_at:
        return None
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
) -> list[ComplaintAction]:
    """The actions `actor` may take now, in the order of `Action` (for the buttons)."""
    return [
        action
        for action in ComplaintAction
        if transition(status, level, action, actor, unresolved_ratings) is not None
    ]


def is_open(status: ComplaintStatus | str) -> bool:
    return ComplaintStatus(status) in OPEN


# ---------------------------------------------------------------- deadlines

DEADLINE_TIME = time(23, 59)
"""A deadline is the end of its school day, school-local."""
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
