"""One Telegram budget for everything the bot sends, with priorities, shared by all processes.

Telegram allows about 30 messages a second per bot, and about one a second in a private chat
(short bursts pass), 20 a minute in a group. `BudgetLimiter` is the Application's rate limiter
(PTB's `BaseRateLimiter`): every request with a `chat_id` (sends, edits) takes a place in a
sliding one-second window before it goes, so never more than `LIMIT` go out in any
one-second window, and never more than a chat's own limit in that chat.

Priorities: interactive replies (anything sent while answering an update) may use the whole
window; bulk sends (the scheduler's outbox: `with bulk():`) only up to `BULK_LIMIT`, and they
step back while an interactive reply is waiting, so a parent's answer never queues behind a
district's notice. A bulk request with `allow_paid_broadcast` (the `ALLOW_PAID_BROADCAST`
setting, for deployments that pay Telegram for higher broadcast rates) is counted in a window
of its own, up to `PAID_LIMIT`. Requests without a chat (answerCallbackQuery, getUpdates) are
not messages and are never held back.

Where the windows live: with `REDIS_URL` set, in Redis (`RedisWindows`: one small Lua script
checks and takes a place atomically, on Redis's clock), so every process behind one bot token
shares one budget; otherwise in the process (`LocalWindows`). A 429 (RetryAfter) pauses every
sender of the budget for the time Telegram asked, then the request is tried again (up to
`max_retries` times).
"""

from __future__ import annotations

import asyncio
import enum
import itertools
import logging
import math
import os
import time
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Protocol

from redis.asyncio import Redis
from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)

LIMIT = 30
"""Messages in any one-second window, all chats and all processes together."""
BULK_LIMIT = 29
"""What bulk sends may use of the window (the rest is always free for a reply)."""
PAID_LIMIT = 1000
"""Paid broadcasts (`allow_paid_broadcast`) in any one-second window."""
WINDOW = 1.0
PRIVATE_CHAT = (3, 3.0)
"""At most 3 bulk messages in any 3 seconds in one private chat (about one a second, short
bursts); replies are not held to it (`Request.chat_limit`)."""
GROUP_CHAT = (20, 60.0)
"""At most 20 messages a minute in a group."""
IN_FLIGHT = 15.0
"""In Redis, how long a place under way counts at most (a process that died mid-request)."""
HOLD_MARGIN = 0.05
"""Bulk sends step back until a waiting reply's place is free, and this much longer."""


class Priority(enum.Enum):
    INTERACTIVE = "interactive"
    BULK = "bulk"


_priority: ContextVar[Priority] = ContextVar("qingfu_send_priority", default=Priority.INTERACTIVE)
_paid: ContextVar[bool] = ContextVar("qingfu_paid_broadcast", default=False)


@contextmanager
def bulk(*, paid: bool | None = None) -> Iterator[None]:
    """Sends inside the block are bulk: they use what interactive replies leave. `paid`: they
    go as paid broadcasts (`allow_paid_broadcast`); None keeps what the caller's block said."""
    token = _priority.set(Priority.BULK)
    paid_token = _paid.set(_paid.get() if paid is None else paid)
    try:
        yield
    finally:
        _priority.reset(token)
        _paid.reset(paid_token)


def paid_broadcast() -> bool:
    """Whether sends here go as paid broadcasts (the caller adds `allow_paid_broadcast`)."""
    return _paid.get() and _priority.get() is Priority.BULK


@dataclass(frozen=True)
class Request:
    """What the budget needs to know of one request."""

    chat_id: int | None
    bulk: bool
    paid: bool

    def chat_limit(self) -> tuple[int, float] | None:
        """The chat's own window: a group's always; a private chat's for bulk sends only. A
        reply in a private chat answers what the person just did (a person does not tap or
        type several times a second for long), and the short bursts of a reply in several
        messages are what Telegram allows; holding replies to one a second would only make
        the person wait."""
        if self.chat_id is None:
            return None
        if self.chat_id < 0:
            return GROUP_CHAT
        return PRIVATE_CHAT if self.bulk else None


class Mark:
    """A place taken in a window. While its request is under way it counts as now (whenever
    Telegram sees it, it is in the last second); once the request ended, from its end: so no
    one-second window of arrivals holds more than the limit, however slow a request."""

    __slots__ = ("at",)

    def __init__(self) -> None:
        self.at = math.inf

    def time(self, now: float) -> float:
        return min(self.at, now)


Ticket = Any
"""What `reserve` hands back for `done`: the places taken (`CHAT` with a wait: the wait is
the chat's own limit)."""

CHAT = "chat"


class Windows(Protocol):
    """Where the sliding windows are kept."""

    async def reserve(self, request: Request) -> tuple[float, Ticket]:
        """Take a place for `request`: (0, its ticket), or (the seconds to wait first, None)."""
        ...

    async def done(self, ticket: Ticket) -> None:
        """The request ended: its places count from now (it reached Telegram before)."""
        ...

    async def pause(self, seconds: float) -> None:
        """Hold every sender back for `seconds` (Telegram answered 429)."""
        ...

    async def close(self) -> None: ...


class LocalWindows:
    """The windows of this process (no REDIS_URL)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.sent: list[Mark] = []
        self.paid: list[Mark] = []
        self.chats: dict[int, list[Mark]] = {}
        self.paused_until = 0.0
        self.interactive_until = 0.0

    async def reserve(self, request: Request) -> tuple[float, Ticket]:
        now = self.clock()
        if self.paused_until > now:
            return self.paused_until - now, None
        if request.bulk and self.interactive_until > now:
            return self.interactive_until - now, None
        window, limit = (
            (self.paid, PAID_LIMIT)
            if request.paid
            else (self.sent, BULK_LIMIT if request.bulk else LIMIT)
        )
        wait = _wait(window, limit, WINDOW, now)
        chat = request.chat_limit()
        chat_log = self.chats.get(request.chat_id) if request.chat_id is not None else None
        chat_wait = _wait(chat_log, chat[0], chat[1], now) if chat and chat_log else 0.0
        if chat_wait > wait:
            return chat_wait, CHAT  # the chat's own limit: nothing to do with the others
        if wait > 0:
            if not request.bulk:  # bulk sends leave the place it waits for to it
                self.interactive_until = max(self.interactive_until, now + wait + HOLD_MARGIN)
            return wait, None
        mark = Mark()
        window.append(mark)
        if chat is not None and request.chat_id is not None:
            self.chats.setdefault(request.chat_id, []).append(mark)
        self._forget(now)
        return 0.0, mark

    async def done(self, ticket: Ticket) -> None:
        if isinstance(ticket, Mark):
            ticket.at = self.clock()

    def _forget(self, now: float) -> None:
        if len(self.chats) > 10_000:  # chats quiet for longer than any chat window
            horizon = now - GROUP_CHAT[1]
            self.chats = {k: v for k, v in self.chats.items() if v and v[-1].time(now) > horizon}

    async def pause(self, seconds: float) -> None:
        self.paused_until = max(self.paused_until, self.clock() + seconds)

    async def close(self) -> None:
        pass


POLL = 0.05
"""Seconds between looks at a window kept full by requests under way."""


def _wait(marks: list[Mark], limit: int, span: float, now: float) -> float:
    """Seconds until `marks` (places taken) leave room for one more in the last `span`."""
    marks[:] = [m for m in marks if m.at > now - span]
    if len(marks) < limit:
        return 0.0
    times = sorted(m.at for m in marks)
    free = times[len(times) - limit] + span - now
    return free if free != math.inf else POLL


RESERVE = """
-- KEYS: 1 the window (all chats, or the paid one), 2 the chat's window or '', 3 the pause,
-- 4 the interactive-waiting flag. ARGV: 1 limit, 2 chat limit, 3 chat span (ms), 4 a unique
-- member, 5 '1' for bulk, 6 the hold margin (ms), 7 how long a place under way counts at most
-- (ms: a process that died mid-request frees it then). Returns 0 (a place was taken), the
-- milliseconds to wait, or minus them when the wait is the chat's own limit.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local limit, chat_limit, chat_span = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local bulk = ARGV[5] == '1'
local pause = tonumber(redis.call('GET', KEYS[3]) or '0')
if pause > now then return pause - now end
if bulk then
  local hold = redis.call('PTTL', KEYS[4])
  if hold > 0 then return hold end
end
local function wait_for(key, n, span)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - span)
  local count = redis.call('ZCARD', key)
  if count < n then return 0 end
  local oldest = redis.call('ZRANGE', key, count - n, count - n, 'WITHSCORES')
  local score = tonumber(oldest[2])
  if score > now then return 50 end  -- under way: look again soon
  return math.max(1, score + span - now)
end
local wait = wait_for(KEYS[1], limit, 1000)
if KEYS[2] ~= '' then
  local chat_wait = wait_for(KEYS[2], chat_limit, chat_span)
  if chat_wait > wait then return -chat_wait end
end
if wait > 0 then
  if not bulk and wait + tonumber(ARGV[6]) > redis.call('PTTL', KEYS[4]) then
    redis.call('SET', KEYS[4], '1', 'PX', wait + tonumber(ARGV[6]))
  end
  return wait
end
-- Under way: counted as "now" until `done` sets its end (at most ARGV[7] ms if never).
local flight = now + tonumber(ARGV[7])
redis.call('ZADD', KEYS[1], flight, ARGV[4])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[7]) + 2000)
if KEYS[2] ~= '' then
  redis.call('ZADD', KEYS[2], flight, ARGV[4])
  redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[7]) + chat_span + 1000)
end
return 0
"""

DONE = """
-- The request ended: its places count from Redis's now. KEYS: the windows; ARGV[1] member.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
for _, key in ipairs(KEYS) do
  redis.call('ZADD', key, 'XX', now, ARGV[1])
end
return 0
"""


class RedisWindows:
    """The windows in Redis, shared by every process of the bot (REDIS_URL)."""

    def __init__(self, client: Redis, prefix: str) -> None:
        self.client = client
        self.prefix = prefix
        self.script = client.register_script(RESERVE)
        self.done_script = client.register_script(DONE)
        self._ids = itertools.count()
        self._me = f"{os.getpid()}:{id(self)}"

    @classmethod
    def from_url(cls, url: str, prefix: str) -> RedisWindows:
        return cls(Redis.from_url(url), prefix)

    async def reserve(self, request: Request) -> tuple[float, Ticket]:
        p = self.prefix
        window = f"{p}:paid" if request.paid else f"{p}:sent"
        limit = PAID_LIMIT if request.paid else (BULK_LIMIT if request.bulk else LIMIT)
        chat = request.chat_limit()
        chat_key = f"{p}:chat:{request.chat_id}" if chat is not None else ""
        chat_limit, chat_span = chat if chat is not None else (0, 0.0)
        member = f"{self._me}:{next(self._ids)}"
        waited = await self.script(
            keys=[window, chat_key, f"{p}:pause", f"{p}:interactive"],
            args=[
                limit,
                chat_limit,
                int(chat_span * 1000),
                member,
                "1" if request.bulk else "0",
                int(HOLD_MARGIN * 1000),
                int(IN_FLIGHT * 1000),
            ],
        )
        if int(waited) < 0:
            return -int(waited) / 1000, CHAT
        if int(waited) > 0:
            return int(waited) / 1000, None
        return 0.0, ([window, chat_key] if chat_key else [window], member)

    async def done(self, ticket: Ticket) -> None:
        if ticket is not None:
            keys, member = ticket
            await self.done_script(keys=keys, args=[member])

    async def pause(self, seconds: float) -> None:
        key = f"{self.prefix}:pause"
        t = await self.client.time()
        until = int(t[0]) * 1000 + int(t[1]) // 1000 + int(seconds * 1000)
        await self.client.set(key, until, px=int(seconds * 1000) + 1000)

    async def close(self) -> None:
        await self.client.aclose()


class BudgetLimiter(BaseRateLimiter[int]):
    """PTB's rate limiter over the shared budget (see the module's docstring)."""

    def __init__(self, windows: Windows, max_retries: int = 5) -> None:
        self.windows = windows
        self.max_retries = max_retries
        self.waits = 0
        self._lines = {False: asyncio.Lock(), True: asyncio.Lock()}  # by `Request.bulk`

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        await self.windows.close()

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        chat_id = _chat_id(data.get("chat_id"))
        if chat_id is None:  # not a message: never held back
            return await callback(*args, **kwargs)
        request = Request(
            chat_id,
            bulk=_priority.get() is Priority.BULK,
            paid=bool(data.get("allow_paid_broadcast")),
        )
        retries = rate_limit_args if rate_limit_args is not None else self.max_retries
        for attempt in range(retries + 1):
            ticket = await self._place(request)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as error:
                if attempt == retries:
                    log.warning(
                        "Rate limit hit after maximum of %d retries on %s; left to the caller",
                        retries,
                        endpoint,
                    )
                    raise
                seconds = _seconds(error.retry_after) + 0.1
                log.info("flood limit on %s: every sender waits %.1f s", endpoint, seconds)
                await self.windows.pause(seconds)
            finally:
                await self.windows.done(ticket)
        raise AssertionError("unreachable")

    async def _place(self, request: Request) -> Ticket:
        """Wait for a place. Requests of one priority wait in line (first come, first
        served): only the first polls the window, so a thousand waiting edits do not all
        wake each time a place frees; a wait for a chat's own limit is done out of line."""
        while True:
            async with self._lines[request.bulk]:
                while True:
                    wait, ticket = await self.windows.reserve(request)
                    if wait <= 0 or ticket == CHAT:
                        break
                    self.waits += 1
                    await asyncio.sleep(wait)
            if wait <= 0:
                return ticket
            await asyncio.sleep(wait)


def _chat_id(value: object) -> int | None:
    if value is None:
        return None
    try:
        return int(str(value))
    except ValueError:  # a channel's @username: counted as a group
        return -1


def _seconds(value: Any) -> float:
    return value.total_seconds() if hasattr(value, "total_seconds") else float(value)


def windows_for(redis_url: str, bot_id: str) -> Windows:
    """Redis's shared windows when `redis_url` is set, else this process's own."""
    if redis_url:
        return RedisWindows.from_url(redis_url, f"qingfu:budget:{bot_id}")
    return LocalWindows()
