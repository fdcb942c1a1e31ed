"""The demo world planned without a database: which classes, who is in them, what homework
each class gets on each evening, and which parents report what.

Every random choice comes from a generator seeded with the thing's natural key (a class name,
a day), so a plan is the same on every run and the seeding can look up before it creates.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date, timedelta

from bot.demo.data import (
    CHILD_NAMES,
    CHILDREN_PER_CLASS,
    CLASS_LOCALE,
    CORE,
    EXTRA_PRACTICE,
    EXTRAS_JUNIOR,
    EXTRAS_PRIMARY,
    LANGUAGE_OF_STYLE,
    LOW_GRADE_TEMPLATES,
    MULTI_DAY_CLASS,
    MULTI_DAY_EVENINGS,
    MULTI_DAY_MINUTES,
    MULTI_DAY_SUBJECT,
    MULTI_DAY_TEXT,
    PARENT_GIVEN,
    PARENT_ID_BASE,
    TEACHERS,
    TEMPLATES,
    USER_CLASSES,
    USER_SUBJECTS,
    Kind,
    NameStyle,
)
from bot.demo.language import ENGLISH, DemoLanguage
from bot.domain.calendar import SchoolCalendar
from bot.domain.load import HomeworkKind, evenings_for, spread_minutes
from bot.domain.naming import class_names


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


def localized_class_names(language: DemoLanguage) -> dict[str, str]:
    """The plan's class name ('5A') -> the class's name in the world's language ('5年级1班')."""
    locale = language.locale if language.people else CLASS_LOCALE
    mine = (
        class_names(locale, 2, 2, 1) + class_names(locale, 3, 6, 2) + class_names(locale, 7, 7, 1)
    )
    keys = [name for _g, _n, name in demo_classes()]
    return dict(zip(keys, [name for _g, name in mine], strict=True))


def subjects_for(grade: int) -> tuple[str, ...]:
    return CORE + (EXTRAS_JUNIOR if grade >= 7 else EXTRAS_PRIMARY)


def teacher_of(class_name: str, subject: str, user_id: int) -> int:
    """The demo user teaches their subjects in their classes; a made-up teacher the rest."""
    if class_name in USER_CLASSES and subject in USER_SUBJECTS:
        return user_id
    return next(t.id for t in TEACHERS if subject in t.subjects)


# ---------------------------------------------------------------- people


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


def class_roster(
    class_name: str, count: int = CHILDREN_PER_CLASS, language: DemoLanguage = ENGLISH
) -> list[RosterEntry]:
    """A class's children with one parent each; the same for the same class name, always.
    In English the class is international; in Chinese or Russian, its names are."""
    if language.people:
        return [
            RosterEntry(p.child, p.parent, language.language_code)
            for p in language.roster(class_name, count)
        ]
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


def demo_days(calendar: SchoolCalendar, today: date) -> list[date]:
    """School days from the Monday of last week to the Friday of this week."""
    monday = today - timedelta(days=today.weekday())
    return calendar.school_days_between(monday - timedelta(days=7), monday + timedelta(4))


@dataclass(frozen=True)
class PlannedPiece:
    subject: str
    kind: HomeworkKind
    text: str
    minutes: int
    due: date | None = None
    template: str = ""
    """The text before its numbers were filled in (`DemoLanguage.text` translates it)."""

    def text_in(self, language: DemoLanguage, day: date) -> str:
        """The text in the world's language (the same numbers, filled in for `day`)."""
        return format_template(language.text(self.template or self.text), day)


def _school_day_number(day: date) -> int:
    """Counts Mondays to Fridays, so a pattern over it repeats every few school days."""
    year, week, weekday = day.isocalendar()
    return (year * 53 + week) * 5 + min(weekday, 5)


def is_over_evening(class_index: int, day: date) -> bool:
    """Evenings planned over the cap: one in every seven school days of each class."""
    return (_school_day_number(day) + class_index * 3) % 7 == 0


def format_template(text: str, day: date) -> str:
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
            PlannedPiece(
                s, t.kind, format_template(t.text, day), rng.choice(t.minutes), template=t.text
            )
            for s, t in chosen
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
        text = format_template(template.text, day)
        pieces.append(PlannedPiece(subject, template.kind, text, minutes, template=template.text))
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


@dataclass(frozen=True)
class MultiDayPlan:
    """The one piece spread over several evenings (in `MULTI_DAY_CLASS`)."""

    start: date
    due: date
    loads: dict[date, int]


def plan_multi_day(calendar: SchoolCalendar, days: list[date], today: date) -> MultiDayPlan:
    """Set on the last past school day (the first day when none is past)."""
    past = [d for d in days if d < today]
    start = past[-1] if past else days[0]
    due = calendar.add_school_days(start, MULTI_DAY_EVENINGS)
    loads = spread_minutes(MULTI_DAY_MINUTES, evenings_for(calendar, start, due))
    return MultiDayPlan(start, due, loads)


def plan_class_evening(
    class_name: str,
    grade: int,
    class_index: int,
    day: date,
    cap: int | None,
    multi: MultiDayPlan,
) -> list[PlannedPiece]:
    """The evening's pieces of one class, with the multi-day piece where it belongs."""
    pieces: list[PlannedPiece] = []
    carried = 0
    if class_name == MULTI_DAY_CLASS:
        carried = multi.loads.get(day, 0)
        if day == multi.start:
            pieces.append(
                PlannedPiece(
                    MULTI_DAY_SUBJECT, Kind.WRITTEN, MULTI_DAY_TEXT, MULTI_DAY_MINUTES, multi.due
                )
            )
    return pieces + plan_evening(
        class_name,
        grade,
        day,
        cap=cap,
        over=is_over_evening(class_index, day),
        carried=carried,
    )


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


def plan_reports_with_user(
    class_name: str, day: date, written_minutes: int, slots: int, *, last_evening: bool
) -> list[PlannedReport | None]:
    """`plan_reports` for the class of the user's child, the last slot: the user reported
    every evening but the last (left for them to try /report), a little over the estimate."""
    plans = plan_reports(class_name, day, written_minutes, slots)
    if last_evening:
        plans[-1] = None
    else:
        plans[-1] = PlannedReport(max(5, round(written_minutes * 1.2 / 5) * 5), "done")
    return plans
