"""Validation of free-text answers (pure): each returns the clean value or an error code."""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, time
from enum import StrEnum


class TextError(StrEnum):
    EMPTY = "empty"
    TOO_LONG = "too_long"
    TOO_SHORT = "too_short"
    BAD_CHARS = "bad_chars"


@dataclass(frozen=True)
class Checked:
    value: str | None
    error: TextError | None = None
    limit: int = 0
    removed: tuple[str, ...] = ()
    """Invisible characters taken out of the text, as code points ("U+202E"), in order."""


_INVISIBLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"  # C0 and C1 controls (not tab or newlines)
    "\u200b-\u200f"  # zero-width space, (non-)joiners, LRM/RLM
    "\u202a-\u202e"  # bidi embeddings and overrides (U+202E turns text around)
    "\u2060-\u2064\u2066-\u2069"  # word joiner, invisible operators, bidi isolates
    "\ufeff]"  # zero-width no-break space (BOM)
)


def strip_invisible(text: str) -> tuple[str, tuple[str, ...]]:
    """`text` NFC-normalised without control, bidi-override and zero-width characters, and
    the code points removed (each once, in order of appearance)."""
    normal = unicodedata.normalize("NFC", text)
    found = dict.fromkeys(f"U+{ord(ch):04X}" for ch in _INVISIBLE.findall(normal))
    return _INVISIBLE.sub("", normal), tuple(found)


_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")


def strip_markup(text: str) -> str:
    """`text` without HTML tags and with entities read ("<b>一小</b> &amp; 二小" ->
    "一小 & 二小"): a name pasted from a web page or a formatted message keeps no markup.
    A lone "<" or "3 < 5" stays as it is."""
    return html.unescape(_TAG.sub("", text))


def clean_text(raw: str | None, *, min_len: int = 1, max_len: int = 120) -> Checked:
    """Trimmed, whitespace-folded single-line text within the length limits, NFC, without
    invisible characters (`removed` lists them) and without HTML markup (`strip_markup`)."""
    text, removed = strip_invisible(strip_markup(raw or ""))
    text = re.sub(r"\s+", " ", text.strip())
    if not text:
        return Checked(None, TextError.EMPTY, min_len, removed)
    if len(text) > max_len:
        return Checked(None, TextError.TOO_LONG, max_len, removed)
    if len(text) < min_len:
        return Checked(None, TextError.TOO_SHORT, min_len, removed)
    return Checked(text, removed=removed)


def clean_free_text(raw: str | None) -> str:
    """A free text (a note, a complaint): NFC, lines kept, stray controls removed."""
    text, _removed = strip_invisible(raw or "")
    return text.strip()


def clean_person_name(raw: str | None, max_len: int = 64) -> Checked:
    """A child's name: letters (any script), spaces, dots, hyphens and apostrophes only."""
    if _TAG.search(raw or ""):
        return Checked(None, TextError.BAD_CHARS)  # "<b>Lena</b>" is refused, not cleaned
    checked = clean_text(raw, max_len=max_len)
    if checked.value is None:
        return checked
    for ch in checked.value:
        category = unicodedata.category(ch)
        if not (category.startswith("L") or category.startswith("M") or ch in " .-'·‧’"):
            return Checked(None, TextError.BAD_CHARS)
    if not any(unicodedata.category(ch).startswith("L") for ch in checked.value):
        return Checked(None, TextError.BAD_CHARS)  # "-", "..." or a lone accent is no name
    return checked


def parse_int(raw: str | None, low: int, high: int) -> int | None:
    """A whole number within [low, high] (full-width digits accepted), else None."""
    text = unicodedata.normalize("NFKC", raw or "").strip()
    if not re.fullmatch(r"\d{1,6}", text):
        return None
    value = int(text)
    return value if low <= value <= high else None


def parse_range(raw: str | None, low: int, high: int) -> tuple[int, int] | None:
    """'3-5', '3–5', '3~5', '3 至 5' or a single '4', within [low, high] and ordered."""
    text = unicodedata.normalize("NFKC", raw or "").strip()
    match = re.fullmatch(r"(\d{1,2})\s*(?:[-–—~至到]|to|до)?\s*(\d{1,2})?", text)
    if not match:
        return None
    first = int(match.group(1))
    last = int(match.group(2)) if match.group(2) else first
    if not (low <= first <= last <= high):
        return None
    return first, last


def parse_time(raw: str | None) -> time | None:
    """'17:30', '17.30', '1730' or '9:05' as a time of day, else None."""
    text = unicodedata.normalize("NFKC", raw or "").strip()
    match = re.fullmatch(r"(\d{1,2})\s*[:.：]?\s*(\d{2})", text)
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def parse_date_range(raw: str | None, max_days: int = 62) -> tuple[date, date] | None:
    """'2026-10-01' or '2026-10-01 - 2026-10-07' (also '..', '~', '至'), ordered and short."""
    text = unicodedata.normalize("NFKC", raw or "").strip()
    found = re.findall(r"\d{4}-\d{1,2}-\d{1,2}", text)
    rest = re.sub(r"\d{4}-\d{1,2}-\d{1,2}", "", text)
    if not 1 <= len(found) <= 2 or re.sub(r"[\s\-–—~.至到]", "", rest):
        return None
    try:
        days = [date(*map(int, part.split("-"))) for part in found]
    except ValueError:
        return None
    first, last = days[0], days[-1]
    if last < first or (last - first).days >= max_days:
        return None
    return first, last


MAX_PHONE = 32
_PHONE = re.compile(r"\+?[\d\s()\-‐–—]+(?:\s*(?:ext\.?|доб\.?|转)\s*\d{1,6})?")


def parse_phone(raw: str | None) -> str | None:
    """A hotline number as people write it ('010-12345678', '(0571) 8765 4321', '12345',
    '+7 495 123-45-67', full-width digits too), tidied (spaces collapsed, dashes as '-'),
    with 3 to 20 digits; else None."""
    text = unicodedata.normalize("NFKC", raw or "").strip()
    if not _PHONE.fullmatch(text):
        return None
    tidy = re.sub(r"\s+", " ", re.sub(r"[‐–—]", "-", text))
    digits = sum(ch.isdigit() for ch in tidy)
    if not 3 <= digits <= 20 or len(tidy) > MAX_PHONE:
        return None
    return tidy
