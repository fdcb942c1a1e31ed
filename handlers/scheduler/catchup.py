"""What a parent missed today, delivered when they come back.

The scheduler skips a user it cannot reach (they blocked the bot, never opened it, or deleted
the chat). When they write again, or unblock the bot, the gate marks them reachable and flags
the update; `on_came_back` (registered after the features, so their reply comes first) then
sends them, for each of their children, today's homework notice and today's evening question
(today in the school's time zone), where that job has already run today. The messages are built
by the scheduler's own builders under the same keys (`handlers.scheduler.notices`), so nothing
already delivered is sent again, and nothing of an earlier day is sent at all.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import date

from telegram import Update

from bot.domain.calendar import SchoolCalendar, local_now
from bot.domain.schedule import Job
from handlers.kit.context import Ctx, QingfuApp
from handlers.kit.gate import came_back
from handlers.scheduler import outbox as delivery
from handlers.scheduler.jobkit import claim_ttl
from handlers.scheduler.notices import notice_messages, question_messages
from handlers.scheduler.outbox import Outgoing
from storage import jobs, missed
from storage.homework import calendar_of
from storage.models import School
from storage.notices import ClassEvening, Family, class_evenings, families_of

log = logging.getLogger(__name__)


async def on_came_back(update: Update, context: Ctx) -> None:
    """After every update: a user who was unreachable until it gets what they missed today."""
    user = update.effective_user
    if user is None or not came_back(context):
        return
    sent = await deliver_missed_today(context.application, user.id)  # type: ignore[arg-type]
    if sent:
        log.info("user came back: %d message(s) of today delivered", sent)


async def deliver_missed_today(app: QingfuApp, parent_id: int) -> int:
    """Send the parent today's notice and evening question of each child where the school's
    run has gone out (each key once, as the scheduler would); returns how many were sent."""
    data = app.bot_data
    now = data.clock()
    async with data.sessionmaker() as session:
        places = await missed.parent_classes(session, parent_id)
        schools = {school.id: school for school, _class_id in places}
        ran: dict[Job, set[tuple[int, date]]] = defaultdict(set)
        for school in schools.values():
            try:
                today = local_now(school.timezone, now).date()
            except ValueError:  # an unknown time zone: the scheduler skips the school too
                continue
            for job in (Job.NOTICE, Job.EVENING):
                if await jobs.run_claimed(session, school.id, job, today):
                    ran[job].add((school.id, today))
        if not ran:
            return 0
        class_ids = {class_id for _school, class_id in places}
        evenings = [
            e
            for e in await class_evenings(session, sorted(ran[Job.NOTICE] | ran[Job.EVENING]))
            if e.class_id in class_ids
        ]
        families: dict[int, list[Family]] = {
            class_id: [f for f in found if f.parent.id == parent_id]
            for class_id, found in (await families_of(session, sorted(class_ids))).items()
        }
        calendars: dict[int, SchoolCalendar] = {
            school_id: await calendar_of(session, school) for school_id, school in schools.items()
        }
    messages = _today(evenings, ran, schools, families, calendars)
    if not messages:
        return 0
    async with data.sessionmaker() as session:
        await missed.reopen_unreachable(session, [m.key for m in messages])
    report = await delivery.deliver(
        app.bot, data.sessionmaker, messages, data.clock, claim_ttl=claim_ttl(data.settings)
    )
    return report.sent


def _today(
    evenings: list[ClassEvening],
    ran: dict[Job, set[tuple[int, date]]],
    schools: dict[int, School],
    families: dict[int, list[Family]],
    calendars: dict[int, SchoolCalendar],
) -> list[Outgoing]:
    """The notices, then the questions, of the evenings whose run has gone out."""

    def of(job: Job) -> list[ClassEvening]:
        return [e for e in evenings if (e.school_id, e.day) in ran[job]]

    return notice_messages(of(Job.NOTICE), schools, families, calendars) + question_messages(
        of(Job.EVENING), schools, families, calendars
    )
