"""The order of a school's daily times: cut-off <= notice < evening < reminder < check."""

from __future__ import annotations

from datetime import time

import pytest

from bot.domain.day_times import (
    DEFAULT_TIMES,
    DayTimes,
    OrderBreak,
    Slot,
    order_break,
    reminder_at,
)


def times(
    cutoff: str = "18:00",
    notice: str = "18:00",
    evening: str = "20:30",
    check: str = "21:30",
    delay: int = 45,
) -> DayTimes:
    def t(text: str) -> time:
        return time.fromisoformat(text)

    return DayTimes(t(cutoff), t(notice), t(evening), t(check), delay)


def test_the_defaults_hold() -> None:
    assert order_break(DEFAULT_TIMES) is None
    assert times() == DEFAULT_TIMES


@pytest.mark.parametrize(
    "given",
    [
        times(),
        times(cutoff="17:00", notice="17:30"),
        times(notice="18:01", evening="18:02", delay=1, check="18:04"),
        times(delay=0, check="20:31"),  # no reminder: the check only follows the question
        times(evening="22:00", delay=118, check="23:59"),
    ],
)
def test_times_in_order_hold(given: DayTimes) -> None:
    assert order_break(given) is None


@pytest.mark.parametrize(
    ("given", "broken"),
    [
        # the cases: a notice before the cut-off, the question before the notice,
        # the daily check in the morning
        (times(notice="17:30"), OrderBreak(Slot.CUTOFF, Slot.NOTICE, strict=False)),
        (times(evening="17:00"), OrderBreak(Slot.NOTICE, Slot.EVENING, strict=True)),
        (times(check="07:00"), OrderBreak(Slot.REMINDER, Slot.CHECK, strict=True)),
        (times(check="07:00", delay=0), OrderBreak(Slot.EVENING, Slot.CHECK, strict=True)),
        (times(evening="18:00"), OrderBreak(Slot.NOTICE, Slot.EVENING, strict=True)),
        (times(delay=60), OrderBreak(Slot.REMINDER, Slot.CHECK, strict=True)),
        (times(delay=61), OrderBreak(Slot.REMINDER, Slot.CHECK, strict=True)),
        (times(evening="23:30", check="23:59"), OrderBreak(Slot.REMINDER, Slot.CHECK, True)),
    ],
)
def test_times_out_of_order_name_the_first_broken_pair(given: DayTimes, broken: OrderBreak) -> None:
    assert order_break(given) == broken


@pytest.mark.parametrize(
    ("evening", "delay", "expected"),
    [
        (time(20, 30), 45, time(21, 15)),
        (time(20, 30), 0, None),
        (time(23, 30), 29, time(23, 59)),
    ],
)
def test_reminder_at(evening: time, delay: int, expected: time | None) -> None:
    assert reminder_at(evening, delay) == expected


def test_reminder_past_midnight_sorts_last() -> None:
    at = reminder_at(time(23, 30), 45)
    assert at is not None and at > time(23, 59)


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("cutoff_time", time(17, 0), times(cutoff="17:00")),
        ("notice_time", time(19, 0), times(notice="19:00")),
        ("evening_time", time(20, 0), times(evening="20:00")),
        ("check_time", time(22, 0), times(check="22:00")),
        ("reminder_delay", 30, times(delay=30)),
    ],
)
def test_with_value_changes_one_setting(field: str, value: object, expected: DayTimes) -> None:
    assert times().with_value(field, value) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("given", "changed", "broken"),
    [
        # an old break (notice before the cut-off) does not block fixing another time
        (times(notice="17:30"), "check_time", None),
        (times(notice="17:30"), "notice_time", OrderBreak(Slot.CUTOFF, Slot.NOTICE, False)),
        # ...and the changed time is held against every other one, not only its neighbours
        (
            times(notice="17:00", evening="17:30"),
            "evening_time",
            OrderBreak(Slot.CUTOFF, Slot.EVENING, strict=True),
        ),
        # the evening question moves the reminder with it
        (times(evening="21:00"), "evening_time", OrderBreak(Slot.REMINDER, Slot.CHECK, True)),
        (times(delay=60), "reminder_delay", OrderBreak(Slot.REMINDER, Slot.CHECK, True)),
        (times(delay=60), "cutoff_time", None),
    ],
)
def test_a_changed_setting_is_held_against_the_times_it_moves(
    given: DayTimes, changed: str, broken: OrderBreak | None
) -> None:
    assert order_break(given, changed) == broken
