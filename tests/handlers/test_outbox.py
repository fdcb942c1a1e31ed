"""The outbox cannot lose a message (issue 16): each message is claimed right before its send
and settled right after, so a run cut short is resumed from exactly the keys not confirmed; a
5xx or a network error is retried with backoff, a timeout resent once and counted as possibly
duplicated; everything is counted in the run's report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.app.factory import build_application
from bot.domain.schedule import DueRun, Job
from handlers.kit.context import QingfuApp
from handlers.scheduler import outbox as delivery
from handlers.scheduler.tick import tick
from storage import jobs
from storage.db import SessionMaker
from storage.models import JobRun, Notification
from tests import harness, world
from tests.fakebot import FakeBotAPI, FakeRequest
from tests.handlers.scheduler_kit import LENA_DAD, LENA_MUM, MAX_MUM, THU, build, local
from tests.harness import Clock, Harness

USERS = (1, 2, 3, 4, 5)
TTL = timedelta(seconds=30)


class Killed(BaseException):
    """The process dies (kill -9): nothing after this line of the run happens."""


class DyingRequest(FakeRequest):
    """Dies right after the `after`-th sendMessage was delivered, before its answer is read."""

    def __init__(self, api: FakeBotAPI, after: int) -> None:
        super().__init__(api)
        self.after = after

    async def do_request(self, url: str, method: str, *args: Any, **kwargs: Any) -> Any:
        answer = await super().do_request(url, method, *args, **kwargs)
        if url.endswith("/sendMessage") and len(self.api.calls_to("sendMessage")) == self.after:
            raise Killed
        return answer


@dataclass
class Outbox:
    api: FakeBotAPI
    sessionmaker: SessionMaker
    clock: Clock
    messages: list[delivery.Outgoing]

    def app(self, request: FakeRequest | None = None) -> QingfuApp:
        return build_application(
            harness.test_settings(),
            self.sessionmaker,
            request=request or FakeRequest(self.api),
            rate_limit=False,
            scheduler=False,
        )

    async def deliver(self, request: FakeRequest | None = None) -> delivery.Report:
        async with self.app(request) as app:
            return await delivery.deliver(
                app.bot, self.sessionmaker, self.messages, self.clock, claim_ttl=TTL
            )

    def received(self) -> list[int]:
        return [len(self.api.user(u).messages) for u in USERS]

    async def rows(self) -> dict[int, tuple[str, int, bool]]:
        """recipient -> (status, attempts, possibly duplicated)."""
        async with self.sessionmaker() as session:
            found = await session.scalars(select(Notification))
            return {n.recipient_id: (n.status, n.attempts, n.possibly_duplicated) for n in found}


@pytest.fixture
async def outbox(sessionmaker: SessionMaker, monkeypatch: pytest.MonkeyPatch) -> Outbox:
    monkeypatch.setattr(delivery, "BACKOFF", 0.01)
    api = FakeBotAPI()
    for uid in USERS:
        api.user(uid)
    async with sessionmaker() as session:
        for uid in USERS:
            await world.user(session, uid)
        await session.commit()
    messages = [delivery.Outgoing(f"t:{u}:x:d", u, "test", f"hello {u}") for u in USERS]
    return Outbox(api, sessionmaker, Clock(), messages)


async def test_5xx_and_network_errors_are_retried_with_backoff(outbox: Outbox) -> None:
    outbox.api.fail_next("sendMessage", status=502, times=1)
    outbox.api.fail_next("sendMessage", status=500, times=1)
    report = await outbox.deliver()
    assert outbox.received() == [1, 1, 1, 1, 1]
    assert (report.sent, report.retries, report.possibly_duplicated) == (5, 2, 0)
    assert report.complete
    assert (await outbox.rows())[1] == ("sent", 3, False)


async def test_a_message_failing_every_try_is_left_retry_for_a_later_run(outbox: Outbox) -> None:
    outbox.api.fail_next("sendMessage", status=500, times=delivery.TRIES)
    report = await outbox.deliver()
    assert outbox.received() == [0, 1, 1, 1, 1]
    assert (report.sent, report.left_for_later, report.complete) == (4, 1, False)
    assert report.last_error == "NetworkError: Internal Server Error: injected failure"
    assert (await outbox.rows())[1] == ("retry", delivery.TRIES, False)
    again = await outbox.deliver()
    assert (again.sent, again.duplicates, again.complete) == (1, 4, True)
    assert outbox.received() == [1, 1, 1, 1, 1]


@pytest.mark.parametrize("delivered", [False, True])
async def test_a_timeout_is_resent_once_and_counted_possibly_duplicated(
    outbox: Outbox, delivered: bool
) -> None:
    outbox.api.time_out_next("sendMessage", delivered=delivered)
    report = await outbox.deliver()
    # Sent before the timeout: the user has it twice (and it is counted); else once.
    assert outbox.received() == [2 if delivered else 1, 1, 1, 1, 1]
    assert (report.sent, report.possibly_duplicated, report.retries) == (5, 1, 1)
    assert (await outbox.rows())[1] == ("sent", 2, True)
    assert (await outbox.rows())[2] == ("sent", 1, False)


async def test_two_timeouts_leave_it_for_a_later_run_still_flagged(outbox: Outbox) -> None:
    outbox.api.time_out_next("sendMessage", delivered=False, times=2)
    report = await outbox.deliver()
    assert (report.sent, report.left_for_later, report.possibly_duplicated) == (4, 1, 1)
    assert (await outbox.rows())[1] == ("retry", 2, True)
    await outbox.deliver()
    assert outbox.received() == [1, 1, 1, 1, 1]
    assert (await outbox.rows())[1] == ("sent", 3, True)


async def test_403_and_chat_not_found_mark_the_user_unreachable(outbox: Outbox) -> None:
    outbox.api.block(2)
    outbox.api.user(3).started = False
    report = await outbox.deliver()
    assert outbox.received() == [1, 0, 0, 1, 1]
    assert (report.sent, report.unreachable, report.retries) == (3, 2, 0)
    rows = await outbox.rows()
    assert rows[2][0] == rows[3][0] == "unreachable"


@pytest.mark.parametrize("after", [1, 3, 5])
async def test_killed_mid_run_the_resumer_sends_exactly_what_was_not_confirmed(
    outbox: Outbox, after: int
) -> None:
    """The process dies right after the `after`-th message reached the user, before it was
    recorded. Everything recorded before stays; at once, only the unclaimed keys go out and
    the one in flight waits for its claim to expire; then it is resent, flagged."""
    with pytest.raises(Killed):
        await outbox.deliver(DyingRequest(outbox.api, after))
    assert sum(outbox.received()) == after
    rows = await outbox.rows()
    assert [rows[u][0] for u in USERS[:after]] == ["sent"] * (after - 1) + ["pending"]
    soon = await outbox.deliver()  # another process, while the claim still holds
    assert (soon.sent, soon.in_flight, soon.complete) == (len(USERS) - after, 1, False)
    outbox.clock.advance(seconds=TTL.total_seconds() + 1)
    later = await outbox.deliver()
    assert (later.sent, later.resumed, later.possibly_duplicated) == (1, 1, 1)
    assert later.duplicates == len(USERS) - 1 and later.complete
    received = outbox.received()
    assert received[after - 1] == 2  # the one in flight: twice, and recorded as such
    assert [n for i, n in enumerate(received) if i != after - 1] == [1] * (len(USERS) - 1)
    flagged = [u for u, (_s, _a, doubtful) in (await outbox.rows()).items() if doubtful]
    assert flagged == [USERS[after - 1]]


async def test_every_run_logs_one_line_of_counts(
    outbox: Outbox, caplog: pytest.LogCaptureFixture
) -> None:
    outbox.api.fail_next("sendMessage", status=502)
    outbox.api.block(4)
    with caplog.at_level("INFO", logger="handlers.scheduler.outbox"):
        await outbox.deliver()
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("outbox:")]
    assert lines == [
        "outbox: 5 message(s): sent=4 duplicates=0 unreachable=1 failed=0 retries=1 "
        "possibly_duplicated=0 resumed=0 in_flight=0 left_for_later=0"
    ]


# ---------------------------------------------------------------- the tick's runs


async def test_a_run_left_incomplete_is_resumed_at_the_next_tick(
    bot: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(delivery, "BACKOFF", 0.01)
    await build(bot)
    bot.api.fail_next("sendMessage", status=500, times=delivery.TRIES)
    first = await tick(bot.app, local(17, 30))
    assert not first.complete and first.sent == 2
    async with bot.session() as session:
        run = await session.scalar(select(JobRun))
        assert run is not None and run.finished_at is None
    second = await tick(bot.app, local(17, 30) + timedelta(seconds=15))
    assert [r.job.value for r in second.runs] == ["notice"] and second.sent == 1
    assert [len(bot.user(p).messages) for p in (LENA_MUM, LENA_DAD, MAX_MUM)] == [1, 1, 1]
    async with bot.session() as session:
        run = await session.scalar(select(JobRun))
        assert run is not None and run.finished_at is not None


async def test_a_new_lease_holder_resumes_unfinished_runs_at_its_first_tick(
    bot: Harness,
) -> None:
    """A run claimed by a process that died: the process taking the lease over resumes it at
    once; the holder itself would wait a lease's length."""
    kit = await build(bot)
    start = local(17, 30)
    async with bot.session() as session:
        run = world_run(kit.school_id)
        assert await jobs.claim_runs(session, [run], start, timedelta(0)) == [run]
    lease = bot.app.bot_data.settings.scheduler_lease
    took_over = await tick(bot.app, start + timedelta(seconds=5), holder="survivor")
    assert [r.job.value for r in took_over.runs] == ["notice"] and took_over.sent == 3
    # The same holder, continuing, takes a run untouched for a lease's length for dead.
    async with bot.session() as session:
        evening = world_run(kit.school_id, "evening")
        at = local(20, 30)
        assert await jobs.claim_runs(session, [evening], at, lease) == [evening]
    assert (await tick(bot.app, at + lease / 2, holder="survivor")).runs == []
    resumed = await tick(bot.app, at + lease + timedelta(seconds=1), holder="survivor")
    assert [r.job.value for r in resumed.runs] == ["evening"]


def world_run(school_id: int, job: str = "notice") -> DueRun:
    return DueRun(school_id, Job(job), THU)
