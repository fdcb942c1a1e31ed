"""Complaints: filing, handling, the anonymous relay, rights, deadlines, flood cap, abuse."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.domain.policy import ComplaintCategory
from bot.domain.roles import Role
from handlers.complaints import listing
from handlers.complaints.payloads import (
    ComplaintCardAction,
    ComplaintCardButton,
    ComplaintFilterButton,
)
from handlers.scheduler.deadlines import check_complaint_deadlines
from storage import complaints as store
from storage import dialogs, repo
from storage.models import CalendarDay, Complaint, ComplaintEvent, Dialog
from tests.factories import make_school, make_staff, make_teacher, make_user
from tests.fakebot import FakeUser
from tests.harness import Harness

# Unusual ids so that they cannot appear in a text by chance.
PARENT = 587_123_456
PARENT2, PARENT3, PARENT4 = 3002, 3003, 3004
TEACHER, HANDLER, ADMIN, SUPERVISOR = 2001, 2002, 2003, 2004
OTHER_HANDLER, OTHER_SUPERVISOR = 2101, 2102
SECRET_NAMES = ("Meiling", "Zhouxiang", "zhou_meiling_77")
STALE = "no longer available"


@dataclass
class World:
    school_id: int
    other_school_id: int
    district_id: int
    class_5a: int
    class_5b: int


async def seed(bot: Harness, *, parents_in_5a: int = 3, **settings: Any) -> World:
    async with bot.session() as session:
        setup = await make_school(session, **settings)
        other = await make_school(session, name="School No. 2")
        school = setup.school
        await repo.upsert_user(
            session, repo.TelegramProfile(PARENT, "Meiling", "Zhouxiang", "zhou_meiling_77", "en")
        )
        await session.flush()
        await repo.link_child(session, PARENT, setup.classes["5A"].id, "Lena")
        for n, parent_id in enumerate((PARENT2, PARENT3, PARENT4)[: parents_in_5a - 1]):
            await make_user(session, parent_id, f"Parent{n}")
            await repo.link_child(session, parent_id, setup.classes["5A"].id, f"Kid{n}")
        if parents_in_5a < 2:
            await make_user(session, PARENT2, "Parent0")
            await repo.link_child(session, PARENT2, setup.classes["5B"].id, "Kid0")
        await make_teacher(session, setup, TEACHER, "Wang", [("5A", "Maths")])
        await make_staff(session, setup, HANDLER, "Handler", Role.COMPLAINT_HANDLER)
        await make_staff(session, setup, ADMIN, "Admin", Role.SCHOOL_ADMIN)
        await make_staff(session, setup, SUPERVISOR, "Supervisor", Role.SUPERVISOR)
        await make_staff(session, other, OTHER_HANDLER, "Other", Role.COMPLAINT_HANDLER)
        await make_staff(session, other, OTHER_SUPERVISOR, "OtherSup", Role.SUPERVISOR)
        world = World(
            school.id,
            other.school.id,
            school.district_id,
            setup.classes["5A"].id,
            setup.classes["5B"].id,
        )
        await session.commit()
    parent(bot)
    for user_id in (PARENT2, PARENT3, PARENT4, TEACHER, HANDLER, ADMIN, SUPERVISOR):
        bot.user(user_id, "Staff")
    for user_id in (OTHER_HANDLER, OTHER_SUPERVISOR):
        bot.user(user_id, "Other")
    return world


def parent(bot: Harness) -> FakeUser:
    return bot.user(PARENT, "Meiling", last_name="Zhouxiang", username="zhou_meiling_77")


def text(message: Any) -> str:
    return (message.text or "") if message is not None else ""


async def file(
    bot: Harness,
    user: FakeUser,
    *,
    category: str = "Total load too high",
    body: str = "Three hours of worksheets every night this week.",
    anonymous: bool = True,
    photos: tuple[str, ...] = (),
) -> str:
    """Walk /complain to the end; returns the confirmation text."""
    await bot.send(user, "/complain")
    await bot.tap(user, category)
    await bot.send(user, body)
    for photo in photos:
        user.send_photo(photo)
        await bot.deliver()
    await bot.tap(user, "Continue")
    await bot.tap(user, "Anonymous" if anonymous else "With my name")
    reply = await bot.tap(user, "Send")
    return text(reply)


async def stored_complaint(bot: Harness, code: str | None = None) -> Complaint:
    async with bot.session() as session:
        query = select(Complaint).order_by(Complaint.id.desc())
        if code:
            query = query.where(Complaint.code == code)
        found = await session.scalar(query)
        assert found is not None
        return found


async def events(bot: Harness, complaint_id: int) -> list[ComplaintEvent]:
    async with bot.session() as session:
        return await store.events_of(session, complaint_id)


def forge(user: FakeUser, payload: Any) -> None:
    user.tap_raw(payload.pack(), user.last.message_id)


def refused(user: FakeUser) -> bool:
    return STALE in (user.answered_callbacks[-1].text or "")


# ---------------------------------------------------------------- the life of a complaint


async def test_full_life_of_a_complaint(bot: Harness) -> None:
    await seed(bot)
    mei = parent(bot)
    confirmation = await file(bot, mei, photos=("homework-photo",))
    c = await stored_complaint(bot)
    assert f"Ticket number: {c.code}" in confirmation
    assert "Status: new" in confirmation
    # Thu 19 Nov 16:00 Shanghai + 3 school days = Tue 24 Nov, end of day, on the school's clock
    # with its weekday; the zone is the parent's own, so it is not named (issue 13).
    assert "by Tue, Nov 24, 11:59\u202fPM;" in confirmation
    assert "Asia/Shanghai" not in confirmation and "UTC" not in confirmation
    assert (c.status, c.level, c.anonymous, c.class_id is not None) == ("new", "school", True, True)
    assert c.photos == ["homework-photo"]

    handler, admin = bot.user(HANDLER), bot.user(ADMIN)
    for staff in (handler, admin):
        cards = [m for m in staff.messages if c.code in text(m)]
        assert cards, f"{staff} was not told"
        card = text(cards[0])
        assert "A new complaint for your school" in card
        assert "class 5A" in card and "total homework load too high" in card
        assert "From: an anonymous parent" in card
        assert {"✋ Take", "💬 Reply", "❓ Ask for details", "✅ Resolve", "⬆ Escalate"} <= set(
            cards[0].button_texts
        )
        assert any(m.photo == "homework-photo" for m in staff.messages)
    assert not bot.user(TEACHER).messages and not bot.user(SUPERVISOR).messages

    # Take: the complainant gets one status line.
    await bot.tap(handler, "✋ Take")
    assert text(mei.last) == f"{c.code}: in progress"
    # Reply: relayed to the complainant.
    await bot.tap(handler, "💬 Reply", message_id=handler.messages[0].message_id)
    await bot.send(handler, "We are talking to the maths teacher.")
    assert "We are talking to the maths teacher." in text(mei.last)
    assert "Your reply" in text(handler.last)
    # The complainant adds information: relayed to the handlers, never with their name.
    await bot.tap(mei, "➕ Add information")
    await bot.send(mei, "Also on the weekend.")
    assert f"{c.code}: the parent adds:\nAlso on the weekend." in text(handler.last)
    assert "Also on the weekend." in text(admin.last)
    # Resolve with a summary: the complainant is asked to rate.
    await bot.tap(handler, "✅ Resolve", message_id=handler.messages[0].message_id)
    await bot.send(handler, "Worksheets cut to one a night.")
    assert "Worksheets cut to one a night." in text(mei.last)
    assert {"👍 Resolved", "👎 Not resolved"} <= set(mei.last.button_texts)
    await bot.tap(mei, "👍 Resolved")
    assert "is closed" in text(mei.last)
    assert "rated the outcome as resolved" in text(handler.last)

    c = await stored_complaint(bot)
    assert c.status == "closed" and c.responded_at is not None
    history = await events(bot, c.id)
    assert [e.kind for e in history] == ["filed", "taken", "reply", "info", "resolved", "rated_ok"]
    assert [e.actor_role for e in history] == [
        "complainant",
        "school",
        "school",
        "complainant",
        "school",
        "complainant",
    ]
    assert {e.actor_id for e in history if e.actor_role == "complainant"} == {None}
    assert {e.actor_id for e in history if e.actor_role == "school"} == {HANDLER}

    # The complainant's /tickets: status and thread.
    listing = await bot.send(mei, "/tickets")
    assert f"{c.code} · total homework load too high · closed" in text(listing)
    thread = await bot.tap(mei, c.code)
    assert "Parent: filed the complaint" in text(thread)
    assert "School: replied: We are talking to the maths teacher." in text(thread)
    # The history for staff.
    await bot.send(handler, "/tickets")
    await bot.tap(handler, "All")  # status filter: all (closed included)
    view = await bot.tap(handler, c.code)
    assert "History:" in text(view) and "Parent: rated the outcome: resolved" in text(view)


async def test_not_resolved_reopens_then_escalates_then_sent_back(bot: Harness) -> None:
    await seed(bot)
    mei = parent(bot)
    await file(bot, mei)
    c = await stored_complaint(bot)
    handler, supervisor = bot.user(HANDLER), bot.user(SUPERVISOR)

    async def resolve() -> None:
        forge(handler, ComplaintCardButton(c.id, ComplaintCardAction.RESOLVE))
        await bot.deliver()
        await bot.send(handler, "Done.")

    await resolve()
    await bot.tap(mei, "👎 Not resolved")
    assert "is reopened" in text(mei.last)
    assert (await stored_complaint(bot)).status == "reopened"
    assert "not resolved. Reopened." in text(handler.last)
    await resolve()
    await bot.tap(mei, "👎 Not resolved")
    c = await stored_complaint(bot)
    assert (c.status, c.level, c.unresolved_ratings) == ("escalated", "district", 2)
    card = text(supervisor.last)
    assert "Escalated to the district" in card and "History:" in card
    assert "School: resolved it: Done." in card
    assert "↩ Send back to the school" in supervisor.last.button_texts
    # The school can no longer act; the supervisor sends it back with an instruction.
    forge(handler, ComplaintCardButton(c.id, ComplaintCardAction.REPLY))
    await bot.deliver()
    assert refused(handler)
    await bot.tap(supervisor, "↩ Send back to the school")
    await bot.send(supervisor, "Call the parent and report by Friday.")
    c = await stored_complaint(bot)
    assert (c.status, c.level, c.escalated_at, c.responded_at) == ("returned", "school", None, None)
    assert "Call the parent and report by Friday." in text(handler.last)
    assert text(mei.last) == f"{c.code}: sent back to the school"
    await bot.tap(handler, "✋ Take")
    assert (await stored_complaint(bot)).status == "in_progress"


async def test_withdraw_and_abusive(bot: Harness) -> None:
    await seed(bot)
    mei = parent(bot)
    await file(bot, mei)
    first = await stored_complaint(bot)
    await bot.tap(mei, "Withdraw")
    await bot.tap(mei, "Yes, withdraw it")
    assert (await stored_complaint(bot)).status == "withdrawn"
    assert "withdrawn by the parent" in text(bot.user(HANDLER).last)

    await file(bot, mei, body="Nonsense.")
    second = await stored_complaint(bot)
    assert second.id != first.id and second.code != first.code
    handler = bot.user(HANDLER)
    await bot.tap(handler, "🚫 Mark abusive")
    await bot.send(handler, "Not a complaint: one word.")  # the reason it now needs
    second = await stored_complaint(bot)
    assert second.status == "abusive" and second.responded_at is None
    assert text(mei.last).endswith(f"{second.code}: closed as abusive")
    assert [e.kind for e in await events(bot, second.id)] == ["filed", "abusive"]
    # Nothing more can be done on it.
    for do in (
        ComplaintCardAction.REPLY,
        ComplaintCardAction.RESOLVE,
        ComplaintCardAction.ESCALATE,
    ):
        forge(handler, ComplaintCardButton(second.id, do))
        await bot.deliver()
        assert "changed meanwhile" in (handler.answered_callbacks[-1].text or "")
    assert (await stored_complaint(bot)).status == "abusive"


# ---------------------------------------------------------------- rights


async def test_authorization_matrix(bot: Harness) -> None:
    world = await seed(bot)
    mei = parent(bot)
    await file(bot, mei)
    c = await stored_complaint(bot)
    # A complaint of the other school, filed by someone else, to forge payloads against.
    async with bot.session() as session:
        other_class = (await repo.classes_of(session, world.other_school_id))[0]
        await make_user(session, PARENT4, "Parent4")
        await repo.link_child(session, PARENT4, other_class.id, "Kid")
        await session.commit()
    await file(bot, bot.user(PARENT4), body="At the other school.")
    other = await stored_complaint(bot)
    assert other.school_id == world.other_school_id

    people = {
        "complainant": mei,
        "another parent": bot.user(PARENT3),
        "teacher of the class": bot.user(TEACHER),
        "handler of another school": bot.user(OTHER_HANDLER),
        "supervisor of another district": bot.user(OTHER_SUPERVISOR),
        "supervisor (school level)": bot.user(SUPERVISOR),
        "school admin": bot.user(ADMIN),
    }
    for user in people.values():
        await bot.send(user, "/help")  # a message to tap on
    # view (staff card and complainant thread), reply, resolve, escalate
    staff_dos = (
        ComplaintCardAction.VIEW,
        ComplaintCardAction.REPLY,
        ComplaintCardAction.RESOLVE,
        ComplaintCardAction.ESCALATE,
    )
    expected: dict[str, set[ComplaintCardAction]] = {
        "complainant": {ComplaintCardAction.MINE, ComplaintCardAction.ADD_INFO},
        "another parent": set(),
        "teacher of the class": set(),
        "handler of another school": set(),
        "supervisor of another district": set(),
        "supervisor (school level)": {
            ComplaintCardAction.VIEW
        },  # sees the district's complaints, acts once escalated
        "school admin": {
            ComplaintCardAction.VIEW,
            ComplaintCardAction.REPLY,
            ComplaintCardAction.RESOLVE,
            ComplaintCardAction.ESCALATE,
        },
    }
    for who, user in people.items():
        extra = (
            ()
            if who == "complainant"
            else (
                ComplaintCardAction.WITHDRAW_OK,
                ComplaintCardAction.RATE_BAD,
                ComplaintCardAction.RATE_OK,
            )
        )
        for do in (*staff_dos, ComplaintCardAction.MINE, ComplaintCardAction.ADD_INFO, *extra):
            if do == ComplaintCardAction.ESCALATE and who == "school admin":
                continue  # done last: it changes the complaint
            before = len(user.messages)
            forge(user, ComplaintCardButton(c.id, do))
            await bot.deliver()
            ok = not refused(user)
            assert ok == (do in expected[who]), (who, do, user.answered_callbacks[-1])
            if not ok:
                assert len(user.messages) == before, (who, do)
            await bot.send(user, "/cancel")
        # Forged data naming another school's complaint (filed by someone else): refused.
        if who not in ("handler of another school", "supervisor of another district"):
            for do in (*staff_dos, ComplaintCardAction.MINE, ComplaintCardAction.ADD_INFO):
                forge(user, ComplaintCardButton(other.id, do))
                await bot.deliver()
                assert refused(user), (who, do, "other complaint")
    async with bot.session() as session:
        assert (await session.get(Complaint, c.id)).status == "new"  # type: ignore[union-attr]
        assert (await session.get(Complaint, other.id)).status == "new"  # type: ignore[union-attr]
        assert await session.scalar(select(Dialog).where(Dialog.user_id == OTHER_HANDLER)) is None
    assert len(await events(bot, c.id)) == 1

    # The admin escalates; now only the district's supervisor acts, the school only views.
    admin = bot.user(ADMIN)
    forge(admin, ComplaintCardButton(c.id, ComplaintCardAction.ESCALATE))
    await bot.deliver()
    assert (await stored_complaint(bot, c.code)).status == "escalated"
    sup = bot.user(SUPERVISOR)
    for do in (ComplaintCardAction.VIEW, ComplaintCardAction.REPLY, ComplaintCardAction.RESOLVE):
        forge(sup, ComplaintCardButton(c.id, do))
        await bot.deliver()
        assert not refused(sup), do
        await bot.send(sup, "/cancel")
    for user in (bot.user(OTHER_SUPERVISOR), bot.user(OTHER_HANDLER), bot.user(PARENT3)):
        for do in (
            ComplaintCardAction.VIEW,
            ComplaintCardAction.REPLY,
            ComplaintCardAction.RESOLVE,
        ):
            forge(user, ComplaintCardButton(c.id, do))
            await bot.deliver()
            assert refused(user)
    forge(admin, ComplaintCardButton(c.id, ComplaintCardAction.REPLY))
    await bot.deliver()
    assert refused(admin)
    # A reply dialog opened by a right person is re-checked when the text arrives.
    forge(sup, ComplaintCardButton(c.id, ComplaintCardAction.REPLY))
    await bot.deliver()
    async with bot.session() as session:
        await dialogs.end_dialog(session, SUPERVISOR)
        complaint = await session.get(Complaint, c.id)
        assert complaint is not None
        complaint.status, complaint.level = "new", "school"  # e.g. sent back meanwhile
        await session.commit()
    forge(sup, ComplaintCardButton(c.id, ComplaintCardAction.REPLY))
    await bot.deliver()
    assert refused(sup)


async def test_forged_filter_and_listing_scope(bot: Harness) -> None:
    world = await seed(bot)
    await file(bot, parent(bot))
    c = await stored_complaint(bot)
    other = bot.user(OTHER_HANDLER)
    listing = await bot.send(other, "/tickets")
    assert c.code not in text(listing)
    forge(other, ComplaintFilterButton("open", "", world.class_5a))
    await bot.deliver()
    assert c.code not in text(other.last)
    teacher = bot.user(TEACHER)
    await bot.send(teacher, "/help")
    forge(teacher, ComplaintFilterButton("open", "", 0))
    await bot.deliver()
    assert refused(teacher)
    forge(bot.user(ADMIN), ComplaintFilterButton("bogus", "", 0))
    await bot.deliver()
    assert refused(bot.user(ADMIN))


# ---------------------------------------------------------------- anonymity


async def test_anonymous_complainant_is_never_revealed(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    await seed(bot)
    mei = parent(bot)
    await file(bot, mei, photos=("p1",))
    c = await stored_complaint(bot)
    handler, admin, sup = bot.user(HANDLER), bot.user(ADMIN), bot.user(SUPERVISOR)
    await bot.tap(handler, "✋ Take")
    await bot.tap(handler, "💬 Reply", message_id=handler.messages[0].message_id)
    await bot.send(handler, "Who is your child?")
    await bot.tap(mei, "➕ Add information")
    await bot.send(mei, "I prefer not to say.")
    mei.send_photo("p2")
    await bot.deliver()
    await bot.tap(mei, "➕ Add information")
    mei.send_photo("p3", caption="Another page")
    await bot.deliver()
    forge(handler, ComplaintCardButton(c.id, ComplaintCardAction.ASK))
    await bot.deliver()
    await bot.send(handler, "Which subject?")
    await bot.tap(mei, "➕ Add information")
    await bot.send(mei, "Maths.")
    forge(handler, ComplaintCardButton(c.id, ComplaintCardAction.RESOLVE))
    await bot.deliver()
    await bot.send(handler, "Fixed.")
    await bot.tap(mei, "👎 Not resolved")
    forge(handler, ComplaintCardButton(c.id, ComplaintCardAction.RESOLVE))
    await bot.deliver()
    await bot.send(handler, "Fixed again.")
    await bot.tap(mei, "👎 Not resolved")  # escalated to the district
    await bot.tap(sup, "💬 Reply")
    await bot.send(sup, "The district is on it.")
    for staff in (handler, admin, sup):
        await bot.send(staff, "/tickets")
        await bot.tap(staff, "• Open")
        await bot.tap(staff, "All")
        await bot.tap(staff, c.code)
    # A second complaint reaches the supervisor by the deadline.
    await file(bot, mei, body="Still too much.")
    bot.clock.advance(days=10)
    assert await check_complaint_deadlines(bot.app.bot, bot.sessionmaker, bot.clock()) == 1
    async with bot.session() as session:
        _, lines = await listing.staff_listing(
            session, frozenset({c.school_id}), frozenset(), ComplaintFilterButton("", "", 0)
        )
    seen: list[str] = list(lines)
    for chat_id, messages in bot.api.messages.items():
        if chat_id == PARENT:
            continue
        for m in messages:
            seen.append(m.raw_text or "")
            seen += m.button_texts
            seen += [str(b.get("callback_data")) for b in m.buttons]
    for user in (handler, admin, sup):
        seen += [a.text or "" for a in user.answered_callbacks]
    # Every log line of ours at any level, and every line at INFO and above of any library.
    # (Library transport traces at DEBUG — the SQLite driver's parameters, PTB's API calls —
    # carry every chat id the bot talks to, the complainant's included, by design of those
    # libraries; production logs at INFO.)
    ours = ("bot", "handlers", "storage", "qingfu")
    records = [
        r for r in caplog.records if r.name.split(".")[0] in ours or r.levelno >= logging.INFO
    ]
    assert any(r.name.startswith("handlers.") for r in records)
    seen += [record.getMessage() for record in records]
    assert any(c.code in s for s in seen)  # the collection is not empty
    assert any("I prefer not to say." in s for s in seen)
    blob = "\n".join(seen)
    for secret in (*SECRET_NAMES, str(PARENT)):
        assert secret not in blob, secret
    # ... and the database events of the complainant carry no id.
    assert {e.actor_id for e in await events(bot, c.id) if e.actor_role == "complainant"} == {None}


async def test_named_complaint_shows_the_name(bot: Harness) -> None:
    await seed(bot)
    await file(bot, parent(bot), anonymous=False)
    card = text(bot.user(HANDLER).messages[0])
    assert "From: Meiling Zhouxiang" in card
    assert "zhou_meiling_77" not in card and str(PARENT) not in card


async def test_class_hidden_for_anonymous_in_a_small_class(bot: Harness) -> None:
    await seed(bot, parents_in_5a=1)
    mei = parent(bot)
    await bot.send(mei, "/complain")
    await bot.tap(mei, "Other")
    await bot.send(mei, "Something")
    question = await bot.tap(mei, "Continue")
    assert "not your class (fewer than 3 parents of it use this bot)" in text(question)
    assert "class 5A and your name" in text(question)
    await bot.tap(mei, "Anonymous")
    await bot.tap(mei, "Send")
    c = await stored_complaint(bot)
    assert c.class_id is None
    card = text(bot.user(HANDLER).messages[0])
    assert "5A" not in card and "(class not shown)" in card
    # Named: the class is shown.
    await file(bot, mei, anonymous=False)
    assert (await stored_complaint(bot)).class_id is not None
    assert "class 5A" in text(bot.user(HANDLER).last)


async def test_parent_of_two_schools_picks(bot: Harness) -> None:
    world = await seed(bot)
    async with bot.session() as session:
        other_class = (await repo.classes_of(session, world.other_school_id))[0]
        await repo.link_child(session, PARENT, other_class.id, "Max")
        await session.commit()
    mei = parent(bot)
    reply = await bot.send(mei, "/complain")
    assert "to which school" in text(reply)
    await bot.tap(mei, "School No. 2")
    await bot.tap(mei, "Other")
    await bot.send(mei, "Text")
    await bot.tap(mei, "Continue")
    await bot.tap(mei, "With my name")
    await bot.tap(mei, "Send")
    assert (await stored_complaint(bot)).school_id == world.other_school_id
    assert bot.user(OTHER_HANDLER).messages and not bot.user(HANDLER).messages


# ---------------------------------------------------------------- limits


async def test_over_long_text_is_refused_with_the_limit(bot: Harness) -> None:
    await seed(bot)
    mei = parent(bot)
    await bot.send(mei, "/complain")
    await bot.tap(mei, "Other")
    reply = await bot.send(mei, "x" * 2001)
    assert "2001 characters long; the limit is 2000 characters" in text(reply)
    reply = await bot.send(mei, "x" * 2000)
    assert "photos" in text(reply)


async def test_flood_cap(bot: Harness) -> None:
    await seed(bot, complaint_daily_cap=2)
    mei = parent(bot)
    await file(bot, mei)
    await file(bot, mei)
    reply = await bot.send(mei, "/complain")
    assert "already filed 2 complaints today; the limit is 2 a day" in text(reply)
    async with bot.session() as session:
        assert len(await store.list_for_complainant(session, PARENT)) == 2
    bot.clock.advance(days=1)
    assert "Ticket number" in await file(bot, mei)


async def test_code_collision_is_retried(bot: Harness) -> None:
    world = await seed(bot)
    codes = iter(["C-2222-2222", "C-2222-2222", "C-3333-3333"])
    now = datetime(2026, 11, 19, tzinfo=UTC)
    async with bot.session() as session:
        made = []
        for _ in range(2):
            complaint = await store.create_complaint(
                session,
                school_id=world.school_id,
                class_id=None,
                complainant_id=PARENT,
                anonymous=True,
                category=ComplaintCategory.OTHER,
                text="t",
                photos=[],
                now=now,
                deadline_at=now + timedelta(days=3),
                remind_at=None,
                code_factory=lambda: next(codes),
            )
            made.append(complaint.code)
        await session.commit()
    assert made == ["C-2222-2222", "C-3333-3333"]


# ---------------------------------------------------------------- deadlines


async def test_deadline_reminder_and_escalation_once_across_weekend_and_holiday(
    bot: Harness,
) -> None:
    world = await seed(bot)
    async with bot.session() as session:
        session.add(CalendarDay(school_id=world.school_id, day=date(2026, 11, 23), kind="holiday"))
        await session.commit()
    mei = parent(bot)
    # Thu 19 Nov 16:00 Shanghai. Fri 20, (Sat, Sun, Mon holiday), Tue 24, Wed 25.
    confirmation = await file(bot, mei)
    assert "by Wed, Nov 25, 11:59\u202fPM;" in confirmation
    c = await stored_complaint(bot)
    assert c.deadline_at == datetime(2026, 11, 25, 15, 59, tzinfo=UTC)
    assert c.remind_at == datetime(2026, 11, 25, 0, 0, tzinfo=UTC)
    handler, sup, other_sup = bot.user(HANDLER), bot.user(SUPERVISOR), bot.user(OTHER_SUPERVISOR)
    check = bot.app.bot

    async def run(at: datetime) -> int:
        return await check_complaint_deadlines(check, bot.sessionmaker, at)

    assert await run(datetime(2026, 11, 20, 8, 0, tzinfo=UTC)) == 0
    assert await run(datetime(2026, 11, 23, 12, 0, tzinfo=UTC)) == 0  # the holiday
    assert await run(datetime(2026, 11, 24, 23, 59, tzinfo=UTC)) == 0  # Wed 07:59 local
    before = len(handler.messages)
    # Two processes at once: one reminder.
    both = await asyncio.gather(
        run(datetime(2026, 11, 25, 0, 0, tzinfo=UTC)), run(datetime(2026, 11, 25, 0, 1, tzinfo=UTC))
    )
    assert sorted(both) == [0, 1]
    reminders = [m for m in handler.messages[before:] if "Reminder" in text(m)]
    assert len(reminders) == 1
    assert c.code in text(reminders[0]) and "Wed, Nov 25, 11:59\u202fPM" in text(reminders[0])
    assert "Asia/Shanghai" not in text(reminders[0])
    assert await run(datetime(2026, 11, 25, 10, 0, tzinfo=UTC)) == 0
    assert await run(datetime(2026, 11, 25, 15, 58, tzinfo=UTC)) == 0
    assert not sup.messages
    # The deadline passes without a response: escalated once, even with two processes.
    both = await asyncio.gather(
        run(datetime(2026, 11, 25, 16, 0, tzinfo=UTC)),
        run(datetime(2026, 11, 25, 16, 0, tzinfo=UTC)),
    )
    assert sorted(both) == [0, 1]
    assert await run(datetime(2026, 11, 26, 16, 0, tzinfo=UTC)) == 0
    c = await stored_complaint(bot)
    assert (c.status, c.level) == ("escalated", "district")
    escalations = [m for m in sup.messages if "did not respond by the deadline" in text(m)]
    assert len(escalations) == 1
    assert "History:" in text(escalations[0]) and "✋ Take" in escalations[0].button_texts
    assert not other_sup.messages
    assert text(mei.last) == f"{c.code}: escalated to the district"
    assert "handled by the district supervisors" in text(handler.last)
    kinds = [e.kind for e in await events(bot, c.id)]
    assert kinds == ["filed", "reminded", "auto_escalated"]


async def test_a_response_stops_the_deadline(bot: Harness) -> None:
    await seed(bot)
    await file(bot, parent(bot))
    c = await stored_complaint(bot)
    handler = bot.user(HANDLER)
    await bot.tap(handler, "💬 Reply")
    await bot.send(handler, "Looking into it.")
    later = c.deadline_at + timedelta(days=5)
    assert await check_complaint_deadlines(bot.app.bot, bot.sessionmaker, later) == 0
    assert (await stored_complaint(bot)).status == "in_progress"
    assert not bot.user(SUPERVISOR).messages


# ---------------------------------------------------------------- listings


async def test_staff_listing_by_deadline_with_filters(bot: Harness) -> None:
    await seed(bot)
    mei = parent(bot)
    await file(bot, mei, category="Other", body="First")
    first = await stored_complaint(bot)
    bot.clock.advance(days=1)
    await file(bot, mei, body="Second")
    second = await stored_complaint(bot)
    admin = bot.user(ADMIN)
    listing = text(await bot.send(admin, "/tickets"))
    assert listing.index(first.code) < listing.index(second.code)  # soonest deadline first
    await bot.tap(admin, "Category…")
    listing = text(await bot.tap(admin, "Total load too high"))
    assert second.code in listing and first.code not in listing
    await bot.tap(admin, "Class…")
    listing = text(await bot.tap(admin, "5B"))
    assert second.code not in listing and "No complaints match." in listing
    await bot.tap(admin, "Class…")
    listing = text(await bot.tap(admin, "5A"))
    assert second.code in listing
    await bot.tap(admin, "Escalated")
    assert "No complaints match." in text(admin.last)


async def test_long_history_is_split_with_buttons_on_the_last_message(bot: Harness) -> None:
    await seed(bot)
    mei = parent(bot)
    await file(bot, mei, body="a" * 2000)
    c = await stored_complaint(bot)
    handler, sup = bot.user(HANDLER), bot.user(SUPERVISOR)
    for _ in range(2):
        forge(handler, ComplaintCardButton(c.id, ComplaintCardAction.RESOLVE))
        await bot.deliver()
        await bot.send(handler, "b" * 2000)
        await bot.tap(mei, "👎 Not resolved")
    assert (await stored_complaint(bot)).status == "escalated"
    parts = [m for m in sup.messages if not m.photo]
    assert len(parts) >= 2
    assert all(len(m.raw_text or "") <= 4096 for m in parts)
    assert not parts[0].buttons and "✋ Take" in parts[-1].button_texts
