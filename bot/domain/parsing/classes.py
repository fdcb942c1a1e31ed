"""Grade ranges, class counts and class names in the forms schools write them.

Chinese: '1-6年级', '一至六年级', '初一至初三', '1-6年级 每级4个班', '4个班', '七年级1班',
'初一(1)班', '高二3班', '三(2)班'; 初一-初三 are grades 7-9 and 高一-高三 grades 10-12.
Russian: '1-11 классы', 'по 3 класса', '5А', '5 «Б»', '10-2'. English: 'Grades 1-6',
'4 classes each', 'Year 5 Blue', '5B'.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from bot.domain.parsing.result import BreaksRule, NotUnderstood, Parsed, Rule, Understood
from bot.domain.parsing.text import all_digits, normalize, zh_digits

MIN_GRADE, MAX_GRADE = 1, 12
MAX_CLASSES_PER_GRADE = 40


@dataclass(frozen=True)
class ClassName:
    """A class: its grade (初一 is 7) and what tells it apart in the grade ('1', 'А', 'Blue')."""

    grade: int
    label: str


@dataclass(frozen=True)
class GradeRange:
    first: int
    last: int
    classes_per_grade: int | None = None


_ZH_STAGE = {"初": 6, "高": 9}
_QUOTES = "\"'«»“”„‘’「」『』"
_COUNT = re.compile(
    r"[,;\s]*(?:"
    r"(?:每个?年?级|各年级|每个年级|各)?\s*(\d{1,3})\s*个?班"
    r"|(?:по\s*)?(\d{1,3})\s*(?:класс(?:а|ов)?|параллел\w*)(?:\s+в\s+параллели)?"
    r"|(\d{1,3})\s*(?:classes|class|forms|form)(?:\s+(?:each|per\s+(?:grade|year)|a\s+(?:grade|year)))?"
    r"|по\s*(\d{1,3})"
    r")$"
)


def _stages(text: str) -> str:
    """'初一' -> '7年级', '高二' -> '11年级', '初中二年级' -> '8年级' (before other numerals)."""

    def grade(match: re.Match[str]) -> str:
        number = {"一": 1, "二": 2, "三": 3}.get(match.group(2)) or int(match.group(2))
        return f"{_ZH_STAGE[match.group(1)] + number}年级"

    return re.sub(r"(初|高)(?:中)?([一二三123])(?:年级)?", grade, text)


def _zh(raw: str | None) -> str:
    return zh_digits(_stages(normalize(raw)).replace("小学", "").replace("初中", ""))


def _count(value: int) -> Parsed[int]:
    if not 1 <= value <= MAX_CLASSES_PER_GRADE:
        return BreaksRule(Rule.CLASS_COUNT_OUT_OF_RANGE, value)
    return Understood(value)


def parse_class_count(raw: str | None) -> Parsed[int]:
    """Classes per grade: '4个班', '每级4个班', '四个班', '4', 'по 3 класса', '4 classes each'."""
    text = all_digits(_zh(raw))
    match = re.fullmatch(r"\d{1,3}", text) or _COUNT.fullmatch(text)
    if match is None:
        return NotUnderstood(text)
    return _count(int(next(g for g in (match.groups() or (match.group(0),)) if g)))


_GRADES = re.compile(
    r"(?:grades?|years?|с)?\s*(\d{1,2})\s*(?:年级)?\s*(?:-|至|到|to|по)\s*(\d{1,2})\s*"
    r"(?:年级|класс(?:ы|ов)?|кл\.?)?"
)


def _split_count(text: str) -> tuple[re.Match[str] | None, int | None]:
    """The grades and the classes per grade; 'с 5 по 11' is grades, not 'по 11' classes."""
    count = _COUNT.search(text)
    if count is not None and count.start() > 0:
        grades = _GRADES.fullmatch(text[: count.start()].strip(" ,;，"))
        if grades is not None:
            return grades, int(next(g for g in count.groups() if g))
    return _GRADES.fullmatch(text), None


def parse_grade_range(raw: str | None) -> Parsed[GradeRange]:
    """Grades first..last, optionally with the classes per grade ('1-6年级 每级4个班')."""
    text = all_digits(_zh(raw))
    match, per_grade = _split_count(text)
    if match is None:
        return NotUnderstood(text)
    found = GradeRange(int(match.group(1)), int(match.group(2)), per_grade)
    if not (MIN_GRADE <= found.first <= MAX_GRADE and MIN_GRADE <= found.last <= MAX_GRADE):
        return BreaksRule(Rule.GRADE_OUT_OF_RANGE, found)
    if found.last < found.first:
        return BreaksRule(Rule.RANGE_REVERSED, found)
    if per_grade is not None and not 1 <= per_grade <= MAX_CLASSES_PER_GRADE:
        return BreaksRule(Rule.CLASS_COUNT_OUT_OF_RANGE, found)
    return Understood(found)


_CLASS_FORMS = (
    # 7年级1班, 7年级(1)班, 3(2)班, 7.1班
    re.compile(r"(\d{1,2})\s*(?:年级)?\s*\(\s*(\d{1,2})\s*\)\s*班?"),
    re.compile(r"(\d{1,2})\s*年级\s*(\d{1,2})\s*班?"),
    re.compile(r"(\d{1,2})\s*[-./]\s*(\d{1,2})\s*班"),
    # Year 5 Blue, Grade 5B, Y5 Blue, Class 5-2
    re.compile(r"(?:year|grade|class|y|g)\s*(\d{1,2})\s*[-\s]?\s*([^\W\d_]+|\d{1,2})", re.I),
    # 5А, 5 «Б», 5-Б, 11 А класс, 5B
    re.compile(r"(\d{1,2})\s*-?\s*([^\W\d_])\s*(?:класс|кл\.?|class)?", re.I),
    # 10-2, 10/2
    re.compile(r"(\d{1,2})\s*[-/]\s*(\d{1,2})"),
)


def parse_class_name(raw: str | None) -> Parsed[ClassName]:
    """One class as (grade, label); a single-letter label is upper case ('5а' -> '5', 'А')."""
    text = unicodedata.normalize("NFKC", raw or "").strip().strip(".。")
    text = re.sub(r"\s+", " ", text.translate({ord(q): " " for q in _QUOTES})).strip()
    text = zh_digits(_stages(text).replace("小学", "").replace("初中", ""))
    for form in _CLASS_FORMS:
        match = form.fullmatch(text)
        if match is None:
            continue
        label = match.group(2)
        label = label.upper() if len(label) == 1 else label[:1].upper() + label[1:]
        if label.isdigit():
            label = str(int(label))
        found = ClassName(int(match.group(1)), label)
        if not MIN_GRADE <= found.grade <= MAX_GRADE:
            return BreaksRule(Rule.GRADE_OUT_OF_RANGE, found)
        return Understood(found)
    return NotUnderstood(text)
