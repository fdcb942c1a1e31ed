"""`python bot.py demo --user ID`: a sample school in which one Telegram user holds every role.

Idempotent: everything is looked up by its natural key before it is created (district and
school names, class and subject names, the reserved fake user ids, a class-evening's planned
homework texts, a child's report for a day), and every random choice comes from a generator
seeded with that key (`bot.demo.planning`), so a second run adds nothing (a run in a later
week adds that week).

The world is planned in `bot.demo.planning` from the fixed data of `bot.demo.data`; this
module writes it. The returned summary is command-line output, in English.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.demo.data import (
    FAKE_ID_MAX,
    FAKE_ID_MIN,
    LEADER_GRADE,
    MULTI_DAY_CLASS,
    SUBJECTS,
    TEACHERS,
    USER_CHILD_CLASS,
    USER_CLASSES,
    USER_SUBJECTS,
)
from bot.demo.language import DemoLanguage, demo_language
from bot.demo.planning import (
    MultiDayPlan,
    PlannedPiece,
    PlannedReport,
    RosterEntry,
    class_roster,
    demo_classes,
    demo_days,
    localized_class_names,
    parent_id,
    plan_class_evening,
    plan_multi_day,
    plan_reports,
    plan_reports_with_user,
    subjects_for,
    teacher_of,
)
from bot.demo.summary import Added, Figures, summary_text
from bot.domain.calendar import SchoolCalendar, local_today
from bot.domain.homework import HomeworkStatus, OverLimitStep
from bot.domain.load import Caps, HomeworkKind, OverCapMode, cap_for, spread_minutes
from bot.domain.periods import Scope
from bot.domain.roles import Role
from bot.i18n import negotiate
from storage import repo
from storage.analytics import loads
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
    SchoolClass,
    Subject,
    User,
)


class UnusableUserId(ValueError):
    """The id given for the demo's user cannot be a real person's Telegram id."""


async def run_demo(
    settings: Settings, user_id: int, *, now: datetime | None = None, locale: str | None = None
) -> str:
    """Seed the demo school for `user_id` (idempotently) and say what exists and what to try.
    The world speaks `locale`, by default the user's own language (English for a new user)."""
    if not 0 < user_id < 2**52 or FAKE_ID_MIN <= user_id <= FAKE_ID_MAX:
        raise UnusableUserId(
            f"{user_id} is not a usable Telegram user id (ids {FAKE_ID_MIN}-{FAKE_ID_MAX} are "
            "reserved for the demo's made-up people)"
        )
    now = now or datetime.now(UTC)
    engine = create_engine(settings.database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            language = demo_language(locale or await user_locale(session, user_id))
            seeder = Seeder(session, settings, user_id, now, language)
            await seeder.seed()
            await session.commit()
            return await seeder.summary()
    finally:
        await engine.dispose()


async def user_locale(session: AsyncSession, user_id: int) -> str | None:
    """The locale the user chose, else the one of their Telegram language; None if unknown."""
    user = await session.get(User, user_id)
    if user is None:
        return None
    return user.locale or (negotiate(user.language_code) if user.language_code else None)


class Seeder:
    """One run of the demo in one session; each step looks up before it creates. The plan's
    keys (class and subject names in English) are named in the world's language when written."""

    def __init__(
        self,
        session: AsyncSession,
        settings: Settings,
        user_id: int,
        now: datetime,
        language: DemoLanguage,
    ) -> None:
        self.session = session
        self.settings = settings
        self.user_id = user_id
        self.now = now
        self.lang = language
        self.added = Added()

    async def seed(self) -> None:
        await self.school_structure()
        await self.people()
        await self.memberships()
        await self.children()
        await self.homework()
        await self.reports()

    # -- district, school, classes, subjects

    def fake(self, person_id: int) -> int:
        """A made-up person's id in this world (each language's world has its own people)."""
        return person_id + self.lang.id_offset

    def teacher(self, klass: SchoolClass, subject: str) -> int:
        found = teacher_of(self.key[klass.id], subject, self.user_id)
        return found if found == self.user_id else self.fake(found)

    async def school_structure(self) -> None:
        s, lang = self.session, self.lang
        district = await s.scalar(
            select(District).where(District.name == lang.district).order_by(District.id).limit(1)
        )
        if district is None:
            district = await repo.create_district(s, lang.district)
            self.added.add("district")
        school = await s.scalar(
            select(School)
            .where(School.district_id == district.id, School.name == lang.school)
            .order_by(School.id)
            .limit(1)
        )
        if school is None:
            school = await repo.create_school(
                s, district.id, lang.school, self.settings.default_timezone
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
        named = localized_class_names(lang)
        self.added.add(
            "classes", await repo.add_classes(s, school.id, [(g, named[n]) for g, _, n in classes])
        )
        subjects = [lang.subject(x) for x in SUBJECTS]
        self.added.add("subjects", await repo.add_subjects(s, school.id, subjects))
        by_name = {c.name: c for c in await repo.classes_of(s, school.id)}
        self.classes = [(by_name[named[key]], number) for _, number, key in classes]
        self.key = {by_name[named[key]].id: key for _, _, key in classes}
        """The plan's name of each class, by id."""
        self.class_by_name = {key: by_name[named[key]] for _, _, key in classes}
        ids = {x.name: x.id for x in await repo.subjects_of(s, school.id)}
        self.subject_ids = {key: ids[lang.subject(key)] for key in SUBJECTS}
        self.calendar: SchoolCalendar = await calendar_of(s, school)
        self.caps = caps_of(school)
        self.today = local_today(school.timezone, self.now)

    # -- users

    async def people(self) -> None:
        wanted: dict[int, User] = {
            self.fake(t.id): User(
                id=self.fake(t.id),
                first_name=self.lang.teachers[t.id][0],
                last_name=self.lang.teachers[t.id][1],
                language_code=self.lang.language_code if self.lang.people else t.language_code,
                reachable=False,
            )
            for t in TEACHERS
        }
        self.rosters: dict[int, list[tuple[int, RosterEntry]]] = {}
        for klass, number in self.classes:
            entries = [
                (self.fake(parent_id(klass.grade, number, slot)), entry)
                for slot, entry in enumerate(class_roster(self.key[klass.id], language=self.lang))
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
            *((self.fake(t.id), Role.TEACHER, {"school_id": school.id}) for t in TEACHERS),
        ]
        for uid, role, scope in grants:
            if await repo.add_membership(s, uid, role, **scope):
                self.added.add("memberships")
        teaching: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for klass, _ in self.classes:
            for subject in subjects_for(klass.grade):
                teaching[self.teacher(klass, subject)].append((klass.id, self.subject_ids[subject]))
        for uid, pairs in teaching.items():
            self.added.add("teaching", await repo.add_teaching(s, uid, pairs))
        await s.flush()

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
                Child.name == self.lang.user_child,
            )
        )
        self.lena = await repo.link_child(s, self.user_id, lena_class.id, self.lang.user_child)
        if not had_lena:
            self.added.add("children")
        await s.flush()

    # -- homework

    def days(self) -> list[date]:
        return demo_days(self.calendar, self.today)

    def cap_minutes(self, grade: int, day: date) -> int | None:
        return cap_for(self.caps, grade, day, self.calendar).minutes

    async def homework(self) -> None:
        days = self.days()
        if not days:
            return
        seeded = await self.seeded_pieces(days)
        multi = plan_multi_day(self.calendar, days, self.today)
        tz = ZoneInfo(self.school.timezone)
        for index, (klass, _) in enumerate(self.classes):
            for day in days:
                cap = self.cap_minutes(klass.grade, day)
                key = self.key[klass.id]
                pieces = plan_class_evening(key, klass.grade, index, day, cap, multi)
                if any((klass.id, day, p.text_in(self.lang, day)) in seeded for p in pieces):
                    continue
                posted_at = min(self.now, datetime.combine(day, time(12, 30), tz).astimezone(UTC))
                await self.post(klass, day, pieces, posted_at, multi, cap)
        await self.session.flush()

    async def seeded_pieces(self, days: Sequence[date]) -> set[tuple[int, date, str]]:
        """(class, evening, text) of the demo classes' pieces already there."""
        rows = await self.session.execute(
            select(Assignment.class_id, Assignment.evening, Assignment.text).where(
                Assignment.class_id.in_([c.id for c, _ in self.classes]),
                Assignment.evening.in_(days),
            )
        )
        return {(class_id, evening, text) for class_id, evening, text in rows.all()}

    async def post(
        self,
        klass: SchoolClass,
        day: date,
        pieces: Sequence[PlannedPiece],
        posted_at: datetime,
        multi: MultiDayPlan,
        cap: int | None = None,
    ) -> None:
        """The evening's pieces as posted homework, a minute apart from `posted_at`; a written
        piece that adds minutes to an evening over `cap` is recorded as its teacher's
        confirmation over the limit, as the posting dialog records it (mode warn)."""
        carried = self.key[klass.id] == MULTI_DAY_CLASS and day != multi.start
        written = multi.loads.get(day, 0) if carried else 0
        for order, piece in enumerate(pieces):
            loads = multi.loads if piece.due is not None else spread_minutes(piece.minutes, [day])
            adds = loads.get(day, 0) if piece.kind.counts_against_cap else 0
            written += adds
            confirmed = (
                cap is not None
                and adds > 0
                and written > cap
                and self.school.over_cap_mode == OverCapMode.WARN
            )
            assignment = await create_assignment(
                self.session,
                klass=klass,
                subject_id=self.subject_ids[piece.subject],
                teacher_id=self.teacher(klass, piece.subject),
                text=piece.text_in(self.lang, day),
                photo_file_id=None,
                kind=piece.kind,
                minutes=piece.minutes,
                evening=day,
                due=piece.due,
                loads=loads,
                status=HomeworkStatus.POSTED,
                over_limit=OverLimitStep.CONFIRMED if confirmed else None,
            )
            stamp = posted_at + timedelta(minutes=order)
            assignment.created_at = assignment.updated_at = min(stamp, self.now)
            self.added.add("homework")

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
        past = [d for d in self.days() if d < self.today]
        if not past:
            return
        totals = await self.written_totals(past)
        children = await self.children_of_parents()
        existing = await self.reported([*children.values(), self.lena.id], past)
        tz = ZoneInfo(self.school.timezone)
        new: list[DailyReport] = []
        for klass, _ in self.classes:
            reporters = [(pid, children.get(pid)) for pid, _ in self.rosters[klass.id]]
            users_class = klass.id == self.lena.class_id
            if users_class:
                reporters.append((self.user_id, self.lena.id))
            for day in past:
                written = totals.get((klass.id, day), 0)
                if written == 0:
                    continue
                if users_class:
                    last = day == past[-1]
                    plans = plan_reports_with_user(
                        self.key[klass.id], day, written, len(reporters), last_evening=last
                    )
                else:
                    plans = plan_reports(self.key[klass.id], day, written, len(reporters))
                at = datetime.combine(day, time(20, 45), tz).astimezone(UTC)
                for (pid, child_id), plan in zip(reporters, plans, strict=True):
                    if plan is None or child_id is None or (child_id, day) in existing:
                        continue
                    new.append(daily_report(child_id, day, plan, pid, at))
        await self.store_reports(new)

    async def children_of_parents(self) -> dict[int, int]:
        """Parent id -> child id of the demo's made-up parents."""
        parent_ids = [pid for entries in self.rosters.values() for pid, _ in entries]
        rows = await self.session.execute(
            select(ParentLink.parent_id, ParentLink.child_id).where(
                ParentLink.parent_id.in_(parent_ids)
            )
        )
        return {pid: cid for pid, cid in rows.all()}

    async def reported(self, child_ids: list[int], days: list[date]) -> set[tuple[int, date]]:
        """(child, day) of the reports already there."""
        rows = await self.session.execute(
            select(DailyReport.child_id, DailyReport.day).where(
                DailyReport.child_id.in_(child_ids), DailyReport.day.in_(days)
            )
        )
        return {(child_id, day) for child_id, day in rows.all()}

    async def store_reports(self, new: list[DailyReport]) -> None:
        """The reports, each with its event (as a parent's tap records it)."""
        s = self.session
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
        # Over the limit as every screen counts it (bot.domain.figures, docs/FIGURES.md).
        figures = await loads.evenings(s, Scope.of_school(school.id), min(days), max(days))
        over = [f for f in figures if f.class_id in class_ids and f.is_over]
        return summary_text(
            self.user_id,
            self.added,
            Figures(
                school=school.name,
                district=self.district.name,
                timezone=school.timezone,
                caps=self.caps,
                grades=[c.grade for c, _ in self.classes],
                days=days,
                teachers=teachers,
                children=n_children,
                parents=n_parents,
                homework=n_homework,
                reports=n_reports,
                subjects=n_subjects,
                over=len(over),
                child=self.lang.user_child,
                user_classes=tuple(self.class_by_name[k].name for k in USER_CLASSES),
                child_class=self.class_by_name[USER_CHILD_CLASS].name,
                user_subjects=tuple(self.lang.subject(k) for k in USER_SUBJECTS),
            ),
        )


def daily_report(
    child_id: int, day: date, plan: PlannedReport, reporter_id: int, at: datetime
) -> DailyReport:
    return DailyReport(
        child_id=child_id,
        day=day,
        minutes=plan.minutes,
        outcome=plan.outcome,
        reporter_id=reporter_id,
        created_at=at,
        updated_at=at,
    )
