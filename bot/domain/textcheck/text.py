"""Text helpers for the checks: 1:1 normalisation and counts (三, 十五, "twenty", "пять")."""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

__all__ = ["chinese_numeral_to_int", "normalize", "parse_count"]

# --------------------------------------------------------------------------------------
# Normalisation: one character in, one character out, so match spans stay valid for
# the original text and the quoted fragment is exactly what the teacher wrote.

_FULLWIDTH: Final[dict[int, int]] = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20  # ideographic space

# Traditional -> simplified, only for characters that occur in the phrase tables.
_TRAD_TO_SIMP: Final[dict[int, int]] = {
    ord(t): ord(s)
    for t, s in zip(
        "長簽寫試練習冊績羣釘罰協幫請親檢閱輔發傳張個詞語單兩數讀聽說講唸題與們評後謄"
        "復購買訂錄視頻網線難預級組對換揚曬課綱奧賽時鐘點準許須無嚴問誤軟體載參週記務劃圖畫調報應選擇強",
        "长签写试练习册绩群钉罚协帮请亲检阅辅发传张个词语单两数读听说讲念题与们评后誊"
        "复购买订录视频网线难预级组对换扬晒课纲奥赛时钟点准许须无严问误软体载参周记务划图画调报应选择强",
        strict=True,
    )
}

_TRANSLATION: Final[dict[int, int]] = {**_FULLWIDTH, **_TRAD_TO_SIMP}


def normalize(text: str) -> str:
    """Return text with full-width ASCII and some traditional characters mapped 1:1."""
    return text.translate(_TRANSLATION)


# --------------------------------------------------------------------------------------
# Numbers.

_CN_DIGITS: Final[Mapping[str, int]] = MappingProxyType(
    {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
)
_CN_ZEROS: Final = frozenset("零〇")
_CN_UNITS: Final[Mapping[str, int]] = MappingProxyType({"十": 10, "百": 100, "千": 1000})


def chinese_numeral_to_int(s: str) -> int | None:
    """Return the value of a Chinese numeral below 10000 (三, 十五, 两, 一百零五), else None."""
    s = s.strip()
    if not s:
        return None
    if all(ch in _CN_ZEROS for ch in s):
        return 0 if len(s) == 1 else None
    total = 0
    pending: int | None = None  # a digit waiting for its unit
    last_unit = 10_000
    after_zero = False
    for ch in s:
        if ch in _CN_ZEROS:
            if pending is not None or total == 0 or after_zero:
                return None
            after_zero = True
        elif ch in _CN_DIGITS:
            if pending is not None:
                return None
            pending = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            unit = _CN_UNITS[ch]
            if unit >= last_unit:
                return None
            if pending is None:
                if total != 0:  # 一百十 is not accepted; 一百一十 is
                    return None
                pending = 1  # 十五 = 15, 百 = 100
            total += pending * unit
            last_unit, pending, after_zero = unit, None, False
        else:
            return None
    if pending is not None:
        if after_zero or last_unit == 10 or total == 0:
            total += pending
        else:  # 一百五 = 150, 两千三 = 2300 (colloquial abbreviation)
            total += pending * (last_unit // 10)
    elif after_zero:
        return None
    return total


_WORD_NUMBERS: Final[Mapping[str, int]] = MappingProxyType(
    {
        # English
        "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
        "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
        "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
        "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
        "hundred": 100,
        # Russian
        "один": 1, "одну": 1, "два": 2, "две": 2, "три": 3, "четыре": 4, "пять": 5,
        "шесть": 6, "семь": 7, "восемь": 8, "девять": 9, "десять": 10,
        "одиннадцать": 11, "двенадцать": 12, "тринадцать": 13, "четырнадцать": 14,
        "пятнадцать": 15, "шестнадцать": 16, "семнадцать": 17, "восемнадцать": 18,
        "девятнадцать": 19, "двадцать": 20, "тридцать": 30, "сорок": 40,
        "пятьдесят": 50, "сто": 100, "двух": 2, "трёх": 3, "трех": 3,
        "четырёх": 4, "четырех": 4,
    }
)  # fmt: skip


def parse_count(s: str) -> int | None:
    """Return the value of a repetition count (digits, Chinese numeral, EN/RU words)."""
    s = s.strip().lower()
    if s.isdecimal():
        return int(s)
    value = chinese_numeral_to_int(s)
    if value is not None:
        return value
    total = 0
    for word in re.split(r"[\s-]+", s):
        if word == "a":  # "a hundred"
            continue
        n = _WORD_NUMBERS.get(word)
        if n is None:
            return None
        total = max(total, 1) * n if n == 100 else total + n
    return total or None
