"""Which scheduler jobs of a school are due at an instant (pure: no I/O, no Telegram).

Jobs are not stored: they are derived from the school's settings (time zone, job times,
calendar) and the days that have homework, on every tick. A daily job is due on a school day,
and on a weekend or holiday day that has homework, once its local time has passed, so a job
missed earlier today (the bot was down) is due at the next tick; the database claim
(`storage.jobs.claim_runs`) makes each (school, job, local date) run exactly once, and
changed settings take effect at the next tick.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot.domain.calendar import SchoolCalendar, local_now


class Job(enum.StrEnum):
    """Jobs, in the order they run when several are due at once."""

    NOTICE = "notice"
    EVENING = "evening"
    REMINDER = "reminder"
    """One reminder to parents who have not answered the evening question."""
    CHECK = "check"
    WEEKLY = "weekly"
    """The weekly report on the school's report weekday, about the week before."""
    MONTHLY = "monthly"
    """The monthly report (月报) on the first school day of a month, at the weekly report's
    time, about the month before."""


JOB_ORDER: tuple[Job, ...] = (Job.NOTICE, Job.EVENING, Job.REMINDER, Job.CHECK)
"""The daily jobs (school days, and other days that have homework)."""
ALL_JOBS: tuple[Job, ...] = (*JOB_ORDER, Job.WEEKLY, Job.MONTHLY)


@dataclass(frozen=True)
class SchoolTimes:
    """What the schedule of one school depends on (times are naive local wall-clock times)."""

    school_id: int
    timezone: str
    notice: time
    evening: time
    check: time
    calendar: SchoolCalendar
    weekly_weekday: int = 1
    """ISO weekday of the weekly report (1 = Monday)."""
    weekly: time = time(8, 0)
    reminder: time | None = None
    """None: no reminder (`reminder_time`)."""
    homework_days: frozenset[date] = frozenset()
    """Days around now on which some class of the school has homework: a weekend or holiday
    among them gets the daily jobs too (a weekend piece is noticed, asked about, checked)."""

    def has_daily_jobs(self, day: date) -> bool:
        """A school day, or any other day that has homework."""
        return self.calendar.is_school_day(day) or day in self.homework_days

    def time_of(self, job: Job) -> time | None:
        return {
            Job.NOTICE: self.notice,
            Job.EVENING: self.evening,
            Job.REMINDER: self.reminder,
            Job.CHECK: self.check,
            Job.WEEKLY: self.weekly,
            Job.MONTHLY: self.weekly,
        }[job]

    def runs_on(self, job: Job, day: date) -> bool:
        """Whether `job` runs on `day` (its time aside): the daily jobs when the day has them,
        the weekly report on its weekday, the monthly on the month's first school day."""
        if job in JOB_ORDER:
            return self.has_daily_jobs(day)
        if job is Job.WEEKLY:
            return day.isoweekday() == self.weekly_weekday
        return first_school_day_of_month(self.calendar, day)


def first_school_day_of_month(calendar: SchoolCalendar, day: date) -> bool:
    """`day` is a school day and no earlier day of its month is (holidays and make-up days
    as the calendar knows them: a 国庆 week puts it after the holiday)."""
    if not calendar.is_school_day(day):
        return False
    earlier = day.replace(day=1)
    while earlier < day:
        if calendar.is_school_day(earlier):
            return False
        earlier += timedelta(days=1)
    return True


def reminder_time(evening: time, delay_minutes: int, check: time) -> time | None:
    """The reminder's local time, `delay_minutes` after the evening question; None when that
    is not before the daily check (a report after the check no longer counts that evening)
    or past midnight."""
    at = datetime.combine(date(2000, 1, 1), evening) + timedelta(minutes=max(0, delay_minutes))
    if at.date() != date(2000, 1, 1) or at.time() >= check or delay_minutes <= 0:
        return None
    return at.time()


@dataclass(frozen=True)
class DueRun:
    """One run a tick should claim: a job of a school for its local date."""

    school_id: int
    job: Job
    local_date: date


def due_runs(times: SchoolTimes, now_utc: datetime) -> list[DueRun]:
    """The school's jobs whose local time has passed today, in `ALL_JOBS`: the daily jobs on
    a school day or a day with homework (`SchoolTimes.has_daily_jobs`), the weekly report on
    its weekday (school day or not: it is about last week), the monthly report on the
    month's first school day (`SchoolTimes.runs_on`).

    Jobs of earlier days are never due: after downtime only today's missed jobs run. An unknown
    time zone raises ValueError (the caller skips and logs that school).
    """
    now = local_now(times.timezone, now_utc)
    today = now.date()
    wall = now.time().replace(tzinfo=None)
    return [
        DueRun(times.school_id, job, today)
        for job in ALL_JOBS
        if (at := times.time_of(job)) is not None and wall >= at and times.runs_on(job, today)
    ]


def local_date(timezone: str, now_utc: datetime) -> date:
    """The school's calendar date at `now_utc`."""
    return local_now(timezone, now_utc).date()
