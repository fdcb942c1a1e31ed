"""The scheduler: one repeating tick runs every school's daily jobs, derived from the database.

Each tick (on PTB's JobQueue, every `settings.scheduler_tick_seconds`: at most 30 s, and a
quarter of SCHEDULER_LEASE_SECONDS) takes the `scheduler` lease, for a lease's length less one
tick, so one process of several does the work: another takes over at its next tick when the
holder stops, and within SCHEDULER_LEASE_SECONDS when it dies, resuming at once the runs the
dead holder left unfinished. It works out for every school in its own time zone and calendar
which jobs are due today (missed ones included, `bot.schedule`), claims each run atomically
(`storage.jobs.claim_runs`) and runs the claimed ones in job order: the homework
notice, the evening question, the reminder (`handlers.scheduler.reminders`), the daily
check (`handlers.scheduler.checks`), the weekly report (`handlers.scheduler.weekly`), the monthly
report (`handlers.scheduler.monthly`).
Messages go through `handlers.scheduler.outbox`, which sends each unique key once; the
parents' messages are built in `handlers.scheduler.notices`.
Tests call `tick(app, now)` directly.

`notify_homework_change` is the hook the homework dialog calls after a piece is posted,
edited or cancelled: parents who already had that day's notice get an update, one per
class-day for the changes of a few minutes (`handlers.scheduler.updates`), sent by the tick.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
import weakref
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TypeVar

from telegram.ext import Application

from bot.config import Settings
from bot.domain.calendar import SchoolCalendar
from bot.domain.schedule import ALL_JOBS, DueRun, Job, SchoolTimes, due_runs
from handlers.kit import budget
from handlers.kit.context import Ctx, QingfuApp
from handlers.scheduler import outbox as delivery
from handlers.scheduler.checks import run_checks
from handlers.scheduler.deadlines import check_complaint_deadlines
from handlers.scheduler.jobkit import Clock, claim_ttl, lease_hold, schools_by_id
from handlers.scheduler.monthly import run_monthly_reports
from handlers.scheduler.notices import notice_messages, question_messages
from handlers.scheduler.reminders import run_reminders
from handlers.scheduler.updates import send_settled_updates
from handlers.scheduler.weekly import run_weekly_reports
from storage import homework as hw
from storage import jobs
from storage.db import DatabaseError, SessionMaker
from storage.notices import class_evenings, families_of, last_event, record_change

log = logging.getLogger(__name__)

T = TypeVar("T")

LEASE = "scheduler"
PROCESSED_UPDATES_KEPT = timedelta(days=7)  # far longer than Telegram keeps unacknowledged ones


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
    await cancel_running_jobs(app)
    try:
        async with data.sessionmaker() as session:
            await jobs.release_lease(session, LEASE, holder_of(app), data.clock())
    except DatabaseError as error:  # the lease then simply expires
        log.warning("could not release the scheduler lease: %s", type(error).__name__)


async def _tick_job(context: Ctx) -> None:
    # The runs go on in tasks of their own: the tick itself stays short.
    await tick(context.application, wait=False)  # type: ignore[arg-type]


@dataclass
class TickReport:
    leader: bool
    runs: list[DueRun] = field(default_factory=list)
    sent: int = 0
    complete: bool = True
    complaints: int = 0  # tickets reminded or escalated


class Heartbeat:
    """While jobs run: renews the lease and marks the runs alive every tick's length, in the
    background (a send held up by a flood limit or timeouts does not stop it), and when
    awaited between delivery batches."""

    def __init__(
        self,
        sessionmaker: SessionMaker,
        holder: str,
        clock: Clock,
        runs: Sequence[DueRun],
        settings: Settings,
    ) -> None:
        self.sessionmaker, self.holder, self.clock, self.runs = sessionmaker, holder, clock, runs
        self.hold = lease_hold(settings)
        self.every = timedelta(seconds=settings.scheduler_tick_seconds)
        self.last = clock()
        self._task: asyncio.Task[None] | None = None

    async def __call__(self) -> None:
        now = self.clock()
        if now - self.last < self.every:
            return
        self.last = now
        async with self.sessionmaker() as session:
            if not await jobs.acquire_lease(session, LEASE, self.holder, now, self.hold):
                log.warning("scheduler lease taken over while running; finishing this run")
            await jobs.touch_runs(session, self.runs, now)

    async def _beat(self) -> None:
        while True:
            await asyncio.sleep(self.every.total_seconds())
            try:
                await self()
            except DatabaseError as error:  # the next beat tries again
                log.warning("scheduler heartbeat failed: %s", type(error).__name__)

    async def __aenter__(self) -> Heartbeat:
        self._task = asyncio.create_task(self._beat(), name="scheduler-heartbeat")
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task


_LEADING: weakref.WeakKeyDictionary[QingfuApp, set[str]] = weakref.WeakKeyDictionary()
"""By application: the holders that held the scheduler lease at their last tick."""


async def tick(
    app: QingfuApp,
    now: datetime | None = None,
    *,
    holder: str | None = None,
    wait: bool = True,
) -> TickReport:
    """One scheduler step at `now` (default: the app's clock). Returns what it did.

    The claimed runs go on as tasks of their own (`run_claimed_jobs`); `wait=False` (the
    repeating tick) returns as soon as they are started, so the tick never holds the event
    loop or the next tick; tests wait (the default) and see what the jobs did."""
    data = app.bot_data
    clock: Clock = (lambda: now) if now is not None else data.clock
    instant = clock()
    holder = holder or holder_of(app)
    settings = data.settings
    async with data.sessionmaker() as session:
        leading = _LEADING.setdefault(app, set())
        if not await jobs.acquire_lease(session, LEASE, holder, instant, lease_hold(settings)):
            leading.discard(holder)
            return TickReport(leader=False)
        # Having just taken the lease, resume every unfinished run at once: only the holder
        # runs jobs, so their process died (or lost the lease: each message's own claim keeps
        # it from going out twice). The holder itself takes a run untouched for a lease's
        # length for dead.
        stale_after = settings.scheduler_lease if holder in leading else timedelta(0)
        leading.add(holder)
        schedules = await jobs.school_schedules(session, instant.date())
        due: list[DueRun] = []
        for times in schedules:
            try:
                due.extend(due_runs(times, instant))
            except ValueError:
                log.warning(
                    "school %s has an unknown time zone %r", times.school_id, times.timezone
                )
        claimed = await jobs.claim_runs(session, due, instant, stale_after)
    report = TickReport(leader=True, runs=claimed)
    if claimed:
        running = run_claimed_jobs(app, report, schedules, claimed, clock, holder)
        if wait:
            await running
        else:
            _keep(app, asyncio.create_task(running, name="scheduler-runs"))
    report.complaints = await check_complaint_deadlines(app.bot, data.sessionmaker, instant)
    report.sent += await send_settled_updates(app, instant)
    async with data.sessionmaker() as session:
        await jobs.purge_processed_updates(session, instant - PROCESSED_UPDATES_KEPT)
        await jobs.purge_job_runs(session, instant.date() - JOB_RUNS_KEPT)
    return report


JOBS_AT_ONCE = 4
"""Runs (a job of a school) under way at once in one process: each has its own task, and
the database pool and the Telegram budget are shared."""
JOB_RUNS_KEPT = timedelta(days=35)
"""How long `job_runs` rows are kept (the claims look a few days back at most)."""

_RUNNING: weakref.WeakKeyDictionary[QingfuApp, set[asyncio.Task[None]]] = (
    weakref.WeakKeyDictionary()
)


def _keep(app: QingfuApp, task: asyncio.Task[None]) -> None:
    """Hold a reference to a background task of the scheduler until it ends."""
    running = _RUNNING.setdefault(app, set())
    running.add(task)
    task.add_done_callback(running.discard)


async def cancel_running_jobs(app: QingfuApp) -> None:
    """Stop the runs under way (the process stops): each message's claim and the run's own
    claim make the next holder resume exactly what is left."""
    tasks = list(_RUNNING.get(app, ()))
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


async def run_claimed_jobs(
    app: QingfuApp,
    report: TickReport,
    schedules: Sequence[SchoolTimes],
    claimed: list[DueRun],
    clock: Clock,
    holder: str,
) -> None:
    """Each claimed run (a job of a school) as a task of its own, at most `JOBS_AT_ONCE` at a
    time: a long notice of one school never holds another school's question or check. A
    school's runs keep the job order (notice, evening question, reminder, check, weekly
    report): each waits for the one before it."""
    data = app.bot_data
    calendars = {t.school_id: t.calendar for t in schedules}
    limit = asyncio.Semaphore(JOBS_AT_ONCE)
    async with Heartbeat(data.sessionmaker, holder, clock, claimed, data.settings) as heartbeat:
        with budget.bulk(paid=data.settings.allow_paid_broadcast):  # the tasks inherit it
            tasks = _start_runs(app, claimed, calendars, clock, heartbeat, limit)
        results = await asyncio.gather(*tasks, return_exceptions=True)
    for name, result in zip((t.get_name() for t in tasks), results, strict=True):
        if isinstance(result, BaseException):
            log.error("scheduler run %s failed: %r", name, result)
            report.complete = False
            continue
        report.sent += result.sent
        report.complete = report.complete and result.complete


def _start_runs(
    app: QingfuApp,
    claimed: list[DueRun],
    calendars: dict[int, SchoolCalendar],
    clock: Clock,
    heartbeat: Heartbeat,
    limit: asyncio.Semaphore,
) -> list[asyncio.Task[delivery.Report]]:
    """A task per run, each after its school's run before it, in job order."""
    before: dict[int, asyncio.Task[delivery.Report]] = {}
    tasks: list[asyncio.Task[delivery.Report]] = []
    for job in ALL_JOBS:
        for run in (r for r in claimed if r.job is job):
            step = _run_one(app, run, before.get(run.school_id), calendars, clock, heartbeat)
            task = asyncio.create_task(
                _limited(limit, step), name=f"{job.value}:{run.school_id}:{run.local_date}"
            )
            before[run.school_id] = task
            tasks.append(task)
    return tasks


async def _limited(limit: asyncio.Semaphore, step: Awaitable[T]) -> T:
    async with limit:
        return await step


async def _run_one(
    app: QingfuApp,
    run: DueRun,
    previous: asyncio.Task[delivery.Report] | None,
    calendars: dict[int, SchoolCalendar],
    clock: Clock,
    heartbeat: Heartbeat,
) -> delivery.Report:
    """One job of one school, after the school's job before it; finished, or left for the
    next tick when messages are still to go."""
    if previous is not None:
        await asyncio.wait([previous])  # its own outcome is its own
    data = app.bot_data
    log.info("running %s for school %d (%s)", run.job.value, run.school_id, run.local_date)
    result = await RUNNERS[run.job](app, [run], calendars, clock, heartbeat)
    async with data.sessionmaker() as session:
        if result.complete:
            await jobs.finish_runs(session, [run], clock())
        else:  # resumed at the next tick: only the keys not settled go out
            await jobs.release_runs(session, [run], clock(), data.settings.scheduler_lease)
    return result


async def run_notices(
    app: QingfuApp,
    runs: Sequence[DueRun],
    calendars: dict[int, SchoolCalendar],
    clock: Clock,
    heartbeat: Heartbeat,
) -> delivery.Report:
    """Homework notice: one message per parent per child of every class with homework."""
    return await _to_families(app, runs, calendars, clock, heartbeat, notice_messages)


async def run_evening_questions(
    app: QingfuApp,
    runs: Sequence[DueRun],
    calendars: dict[int, SchoolCalendar],
    clock: Clock,
    heartbeat: Heartbeat,
) -> delivery.Report:
    """Evening question to the parents of children whose class had written homework."""
    return await _to_families(
        app, runs, calendars, clock, heartbeat, question_messages, written_only=True
    )


CLASSES_PER_BATCH = 20
"""Classes whose families are loaded, built into messages and sent per batch (a few hundred
messages): a district's notice never holds all its families or messages at once."""


async def _to_families(
    app: QingfuApp,
    runs: Sequence[DueRun],
    calendars: dict[int, SchoolCalendar],
    clock: Clock,
    heartbeat: Heartbeat,
    build: Callable[..., list[delivery.Outgoing]],
    *,
    written_only: bool = False,
) -> delivery.Report:
    """The runs' class-days with homework (`written_only`: with written homework); their
    families loaded (only the parent's id and language and the child's name) a batch of
    classes at a time, `build` into messages class by class, yielding to the event loop in
    between, and each batch delivered through the outbox before the next is read."""
    data = app.bot_data
    async with data.sessionmaker() as session:
        evenings = await class_evenings(session, [(r.school_id, r.local_date) for r in runs])
        if written_only:
            evenings = [e for e in evenings if any(p.is_written for p in e.pieces)]
        schools = await schools_by_id(session, {e.school_id for e in evenings})
    class_ids = sorted({e.class_id for e in evenings})
    report = delivery.Report()
    for start in range(0, len(class_ids), CLASSES_PER_BATCH):
        batch = class_ids[start : start + CLASSES_PER_BATCH]
        async with data.sessionmaker() as session:
            families = await families_of(session, batch)
        messages: list[delivery.Outgoing] = []
        for evening in (e for e in evenings if e.class_id in families):
            messages += build([evening], schools, families, calendars)
            await asyncio.sleep(0)  # a tap waiting for the loop goes first
        report.add(
            await delivery.deliver(
                app.bot,
                data.sessionmaker,
                messages,
                clock,
                on_progress=heartbeat,
                claim_ttl=claim_ttl(data.settings),
            )
        )
    return report


RUNNERS = {
    Job.NOTICE: run_notices,
    Job.EVENING: run_evening_questions,
    Job.REMINDER: run_reminders,
    Job.CHECK: run_checks,
    Job.WEEKLY: run_weekly_reports,
    Job.MONTHLY: run_monthly_reports,
}


# ---------------------------------------------------------------- late changes


async def notify_homework_change(
    app_or_context: QingfuApp | Ctx, assignment_id: int, kind: str
) -> int:
    """Keep a piece posted, edited or cancelled (`kind`) after its class-day's notice went
    out; the tick sends the class's parents one update per class-day once the changes have
    settled (`handlers.scheduler.updates`). Returns how many class-days will get one. Nothing
    is kept for days whose notice has not gone out (the notice will show the piece as it is
    then). Opens its own session: commit first.
    """
    app: QingfuApp = (
        app_or_context  # type: ignore[assignment]
        if isinstance(app_or_context, Application)
        else app_or_context.application
    )
    data = app.bot_data
    async with data.sessionmaker() as session:
        found = await hw.assignment_in_context(session, assignment_id)
        event = await last_event(session, assignment_id)
        if found is None or event is None:
            return 0
        assignment, klass, school, _subject = found
        days = set(await hw.loads_of(session, assignment_id)) | {assignment.evening}
        moved = (event.changes or {}).get("evening")
        if isinstance(moved, list) and moved and moved[0]:
            days.add(date.fromisoformat(moved[0]))  # the day it left hears of it too
        notified = [
            d for d in sorted(days) if await jobs.run_claimed(session, school.id, Job.NOTICE, d)
        ]
        return await record_change(
            session,
            assignment_id=assignment_id,
            event_id=event.id,
            class_id=klass.id,
            days=notified,
            kind=kind,
            changes=dict(event.changes or {}),
            now=data.clock(),
        )
