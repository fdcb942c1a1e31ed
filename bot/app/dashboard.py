"""Where the dashboard is served: on the webhook server's port (webhook mode, see
`bot.app.webhook`) or on DASHBOARD_PORT (polling mode), by the bot process itself."""

from __future__ import annotations

import logging

import tornado.httpserver

from bot.config import Settings
from handlers.dashboard.web import start_server
from handlers.kit.context import QingfuApp

log = logging.getLogger("qingfu")


def serve_in_polling_mode(app: QingfuApp, settings: Settings) -> None:
    """Start the dashboard's own server once the application runs, stop it when it stops."""
    if not settings.dashboard_port:
        if settings.dashboard_url:
            log.warning(
                "DASHBOARD_URL is set but DASHBOARD_PORT is not: in polling mode the dashboard "
                "is served only on DASHBOARD_PORT (behind your HTTPS proxy)"
            )
        return
    servers: list[tornado.httpserver.HTTPServer] = []
    after_init, after_stop = app.post_init, app.post_stop

    async def started(application: QingfuApp) -> None:
        if after_init is not None:
            await after_init(application)
        servers.append(
            start_server(application.bot_data, settings.dashboard_listen, settings.dashboard_port)
        )

    async def stopped(application: QingfuApp) -> None:
        for server in servers:
            server.stop()
            await server.close_all_connections()
        if after_stop is not None:
            await after_stop(application)

    app.post_init = started
    app.post_stop = stopped
