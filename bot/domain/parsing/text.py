"""Shared text clean-up for the parsers: width, case, dashes, and numbers written as words.

Chinese numerals go through `cn2an` (一百零五, 两百, 二〇二六 are easy to get wrong by hand);
English and Russian number words through `number_parser` (forty five, сорок пять).
"""

from __future__ import annotations

import re
import unicodedata

import cn2an
from number_parser import parse as _words_to_digits

# Runs of Chinese numeral characters; 半 (a half) and 个 are grammar, handled by each parser.
_ZH_NUMERAL_RUN = re.compile(r"[零〇一二两三四五六七八九十百千]+")
_CYRILLIC = re.compile(r"[а-яё]")
_LATIN_WORD = re.compile(r"[a-z]{3,}")
_DASHES = re.compile(r"\s*[‐‑‒–—―−~〜～]\s*")

# Words around a number that change nothing: "约40分钟", "大概一小时", "about 40 min".
_FILLERS = re.compile(
    r"大约|大概|差不多|左右|一共|总共|约|около|примерно|где-то|about|around|approx\.?|roughly|~"
)


def normalize(raw: str | None) -> str:
    """NFKC (full-width digits and punctuation to ASCII), lower case, one space, '-' for
    every dash and tilde between two things, 'ё' as 'е'."""
    text = unicodedata.normalize("NFKC", raw or "").strip().lower().replace("ё", "е")
    text = _DASHES.sub("-", text.lstrip("~〜").strip())  # a leading tilde: "about"
    return re.sub(r"\s+", " ", text)


def drop_fillers(text: str) -> str:
    return re.sub(r"\s+", " ", _FILLERS.sub(" ", text)).strip()


def zh_number(run: str) -> int | None:
    """A run of Chinese numerals as an int (四十五 -> 45, 两百 -> 200, 二〇二六 -> 2026)."""
    try:
        value = cn2an.cn2an(run, "normal")
    except (ValueError, KeyError, IndexError):
        return None
    return int(value) if float(value).is_integer() else None


def zh_digits(text: str) -> str:
    """Every run of Chinese numerals replaced by its digits ('十一月二十八日' -> '11月28日')."""

    def convert(match: re.Match[str]) -> str:
        value = zh_number(match.group(0))
        return match.group(0) if value is None else str(value)

    return _ZH_NUMERAL_RUN.sub(convert, text)


def word_digits(text: str) -> str:
    """English or Russian number words as digits ('forty five' -> '45', 'сорок пять' -> '45');
    the language is told by the script, other text is returned as it is."""
    if _CYRILLIC.search(text):
        return str(_words_to_digits(text, language="ru"))
    if _LATIN_WORD.search(text):
        return str(_words_to_digits(text, language="en"))
    return text


def all_digits(text: str) -> str:
    """Numbers in any of the three languages written as digits."""
    return word_digits(zh_digits(text))
