"""`python bot.py demo --user ID`: a sample school in which one Telegram user holds every role.

Idempotent: everything is looked up by its natural key before it is created (district and
school names, class and subject names, the reserved fake user ids, a class-evening's planned
homework texts, a child's report for a day), and every random choice comes from a generator
seeded with that key, so a second run adds nothing (a run in a later week adds that week).

The seeded names and homework texts are data of a sample school, not UI, so they are not
translated; the returned summary is command-line output, in English.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.domain.calendar import SchoolCalendar, local_today
from bot.domain.homework import HomeworkStatus
from bot.domain.load import Caps, HomeworkKind, cap_for, evenings_for, spread_minutes
from bot.domain.naming import class_names
from bot.domain.presets import SUBJECT_PRESETS
from bot.domain.roles import Role
from storage import repo
from storage.db import create_engine, create_sessionmaker
from storage.homework import calendar_of, caps_of, create_assignment
from storage.models import (
    Assignment,
    AssignmentLoad,
    Child,
    DailyReport,
    District,
    Membership,
    ParentLink,
    ReportEvent,
    School,
    Subject,
    User,
)

DISTRICT_NAME = "Demo District"
SCHOOL_NAME = "Demo School No. 1"
CLASS_LOCALE = "en"
SUBJECTS = SUBJECT_PRESETS["en"]

FAKE_ID_MIN = 9_100_000_000
"""Reserved Telegram ids for demo people who are not on Telegram (marked unreachable)."""
FAKE_ID_MAX = 9_100_999_999
PARENT_ID_BASE = 9_100_100_000

CHILDREN_PER_CLASS = 20
USER_CHILD = "Lena"
USER_CHILD_CLASS = "5A"
USER_CLASSES = ("5A", "5B")
USER_SUBJECTS = ("Maths", "Chinese")
LEADER_GRADE = 5
MULTI_DAY_CLASS = "5A"


def demo_classes() -> list[tuple[int, int, str]]:
    """(grade, number within the grade, name): one class in grade 2 (no written homework),
    two in each of grades 3-6 (primary cap) and one in grade 7 (junior middle cap)."""
    names = (
        class_names(CLASS_LOCALE, 2, 2, 1)
        + class_names(CLASS_LOCALE, 3, 6, 2)
        + class_names(CLASS_LOCALE, 7, 7, 1)
    )
    numbered: list[tuple[int, int, str]] = []
    for grade, name in names:
        numbered.append((grade, sum(1 for g, _, _ in numbered if g == grade) + 1, name))
    return numbered


# ---------------------------------------------------------------- people


@dataclass(frozen=True)
class DemoTeacher:
    id: int
    first_name: str
    last_name: str | None
    language_code: str
    subjects: tuple[str, ...]


TEACHERS = (
    DemoTeacher(FAKE_ID_MIN + 1, "王芳", None, "zh-hans", ("Maths",)),
    DemoTeacher(FAKE_ID_MIN + 2, "李娜", None, "zh-hans", ("Chinese",)),
    DemoTeacher(FAKE_ID_MIN + 3, "Emily", "Carter", "en", ("English",)),
    DemoTeacher(
        FAKE_ID_MIN + 4,
        "Ivan",
        "Sokolov",
        "ru",
        ("Science", "Morality and Law", "History", "Geography", "Biology"),
    ),
)


class NameStyle(StrEnum):
    PINYIN = "pinyin"  # family name first, Latin letters
    HANZI = "hanzi"  # family name first, no space
    RU_LATIN = "ru_latin"
    RU_CYRILLIC = "ru_cyrillic"
    EN = "en"


# (style, given name, family name)
CHILD_NAMES: tuple[tuple[NameStyle, str, str], ...] = (
    *(
        (NameStyle.PINYIN, given, family)
        for family, given in (
            ("Wang", "Haoran"),
            ("Li", "Yutong"),
            ("Zhang", "Zihan"),
            ("Liu", "Xinyi"),
            ("Chen", "Yichen"),
            ("Yang", "Muchen"),
            ("Zhao", "Ruoxi"),
            ("Huang", "Jiayi"),
            ("Zhou", "Zirui"),
            ("Wu", "Yuxuan"),
            ("Xu", "Haoyu"),
            ("Sun", "Shiyu"),
            ("Ma", "Yinuo"),
            ("Zhu", "Siyuan"),
            ("Hu", "Jingyi"),
            ("Guo", "Tianyou"),
        )
    ),
    *(
        (NameStyle.HANZI, given, family)
        for family, given in (
            ("王", "子涵"),
            ("李", "欣怡"),
            ("张", "浩然"),
            ("刘", "梓睿"),
            ("陈", "雨桐"),
            ("杨", "一诺"),
            ("赵", "思远"),
            ("黄", "佳怡"),
            ("周", "语桐"),
            ("吴", "宇轩"),
            ("徐", "沐宸"),
            ("孙", "诗雨"),
        )
    ),
    (NameStyle.RU_LATIN, "Masha", "Ivanova"),
    (NameStyle.RU_LATIN, "Sasha", "Petrov"),
    (NameStyle.RU_LATIN, "Dasha", "Smirnova"),
    (NameStyle.RU_LATIN, "Artyom", "Kuznetsov"),
    (NameStyle.RU_LATIN, "Polina", "Sokolova"),
    (NameStyle.RU_LATIN, "Egor", "Morozov"),
    (NameStyle.RU_LATIN, "Alyona", "Popova"),
    (NameStyle.RU_LATIN, "Timur", "Volkov"),
    (NameStyle.RU_CYRILLIC, "Ваня", "Орлов"),
    (NameStyle.RU_CYRILLIC, "Ксюша", "Волкова"),
    (NameStyle.RU_CYRILLIC, "Миша", "Лебедев"),
    (NameStyle.RU_CYRILLIC, "Соня", "Новикова"),
    (NameStyle.EN, "Lily", "Carter"),
    (NameStyle.EN, "Oliver", "Smith"),
    (NameStyle.EN, "Emma", "Brown"),
    (NameStyle.EN, "Noah", "Wilson"),
    (NameStyle.EN, "Chloe", "Taylor"),
    (NameStyle.EN, "Leo", "Johnson"),
    (NameStyle.EN, "Grace", "Evans"),
    (NameStyle.EN, "Max", "Turner"),
    (NameStyle.EN, "Sophie", "Hall"),
    (NameStyle.EN, "Jack", "Green"),
)

PARENT_GIVEN: dict[NameStyle, tuple[str, ...]] = {
    NameStyle.PINYIN: ("Jun", "Li", "Wei", "Min", "Qiang", "Yan"),
    NameStyle.HANZI: ("军", "丽", "伟", "敏", "强", "燕"),
    NameStyle.RU_LATIN: ("Olga", "Elena", "Anna", "Irina", "Natalia"),  # mothers
    NameStyle.RU_CYRILLIC: ("Ольга", "Елена", "Анна", "Ирина"),  # mothers
    NameStyle.EN: ("Sarah", "David", "Laura", "James", "Helen", "Mark"),
}

LANGUAGE_OF_STYLE = {
    NameStyle.PINYIN: "zh-hans",
    NameStyle.HANZI: "zh-hans",
    NameStyle.RU_LATIN: "ru",
    NameStyle.RU_CYRILLIC: "ru",
    NameStyle.EN: "en",
}


def _full_name(style: NameStyle, given: str, family: str) -> str:
    if style is NameStyle.HANZI:
        return family + given
    if style is NameStyle.PINYIN:
        return f"{family} {given}"
    return f"{given} {family}"


def _feminine(family: str) -> str:
    """Ivanov -> Ivanova, Лебедев -> Лебедева (the parents of Russian children are mothers)."""
    if family.endswith(("a", "а")):
        return family
    return family + ("а" if family[-1] >= "\u0400" else "a")


@dataclass(frozen=True)
class RosterEntry:
    child: str
    parent_name: str
    parent_language: str


def class_roster(class_name: str, count: int = CHILDREN_PER_CLASS) -> list[RosterEntry]:
    """A class's children with one parent each; the same for the same class name, always."""
    rng = random.Random(f"roster|{class_name}")
    roster = []
    for style, given, family in rng.sample(CHILD_NAMES, count):
        adult = rng.choice(PARENT_GIVEN[style])
        mother = _feminine(family) if style in (NameStyle.RU_LATIN, NameStyle.RU_CYRILLIC) else ""
        roster.append(
            RosterEntry(
                child=_full_name(style, given, family),
                parent_name=_full_name(style, adult, mother or family),
                parent_language=LANGUAGE_OF_STYLE[style],
            )
        )
    return roster


def parent_id(grade: int, number: int, slot: int) -> int:
    """The reserved fake id of the parent of the `slot`-th (0-based) child of a class."""
    return PARENT_ID_BASE + grade * 10_000 + number * 100 + slot + 1


# ---------------------------------------------------------------- homework


@dataclass(frozen=True)
class Template:
    kind: HomeworkKind
    text: str
    minutes: tuple[int, ...]


Kind = HomeworkKind

TEMPLATES: dict[str, tuple[Template, ...]] = {
    "Maths": (
        Template(Kind.WRITTEN, "Workbook p. {page}: exercises 1-6", (15, 20)),
        Template(Kind.WRITTEN, "Practice sheet {lesson}: word problems 1-5", (15, 20, 25)),
        Template(Kind.ORAL, "Explain today's word problem to someone at home", (10,)),
        Template(Kind.PRACTICAL, "Measure five things at home and write down their lengths", (15,)),
    ),
    "Chinese": (
        Template(Kind.WRITTEN, "Copy the new characters of lesson {lesson} twice each", (15, 20)),
        Template(Kind.WRITTEN, "Write a diary entry of about 150 characters", (20, 25)),
        Template(Kind.READING, "Read lesson {lesson} aloud twice", (10, 15)),
        Template(Kind.ORAL, "Recite the poem of lesson {lesson}", (10,)),
    ),
    "English": (
        Template(Kind.WRITTEN, "Workbook Unit {unit}: exercises A-C", (15, 20)),
        Template(Kind.READING, "Read the Unit {unit} story and underline the new words", (10, 15)),
        Template(Kind.ORAL, "Practise the Unit {unit} dialogue aloud", (10,)),
        # Trips two negative-list hints on purpose, so the text check has something to show.
        Template(
            Kind.WRITTEN, "Copy each new word of Unit {unit} five times, signed by a parent", (20,)
        ),
    ),
    "Science": (
        Template(Kind.PRACTICAL, "Water your bean seed and draw how it has changed", (10, 15)),
        Template(Kind.WRITTEN, "Answer questions 1-3 on p. {page}", (10, 15)),
    ),
    "Morality and Law": (
        Template(Kind.READING, "Read pp. {page}-{page2} about rules at home and at school", (10,)),
        Template(Kind.OTHER, "Help cook dinner and tell the class tomorrow what you did", (20,)),
    ),
    "History": (
        Template(Kind.READING, "Read pp. {page}-{page2} about the Qin dynasty", (15,)),
        Template(Kind.WRITTEN, "Draw a timeline of the Warring States period", (20, 25)),
    ),
    "Geography": (Template(Kind.WRITTEN, "Label the provinces on the blank map", (15, 20)),),
    "Biology": (
        Template(Kind.PRACTICAL, "Collect three different leaves and describe their shapes", (15,)),
        Template(Kind.WRITTEN, "Answer the review questions on p. {page}", (15, 20)),
    ),
}
LOW_GRADE_TEMPLATES: tuple[tuple[str, Template], ...] = (
    ("Chinese", Template(Kind.READING, "Read lesson {lesson} aloud to a parent", (10,))),
    ("English", Template(Kind.ORAL, "Sing the Unit {unit} song", (5, 10))),
    ("Maths", Template(Kind.ORAL, "Count the stairs at home, up and down", (5, 10))),
)
CORE = ("Chinese", "Maths", "English")
EXTRAS_PRIMARY = ("Science", "Morality and Law")
EXTRAS_JUNIOR = ("History", "Geography", "Biology", "Morality and Law")
EXTRA_PRACTICE = "Extra practice: finish the mistakes of this week's tests"
MULTI_DAY_SUBJECT = "Chinese"
MULTI_DAY_TEXT = "Essay: My favourite season (about 400 characters)"
MULTI_DAY_MINUTES = 60
MULTI_DAY_EVENINGS = 3


@dataclass(frozen=True)
class PlannedPiece:
    subject: str
    kind: HomeworkKind
    text: str
    minutes: int
    due: date | None = None


def _school_day_number(day: date) -> int:
    """Counts Mondays to Fridays, so a pattern over it repeats every few school days."""
    year, week, weekday = day.isocalendar()
    return (year * 53 + week) * 5 + min(weekday, 5)


def is_over_evening(class_index: int, day: date) -> bool:
    """Evenings planned over the cap: one in every seven school days of each class."""
    return (_school_day_number(day) + class_index * 3) % 7 == 0


def _format(text: str, day: date) -> str:
    lesson = day.isocalendar()[1] % 20 + 1
    page = 10 + day.toordinal() % 80
    return text.format(lesson=lesson, unit=lesson // 2 + 1, page=page, page2=page + 3)


def plan_evening(
    class_name: str, grade: int, day: date, *, cap: int | None, over: bool, carried: int = 0
) -> list[PlannedPiece]:
    """2-4 pieces of varied subjects and kinds for one class on one evening.

    `carried` is the written minutes already on this evening from multi-day pieces. With a
    cap of 0 (grades 1-2) only non-written pieces are planned. Otherwise the written total
    is trimmed to the cap, or, when `over`, made of written pieces 10-30 minutes above it
    (topped up with an extra practice sheet when they fall short).
    """
    rng = random.Random(f"homework|{class_name}|{day.isoformat()}")
    if cap == 0:
        chosen = rng.sample(LOW_GRADE_TEMPLATES, rng.choice((1, 2)))
        return [
            PlannedPiece(s, t.kind, _format(t.text, day), rng.choice(t.minutes)) for s, t in chosen
        ]
    count = rng.choice((3, 4) if over else (2, 3, 3, 4))
    extras = EXTRAS_JUNIOR if grade >= 7 else EXTRAS_PRIMARY
    subjects = rng.sample(CORE, min(count, 3)) + rng.sample(extras, max(0, count - 3))
    scale = 1.5 if grade >= 7 else 1.0
    pieces = []
    for subject in subjects:
        templates = TEMPLATES[subject]
        if over:  # a heavy evening: written work wherever the subject has some
            templates = tuple(t for t in templates if t.kind is Kind.WRITTEN) or templates
        template = rng.choice(templates)
        minutes = round(rng.choice(template.minutes) * scale / 5) * 5
        pieces.append(PlannedPiece(subject, template.kind, _format(template.text, day), minutes))
    if cap is None:
        return pieces
    written = [i for i, p in enumerate(pieces) if p.kind is Kind.WRITTEN]
    total = carried + sum(pieces[i].minutes for i in written)
    target = cap + rng.choice((10, 15, 20, 25, 30)) if over else cap
    if total < target and over:
        pieces.append(PlannedPiece("Maths", Kind.WRITTEN, EXTRA_PRACTICE, target - total))
    excess = total - target
    for i in sorted(written, key=lambda i: -pieces[i].minutes):
        if excess <= 0:
            break
        cut = min(excess, pieces[i].minutes - 5)
        pieces[i] = replace(pieces[i], minutes=pieces[i].minutes - cut)
        excess -= cut
    return pieces


# ---------------------------------------------------------------- reports


@dataclass(frozen=True)
class PlannedReport:
    minutes: int | None
    outcome: str  # done | unfinished


def plan_reports(
    class_name: str, day: date, written_minutes: int, slots: int
) -> list[PlannedReport | None]:
    """For each of `slots` children, their parent's report for the evening or None.

    About 60-80% report; the time is around the estimate with noise (usually a bit more);
    a few did not finish. Every child draws the same numbers whatever was stored before.
    """
    rng = random.Random(f"reports|{class_name}|{day.isoformat()}")
    rate = rng.uniform(0.6, 0.8)
    plans: list[PlannedReport | None] = []
    for _ in range(slots):
        reports, unfinished, factor = rng.random() < rate, rng.random() < 0.06, rng.gauss(1.1, 0.3)
        if not reports:
            plans.append(None)
        elif unfinished:
            plans.append(PlannedReport(None, "unfinished"))
        else:
            minutes = max(5, min(600, round(written_minutes * max(factor, 0.3) / 5) * 5))
            plans.append(PlannedReport(minutes, "done"))
    return plans


# ---------------------------------------------------------------- seeding


NOUNS = {
    "district": ("district", "districts"),
    "school": ("school", "schools"),
    "classes": ("class", "classes"),
    "subjects": ("subject", "subjects"),
    "users": ("user", "users"),
    "memberships": ("role", "roles"),
    "teaching": ("class-subject pair taught", "class-subject pairs taught"),
    "children": ("child", "children"),
    "homework": ("homework piece", "homework pieces"),
    "reports": ("parent's report", "parents' reports"),
}


@dataclass
class Added:
    """What one run created, by kind (keys of `NOUNS`)."""

    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def add(self, what: str, n: int = 1) -> None:
        self.counts[what] += n

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def describe(self) -> str:
        return ", ".join(f"{n} {NOUNS[what][n != 1]}" for what, n in self.counts.items() if n)


class UnusableUserId(ValueError):
    """The id given for the demo's user cannot be a real person's Telegram id."""


async def run_demo(settings: Settings, user_id: int, *, now: datetime | None = None) -> str:
    """Seed the demo school for `user_id` (idempotently) and say what exists and what to try."""
    if not 0 < user_id < 2**52 or FAKE_ID_MIN <= user_id <= FAKE_ID_MAX:
        raise UnusableUserId(
            f"{user_id} is not a usable Telegram user id (ids {FAKE_ID_MIN}-{FAKE_ID_MAX} are "
            "reserved for the demo's made-up people)"
        )
    now = now or datetime.now(UTC)
    engine = create_engine(settings.database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            seeder = Seeder(session, settings, user_id, now)
            await seeder.seed()
            await session.commit()
            return await seeder.summary()
    finally:
        await engine.dispose()


class Seeder:
    """One run of the demo in one session; each step looks up before it creates."""

    def __init__(
        self, session: AsyncSession, settings: Settings, user_id: int, now: datetime
    ) -> None:
        self.session = session
        self.settings = settings
        self.user_id = user_id
        self.now = now
        self.added = Added()

    async def seed(self) -> None:
        await self.school_structure()
        await self.people()
        await self.memberships()
        await self.children()
        await self.homework()
        await self.reports()

    # -- district, school, classes, subjects

    async def school_structure(self) -> None:
        s = self.session
        district = await s.scalar(
            select(District).where(District.name == DISTRICT_NAME).order_by(District.id).limit(1)
        )
        if district is None:
            district = await repo.create_district(s, DISTRICT_NAME)
            self.added.add("district")
        school = await s.scalar(
            select(School)
            .where(School.district_id == district.id, School.name == SCHOOL_NAME)
            .order_by(School.id)
            .limit(1)
        )
        if school is None:
            school = await repo.create_school(
                s, district.id, SCHOOL_NAME, self.settings.default_timezone
            )
            caps = Caps.cn_double_reduction()
            school.policy_preset = "cn_double_reduction"
            school.cap_primary_low, school.cap_primary = caps.primary_low, caps.primary
            school.cap_junior, school.cap_senior = caps.junior, caps.senior
            school.cap_non_school_day = caps.non_school_day
            await s.flush()
            self.added.add("school")
        self.district, self.school = district, school
        classes = demo_classes()
        self.added.add(
            "classes", await repo.add_classes(s, school.id, [(g, n) for g, _, n in classes])
        )
        self.added.add("subjects", await repo.add_subjects(s, school.id, list(SUBJECTS)))
        by_name = {c.name: c for c in await repo.classes_of(s, school.id)}
        self.classes = [(by_name[name], number) for _, number, name in classes]
        self.class_by_name = {c.name: c for c, _ in self.classes}
        self.subject_ids = {x.name: x.id for x in await repo.subjects_of(s, school.id)}
        self.calendar: SchoolCalendar = await calendar_of(s, school)
        self.caps = caps_of(school)
        self.today = local_today(school.timezone, self.now)

    # -- users

    def teacher_of(self, class_name: str, subject: str) -> int:
        if class_name in USER_CLASSES and subject in USER_SUBJECTS:
            return self.user_id
        return next(t.id for t in TEACHERS if subject in t.subjects)

    async def people(self) -> None:
        wanted: dict[int, User] = {
            t.id: User(
                id=t.id,
                first_name=t.first_name,
                last_name=t.last_name,
                language_code=t.language_code,
                reachable=False,
            )
            for t in TEACHERS
        }
        self.rosters: dict[int, list[tuple[int, RosterEntry]]] = {}
        for klass, number in self.classes:
            entries = [
                (parent_id(klass.grade, number, slot), entry)
                for slot, entry in enumerate(class_roster(klass.name))
            ]
            self.rosters[klass.id] = entries
            for pid, entry in entries:
                wanted[pid] = User(
                    id=pid,
                    first_name=entry.parent_name,
                    language_code=entry.parent_language,
                    reachable=False,
                )
        wanted.setdefault(self.user_id, User(id=self.user_id, first_name="", reachable=True))
        existing = set(await self.session.scalars(select(User.id).where(User.id.in_(wanted))))
        new = [u for uid, u in wanted.items() if uid not in existing]
        self.session.add_all(new)
        await self.session.flush()
        self.added.add("users", len(new))

    async def memberships(self) -> None:
        s, school = self.session, self.school
        grants: list[tuple[int, Role, dict[str, int]]] = [
            (self.user_id, Role.SUPERVISOR, {"district_id": self.district.id}),
            (self.user_id, Role.SCHOOL_ADMIN, {"school_id": school.id}),
            (self.user_id, Role.GRADE_LEADER, {"school_id": school.id, "grade": LEADER_GRADE}),
            (self.user_id, Role.TEACHER, {"school_id": school.id}),
            *((t.id, Role.TEACHER, {"school_id": school.id}) for t in TEACHERS),
        ]
        for uid, role, scope in grants:
            if await repo.add_membership(s, uid, role, **scope):
                self.added.add("memberships")
        teaching: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for klass, _ in self.classes:
            for subject in self.subjects_for(klass.grade):
                teaching[self.teacher_of(klass.name, subject)].append(
                    (klass.id, self.subject_ids[subject])
                )
        for uid, pairs in teaching.items():
            self.added.add("teaching", await repo.add_teaching(s, uid, pairs))
        await s.flush()

    @staticmethod
    def subjects_for(grade: int) -> tuple[str, ...]:
        return CORE + (EXTRAS_JUNIOR if grade >= 7 else EXTRAS_PRIMARY)

    async def children(self) -> None:
        s = self.session
        parent_ids = [pid for entries in self.rosters.values() for pid, _ in entries]
        linked = set(
            await s.scalars(
                select(ParentLink.parent_id).where(ParentLink.parent_id.in_(parent_ids))
            )
        )
        todo = [
            (pid, Child(class_id=class_id, name=entry.child))
            for class_id, entries in self.rosters.items()
            for pid, entry in entries
            if pid not in linked
        ]
        s.add_all(child for _, child in todo)
        await s.flush()
        s.add_all(ParentLink(parent_id=pid, child_id=child.id) for pid, child in todo)
        self.added.add("children", len(todo))
        lena_class = self.class_by_name[USER_CHILD_CLASS]
        had_lena = await s.scalar(
            select(func.count())
            .select_from(ParentLink)
            .join(Child, Child.id == ParentLink.child_id)
            .where(
                ParentLink.parent_id == self.user_id,
                Child.class_id == lena_class.id,
                Child.name == USER_CHILD,
            )
        )
        self.lena = await repo.link_child(s, self.user_id, lena_class.id, USER_CHILD)
        if not had_lena:
            self.added.add("children")
        await s.flush()

    # -- homework

    def days(self) -> list[date]:
        """School days from the Monday of last week to the Friday of this week."""
        monday = self.today - timedelta(days=self.today.weekday())
        return self.calendar.school_days_between(monday - timedelta(days=7), monday + timedelta(4))

    def cap_minutes(self, grade: int, day: date) -> int | None:
        return cap_for(self.caps, grade, day, self.calendar).minutes

    async def homework(self) -> None:
        s, days = self.session, self.days()
        if not days:
            return
        class_ids = [c.id for c, _ in self.classes]
        seeded = set(
            (
                await s.execute(
                    select(Assignment.class_id, Assignment.evening, Assignment.text).where(
                        Assignment.class_id.in_(class_ids), Assignment.evening.in_(days)
                    )
                )
            ).all()
        )
        past = [d for d in days if d < self.today]
        multi_start = past[-1] if past else days[0]
        multi_due = self.calendar.add_school_days(multi_start, MULTI_DAY_EVENINGS)
        multi_loads = spread_minutes(
            MULTI_DAY_MINUTES, evenings_for(self.calendar, multi_start, multi_due)
        )
        tz = ZoneInfo(self.school.timezone)
        for index, (klass, _) in enumerate(self.classes):
            for day in days:
                pieces: list[PlannedPiece] = []
                carried = 0
                if klass.name == MULTI_DAY_CLASS:
                    carried = multi_loads.get(day, 0)
                    if day == multi_start:
                        pieces.append(
                            PlannedPiece(
                                MULTI_DAY_SUBJECT,
                                Kind.WRITTEN,
                                MULTI_DAY_TEXT,
                                MULTI_DAY_MINUTES,
                                multi_due,
                            )
                        )
                pieces += plan_evening(
                    klass.name,
                    klass.grade,
                    day,
                    cap=self.cap_minutes(klass.grade, day),
                    over=is_over_evening(index, day),
                    carried=carried,
                )
                if any((klass.id, day, p.text) in seeded for p in pieces):
                    continue
                posted_at = min(self.now, datetime.combine(day, time(12, 30), tz).astimezone(UTC))
                for order, piece in enumerate(pieces):
                    loads = (
                        multi_loads
                        if piece.due is not None
                        else spread_minutes(piece.minutes, [day])
                    )
                    assignment = await create_assignment(
                        s,
                        klass=klass,
                        subject_id=self.subject_ids[piece.subject],
                        teacher_id=self.teacher_of(klass.name, piece.subject),
                        text=piece.text,
                        photo_file_id=None,
                        kind=piece.kind,
                        minutes=piece.minutes,
                        evening=day,
                        due=piece.due,
                        loads=loads,
                        status=HomeworkStatus.POSTED,
                    )
                    stamp = posted_at + timedelta(minutes=order)
                    assignment.created_at = assignment.updated_at = min(stamp, self.now)
                    self.added.add("homework")
        await s.flush()

    # -- parents' reports

    async def written_totals(self, days: Iterable[date]) -> dict[tuple[int, date], int]:
        """Posted written minutes per (class, evening) of the demo classes."""
        rows = (
            await self.session.execute(
                select(
                    AssignmentLoad.class_id, AssignmentLoad.day, func.sum(AssignmentLoad.minutes)
                )
                .join(Assignment, Assignment.id == AssignmentLoad.assignment_id)
                .where(
                    AssignmentLoad.class_id.in_([c.id for c, _ in self.classes]),
                    AssignmentLoad.day.in_(list(days)),
                    Assignment.kind == HomeworkKind.WRITTEN,
                    Assignment.status == HomeworkStatus.POSTED,
                )
                .group_by(AssignmentLoad.class_id, AssignmentLoad.day)
            )
        ).all()
        return {(c, d): int(m) for c, d, m in rows}

    async def reports(self) -> None:
        s = self.session
        past = [d for d in self.days() if d < self.today]
        if not past:
            return
        totals = await self.written_totals(past)
        children = {
            pid: cid
            for pid, cid in (
                await s.execute(
                    select(ParentLink.parent_id, ParentLink.child_id).where(
                        ParentLink.parent_id.in_(
                            [pid for entries in self.rosters.values() for pid, _ in entries]
                        )
                    )
                )
            ).all()
        }
        all_children = [*children.values(), self.lena.id]
        existing = set(
            (
                await s.execute(
                    select(DailyReport.child_id, DailyReport.day).where(
                        DailyReport.child_id.in_(all_children), DailyReport.day.in_(past)
                    )
                )
            ).all()
        )
        tz = ZoneInfo(self.school.timezone)
        new: list[DailyReport] = []
        for klass, _ in self.classes:
            reporters = [(pid, children.get(pid)) for pid, _ in self.rosters[klass.id]]
            if klass.id == self.lena.class_id:
                reporters.append((self.user_id, self.lena.id))
            for day in past:
                written = totals.get((klass.id, day), 0)
                if written == 0:
                    continue
                plans = plan_reports(klass.name, day, written, len(reporters))
                if klass.id == self.lena.class_id and day != past[-1]:
                    # Lena's parent (the user) reported every evening but the last, left for
                    # them to try /report; around the estimate, a little over.
                    plans[-1] = PlannedReport(max(5, round(written * 1.2 / 5) * 5), "done")
                elif klass.id == self.lena.class_id:
                    plans[-1] = None
                at = datetime.combine(day, time(20, 45), tz).astimezone(UTC)
                for (pid, child_id), plan in zip(reporters, plans, strict=True):
                    if plan is None or child_id is None or (child_id, day) in existing:
                        continue
                    new.append(
                        DailyReport(
                            child_id=child_id,
                            day=day,
                            minutes=plan.minutes,
                            outcome=plan.outcome,
                            reporter_id=pid,
                            created_at=at,
                            updated_at=at,
                        )
                    )
        s.add_all(new)
        await s.flush()
        s.add_all(
            ReportEvent(
                report_id=r.id,
                reporter_id=r.reporter_id,
                minutes=r.minutes,
                outcome=r.outcome,
                created_at=r.created_at,
            )
            for r in new
        )
        await s.flush()
        self.added.add("reports", len(new))

    # -- summary

    async def summary(self) -> str:
        s, school = self.session, self.school
        class_ids = [c.id for c, _ in self.classes]
        days = self.days()

        async def count(query: object) -> int:
            return int(await s.scalar(query) or 0)  # type: ignore[call-overload]

        teachers = await count(
            select(func.count(func.distinct(Membership.user_id))).where(
                Membership.school_id == school.id, Membership.role == Role.TEACHER
            )
        )
        n_children = await count(
            select(func.count()).select_from(Child).where(Child.class_id.in_(class_ids))
        )
        n_parents = await count(
            select(func.count(func.distinct(ParentLink.parent_id)))
            .join(Child, Child.id == ParentLink.child_id)
            .where(Child.class_id.in_(class_ids))
        )
        n_homework = await count(
            select(func.count())
            .select_from(Assignment)
            .where(Assignment.class_id.in_(class_ids), Assignment.status == HomeworkStatus.POSTED)
        )
        n_reports = await count(
            select(func.count())
            .select_from(DailyReport)
            .join(Child, Child.id == DailyReport.child_id)
            .where(Child.class_id.in_(class_ids))
        )
        n_subjects = await count(
            select(func.count()).select_from(Subject).where(Subject.school_id == school.id)
        )
        grade_of = {c.id: c.grade for c, _ in self.classes}
        over = [
            (class_id, day)
            for (class_id, day), minutes in (await self.written_totals(days)).items()
            if (cap := self.cap_minutes(grade_of[class_id], day)) is not None and minutes > cap
        ]
        grades = sorted({c.grade for c, _ in self.classes})
        user_classes = " and ".join(USER_CLASSES)
        user_subjects = " and ".join(USER_SUBJECTS)
        added = self.added
        if added.total:
            done = "Demo data is ready; this run added " + added.describe()
        else:
            done = "Demo data was already there; this run added nothing"
        span = f"{days[0]:%a %d %b} - {days[-1]:%a %d %b %Y}" if days else "no school days"
        return "\n".join(
            [
                f"{done}.",
                "",
                f"{school.name} ({self.district.name}), time zone {school.timezone}, "
                f"CN double-reduction caps ({self.caps.primary} min for grades 3-6, "
                f"{self.caps.junior} min for grade 7, no written homework in grades 1-2):",
                f"  {len(self.classes)} classes in grades {grades[0]}-{grades[-1]}, "
                f"{n_subjects} subjects, {teachers} teachers",
                f"  {n_children} children with {n_parents} parents",
                f"  {n_homework} homework pieces, {span} ({len(over)} class-evenings over the cap)",
                f"  {n_reports} parents' reports of past evenings",
                "",
                f"Telegram user {self.user_id} is supervisor of {self.district.name}, admin of "
                f"{school.name}, grade leader of grade {LEADER_GRADE}, teacher of "
                f"{user_subjects} in {user_classes}, and parent of {USER_CHILD} "
                f"({USER_CHILD_CLASS}).",
                f"The other teachers and parents are made up (ids from {FAKE_ID_MIN}) and "
                "marked unreachable, so the bot never messages them.",
                "",
                "Start the bot (python bot.py), open it in Telegram as that user and try:",
                "  /me        your roles, school, classes and child",
                "  /help      what each of your roles can do",
                f"  /homework  the homework you set in {user_classes}",
                "  /load      a class's load today and this week against the cap",
                f"  /report    how long {USER_CHILD}'s homework took last evening",
                "  /complain  a complaint to the school, as a parent",
            ]
        )
