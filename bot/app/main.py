"""Command line: `python bot.py` runs the bot; `python bot.py demo --user ID` seeds a demo."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Sequence

from pydantic import ValidationError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from telegram import Update
from telegram.error import BadRequest, InvalidToken, NetworkError

from bot.config import Settings, describe_error, help_table
from bot.demo.seeding import UnusableUserId, run_demo

log = logging.getLogger("qingfu")


class RedactSecrets(logging.Formatter):
    """Removes the bot token from every formatted record, whatever logged it: the message,
    its arguments and any traceback (PTB logs the API URL, which contains the token)."""

    def __init__(self, fmt: str, secret: str) -> None:
        super().__init__(fmt)
        self.secret = secret

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        return text.replace(self.secret, "<BOT_TOKEN>") if self.secret else text


class QuietStartFailure(logging.Filter):
    """PTB logs a failed start-up (rejected token, unreachable Bot API) with a traceback;
    `run_bot` explains those in one paragraph, so the log keeps just the line."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if (
            record.name.startswith("telegram.ext")
            and "Bootstrap" in record.getMessage()
            and isinstance(error, InvalidToken | NetworkError)
        ):
            record.exc_info, record.exc_text = None, None
        return True


class BusyTicks(logging.Filter):
    """While a long run (a notice to thousands of parents) holds the scheduler tick, the ticks
    due meanwhile are skipped by design (one at a time); APScheduler warns of each."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (
            record.name.startswith("apscheduler")
            and "maximum number of running instances reached" in record.getMessage()
        )


def setup_logging(settings: Settings) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(
        RedactSecrets(
            "%(asctime)s %(levelname)s %(name)s: %(message)s",
            settings.bot_token.get_secret_value(),
        )
    )
    handler.addFilter(QuietStartFailure())
    handler.addFilter(BusyTicks())
    logging.basicConfig(level=settings.log_level, handlers=[handler], force=True)
    # httpx logs every request URL at INFO, and the URL contains the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    # At DEBUG these log raw SQL parameters and API calls, which may include a user's id or
    # name (an anonymous complainant's too): they stay at INFO whatever LOG_LEVEL says.
    for noisy in ("aiosqlite", "asyncpg", "telegram", "httpcore"):
        logging.getLogger(noisy).setLevel(max(logging.INFO, logging.getLogger().level))
    # SQLAlchemy's INFO is its echo: every statement with its parameters (children's names).
    logging.getLogger("sqlalchemy").setLevel(max(logging.WARNING, logging.getLogger().level))
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python bot.py",
        description=(
            "Qingfu (轻负): a Telegram bot that keeps school homework within policy limits. "
            "Without a command it runs the bot by long polling, or by webhook with WEBHOOK_URL."
        ),
        epilog="Configuration (environment variables or a .env file):\n" + help_table(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("run", help="run the bot (the default)")
    demo = commands.add_parser(
        "demo", help="seed a sample school and give one Telegram user every role in it"
    )
    demo.add_argument("--user", type=int, required=True, help="the Telegram user id to seed for")
    demo.add_argument(
        "--language",
        choices=["en", "zh_Hans", "ru"],
        help="the demo world's language (default: the user's own, else English)",
    )
    commands.add_parser("migrate", help="apply database migrations and exit")
    return parser.parse_args(argv)


def load_settings() -> Settings:
    try:
        return Settings()  # type: ignore[call-arg]
    except ValidationError as error:
        print(describe_error(error), file=sys.stderr)
        raise SystemExit(2) from None


def main(argv: Sequence[str] | None = None) -> int:
    # PTB 22 warns when RetryAfter.retry_after is read as seconds; opt in to timedelta (PTB 23).
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    args = parse_args(sys.argv[1:] if argv is None else argv)
    settings = load_settings()
    setup_logging(settings)

    from storage.db import upgrade

    try:
        upgrade(settings.database_url)
    except (SQLAlchemyError, OSError) as error:
        return cannot_start(
            f"the database at DATABASE_URL ({_safe_url(settings.database_url)}) cannot be used: "
            f"{_first_line(error)}. Check that the server is running and that the URL, user and "
            "password are right",
            settings,
        )
    if args.command == "migrate":
        log.info("database is up to date")
        return 0
    if args.command == "demo":
        try:
            print(asyncio.run(run_demo(settings, args.user, locale=args.language)))
        except UnusableUserId as error:
            print(f"qingfu demo: {error}", file=sys.stderr)
            return 2
        return 0
    return run_bot(settings)


def cannot_start(reason: str, settings: Settings) -> int:
    """One paragraph on stderr (never the token), and the exit status for a failed start."""
    message = (
        f"qingfu cannot start: {reason}. Run `python bot.py --help` for every option."
    ).replace(settings.bot_token.get_secret_value(), "<BOT_TOKEN>")
    print(message, file=sys.stderr)
    return 1


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0].rstrip(".") if lines else type(error).__name__


def _safe_url(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "?"


def run_bot(settings: Settings) -> int:
    from bot.app.factory import build_application
    from handlers.kit.context import QingfuApp
    from storage.db import create_engine, create_sessionmaker

    engine = create_engine(settings.database_url)
    app = build_application(settings, create_sessionmaker(engine))

    async def dispose_engine(_app: QingfuApp) -> None:
        # In the polling loop: asyncpg connections cannot be closed from another event loop.
        await engine.dispose()

    app.post_shutdown = dispose_engine
    log.info("starting (database: %s)", engine.url.render_as_string(hide_password=True))
    try:
        if settings.webhook_url:
            from bot.app.webhook import run_webhook

            run_webhook(app, settings)
        else:
            from bot.app.dashboard import serve_in_polling_mode

            serve_in_polling_mode(app, settings)
            app.run_polling(allowed_updates=Update.ALL_TYPES)
    except InvalidToken:
        return cannot_start(
            "the Bot API rejected BOT_TOKEN. Copy the token again from @BotFather (and check "
            "BOT_API_URL if you use your own Bot API server)",
            settings,
        )
    except NetworkError as error:  # only start-up raises: polling retries by itself
        if isinstance(error, BadRequest) and settings.webhook_url:  # setWebhook refused
            return cannot_start(
                f"Telegram refused WEBHOOK_URL ({settings.webhook_url}): {_first_line(error)}. "
                "Check that it is a public HTTPS URL on port 443, 80, 88 or 8443",
                settings,
            )
        return cannot_start(
            f"the Bot API at BOT_API_URL ({settings.bot_api_url}) cannot be reached: "
            f"{_first_line(error)}. Check the network and BOT_API_URL",
            settings,
        )
    except OSError as error:  # the webhook server (or the dashboard's) cannot listen
        if not settings.webhook_url:
            return cannot_start(
                f"the dashboard cannot listen on {settings.dashboard_listen}:"
                f"{settings.dashboard_port}: {_first_line(error)}. Check DASHBOARD_LISTEN and "
                "DASHBOARD_PORT (is another process using the port?)",
                settings,
            )
        return cannot_start(
            f"the webhook server cannot listen on {settings.webhook_listen}:"
            f"{settings.webhook_port}: {_first_line(error)}. Check WEBHOOK_LISTEN and "
            "WEBHOOK_PORT (is another process using the port?)",
            settings,
        )
    return 0
