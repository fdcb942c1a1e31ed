"""Dates and date ranges as people type them, given `today` and the user's locale.

Understood forms: ISO '2026-12-01'; Chinese '11月28日', '12月1日-3日', '2027年1月1日至1月3日',
'周五', '下周一', '明天', '后天', '5号'; numeric '28.11', '28.11.2026', '10.1-10.7' (day and month
in the locale's order, from Babel's short date pattern, unless only one order is a real date);
month names from Babel '1 Dec', 'Dec 1-3', '1-3 декабря'; relative 'tomorrow', 'завтра',
'next Monday', 'в пятницу'; ranges also 'this weekend', '周末', 'выходные'.

A date without a year is the next occurrence on or after `today` ('11月28日' on 29 November is
next year's); in a range, the end without a year is the next occurrence on or after the start
('30.12-8.01' crosses the new year). A bare weekday is the next one on or after `today`; 'next'
('下周一', 'next Monday', 'в следующий понедельник') is that day in the following Monday-first
week, 'this' ('本周五', 'this Friday') in the current week.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from babel.core import Locale, UnknownLocaleError
from babel.dates import get_date_format, get_month_names

from bot.domain.parsing.result import BreaksRule, NotUnderstood, Parsed, Rule, Understood
from bot.domain.parsing.text import all_digits, normalize


@dataclass(frozen=True)
class DateRange:
    first: date
    last: date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


@dataclass(frozen=True)
class _Partial:
    """A calendar date with parts left out: the year, or the month and the year."""

    day: int
    month: int | None = None
    year: int | None = None


class _Invalid(Exception):
    """All parts were read, but no such day exists (30 February)."""


_RELATIVE = {
    "今天": 0, "今日": 0, "today": 0, "сегодня": 0,
    "明天": 1, "明日": 1, "tomorrow": 1, "завтра": 1,
    "后天": 2, "day after tomorrow": 2, "the day after tomorrow": 2, "послезавтра": 2,
    "大后天": 3,
    "昨天": -1, "yesterday": -1, "вчера": -1,
    "前天": -2, "позавчера": -2,
}  # fmt: skip

_WEEKDAYS = {
    **dict.fromkeys(["monday", "mon", "понедельник", "пн"], 0),
    **dict.fromkeys(["tuesday", "tue", "tues", "вторник", "вт"], 1),
    **dict.fromkeys(["wednesday", "wed", "среда", "среду", "ср"], 2),
    **dict.fromkeys(["thursday", "thu", "thur", "thurs", "четверг", "чт"], 3),
    **dict.fromkeys(["friday", "fri", "пятница", "пятницу", "пт"], 4),
    **dict.fromkeys(["saturday", "sat", "суббота", "субботу", "сб"], 5),
    **dict.fromkeys(["sunday", "sun", "воскресенье", "вс"], 6),
}
_ZH_WEEKDAY = {**{str(n): n - 1 for n in range(1, 7)}, "日": 6, "天": 6, "7": 6}
_NEXT = r"(?:下个?|next|(?:в\s+)?следующ(?:ий|ую|ее|ая))"
_THIS = r"(?:本|这个?|this|(?:в\s+)?(?:эт(?:от|у|о|а)))"
_WEEKEND = r"(?:周末|weekend|выходные|выходных)"
_RANGE_SEPARATOR = re.compile(
    r"\s*(?:-|至|到|~|\bдо\b|\bпо\b|\bto\b|\buntil\b|\btill\b|\bthrough\b)\s*"
)
_LEADING = re.compile(r"^(?:(?:从|自)\s*|(?:с|from|on|в|во|на)\s+)(?=\S)")
_ORDINAL = r"(?:st|nd|rd|th|-?е|-?го|-?ое)?"


@cache
def _month_names() -> dict[str, int]:
    """Month names and abbreviations in ru and en, every grammatical form Babel has."""
    names: dict[str, int] = {"sept": 9}
    for locale in ("en", "ru"):
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                for number, name in get_month_names(width, context, locale).items():
                    names[name.lower().rstrip(".").replace("ё", "е")] = number
    return names


@cache
def _month_pattern() -> str:
    return "|".join(sorted(map(re.escape, _month_names()), key=len, reverse=True))


@cache
def _day_first(locale: str) -> bool:
    """Whether the locale writes the day before the month in numeric dates (ru: 28.11)."""
    try:
        pattern = get_date_format("short", Locale.parse(locale.replace("-", "_"))).pattern
    except (UnknownLocaleError, ValueError):
        return True
    return pattern.lower().find("d") < pattern.find("M")


def _make(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise _Invalid from exc


def _on_or_after(partial: _Partial, anchor: date) -> date:
    """The partial date completed to its next occurrence on or after `anchor`."""
    if partial.year is not None and partial.month is not None:
        return _make(partial.year, partial.month, partial.day)
    if partial.month is None:
        months = [(anchor.year + (anchor.month - 1 + k) // 12, (anchor.month - 1 + k) % 12 + 1)
                  for k in range(3)]  # fmt: skip
    else:
        months = [(anchor.year + k, partial.month) for k in range(5)]  # 29 Feb: a leap year
    for year, month in months:
        try:
            found = date(year, month, partial.day)
        except ValueError:
            continue
        if found >= anchor:
            return found
    raise _Invalid


def _weekday_date(text: str, today: date, anchor: date) -> date | None:
    """A weekday: 'next'/'this' counted in today's week, a bare one on or after `anchor`."""
    zh = re.fullmatch(rf"({_NEXT}{{1,2}}|{_THIS})?(?:周|星期|礼拜)([1-7日天])", text)
    word = re.fullmatch(rf"(?:(?:в|во|on)\s+)?(?:({_NEXT}|{_THIS})\s+)?([a-zа-я]+)\.?", text)
    if zh:
        prefix, weekday = zh.group(1) or "", _ZH_WEEKDAY[zh.group(2)]
    elif word and word.group(2) in _WEEKDAYS:
        prefix, weekday = word.group(1) or "", _WEEKDAYS[word.group(2)]
    else:
        return None
    monday = today - timedelta(days=today.weekday())
    if re.fullmatch(_THIS, prefix):
        return monday + timedelta(days=weekday)
    weeks = prefix.count("下") if prefix.startswith("下") else (1 if prefix else 0)
    if weeks:
        return monday + timedelta(weeks=weeks, days=weekday)
    return anchor + timedelta(days=(weekday - anchor.weekday()) % 7)


def _order(text: str, locale: str) -> bool:
    """Whether numeric dates in `text` put the day first: as one of them shows ('1.6-31.12'),
    else as the locale writes them."""
    for a, b in re.findall(r"(?<![\d.])(\d{1,2})[./](\d{1,2})", text):
        if int(a) > 12 >= int(b):
            return True
        if int(b) > 12 >= int(a):
            return False
    return _day_first(locale)


def _numeric(a: int, b: int, day_first: bool) -> tuple[int, int]:
    """(month, day) from two numbers, in the given order unless only the other one fits."""
    if a > 12 >= b:
        day_first = True
    elif b > 12 >= a:
        day_first = False
    return (b, a) if day_first else (a, b)


def _year(text: str | None) -> int | None:
    if text is None:
        return None
    return int(text) + 2000 if len(text) == 2 else int(text)


def _partial(text: str, day_first: bool, *, day_only: bool) -> _Partial | None:
    """One date with parts possibly left out; a lone day only where `day_only` allows it."""
    months = _month_pattern()
    if m := re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", text):
        return _Partial(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    m = re.fullmatch(r"(?:(\d{4})年)?(?:(\d{1,2})月)?(\d{1,2})[日号]?", text)
    if m and (m.group(2) or text[-1] in "日号" or day_only):
        month = int(m.group(2)) if m.group(2) else None
        return _Partial(int(m.group(3)), month, _year(m.group(1)))
    if m := re.fullmatch(r"(\d{1,2})[./](\d{1,2})(?:[./](\d{4}|\d{2}))?", text):
        month, day = _numeric(int(m.group(1)), int(m.group(2)), day_first)
        return _Partial(day, month, _year(m.group(3)))
    if m := re.fullmatch(
        rf"(\d{{1,2}}){_ORDINAL}\s*(?:of\s+)?({months})\.?,?(?:\s+(\d{{4}}))?", text
    ):
        return _Partial(int(m.group(1)), _month_names()[m.group(2)], _year(m.group(3)))
    if m := re.fullmatch(rf"({months})\.?\s*(\d{{1,2}}){_ORDINAL},?(?:\s+(\d{{4}}))?", text):
        return _Partial(int(m.group(2)), _month_names()[m.group(1)], _year(m.group(3)))
    if day_only and (m := re.fullmatch(rf"(\d{{1,2}}){_ORDINAL}", text)):
        return _Partial(int(m.group(1)))
    return None


def _fixed(text: str, today: date, anchor: date | None = None) -> date | None:
    """A date named relative to today: 明天, завтра, next Monday (a bare weekday: the next one
    on or after `anchor`, by default today)."""
    if text in _RELATIVE:
        return today + timedelta(days=_RELATIVE[text])
    return _weekday_date(text, today, anchor or today)


def _clean(raw: str | None) -> str:
    text = normalize(raw).strip(".。,，")
    return _LEADING.sub("", all_digits(text)).strip()


def _checked_date(value: date, today: date, allow_past: bool) -> Parsed[date]:
    if value < today and not allow_past:
        return BreaksRule(Rule.DATE_IN_PAST, value)
    return Understood(value)


def parse_date(
    raw: str | None, today: date, locale: str, *, allow_past: bool = False
) -> Parsed[date]:
    """One day; before `today` breaks DATE_IN_PAST unless `allow_past`."""
    text = _clean(raw)
    fixed = _fixed(text, today)
    if fixed is not None:
        return _checked_date(fixed, today, allow_past)
    partial = _partial(text, _order(text, locale), day_only=False)
    if partial is None:
        return NotUnderstood(text)
    try:
        value = _on_or_after(partial, today)
    except _Invalid:
        return BreaksRule(Rule.NO_SUCH_DATE)
    return _checked_date(value, today, allow_past)


def _weekend(text: str, today: date) -> DateRange | None:
    m = re.fullmatch(rf"(?:(?:на|in|at)\s+)?(?:({_NEXT}|{_THIS}|the)\s*)?{_WEEKEND}", text)
    if m is None:
        return None
    saturday = today - timedelta(days=today.weekday()) + timedelta(days=5)
    if m.group(1) and re.fullmatch(_NEXT, m.group(1)):
        saturday += timedelta(weeks=1)
    first = max(saturday, today)
    return DateRange(first, saturday + timedelta(days=1))


def _pair(left: str, right: str, today: date, day_first: bool) -> tuple[date, date] | None:
    """Both ends, each completed from the other: '12月1日-3日', '1-3 декабря', 'Dec 1-3'."""
    start = _fixed(left, today)
    end_fixed = _fixed(right, today, start)
    lp = None if start else _partial(left, day_first, day_only=True)
    rp = None if end_fixed else _partial(right, day_first, day_only=True)
    if (start is None and lp is None) or (end_fixed is None and rp is None):
        return None
    if lp is not None:
        if lp.month is None:
            if rp is None or rp.month is None:
                return None
            lp = _Partial(lp.day, rp.month, rp.year)
        start = _on_or_after(lp, today)
    assert start is not None
    if end_fixed is not None:
        return start, end_fixed
    assert rp is not None
    month = start.month if rp.month is None else rp.month
    if rp.year is not None:
        return start, _make(rp.year, month, rp.day)
    try:
        same_year: date | None = date(start.year, month, rp.day)
    except ValueError:
        same_year = None
    if same_year is not None and same_year >= start:
        return start, same_year
    wrapped = _on_or_after(_Partial(rp.day, month), start)
    if (wrapped - start).days <= 183 and month != start.month:  # across the new year
        return start, wrapped
    return start, same_year or wrapped


def parse_date_range(
    raw: str | None,
    today: date,
    locale: str,
    *,
    allow_past: bool = False,
    max_days: int | None = None,
) -> Parsed[DateRange]:
    """A first and a last day (one day is a range of one); a range whose end comes before its
    start breaks RANGE_REVERSED, one longer than `max_days` days RANGE_TOO_LONG, one starting
    before `today` DATE_IN_PAST unless `allow_past`."""
    text = _clean(raw)
    found: DateRange | None = _weekend(text, today)
    try:
        if found is None:
            single = parse_date(text, today, locale, allow_past=True)
            if isinstance(single, Understood):
                found = DateRange(single.value, single.value)
            elif isinstance(single, BreaksRule):
                return BreaksRule(single.rule)
        for separator in [] if found else _RANGE_SEPARATOR.finditer(text):
            left, right = text[: separator.start()], text[separator.end() :]
            ends = _pair(left, right, today, _order(text, locale))
            if ends is not None:
                found = DateRange(*ends)
                break
    except _Invalid:
        return BreaksRule(Rule.NO_SUCH_DATE)
    if found is None:
        return NotUnderstood(text)
    if found.last < found.first:
        return BreaksRule(Rule.RANGE_REVERSED, found)
    if max_days is not None and found.days > max_days:
        return BreaksRule(Rule.RANGE_TOO_LONG, found)
    if found.first < today and not allow_past:
        return BreaksRule(Rule.DATE_IN_PAST, found)
    return Understood(found)
