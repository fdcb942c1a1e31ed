"""Command line: `python bot.py` runs the bot; `python bot.py demo --user ID` seeds a demo."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Sequence

from pydantic import ValidationError
from telegram import Update

from bot.config import Settings, describe_error, help_table

log = logging.getLogger("qingfu")


class RedactSecrets(logging.Filter):
    """Removes the bot token from every log record, whatever logged it."""

    def __init__(self, secret: str) -> None:
        super().__init__()
        self.secret = secret

    def filter(self, record: logging.LogRecord) -> bool:
        if self.secret:
            message = record.getMessage()
            if self.secret in message:
                record.msg = message.replace(self.secret, "<BOT_TOKEN>")
                record.args = None
        return True


def setup_logging(settings: Settings) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactSecrets(settings.bot_token.get_secret_value()))
    logging.basicConfig(level=settings.log_level, handlers=[handler], force=True)
    # httpx logs every request URL at INFO, and the URL contains the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python bot.py",
        description=(
            "Qingfu (轻负): a Telegram bot that keeps school homework within policy limits. "
            "Without a command it runs the bot by long polling."
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

    upgrade(settings.database_url)
    if args.command == "migrate":
        log.info("database is up to date")
        return 0
    if args.command == "demo":
        from bot.demo import run_demo

        print(asyncio.run(run_demo(settings, args.user)))
        return 0
    run_bot(settings)
    return 0


def run_bot(settings: Settings) -> None:
    from bot.app import build_application
    from storage.db import create_engine, create_sessionmaker

    engine = create_engine(settings.database_url)
    app = build_application(settings, create_sessionmaker(engine))
    log.info("starting (database: %s)", engine.url.render_as_string(hide_password=True))
    app.run_polling(allowed_updates=Update.ALL_TYPES, close_loop=False)
    asyncio.run(engine.dispose())
