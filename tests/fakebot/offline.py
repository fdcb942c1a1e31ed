"""In-process transport: a PTB request object that answers from a FakeBotAPI, no sockets.

api = FakeBotAPI()
app = app_builder(api).build()          # or .request(FakeRequest(api)) yourself
async with app: ...
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from telegram import Update
from telegram.error import TimedOut
from telegram.ext import Application, ApplicationBuilder
from telegram.request import BaseRequest, RequestData

from .core import CallTimedOut, FakeBotAPI, UploadedFile, decode_params

_API_PATH = re.compile(r"/bot(?P<token>[^/]+)/(?P<method>[^/]+)$")
_FILE_PATH = re.compile(r"/file/bot(?P<token>[^/]+)/(?P<path>.+)$")


class FakeRequest(BaseRequest):
    """Sends every request to `api.handle` exactly as the HTTP server would (wire-format
    parameters through `decode_params`, files as `UploadedFile`s)."""

    def __init__(self, api: FakeBotAPI, read_timeout: float | None = 5.0) -> None:
        self.api = api
        self._read_timeout = read_timeout

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: object = BaseRequest.DEFAULT_NONE,
        write_timeout: object = BaseRequest.DEFAULT_NONE,
        connect_timeout: object = BaseRequest.DEFAULT_NONE,
        pool_timeout: object = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        parts = urlsplit(url)
        if file_match := _FILE_PATH.search(parts.path):
            self.api.tokens_seen.add(unquote(file_match["token"]))
            content = self.api.file_content(unquote(file_match["path"]))
            return (404, b"file not found") if content is None else (200, content)
        api_match = _API_PATH.search(parts.path)
        if api_match is None:
            return 404, b'{"ok": false, "error_code": 404, "description": "Not Found"}'
        self.api.tokens_seen.add(unquote(api_match["token"]))
        raw: dict[str, object] = dict(parse_qsl(parts.query))
        if request_data is not None:
            raw.update(request_data.json_parameters)
            for name, (filename, data, mime_type) in request_data.multipart_data.items():
                blob = data if isinstance(data, bytes) else data.read()
                raw[name] = UploadedFile(filename, blob, mime_type)
        try:
            status, body = await self.api.handle(api_match["method"], decode_params(raw))
        except CallTimedOut:
            raise TimedOut from None  # as PTB's HTTPXRequest raises on a read timeout
        return status, json.dumps(body).encode()


def app_builder(
    api: FakeBotAPI, token: str = "123:ABC"
) -> ApplicationBuilder[Any, Any, Any, Any, Any, Any]:
    """An ApplicationBuilder whose bot talks to `api` in-process (add handlers, then .build())."""
    builder: ApplicationBuilder[Any, Any, Any, Any, Any, Any] = ApplicationBuilder()
    return builder.token(token).request(FakeRequest(api)).get_updates_request(FakeRequest(api))


async def feed_updates(app: Application[Any, Any, Any, Any, Any, Any], api: FakeBotAPI) -> int:
    """Process all pending updates with `app.process_update`, one by one, without polling;
    returns how many. Deterministic alternative to running the updater."""
    count = 0
    while updates := api.take_updates():
        for payload in updates:
            await app.process_update(Update.de_json(payload, app.bot))
            count += 1
    return count
