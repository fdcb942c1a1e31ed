"""A bare python-telegram-bot echo bot: the anchor the bot benchmarks compare with.

    BOT_TOKEN=... BOT_API_URL=http://127.0.0.1:PORT/bot python -m bench.echo_bot

Long polling, every text answered with itself, nothing else: no database, no rate limiter,
PTB's defaults (updates one at a time). What python-telegram-bot itself costs per update.
"""

from __future__ import annotations

import os

from telegram import Update
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is not None and message.text:
        await context.bot.send_message(message.chat_id, message.text)


def main() -> None:
    app = (
        ApplicationBuilder()
        .token(os.environ["BOT_TOKEN"])
        .base_url(os.environ["BOT_API_URL"])
        .build()
    )
    app.add_handler(MessageHandler(filters.TEXT, echo))
    app.run_polling()


if __name__ == "__main__":
    main()
