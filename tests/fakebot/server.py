"""The fake Bot API over HTTP on 127.0.0.1, for a bot running as a separate process.

async with FakeBotServer(api) as srv:      # in the test's event loop
    ...ApplicationBuilder().base_url(srv.base_url).base_file_url(srv.base_file_url)...

with FakeBotServer.start_in_thread(api) as srv:   # from synchronous code
    ...
"""

from __future__ import annotations

import asyncio
import json
import threading
from types import TracebackType
from typing import Any

from aiohttp import BodyPartReader, web

from .core import TIMED_OUT, CallTimedOut, FakeBotAPI, UploadedFile, decode_params


class FakeBotServer:
    def __init__(self, api: FakeBotAPI, host: str = "127.0.0.1", port: int = 0) -> None:
        self.api, self.host, self.port = api, host, port
        self._runner: web.AppRunner | None = None
        self._inflight: set[asyncio.Task[Any]] = set()
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._api_call)
        app.router.add_get("/file/bot{token}/{path:.*}", self._file)
        self._app = app

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://{self.host}:{self.port}/file/bot"

    async def start(self) -> None:
        # handler_cancellation: a long poll whose client went away must not linger (it would
        # later be "terminated by other getUpdates request" and count as a conflict).
        self._runner = web.AppRunner(
            self._app, access_log=None, shutdown_timeout=1.0, handler_cancellation=True
        )
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, self.port).start()
        self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        for task in self._inflight:  # pending long polls would delay shutdown
            task.cancel()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeBotServer:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @staticmethod
    def start_in_thread(api: FakeBotAPI) -> ThreadedFakeBotServer:
        """Run a server in a daemon thread with its own event loop; `.stop()` it when done."""
        return ThreadedFakeBotServer(api)

    async def _api_call(self, request: web.Request) -> web.Response:
        task = asyncio.current_task()
        assert task is not None
        self._inflight.add(task)
        try:
            self.api.tokens_seen.add(request.match_info["token"])
            params = decode_params({**request.query, **await _read_body(request)})
            try:
                status, body = await self.api.handle(request.match_info["method"], params)
            except CallTimedOut as timeout:
                # Answer too late: the client's read timeout fires first (and, having closed
                # the connection, cancels this handler).
                await asyncio.sleep(self.api.timeout_delay)
                return web.json_response(
                    {"ok": False, "description": str(timeout)}, status=TIMED_OUT
                )
            return web.json_response(body, status=status)
        finally:
            self._inflight.discard(task)

    async def _file(self, request: web.Request) -> web.Response:
        self.api.tokens_seen.add(request.match_info["token"])
        content = self.api.file_content(request.match_info["path"])
        if content is None:
            raise web.HTTPNotFound(text="file not found")
        return web.Response(body=content, content_type="application/octet-stream")


async def _read_body(request: web.Request) -> dict[str, Any]:
    if not request.can_read_body:
        return {}
    if request.content_type == "multipart/form-data":
        fields: dict[str, Any] = {}
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            if isinstance(part, BodyPartReader) and part.name:
                if part.filename is not None:
                    mime = part.headers.get("Content-Type", "application/octet-stream")
                    fields[part.name] = UploadedFile(part.filename, await part.read(), mime)
                else:
                    fields[part.name] = await part.text()
        return fields
    if request.content_type == "application/json":
        body = await request.json()
        # JSON bodies are already typed; re-encode non-strings so decode_params restores them.
        return {k: v if isinstance(v, str) else json.dumps(v) for k, v in body.items()}
    return dict(await request.post())


class ThreadedFakeBotServer:
    """A FakeBotServer in a background thread (see FakeBotServer.start_in_thread)."""

    def __init__(self, api: FakeBotAPI) -> None:
        self.server = FakeBotServer(api)
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop_event: asyncio.Event | None = None
        self._thread = threading.Thread(
            target=lambda: asyncio.run(self._main()), name="FakeBotServer", daemon=True
        )
        self._thread.start()
        self._ready.wait()
        if self._error is not None:
            self._thread.join()
            raise self._error

    @property
    def base_url(self) -> str:
        return self.server.base_url

    @property
    def base_file_url(self) -> str:
        return self.server.base_file_url

    async def _main(self) -> None:
        self._loop, self._stop_event = asyncio.get_running_loop(), asyncio.Event()
        try:
            await self.server.start()
        except BaseException as error:
            self._error = error
            self._ready.set()
            return
        self._ready.set()
        try:
            await self._stop_event.wait()
        finally:
            await self.server.stop()

    def stop(self) -> None:
        if self._thread.is_alive() and self._loop and self._stop_event:
            self._loop.call_soon_threadsafe(self._stop_event.set)
        self._thread.join()

    def __enter__(self) -> ThreadedFakeBotServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
