"""A new school year (pure): every class one grade up, renamed by its own naming pattern;
the school's last grade leaves (archived with its history, under a name with its year).

'5年级2班' -> '6年级2班', '三年级二班' -> '四年级二班', '初一(3)班' -> '初二(3)班',
'5B' -> '6B', '5-12' -> '6-12', 'Class 5A' -> 'Class 6A'.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

STAGE_ENDS = (6, 9, 12)
"""The last grade of a primary, a junior and a senior school (China and Russia alike in
counting: the leaving grade of a school whose classes reach grade 5 is 6, nobody leaves)."""
MAX_NAME = 32
"""SchoolClass.name's length."""

CN_DIGITS = "一二三四五六七八九"
CN_NUMBERS = {n: CN_DIGITS[n - 1] for n in range(1, 10)} | {10: "十", 11: "十一", 12: "十二"}
_CN_STAGES = (("初", 6), ("高", 9))  # 初一 = grade 7, 高一 = grade 10


@dataclass(frozen=True)
class ClassRow:
    id: int
    grade: int
    name: str


@dataclass(frozen=True)
class Move:
    id: int
    name: str
    grade: int
    new_name: str
    new_grade: int


@dataclass(frozen=True)
class YearPlan:
    moves: tuple[Move, ...]
    leaving: tuple[ClassRow, ...]
    clashes: tuple[str, ...]
    """Names two classes would have after the move (the plan cannot be applied)."""

    @property
    def leaving_grade(self) -> int | None:
        return self.leaving[0].grade if self.leaving else None


def promoted_name(name: str, grade: int) -> str | None:
    """The name of class `name` (of `grade`) a grade up, in the same pattern; None when the
    name does not show its grade."""
    up = grade + 1
    patterns: list[tuple[str, str]] = [
        (rf"(?<!\d){grade}(?=\s*年级)", str(up)),
        (rf"^{grade}(?!\d)", str(up)),
    ]
    if grade in CN_NUMBERS and up in CN_NUMBERS:
        patterns.append((rf"^{CN_NUMBERS[grade]}(?=年级)", CN_NUMBERS[up]))
    for prefix, before in _CN_STAGES:
        if before < grade < before + 3 and up <= before + 3:
            patterns.append(
                (rf"^{prefix}{CN_DIGITS[grade - before - 1]}", prefix + CN_DIGITS[up - before - 1])
            )
    patterns.append((rf"(?<!\d){grade}(?!\d)", str(up)))
    for pattern, replacement in patterns:
        renamed, count = re.subn(pattern, replacement, name, count=1)
        if count:
            return renamed
    return None


def leaving_grade(grades: Sequence[int]) -> int:
    """The school's last grade: the end of the stage its highest grade belongs to."""
    top = max(grades)
    return next((end for end in STAGE_ENDS if end >= top), top)


def plan_year(classes: Sequence[ClassRow]) -> YearPlan:
    """Who moves where, who leaves; a name the pattern cannot move is kept as it is."""
    if not classes:
        return YearPlan((), (), ())
    last = leaving_grade([c.grade for c in classes])
    leaving = tuple(c for c in classes if c.grade >= last)
    moves = tuple(
        Move(c.id, c.name, c.grade, promoted_name(c.name, c.grade) or c.name, c.grade + 1)
        for c in classes
        if c.grade < last
    )
    names = [m.new_name.casefold() for m in moves]
    clashes = tuple(sorted({m.new_name for m in moves if names.count(m.new_name.casefold()) > 1}))
    return YearPlan(moves, leaving, clashes)


ARCHIVED = {
    "zh": "{name}（{year}届）",
    "ru": "{name} (выпуск {year})",
    "en": "{name} (class of {year})",
}


def archived_name(name: str, year: int, locale: str) -> str:
    """A leaving class's name with its year, so the grade's next class can take the name."""
    pattern = ARCHIVED.get("zh" if locale.startswith("zh") else locale[:2], ARCHIVED["en"])
    suffix = pattern.format(name="", year=year)
    return name[: MAX_NAME - len(suffix)] + suffix


def overlaps(last_day: date | None, first_day: date) -> bool:
    """A new year may start only after the current one ends (the term dates are set once a
    year; a second move up in the same year would skip a grade)."""
    return last_day is not None and first_day <= last_day
