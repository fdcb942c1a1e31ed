"""Settings from the environment (and an optional `.env` file): the bot's public interface."""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DATA_DIR = Path("data")
DEFAULT_DATABASE_URL = f"sqlite+aiosqlite:///{DATA_DIR / 'qingfu.sqlite3'}"
DEFAULT_WEBHOOK_PATH = "/telegram"
TELEGRAM_API_URL = "https://api.telegram.org/bot"
SECRET_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{16,256}")
"""Telegram allows 1-256 of these characters; fewer than 16 would be guessable."""
WEBHOOK_PATH_RE = re.compile(r"/[A-Za-z0-9/_.~-]*")
MAX_TICK_SECONDS = 30.0


class Settings(BaseSettings):
    """Everything the bot reads from its environment; see README's configuration table."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    bot_token: SecretStr = Field(description="Telegram bot token from @BotFather (a secret)")
    bot_api_url: str = Field(
        default=TELEGRAM_API_URL,
        description="Bot API base URL; the token is appended (self-hosted or test servers)",
    )
    database_url: str = Field(
        default=DEFAULT_DATABASE_URL,
        description="SQLAlchemy async URL: sqlite+aiosqlite:///... or postgresql+asyncpg://...",
    )
    bot_owners: Annotated[frozenset[int], NoDecode] = Field(
        default=frozenset(),
        description="Comma-separated Telegram user ids of the deployment's owners",
    )
    default_timezone: str = Field(
        default="Asia/Shanghai", description="IANA time zone offered first for new schools"
    )
    log_level: str = Field(default="INFO", description="Python logging level")
    webhook_url: str = Field(
        default="",
        description="Public HTTPS URL Telegram posts updates to; when set the bot runs by "
        "webhook instead of long polling",
    )
    webhook_listen: str = Field(
        default="127.0.0.1",
        description="Address the webhook server listens on (behind your HTTPS reverse proxy)",
    )
    webhook_port: int = Field(default=8443, description="Port the webhook server listens on")
    webhook_path: str = Field(
        default="",
        description="Path the webhook server answers on; never put the token in it",
    )
    webhook_secret: SecretStr | None = Field(
        default=None,
        validate_default=True,
        description="Secret Telegram sends with each update (X-Telegram-Bot-Api-Secret-Token); "
        "16-256 of A-Z a-z 0-9 _ -; other requests are refused (a secret)",
    )
    webhook_set: bool = Field(
        default=True,
        description="Whether this process registers WEBHOOK_URL with Telegram (setWebhook) at "
        "start; behind one load balancer one process is enough",
    )
    scheduler_lease_seconds: int = Field(
        default=60,
        description="Scheduler lease: of several processes one runs the scheduler, another "
        "takes over within this long after it dies (and resumes its runs); ticks run every "
        "min(30, this/4) s",
    )
    update_quiet_seconds: int = Field(
        default=180,
        description="Changes to one class's homework after the parents' notice go out as one "
        "update once no change came for this long",
    )
    redis_url: str = Field(
        default="",
        description="Redis URL (redis://host:6379/0); when set, every process of the bot shares "
        "one Telegram budget through it (30 messages a second, replies first)",
    )
    allow_paid_broadcast: bool = Field(
        default=False,
        description="Send scheduled notices as paid broadcasts (allow_paid_broadcast: up to "
        "1,000 messages a second, charged in Telegram Stars)",
    )
    dialog_ttl_minutes: int = Field(
        default=30,
        description="A dialog left this many minutes without a step expires: its buttons are "
        "refused and text is no longer taken as its answer",
    )

    dashboard_url: str = Field(
        default="",
        description="Public HTTPS URL of the dashboard (a Telegram Mini App), e.g. "
        "https://bot.example.org/dashboard/; registered as the menu button of supervisors, "
        "school offices and grade leaders. Without it no button is shown",
    )
    dashboard_listen: str = Field(
        default="127.0.0.1",
        description="Address the dashboard listens on in polling mode (in webhook mode it is "
        "served by the webhook server, on its port)",
    )
    dashboard_port: int = Field(
        default=0,
        description="Port the dashboard listens on in polling mode (0: not served)",
    )
    dashboard_max_age: int = Field(
        default=3600,
        description="Seconds a dashboard page opened from Telegram stays valid (initData's "
        "auth_date)",
    )

    @field_validator("bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr) -> SecretStr:
        token = value.get_secret_value().strip()
        head, _, tail = token.partition(":")
        if not head.isdigit() or len(tail) < 1:
            raise ValueError("must look like 123456789:AAH... (the token @BotFather gave you)")
        return SecretStr(token)

    @field_validator("bot_owners", mode="before")
    @classmethod
    def _split_owners(cls, value: Any) -> Any:
        if isinstance(value, str):
            parts = [p.strip() for p in value.replace(";", ",").split(",")]
            try:
                return frozenset(int(p) for p in parts if p)
            except ValueError:
                raise ValueError("must be Telegram user ids separated by commas") from None
        return value

    @field_validator("default_timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("must be an IANA time zone name such as Asia/Shanghai") from None
        return value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.upper()
        if level not in logging.getLevelNamesMapping():
            raise ValueError("must be DEBUG, INFO, WARNING or ERROR")
        return level

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        if value.startswith("postgresql://") or value.startswith("postgres://"):
            return "postgresql+asyncpg://" + value.split("://", 1)[1]
        if value.startswith("sqlite:///"):
            return "sqlite+aiosqlite:///" + value.removeprefix("sqlite:///")
        if not (
            value.startswith("sqlite+aiosqlite://") or value.startswith("postgresql+asyncpg://")
        ):
            raise ValueError("must start with sqlite+aiosqlite:/// or postgresql+asyncpg://")
        return value

    @field_validator("webhook_url")
    @classmethod
    def _webhook_url(cls, value: str, info: ValidationInfo) -> str:
        url = value.strip()
        if not url:
            return ""
        _no_token(url, info)
        parts = urlsplit(url)
        own_api = info.data.get("bot_api_url", TELEGRAM_API_URL) != TELEGRAM_API_URL
        if parts.scheme != "https" and not (parts.scheme == "http" and own_api):
            raise ValueError(
                "must start with https:// (Telegram posts only to HTTPS; http:// works only "
                "with your own Bot API server in BOT_API_URL)"
            )
        if (
            not parts.hostname
            or parts.query
            or parts.fragment
            or not WEBHOOK_PATH_RE.fullmatch(parts.path or "/")
        ):
            raise ValueError("must be a URL such as https://bot.example.org/telegram")
        return url

    @field_validator("webhook_port")
    @classmethod
    def _port(cls, value: int) -> int:
        if not 1 <= value <= 65535:
            raise ValueError("must be a port number from 1 to 65535")
        return value

    @field_validator("dashboard_port")
    @classmethod
    def _dashboard_port(cls, value: int) -> int:
        if not 0 <= value <= 65535:
            raise ValueError("must be 0 (off) or a port number from 1 to 65535")
        return value

    @field_validator("dashboard_max_age")
    @classmethod
    def _dashboard_max_age(cls, value: int) -> int:
        if not 60 <= value <= 86400:
            raise ValueError("must be from 60 to 86400 seconds")
        return value

    @field_validator("dashboard_url")
    @classmethod
    def _dashboard_url(cls, value: str, info: ValidationInfo) -> str:
        url = value.strip()
        if not url:
            return ""
        _no_token(url, info)
        parts = urlsplit(url)
        if parts.scheme != "https" or not parts.hostname:
            raise ValueError(
                "must be a public https:// URL such as https://bot.example.org/dashboard/ "
                "(Telegram opens Mini Apps over HTTPS only)"
            )
        return url

    @field_validator("webhook_path")
    @classmethod
    def _webhook_path(cls, value: str, info: ValidationInfo) -> str:
        path = value.strip()
        if not path:
            return ""  # derived from WEBHOOK_URL (below)
        if not path.startswith("/"):
            path = "/" + path
        _no_token(path, info)
        if not WEBHOOK_PATH_RE.fullmatch(path):
            raise ValueError("must be a URL path such as /telegram (letters, digits, / _ . ~ -)")
        return path

    @field_validator("webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: SecretStr | None, info: ValidationInfo) -> SecretStr | None:
        secret = value.get_secret_value().strip() if value is not None else ""
        if not secret:
            if info.data.get("webhook_url"):
                raise ValueError(
                    "is not set, and webhook mode (WEBHOOK_URL) needs it: choose 16 to 256 "
                    "random characters of A-Z, a-z, 0-9, _ and - (Telegram sends it with every "
                    "update, so the bot can refuse requests that do not come from Telegram)"
                )
            return None
        if not SECRET_TOKEN_RE.fullmatch(secret):
            raise ValueError("must be 16 to 256 characters of A-Z, a-z, 0-9, _ and -")
        return SecretStr(secret)

    @field_validator("webhook_set", mode="before")
    @classmethod
    def _yes_no(cls, value: Any) -> Any:
        if isinstance(value, str):
            word = value.strip().lower()
            if word in ("1", "true", "yes", "on"):
                return True
            if word in ("0", "false", "no", "off"):
                return False
            raise ValueError("must be true or false")
        return value

    @field_validator("scheduler_lease_seconds")
    @classmethod
    def _lease(cls, value: int) -> int:
        if not 4 <= value <= 3600:
            raise ValueError("must be from 4 to 3600 seconds")
        return value

    @field_validator("update_quiet_seconds")
    @classmethod
    def _quiet(cls, value: int) -> int:
        if not 0 <= value <= 3600:
            raise ValueError("must be from 0 to 3600 seconds")
        return value

    @field_validator("dialog_ttl_minutes")
    @classmethod
    def _dialog_ttl(cls, value: int) -> int:
        if not 1 <= value <= 1440:
            raise ValueError("must be from 1 to 1440 minutes")
        return value

    @model_validator(mode="after")
    def _derive_webhook_path(self) -> Settings:
        if self.webhook_url and not self.webhook_path:
            self.webhook_path = urlsplit(self.webhook_url).path.rstrip("/") or DEFAULT_WEBHOOK_PATH
        return self

    @property
    def scheduler_lease(self) -> timedelta:
        return timedelta(seconds=self.scheduler_lease_seconds)

    @property
    def update_quiet(self) -> timedelta:
        return timedelta(seconds=self.update_quiet_seconds)

    @property
    def dialog_ttl(self) -> timedelta:
        return timedelta(minutes=self.dialog_ttl_minutes)

    @property
    def scheduler_tick_seconds(self) -> float:
        """How often the scheduler ticks: often enough to renew the lease well before it ends."""
        return min(MAX_TICK_SECONDS, self.scheduler_lease_seconds / 4)


def _no_token(text: str, info: ValidationInfo) -> None:
    """A URL or path ends up in logs and proxies: the token's secret part must not be in it."""
    token = info.data.get("bot_token")
    secret = token.get_secret_value().partition(":")[2] if token is not None else ""
    if secret and secret in text:
        raise ValueError(
            "must not contain the bot token (the webhook is authenticated by WEBHOOK_SECRET)"
        )


ENV_NAMES = {
    "bot_token": "BOT_TOKEN",
    "bot_api_url": "BOT_API_URL",
    "database_url": "DATABASE_URL",
    "bot_owners": "BOT_OWNERS",
    "default_timezone": "DEFAULT_TIMEZONE",
    "log_level": "LOG_LEVEL",
    "webhook_url": "WEBHOOK_URL",
    "webhook_listen": "WEBHOOK_LISTEN",
    "webhook_port": "WEBHOOK_PORT",
    "webhook_path": "WEBHOOK_PATH",
    "webhook_secret": "WEBHOOK_SECRET",
    "webhook_set": "WEBHOOK_SET",
    "scheduler_lease_seconds": "SCHEDULER_LEASE_SECONDS",
    "dialog_ttl_minutes": "DIALOG_TTL_MINUTES",
    "dashboard_url": "DASHBOARD_URL",
    "dashboard_listen": "DASHBOARD_LISTEN",
    "dashboard_port": "DASHBOARD_PORT",
    "dashboard_max_age": "DASHBOARD_MAX_AGE",
    "redis_url": "REDIS_URL",
    "allow_paid_broadcast": "ALLOW_PAID_BROADCAST",
}
DEFAULT_LABELS = {
    "bot_owners": "default: none",
    "webhook_url": "default: none, long polling",
    "webhook_path": f"default: the path of WEBHOOK_URL, or {DEFAULT_WEBHOOK_PATH}",
    "webhook_secret": "required with WEBHOOK_URL",
    "webhook_set": "default: true",
    "dashboard_url": "default: none, no dashboard button",
    "redis_url": "default: none, the budget is per process",
    "allow_paid_broadcast": "default: false",
}


def describe_error(error: ValidationError) -> str:
    """One paragraph naming each bad or missing variable and what to set it to."""
    problems = []
    for item in error.errors():
        field = str(item["loc"][0]) if item["loc"] else "?"
        name = ENV_NAMES.get(field, field.upper())
        if item["type"] == "missing":
            problems.append(f"{name} is not set")
        elif item["type"] == "int_parsing":
            problems.append(f"{name} must be a whole number")
        else:
            message = str(item["msg"]).removeprefix("Value error, ")
            problems.append(f"{name} {message}")
    return (
        "qingfu cannot start: "
        + "; ".join(problems)
        + ". Set these as environment variables or in a .env file in the working directory "
        "(see .env.example and README.md); run `python bot.py --help` for every option."
    )


def help_table() -> str:
    """The options as plain text for `--help`."""
    lines = []
    for field, name in ENV_NAMES.items():
        info = Settings.model_fields[field]
        default = "required" if info.is_required() else f"default: {info.default!r}"
        if field in DEFAULT_LABELS:
            default = DEFAULT_LABELS[field]
        lines.append(f"  {name:<23} {info.description} ({default})")
    return "\n".join(lines)
