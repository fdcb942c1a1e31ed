"""Telegram Mini App initData validation: correct, forged, expired, missing."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from urllib.parse import quote, urlencode

import pytest

from bot.domain.webapp_auth import (
    InitDataProblem,
    build_init_data,
    validate_init_data,
)

TOKEN = "123456:TEST-token"
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
USER = json.dumps({"id": 42, "first_name": "李老师", "language_code": "zh-hans"})


def fields(auth: datetime = NOW, user: str | None = USER) -> dict[str, str]:
    result = {"auth_date": str(int(auth.timestamp())), "query_id": "AAH1"}
    if user is not None:
        result["user"] = user
    return result


def test_signed_by_hand_as_telegram_documents() -> None:
    """Built independently of the module: the documented recipe, step by step."""
    data = fields()
    check = "\n".join(f"{k}={data[k]}" for k in sorted(data))
    key = hmac.new(b"WebAppData", TOKEN.encode(), hashlib.sha256).digest()
    digest = hmac.new(key, check.encode(), hashlib.sha256).hexdigest()
    raw = "&".join(f"{k}={quote(v, safe='')}" for k, v in data.items()) + f"&hash={digest}"
    result = validate_init_data(raw, TOKEN, NOW)
    assert result.problem is None
    assert result.user is not None
    assert (result.user.id, result.user.first_name, result.user.language_code) == (
        42,
        "李老师",
        "zh-hans",
    )


def test_correct_and_fresh() -> None:
    raw = build_init_data(fields(NOW - timedelta(minutes=59)), TOKEN)
    result = validate_init_data(raw, TOKEN, NOW)
    assert result.problem is None
    assert result.user is not None and result.user.id == 42


@pytest.mark.parametrize(
    "mutate",
    [
        lambda raw: raw.replace("%22id%22%3A+42", "%22id%22%3A+43"),  # another user
        lambda raw: raw[:-1] + ("0" if raw[-1] != "0" else "1"),  # the hash itself
        lambda raw: raw + "&extra=1",  # a field added after signing
    ],
)
def test_forged(mutate: object) -> None:
    raw = build_init_data(fields(), TOKEN)
    assert callable(mutate)
    forged = mutate(raw)
    assert forged != raw
    assert validate_init_data(forged, TOKEN, NOW).problem is InitDataProblem.BAD_SIGNATURE


def test_signed_with_another_bots_token() -> None:
    raw = build_init_data(fields(), "999:other")
    assert validate_init_data(raw, TOKEN, NOW).problem is InitDataProblem.BAD_SIGNATURE


def test_expired_after_max_age() -> None:
    raw = build_init_data(fields(NOW - timedelta(hours=1, seconds=1)), TOKEN)
    assert validate_init_data(raw, TOKEN, NOW).problem is InitDataProblem.EXPIRED
    longer = validate_init_data(raw, TOKEN, NOW, max_age=timedelta(hours=2))
    assert longer.problem is None


def test_from_the_future_is_refused() -> None:
    raw = build_init_data(fields(NOW + timedelta(hours=1)), TOKEN)
    assert validate_init_data(raw, TOKEN, NOW).problem is InitDataProblem.EXPIRED


@pytest.mark.parametrize("raw", [None, ""])
def test_missing(raw: str | None) -> None:
    assert validate_init_data(raw, TOKEN, NOW).problem is InitDataProblem.MISSING


@pytest.mark.parametrize(
    "raw",
    [
        "auth_date=1&user=x",  # no hash
        "hash=ab&hash=cd",  # repeated field
        "no-equals-sign",
    ],
)
def test_malformed(raw: str) -> None:
    assert validate_init_data(raw, TOKEN, NOW).problem is InitDataProblem.MALFORMED


def test_signed_without_auth_date_is_malformed() -> None:
    raw = build_init_data({"user": USER}, TOKEN)
    assert validate_init_data(raw, TOKEN, NOW).problem is InitDataProblem.MALFORMED


@pytest.mark.parametrize("user", [None, "not json", json.dumps({"first_name": "x"}), "[1]"])
def test_signed_without_a_user(user: str | None) -> None:
    raw = build_init_data(fields(user=user), TOKEN)
    assert validate_init_data(raw, TOKEN, NOW).problem is InitDataProblem.NO_USER


def test_urlencoded_like_telegram() -> None:
    """Telegram percent-encodes the values; the check string uses the decoded ones."""
    raw = build_init_data(fields(), TOKEN)
    assert "%7B%22id%22" in raw
    assert urlencode({"user": USER}) in raw
