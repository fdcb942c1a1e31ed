"""The daily times' order as the settings state it: the rule in one line, and the refusal of a
time (or a reminder delay) that would break it (`bot.domain.day_times`)."""

from __future__ import annotations

from datetime import time

from bot.domain.day_times import DayTimes, Slot, order_break, reminder_at
from bot.i18n import _, format_minutes, format_time
from storage.models import School


def school_times(school: School) -> DayTimes:
    return DayTimes(
        cutoff=school.cutoff_time,
        notice=school.notice_time,
        evening=school.evening_time,
        check=school.check_time,
        reminder_delay=school.reminder_delay,
    )


def slot_label(slot: Slot) -> str:
    labels = {
        Slot.CUTOFF: _("the cut-off"),
        Slot.NOTICE: _("the notice"),
        Slot.EVENING: _("the evening question"),
        Slot.REMINDER: _("the reminder"),
        Slot.CHECK: _("the daily check"),
    }
    return labels[slot]


def rule_text() -> str:
    return _(
        "The times go in this order: cut-off ≤ notice < evening question < reminder < daily check."
    )


def reminder_text(school: School) -> str:
    """'45 min after the question (21:15)', or 'no reminder'."""
    at = reminder_at(school.evening_time, school.reminder_delay)
    if at is None:
        return _("no reminder")
    return _("{delay} after the question ({time})").format(
        delay=format_minutes(school.reminder_delay), time=format_time(at)
    )


def _slot_time(times: DayTimes, slot: Slot) -> str:
    values: dict[Slot, time | None] = {
        Slot.CUTOFF: times.cutoff,
        Slot.NOTICE: times.notice,
        Slot.EVENING: times.evening,
        Slot.REMINDER: reminder_at(times.evening, times.reminder_delay),
        Slot.CHECK: times.check,
    }
    at = values[slot]
    if at is None or at == time.max:  # a reminder on the next day
        return _("after midnight")
    return format_time(at)


def refused_order_text(school: School, field: str, value: time | int) -> str | None:
    """Why `field` may not be set to `value` (None: the times still hold), with the rule."""
    times = school_times(school).with_value(field, value)
    broken = order_break(times, changed=field)
    if broken is None:
        return None
    values = {
        "earlier": slot_label(broken.earlier),
        "earlier_time": _slot_time(times, broken.earlier),
        "later": slot_label(broken.later),
        "later_time": _slot_time(times, broken.later),
    }
    if broken.strict:
        why = _("Not saved: {later} ({later_time}) must come after {earlier} ({earlier_time}).")
    else:
        why = _("Not saved: {later} ({later_time}) cannot come before {earlier} ({earlier_time}).")
    return why.format(**values) + "\n" + rule_text()
