"""The house rules for words and punctuation (docs/GLOSSARY.md, issue 14), as checks.

Used by tests/test_wording.py over the catalogues and the source, and by the autouse fixture
in tests/conftest.py over every text the fake Bot API received during a test.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from tests.fakebot.transcript import Rendered

CJK = "\u3400-\u4dbf\u4e00-\u9fff\u3000-\u303f\uff00-\uffef"
"""Han characters, CJK punctuation and full-width forms."""

ASCII_NEXT_TO_CJK = re.compile(rf"[{CJK}] ?[,;:()]|[,;:()] ?[{CJK}]")
"""An ASCII , ; : ( ) touching Chinese text (a space between still counts)."""

ZH_PUNCTUATION = re.compile("[，。：；、！？]")
"""Full-width punctuation only the Chinese catalogue writes: a text with it was rendered in zh.
Not the brackets: Chinese names carry them (初一（1）班, 6年级1班（2026届）) and a Russian or
English sentence that names such a class is still read in Russian or English."""

BUTTON_WIDTH = 32
"""A button label fits a phone: 32 Latin or Cyrillic characters, or 20 Chinese ones."""

FORBIDDEN: dict[str, list[tuple[str, str]]] = {
    "zh_Hans": [
        (
            r"布置新作业|(?<!方式)(?<!变相)布置作业|您布置的|发布作业|(?<!课堂上)布置的作业",
            "the bot records (登记) homework set in class",
        ),
        (r"班级晚上|每晚|个晚上|每个晚上", "a day's load is 每天/当天, not 晚上"),
        (r"教务处管理员", "教务处 (office) / 教务处老师 (person)"),
        (r"区县督导", "督学"),
        (r"工单", "投诉 / 投诉编号"),
        (r"预估", "预计"),
        (r"欢迎回来", "a first /start is not a return"),
        (r"我不认识", "calque of 'I do not know'"),
        (r"我掌握的", "calque of 'what I know about you'"),
        (r"看到的样子", "calque of 'as the parents will see it'"),
        (r"(?<![县时])区：", "区县"),
        (r"购买的成套", "item 5 is 翻印, not 购买"),
        (r"无意义", "item 4 is 随意性"),
    ],
    "ru": [
        (r"[Кк]онтрольные или рейтинги", "one name for the category: экзамены или рейтинги"),
        (r"куратор", "инспектор управления образования"),
        (r"администратор\w* школ", "завуч (учебная часть)"),
        (r"вечер\w* класс|класс-вечер", "класс-дни"),
    ],
    "en": [
        (r"class-evenings?", "class-days"),
        (r"\b1 class-days\b|\bon 1 \w+s\b", "plural"),
    ],
}
"""Variants the glossary rules out, per locale: (regular expression, what to say instead)."""


def display_width(text: str) -> float:
    """A label's width in Latin characters: a Chinese character counts 1.6."""
    return sum(1.6 if re.match(f"[{CJK}]", ch) else 1 for ch in text)


def too_wide(label: str) -> bool:
    return display_width(label) > BUTTON_WIDTH


def is_chinese(item: Rendered) -> bool:
    return item.language_code.lower().startswith("zh") or bool(ZH_PUNCTUATION.search(item.text))


def unquoted(items: Iterable[Rendered], typed: Iterable[str]) -> list[Rendered]:
    """The texts without what users typed (the bot quotes it verbatim: a teacher's homework,
    a parent's note), so that only the bot's own words are judged, and judged as the language
    they are in."""
    quoted = sorted({line for t in typed for line in t.split("\n") if line.strip()}, key=len)
    out = []
    for item in items:
        text = item.text
        for line in reversed(quoted):
            text = text.replace(line, "\x00")
        out.append(Rendered(item.language_code, item.kind, text))
    return out


def punctuation_problems(items: Iterable[Rendered], typed: Iterable[str]) -> list[str]:
    """ASCII , ; : ( ) next to Chinese in what Chinese readers got (text users typed, which
    the bot quotes verbatim, is left out)."""
    problems = []
    for item in unquoted(items, typed):
        if item.kind == "button" or not is_chinese(item):
            continue
        text = item.text
        for match in ASCII_NEXT_TO_CJK.finditer(text):
            start = max(0, match.start() - 15)
            problems.append(f"{item.kind}: …{text[start : match.end() + 15]}…")
    return problems


def forbidden_in_chinese(items: Iterable[Rendered], typed: Iterable[str]) -> list[str]:
    """The glossary's forbidden zh variants in what Chinese readers got (the catalogue test
    covers the strings; this covers what code put together around them)."""
    problems = []
    for item in unquoted(items, typed):
        if not is_chinese(item):
            continue
        text = item.text
        problems += [
            f"{item.kind} says {m.group(0)!r} ({why}): {text[max(0, m.start() - 9) : m.end() + 9]}"
            for pattern, why in FORBIDDEN["zh_Hans"]
            for m in re.finditer(pattern, text)
        ]
    return problems


def button_problems(items: Iterable[Rendered]) -> list[str]:
    return sorted({f"{i.text!r}" for i in items if i.kind == "button" and too_wide(i.text)})
