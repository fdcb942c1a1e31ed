"""Translations and locale-aware formatting; the current locale lives in a ContextVar.

Catalogues are the `.po` files under `locales/<locale>/LC_MESSAGES/messages.po`, compiled
in memory on first use, so a fresh clone needs no compile step.
"""

from __future__ import annotations

import gettext as _gettext
import io
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, time
from functools import cache, lru_cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date as _babel_format_date
from babel.dates import format_datetime as _babel_format_datetime
from babel.dates import format_skeleton
from babel.dates import format_time as _babel_format_time
from babel.lists import format_list as _babel_format_list
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.units import format_unit

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
LOCALES: tuple[str, ...] = ("zh_Hans", "en", "ru")
DEFAULT_LOCALE = "en"
# Telegram sends e.g. "zh-hans", "zh-cn", "zh-tw", "ru", "en-US": any Chinese is served zh_Hans.
_BY_LANGUAGE = {"zh": "zh_Hans", "en": "en", "ru": "ru"}

_current: ContextVar[str] = ContextVar("qingfu_locale", default=DEFAULT_LOCALE)


@lru_cache(maxsize=1024)
def negotiate(language_code: str | None) -> str:
    """Our locale for a Telegram language code: exact, language+script, language, English."""
    if not language_code:
        return DEFAULT_LOCALE
    try:
        parsed = Locale.parse(language_code.replace("_", "-"), sep="-")
    except (UnknownLocaleError, ValueError, TypeError):
        language = language_code.split("-")[0].split("_")[0].lower()
        return _BY_LANGUAGE.get(language, DEFAULT_LOCALE)
    candidates = [str(parsed)]
    if parsed.script:
        candidates.append(f"{parsed.language}_{parsed.script}")
    for candidate in candidates:
        if candidate in LOCALES:
            return candidate
    return _BY_LANGUAGE.get(parsed.language, DEFAULT_LOCALE)


@cache
def translations(locale: str) -> _gettext.NullTranslations:
    """The compiled catalogue of a locale (English falls back to the msgids)."""
    po = LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po"
    if not po.exists():
        return _gettext.NullTranslations()
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return _gettext.GNUTranslations(buffer)


def current_locale() -> str:
    return _current.get()


def set_locale(locale: str) -> None:
    """Make `locale` current for the rest of this task (one update, one job step)."""
    _current.set(locale if locale in LOCALES else DEFAULT_LOCALE)


@contextmanager
def use_locale(locale: str) -> Iterator[None]:
    """Render with `locale` inside the block, e.g. when messaging another user."""
    token = _current.set(locale if locale in LOCALES else DEFAULT_LOCALE)
    try:
        yield
    finally:
        _current.reset(token)


def gettext(message: str) -> str:
    return translations(_current.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(_current.get()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    return translations(_current.get()).pgettext(context, message)


_ = gettext


def N_(message: str) -> str:
    """Mark a string for extraction without translating it (translate later with `_`)."""
    return message


@cache
def _parsed(locale: str) -> Locale:
    """Babel's Locale, parsed once per locale (parsing is a good part of every format call)."""
    return Locale.parse(locale)


def babel_locale() -> Locale:
    return _parsed(_current.get())


def format_minutes(minutes: int | float) -> str:
    """A duration in minutes as the locale writes it: '45 min', '45分钟', '45 мин'."""
    return _format_minutes(_current.get(), minutes)


@lru_cache(maxsize=8192)
def _format_minutes(locale: str, minutes: int | float) -> str:
    return str(format_unit(minutes, "duration-minute", length="short", locale=_parsed(locale)))


def format_number(value: int | float) -> str:
    return str(format_decimal(value, locale=babel_locale()))


def format_day(day: date) -> str:
    """A short weekday-and-date label: 'Thu, Nov 14', '11月14日周四', 'чт, 14 нояб.'."""
    return _format_day(_current.get(), day)


@lru_cache(maxsize=4096)
def _format_day(locale: str, day: date) -> str:
    return str(format_skeleton("MMMEd", day, locale=_parsed(locale)))


def format_month(day: date) -> str:
    """A calendar's title: 'November 2026', '2026年11月', 'Ноябрь 2026 г.'."""
    text = str(format_skeleton("yMMMM", day, locale=babel_locale()))
    return text[:1].upper() + text[1:]


def weekday_headers() -> list[str]:
    """The weekdays' short stand-alone names, Monday first: 'Mo', '周一', 'пн'."""
    days = babel_locale().days["stand-alone"]["short"]
    return [str(days[i]) for i in range(7)]


def format_date(day: date, fmt: str = "medium") -> str:
    return str(_babel_format_date(day, format=fmt, locale=babel_locale()))


def format_time(value: time | datetime, fmt: str = "short") -> str:
    return str(_babel_format_time(value, format=fmt, locale=babel_locale()))


def format_datetime(value: datetime, fmt: str = "short") -> str:
    return str(_babel_format_datetime(value, format=fmt, locale=babel_locale()))


def format_list(items: list[str]) -> str:
    return str(_babel_format_list(items, locale=babel_locale()))


def language_name(locale: str) -> str:
    """A locale's own name for itself (for the language picker)."""
    return str(_parsed(locale).get_display_name(locale) or locale).capitalize()
