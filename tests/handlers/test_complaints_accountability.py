"""Complaints the district can trust (issue 12): a reasoned abusive close the district sees and
the parent can contest, only the district closes what it sent back, the district's own
deadline, first response times that survive a reopen, numbers read aloud, named complaints
showing the child, tutoring routed to the district."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from bot.domain.periods import Scope
from bot.domain.policy import ComplaintCategory
from handlers.complaints.payloads import ComplaintCardAction, ComplaintCardButton
from handlers.scheduler.deadlines import check_complaint_deadlines
from storage import complaints as store
from storage.analytics import complaints as analytics
from tests.fakebot import FakeUser
from tests.handlers.test_complaints import (
    ADMIN,
    HANDLER,
    OTHER_HANDLER,
    OTHER_SUPERVISOR,
    PARENT,
    SUPERVISOR,
    events,
    file,
    forge,
    parent,
    refused,
    seed,
    stored_complaint,
    text,
)
from tests.harness import Harness

CHANGED = "changed meanwhile"
REASON = "Insults the maths teacher by name; no homework issue at all."


def answered(user: FakeUser) -> str:
    return user.answered_callbacks[-1].text or ""


def messages_with(user: FakeUser, needle: str) -> list[str]:
    return [text(m) for m in user.messages if needle in text(m)]


async def escalate_and_return(bot: Harness, complaint_id: int, instruction: str) -> None:
    """The school escalates; the supervisor sends it back with an instruction."""
    forge(bot.user(ADMIN), ComplaintCardButton(complaint_id, ComplaintCardAction.ESCALATE))
    await bot.deliver()
    sup = bot.user(SUPERVISOR)
    forge(sup, ComplaintCardButton(complaint_id, ComplaintCardAction.RETURN))
    await bot.deliver()
    await bot.send(sup, instruction)


# ---------------------------------------------------------------- the abusive close


async def test_abusive_close_without_a_reason_is_refused(bot: Harness) -> None:
    await seed(bot)
    mei = parent(bot)
    await file(bot, mei)
    c = await stored_complaint(bot)
    handler = bot.user(HANDLER)
    prompt = await bot.tap(handler, "🚫 Mark abusive")
    assert "Type the reason for closing" in text(prompt) and "at least 5 characters" in text(prompt)
    reply = await bot.send(handler, "no")
    assert "only with a reason of at least 5 characters" in text(reply)
    handler.send_photo("screenshot")  # a photo is no reason either
    await bot.deliver()
    assert "Please type it as text" in text(handler.last)
    await bot.send(handler, "/cancel")
    # The former one-tap confirmation (a button still in an old chat) asks for the reason too.
    forge(handler, ComplaintCardButton(c.id, ComplaintCardAction.ABUSIVE_OK))
    await bot.deliver()
    assert "Type the reason for closing" in text(handler.last)
    await bot.send(handler, "/cancel")
    c = await stored_complaint(bot)
    assert c.status == "new"
    assert [e.kind for e in await events(bot, c.id)] == ["filed"]
    assert not bot.user(SUPERVISOR).messages
    assert "closed as abusive" not in text(mei.last)


async def test_abusive_close_reaches_the_district_and_can_be_contested(bot: Harness) -> None:
    await seed(bot)
    mei = parent(bot)
    await file(bot, mei)
    c = await stored_complaint(bot)
    handler, sup, other_sup = bot.user(HANDLER), bot.user(SUPERVISOR), bot.user(OTHER_SUPERVISOR)
    await bot.tap(handler, "🚫 Mark abusive")
    done = await bot.send(handler, REASON)
    assert "The district supervisors are told, with your reason" in text(done)
    c = await stored_complaint(bot)
    assert (c.status, c.level) == ("abusive", "school")
    # The district's supervisors are told at once, with the reason and the card.
    told = messages_with(sup, "closed as abusive by the school")
    assert len(told) == 1 and REASON in told[0] and f"Complaint {c.code}" in told[0]
    assert not other_sup.messages
    # The parent sees the reason and a one-tap contest.
    assert REASON in text(mei.last)
    assert "⚖ Contest with the district" in mei.last.button_texts
    history = await events(bot, c.id)
    assert (history[-1].kind, history[-1].text) == ("abusive", REASON)

    confirmation = await bot.tap(mei, "⚖ Contest with the district")
    assert "goes to the district supervisors, who review the close" in text(confirmation)
    c = await stored_complaint(bot)
    assert (c.status, c.level) == ("escalated", "district")
    assert c.escalated_at is not None and c.deadline_at > c.escalated_at
    card = text(sup.last)
    assert "contests the abusive close" in card and "History:" in card
    assert f"School: closed it as abusive: {REASON}" in card
    assert "↩ Send back to the school" in sup.last.button_texts
    assert "handled by the district supervisors" in text(handler.last)
    # Only once: the button is gone, and a replayed tap changes nothing.
    forge(mei, ComplaintCardButton(c.id, ComplaintCardAction.CONTEST))
    await bot.deliver()
    assert CHANGED in answered(mei)
    # The district reopens it: back to the school with an instruction.
    await bot.tap(sup, "↩ Send back to the school")
    await bot.send(sup, "This is a real complaint about load; answer it.")
    c = await stored_complaint(bot)
    assert (c.status, c.level) == ("returned", "school") and c.returned_at is not None
    assert "answer it." in text(handler.last)
    kinds = [e.kind for e in await events(bot, c.id)]
    assert kinds == ["filed", "abusive", "contested", "returned"]


async def test_the_districts_abusive_close_is_final(bot: Harness) -> None:
    await seed(bot)
    mei = parent(bot)
    await file(bot, mei)
    c = await stored_complaint(bot)
    forge(bot.user(ADMIN), ComplaintCardButton(c.id, ComplaintCardAction.ESCALATE))
    await bot.deliver()
    sup = bot.user(SUPERVISOR)
    forge(sup, ComplaintCardButton(c.id, ComplaintCardAction.ABUSIVE))
    await bot.deliver()
    await bot.send(sup, "Repeated abuse of the hotline.")
    c = await stored_complaint(bot)
    assert (c.status, c.level) == ("abusive", "district")
    assert "⚖ Contest with the district" not in mei.last.button_texts
    assert "The district closed" in text(bot.user(HANDLER).last)
    forge(mei, ComplaintCardButton(c.id, ComplaintCardAction.CONTEST))
    await bot.deliver()
    assert CHANGED in answered(mei)


# ---------------------------------------------------------------- returned: the district closes it


async def test_a_returned_complaint_cannot_be_closed_by_the_school(bot: Harness) -> None:
    await seed(bot)
    mei = parent(bot)
    await file(bot, mei)
    c = await stored_complaint(bot)
    handler, sup = bot.user(HANDLER), bot.user(SUPERVISOR)
    await escalate_and_return(bot, c.id, "Talk to the teacher and report.")
    card = handler.last
    assert "🚫 Mark abusive" not in card.button_texts
    forge(handler, ComplaintCardButton(c.id, ComplaintCardAction.ABUSIVE))
    await bot.deliver()
    assert CHANGED in answered(handler)
    await bot.tap(handler, "✋ Take")
    # The school's resolution goes to the district for confirmation.
    forge(handler, ComplaintCardButton(c.id, ComplaintCardAction.RESOLVE))
    await bot.deliver()
    assert "goes to the district supervisors for confirmation" in text(handler.last)
    await bot.send(handler, "Worksheets halved.")
    assert messages_with(handler, "they close it or send it back")
    c = await stored_complaint(bot)
    assert (c.status, c.level) == ("escalated", "district")
    assert c.responded_at is None  # the district's deadline runs
    assert "👍 Resolved" not in mei.last.button_texts  # nothing to rate yet
    asked = messages_with(sup, "asks the district to confirm")
    assert asked and "Worksheets halved." in asked[-1]
    # The district confirms; the school is told the outcome, the parent rates it.
    await bot.tap(sup, "✅ Resolve")
    await bot.send(sup, "Confirmed: worksheets halved from Monday.")
    c = await stored_complaint(bot)
    assert (c.status, c.level) == ("resolved", "district")
    assert "The district resolved" in text(handler.last)
    assert "Confirmed: worksheets halved from Monday." in text(handler.last)
    assert {"👍 Resolved", "👎 Not resolved"} <= set(mei.last.button_texts)
    kinds = [e.kind for e in await events(bot, c.id)]
    assert kinds[-3:] == ["taken", "resolve_proposed", "resolved"]


# ---------------------------------------------------------------- response times


async def test_a_reopen_keeps_the_first_response_time(bot: Harness) -> None:
    await seed(bot)
    mei = parent(bot)
    await file(bot, mei)
    c = await stored_complaint(bot)
    handler = bot.user(HANDLER)
    first = bot.clock()
    await bot.tap(handler, "💬 Reply")
    await bot.send(handler, "Looking into it.")
    bot.clock.advance(days=1)
    forge(handler, ComplaintCardButton(c.id, ComplaintCardAction.RESOLVE))
    await bot.deliver()
    await bot.send(handler, "Done.")
    await bot.tap(mei, "👎 Not resolved")
    c = await stored_complaint(bot)
    assert c.status == "reopened"
    assert c.responded_at is None  # this cycle's clock restarts ...
    assert c.first_responded_at == first  # ... the first response is kept
    assert c.first_deadline_at < c.deadline_at
    bot.clock.advance(days=1)
    forge(handler, ComplaintCardButton(c.id, ComplaintCardAction.REPLY))
    await bot.deliver()
    await bot.send(handler, "Second look.")
    c = await stored_complaint(bot)
    assert c.responded_at == bot.clock() and c.first_responded_at == first
    # Every figure counts it answered, on time (one definition).
    day = first.date()
    async with bot.session() as session:
        figures = await analytics.complaint_figures(
            session, Scope.of_school(c.school_id), day, day, bot.clock()
        )
    f = figures[c.school_id]
    assert (f.opened, f.answered, f.in_time, f.late) == (1, 1, 1, 0)
    # The history keeps every response with its time.
    responses = [e for e in await events(bot, c.id) if e.kind in ("reply", "resolved")]
    assert [e.created_at for e in responses] == [
        first,
        first + timedelta(days=1),
        first + timedelta(days=2),
    ]


# ---------------------------------------------------------------- the district's deadline


async def test_district_deadline_reminder_and_overdue(bot: Harness) -> None:
    await seed(bot)
    mei = parent(bot)
    await file(bot, mei)  # Thu 19 Nov 16:00 Shanghai
    c = await stored_complaint(bot)
    forge(bot.user(ADMIN), ComplaintCardButton(c.id, ComplaintCardAction.ESCALATE))
    await bot.deliver()
    c = await stored_complaint(bot)
    # 5 school days from Thu 19 Nov: Fri 20, Mon 23 ... Thu 26 Nov, end of day (Shanghai).
    assert c.deadline_at == datetime(2026, 11, 26, 15, 59, tzinfo=UTC)
    assert c.remind_at == datetime(2026, 11, 26, 0, 0, tzinfo=UTC)
    assert c.first_deadline_at == datetime(2026, 11, 24, 15, 59, tzinfo=UTC)
    sup, other_sup = bot.user(SUPERVISOR), bot.user(OTHER_SUPERVISOR)
    assert "Respond by: Thu, Nov 26, 11:59\u202fPM" in text(sup.last)
    assert "The district supervisors must respond by Thu, Nov 26" in text(
        await bot.tap(mei, "📜 Thread")
    )

    async def run(at: datetime) -> int:
        return await check_complaint_deadlines(bot.app.bot, bot.sessionmaker, at)

    assert await run(datetime(2026, 11, 25, 16, 0, tzinfo=UTC)) == 0  # the school's is moot
    assert await run(datetime(2026, 11, 26, 0, 0, tzinfo=UTC)) == 1
    reminders = messages_with(sup, "must be answered by the district")
    assert len(reminders) == 1 and c.code in reminders[0]
    assert not bot.user(HANDLER).messages[-1:] or "Reminder" not in text(bot.user(HANDLER).last)
    assert await run(datetime(2026, 11, 26, 15, 58, tzinfo=UTC)) == 0
    assert await run(datetime(2026, 11, 26, 16, 0, tzinfo=UTC)) == 1
    assert await run(datetime(2026, 11, 27, 16, 0, tzinfo=UTC)) == 0  # once per deadline
    overdue = messages_with(sup, "Overdue:")
    assert len(overdue) == 1 and c.code in overdue[0] and "History:" in overdue[0]
    assert "12345" in text(mei.last)
    assert not messages_with(other_sup, c.code)
    kinds = [e.kind for e in await events(bot, c.id)]
    assert kinds == ["filed", "escalated", "reminded", "overdue"]


async def test_a_district_response_stops_its_deadline(bot: Harness) -> None:
    await seed(bot)
    await file(bot, parent(bot))
    c = await stored_complaint(bot)
    forge(bot.user(ADMIN), ComplaintCardButton(c.id, ComplaintCardAction.ESCALATE))
    await bot.deliver()
    sup = bot.user(SUPERVISOR)
    await bot.tap(sup, "💬 Reply")
    await bot.send(sup, "The district is on it.")
    c = await stored_complaint(bot)
    assert c.responded_at is not None
    later = c.deadline_at + timedelta(days=5)
    assert await check_complaint_deadlines(bot.app.bot, bot.sessionmaker, later) == 0
    assert not messages_with(sup, "Overdue:")


async def test_the_school_hears_the_districts_outcome(bot: Harness) -> None:
    await seed(bot)
    await file(bot, parent(bot))
    c = await stored_complaint(bot)
    forge(bot.user(ADMIN), ComplaintCardButton(c.id, ComplaintCardAction.ESCALATE))
    await bot.deliver()
    sup = bot.user(SUPERVISOR)
    await bot.tap(sup, "✅ Resolve")
    await bot.send(sup, "The teacher cut the worksheets.")
    for staff in (bot.user(HANDLER), bot.user(ADMIN)):
        assert f"The district resolved {c.code}. Summary:\nThe teacher cut the worksheets." in (
            text(staff.last)
        )


# ---------------------------------------------------------------- numbers and names


async def test_complaint_numbers_are_digits_and_can_be_looked_up(bot: Harness) -> None:
    world = await seed(bot)
    mei = parent(bot)
    confirmation = await file(bot, mei)
    c = await stored_complaint(bot)
    assert re.fullmatch(r"\d{4}-\d{4}", c.code)
    assert f"Ticket number: {c.code}" in confirmation
    digits = c.code.replace("-", "")
    # Read aloud on a hotline: typed with or without the dash.
    for typed in (c.code, digits, f"{digits[:4]} {digits[4:]}"):
        reply = await bot.send(bot.user(SUPERVISOR), f"/tickets {typed}")
        assert f"Complaint {c.code}" in text(reply) and "History:" in text(reply)
    reply = await bot.send(mei, f"/tickets {digits}")
    assert f"Your complaint {c.code}" in text(reply)
    for stranger in (bot.user(OTHER_HANDLER), bot.user(OTHER_SUPERVISOR)):
        reply = await bot.send(stranger, f"/tickets {c.code}")
        assert "No complaint with the number" in text(reply) and "History" not in text(reply)
    # An older letter code stays valid.
    now = datetime(2026, 11, 19, tzinfo=UTC)
    async with bot.session() as session:
        await store.create_complaint(
            session,
            school_id=world.school_id,
            class_id=None,
            complainant_id=PARENT,
            anonymous=True,
            category=ComplaintCategory.OTHER,
            text="old",
            photos=[],
            now=now,
            deadline_at=now + timedelta(days=3),
            remind_at=None,
            code_factory=lambda: "C-7K3Q-9XMD",
        )
        await session.commit()
    reply = await bot.send(bot.user(HANDLER), "/tickets c-7k3q-9xmd")
    assert "Complaint C-7K3Q-9XMD" in text(reply)


async def test_a_named_complaint_shows_the_child_and_class(bot: Harness) -> None:
    await seed(bot)
    mei = parent(bot)
    await file(bot, mei, anonymous=False)
    card = text(bot.user(HANDLER).messages[0])
    assert "From: Meiling Zhouxiang, parent of Lena (class 5A)" in card
    # Anonymous, in a class big enough to show: the class, never the child.
    await file(bot, mei, body="Anonymous this time.")
    card = text(bot.user(HANDLER).last)
    assert "Anonymous this time." in card and "class 5A" in card
    assert "Lena" not in card and "Meiling" not in card
    c = await stored_complaint(bot)
    reply = await bot.send(bot.user(HANDLER), f"/tickets {c.code}")
    assert "Lena" not in text(reply) and "From: an anonymous parent" in text(reply)


# ---------------------------------------------------------------- tutoring: the district's subject


async def test_tutoring_categories_go_to_the_district(bot: Harness) -> None:
    await seed(bot)
    mei = parent(bot)
    handler, admin, sup = bot.user(HANDLER), bot.user(ADMIN), bot.user(SUPERVISOR)
    await bot.send(mei, "/complain")
    await bot.tap(mei, "Paid tutoring by teachers")
    await bot.send(mei, "The maths teacher runs paid classes for his own pupils on Saturdays.")
    question = await bot.tap(mei, "Continue")
    assert "the district supervisors see" in text(question)
    assert "The school is not told" in text(question)
    await bot.tap(mei, "With my name")
    preview = text(mei.last)
    assert "The district supervisors must respond by Thu, Nov 26" in preview
    confirmation = text(await bot.tap(mei, "Send"))
    assert "The district supervisors must respond by" in confirmation
    c = await stored_complaint(bot)
    assert (c.status, c.level, c.category) == ("new", "district", "paid_tutoring")
    assert c.deadline_at == datetime(2026, 11, 26, 15, 59, tzinfo=UTC) == c.first_deadline_at
    # The supervisors get it; the school hears nothing and does not list or open it.
    new = messages_with(sup, "A new complaint for the district")
    assert new and "paid tutoring" in new[0].lower()
    assert not handler.messages and not admin.messages
    listing = await bot.send(admin, "/tickets")
    assert c.code not in text(listing)
    forge(admin, ComplaintCardButton(c.id, ComplaintCardAction.VIEW))
    await bot.deliver()
    assert refused(admin)
    await bot.tap(sup, "✋ Take")
    assert (await stored_complaint(bot)).status == "in_progress"
    # Once the district sends it to the school, the school has it.
    await bot.tap(sup, "↩ Send back to the school")
    await bot.send(sup, "Check the teacher's Saturday classes.")
    assert "Check the teacher's Saturday classes." in text(handler.last)
    assert c.code in text(await bot.send(admin, "/tickets"))


async def test_off_campus_tutoring_is_a_category(bot: Harness) -> None:
    await seed(bot)
    mei = parent(bot)
    await bot.send(mei, "/complain")
    await bot.tap(mei, "Off-campus tutoring")
    await bot.send(mei, "A training centre teaches grade 7 maths to grade 5.")
    await bot.tap(mei, "Continue")
    await bot.tap(mei, "Anonymous")
    await bot.tap(mei, "Send")
    c = await stored_complaint(bot)
    assert (c.level, c.category) == ("district", "off_campus_tutoring")
    assert messages_with(bot.user(SUPERVISOR), "A new complaint for the district")
    assert not bot.user(HANDLER).messages
