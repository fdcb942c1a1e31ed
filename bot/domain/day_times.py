"""The order of a school's daily times (pure: no I/O).

The rule: cut-off <= notice < evening question < reminder < daily check, all on the same
day. The notice may go out at the cut-off (it lists what was set by then), never before it;
parents are asked about the evening after they were told what it holds; the one reminder
comes after the question; the daily check counts the answers, so it comes last. A reminder
delay of 0 means no reminder, and the reminder then drops out of the rule.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from itertools import combinations
from typing import Any

MAX_REMINDER_DELAY = 180
"""Minutes; a reminder later than three hours after the question reminds nobody in time."""


class Slot(enum.StrEnum):
    """The daily times, in the order the rule puts them."""

    CUTOFF = "cutoff_time"
    NOTICE = "notice_time"
    EVENING = "evening_time"
    REMINDER = "reminder"
    CHECK = "check_time"


ORDER: tuple[Slot, ...] = (Slot.CUTOFF, Slot.NOTICE, Slot.EVENING, Slot.REMINDER, Slot.CHECK)


@dataclass(frozen=True)
class DayTimes:
    cutoff: time
    notice: time
    evening: time
    check: time
    reminder_delay: int
    """Minutes after the evening question; 0: no reminder."""

    def with_value(self, field: str, value: time | int) -> DayTimes:
        """These times with one setting changed (`field` as on the school: 'notice_time',
        'reminder_delay', ...)."""
        names: dict[str, str] = {
            "cutoff_time": "cutoff",
            "notice_time": "notice",
            "evening_time": "evening",
            "check_time": "check",
            "reminder_delay": "reminder_delay",
        }
        changes: dict[str, Any] = {names[field]: value}
        return replace(self, **changes)


@dataclass(frozen=True)
class OrderBreak:
    """`earlier` must come before `later` (or at the same time, when not `strict`)."""

    earlier: Slot
    later: Slot
    strict: bool


_NEXT_DAY = time(23, 59, 59, 999999)
"""A reminder that would fall on the next day sorts after every time of the day."""


def reminder_at(evening: time, delay_minutes: int) -> time | None:
    """The reminder's local time; None without a reminder, or past midnight (`_NEXT_DAY`)."""
    if delay_minutes <= 0:
        return None
    at = datetime.combine(date(2000, 1, 1), evening) + timedelta(minutes=delay_minutes)
    return at.time() if at.date() == date(2000, 1, 1) else _NEXT_DAY


AFFECTS: dict[str, frozenset[Slot]] = {
    "cutoff_time": frozenset({Slot.CUTOFF}),
    "notice_time": frozenset({Slot.NOTICE}),
    "evening_time": frozenset({Slot.EVENING, Slot.REMINDER}),  # the reminder moves with it
    "check_time": frozenset({Slot.CHECK}),
    "reminder_delay": frozenset({Slot.REMINDER}),
}
"""The times a setting moves."""


def order_break(times: DayTimes, changed: str | None = None) -> OrderBreak | None:
    """A pair of times that breaks the rule, or None when they hold: with `changed` (a
    setting's name, as in `AFFECTS`) only pairs with a time that setting moves, so a school
    whose times were already out of order can still put them right one at a time. The
    nearest broken pair is named (a check at 07:00 breaks against the reminder first)."""
    values: dict[Slot, time | None] = {
        Slot.CUTOFF: times.cutoff,
        Slot.NOTICE: times.notice,
        Slot.EVENING: times.evening,
        Slot.REMINDER: reminder_at(times.evening, times.reminder_delay),
        Slot.CHECK: times.check,
    }
    moved = AFFECTS[changed] if changed is not None else frozenset(ORDER)
    present = [(slot, at) for slot in ORDER if (at := values[slot]) is not None]
    broken: list[tuple[int, int, OrderBreak]] = []
    for (i, (earlier, first)), (j, (later, second)) in combinations(enumerate(present), 2):
        if earlier not in moved and later not in moved:
            continue
        strict = (earlier, later) != (Slot.CUTOFF, Slot.NOTICE)
        if first > second or (strict and first == second):
            broken.append((j - i, i, OrderBreak(earlier, later, strict)))
    return min(broken, key=lambda b: b[:2])[2] if broken else None


DEFAULT_TIMES = DayTimes(
    cutoff=time(18, 0), notice=time(18, 0), evening=time(20, 30), check=time(21, 30),
    reminder_delay=45,
)  # fmt: skip
"""A new school's times (the models' defaults): 18:00 <= 18:00 < 20:30 < 21:15 < 21:30."""
