"""storage.jobs, notifications, checks and reports on SQLite and PostgreSQL: claims, lease,
the daily check's one-statement SQL (against a straightforward Python computation), report
upserts."""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.domain.calendar import SchoolCalendar
from bot.domain.homework import HomeworkStatus
from bot.domain.load import HomeworkKind, cap_for, median_minutes
from bot.domain.reporting import ReportOutcome
from bot.domain.schedule import DueRun, Job
from storage import jobs, notifications, reports
from storage.checks import daily_check, daily_check_query, teacher_shares
from storage.db import SessionMaker
from storage.homework import caps_of
from storage.models import (
    Assignment,
    AssignmentLoad,
    DailyReport,
    JobRun,
    Notification,
    ReportEvent,
)
from storage.notifications import NotificationKey
from tests import world

NOW = datetime(2026, 11, 19, 12, 0, tzinfo=UTC)
THU = world.THU
STALE = timedelta(minutes=5)


async def test_two_concurrent_claims_one_run(sessionmaker: SessionMaker) -> None:
    async with sessionmaker() as session:
        s = await world.school(session)
        await session.commit()
    run = DueRun(s.id, Job.NOTICE, THU)

    async def claim() -> list[DueRun]:
        async with sessionmaker() as session:
            return await jobs.claim_runs(session, [run], NOW, STALE)

    results = await asyncio.gather(*(claim() for _ in range(4)))
    assert sorted(len(r) for r in results) == [0, 0, 0, 1]
    async with sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(JobRun)) == 1
        # Claimed again later the same day: nothing (finished or not, it is not stale yet).
        assert await jobs.claim_runs(session, [run], NOW + timedelta(minutes=1), STALE) == []


async def test_stale_unfinished_run_is_resumed_once_finished_never(
    sessionmaker: SessionMaker,
) -> None:
    async with sessionmaker() as session:
        s = await world.school(session)
        await session.commit()
        notice, evening = DueRun(s.id, Job.NOTICE, THU), DueRun(s.id, Job.EVENING, THU)
        assert await jobs.claim_runs(session, [notice, evening], NOW, STALE) == [
            notice,
            evening,
        ]
        await jobs.finish_runs(session, [notice], NOW)
        later = NOW + timedelta(minutes=10)
    # The evening run's process died: two resumers race, one wins; the finished run stays done.
    results = []
    for _ in range(2):
        async with sessionmaker() as session:
            results.append(await jobs.claim_runs(session, [notice, evening], later, STALE))
    assert results == [[evening], []]
    async with sessionmaker() as session:
        # A heartbeat keeps a run in progress from looking dead.
        await jobs.touch_runs(session, [evening], later + timedelta(minutes=4))
        assert await jobs.claim_runs(session, [evening], later + timedelta(minutes=8), STALE) == []


async def test_lease_one_holder_until_expiry(sessionmaker: SessionMaker) -> None:
    ttl = timedelta(minutes=2)

    async def take(holder: str, now: datetime) -> bool:
        async with sessionmaker() as session:
            return await jobs.acquire_lease(session, "scheduler", holder, now, ttl)

    first = await asyncio.gather(take("a", NOW), take("b", NOW))
    assert sorted(first) == [False, True]
    winner, loser = ("a", "b") if first[0] else ("b", "a")
    assert await take(winner, NOW + timedelta(minutes=1))  # renewal
    assert not await take(loser, NOW + timedelta(minutes=2))
    assert await take(loser, NOW + timedelta(minutes=4))  # the winner died: takeover
    assert not await take(winner, NOW + timedelta(minutes=4))
    async with sessionmaker() as session:
        await jobs.release_lease(session, "scheduler", loser, NOW + timedelta(minutes=5))
    assert await take(winner, NOW + timedelta(minutes=5, seconds=1))


async def test_notification_keys_claimed_once_and_retry_reclaimed(
    sessionmaker: SessionMaker,
) -> None:
    keys = [NotificationKey(f"notice:{i}:1:2026-11-19", i, "notice") for i in range(3)]
    ttl = timedelta(seconds=30)

    async def claim(now: datetime = NOW) -> dict[str, int]:
        won = {}
        async with sessionmaker() as session:
            for key in keys:
                result = await notifications.claim(session, key, now, ttl)
                if result.id is not None:
                    won[key.key] = result.id
        return won

    a, b = await asyncio.gather(claim(), claim())
    assert sorted([*a, *b]) == sorted(k.key for k in keys)
    ids = {**a, **b}
    async with sessionmaker() as session:
        await notifications.record_send(
            session, ids[keys[0].key], notifications.SendStatus.SENT, NOW, message_id=11
        )
        await notifications.record_send(
            session, ids[keys[1].key], notifications.SendStatus.RETRY, NOW, tries=3
        )
        assert await notifications.unsent_count(session, [k.key for k in keys]) == 1
    # keys[2] is still in flight (its claimer's claim holds): not claimed again.
    again = await claim(NOW + timedelta(seconds=5))
    assert list(again) == [keys[1].key]
    async with sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(Notification)) == 3


async def test_a_claim_left_by_a_dead_sender_is_taken_over_once_flagged(
    sessionmaker: SessionMaker,
) -> None:
    """Claimed, then the process died mid-send: once the claim has expired the key is
    claimed again (by one of two resumers), flagged possibly duplicated; settled keys never."""
    ttl = timedelta(seconds=30)
    dead, done = (NotificationKey(f"notice:{i}:1:2026-11-19", i, "notice") for i in (1, 2))
    async with sessionmaker() as session:
        first = await notifications.claim(session, dead, NOW, ttl)
        settled = await notifications.claim(session, done, NOW, ttl)
        assert first.result is notifications.ClaimResult.NEW and settled.id is not None
        await notifications.record_send(session, settled.id, notifications.SendStatus.SENT, NOW)
        during = await notifications.claim(session, dead, NOW + timedelta(seconds=29), ttl)
        assert during.result is notifications.ClaimResult.IN_FLIGHT and during.id is None

    async def resume() -> notifications.Claim:
        async with sessionmaker() as session:
            return await notifications.claim(session, dead, NOW + timedelta(seconds=31), ttl)

    results = await asyncio.gather(resume(), resume())
    assert sorted(r.result.value for r in results) == ["in flight", "resumed"]
    async with sessionmaker() as session:
        again = await notifications.claim(session, done, NOW + timedelta(minutes=5), ttl)
        assert again.result is notifications.ClaimResult.DONE
        row = await session.scalar(select(Notification).where(Notification.key == dead.key))
        assert row is not None
        assert (row.status, row.attempts, row.possibly_duplicated) == ("pending", 2, True)


# ---------------------------------------------------------------- reports


async def test_report_upsert_one_row_latest_wins_history_kept(sessionmaker: SessionMaker) -> None:
    async with sessionmaker() as session:
        s = await world.school(session)
        k = await world.klass(session, s, 4, "4A")
        c = await world.child(session, k, "Lena", [501, 502])
        other = await world.child(session, k, "Max", [503])
        await session.commit()
        assert await reports.child_of_parent(session, 501, c.id) is not None
        assert await reports.child_of_parent(session, 503, c.id) is None
        for reporter, minutes, outcome in (
            (501, 45, ReportOutcome.DONE),
            (501, 50, ReportOutcome.DONE),
            (502, None, ReportOutcome.UNFINISHED),
        ):
            await reports.save_report(
                session,
                child_id=c.id,
                day=THU,
                minutes=minutes,
                outcome=outcome,
                reporter_id=reporter,
                now=NOW,
            )
            await session.commit()
        assert await reports.set_note(session, c.id, THU, "Tired")
        assert not await reports.set_note(session, other.id, THU, "x")
        await session.commit()
        rows = (await session.scalars(select(DailyReport))).all()
        assert [(r.child_id, r.minutes, r.outcome, r.reporter_id, r.note) for r in rows] == [
            (c.id, None, "unfinished", 502, "Tired")
        ]
        events = await reports.history(session, c.id, THU)
        assert [(e.reporter_id, e.minutes) for e in events] == [(501, 45), (501, 50), (502, None)]
        assert await session.scalar(select(func.count()).select_from(ReportEvent)) == 3
        with pytest.raises(ValueError, match="minutes"):
            await reports.save_report(
                session,
                child_id=c.id,
                day=THU,
                minutes=601,
                outcome=ReportOutcome.DONE,
                reporter_id=501,
                now=NOW,
            )


# ---------------------------------------------------------------- the daily check


async def test_daily_check_matches_python_over_hundreds_of_classes(
    sessionmaker: SessionMaker,
) -> None:
    rng = random.Random(20261119)
    other_day = THU - timedelta(days=1)
    expected: dict[int, tuple[object, ...]] = {}
    async with sessionmaker() as session:
        schools = [
            await world.school(session, "Shanghai", "Asia/Shanghai"),
            await world.school(session, "Moscow", "Europe/Moscow", cap_primary=45, cap_senior=120),
            await world.school(session, "Ignored", "Asia/Shanghai"),
        ]
        subjects = [await world.subject(session, s, "Maths") for s in schools]
        await world.user(session, 9000, "Teacher")
        all_reports: list[DailyReport] = []
        class_count = 0
        for si, s in enumerate(schools):
            for n in range(110):
                grade = 1 + n % 12
                k = await world.klass(session, s, grade, f"{grade}-{n}")
                class_count += 1
                pieces = rng.randrange(0, 4)
                written = 0
                for _ in range(pieces):
                    kind = rng.choice(
                        [HomeworkKind.WRITTEN, HomeworkKind.WRITTEN, HomeworkKind.ORAL]
                    )
                    status = rng.choice(
                        [HomeworkStatus.POSTED, HomeworkStatus.POSTED, HomeworkStatus.CANCELLED]
                    )
                    minutes = rng.randrange(5, 50)
                    await world.homework(session, k, subjects[si], 9000, minutes, THU, kind, status)
                    if status == HomeworkStatus.POSTED and kind == HomeworkKind.WRITTEN:
                        written += minutes
                if rng.random() < 0.2:  # noise on another evening
                    await world.homework(session, k, subjects[si], 9000, 30, other_day)
                reporters = rng.choice([0, 0, 1, 2, 3, 4, 7])
                minutes_list: list[int] = []
                unfinished = 0
                cap = cap_for(caps_of(s), grade, THU, SchoolCalendar()).minutes
                done: list[int] = []
                for c in range(reporters):
                    kid = await world.child(session, k, f"Kid {c}", [])
                    if rng.random() < 0.15:
                        all_reports.append(
                            DailyReport(
                                child_id=kid.id, day=THU, minutes=None, outcome="unfinished"
                            )
                        )
                        unfinished += 1
                        if cap is not None:  # counts as at least the cap (issue 11)
                            minutes_list.append(cap)
                    else:
                        m = rng.randrange(10, 130)
                        minutes_list.append(m)
                        done.append(m)
                        all_reports.append(
                            DailyReport(child_id=kid.id, day=THU, minutes=m, outcome="done")
                        )
                    all_reports.append(
                        DailyReport(child_id=kid.id, day=other_day, minutes=500, outcome="done")
                    )
                if si == 2:
                    continue
                expected[k.id] = (
                    written,
                    cap,
                    reporters,
                    len(minutes_list),
                    median_minutes(minutes_list),
                    sum(1 for m in done if cap is not None and m > cap) + unfinished
                    if reporters >= 3
                    else None,
                    unfinished if reporters >= 3 else None,
                )
        session.add_all(all_reports)
        await session.commit()
        assert class_count == 330
        targets = [(schools[0].id, THU), (schools[1].id, THU)]
        checks = await daily_check(session, targets)
        # Classes with any posted homework that evening, or any reports.
        posted_classes = set(
            (
                await session.execute(
                    select(AssignmentLoad.class_id)
                    .join(
                        Assignment,
                        Assignment.id == AssignmentLoad.assignment_id,
                    )
                    .where(
                        AssignmentLoad.day == THU,
                        Assignment.status == HomeworkStatus.POSTED.value,
                    )
                )
            ).scalars()
        )
    want = {
        class_id: figures
        for class_id, figures in expected.items()
        if class_id in posted_classes or figures[2]
    }
    got = {
        c.class_id: (
            c.written,
            c.cap,
            c.reports,
            c.timed,
            None if c.median is None else (int(c.median) if c.median.is_integer() else c.median),
            c.over_shown,
            c.unfinished_shown,
        )
        for c in checks
    }
    assert got == want
    assert all(c.day == THU and c.school_id != schools[2].id for c in checks)
    # The thresholds are exercised: classes with 2 reports (no median) and with 3 and more.
    assert any(c.reports == 2 and c.median is None for c in checks)
    assert any(c.timed >= 3 and c.median is not None for c in checks)
    assert any(c.reports == 0 for c in checks)  # homework but no reports
    assert any(c.is_over for c in checks) and any(not c.is_over for c in checks)


async def test_daily_check_empty_targets(sessionmaker: SessionMaker) -> None:
    async with sessionmaker() as session:
        assert await daily_check(session, []) == []
        s = await world.school(session)
        await world.klass(session, s, 5, "5A")  # no homework, no reports: not listed
        await session.commit()
        assert await daily_check(session, [(s.id, THU)]) == []


async def test_teacher_shares(sessionmaker: SessionMaker) -> None:
    async with sessionmaker() as session:
        s = await world.school(session)
        k = await world.klass(session, s, 5, "5A")
        maths, chinese = (
            await world.subject(session, s, "Maths"),
            await world.subject(session, s, "Chinese"),
        )
        await world.homework(session, k, maths, 801, 30)
        await world.homework(session, k, maths, 801, 15)
        await world.homework(session, k, chinese, 802, 25)
        await world.homework(session, k, chinese, 802, 20, kind=HomeworkKind.READING)
        await world.homework(session, k, chinese, 802, 40, status=HomeworkStatus.CANCELLED)
        await session.commit()
        shares = await teacher_shares(session, [(k.id, THU)])
    assert [(s.teacher_id, s.subject, s.minutes) for s in shares] == [
        (801, "Maths", 45),
        (802, "Chinese", 25),
    ]


def test_query_compiles_for_both_dialects() -> None:
    from sqlalchemy.dialects import postgresql, sqlite

    pg = str(
        daily_check_query("postgresql", [(1, date(2026, 11, 19))]).compile(
            dialect=postgresql.dialect()
        )
    )
    lite = str(
        daily_check_query("sqlite", [(1, date(2026, 11, 19))]).compile(dialect=sqlite.dialect())
    )
    assert "percentile_cont" in pg
    assert "row_number() OVER" in lite and "percentile_cont" not in lite
