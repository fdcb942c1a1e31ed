"""The scheduler: one repeating tick runs every school's daily jobs, derived from the database.

Each tick (on PTB's JobQueue, every `settings.scheduler_tick_seconds`: at most 30 s, and a
quarter of SCHEDULER_LEASE_SECONDS) takes the `scheduler` lease so one process of several
does the work (another takes over when the holder stops, or a lease's length after it died),
works out for every school in its own time zone and calendar which jobs are due today
(missed ones included, `bot.schedule`), claims each run atomically
(`storage.jobs.claim_runs`) and runs the claimed ones in job order: the homework
notice, the evening question, the reminder (`handlers.scheduler.reminders`), the daily
check (`handlers.scheduler.checks`), the weekly report (`handlers.scheduler.weekly`).
Messages go through `handlers.scheduler.outbox`, which sends each unique key once; the
parents' messages are built in `handlers.scheduler.notices`.
Tests call `tick(app, now)` directly.

`notify_homework_change` is the hook the homework dialog calls after a piece is posted,
edited or cancelled: parents who already had that evening's notice get a short update.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.exc import SQLAlchemyError
from telegram.ext import Application

from bot.domain.calendar import SchoolCalendar
from bot.domain.load import evening_load
from bot.domain.schedule import ALL_JOBS, DueRun, Job, SchoolTimes, due_runs
from bot.i18n import _, format_day, format_minutes, use_locale
from handlers.kit.context import Ctx, QingfuApp
from handlers.kit.gate import user_locale
from handlers.kit.labels import kind_label
from handlers.scheduler import outbox as delivery
from handlers.scheduler.checks import run_checks
from handlers.scheduler.deadlines import check_complaint_deadlines
from handlers.scheduler.jobkit import Clock, cap_of, schools_by_id
from handlers.scheduler.notices import notice_messages, question_messages, total_line
from handlers.scheduler.outbox import Outgoing, message_key
from handlers.scheduler.reminders import run_reminders
from handlers.scheduler.weekly import run_weekly_reports
from storage import homework as hw
from storage import jobs
from storage.db import SessionMaker
from storage.homework import calendar_of
from storage.notices import class_evenings, families_of

log = logging.getLogger(__name__)

LEASE = "scheduler"
STALE_AFTER = timedelta(minutes=5)
"""A claimed, unfinished run without a heartbeat for this long is resumed (its process died)."""
PROCESSED_UPDATES_KEPT = timedelta(days=7)  # far longer than Telegram keeps unacknowledged ones
HEARTBEAT = timedelta(seconds=30)


# ---------------------------------------------------------------- the tick


_HOLDERS: dict[int, str] = {}


def holder_of(app: QingfuApp) -> str:
    """This process's lease holder id (one per Application)."""
    return _HOLDERS.setdefault(
        id(app), f"{socket.gethostname()[:32]}:{os.getpid()}:{secrets.token_hex(3)}"
    )


def start_scheduler(app: QingfuApp, interval: float | None = None) -> None:
    """Register the repeating tick on the application's JobQueue (runs once the app starts)."""
    if app.job_queue is None:
        raise RuntimeError("python-telegram-bot[job-queue] is required for the scheduler")
    interval = interval or app.bot_data.settings.scheduler_tick_seconds
    app.job_queue.run_repeating(
        _tick_job,
        interval=interval,
        first=2.0,
        name="scheduler-tick",
        job_kwargs={
            "max_instances": 1,
            "coalesce": True,
            "misfire_grace_time": max(1, int(interval)),
        },
    )


async def stop_scheduler(app: QingfuApp) -> None:
    """Give the scheduler lease up as the process stops (after the JobQueue has stopped), so
    a restarted or another process takes over at its next tick, not a lease's length later."""
    data = app.bot_data
    try:
        async with data.sessionmaker() as session:
            await jobs.release_lease(session, LEASE, holder_of(app), data.clock())
    except SQLAlchemyError as error:  # the lease then simply expires
        log.warning("could not release the scheduler lease: %s", type(error).__name__)


async def _tick_job(context: Ctx) -> None:
    await tick(context.application)  # type: ignore[arg-type]


@dataclass
class TickReport:
    leader: bool
    runs: list[DueRun] = field(default_factory=list)
    sent: int = 0
    complete: bool = True
    complaints: int = 0  # tickets reminded or escalated


class Heartbeat:
    """Called between delivery batches: renews the lease and marks the runs alive."""

    def __init__(
        self,
        sessionmaker: SessionMaker,
        holder: str,
        clock: Clock,
        runs: Sequence[DueRun],
        ttl: timedelta,
    ) -> None:
        self.sessionmaker, self.holder, self.clock, self.runs = sessionmaker, holder, clock, runs
        self.ttl = ttl
        self.every = min(HEARTBEAT, ttl / 4)  # renewed well before it ends
        self.last = clock()

    async def __call__(self) -> None:
        now = self.clock()
        if now - self.last < self.every:
            return
        self.last = now
        async with self.sessionmaker() as session:
            if not await jobs.acquire_lease(session, LEASE, self.holder, now, self.ttl):
                log.warning("scheduler lease taken over while running; finishing this run")
            await jobs.touch_runs(session, self.runs, now)


async def tick(
    app: QingfuApp, now: datetime | None = None, *, holder: str | None = None
) -> TickReport:
    """One scheduler step at `now` (default: the app's clock). Returns what it did."""
    data = app.bot_data
    clock: Clock = (lambda: now) if now is not None else data.clock
    instant = clock()
    holder = holder or holder_of(app)
    async with data.sessionmaker() as session:
        lease = data.settings.scheduler_lease
        if not await jobs.acquire_lease(session, LEASE, holder, instant, lease):
            return TickReport(leader=False)
        schedules = await jobs.school_schedules(session, instant.date())
        due: list[DueRun] = []
        for times in schedules:
            try:
                due.extend(due_runs(times, instant))
            except ValueError:
                log.warning(
                    "school %s has an unknown time zone %r", times.school_id, times.timezone
                )
        claimed = await jobs.claim_runs(session, due, instant, STALE_AFTER)
    report = TickReport(leader=True, runs=claimed)
    if claimed:
        await run_claimed_jobs(app, report, schedules, claimed, clock, holder)
    report.complaints = await check_complaint_deadlines(app.bot, data.sessionmaker, instant)
    async with data.sessionmaker() as session:
        await jobs.purge_processed_updates(session, instant - PROCESSED_UPDATES_KEPT)
    return report


async def run_claimed_jobs(
    app: QingfuApp,
    report: TickReport,
    schedules: Sequence[SchoolTimes],
    claimed: list[DueRun],
    clock: Clock,
    holder: str,
) -> None:
    """Run the claimed jobs in order (notice, evening question, check, weekly report)."""
    data = app.bot_data
    calendars = {t.school_id: t.calendar for t in schedules}
    heartbeat = Heartbeat(data.sessionmaker, holder, clock, claimed, data.settings.scheduler_lease)
    for job in ALL_JOBS:
        runs = [r for r in claimed if r.job is job]
        if not runs:
            continue
        log.info("running %s for %d school(s)", job.value, len(runs))
        result = await RUNNERS[job](app, runs, calendars, clock, heartbeat)
        report.sent += result.sent
        if result.complete:
            async with data.sessionmaker() as session:
                await jobs.finish_runs(session, runs, clock())
        else:
            report.complete = False  # resumed after STALE_AFTER; only unsent keys go out


async def run_notices(
    app: QingfuApp,
    runs: Sequence[DueRun],
    calendars: dict[int, SchoolCalendar],
    clock: Clock,
    heartbeat: Heartbeat,
) -> delivery.Report:
    """Homework notice: one message per parent per child of every class with homework."""
    data = app.bot_data
    async with data.sessionmaker() as session:
        evenings = await class_evenings(session, [(r.school_id, r.local_date) for r in runs])
        schools = await schools_by_id(session, {e.school_id for e in evenings})
        families = await families_of(session, [e.class_id for e in evenings])
    messages = notice_messages(evenings, schools, families, calendars)
    return await delivery.deliver(
        app.bot, data.sessionmaker, messages, clock, on_progress=heartbeat
    )


async def run_evening_questions(
    app: QingfuApp,
    runs: Sequence[DueRun],
    calendars: dict[int, SchoolCalendar],
    clock: Clock,
    heartbeat: Heartbeat,
) -> delivery.Report:
    """Evening question to the parents of children whose class had written homework."""
    data = app.bot_data
    async with data.sessionmaker() as session:
        evenings = await class_evenings(session, [(r.school_id, r.local_date) for r in runs])
        evenings = [e for e in evenings if any(p.is_written for p in e.pieces)]
        schools = await schools_by_id(session, {e.school_id for e in evenings})
        families = await families_of(session, [e.class_id for e in evenings])
    messages = question_messages(evenings, schools, families, calendars)
    return await delivery.deliver(
        app.bot, data.sessionmaker, messages, clock, on_progress=heartbeat
    )


RUNNERS = {
    Job.NOTICE: run_notices,
    Job.EVENING: run_evening_questions,
    Job.REMINDER: run_reminders,
    Job.CHECK: run_checks,
    Job.WEEKLY: run_weekly_reports,
}


# ---------------------------------------------------------------- late changes


CHANGE_KINDS = ("posted", "edited", "cancelled")


def change_text(kind: str, subject: str, hw_kind: str, minutes: int) -> str:
    what = _("{subject} ({kind}, {minutes})").format(
        subject=subject, kind=kind_label(hw_kind), minutes=format_minutes(minutes)
    )
    if kind == "posted":
        return _("New: {what}.").format(what=what)
    if kind == "cancelled":
        return _("Cancelled: {what}.").format(what=what)
    return _("Changed: {what}.").format(what=what)


async def notify_homework_change(
    app_or_context: QingfuApp | Ctx, assignment_id: int, kind: str
) -> int:
    """Tell the class's parents about a piece posted, edited or cancelled after that
    evening's notice went out (`kind`: "posted", "edited" or "cancelled"); returns how many
    messages were sent. Nothing is sent for evenings whose notice has not gone out yet (the
    notice will show the piece as it is then). Opens its own session: commit first.
    """
    app: QingfuApp = (
        app_or_context  # type: ignore[assignment]
        if isinstance(app_or_context, Application)
        else app_or_context.application
    )
    data = app.bot_data
    async with data.sessionmaker() as session:
        found = await hw.assignment_in_context(session, assignment_id)
        if found is None:
            return 0
        assignment, klass, school, subject = found
        loads = await hw.loads_of(session, assignment_id)
        days = sorted(set(loads) | {assignment.evening})
        notified = [d for d in days if await jobs.run_claimed(session, school.id, Job.NOTICE, d)]
        if not notified:
            return 0
        event_id = await hw.last_event_id(session, assignment_id)
        cal = await calendar_of(session, school)
        evenings = {
            e.day: e
            for e in await class_evenings(session, [(school.id, d) for d in notified])
            if e.class_id == klass.id
        }
        families = (await families_of(session, [klass.id])).get(klass.id, [])
    messages = []
    for day in notified:
        cap = cap_of(school, klass.grade, day, cal)
        pieces = evenings[day].pieces if day in evenings else ()
        written = evening_load(pieces, cap).written_total
        minutes = loads.get(day, assignment.minutes)
        for family in families:
            with use_locale(user_locale(family.parent)):
                text = "\n".join(
                    [
                        _("Homework update for {child} ({class_name}), {day}:").format(
                            child=family.child_name,
                            class_name=klass.name,
                            day=format_day(day),
                        ),
                        change_text(kind, subject, assignment.kind, minutes),
                        total_line(written, cap),
                    ]
                )
            subject_key = f"{family.child_id}.{assignment_id}.{event_id or 0}.{kind}"
            key = message_key("update", family.parent.id, subject_key, day)
            messages.append(Outgoing(key, family.parent.id, "update", text))
    report = await delivery.deliver(app.bot, data.sessionmaker, messages, data.clock)
    return report.sent
