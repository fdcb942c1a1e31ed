"""Default class names in the school's customary style (pure)."""

from __future__ import annotations

import re
from collections.abc import Callable

LETTERS = {"en": "ABCDEFGHJKLMNPQRSTUVWXYZ", "ru": "АБВГДЕЖЗИКЛМНОПРСТУФХЦЧШЭЮЯ"}


def class_name(locale: str, grade: int, number: int) -> str:
    """'5B' in English, '5Б' in Russian, '5年级2班' in Chinese (number counts from 1)."""
    if locale.startswith("zh"):
        return f"{grade}年级{number}班"
    letters = LETTERS.get(locale, LETTERS["en"])
    if number <= len(letters):
        return f"{grade}{letters[number - 1]}"
    return f"{grade}-{number}"


def class_names(locale: str, first: int, last: int, per_grade: int) -> list[tuple[int, str]]:
    return [
        (grade, class_name(locale, grade, n))
        for grade in range(first, last + 1)
        for n in range(1, per_grade + 1)
    ]


MAX_SHORT_SCHOOL = 16
_ZH_PLACE = re.compile(r"^(?:[\u4e00-\u9fff]{1,8}?(?:省|自治区|特别行政区|市|区|县|旗|镇|乡))+")
_RU_FORM = re.compile(r"^(?:[МГ]Б?А?К?ОУ|ЧОУ|АНО)\s+", re.IGNORECASE)


def short_school_name(name: str) -> str:
    """A school's name as colleagues say it, to tell two schools apart on a button:
    '北京市海淀区实验小学' -> '实验小学', 'МБОУ СОШ № 5' -> 'СОШ № 5'; long names are cut."""
    name = name.strip()
    short = _ZH_PLACE.sub("", name)
    if len(short) < 2:  # the name is a place name only: keep it
        short = name
    short = _RU_FORM.sub("", short) or short
    if len(short) > MAX_SHORT_SCHOOL:
        short = short[: MAX_SHORT_SCHOOL - 1].rstrip() + "…"
    return short


def school_labels(names: dict[int, str]) -> dict[int, str]:
    """Short names by school id; the full name wherever two short names would be the same."""
    short = {school_id: short_school_name(name) for school_id, name in names.items()}
    taken = list(short.values())
    return {
        school_id: label if taken.count(label) == 1 else names[school_id]
        for school_id, label in short.items()
    }


BUTTON_WIDTH = 32
"""A button label fits a phone: 32 Latin or Cyrillic characters, or 20 Chinese ones."""
_WIDE = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]")


def label_width(text: str) -> float:
    """A label's width in Latin characters: a Chinese character counts 1.6."""
    return sum(1.6 if _WIDE.match(ch) else 1 for ch in text)


def fit_name(label_for: Callable[[str], str], name: str, width: int = BUTTON_WIDTH) -> str:
    """`label_for(name)` ('District: {name}'), the name cut with '…' until the button fits a
    phone; the label's own words are kept whole."""
    label = label_for(name)
    cut = name.strip()
    while label_width(label) > width and len(cut) > 1:
        cut = cut[:-1].rstrip()
        label = label_for(cut + "…")
    return label
