"""Dates and date ranges in zh, ru and en; today is Wednesday 25 November 2026."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.parsing.dates import DateRange, parse_date, parse_date_range
from bot.domain.parsing.result import Rule, Understood
from tests.parsing_cases import NOT, Case, assert_parsed, breaks, ok

TODAY = date(2026, 11, 25)  # a Wednesday
PAST, NO_SUCH = Rule.DATE_IN_PAST, Rule.NO_SUCH_DATE


def d(month: int, day: int, year: int = 2026) -> date:
    return date(year, month, day)


def r(first: date, last: date) -> DateRange:
    return DateRange(first, last)


ZH: list[Case] = [
    ("11月28日", ok(d(11, 28))),
    ("周五", ok(d(11, 27))),
    ("下周一", ok(d(11, 30))),
    ("明天", ok(d(11, 26))),
    ("后天", ok(d(11, 27))),
    ("今天", ok(TODAY)),
    ("大后天", ok(d(11, 28))),
    ("十一月二十八日", ok(d(11, 28))),
    ("12月1日", ok(d(12, 1))),
    ("12月1号", ok(d(12, 1))),
    ("12月1", ok(d(12, 1))),
    ("１２月１日", ok(d(12, 1))),
    ("5号", ok(d(12, 5))),
    ("28号", ok(d(11, 28))),
    ("25日", ok(TODAY)),
    ("2027年1月5日", ok(d(1, 5, 2027))),
    ("二〇二七年一月五日", ok(d(1, 5, 2027))),
    ("2026/12/1", ok(d(12, 1))),
    ("2026.12.1", ok(d(12, 1))),
    ("12.1", ok(d(12, 1))),
    ("1月5日", ok(d(1, 5, 2027))),
    ("11月24日", ok(d(11, 24, 2027))),  # year-less: the next 24 November
    ("周三", ok(TODAY)),
    ("星期五", ok(d(11, 27))),
    ("礼拜六", ok(d(11, 28))),
    ("周日", ok(d(11, 29))),
    ("星期天", ok(d(11, 29))),
    ("周一", ok(d(11, 30))),
    ("下周五", ok(d(12, 4))),
    ("下个星期一", ok(d(11, 30))),
    ("下下周一", ok(d(12, 7))),
    ("本周五", ok(d(11, 27))),
    ("这周六", ok(d(11, 28))),
    ("从12月1日", ok(d(12, 1))),
    ("本周一", breaks(PAST, d(11, 23))),
    ("昨天", breaks(PAST, d(11, 24))),
    ("前天", breaks(PAST, d(11, 23))),
    ("2025年12月1日", breaks(PAST, d(12, 1, 2025))),
    ("2月30日", breaks(NO_SUCH)),
    ("11月31日", breaks(NO_SUCH)),
    ("13月1日", breaks(NO_SUCH)),
    ("周八", NOT),
    ("下周", NOT),
    ("月底", NOT),
    ("过几天", NOT),
    ("5", NOT),
]

RU: list[Case] = [
    ("28.11", ok(d(11, 28))),
    ("28.11.2026", ok(d(11, 28))),
    ("завтра", ok(d(11, 26))),
    ("Завтра", ok(d(11, 26))),
    ("сегодня", ok(TODAY)),
    ("послезавтра", ok(d(11, 27))),
    ("1.12", ok(d(12, 1))),
    ("01.12", ok(d(12, 1))),
    ("1.12.26", ok(d(12, 1))),
    ("01.12.2026", ok(d(12, 1))),
    ("1/12", ok(d(12, 1))),
    ("10.1", ok(d(1, 10, 2027))),  # day first in Russian
    ("3 декабря", ok(d(12, 3))),
    ("3 дек", ok(d(12, 3))),
    ("3 дек.", ok(d(12, 3))),
    ("3 декабря 2026", ok(d(12, 3))),
    ("1 января", ok(d(1, 1, 2027))),
    ("31 декабря", ok(d(12, 31))),
    ("1-е декабря", ok(d(12, 1))),
    ("8 марта", ok(d(3, 8, 2027))),
    ("12 сентября", ok(d(9, 12, 2027))),
    ("пятница", ok(d(11, 27))),
    ("в пятницу", ok(d(11, 27))),
    ("в среду", ok(TODAY)),
    ("пт", ok(d(11, 27))),
    ("сб", ok(d(11, 28))),
    ("во вторник", ok(d(12, 1))),
    ("в понедельник", ok(d(11, 30))),
    ("в следующий понедельник", ok(d(11, 30))),
    ("в следующую пятницу", ok(d(12, 4))),
    ("в эту пятницу", ok(d(11, 27))),
    ("на 3 декабря", ok(d(12, 3))),
    ("2026-12-01", ok(d(12, 1))),
    ("вчера", breaks(PAST, d(11, 24))),
    ("позавчера", breaks(PAST, d(11, 23))),
    ("в этот понедельник", breaks(PAST, d(11, 23))),
    ("1.09.2026", breaks(PAST, d(9, 1))),
    ("30.02", breaks(NO_SUCH)),
    ("31.11", breaks(NO_SUCH)),
    ("32.12", breaks(NO_SUCH)),
    ("31 ноября", breaks(NO_SUCH)),
    ("на днях", NOT),
    ("через неделю", NOT),
    ("декабрь", NOT),
    ("десятое", NOT),
]

EN: list[Case] = [
    ("Dec 1", ok(d(12, 1))),
    ("1 Dec", ok(d(12, 1))),
    ("tomorrow", ok(d(11, 26))),
    ("Tomorrow", ok(d(11, 26))),
    ("today", ok(TODAY)),
    ("the day after tomorrow", ok(d(11, 27))),
    ("next Monday", ok(d(11, 30))),
    ("next Friday", ok(d(12, 4))),
    ("this Friday", ok(d(11, 27))),
    ("Friday", ok(d(11, 27))),
    ("on Friday", ok(d(11, 27))),
    ("fri", ok(d(11, 27))),
    ("Sat.", ok(d(11, 28))),
    ("Wednesday", ok(TODAY)),
    ("2026-12-01", ok(d(12, 1))),
    ("2027-01-04", ok(d(1, 4, 2027))),
    ("December 1", ok(d(12, 1))),
    ("December 1st", ok(d(12, 1))),
    ("1st of December", ok(d(12, 1))),
    ("1st December", ok(d(12, 1))),
    ("Dec. 3", ok(d(12, 3))),
    ("Dec 3, 2026", ok(d(12, 3))),
    ("3 December 2026", ok(d(12, 3))),
    ("Sept 12", ok(d(9, 12, 2027))),
    ("Jan 4", ok(d(1, 4, 2027))),
    ("12/1", ok(d(12, 1))),  # month first in English (CLDR en: M/d/yy)
    ("1/12", ok(d(1, 12, 2027))),
    ("28/11", ok(d(11, 28))),  # only day-first is a real date
    ("28.11", ok(d(11, 28))),
    ("12/1/2026", ok(d(12, 1))),
    ("on Dec 1", ok(d(12, 1))),
    ("yesterday", breaks(PAST, d(11, 24))),
    ("this Monday", breaks(PAST, d(11, 23))),
    ("2026-11-01", breaks(PAST, d(11, 1))),
    ("Nov 1 2026", breaks(PAST, d(11, 1))),
    ("Feb 30", breaks(NO_SUCH)),
    ("2026-02-30", breaks(NO_SUCH)),
    ("Nov 31", breaks(NO_SUCH)),
    ("13/13", breaks(NO_SUCH)),
    ("soon", NOT),
    ("next week", NOT),
    ("December", NOT),
    ("in 3 days", NOT),
    ("someday", NOT),
    ("", NOT),
    (None, NOT),
]


def by_locale(**cases: list[Case]) -> list[tuple[str | None, object, str]]:
    return [(text, expected, locale) for locale, pairs in cases.items() for text, expected in pairs]


@pytest.mark.parametrize(("text", "expected", "locale"), by_locale(zh=ZH, ru=RU, en=EN))
def test_parse_date(text: str | None, expected: object, locale: str) -> None:
    assert_parsed(parse_date(text, TODAY, locale), expected)


def test_a_past_date_is_understood_when_allowed() -> None:
    assert parse_date("昨天", TODAY, "zh", allow_past=True) == ok(d(11, 24))
    assert parse_date("1.09.2026", TODAY, "ru", allow_past=True) == ok(d(9, 1))


def test_29_february_without_a_year_is_the_next_leap_day() -> None:
    assert parse_date("2月29日", TODAY, "zh") == ok(d(2, 29, 2028))


REVERSED, TOO_LONG = Rule.RANGE_REVERSED, Rule.RANGE_TOO_LONG

RANGES_ZH: list[Case] = [
    ("12月1日-3日", ok(r(d(12, 1), d(12, 3)))),
    ("10.1-10.7", ok(r(d(10, 1, 2027), d(10, 7, 2027)))),
    ("2027年1月1日至1月3日", ok(r(d(1, 1, 2027), d(1, 3, 2027)))),
    ("12月1日至3日", ok(r(d(12, 1), d(12, 3)))),
    ("12月1日到12月3日", ok(r(d(12, 1), d(12, 3)))),
    ("12月1日~3日", ok(r(d(12, 1), d(12, 3)))),
    ("12月1日—3日", ok(r(d(12, 1), d(12, 3)))),
    ("从12月1日到3日", ok(r(d(12, 1), d(12, 3)))),
    ("十二月一日至三日", ok(r(d(12, 1), d(12, 3)))),
    ("1月20日-2月17日", ok(r(d(1, 20, 2027), d(2, 17, 2027)))),
    ("12月30日-1月2日", ok(r(d(12, 30), d(1, 2, 2027)))),
    ("周五到下周一", ok(r(d(11, 27), d(11, 30)))),
    ("周一至周五", ok(r(d(11, 30), d(12, 4)))),
    ("明天到后天", ok(r(d(11, 26), d(11, 27)))),
    ("周末", ok(r(d(11, 28), d(11, 29)))),
    ("这周末", ok(r(d(11, 28), d(11, 29)))),
    ("下周末", ok(r(d(12, 5), d(12, 6)))),
    ("12月1日", ok(r(d(12, 1), d(12, 1)))),
    ("12月3日-1日", breaks(REVERSED, r(d(12, 3), d(12, 1)))),
    ("3月5日-2月1日", breaks(REVERSED, r(d(3, 5, 2027), d(2, 1, 2027)))),
    ("2025年1月1日至1月3日", breaks(PAST, r(d(1, 1, 2025), d(1, 3, 2025)))),
    ("2月28日-30日", breaks(NO_SUCH)),
    ("12月1日-", NOT),
    ("下周", NOT),
]

RANGES_RU: list[Case] = [
    ("1-3 декабря", ok(r(d(12, 1), d(12, 3)))),
    ("1 - 3 декабря", ok(r(d(12, 1), d(12, 3)))),
    ("с 1 по 3 декабря", ok(r(d(12, 1), d(12, 3)))),
    ("с 1 декабря по 3 декабря", ok(r(d(12, 1), d(12, 3)))),
    ("1 декабря - 3 декабря", ok(r(d(12, 1), d(12, 3)))),
    ("30.12-8.01", ok(r(d(12, 30), d(1, 8, 2027)))),
    ("с 30.12 по 8.01", ok(r(d(12, 30), d(1, 8, 2027)))),
    ("30.12.2026-08.01.2027", ok(r(d(12, 30), d(1, 8, 2027)))),
    ("28 дек - 8 янв", ok(r(d(12, 28), d(1, 8, 2027)))),
    ("пн-пт", ok(r(d(11, 30), d(12, 4)))),
    ("выходные", ok(r(d(11, 28), d(11, 29)))),
    ("на выходных", ok(r(d(11, 28), d(11, 29)))),
    ("завтра", ok(r(d(11, 26), d(11, 26)))),
    ("3-1 декабря", breaks(REVERSED, r(d(12, 3), d(12, 1)))),
    ("1-3", NOT),
    ("декабрь", NOT),
]

RANGES_EN: list[Case] = [
    ("Dec 1-3", ok(r(d(12, 1), d(12, 3)))),
    ("Dec 1 - 3", ok(r(d(12, 1), d(12, 3)))),
    ("Dec 1 to Dec 3", ok(r(d(12, 1), d(12, 3)))),
    ("1-3 Dec", ok(r(d(12, 1), d(12, 3)))),
    ("from Dec 1 to 3", ok(r(d(12, 1), d(12, 3)))),
    ("December 22 - January 5", ok(r(d(12, 22), d(1, 5, 2027)))),
    ("2026-12-01 - 2026-12-03", ok(r(d(12, 1), d(12, 3)))),
    ("2026-12-01 to 2026-12-03", ok(r(d(12, 1), d(12, 3)))),
    ("12/21-1/4", ok(r(d(12, 21), d(1, 4, 2027)))),
    ("Mon-Fri", ok(r(d(11, 30), d(12, 4)))),
    ("Friday to next Monday", ok(r(d(11, 27), d(11, 30)))),
    ("this weekend", ok(r(d(11, 28), d(11, 29)))),
    ("the weekend", ok(r(d(11, 28), d(11, 29)))),
    ("next weekend", ok(r(d(12, 5), d(12, 6)))),
    ("tomorrow", ok(r(d(11, 26), d(11, 26)))),
    ("Dec 3-1", breaks(REVERSED, r(d(12, 3), d(12, 1)))),
    ("2026-12-03 - 2026-12-01", breaks(REVERSED, r(d(12, 3), d(12, 1)))),
    ("2026-11-01 - 2026-11-03", breaks(PAST, r(d(11, 1), d(11, 3)))),
    ("Dec 1 -", NOT),
    ("the holidays", NOT),
]


@pytest.mark.parametrize(
    ("text", "expected", "locale"), by_locale(zh=RANGES_ZH, ru=RANGES_RU, en=RANGES_EN)
)
def test_parse_date_range(text: str, expected: object, locale: str) -> None:
    assert_parsed(parse_date_range(text, TODAY, locale), expected)


def test_a_range_longer_than_allowed() -> None:
    assert parse_date_range("12月1日-31日", TODAY, "zh", max_days=30) == breaks(
        TOO_LONG, r(d(12, 1), d(12, 31))
    )
    assert parse_date_range("12月1日-30日", TODAY, "zh", max_days=30) == ok(r(d(12, 1), d(12, 30)))


def test_the_weekend_on_a_sunday_starts_today() -> None:
    sunday = date(2026, 11, 29)
    assert parse_date_range("周末", sunday, "zh") == ok(r(sunday, sunday))


def test_one_unambiguous_date_sets_the_order_of_the_other() -> None:
    # en writes the month first, but 31.8 can only be day first, so 1.6 is 1 June
    assert parse_date_range("1.6-31.8", TODAY, "en") == ok(r(d(6, 1, 2027), d(8, 31, 2027)))


@pytest.mark.parametrize(
    ("locale", "expected"),
    [("zh_Hans", (10, 1)), ("zh-Hans", (10, 1)), ("en", (10, 1)), ("ru", (1, 10))],
)
def test_numeric_order_follows_the_locale_as_the_bot_names_it(
    locale: str, expected: tuple[int, int]
) -> None:
    """The handlers pass Babel's 'zh_Hans': month first, as Chinese writes 10.1 (1 October)."""
    parsed = parse_date("10.1", date(2026, 9, 1), locale)
    assert isinstance(parsed, Understood)
    assert (parsed.value.month, parsed.value.day) == expected
