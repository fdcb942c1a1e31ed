"""The one Telegram budget (issue 17): never more than 30 messages in any one-second window,
replies before bulk sends, per-chat limits, 429 pauses everyone; in Redis, shared by two
"processes" (skipped when no Redis answers at 127.0.0.1:6379 or REDIS_URL)."""

from __future__ import annotations

import asyncio
import os
import secrets
import time
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import pytest
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from telegram.error import RetryAfter

from handlers.kit import budget
from handlers.kit.budget import (
    BULK_LIMIT,
    LIMIT,
    BudgetLimiter,
    LocalWindows,
    RedisWindows,
    Request,
    Windows,
)

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")


def most_in_a_second(times: Sequence[float], span: float = 1.0) -> int:
    ordered = sorted(times)
    best, start = 0, 0
    for end, t in enumerate(ordered):
        while ordered[start] <= t - span:
            start += 1
        best = max(best, end - start + 1)
    return best


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def take(windows: LocalWindows, clock: FakeClock, request: Request) -> float:
    """Wait (on the fake clock) until `request` has its place; the time it got it (the
    request then ends at once)."""
    while True:
        wait, ticket = await windows.reserve(request)
        if wait <= 0:
            await windows.done(ticket)
            return clock.now
        clock.now += wait


async def test_never_more_than_30_in_any_second_and_a_chat_gets_three_in_three() -> None:
    clock = FakeClock()
    windows = LocalWindows(clock)
    sent = [await take(windows, clock, Request(i, bulk=False, paid=False)) for i in range(1, 200)]
    assert most_in_a_second(sent) == LIMIT
    assert sent[-1] - sent[0] >= 199 / LIMIT - 1.01  # and it does use the whole budget
    one_chat = [await take(windows, clock, Request(7, bulk=True, paid=False)) for _ in range(6)]
    assert most_in_a_second(one_chat, 3.0) == 3  # bulk sends: the chat's own window
    # Replies in a private chat answer the person: only the global window holds them.
    replies = [await take(windows, clock, Request(8, bulk=False, paid=False)) for _ in range(6)]
    assert most_in_a_second(replies, 3.0) == 6


async def test_bulk_uses_29_and_steps_back_while_a_reply_waits() -> None:
    clock = FakeClock()
    windows = LocalWindows(clock)
    bulk = [await take(windows, clock, Request(i, bulk=True, paid=False)) for i in range(1, 88)]
    assert most_in_a_second(bulk) == BULK_LIMIT  # three full seconds of 29
    assert (await windows.reserve(Request(6000, bulk=True, paid=False)))[0] > 0
    # The window is full for bulk sends: a reply still finds its place at once.
    wait, ticket = await windows.reserve(Request(5000, bulk=False, paid=False))
    assert wait == 0
    await windows.done(ticket)
    # The next reply must wait; bulk sends leave it the place it waits for.
    wait = (await windows.reserve(Request(5001, bulk=False, paid=False)))[0]
    assert wait > 0
    clock.now += wait
    assert (await windows.reserve(Request(6000, bulk=True, paid=False)))[0] > 0
    assert (await windows.reserve(Request(5001, bulk=False, paid=False)))[0] == 0


async def test_a_request_under_way_keeps_its_place_until_it_ends() -> None:
    clock = FakeClock()
    windows = LocalWindows(clock)
    tickets = []
    for i in range(LIMIT):
        wait, ticket = await windows.reserve(Request(i + 1, bulk=False, paid=False))
        assert wait == 0
        tickets.append(ticket)
    clock.now += 5  # the requests are slow: still under way, their places still taken
    assert (await windows.reserve(Request(99, bulk=False, paid=False)))[0] > 0
    for ticket in tickets:
        await windows.done(ticket)
    clock.now += 0.5  # ended half a second ago: they count a second from their end
    assert (await windows.reserve(Request(99, bulk=False, paid=False)))[0] > 0
    clock.now += 0.6
    assert (await windows.reserve(Request(99, bulk=False, paid=False)))[0] == 0


async def test_paid_broadcasts_have_a_window_of_their_own() -> None:
    clock = FakeClock()
    windows = LocalWindows(clock)
    paid = [await take(windows, clock, Request(i, bulk=True, paid=True)) for i in range(1, 300)]
    assert paid[-1] == paid[0]  # 299 at once: under the 1,000 a second of paid broadcasts
    assert (await windows.reserve(Request(9999, bulk=False, paid=False)))[0] == 0


class Api:
    """A stand-in Bot API call: answers 429 the first `floods` times."""

    def __init__(self, floods: int = 0) -> None:
        self.floods = floods
        self.times: list[float] = []

    async def __call__(self, *_args: Any, **_kwargs: Any) -> bool:
        if self.floods:
            self.floods -= 1
            raise RetryAfter(timedelta(seconds=0))
        self.times.append(time.monotonic())
        return True


async def send(limiter: BudgetLimiter, api: Api, chat_id: int | None, endpoint: str) -> Any:
    data = {} if chat_id is None else {"chat_id": chat_id}
    return await limiter.process_request(api, (), {}, endpoint, data, None)


async def test_the_limiter_holds_messages_not_button_answers() -> None:
    limiter = BudgetLimiter(LocalWindows())
    api = Api()
    start = time.monotonic()
    await asyncio.gather(*(send(limiter, api, None, "answerCallbackQuery") for _ in range(100)))
    assert time.monotonic() - start < 0.5  # 100 answers at once: nothing held back
    await asyncio.gather(*(send(limiter, api, 100 + i, "sendMessage") for i in range(45)))
    assert most_in_a_second(api.times[100:]) <= LIMIT
    assert api.times[-1] - api.times[100] >= 0.9  # the last 15 waited for the next second


async def test_a_flood_limit_is_waited_out_and_the_message_sent() -> None:
    limiter = BudgetLimiter(LocalWindows(), max_retries=2)
    api = Api(floods=2)
    assert await send(limiter, api, 5, "sendMessage") is True
    api = Api(floods=3)
    with pytest.raises(RetryAfter):
        await send(limiter, api, 5, "sendMessage")


@pytest.fixture
async def redis_windows() -> Any:
    client = Redis.from_url(REDIS_URL)
    try:
        await client.ping()
    except (RedisConnectionError, OSError):
        pytest.skip(f"no Redis at {REDIS_URL}")
    prefix = f"qingfu:test:{secrets.token_hex(4)}"
    # Two processes' windows: two clients, one prefix.
    first, second = RedisWindows(client, prefix), RedisWindows(Redis.from_url(REDIS_URL), prefix)
    yield first, second
    await first.close()
    await second.close()


async def test_two_processes_share_one_budget_in_redis(
    redis_windows: tuple[Windows, Windows],
) -> None:
    first, second = redis_windows
    api = Api()

    async def one(windows: Windows, chat_id: int, bulk: bool) -> None:
        token = budget._priority.set(budget.Priority.BULK if bulk else budget.Priority.INTERACTIVE)
        try:
            await send(BudgetLimiter(windows), api, chat_id, "sendMessage")
        finally:
            budget._priority.reset(token)

    # Process 1 broadcasts 60 while process 2 answers 20 parents.
    broadcast = [one(first, 1000 + i, True) for i in range(60)]
    replies = [one(second, 2000 + i, False) for i in range(20)]
    start = time.monotonic()
    await asyncio.gather(*broadcast, *replies)
    assert len(api.times) == 80
    assert most_in_a_second(api.times) <= LIMIT
    assert api.times[-1] - start >= 1.5  # 80 messages need more than two windows
    # The second process's replies were not held behind the first one's broadcast.
    assert (await second.reserve(Request(3000, bulk=False, paid=False)))[0] >= 0


async def test_a_429_in_one_process_pauses_the_other(
    redis_windows: tuple[Windows, Windows],
) -> None:
    first, second = redis_windows
    await first.pause(0.5)
    wait, _ = await second.reserve(Request(1, bulk=False, paid=False))
    assert 0.3 < wait <= 0.5
