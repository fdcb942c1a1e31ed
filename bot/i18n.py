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
from datetime import date, datetime, time, timedelta
from functools import cache, lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel.dates import format_date as _babel_format_date
from babel.dates import format_datetime as _babel_format_datetime
from babel.dates import format_interval, format_skeleton
from babel.dates import format_time as _babel_format_time
from babel.lists import format_list as _babel_format_list
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.numbers import format_percent as _babel_format_percent
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


def format_percent(share: float) -> str:
    """A share 0..1 as a whole percent: '85%', '85%', '85 %'."""
    return str(_babel_format_percent(share, "#,##0%", locale=babel_locale()))


def weekday_name(iso_day: int) -> str:
    """A weekday's full name, Monday = 1: 'Monday', '星期一', 'понедельник'."""
    return str(babel_locale().days["format"]["wide"][iso_day - 1])


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


def format_date_range(first: date, last: date) -> str:
    """'2026年10月1日至7日', '1–7 окт. 2026 г.', 'Oct 1 – 7, 2026'; one day as a date."""
    if first == last:
        return format_date(first)
    return str(format_interval(first, last, "yMMMd", locale=babel_locale()))


def format_time(value: time | datetime, fmt: str = "short") -> str:
    return str(_babel_format_time(value, format=fmt, locale=babel_locale()))


def format_datetime(value: datetime, fmt: str = "short") -> str:
    return str(_babel_format_datetime(value, format=fmt, locale=babel_locale()))


BEIJING_ZONES = frozenset(
    {"Asia/Shanghai", "Asia/Chongqing", "Asia/Chungking", "Asia/Harbin", "PRC"}
)
MOSCOW_ZONES = frozenset({"Europe/Moscow", "W-SU", "Europe/Simferopol", "Europe/Kirov"})
RUSSIAN_ZONES = frozenset(
    {
        "Europe/Kaliningrad", "Europe/Samara", "Europe/Volgograd", "Europe/Astrakhan",
        "Europe/Saratov", "Europe/Ulyanovsk", "Asia/Yekaterinburg", "Asia/Omsk",
        "Asia/Novosibirsk", "Asia/Barnaul", "Asia/Tomsk", "Asia/Novokuznetsk",
        "Asia/Krasnoyarsk", "Asia/Irkutsk", "Asia/Chita", "Asia/Yakutsk", "Asia/Khandyga",
        "Asia/Vladivostok", "Asia/Ust-Nera", "Asia/Magadan", "Asia/Sakhalin",
        "Asia/Srednekolymsk", "Asia/Kamchatka", "Asia/Anadyr",
    }
)  # fmt: skip
"""Russian zones other than Moscow's: named from Moscow's, 'МСК+4', as timetables there do."""


def _offset_text(offset: timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    return f"{sign}{hours}" + (f":{rest:02d}" if rest else "")


def zone_name(zone: str, at: datetime) -> str:
    """A time zone as people say it: 北京时间 / Beijing time / пекинское время, МСК / Moscow
    time / 莫斯科时间, 'МСК+4' for a Russian zone in Russian, otherwise its UTC offset at
    `at` ('UTC+5', 'UTC−3:30'), never an IANA name."""
    if zone in BEIJING_ZONES:
        return _("Beijing time")
    if zone in MOSCOW_ZONES:
        return _("Moscow time")
    offset = at.astimezone(ZoneInfo(zone)).utcoffset() or timedelta(0)
    if zone in RUSSIAN_ZONES and current_locale() == "ru":
        moscow = at.astimezone(ZoneInfo("Europe/Moscow")).utcoffset() or timedelta(0)
        return "МСК" + _offset_text(offset - moscow)
    return "UTC" + (_offset_text(offset) if offset else "")


def zone_label(zone: str, at: datetime) -> str:
    """A zone for a button: as people say it (`zone_name`), after its city when that alone
    would not tell it ('Ürümqi (UTC+6)', '乌鲁木齐（UTC+6）', 'Екатеринбург (МСК+2)')."""
    name = zone_name(zone, at)
    if zone in BEIJING_ZONES or zone in MOSCOW_ZONES:
        return name
    data = babel_locale().time_zones.get(zone) or {}
    city = data.get("city")
    if not city and "/" in zone and not zone.startswith("Etc/"):
        city = zone.rsplit("/", 1)[1].replace("_", " ")  # English: CLDR derives it so
    if not city:
        return name
    return _("{city} ({zone})").format(city=city, zone=name)


def same_clock(zone: str, other: str | None, at: datetime) -> bool:
    """Whether both zones show the same wall-clock time at `at` (None: unknown, taken as the
    same, so nothing is named)."""
    if other is None or other == zone:
        return True
    return at.astimezone(ZoneInfo(zone)).utcoffset() == at.astimezone(ZoneInfo(other)).utcoffset()


def format_local_datetime(
    moment: datetime,
    zone: str,
    user_zone: str | None = None,
    *,
    weekday: bool = True,
    year: bool = True,
) -> str:
    """A UTC moment as the clock in `zone` shows it, in the current locale: 'Thu, Feb 25,
    2027, 9:19 PM', '2027年2月25日周四 21:19', 'чт, 25 февр. 2027 г., 21:19'. The zone is named
    only when its clock differs from the user's usual zone (`user_zone`), as people say it:
    '... 21:19（莫斯科时间）', '... 4:19 PM (Beijing time)'."""
    local = moment.astimezone(ZoneInfo(zone))
    skeleton = ("y" if year else "") + ("MMMEd" if weekday else "MMMd")
    day = str(format_skeleton(skeleton, local.date(), locale=babel_locale()))
    clock = format_time(local)
    text = str(babel_locale().datetime_formats["medium"]).replace("{1}", day).replace("{0}", clock)
    if same_clock(zone, user_zone, moment):
        return text
    return _("{when} ({zone})").format(when=text, zone=zone_name(zone, moment))


def format_list(items: list[str]) -> str:
    """A list read as a phrase: 'Maths, Chinese, and English', '数学、语文和英语'."""
    return str(_babel_format_list(items, locale=babel_locale()))


def format_inventory(items: list[str]) -> str:
    """A register of items, without 'and': '1A, 1B, 1C', '1A、1B、1C' (the locale's own
    separator, from CLDR's list patterns, never one written in code)."""
    middle = str(babel_locale().list_patterns["standard"]["middle"])
    text = items[0] if items else ""
    for item in items[1:]:
        text = middle.format(text, item)
    return text


def language_name(locale: str) -> str:
    """A locale's own name for itself (for the language picker): '中文', 'Русский', 'English'.
    The language alone (CLDR's display name adds the script as '中文 (简体)', with ASCII
    brackets inside Chinese; we serve one Chinese script)."""
    name = str(_parsed(locale).get_language_name(locale) or locale)
    return name[:1].upper() + name[1:]
