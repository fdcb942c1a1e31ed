"""A fake Telegram Bot API for tests (no network).

In-process:      app = app_builder(api).build()   (or FakeRequest(api) as request objects)
Out of process:  async with FakeBotServer(api) as srv: ... srv.base_url, srv.base_file_url
Users:           u = api.user(42); u.send("/start"); u.tap("OK"); await u.wait_for("Done")
"""

from .core import (
    ApiError,
    Call,
    CallbackAnswer,
    CallTimedOut,
    FakeBotAPI,
    FakeUser,
    SentMessage,
    StoredFile,
    UploadedFile,
    decode_params,
)
from .offline import FakeRequest, app_builder, feed_updates
from .server import FakeBotServer, ThreadedFakeBotServer

__all__ = [
    "ApiError",
    "Call",
    "CallTimedOut",
    "CallbackAnswer",
    "FakeBotAPI",
    "FakeBotServer",
    "FakeRequest",
    "FakeUser",
    "SentMessage",
    "StoredFile",
    "ThreadedFakeBotServer",
    "UploadedFile",
    "app_builder",
    "decode_params",
    "feed_updates",
]
