"""Two webhook processes on one database, one parent's two answers posted to both at the same
moment: each step works on the dialog under the parent's lock, so the two run one after the
other and end in one consistent stored state, with no error for anyone.

The answers are posted by hand, one to each process's own webhook server, together (the fake
Telegram posts one update at a time). PostgreSQL only: that is where several processes serve
one bot (on SQLite, one machine's single writer and the version check are the guard).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from bot.domain.reporting import ReportOutcome
from handlers.parents.history import ReportDayButton
from handlers.parents.reports import (
    EveningAnswer,
    EveningAnswerButton,
    EveningReportStep,
    NoteSkipButton,
)
from storage.db import SessionMaker
from storage.models import DailyReport, Dialog, ReportEvent, SchoolClass, Subject
from tests import world
from tests.conftest import PG_URL
from tests.e2e import test_webhook_e2e as webhook
from tests.e2e.helpers import find_button, has_button, send, t, tap, wait_answered
from tests.e2e.stories import Seeded, add_child, add_person, seed_school
from tests.fakebot import FakeBotAPI, FakeUser
from tests.fakebot.webhook import RoundRobin, WebhookDelivery

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not PG_URL, reason="processes share PostgreSQL (TEST_DATABASE_URL)"),
]

# The webhook suite's fixtures: `fleet` (bot.py processes in webhook mode, their logs checked
# for errors at teardown) and `telegram` (the fake Bot API posting updates to the webhook).
fleet = webhook.fleet
telegram = webhook.telegram

EN = "en"
PARENT = 4301
TEACHER = 4302
ROUNDS = 3
NOTE = "Tired, maths was hard"
SORRY = "Sorry, something went wrong on our side. Please try again in a minute."
STALE = "This is no longer available."
NOT_UNDERSTOOD = "I did not understand that. What would you like to do?"


@dataclass
class Race:
    """One parent, two processes, one database."""

    api: FakeBotAPI
    telegram: WebhookDelivery
    bots: list[webhook.WebhookBot]
    db: SessionMaker
    parent: FakeUser
    seeded: Seeded
    child_id: int

    async def at_once(self, *acts: Callable[[], object]) -> list[int]:
        """Make the parent's updates (`acts` send or tap), then post the i-th to the i-th
        process, all together; returns their update ids."""
        await self.telegram.stop()  # hold Telegram's own delivery while they are made
        for act in acts:
            act()
        updates = self.api.take_updates()
        await self.telegram.start()
        assert len(updates) == len(self.bots)
        statuses = await asyncio.gather(
            *(
                self.telegram.post(update, secret=webhook.SECRET, url=bot.url)
                for update, bot in zip(updates, self.bots, strict=True)
            )
        )
        assert statuses == [200] * len(self.bots)
        return [int(update["update_id"]) for update in updates]

    async def replies_after(self, mark: int) -> list[str | None]:
        await self.parent.wait_idle(quiet=0.5)
        replies = [m.text for m in self.parent.messages if m.seq > mark]
        assert t(EN, SORRY) not in replies, replies
        return replies

    async def stored(self) -> tuple[DailyReport, list[ReportEvent], Dialog | None]:
        """The one report row, its history, and the parent's dialog (at most one row)."""
        async with self.db() as s:
            reports = (await s.scalars(select(DailyReport))).all()
            assert len(reports) == 1, "one report row per child and day"
            report = reports[0]
            assert report.child_id == self.child_id
            history = await s.scalars(
                select(ReportEvent)
                .where(ReportEvent.report_id == report.id)
                .order_by(ReportEvent.id)
            )
            assert (await s.scalar(select(func.count()).select_from(Dialog)) or 0) <= 1
            return report, list(history), await s.get(Dialog, PARENT)


async def test_a_parents_two_answers_at_once_on_two_processes(
    api: FakeBotAPI,
    telegram: WebhookDelivery,
    fleet: webhook.Fleet,
    db: SessionMaker,
    database_url: str,
) -> None:
    if make_url(database_url).get_backend_name() != "postgresql":
        pytest.skip("several processes on one SQLite file are not a deployment")
    seeded = await seed_school(db, name="Race School", classes=[(4, "4A")], subjects=["Maths"])
    await add_person(db, seeded, PARENT, "Anna", "en")
    child_id = await add_child(db, seeded, "Lena", "4A", [PARENT])
    async with db() as s:  # /report offers the evenings with written homework
        klass = await s.get(SchoolClass, seeded.classes["4A"])
        subject = await s.get(Subject, seeded.subjects["Maths"])
        assert klass is not None and subject is not None
        await world.homework(s, klass, subject, TEACHER, 30, seeded.today)
        await s.commit()
    ports = webhook.free_port(), webhook.free_port()
    async with RoundRobin([f"http://127.0.0.1:{p}/tg" for p in ports], "/tg") as balancer:
        a = fleet.new("a", port=ports[0], url=balancer.url)
        b = fleet.new("b", port=ports[1], url=balancer.url, env={"WEBHOOK_SET": "false"})
        await a.start()
        await b.start()
        parent = api.user(PARENT, "Anna", language_code="en")
        race = Race(api, telegram, [a, b], db, parent, seeded, child_id)
        for before in range(ROUNDS):
            await two_answers_at_once(race, answers_before=2 * before)
            await note_and_skip_at_once(race)


async def two_answers_at_once(race: Race, answers_before: int) -> None:
    """ "As estimated" to one process and a range to the other: both are taken, one after the
    other: one report row with both in its history, and one dialog at the note step."""
    parent, today = race.parent, race.seeded.today
    await send(parent, "/report", has_button(ReportDayButton, day=today))
    question = has_button(EveningAnswerButton, answer=EveningAnswer.ESTIMATE)
    await tap(parent, ReportDayButton, question, day=today)
    estimate, _payload, message = find_button(
        parent, EveningAnswerButton, answer=EveningAnswer.ESTIMATE
    )
    ranged, payload, _message = find_button(
        parent, EveningAnswerButton, answer=EveningAnswer.MINUTES
    )
    assert isinstance(payload, EveningAnswerButton)
    mark = parent.mark()
    taps = await race.at_once(
        lambda: parent.tap(estimate, message_id=message.message_id),
        lambda: parent.tap(ranged, message_id=message.message_id),
    )
    answers = [await wait_answered(parent, update_id) for update_id in taps]
    # Neither was refused: each tap is answered with the toast of its own answer, at once.
    assert len(set(answers)) == 2 and all(a.startswith("Saved: ") for a in answers), answers
    await race.replies_after(mark)
    report, history, dialog = await race.stored()
    assert len(history) == answers_before + 2  # every answer is in the history
    # The estimate as it stood (30 min of homework) and the range stored as a range.
    assert {(e.minutes, e.minutes_low, e.minutes_high) for e in history[-2:]} == {
        (30, None, None),
        (None, payload.minutes, payload.high),
    }
    last = history[-1]
    assert (report.minutes, report.minutes_low, report.minutes_high, report.outcome) == (
        last.minutes,
        last.minutes_low,
        last.minutes_high,
        last.outcome,
    )  # the last wins
    assert report.outcome == ReportOutcome.DONE and report.note is None
    assert dialog is not None and dialog.step == EveningReportStep.NOTE
    assert dialog.data == {"child_id": race.child_id, "day": today.isoformat()}


async def note_and_skip_at_once(race: Race) -> None:
    """A note to one process and Skip to the other: one wins, the other finds the dialog
    closed: Skip is refused politely, or the text is not taken as a note."""
    parent = race.parent
    _report, _history, dialog = await race.stored()
    assert dialog is not None
    skip = NoteSkipButton(dialog.token).pack()  # the Skip button of the dialog that won
    mark = parent.mark()
    _sent, skipped = await race.at_once(
        lambda: parent.send(NOTE), lambda: parent.tap_raw(skip, parent.last.message_id)
    )
    skip_answer = await wait_answered(parent, skipped)
    replies = await race.replies_after(mark)
    report, _history, dialog = await race.stored()
    assert dialog is None
    if report.note is not None:  # the note won
        assert report.note == NOTE
        assert t(EN, "Note saved. Thank you!") in replies, replies
        assert skip_answer == t(EN, STALE)
    else:  # Skip won; the text then reached no dialog
        assert skip_answer == ""
        assert t(EN, NOT_UNDERSTOOD) in replies, replies
    async with race.db() as s:  # the next round starts without a note
        stored = await s.get(DailyReport, report.id)
        assert stored is not None
        stored.note = None
        await s.commit()
