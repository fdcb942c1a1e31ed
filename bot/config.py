"""Settings from the environment (and an optional `.env` file): the bot's public interface."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DATA_DIR = Path("data")
DEFAULT_DATABASE_URL = f"sqlite+aiosqlite:///{DATA_DIR / 'qingfu.sqlite3'}"


class Settings(BaseSettings):
    """Everything the bot reads from its environment; see README's configuration table."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    bot_token: SecretStr = Field(description="Telegram bot token from @BotFather (a secret)")
    bot_api_url: str = Field(
        default="https://api.telegram.org/bot",
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


ENV_NAMES = {
    "bot_token": "BOT_TOKEN",
    "bot_api_url": "BOT_API_URL",
    "database_url": "DATABASE_URL",
    "bot_owners": "BOT_OWNERS",
    "default_timezone": "DEFAULT_TIMEZONE",
    "log_level": "LOG_LEVEL",
}


def describe_error(error: ValidationError) -> str:
    """One paragraph naming each bad or missing variable and what to set it to."""
    problems = []
    for item in error.errors():
        field = str(item["loc"][0]) if item["loc"] else "?"
        name = ENV_NAMES.get(field, field.upper())
        if item["type"] == "missing":
            problems.append(f"{name} is not set")
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
        if field == "bot_owners":
            default = "default: none"
        lines.append(f"  {name:<18} {info.description} ({default})")
    return "\n".join(lines)
