"""A new school year's plan: names a grade up in their own pattern, the leaving grade."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.school_year import (
    ClassRow,
    archived_name,
    leaving_grade,
    overlaps,
    plan_year,
    promoted_name,
)


@pytest.mark.parametrize(
    ("name", "grade", "expected"),
    [
        ("5年级2班", 5, "6年级2班"),
        ("1年级1班", 1, "2年级1班"),
        ("9年级12班", 9, "10年级12班"),
        ("三年级二班", 3, "四年级二班"),
        ("初一(3)班", 7, "初二(3)班"),
        ("初二3班", 8, "初三3班"),
        ("高二1班", 11, "高三1班"),
        ("5B", 5, "6B"),
        ("5Б", 5, "6Б"),
        ("9-12", 9, "10-12"),
        ("11 А", 11, "12 А"),
        ("Class 5A", 5, "Class 6A"),
        ("Sunflowers", 3, None),
        ("15B", 1, None),  # the name does not show grade 1
    ],
)
def test_promoted_name(name: str, grade: int, expected: str | None) -> None:
    assert promoted_name(name, grade) == expected


@pytest.mark.parametrize(
    ("grades", "last"), [([1, 6], 6), ([1, 5], 6), ([7, 9], 9), ([1, 9], 9), ([10, 12], 12)]
)
def test_leaving_grade(grades: list[int], last: int) -> None:
    assert leaving_grade(grades) == last


def test_plan_moves_up_and_archives_the_leaving_grade() -> None:
    classes = [
        ClassRow(1, 5, "5年级1班"),
        ClassRow(2, 6, "6年级1班"),
        ClassRow(3, 6, "6年级2班"),
        ClassRow(4, 1, "Sunflowers"),
    ]
    plan = plan_year(classes)
    assert [(m.id, m.new_name, m.new_grade) for m in plan.moves] == [
        (1, "6年级1班", 6),
        (4, "Sunflowers", 2),
    ]
    assert [c.id for c in plan.leaving] == [2, 3]
    assert plan.leaving_grade == 6
    assert plan.clashes == ()


def test_plan_finds_clashes_and_nothing_for_no_classes() -> None:
    # "4A" of grade 2 keeps its name (it does not show the grade); 3A becomes 4A too.
    plan = plan_year([ClassRow(1, 2, "4A"), ClassRow(2, 3, "3A"), ClassRow(3, 3, "3B")])
    assert plan.clashes == ("4A",)
    assert plan_year([]) == plan_year([])
    assert plan_year([]).moves == () and plan_year([]).leaving_grade is None


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("zh_Hans", "6年级1班（2026届）"),
        ("ru", "6年级1班 (выпуск 2026)"),
        ("en", "6年级1班 (class of 2026)"),
        ("fr", "6年级1班 (class of 2026)"),
    ],
)
def test_archived_name(locale: str, expected: str) -> None:
    assert archived_name("6年级1班", 2026, locale) == expected
    assert len(archived_name("x" * 32, 2026, locale)) == 32


def test_overlaps() -> None:
    assert not overlaps(None, date(2026, 9, 1))
    assert overlaps(date(2027, 7, 10), date(2027, 7, 10))
    assert not overlaps(date(2027, 7, 10), date(2027, 7, 11))
