"""Telegram Mini App `initData`: who opened the page, checked by its signature (pure).

Telegram signs the launch parameters with a key derived from the bot token
(https://core.telegram.org/bots/webapps#validating-data-received-via-the-mini-app):

    secret_key = HMAC_SHA256(key="WebAppData", msg=bot_token)
    hash = hex(HMAC_SHA256(key=secret_key, msg=data_check_string))

where `data_check_string` is every received field except `hash`, as `key=value`, sorted by
key and joined by line feeds. `auth_date` (Unix seconds) must not be older than `max_age`.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import parse_qsl, urlencode

DEFAULT_MAX_AGE = timedelta(hours=1)
FUTURE_SKEW = timedelta(minutes=5)
"""A signed `auth_date` this far ahead of our clock is still accepted (clocks drift)."""


class InitDataProblem(enum.StrEnum):
    MISSING = "missing"
    MALFORMED = "malformed"
    BAD_SIGNATURE = "bad_signature"
    EXPIRED = "expired"
    NO_USER = "no_user"


@dataclass(frozen=True)
class WebAppUser:
    id: int
    first_name: str
    language_code: str | None
    auth_date: datetime


@dataclass(frozen=True)
class InitDataResult:
    user: WebAppUser | None
    problem: InitDataProblem | None


def secret_key(bot_token: str) -> bytes:
    return hmac.new(b"WebAppData", bot_token.encode(), hashlib.sha256).digest()


def data_check_string(fields: dict[str, str]) -> str:
    return "\n".join(f"{k}={v}" for k, v in sorted(fields.items()) if k != "hash")


def sign(fields: dict[str, str], bot_token: str) -> str:
    """The `hash` Telegram would put on these fields (also used by tests to build initData)."""
    message = data_check_string(fields).encode()
    return hmac.new(secret_key(bot_token), message, hashlib.sha256).hexdigest()


def build_init_data(fields: dict[str, str], bot_token: str) -> str:
    """A signed initData query string (tests and local tools)."""
    return urlencode({**fields, "hash": sign(fields, bot_token)})


def _fail(problem: InitDataProblem) -> InitDataResult:
    return InitDataResult(None, problem)


def validate_init_data(
    raw: str | None,
    bot_token: str,
    now: datetime,
    max_age: timedelta = DEFAULT_MAX_AGE,
) -> InitDataResult:
    """The user of a correctly signed, fresh initData, or why it is refused."""
    if not raw:
        return _fail(InitDataProblem.MISSING)
    try:
        pairs = parse_qsl(raw, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        return _fail(InitDataProblem.MALFORMED)
    fields = dict(pairs)
    if len(fields) != len(pairs) or "hash" not in fields:
        return _fail(InitDataProblem.MALFORMED)
    if not hmac.compare_digest(sign(fields, bot_token), fields["hash"]):
        return _fail(InitDataProblem.BAD_SIGNATURE)
    try:
        auth_date = datetime.fromtimestamp(int(fields["auth_date"]), tz=now.tzinfo)
    except (KeyError, ValueError, OverflowError, OSError):
        return _fail(InitDataProblem.MALFORMED)
    if now - auth_date > max_age or auth_date - now > FUTURE_SKEW:
        return _fail(InitDataProblem.EXPIRED)
    return _user_of(fields.get("user"), auth_date)


def _user_of(raw_user: str | None, auth_date: datetime) -> InitDataResult:
    try:
        user = json.loads(raw_user or "")
        user_id = int(user["id"])
    except (ValueError, TypeError, KeyError):
        return _fail(InitDataProblem.NO_USER)
    if not isinstance(user, dict) or isinstance(user["id"], bool) or user_id <= 0:
        return _fail(InitDataProblem.NO_USER)
    language = user.get("language_code")
    return InitDataResult(
        WebAppUser(
            id=user_id,
            first_name=str(user.get("first_name") or ""),
            language_code=language if isinstance(language, str) else None,
            auth_date=auth_date,
        ),
        None,
    )
