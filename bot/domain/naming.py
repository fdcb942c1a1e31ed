"""Default class names in the school's customary style (pure)."""

from __future__ import annotations

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
