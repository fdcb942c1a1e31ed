"""The evening reminder, a scheduler job (`Job.REMINDER`, the school's `reminder_delay` after
the evening question): one message per parent, child and day, with the question's buttons
and one to turn reminders off, to parents whose child has no report yet, who were asked at
least half the delay ago (ticks are late by seconds; after downtime the question and the
reminder never arrive together: a question sent late gets no reminder that day), and who
have not turned reminders off."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta

from bot.domain.calendar import SchoolCalendar
from bot.domain.load import evening_load
from bot.domain.schedule import DueRun
from bot.i18n import _, format_day, use_locale
from handlers.kit.context import QingfuApp
from handlers.kit.gate import user_locale
from handlers.parents.question import reminder_rows
from handlers.scheduler import outbox as delivery
from handlers.scheduler.jobkit import Clock, Progress, cap_of, claim_ttl, schools_by_id
from handlers.scheduler.notices import Families
from handlers.scheduler.outbox import Outgoing, message_key
from storage import reports
from storage.models import School
from storage.notices import ClassEvening, class_evenings, families_of


def reminder_text(child_name: str, day_label: str) -> str:
    return _(
        "A reminder: how long did {child}'s written homework take today ({day})? One tap is enough."
    ).format(child=child_name, day=day_label)


def reminder_messages(
    evenings: Sequence[ClassEvening],
    schools: Mapping[int, School],
    families: Families,
    calendars: Mapping[int, SchoolCalendar],
    due: set[tuple[int, int, date]],
) -> list[Outgoing]:
    """Reminders to the (parent, child, day) triples in `due`, keyed once per triple."""
    messages = []
    for evening in evenings:
        cap = cap_of(
            schools[evening.school_id], evening.grade, evening.day, calendars.get(evening.school_id)
        )
        estimate = evening_load(evening.pieces, cap).written_total
        for family in families.get(evening.class_id, []):
            if (family.parent.id, family.child_id, evening.day) not in due:
                continue
            with use_locale(user_locale(family.parent)):
                text = reminder_text(family.child_name, format_day(evening.day))
                rows = reminder_rows(family.child_id, evening.day, estimate, cap.minutes)
            key = message_key("reminder", family.parent.id, family.child_id, evening.day)
            messages.append(Outgoing(key, family.parent.id, "reminder", text, rows))
    return messages


async def run_reminders(
    app: QingfuApp,
    runs: Sequence[DueRun],
    calendars: dict[int, SchoolCalendar],
    clock: Clock,
    heartbeat: Progress,
) -> delivery.Report:
    """One reminder to each parent who was asked, has not answered and wants reminders."""
    data = app.bot_data
    now = clock()
    async with data.sessionmaker() as session:
        evenings = await class_evenings(session, [(r.school_id, r.local_date) for r in runs])
        evenings = [e for e in evenings if any(p.is_written for p in e.pieces)]
        schools = await schools_by_id(session, {e.school_id for e in evenings})
        families = await families_of(session, [e.class_id for e in evenings])
        pairs = [(f.child_id, e.day) for e in evenings for f in families.get(e.class_id, [])]
        open_ = await reports.unanswered(session, pairs)
        asked: set[str] = set()
        for school in schools.values():
            keys = [
                message_key("evening", f.parent.id, f.child_id, e.day)
                for e in evenings
                if e.school_id == school.id
                for f in families.get(e.class_id, [])
            ]
            before = now - timedelta(minutes=school.reminder_delay / 2)
            asked |= await reports.sent_before(session, keys, before)
    due = {
        (f.parent.id, f.child_id, e.day)
        for e in evenings
        for f in families.get(e.class_id, [])
        if (f.child_id, e.day) in open_
        and not f.parent.reminders_off
        and message_key("evening", f.parent.id, f.child_id, e.day) in asked
    }
    messages = reminder_messages(evenings, schools, families, calendars, due)
    return await delivery.deliver(
        app.bot,
        data.sessionmaker,
        messages,
        clock,
        on_progress=heartbeat,
        claim_ttl=claim_ttl(data.settings),
    )
