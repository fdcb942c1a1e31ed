"""storage.analytics on SQLite and PostgreSQL against a plain Python computation: class-
evening loads over a range with the caps of school days, weekends, holidays and make-up days,
medians from 3 reports, per-school day counts, subjects, complaint timeliness, export rows."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta

from bot.domain.calendar import SchoolCalendar, parse_school_days
from bot.domain.homework import HomeworkStatus
from bot.domain.load import HomeworkKind, cap_for, median_minutes
from bot.domain.periods import Scope
from storage.analytics import complaints, loads, streams
from storage.db import SessionMaker
from storage.homework import caps_of
from storage.models import Complaint, DailyReport, School
from tests import world

START = date(2026, 11, 9)  # a Monday
END = date(2026, 11, 22)  # two weeks
HOLIDAY = date(2026, 11, 11)  # a Wednesday
MAKEUP = date(2026, 11, 15)  # a Sunday
NOW = datetime(2026, 11, 23, 4, 0, tzinfo=UTC)


def calendar_of(school: School, holidays: set[date], makeup: set[date]) -> SchoolCalendar:
    return SchoolCalendar(
        school_days=parse_school_days(school.school_days),
        holidays=frozenset(holidays),
        makeup_days=frozenset(makeup),
    )


async def seed(session, rng: random.Random):
    """Two schools of one district (one with a weekend cap and a holiday and a make-up day)
    and a school of another district; returns what the Python side needs."""
    a = await world.school(session, "A", "Asia/Shanghai", cap_non_school_day=30)
    b = await world.school(session, "B", "Europe/Moscow", cap_primary=45)
    b.district_id = a.district_id
    other = await world.school(session, "Other", "Asia/Shanghai")
    await world.calendar_day(session, a, HOLIDAY, "holiday")
    await world.calendar_day(session, a, MAKEUP, "makeup")
    await world.user(session, 9000, "Teacher")
    expected: dict[tuple[int, date], dict[str, object]] = {}
    subjects_of: dict[tuple[int, date, str], int] = defaultdict(int)
    meta = {}
    reports: list[DailyReport] = []
    for s in (a, b, other):
        subjects = [await world.subject(session, s, n) for n in ("Maths", "Chinese", "English")]
        cal = calendar_of(s, {HOLIDAY}, {MAKEUP}) if s is a else calendar_of(s, set(), set())
        for n in range(8):
            grade = (2, 4, 5, 7, 8, 10, 11, 3)[n]
            k = await world.klass(session, s, grade, f"{grade}-{n}")
            kids = [await world.child(session, k, f"Kid {i}", []) for i in range(6)]
            meta[k.id] = (s, k, kids)
            for offset in range(-2, (END - START).days + 3):
                day = START + timedelta(days=offset)
                written = 0
                pieces = 0
                for _ in range(rng.choice([0, 0, 1, 2, 3])):
                    subject = rng.choice(subjects)
                    kind = rng.choice([HomeworkKind.WRITTEN] * 3 + [HomeworkKind.READING])
                    status = rng.choice([HomeworkStatus.POSTED] * 4 + [HomeworkStatus.CANCELLED])
                    minutes = rng.randrange(5, 45)
                    await world.homework(session, k, subject, 9000, minutes, day, kind, status)
                    if status is HomeworkStatus.POSTED:
                        pieces += 1
                        if kind is HomeworkKind.WRITTEN:
                            written += minutes
                            subjects_of[(k.id, day, subject.name)] += minutes
                timed: list[int] = []
                unfinished = 0
                count = rng.choice([0, 0, 2, 3, 5])
                cap = cap_for(caps_of(s), grade, day, cal).minutes
                for kid in kids[:count]:
                    if rng.random() < 0.15:
                        reports.append(
                            DailyReport(
                                child_id=kid.id, day=day, minutes=None, outcome="unfinished"
                            )
                        )
                        unfinished += 1
                        if cap is not None:  # unfinished counts as at least the cap (issue 11)
                            timed.append(cap)
                    else:
                        m = rng.randrange(10, 120)
                        timed.append(m)
                        reports.append(
                            DailyReport(child_id=kid.id, day=day, minutes=m, outcome="done")
                        )
                if s is other or not START <= day <= END or (pieces == 0 and count == 0):
                    continue
                expected[(k.id, day)] = {
                    "written": written,
                    "pieces": pieces,
                    "cap": cap,
                    "reports": count,
                    "timed": len(timed),
                    "median": median_minutes(timed),
                    "unfinished": unfinished,
                }
    session.add_all(reports)
    await session.flush()
    return a, b, other, expected, subjects_of, meta


async def test_evenings_match_python_over_a_range(sessionmaker: SessionMaker) -> None:
    rng = random.Random(6)
    async with sessionmaker() as session:
        a, b, other, expected, subjects_of, meta = await seed(session, rng)
        await session.commit()
        district = Scope.of_district(a.district_id)
        got_rows = await loads.evenings(session, district, START, END)
        streamed = [
            e async for e in streams.flatten(loads.evenings_batches(session, district, START, END))
        ]
        school_days = await loads.school_days(session, district, START, END)
        counts = await loads.class_counts(session, district, START, END)
        some_class = next(cid for cid, (s, k, _) in meta.items() if s is a and k.grade == 5)
        class_rows = await loads.evenings(session, Scope.of_class(some_class), START, END)
        grade_rows = await loads.evenings(session, Scope.of_grade(b.id, 4), START, END)
        subject_rows = await loads.subject_minutes(session, district, START, END)
        totals = await loads.subject_totals(session, Scope.of_school(a.id), START, END)
    got = {
        (e.class_id, e.day): {
            "written": e.written,
            "pieces": e.pieces,
            "cap": e.cap,
            "reports": e.reports,
            "timed": e.timed,
            "median": None
            if e.median is None
            else (int(e.median) if e.median.is_integer() else e.median),
            "unfinished": e.unfinished,
        }
        for e in got_rows
    }
    assert got == expected
    assert streamed == got_rows
    # The caps really differ: weekend cap 30, the holiday at 30, the make-up Sunday on 60.
    caps = {(meta[e.class_id][1].grade, e.day, e.school_id): e.cap for e in got_rows}
    assert caps.get((5, HOLIDAY, a.id), 30) == 30
    assert caps.get((5, MAKEUP, a.id), 60) == 60
    assert any(e.median is not None for e in got_rows)
    assert any(e.is_over for e in got_rows) and any(not e.is_over for e in got_rows)
    # Ordered by school, grade, class, day.
    order = [(e.school_id, e.grade, e.class_name, e.day) for e in got_rows]
    assert order == sorted(order)
    # Per school and day: the same counts as the rows.
    want_days: dict[tuple[int, date], list[int]] = defaultdict(lambda: [0, 0])
    for e in got_rows:
        want_days[(e.school_id, e.day)][0] += 1
        want_days[(e.school_id, e.day)][1] += int(e.is_over)
    assert {(d.school_id, d.day): [d.evenings, d.over] for d in school_days} == dict(want_days)
    classes: dict[int, set[int]] = defaultdict(set)
    over_classes: dict[int, set[int]] = defaultdict(set)
    for e in got_rows:
        classes[e.school_id].add(e.class_id)
        if e.is_over:
            over_classes[e.school_id].add(e.class_id)
    assert {s: (c.classes, c.over) for s, c in counts.items()} == {
        s: (len(ids), len(over_classes[s])) for s, ids in classes.items()
    }
    assert {e.class_id for e in class_rows} <= {some_class}
    assert class_rows == [e for e in got_rows if e.class_id == some_class]
    assert grade_rows == [e for e in got_rows if e.school_id == b.id and e.grade == 4]
    assert {(r.class_id, r.day, r.subject): r.minutes for r in subject_rows} == {
        key: m
        for key, m in subjects_of.items()
        if meta[key[0]][0] is not other and START <= key[1] <= END
    }
    want_totals: dict[str, int] = defaultdict(int)
    for (cid, day, subject), m in subjects_of.items():
        if meta[cid][0] is a and START <= day <= END:
            want_totals[subject] += m
    assert dict(totals) == dict(want_totals)
    assert [m for _, m in totals] == sorted((m for _, m in totals), reverse=True)


async def test_empty_range_and_scope(sessionmaker: SessionMaker) -> None:
    async with sessionmaker() as session:
        s = await world.school(session)
        await world.klass(session, s, 5, "5A")
        await session.commit()
        scope = Scope.of_school(s.id)
        assert await loads.evenings(session, scope, START, END) == []
        assert await loads.school_days(session, scope, START, END) == []
        assert await loads.subject_totals(session, scope, START, END) == []
        assert await complaints.complaint_figures(session, scope, START, END, NOW) == {}


def complaint(school: School, code: str, created: datetime, **values: object) -> Complaint:
    values.setdefault("deadline_at", created + timedelta(days=3))
    return Complaint(
        code=code,
        school_id=school.id,
        class_id=values.pop("class_id", None),
        complainant_id=values.pop("complainant_id", 4242),
        anonymous=values.pop("anonymous", True),
        category="total_load",
        text=f"text {code}",
        created_at=created,
        **values,
    )


async def test_complaint_figures_and_anonymity(sessionmaker: SessionMaker) -> None:
    async with sessionmaker() as session:
        s = await world.school(session, "A", "Asia/Shanghai")
        k = await world.klass(session, s, 5, "5A")
        await world.user(session, 4242, "Secret")
        await world.user(session, 4343, "Named")
        day = datetime(2026, 11, 10, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
        session.add_all(
            [
                # answered in time
                complaint(s, "C-1", day, responded_at=day + timedelta(days=1), class_id=k.id),
                # answered late
                complaint(s, "C-2", day, responded_at=day + timedelta(days=4)),
                # unanswered, deadline passed
                complaint(s, "C-3", day),
                # unanswered, not due yet
                complaint(s, "C-4", datetime(2026, 11, 22, 10, 0, tzinfo=UTC)),
                # filed 23 Nov local time (after the range): not counted
                complaint(s, "C-5", datetime(2026, 11, 22, 17, 0, tzinfo=UTC)),
                # named complainant
                complaint(s, "C-6", day, anonymous=False, complainant_id=4343, responded_at=day),
            ]
        )
        await session.commit()
        scope = Scope.of_school(s.id)
        figures = await complaints.complaint_figures(session, scope, START, END, NOW)
        rows = [
            r
            async for r in streams.flatten(
                complaints.complaints_batches(session, scope, START, END)
            )
        ]
        class_rows = [
            r
            async for r in streams.flatten(
                complaints.complaints_batches(session, Scope.of_class(k.id), START, END)
            )
        ]
    f = figures[s.id]
    assert (f.opened, f.answered, f.in_time, f.late) == (5, 3, 2, 2)
    assert f.in_time_share == 0.5
    assert [r.code for r in rows] == ["C-1", "C-2", "C-3", "C-6", "C-4"]
    assert {r.code: r.named_by for r in rows} == {
        "C-1": None,
        "C-2": None,
        "C-3": None,
        "C-4": None,
        "C-6": "Named",
    }
    assert "Secret" not in repr(rows)
    assert [r.code for r in class_rows] == ["C-1"]
