"""Webhook, scheduler-lease and dialog-lifetime settings: defaults, derived values and
refusals."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from bot.config import ENV_NAMES, Settings, describe_error

TOKEN = "123456:SECRET-part-of-the-token"
SECRET = "s3cret_-s3cret_-s3cret"
OWN_API = "http://127.0.0.1:8081/bot"


@pytest.fixture(autouse=True)
def _no_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The defaults under test, whatever the developer's shell sets."""
    for name in ENV_NAMES.values():
        monkeypatch.delenv(name, raising=False)


def settings(**values: Any) -> Settings:
    return Settings(_env_file=None, bot_token=TOKEN, **values)  # type: ignore[call-arg,arg-type]


def refusal(**values: Any) -> str:
    with pytest.raises(ValidationError) as caught:
        settings(**values)
    return describe_error(caught.value)


def test_polling_by_default() -> None:
    s = settings()
    assert s.webhook_url == "" and s.webhook_secret is None and s.webhook_set
    assert (s.webhook_listen, s.webhook_port) == ("127.0.0.1", 8443)
    assert s.scheduler_lease == timedelta(minutes=1)  # issue 16: a takeover within a minute
    assert s.scheduler_tick_seconds == 15.0


def test_webhook_path_is_derived_from_the_url() -> None:
    s = settings(webhook_url="https://bot.example.org/qingfu/hook/", webhook_secret=SECRET)
    assert s.webhook_path == "/qingfu/hook"
    assert settings(webhook_url="https://bot.example.org", webhook_secret=SECRET).webhook_path == (
        "/telegram"
    )
    s = settings(webhook_url="https://bot.example.org/a", webhook_path="b", webhook_secret=SECRET)
    assert s.webhook_path == "/b"


def test_webhook_needs_a_secret() -> None:
    message = refusal(webhook_url="https://bot.example.org/telegram")
    assert message.startswith("qingfu cannot start: WEBHOOK_SECRET is not set, and webhook mode")
    assert "WEBHOOK_SECRET must be 16 to 256" in refusal(
        webhook_url="https://bot.example.org/telegram", webhook_secret="short"
    )
    assert "WEBHOOK_SECRET must be 16 to 256" in refusal(
        webhook_url="https://bot.example.org/telegram", webhook_secret="spaces are not allowed"
    )
    # Without WEBHOOK_URL the secret is not needed.
    assert settings(webhook_secret="").webhook_secret is None


def test_webhook_url_and_path_refusals() -> None:
    assert "WEBHOOK_URL must start with https://" in refusal(
        webhook_url="http://bot.example.org/telegram", webhook_secret=SECRET
    )
    # http:// only with one's own Bot API server (which allows it).
    s = settings(bot_api_url=OWN_API, webhook_url="http://127.0.0.1:9000/t", webhook_secret=SECRET)
    assert s.webhook_url == "http://127.0.0.1:9000/t"
    assert "WEBHOOK_URL must not contain the bot token" in refusal(
        webhook_url=f"https://bot.example.org/{TOKEN.partition(':')[2]}", webhook_secret=SECRET
    )
    assert "WEBHOOK_PATH must not contain the bot token" in refusal(
        webhook_url="https://bot.example.org/t",
        webhook_path=TOKEN.partition(":")[2],
        webhook_secret=SECRET,
    )
    assert "WEBHOOK_URL must be a URL such as" in refusal(
        webhook_url="https://bot.example.org/t?x=1", webhook_secret=SECRET
    )
    assert "WEBHOOK_PORT must be a port number" in refusal(webhook_port=70000)
    assert "WEBHOOK_PORT must be a whole number" in refusal(webhook_port="eighty")
    assert "WEBHOOK_SET must be true or false" in refusal(webhook_set="perhaps")
    assert settings(webhook_set="false").webhook_set is False
    assert TOKEN.partition(":")[2] not in refusal(
        webhook_url=f"https://bot.example.org/{TOKEN.partition(':')[2]}"
    )


def test_scheduler_lease() -> None:
    s = settings(scheduler_lease_seconds=4)
    assert s.scheduler_lease == timedelta(seconds=4)
    assert s.scheduler_tick_seconds == 1.0
    assert settings(scheduler_lease_seconds=600).scheduler_tick_seconds == 30.0
    assert "SCHEDULER_LEASE_SECONDS must be from 4 to 3600" in refusal(scheduler_lease_seconds=2)


def test_dialog_lifetime() -> None:
    assert settings().dialog_ttl == timedelta(minutes=30)
    assert settings(dialog_ttl_minutes=5).dialog_ttl == timedelta(minutes=5)
    assert "DIALOG_TTL_MINUTES must be from 1 to 1440 minutes" in refusal(dialog_ttl_minutes=0)
    assert "DIALOG_TTL_MINUTES must be a whole number" in refusal(dialog_ttl_minutes="soon")
