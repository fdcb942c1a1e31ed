"""The fake Bot API as Telegram for a bot in webhook mode, and a round-robin load balancer.

    async with WebhookDelivery(api) as telegram:   # in the test's event loop
        user.send("/start")                        # queued as usual, then POSTed to the bot

Once the bot has called setWebhook with a URL on this machine, each pending update is POSTed
to it as JSON with the `X-Telegram-Bot-Api-Secret-Token` header, one at a time in update_id
order; it counts as delivered on HTTP 200, anything else (or no answer) is retried after a
short pause, as Telegram does. `telegram.post(payload, secret=...)` sends one request by hand
(a forged or a redelivered update).

`RoundRobin(backends)` is a trivial load balancer: each POST goes to the next backend in
turn (with its headers and body); what went where is in `.routed`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from dataclasses import dataclass
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from aiohttp import web

from .core import JSON, FakeBotAPI

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
NO_ANSWER = 0
"""The status recorded when the bot could not be reached or did not answer in time."""


@dataclass(frozen=True)
class Delivery:
    """One POST of an update to the webhook and how it was answered."""

    update_id: int
    url: str
    status: int


class WebhookDelivery:
    """Telegram's side of a webhook (see the module docstring)."""

    def __init__(self, api: FakeBotAPI, *, retry_after: float = 0.2, timeout: float = 10.0) -> None:
        self.api, self.retry_after, self.timeout = api, retry_after, timeout
        self.deliveries: list[Delivery] = []
        self.payloads: dict[int, JSON] = {}  # update_id -> the JSON delivered
        self._session: aiohttp.ClientSession | None = None
        self._task: asyncio.Task[None] | None = None

    # ------------------------------------------------------------------ what the bot set

    @property
    def registration(self) -> dict[str, Any] | None:
        """The parameters of the last successful setWebhook (None if unset or deleted)."""
        calls = [
            c
            for c in self.api.calls
            if c.method in ("setWebhook", "deleteWebhook") and c.status == 200
        ]
        if not calls or calls[-1].method != "setWebhook" or not self.api.webhook_url:
            return None
        return calls[-1].params

    def delivered(self, update_id: int) -> bool:
        return any(d.update_id == update_id and d.status == 200 for d in self.deliveries)

    # ------------------------------------------------------------------ running

    async def start(self) -> None:
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout))
        self._task = asyncio.create_task(self._run(), name="fake-telegram-webhook")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def __aenter__(self) -> WebhookDelivery:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    async def post(self, payload: JSON, *, secret: str | None, url: str | None = None) -> int:
        """POST one update as Telegram would (`secret=None`: without the header); returns the
        HTTP status (`NO_ANSWER` if the bot could not be reached). Not recorded as delivered."""
        target = url or (self.registration or {}).get("url")
        assert target, "the bot has not set a webhook"
        return await self._post(str(target), payload, secret)

    async def post_raw(self, body: str, *, secret: str | None) -> int:
        """POST any body (malformed JSON too) to the registered webhook; the HTTP status."""
        target = (self.registration or {}).get("url")
        assert target, "the bot has not set a webhook"
        return await self._post(str(target), body, secret)

    async def _run(self) -> None:
        while True:
            registration = self.registration
            update = self._next(registration) if registration else None
            if registration is None or update is None:
                await asyncio.sleep(0.02)
                continue
            url = str(registration["url"])
            secret = registration.get("secret_token")
            status = await self._post(url, update, str(secret) if secret else None)
            self.deliveries.append(Delivery(update["update_id"], url, status))
            if status == 200:
                self.payloads[update["update_id"]] = update
                self._acknowledge(update["update_id"])
            else:
                await asyncio.sleep(self.retry_after)

    def _next(self, registration: dict[str, Any]) -> JSON | None:
        if urlsplit(str(registration["url"])).hostname not in LOCAL_HOSTS:
            return None  # never post anywhere but to this machine
        allowed = registration.get("allowed_updates") or None
        for update in self.api.pending_updates:
            kind = next(key for key in update if key != "update_id")
            if allowed is None or kind in allowed:
                return update
            self._acknowledge(update["update_id"])  # Telegram drops what was not asked for
        return None

    def _acknowledge(self, update_id: int) -> None:
        api = self.api
        with api._lock:
            api._updates = [u for u in api._updates if u["update_id"] != update_id]

    async def _post(self, url: str, payload: JSON | str, secret: str | None) -> int:
        assert self._session is not None, "start() first"
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers[SECRET_HEADER] = secret
        try:
            async with self._session.post(
                url,
                data=payload if isinstance(payload, str) else json.dumps(payload),
                headers=headers,
            ) as resp:
                await resp.read()
                return resp.status
        except (aiohttp.ClientError, TimeoutError):
            return NO_ANSWER


@dataclass(frozen=True)
class Routed:
    update_id: int | None
    backend: int  # index into RoundRobin.backends
    status: int


class RoundRobin:
    """A load balancer on 127.0.0.1 sending each POST to the next of `backends` (full URLs)."""

    def __init__(self, backends: list[str], path: str = "/") -> None:
        self.backends, self.path = backends, path
        self.routed: list[Routed] = []
        self.port = 0
        self._next = 0
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        app = web.Application()
        app.router.add_post(path, self._forward)
        self._app = app

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{self.path}"

    def backend_of(self, update_id: int) -> int | None:
        """Which backend answered this update with 200 (None if none did)."""
        for item in self.routed:
            if item.update_id == update_id and item.status == 200:
                return item.backend
        return None

    async def start(self) -> None:
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
        self._runner = web.AppRunner(self._app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def __aenter__(self) -> RoundRobin:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    async def _forward(self, request: web.Request) -> web.Response:
        assert self._session is not None
        body = await request.read()
        index = self._next
        self._next = (self._next + 1) % len(self.backends)
        headers = {
            k: v
            for k, v in request.headers.items()
            if k.lower() in ("content-type", SECRET_HEADER.lower())
        }
        try:
            update_id = json.loads(body).get("update_id")
        except ValueError:
            update_id = None
        try:
            async with self._session.post(self.backends[index], data=body, headers=headers) as resp:
                answer = await resp.read()
                status = resp.status
        except (aiohttp.ClientError, TimeoutError):
            answer, status = b"", 502  # what a proxy says when its backend is down
        self.routed.append(Routed(update_id, index, status))
        return web.Response(status=status, body=answer)
