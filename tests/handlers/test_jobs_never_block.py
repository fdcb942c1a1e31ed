"""Jobs that never block the bot (issue 17): each job of each school runs as a task of its
own, a school's jobs in order; the repeating tick returns at once; old runs are purged."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.domain.schedule import DueRun, Job
from handlers.scheduler import outbox as delivery
from handlers.scheduler import tick as scheduler
from storage import jobs
from storage.models import JobRun
from tests import world
from tests.handlers.scheduler_kit import THU, build, local
from tests.harness import Harness


class Runners:
    """Stand-in runners: record starts and ends; school 1's notice waits for `release`."""

    def __init__(self, slow_school: int) -> None:
        self.slow_school = slow_school
        self.release = asyncio.Event()
        self.log: list[str] = []

    async def __call__(self, job: Job, runs: Sequence[DueRun], *_args: Any) -> delivery.Report:
        [run] = runs  # one run per task
        self.log.append(f"start {job.value} {run.school_id}")
        if job is Job.NOTICE and run.school_id == self.slow_school:
            await self.release.wait()
        self.log.append(f"end {job.value} {run.school_id}")
        return delivery.Report(sent=1)


def patch_runners(monkeypatch: pytest.MonkeyPatch, runners: Runners) -> None:
    def runner(job: Job) -> Any:
        async def run(_app: Any, runs: Sequence[DueRun], *args: Any) -> delivery.Report:
            return await runners(job, runs, *args)

        return run

    monkeypatch.setattr(scheduler, "RUNNERS", {job: runner(job) for job in Job})


async def two_schools(bot: Harness) -> tuple[int, int]:
    async with bot.session() as session:
        a, b = await world.school(session, "A"), await world.school(session, "B")
        await session.commit()
        return a.id, b.id


async def test_a_slow_notice_holds_neither_the_other_school_nor_the_caller(
    bot: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow, other = await two_schools(bot)
    runners = Runners(slow)
    patch_runners(monkeypatch, runners)
    runs = [DueRun(s, job, THU) for s in (slow, other) for job in (Job.NOTICE, Job.EVENING)]
    async with bot.session() as session:
        assert await jobs.claim_runs(session, runs, local(18), timedelta(0)) == runs
    report = scheduler.TickReport(leader=True, runs=runs)
    running = asyncio.create_task(
        scheduler.run_claimed_jobs(bot.app, report, [], runs, lambda: local(18), "me")
    )
    for _ in range(50):
        await asyncio.sleep(0.01)
        if f"end evening {other}" in runners.log:
            break
    # The other school's notice and question are done while the slow notice still waits,
    # and the slow school's question waits for its own notice.
    assert f"end evening {other}" in runners.log
    assert f"start evening {slow}" not in runners.log
    runners.release.set()
    await running
    assert runners.log.index(f"end notice {slow}") < runners.log.index(f"start evening {slow}")
    assert report.sent == 4 and report.complete
    async with bot.session() as session:
        done = await session.scalars(select(JobRun.finished_at))
        assert all(finished is not None for finished in done)


async def test_the_repeating_tick_returns_while_its_runs_go_on(
    bot: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    kit = await build(bot)
    runners = Runners(kit.school_id)
    patch_runners(monkeypatch, runners)
    report = await scheduler.tick(bot.app, local(17, 35), wait=False)
    assert [r.job for r in report.runs] == [Job.NOTICE]
    await asyncio.sleep(0.05)
    assert runners.log == [f"start notice {kit.school_id}"]  # still under way
    await scheduler.cancel_running_jobs(bot.app)  # the process stops: left for the next holder
    async with bot.session() as session:
        [run] = await session.scalars(select(JobRun))
        assert run.finished_at is None


async def test_old_finished_runs_are_purged(bot: Harness) -> None:
    school, _ = await two_schools(bot)
    old = DueRun(school, Job.NOTICE, THU - timedelta(days=40))
    old_open = DueRun(school, Job.EVENING, THU - timedelta(days=40))
    recent = DueRun(school, Job.NOTICE, THU)
    async with bot.session() as session:
        await jobs.claim_runs(session, [old, old_open, recent], local(18), timedelta(0))
        await jobs.finish_runs(session, [old, recent], local(19))
        await jobs.purge_job_runs(session, THU - scheduler.JOB_RUNS_KEPT)
        left = {(r.job, r.local_date) for r in await session.scalars(select(JobRun))}
    assert left == {(Job.EVENING.value, old_open.local_date), (Job.NOTICE.value, THU)}
