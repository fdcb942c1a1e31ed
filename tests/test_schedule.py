"""bot.domain.schedule: which jobs are due, per school zone and calendar, with an injected clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.domain.calendar import SchoolCalendar
from bot.domain.schedule import JOB_ORDER, DueRun, Job, SchoolTimes, due_runs, reminder_time

# November 2026: Wed 18 is a holiday here, Sat 21 a make-up school day.
THU, WED, SAT, SUN = date(2026, 11, 19), date(2026, 11, 18), date(2026, 11, 21), date(2026, 11, 22)
CAL = SchoolCalendar(holidays=frozenset({WED}), makeup_days=frozenset({SAT}))


def times(tz: str, **overrides: time | None) -> SchoolTimes:
    values: dict[str, Any] = {
        "notice": time(17, 30),
        "evening": time(20, 30),
        "check": time(21, 30),
        "reminder": time(21, 15),
    }
    values.update(overrides)
    return SchoolTimes(school_id=1, timezone=tz, calendar=CAL, **values)


def at(tz: str, day: date, hh: int, mm: int = 0) -> datetime:
    """The UTC instant of a school-local wall-clock time."""
    return datetime(day.year, day.month, day.day, hh, mm, tzinfo=ZoneInfo(tz)).astimezone(UTC)


def jobs(tz: str, day: date, hh: int, mm: int = 0, **overrides: time | None) -> list[Job]:
    return [run.job for run in due_runs(times(tz, **overrides), at(tz, day, hh, mm))]


@pytest.mark.parametrize("tz", ["Asia/Shanghai", "Europe/Moscow"])
@pytest.mark.parametrize(
    ("hh", "mm", "expected"),
    [
        (8, 0, []),
        (17, 29, []),
        (17, 30, [Job.NOTICE]),
        (20, 29, [Job.NOTICE]),
        (20, 30, [Job.NOTICE, Job.EVENING]),
        (21, 15, [Job.NOTICE, Job.EVENING, Job.REMINDER]),
        (21, 30, [Job.NOTICE, Job.EVENING, Job.REMINDER, Job.CHECK]),
        (23, 59, [Job.NOTICE, Job.EVENING, Job.REMINDER, Job.CHECK]),
    ],
)
def test_jobs_due_by_local_time(tz: str, hh: int, mm: int, expected: list[Job]) -> None:
    assert jobs(tz, THU, hh, mm) == expected


def test_same_instant_differs_by_time_zone() -> None:
    # 17:30 in Shanghai is 12:30 in Moscow: only the Shanghai school has its notice due.
    instant = at("Asia/Shanghai", THU, 17, 30)
    assert [r.job for r in due_runs(times("Asia/Shanghai"), instant)] == [Job.NOTICE]
    assert due_runs(times("Europe/Moscow"), instant) == []
    # At 21:30 Moscow it is already Friday 02:30 in Shanghai: Friday's jobs are not due yet,
    # and Thursday's are never due again (only today's missed jobs run after downtime).
    late = at("Europe/Moscow", THU, 21, 30)
    assert due_runs(times("Asia/Shanghai"), late) == []
    assert [r.local_date for r in due_runs(times("Europe/Moscow"), late)] == [THU] * 4


def test_local_date_is_the_school_date() -> None:
    # 00:30 Friday in Shanghai is still Thursday in UTC.
    instant = at("Asia/Shanghai", date(2026, 11, 20), 18, 0)
    assert {r.local_date for r in due_runs(times("Asia/Shanghai"), instant)} == {date(2026, 11, 20)}


@pytest.mark.parametrize("tz", ["Asia/Shanghai", "Europe/Moscow"])
def test_holiday_and_weekend_have_no_jobs_but_makeup_saturday_has(tz: str) -> None:
    assert jobs(tz, WED, 22) == []
    assert jobs(tz, SUN, 22) == []
    assert jobs(tz, SAT, 22) == list(JOB_ORDER)


def test_bot_down_17_to_21_runs_missed_jobs_in_order_at_start() -> None:
    # Down from 17:00 to 21:00: at start the notice and the evening question are due, in order.
    runs = due_runs(times("Asia/Shanghai"), at("Asia/Shanghai", THU, 21, 0))
    assert runs == [
        DueRun(1, Job.NOTICE, THU),
        DueRun(1, Job.EVENING, THU),
    ]


def test_settings_changed_mid_day_take_effect_at_once() -> None:
    tz = "Europe/Moscow"
    assert jobs(tz, THU, 16, 0) == []
    # The admin moves the notice to 15:00 and the check to 16:00 at 16:00: both are due now.
    assert jobs(tz, THU, 16, 0, notice=time(15, 0), check=time(16, 0)) == [
        Job.NOTICE,
        Job.CHECK,
    ]
    # Moving the evening question later postpones it.
    assert jobs(tz, THU, 20, 45, evening=time(21, 0)) == [Job.NOTICE]


def test_unknown_time_zone_raises() -> None:
    with pytest.raises(ValueError, match="time zone"):
        due_runs(times("Mars/Olympus"), at("UTC", THU, 12))


NEXT_SAT, NEXT_SUN = date(2026, 11, 28), date(2026, 11, 29)


@pytest.mark.parametrize("tz", ["Asia/Shanghai", "Europe/Moscow"])
def test_saturday_with_homework_has_the_daily_jobs(tz: str) -> None:
    """Issue 10: a weekend or holiday day with homework gets its notice, question and check."""
    plain = times(tz)
    with_homework = SchoolTimes(
        1, tz, time(17, 30), time(20, 30), time(21, 30), CAL,
        reminder=time(21, 15), homework_days=frozenset({NEXT_SAT, WED}),
    )  # fmt: skip
    assert due_runs(plain, at(tz, NEXT_SAT, 22)) == []
    assert [r.job for r in due_runs(with_homework, at(tz, NEXT_SAT, 22))] == list(JOB_ORDER)
    assert [r.job for r in due_runs(with_homework, at(tz, NEXT_SAT, 17, 30))] == [Job.NOTICE]
    assert due_runs(with_homework, at(tz, NEXT_SAT, 17, 29)) == []
    # Sunday has none; the holiday with homework has them.
    assert due_runs(with_homework, at(tz, NEXT_SUN, 22)) == []
    assert [r.job for r in due_runs(with_homework, at(tz, WED, 22))] == list(JOB_ORDER)


def test_has_daily_jobs() -> None:
    t = SchoolTimes(
        1, "Asia/Shanghai", time(17), time(20), time(21), CAL, homework_days=frozenset({SUN})
    )
    assert t.has_daily_jobs(THU) and t.has_daily_jobs(SAT)  # a school day, a make-up Saturday
    assert t.has_daily_jobs(SUN)  # homework
    assert not t.has_daily_jobs(WED) and not t.has_daily_jobs(NEXT_SUN)


@pytest.mark.parametrize(
    ("evening", "delay", "check", "expected"),
    [
        (time(20, 30), 45, time(21, 30), time(21, 15)),
        (time(20, 30), 60, time(21, 30), None),  # not before the check
        (time(23, 30), 45, time(23, 59), None),  # past midnight
        (time(20, 30), 0, time(21, 30), None),  # turned off
    ],
)
def test_reminder_time(evening: time, delay: int, check: time, expected: time | None) -> None:
    assert reminder_time(evening, delay, check) == expected


def test_no_reminder_time_no_reminder() -> None:
    assert jobs("Asia/Shanghai", THU, 22, reminder=None) == [Job.NOTICE, Job.EVENING, Job.CHECK]


def test_monthly_report_on_the_first_school_day_of_the_month() -> None:
    from bot.domain.schedule import first_school_day_of_month

    # October 2026: 1-7 national holidays (Thu-Wed), Sat 10 a make-up day.
    holidays = frozenset(date(2026, 10, d) for d in range(1, 8))
    cal = SchoolCalendar(holidays=holidays, makeup_days=frozenset({date(2026, 10, 10)}))
    assert [d for d in range(1, 16) if first_school_day_of_month(cal, date(2026, 10, d))] == [8]
    plain = SchoolCalendar()  # Nov 1 2026 is a Sunday: Monday the 2nd
    assert first_school_day_of_month(plain, date(2026, 11, 2))
    assert not first_school_day_of_month(plain, date(2026, 11, 1))
    assert not first_school_day_of_month(plain, date(2026, 11, 3))
    times = SchoolTimes(1, "Asia/Shanghai", time(7), time(19), time(21, 30), cal, weekly=time(8, 0))
    at = datetime(2026, 10, 8, 0, 30, tzinfo=UTC)  # 08:30 in Shanghai
    assert Job.MONTHLY in {r.job for r in due_runs(times, at)}
    assert Job.MONTHLY not in {r.job for r in due_runs(times, at + timedelta(days=1))}
    assert Job.MONTHLY not in {r.job for r in due_runs(times, at - timedelta(hours=1))}


def test_last_month() -> None:
    from bot.domain.periods import last_month

    assert last_month(date(2026, 10, 8)) == (date(2026, 9, 1), date(2026, 9, 30))
    assert last_month(date(2026, 1, 5)) == (date(2025, 12, 1), date(2025, 12, 31))
