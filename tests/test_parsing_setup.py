"""Set-up input: pasted class lists, named holidays and time zones, in zh, ru and en."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.parsing.holidays import Holiday, parse_holiday
from bot.domain.parsing.result import Rule
from bot.domain.parsing.roster import MAX_NAMES, Roster, parse_roster
from bot.domain.parsing.timezones import parse_timezone
from tests.parsing_cases import NOT, assert_parsed, breaks, ok

ROSTERS = [
    ("1\t张伟\n2\t李娜\n3\t王芳", ok(Roster(("张伟", "李娜", "王芳")))),
    (
        "1\t张伟\n2\t李娜\n3\t王芳\n4\t张伟",
        ok(Roster(("张伟", "李娜", "王芳", "张伟"), duplicates=("张伟",))),
    ),
    (
        "序号\t姓名\t性别\n1\t张伟\t男\n2\t李娜\t女\n\n合计\t2",
        ok(Roster(("张伟", "李娜"), junk=("序号\t姓名\t性别", "合计\t2"))),
    ),
    ("张伟、李娜、王芳", ok(Roster(("张伟", "李娜", "王芳")))),
    ("张伟，李娜，王芳", ok(Roster(("张伟", "李娜", "王芳")))),
    ("张伟；李娜；王芳", ok(Roster(("张伟", "李娜", "王芳")))),
    ("1、张伟\n2、李娜\r\n3、欧阳娜娜", ok(Roster(("张伟", "李娜", "欧阳娜娜")))),
    ("20230101\t张伟\n20230102\t李娜", ok(Roster(("张伟", "李娜")))),
    ("张伟\n李娜\n=SUM(A1:A2)", ok(Roster(("张伟", "李娜"), junk=("=SUM(A1:A2)",)))),
    ("买买提·艾力\n李娜", ok(Roster(("买买提·艾力", "李娜")))),
    (
        "№\tФИО\n1\tИванов Иван\n2\tПетрова Мария",
        ok(Roster(("Иванов Иван", "Петрова Мария"), junk=("№\tФИО",))),
    ),
    (
        "Иванов Иван, Петрова Мария; Сидоров Пётр",
        ok(Roster(("Иванов Иван", "Петрова Мария", "Сидоров Пётр"))),
    ),
    ("1. Иванов Иван\n2. Петрова Мария", ok(Roster(("Иванов Иван", "Петрова Мария")))),
    ("Иванов\nИванов", ok(Roster(("Иванов", "Иванов"), duplicates=("Иванов",)))),
    (
        "1. Anna Smith\n2. Tom Brown\n---\n=SUM(A1:A3)",
        ok(Roster(("Anna Smith", "Tom Brown"), junk=("---", "=SUM(A1:A3)"))),
    ),
    (
        "Name\tGender\nAnna Smith\tF\nTom O'Brien\tM",
        ok(Roster(("Anna Smith", "Tom O'Brien"), junk=("Name\tGender",))),
    ),
    ("Anna, Tom, Mary-Jane", ok(Roster(("Anna", "Tom", "Mary-Jane")))),
    ("", NOT),
    ("12345\n----", NOT),
    ("序号\t姓名", NOT),
]


@pytest.mark.parametrize(("text", "expected"), ROSTERS)
def test_parse_roster(text: str, expected: object) -> None:
    assert_parsed(parse_roster(text), expected)


def test_a_roster_longer_than_allowed() -> None:
    names = [f"Pupil {chr(65 + i // 26)}{chr(97 + i % 26)}" for i in range(MAX_NAMES + 1)]
    result = parse_roster("\n".join(names))
    assert result == breaks(Rule.TOO_MANY_NAMES, Roster(tuple(names)))


SEPTEMBER = date(2026, 9, 1)

HOLIDAYS = [
    ("国庆 10月1日-7日", "zh", ok(Holiday("国庆", date(2026, 10, 1), date(2026, 10, 7)))),
    ("寒假 1月20日-2月17日", "zh", ok(Holiday("寒假", date(2027, 1, 20), date(2027, 2, 17)))),
    ("国庆节：10月1日至7日", "zh", ok(Holiday("国庆节", date(2026, 10, 1), date(2026, 10, 7)))),
    ("10月1日-7日 国庆", "zh", ok(Holiday("国庆", date(2026, 10, 1), date(2026, 10, 7)))),
    ("国庆10.1-10.7", "zh", ok(Holiday("国庆", date(2026, 10, 1), date(2026, 10, 7)))),
    ("10.1-10.7", "zh", ok(Holiday(None, date(2026, 10, 1), date(2026, 10, 7)))),
    ("元旦1月1日", "zh", ok(Holiday("元旦", date(2027, 1, 1), date(2027, 1, 1)))),
    ("暑假 7月1日-8月31日", "zh", ok(Holiday("暑假", date(2027, 7, 1), date(2027, 8, 31)))),
    (
        "国庆 10月7日-1日",
        "zh",
        breaks(Rule.RANGE_REVERSED, Holiday("国庆", date(2026, 10, 7), date(2026, 10, 1))),
    ),
    ("国庆", "zh", NOT),
    (
        "Новогодние каникулы 30.12-8.01",
        "ru",
        ok(Holiday("Новогодние каникулы", date(2026, 12, 30), date(2027, 1, 8))),
    ),
    (
        "осенние каникулы 26.10-3.11",
        "ru",
        ok(Holiday("осенние каникулы", date(2026, 10, 26), date(2026, 11, 3))),
    ),
    (
        "Каникулы: с 28 декабря по 8 января",
        "ru",
        ok(Holiday("Каникулы", date(2026, 12, 28), date(2027, 1, 8))),
    ),
    ("каникулы", "ru", NOT),
    ("Half term 26-30 Oct", "en", ok(Holiday("Half term", date(2026, 10, 26), date(2026, 10, 30)))),
    (
        "Winter break Dec 21 - Jan 4",
        "en",
        ok(Holiday("Winter break", date(2026, 12, 21), date(2027, 1, 4))),
    ),
    (
        "Christmas 2026-12-24 - 2027-01-03",
        "en",
        ok(Holiday("Christmas", date(2026, 12, 24), date(2027, 1, 3))),
    ),
    (
        "Summer 1.6-31.12",
        "en",
        breaks(Rule.RANGE_TOO_LONG, Holiday("Summer", date(2027, 6, 1), date(2027, 12, 31))),
    ),
    ("Easter", "en", NOT),
]


@pytest.mark.parametrize(("text", "locale", "expected"), HOLIDAYS)
def test_parse_holiday(text: str, locale: str, expected: object) -> None:
    assert_parsed(parse_holiday(text, SEPTEMBER, locale), expected)


ZONES = [
    ("北京时间", ok("Asia/Shanghai")),
    ("北京", ok("Asia/Shanghai")),
    ("中国标准时间", ok("Asia/Shanghai")),
    ("上海", ok("Asia/Shanghai")),
    ("上海时间", ok("Asia/Shanghai")),
    ("广州", ok("Asia/Shanghai")),
    ("香港", ok("Asia/Hong_Kong")),
    ("东京", ok("Asia/Tokyo")),
    ("莫斯科", ok("Europe/Moscow")),
    ("纽约", ok("America/New_York")),
    ("МСК", ok("Europe/Moscow")),
    ("мск", ok("Europe/Moscow")),
    ("Москва", ok("Europe/Moscow")),
    ("московское время", ok("Europe/Moscow")),
    ("Санкт-Петербург", ok("Europe/Moscow")),
    ("МСК+2", ok("Asia/Yekaterinburg")),
    ("МСК+4", ok("Asia/Krasnoyarsk")),
    ("МСК-1", ok("Europe/Kaliningrad")),
    ("Екатеринбург", ok("Asia/Yekaterinburg")),
    ("Новосибирск", ok("Asia/Novosibirsk")),
    ("Владивосток", ok("Asia/Vladivostok")),
    ("Калининград", ok("Europe/Kaliningrad")),
    ("Токио", ok("Asia/Tokyo")),
    ("Beijing", ok("Asia/Shanghai")),
    ("Beijing time", ok("Asia/Shanghai")),
    ("Moscow", ok("Europe/Moscow")),
    ("London", ok("Europe/London")),
    ("new york", ok("America/New_York")),
    ("Asia/Shanghai", ok("Asia/Shanghai")),
    ("asia/shanghai", ok("Asia/Shanghai")),
    ("Europe/Moscow", ok("Europe/Moscow")),
    ("UTC", ok("Etc/UTC")),
    ("UTC+8", ok("Etc/GMT-8")),
    ("UTC+08:00", ok("Etc/GMT-8")),
    ("GMT+3", ok("Etc/GMT-3")),
    ("UTC-5", ok("Etc/GMT+5")),
    ("+8", ok("Etc/GMT-8")),
    ("UTC+0", ok("Etc/UTC")),
    ("UTC+5:30", breaks(Rule.OFFSET_NOT_WHOLE_HOURS)),
    ("UTC+15", NOT),
    ("МСК+12", NOT),
    ("火星时间", NOT),
    ("Марс", NOT),
    ("CST", NOT),  # China, Central or Cuba: ambiguous
    ("", NOT),
]


@pytest.mark.parametrize(("text", "expected"), ZONES)
def test_parse_timezone(text: str, expected: object) -> None:
    assert_parsed(parse_timezone(text), expected)
