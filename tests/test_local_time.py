"""Times as users read them (bot.i18n.format_local_datetime, zone_name): the school's clock in
the user's locale with the weekday; the zone named only when it differs from the user's own,
and then as people say it (北京时间, МСК, Moscow time, МСК+2, UTC+5), never an IANA name."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.i18n import format_local_datetime, same_clock, use_locale, zone_name

# Thursday 25 February 2027, 13:19 UTC: 21:19 in Beijing, 16:19 in Moscow.
MOMENT = datetime(2027, 2, 25, 13, 19, tzinfo=UTC)
SHANGHAI, MOSCOW = "Asia/Shanghai", "Europe/Moscow"


def nbsp(text: str) -> str:
    return text.replace("\u202f", " ")


@pytest.mark.parametrize(
    ("locale", "zone", "user_zone", "expected"),
    [
        ("zh_Hans", SHANGHAI, SHANGHAI, "2027年2月25日周四 21:19"),
        ("zh_Hans", MOSCOW, SHANGHAI, "2027年2月25日周四 16:19（莫斯科时间）"),
        ("zh_Hans", SHANGHAI, MOSCOW, "2027年2月25日周四 21:19（北京时间）"),
        ("zh_Hans", SHANGHAI, "Asia/Chongqing", "2027年2月25日周四 21:19"),  # the same clock
        ("ru", MOSCOW, MOSCOW, "чт, 25 февр. 2027 г., 16:19"),
        ("ru", MOSCOW, SHANGHAI, "чт, 25 февр. 2027 г., 16:19 (МСК)"),
        ("ru", SHANGHAI, MOSCOW, "чт, 25 февр. 2027 г., 21:19 (пекинское время)"),
        ("ru", "Asia/Yekaterinburg", MOSCOW, "чт, 25 февр. 2027 г., 18:19 (МСК+2)"),
        ("en", SHANGHAI, SHANGHAI, "Thu, Feb 25, 2027, 9:19 PM"),
        ("en", MOSCOW, SHANGHAI, "Thu, Feb 25, 2027, 4:19 PM (Moscow time)"),
        ("en", SHANGHAI, MOSCOW, "Thu, Feb 25, 2027, 9:19 PM (Beijing time)"),
        ("en", "Asia/Yekaterinburg", MOSCOW, "Thu, Feb 25, 2027, 6:19 PM (UTC+5)"),
        ("en", "Asia/Kolkata", SHANGHAI, "Thu, Feb 25, 2027, 6:49 PM (UTC+5:30)"),
        ("en", "Etc/UTC", SHANGHAI, "Thu, Feb 25, 2027, 1:19 PM (UTC)"),
        ("en", SHANGHAI, None, "Thu, Feb 25, 2027, 9:19 PM"),  # unknown: not named
    ],
)
def test_format_local_datetime(
    locale: str, zone: str, user_zone: str | None, expected: str
) -> None:
    with use_locale(locale):
        assert nbsp(format_local_datetime(MOMENT, zone, user_zone)) == expected


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("zh_Hans", "2月25日周四 21:19"),
        ("ru", "чт, 25 февр., 21:19"),
        ("en", "Thu, Feb 25, 9:19 PM"),
    ],
)
def test_without_the_year(locale: str, expected: str) -> None:
    with use_locale(locale):
        assert nbsp(format_local_datetime(MOMENT, SHANGHAI, year=False)) == expected


@pytest.mark.parametrize(
    ("locale", "zone", "expected"),
    [
        ("zh_Hans", SHANGHAI, "北京时间"),
        ("zh_Hans", MOSCOW, "莫斯科时间"),
        ("ru", MOSCOW, "МСК"),
        ("ru", "Asia/Vladivostok", "МСК+7"),
        ("ru", "Europe/Kaliningrad", "МСК−1"),
        ("en", "Asia/Vladivostok", "UTC+10"),
        ("en", "America/New_York", "UTC−5"),
        ("zh_Hans", "Asia/Tokyo", "UTC+9"),
    ],
)
def test_zone_name_as_people_say_it(locale: str, zone: str, expected: str) -> None:
    with use_locale(locale):
        assert zone_name(zone, MOMENT) == expected


def test_same_clock_follows_summer_time() -> None:
    summer = datetime(2027, 7, 1, 12, 0, tzinfo=UTC)
    # London and UTC agree in winter only.
    assert same_clock("Europe/London", "Etc/UTC", MOMENT)
    assert not same_clock("Europe/London", "Etc/UTC", summer)
