"""`python bot.py demo`: the seeded school, its idempotence, and the pure planning helpers."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.demo.data import (
    CHILD_NAMES,
    FAKE_ID_MIN,
    LOW_GRADE_TEMPLATES,
    SUBJECTS,
    TEACHERS,
    TEMPLATES,
)
from bot.demo.language import CHINESE, RUSSIAN
from bot.demo.planning import (
    class_roster,
    demo_classes,
    is_over_evening,
    plan_evening,
    plan_reports,
)
from bot.demo.seeding import UnusableUserId, run_demo
from bot.domain.load import HomeworkKind
from storage import repo
from storage.db import create_sessionmaker
from storage.models import (
    Assignment,
    AssignmentEvent,
    AssignmentLoad,
    Base,
    Child,
    DailyReport,
    District,
    ParentLink,
    School,
    SchoolClass,
    Subject,
    User,
)
from tests import harness

USER = 12345
NOW = datetime(2026, 3, 12, 10, 0, tzinfo=UTC)  # Thursday 18:00 in Shanghai
TODAY = date(2026, 3, 12)
FIRST_DAY, LAST_DAY = date(2026, 3, 2), date(2026, 3, 13)  # last week's Monday, this Friday
CAPS = {2: 0, 3: 60, 4: 60, 5: 60, 6: 60, 7: 90}


async def table_counts(engine: AsyncEngine) -> dict[str, int]:
    async with engine.connect() as conn:
        return {
            table.name: int(
                (await conn.execute(text(f'SELECT count(*) FROM "{table.name}"'))).scalar_one()
            )
            for table in Base.metadata.sorted_tables
        }


async def written_totals(engine: AsyncEngine) -> dict[tuple[str, int, date], int]:
    """Posted written minutes per (class name, grade, evening)."""
    async with create_sessionmaker(engine)() as session:
        rows = (
            await session.execute(
                select(
                    SchoolClass.name,
                    SchoolClass.grade,
                    AssignmentLoad.day,
                    func.sum(AssignmentLoad.minutes),
                )
                .join(Assignment, Assignment.id == AssignmentLoad.assignment_id)
                .join(SchoolClass, SchoolClass.id == AssignmentLoad.class_id)
                .where(Assignment.kind == HomeworkKind.WRITTEN, Assignment.status == "posted")
                .group_by(SchoolClass.name, SchoolClass.grade, AssignmentLoad.day)
            )
        ).all()
    return {(name, grade, day): int(m) for name, grade, day, m in rows}


async def test_demo_twice_gives_every_role_and_duplicates_nothing(
    database_url: str, engine: AsyncEngine
) -> None:
    settings = harness.test_settings(database_url=database_url, default_timezone="Asia/Shanghai")

    first = await run_demo(settings, USER, now=NOW)
    counts = await table_counts(engine)
    second = await run_demo(settings, USER, now=NOW)

    assert await table_counts(engine) == counts
    assert "this run added 1 district, 1 school, 10 classes" in first
    assert "added nothing" in second
    assert counts["assignments"] > 200
    assert counts["daily_reports"] > 500
    assert counts["report_events"] == counts["daily_reports"]
    for line in ("/help", "/me", "/homework", "/load", "/report", "/complain"):
        assert line in second

    async with create_sessionmaker(engine)() as session:
        roles = await repo.load_roles(session, USER, frozenset())
        children = await repo.children_of(session, USER)
        duplicates = (
            await session.execute(
                select(DailyReport.child_id, DailyReport.day)
                .group_by(DailyReport.child_id, DailyReport.day)
                .having(func.count() > 1)
            )
        ).all()
    assert roles.supervisor_districts
    assert roles.admin_schools
    assert roles.grade_leader == {(next(iter(roles.admin_schools)), 5)}
    assert roles.teacher_schools == roles.admin_schools
    assert roles.child_ids
    assert [(c.name, c.class_name) for c in children] == [("Lena", "5A")]
    assert duplicates == []

    totals = await written_totals(engine)
    over = [key for key, minutes in totals.items() if minutes > CAPS[key[1]]]
    assert len(over) >= 5
    assert any(grade == 7 for _, grade, _ in over)


async def test_demo_data_is_plausible_and_a_later_week_only_adds(
    database_url: str, engine: AsyncEngine
) -> None:
    settings = harness.test_settings(database_url=database_url, default_timezone="Asia/Shanghai")
    await run_demo(settings, USER, now=NOW)

    async with create_sessionmaker(engine)() as session:
        pieces = list(await session.scalars(select(Assignment)))
        reports = list(await session.scalars(select(DailyReport)))
        classes = {c.id: c for c in await session.scalars(select(SchoolClass))}
        class_sizes = Counter(await session.scalars(select(Child.class_id)))
        user_children = set(
            await session.scalars(select(ParentLink.child_id).where(ParentLink.parent_id == USER))
        )
        users = list(await session.scalars(select(User)))

    # Homework: last week's Monday to this Friday, every school day, every class.
    assert {p.evening for p in pieces} == {
        FIRST_DAY + timedelta(days=n) for n in range(12) if (FIRST_DAY + timedelta(n)).weekday() < 5
    }
    per_class_day = Counter((p.class_id, p.evening) for p in pieces)
    assert len(per_class_day) == len(classes) * 10
    assert all(1 <= n <= 6 for n in per_class_day.values())
    assert {p.kind for p in pieces} == set(HomeworkKind)
    assert all(p.status == "posted" for p in pieces)
    # Grade 2 only ever gets non-written work; the cap there is 0.
    assert all(p.kind != HomeworkKind.WRITTEN for p in pieces if classes[p.class_id].grade == 2)
    # The teacher-user posts Maths and Chinese in 5A and 5B, and nothing elsewhere.
    assert {classes[p.class_id].name for p in pieces if p.teacher_id == USER} == {"5A", "5B"}
    # One multi-day piece, spread over three school evenings.
    (multi,) = [p for p in pieces if p.due is not None]
    assert classes[multi.class_id].name == "5A"
    assert multi.evening == date(2026, 3, 11)  # the last evening before today
    assert multi.due == date(2026, 3, 16)
    async with create_sessionmaker(engine)() as session:
        loads = dict(
            (
                await session.execute(
                    select(AssignmentLoad.day, AssignmentLoad.minutes).where(
                        AssignmentLoad.assignment_id == multi.id
                    )
                )
            ).all()
        )
    assert loads == {date(2026, 3, 11): 20, date(2026, 3, 12): 20, date(2026, 3, 13): 20}
    # The evenings planned over the cap have their teachers' confirmations (what the monthly
    # report counts), and only those.
    async with create_sessionmaker(engine)() as session:
        confirmed = set(
            (
                await session.execute(
                    select(SchoolClass.name, Assignment.evening)
                    .select_from(AssignmentEvent)
                    .join(Assignment, Assignment.id == AssignmentEvent.assignment_id)
                    .join(SchoolClass, SchoolClass.id == Assignment.class_id)
                    .where(AssignmentEvent.over_limit == "confirmed")
                )
            ).all()
        )
    caps = {grade: 0 if grade <= 2 else 60 if grade <= 6 else 90 for grade in range(1, 10)}
    over = {
        (name, day)
        for (name, grade, day), m in (await written_totals(engine)).items()
        if m > caps[grade]
    }
    assert over and confirmed == over

    # Children: 20 per class (21 in 5A with the user's Lena).
    assert class_sizes == {cid: 21 if c.name == "5A" else 20 for cid, c in classes.items()}
    # Demo people cannot be messaged; the user can.
    fake = [u for u in users if u.id >= FAKE_ID_MIN]
    assert len(fake) == len(TEACHERS) + 200
    assert not any(u.reachable for u in fake)
    assert next(u for u in users if u.id == USER).reachable

    # Reports: past evenings with written homework only; 60-80% of children; a few unfinished.
    totals = await written_totals(engine)
    class_names = {cid: c.name for cid, c in classes.items()}
    child_class = {}
    async with create_sessionmaker(engine)() as session:
        child_class = dict((await session.execute(select(Child.id, Child.class_id))).all())
    assert all(r.day < TODAY for r in reports)
    assert all(
        totals.get(
            (class_names[child_class[r.child_id]], classes[child_class[r.child_id]].grade, r.day)
        )
        for r in reports
    )
    reported_evenings = {k for k in totals if k[2] < TODAY}
    expected = sum(20 for _ in reported_evenings)
    assert 0.55 * expected <= len(reports) <= 0.85 * expected
    unfinished = [r for r in reports if r.outcome == "unfinished"]
    assert unfinished
    assert all(r.minutes is None for r in unfinished)
    assert all(
        r.outcome == "done" and r.minutes and r.minutes % 5 == 0
        for r in reports
        if r not in unfinished
    )
    # Lena has a report for every past evening with written work but the latest one.
    lena_days = sorted(r.day for r in reports if r.child_id in user_children)
    fivea_days = sorted(k[2] for k in reported_evenings if k[0] == "5A")
    assert lena_days == fivea_days[:-1]
    assert all(r.reporter_id == USER for r in reports if r.child_id in user_children)

    # A week later: the new week's homework and reports are added, nothing is duplicated.
    before = await table_counts(engine)
    later = await run_demo(settings, USER, now=NOW + timedelta(days=7))
    after = await table_counts(engine)
    assert "added nothing" not in later
    assert after["assignments"] > before["assignments"]
    assert after["daily_reports"] > before["daily_reports"]
    for table in (
        "districts",
        "schools",
        "classes",
        "subjects",
        "users",
        "children",
        "memberships",
        "teaching",
    ):
        assert after[table] == before[table], table
    async with create_sessionmaker(engine)() as session:
        per_day = Counter(
            (r.class_id, r.evening, r.text) for r in await session.scalars(select(Assignment))
        )
    assert max(per_day.values()) == 1


@pytest.mark.parametrize("user_id", [0, -7, FAKE_ID_MIN, FAKE_ID_MIN + 100_001, 2**53])
async def test_ids_of_made_up_people_are_refused(user_id: int) -> None:
    settings = harness.test_settings(database_url="sqlite+aiosqlite:///never-created.sqlite3")
    with pytest.raises(UnusableUserId, match="not a usable Telegram user id"):
        await run_demo(settings, user_id, now=NOW)


# ---------------------------------------------------------------- pure planning


def test_classes_cover_the_grade_rules() -> None:
    assert [(g, n) for g, n, _ in demo_classes()] == [
        (2, 1),
        (3, 1),
        (3, 2),
        (4, 1),
        (4, 2),
        (5, 1),
        (5, 2),
        (6, 1),
        (6, 2),
        (7, 1),
    ]
    assert {name for _, _, name in demo_classes()} >= {"2A", "5A", "5B", "7A"}


def test_every_subject_used_is_a_preset_and_has_a_teacher() -> None:
    used = set(TEMPLATES) | {s for s, _ in LOW_GRADE_TEMPLATES}
    assert used <= set(SUBJECTS)
    taught = {s for t in TEACHERS for s in t.subjects}
    assert used <= taught
    assert all(t.id >= FAKE_ID_MIN for t in TEACHERS)


@pytest.mark.parametrize("class_name", ["2A", "5A", "5B", "7A"])
def test_roster_is_stable_unique_and_mixed(class_name: str) -> None:
    roster = class_roster(class_name)
    assert roster == class_roster(class_name)
    assert len(roster) == 20
    assert len({e.child for e in roster}) == 20
    assert "Lena" not in {e.child for e in roster}
    assert all(e.parent_name and e.parent_language in {"zh-hans", "ru", "en"} for e in roster)
    assert len(CHILD_NAMES) >= 40


def test_rosters_mix_name_styles() -> None:
    languages = Counter(e.parent_language for _, _, n in demo_classes() for e in class_roster(n))
    assert set(languages) == {"zh-hans", "ru", "en"}


def test_russian_mothers_take_the_feminine_family_name() -> None:
    for _, _, name in demo_classes():
        for entry in class_roster(name):
            if entry.parent_language == "ru":
                assert entry.parent_name.endswith(("a", "а")), entry


SCHOOL_DAYS = [date(2026, 3, 2) + timedelta(days=n) for n in range(28) if n % 7 < 5]


@pytest.mark.parametrize(("grade", "cap"), [(3, 60), (5, 60), (7, 90)])
def test_evenings_stay_within_the_cap_unless_planned_over(grade: int, cap: int) -> None:
    for day in SCHOOL_DAYS:
        for over in (False, True):
            pieces = plan_evening(f"{grade}A", grade, day, cap=cap, over=over)
            assert pieces == plan_evening(f"{grade}A", grade, day, cap=cap, over=over)
            assert 2 <= len(pieces) <= 5
            assert len({p.subject for p in pieces if p.text}) >= 2
            assert all(p.minutes >= 5 for p in pieces)
            written = sum(p.minutes for p in pieces if p.kind is HomeworkKind.WRITTEN)
            if over:
                assert cap + 10 <= written <= cap + 30
            else:
                assert written <= cap


def test_carried_minutes_count_against_the_cap() -> None:
    for day in SCHOOL_DAYS:
        pieces = plan_evening("5A", 5, day, cap=60, over=False, carried=20)
        assert sum(p.minutes for p in pieces if p.kind is HomeworkKind.WRITTEN) <= 40 or all(
            p.minutes == 5 for p in pieces if p.kind is HomeworkKind.WRITTEN
        )


def test_grades_one_and_two_get_no_written_work() -> None:
    for day in SCHOOL_DAYS:
        pieces = plan_evening("2A", 2, day, cap=0, over=True)
        assert 1 <= len(pieces) <= 2
        assert all(p.kind is not HomeworkKind.WRITTEN for p in pieces)


def test_each_class_has_an_over_evening_every_seven_school_days() -> None:
    for index in range(10):
        flags = [is_over_evening(index, d) for d in SCHOOL_DAYS[:7]]
        assert flags.count(True) == 1


def test_reports_are_deterministic_and_mostly_around_the_estimate() -> None:
    plans = plan_reports("5A", date(2026, 3, 4), 50, 2000)
    assert plans == plan_reports("5A", date(2026, 3, 4), 50, 2000)
    made = [p for p in plans if p is not None]
    assert 0.55 <= len(made) / len(plans) <= 0.85
    done = sorted(p.minutes for p in made if p.outcome == "done" and p.minutes is not None)
    assert 45 <= done[len(done) // 2] <= 65
    assert 0 < sum(p.outcome == "unfinished" for p in made) < 0.12 * len(made)
    assert all(p.minutes is None for p in made if p.outcome == "unfinished")


# ---------------------------------------------------------------- issue 14: the user's language

LATIN = re.compile(r"[A-Za-z]")


async def world_texts(engine: AsyncEngine) -> dict[str, list[str]]:
    """Every name and homework text the demo wrote, by kind."""
    async with create_sessionmaker(engine)() as session:
        return {
            "school": list(await session.scalars(select(School.name))),
            "district": list(await session.scalars(select(District.name))),
            "classes": list(await session.scalars(select(SchoolClass.name))),
            "subjects": list(await session.scalars(select(Subject.name))),
            "children": list(await session.scalars(select(Child.name))),
            "people": [
                " ".join(filter(None, (u.first_name, u.last_name)))
                for u in await session.scalars(select(User).where(User.id >= FAKE_ID_MIN))
            ],
            "homework": list(await session.scalars(select(Assignment.text))),
        }


@pytest.mark.parametrize(
    ("locale", "school", "child", "klass", "maths"),
    [
        ("zh_Hans", "示范区第一实验小学", "乐乐", "5年级1班", "数学"),
        ("ru", "Школа № 1", "Лена", "5А", "Математика"),
    ],
)
async def test_the_demo_speaks_the_users_language(
    database_url: str,
    engine: AsyncEngine,
    locale: str,
    school: str,
    child: str,
    klass: str,
    maths: str,
) -> None:
    """A Chinese (or Russian) user gets a Chinese (Russian) school: no 'Maths', no 'Chinese
    教师', no 'Demo School No. 1' in front of '5年级'; the plan is the same as in English."""
    settings = harness.test_settings(database_url=database_url, default_timezone="Asia/Shanghai")
    async with create_sessionmaker(engine)() as session:
        session.add(User(id=USER, first_name="Me", language_code=locale.replace("_", "-").lower()))
        await session.commit()
    summary = await run_demo(settings, USER, now=NOW)
    assert f"parent of {child} ({klass})" in summary
    texts = await world_texts(engine)
    assert texts["school"] == [school]
    assert maths in texts["subjects"] and "Maths" not in texts["subjects"]
    assert klass in texts["classes"]
    # Names and homework in the world's script only (the homework may cite "A-C" exercises).
    for kind in ("school", "district", "classes", "subjects", "children", "people"):
        assert [t for t in texts[kind] if LATIN.search(t)] == [], kind
    assert sum(1 for t in texts["homework"] if LATIN.search(t)) <= len(texts["homework"]) // 10
    async with create_sessionmaker(engine)() as session:
        children = await repo.children_of(session, USER)
    assert [(c.name, c.class_name) for c in children] == [(child, klass)]
    assert "added nothing" in await run_demo(settings, USER, now=NOW)


async def test_the_language_can_be_chosen_on_the_command_line(
    database_url: str, engine: AsyncEngine
) -> None:
    settings = harness.test_settings(database_url=database_url, default_timezone="Asia/Shanghai")
    await run_demo(settings, USER, now=NOW, locale="zh_Hans")
    texts = await world_texts(engine)
    assert texts["school"] == ["示范区第一实验小学"]
    assert "Demo School No. 1" not in texts["school"]


def test_every_template_has_its_translation() -> None:
    templates = [t.text for ts in TEMPLATES.values() for t in ts]
    templates += [t.text for _s, t in LOW_GRADE_TEMPLATES]
    for world in (CHINESE, RUSSIAN):
        assert all(world.text(t) != t for t in templates)
        assert set(world.subjects) >= set(SUBJECTS)
        assert len(world.people) >= 20


async def test_worlds_in_two_languages_share_a_database_not_people(
    database_url: str, engine: AsyncEngine
) -> None:
    settings = harness.test_settings(database_url=database_url, default_timezone="Asia/Shanghai")
    await run_demo(settings, USER, now=NOW, locale="zh_Hans")
    await run_demo(settings, USER, now=NOW, locale="ru")
    async with create_sessionmaker(engine)() as session:
        per_school = dict(
            (
                await session.execute(
                    select(School.name, func.count(Child.id))
                    .join(SchoolClass, SchoolClass.school_id == School.id)
                    .join(Child, Child.class_id == SchoolClass.id)
                    .group_by(School.name)
                )
            ).all()
        )
    assert per_school == {"示范区第一实验小学": 10 * 20 + 1, "Школа № 1": 10 * 20 + 1}
