"""Webhook mode: Telegram posts updates to WEBHOOK_URL; one or several processes serve it."""

from __future__ import annotations

import logging
from typing import Any

from telegram import Update
from telegram.ext import Updater

from bot.config import Settings
from handlers.kit.context import QingfuApp

log = logging.getLogger("qingfu")


def run_webhook(app: QingfuApp, settings: Settings) -> None:
    """Serve updates Telegram posts to WEBHOOK_URL (via the reverse proxy) until stopped.

    Any number of processes can serve the same URL behind a load balancer: the gate drops an
    update Telegram delivers twice, dialogs live in the database, and the scheduler lease lets
    one process at a time run the jobs. With WEBHOOK_SET=false the process only listens and
    leaves the registration (setWebhook) to another one.
    """
    secret = settings.webhook_secret
    if secret is None:  # the settings refuse webhook mode without it
        raise RuntimeError("WEBHOOK_SECRET is required in webhook mode")
    if not settings.webhook_set:
        app.updater = ListeningUpdater(bot=app.bot, update_queue=app.update_queue)
    log.info(
        "webhook mode: Telegram posts to %s, served on %s:%d%s%s",
        settings.webhook_url,
        settings.webhook_listen,
        settings.webhook_port,
        settings.webhook_path,
        "" if settings.webhook_set else " (not registering it: WEBHOOK_SET=false)",
    )
    app.run_webhook(
        listen=settings.webhook_listen,
        port=settings.webhook_port,
        url_path=settings.webhook_path,
        webhook_url=settings.webhook_url,
        secret_token=secret.get_secret_value(),
        allowed_updates=Update.ALL_TYPES,
        drop_pending_updates=False,  # updates that arrived while no process was up still count
    )


class ListeningUpdater(Updater):
    """PTB's Updater, except that starting the webhook does not call setWebhook.

    `Updater.start_webhook` always registers the URL in its bootstrap step (and PTB has no
    switch for that); this leaves the webhook as another process set it (WEBHOOK_SET=false).
    `_bootstrap` is PTB's internal step (the same in 20-22; the dependency stays below 23),
    so tests/e2e/test_webhook_e2e.py checks that such a process never calls setWebhook.
    """

    async def _bootstrap(self, *args: Any, **kwargs: Any) -> None:
        log.info("leaving the webhook registration to another process (WEBHOOK_SET=false)")
