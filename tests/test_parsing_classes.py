"""Grade ranges, classes per grade and class names as Chinese, Russian and English schools
write them."""

from __future__ import annotations

import pytest

from bot.domain.parsing.classes import (
    ClassName,
    GradeRange,
    parse_class_count,
    parse_class_name,
    parse_grade_range,
)
from bot.domain.parsing.result import Rule
from tests.parsing_cases import NOT, assert_parsed, breaks, ok

GRADE, COUNT, REVERSED = Rule.GRADE_OUT_OF_RANGE, Rule.CLASS_COUNT_OUT_OF_RANGE, Rule.RANGE_REVERSED

RANGES = [
    ("1-6年级", ok(GradeRange(1, 6))),
    ("一至六年级", ok(GradeRange(1, 6))),
    ("1-6年级 每级4个班", ok(GradeRange(1, 6, 4))),
    ("1-6年级，每级4个班", ok(GradeRange(1, 6, 4))),
    ("一到六年级 每个年级二十个班", ok(GradeRange(1, 6, 20))),
    ("1至6年级各4个班", ok(GradeRange(1, 6, 4))),
    ("小学1-6年级", ok(GradeRange(1, 6))),
    ("7-9年级", ok(GradeRange(7, 9))),
    ("七年级至九年级", ok(GradeRange(7, 9))),
    ("初一至初三", ok(GradeRange(7, 9))),
    ("初一到初三 每级10个班", ok(GradeRange(7, 9, 10))),
    ("高一到高三", ok(GradeRange(10, 12))),
    ("１－６年级", ok(GradeRange(1, 6))),
    ("6-1年级", breaks(REVERSED, GradeRange(6, 1))),
    ("0-6年级", breaks(GRADE, GradeRange(0, 6))),
    ("1-6年级 每级0个班", breaks(COUNT, GradeRange(1, 6, 0))),
    ("1-6年级每级50个班", breaks(COUNT, GradeRange(1, 6, 50))),
    ("六年级", NOT),
    ("全部年级", NOT),
    ("1-11 классы", ok(GradeRange(1, 11))),
    ("1–11 классы", ok(GradeRange(1, 11))),
    ("5-11", ok(GradeRange(5, 11))),
    ("с 5 по 11", ok(GradeRange(5, 11))),
    ("1-4 классы, по 3 класса", ok(GradeRange(1, 4, 3))),
    ("5-9 классы по 4", ok(GradeRange(5, 9, 4))),
    ("1-4 кл.", ok(GradeRange(1, 4))),
    ("11-1", breaks(REVERSED, GradeRange(11, 1))),
    ("1-13", breaks(GRADE, GradeRange(1, 13))),
    ("все классы", NOT),
    ("Grades 1-6", ok(GradeRange(1, 6))),
    ("grades 1-6, 4 classes each", ok(GradeRange(1, 6, 4))),
    ("Years 7 to 11", ok(GradeRange(7, 11))),
    ("Year 1-6, 3 forms per year", ok(GradeRange(1, 6, 3))),
    ("grades 1 to 6", ok(GradeRange(1, 6))),
    ("Years 1-13", breaks(GRADE, GradeRange(1, 13))),
    ("grade 5", NOT),
    ("primary", NOT),
]

COUNTS = [
    ("4个班", ok(4)),
    ("四个班", ok(4)),
    ("每级4个班", ok(4)),
    ("每个年级二十个班", ok(20)),
    ("4", ok(4)),
    ("４", ok(4)),
    ("20", ok(20)),
    ("0个班", breaks(COUNT, 0)),
    ("50个班", breaks(COUNT, 50)),
    ("很多", NOT),
    ("3 класса", ok(3)),
    ("по 3 класса", ok(3)),
    ("5 классов", ok(5)),
    ("три класса", ok(3)),
    ("0 классов", breaks(COUNT, 0)),
    ("4 classes", ok(4)),
    ("4 classes each", ok(4)),
    ("four classes per grade", ok(4)),
    ("2 forms", ok(2)),
    ("0", breaks(COUNT, 0)),
    ("41", breaks(COUNT, 41)),
    ("a few", NOT),
    ("", NOT),
]

NAMES = [
    ("七年级1班", ok(ClassName(7, "1"))),
    ("7年级1班", ok(ClassName(7, "1"))),
    ("初一(1)班", ok(ClassName(7, "1"))),
    ("初一（1）班", ok(ClassName(7, "1"))),
    ("高二3班", ok(ClassName(11, "3"))),
    ("高一(12)班", ok(ClassName(10, "12"))),
    ("初三2班", ok(ClassName(9, "2"))),
    ("初中二年级3班", ok(ClassName(8, "3"))),
    ("三(2)班", ok(ClassName(3, "2"))),
    ("三（2）班", ok(ClassName(3, "2"))),
    ("三年级二班", ok(ClassName(3, "2"))),
    ("3年级（2）班", ok(ClassName(3, "2"))),
    ("一年级十班", ok(ClassName(1, "10"))),
    ("1年级01班", ok(ClassName(1, "1"))),
    ("十三年级1班", breaks(GRADE, ClassName(13, "1"))),
    ("七年级", NOT),
    ("实验班", NOT),
    ("5А", ok(ClassName(5, "А"))),
    ("5 «Б»", ok(ClassName(5, "Б"))),
    ('5 "В" класс', ok(ClassName(5, "В"))),
    ("5-Б", ok(ClassName(5, "Б"))),
    ("11а", ok(ClassName(11, "А"))),
    ("11 А класс", ok(ClassName(11, "А"))),
    ("10-2", ok(ClassName(10, "2"))),
    ("10/2", ok(ClassName(10, "2"))),
    ("13А", breaks(GRADE, ClassName(13, "А"))),
    ("0-1", breaks(GRADE, ClassName(0, "1"))),
    ("5", NOT),
    ("пятый", NOT),
    ("Year 5 Blue", ok(ClassName(5, "Blue"))),
    ("year 5 blue", ok(ClassName(5, "Blue"))),
    ("Y5 Blue", ok(ClassName(5, "Blue"))),
    ("Grade 5B", ok(ClassName(5, "B"))),
    ("Grade 5-2", ok(ClassName(5, "2"))),
    ("5B", ok(ClassName(5, "B"))),
    ("5b", ok(ClassName(5, "B"))),
    ("Year 14 Red", breaks(GRADE, ClassName(14, "Red"))),
    ("Year 5", NOT),
    ("Blue", NOT),
    (None, NOT),
]


@pytest.mark.parametrize(("text", "expected"), RANGES)
def test_parse_grade_range(text: str, expected: object) -> None:
    assert_parsed(parse_grade_range(text), expected)


@pytest.mark.parametrize(("text", "expected"), COUNTS)
def test_parse_class_count(text: str, expected: object) -> None:
    assert_parsed(parse_class_count(text), expected)


@pytest.mark.parametrize(("text", "expected"), NAMES)
def test_parse_class_name(text: str | None, expected: object) -> None:
    assert_parsed(parse_class_name(text), expected)


def test_the_same_class_written_two_ways_is_one_class() -> None:
    assert parse_class_name("7年级1班") == parse_class_name("初一（1）班")
