"""Webhook mode: Telegram posts updates to WEBHOOK_URL; one or several processes serve it."""

from __future__ import annotations

import json
import logging
from http import HTTPStatus
from typing import Any

import tornado.web
from telegram import Update
from telegram.ext import Updater

# PTB's tornado handler (private module; the dependency stays below 23, and
# tests/e2e/test_webhook_e2e.py posts malformed bodies to check this still holds).
from telegram.ext._utils.webhookhandler import TelegramHandler

from bot.config import Settings
from handlers.dashboard.web import add_routes
from handlers.kit.context import BotData, QingfuApp

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
    updater = WebhookUpdater if settings.webhook_set else ListeningUpdater
    app.updater = updater(bot=app.bot, update_queue=app.update_queue)
    app.updater.dashboard = app.bot_data
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


class StrictTelegramHandler(TelegramHandler):
    """PTB's webhook handler, except that a body that is not a JSON object gets 400 Bad
    Request (PTB answers malformed JSON with 500 and a logged exception)."""

    async def post(self) -> None:
        self._validate_post()  # the content type and the secret first: 403 without them
        try:
            data = json.loads(self.request.body)
        except ValueError:
            data = None
        if not isinstance(data, dict):
            log.warning("webhook: a request with a malformed body was refused (400)")
            raise tornado.web.HTTPError(HTTPStatus.BAD_REQUEST, reason="Malformed update")
        await super().post()


class WebhookUpdater(Updater):
    """PTB's Updater whose webhook server refuses malformed bodies with 400, and serves the
    dashboard (handlers/dashboard) on the same port."""

    dashboard: BotData | None = None

    async def start_webhook(self, *args: Any, **kwargs: Any) -> Any:
        queue = await super().start_webhook(*args, **kwargs)
        # `_httpd` is the WebhookServer PTB just made; its tornado application routes our
        # handler first (rules added with add_handlers come before the constructor's).
        server = self._httpd
        assert server is not None
        web_app = server._http_server.request_callback
        assert isinstance(web_app, tornado.web.Application)
        path = kwargs.get("url_path", "")
        web_app.add_handlers(
            r".*",
            [(rf"/{path.strip('/')}/?", StrictTelegramHandler, web_app.shared_objects)],  # type: ignore[attr-defined]
        )
        if self.dashboard is not None:
            add_routes(web_app, self.dashboard)
        return queue


class ListeningUpdater(WebhookUpdater):
    """PTB's Updater, except that starting the webhook does not call setWebhook.

    `Updater.start_webhook` always registers the URL in its bootstrap step (and PTB has no
    switch for that); this leaves the webhook as another process set it (WEBHOOK_SET=false).
    `_bootstrap` is PTB's internal step (the same in 20-22; the dependency stays below 23),
    so tests/e2e/test_webhook_e2e.py checks that such a process never calls setWebhook.
    """

    async def _bootstrap(self, *args: Any, **kwargs: Any) -> None:
        log.info("leaving the webhook registration to another process (WEBHOOK_SET=false)")
