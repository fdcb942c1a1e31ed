"""Complaints end to end: `python bot.py` against the fake Bot API (issue 5).

1. A parent (zh-hans) files an anonymous complaint with a photo; the school's complaint
   handler (ru) takes it and replies, the reply reaches the parent, the parent answers, the
   answer reaches the handler; the handler resolves, the parent rates "not resolved" and the
   complaint reopens; resolved again, rated "resolved": closed. The admin (en) follows along.
2. A second anonymous complaint (a parent in ru) passes its deadline while the bot is down: the
   scheduler escalates it to the district's supervisor (en), who takes it and replies.

In both, no message in any chat but the complainant's (text, buttons, their payloads, files,
button-press answers) and no line of the bot's log contains the complainant's name, username,
Telegram id or their child's name.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.domain.complaints import ComplaintStatus
from bot.domain.policy import ComplaintCategory
from bot.domain.roles import Role
from handlers.complaints.filing import CATEGORIES
from handlers.complaints.payloads import (
    ComplaintCardAction,
    ComplaintCardButton,
    ComplaintDraftAction,
    ComplaintDraftButton,
    ComplaintDraftStep,
    ComplaintFilterButton,
    ComplaintPickButton,
)
from handlers.complaints.render import status_label
from handlers.kit.labels import category_label
from storage.db import SessionMaker
from storage.models import Complaint, ComplaintEvent
from tests.e2e.conftest import BotProcess
from tests.e2e.helpers import has_button, send, t, t_re, tap
from tests.e2e.stories import (
    EN,
    RU,
    ZH,
    Seeded,
    add_child,
    add_person,
    everything_shown,
    render,
    seed_school,
    until,
)
from tests.fakebot import FakeBotAPI, FakeUser

pytestmark = pytest.mark.e2e

PARENT, PARENT_RU, OTHER_1, OTHER_2 = 770011223, 770099881, 5203, 5204
HANDLER, ADMIN, SUPERVISOR = 5101, 5102, 5103
SCHOOL = "阳光小学"
CODE_RE = re.compile(r"(?<!\d)\d{4}-\d{4}(?!\d)")  # read aloud on a hotline: digits, two groups

# Who the complainants are: none of it may reach the school, the district or the log.
PARENT_FIRST, PARENT_LAST, PARENT_USERNAME, CHILD = (
    "Meiling",
    "Zhoujiang",
    "meiling_zj_1987",
    "周小宝",
)
RU_FIRST, RU_LAST, RU_USERNAME, RU_CHILD = "Светлана", "Кудрявцева", "sveta_kudr", "Ерофей"

TEXT = "每天的书面作业都要写到晚上十点以后，孩子睡眠严重不足。"
REPLY = "Спасибо. Мы проверим нагрузку 3A с учителями на этой неделе."
ANSWER = "谢谢。主要是数学和语文，每天都有两张试卷。"
SUMMARY_1 = "Учитель математики сократил задания до 20 минут."
SUMMARY_2 = "Письменные задания 3A теперь не больше 60 минут в день; пробники отменены."


async def seed(db: SessionMaker) -> Seeded:
    seeded = await seed_school(db, name=SCHOOL, classes=[(3, "3A"), (4, "4B")])
    await add_person(db, seeded, HANDLER, "Ольга", "ru", Role.COMPLAINT_HANDLER)
    await add_person(db, seeded, ADMIN, "Adam", "en", Role.SCHOOL_ADMIN)
    await add_person(db, seeded, SUPERVISOR, "Sam", "en", Role.SUPERVISOR)
    for user_id, language in (
        (PARENT, "zh-hans"),
        (PARENT_RU, "ru"),
        (OTHER_1, "zh-hans"),
        (OTHER_2, "zh-hans"),
    ):
        await add_person(db, seeded, user_id, f"Parent {user_id % 100}", language)
    # 3A has three parents using the bot: its name may be shown on an anonymous complaint.
    await add_child(db, seeded, CHILD, "3A", [PARENT])
    await add_child(db, seeded, "李雷", "3A", [OTHER_1])
    await add_child(db, seeded, "韩梅梅", "3A", [OTHER_2])
    await add_child(db, seeded, RU_CHILD, "4B", [PARENT_RU])
    return seeded


def assert_anonymous(api: FakeBotAPI, bot: BotProcess, complainant: int, needles: list[str]) -> int:
    """No chat but the complainant's, and no log line, shows any of `needles`; returns how many
    staff messages were checked."""
    checked = 0
    for chat_id, user in api.users.items():
        if chat_id == complainant:
            continue
        shown = [everything_shown(m) for m in user.messages]
        shown += [a.text or "" for a in user.answered_callbacks]
        for text in shown:
            for needle in needles:
                assert needle not in text, f"{needle!r} shown to {user!r}: {text!r}"
        checked += len(user.messages)
    log = bot.log()
    for needle in needles:
        assert needle not in log, f"{needle!r} is in the bot's log"
    return checked


async def file_anonymous(
    parent: FakeUser,
    locale: str,
    *,
    category: ComplaintCategory,
    text: str,
    klass: str,
    photo: str | None = None,
) -> str:
    """/complain through every step, anonymously; returns the complaint code."""
    await send(
        parent,
        "/complain",
        t(locale, "What is the complaint about? The first ten are the policy's negative list."),
    )
    ask = t(
        locale,
        "{category}.\nWhat happened? Please describe it in your own words, at most {limit} "
        "characters. (You can attach photos next.)",
        category=render(locale, category_label, category).capitalize(),
        limit=2000,
    )
    await tap(
        parent,
        ComplaintPickButton,
        ask,
        step=ComplaintDraftStep.CATEGORY,
        value=CATEGORIES.index(category),
    )
    await send(parent, text, has_button(ComplaintDraftButton, act=ComplaintDraftAction.PHOTOS_DONE))
    if photo is not None:
        mark = parent.mark()
        parent.send_photo(photo)
        await parent.wait_for(
            t(locale, "Photos attached: {count} of at most {n}.", count=1, n=5), after=mark
        )
    who = await tap(
        parent,
        ComplaintDraftButton,
        t(locale, "Anonymous or with your name?"),
        act=ComplaintDraftAction.PHOTOS_DONE,
    )
    assert has_button(ComplaintPickButton, step=ComplaintDraftStep.WHO, value=1)(who)
    preview = await tap(
        parent,
        ComplaintPickButton,
        t(
            locale,
            "Preview of your complaint to {school}, class {klass}",
            school=SCHOOL,
            klass=klass,
        ),
        step=ComplaintDraftStep.WHO,
        value=1,
    )
    assert text in (preview.text or "")
    filed = await tap(
        parent,
        ComplaintDraftButton,
        t_re(locale, "Your complaint is filed. Ticket number: {code}"),
        act=ComplaintDraftAction.SEND,
    )
    codes = CODE_RE.findall(filed.text or "")
    assert len(codes) == 1, filed.describe()
    assert t(
        locale, "Status: {status}", status=render(locale, status_label, ComplaintStatus.NEW)
    ) in (filed.text or "")
    return str(codes[0])


async def stored_complaint(db: SessionMaker, code: str) -> Complaint:
    async with db() as s:
        found = await s.scalar(select(Complaint).where(Complaint.code == code))
        assert found is not None
        return found


async def test_anonymous_complaint_relay_resolution_and_rating(
    bot: BotProcess, api: FakeBotAPI, db: SessionMaker
) -> None:
    await seed(db)
    parent = api.user(
        PARENT,
        PARENT_FIRST,
        language_code="zh-hans",
        last_name=PARENT_LAST,
        username=PARENT_USERNAME,
    )
    handler = api.user(HANDLER, "Ольга", language_code="ru")
    admin = api.user(ADMIN, "Adam", language_code="en")
    staff = ((handler, RU), (admin, EN))
    marks = {u: u.mark() for u, _l in staff}

    code = await file_anonymous(
        parent,
        ZH,
        category=ComplaintCategory.TOTAL_LOAD,
        text=TEXT,
        klass="3A",
        photo="photo-of-homework",
    )
    c = await stored_complaint(db, code)
    assert c.anonymous and c.complainant_id == PARENT and c.status == "new"

    # The handler and the admin are told at once: the card (class shown: 3 parents use the
    # bot), the text, the photo, and the buttons.
    for user, locale in staff:
        card = await user.wait_for(
            has_button(ComplaintCardButton, complaint_id=c.id, do=ComplaintCardAction.TAKE),
            after=marks[user],
        )
        seen = card.text or ""
        assert seen.startswith(t(locale, "📮 A new complaint for your school."))
        assert t(locale, "Complaint {code}", code=code) in seen
        assert t(locale, "{school}, class {klass}", school=SCHOOL, klass="3A") in seen
        assert t(locale, "From: an anonymous parent") in seen
        assert TEXT in seen
        photo = await user.wait_for(lambda m: m.photo is not None, after=marks[user])
        caption = t(locale, "{code}: photos", code=code)
        assert photo.text == t(locale, "{caption} ({n} of {total})", caption=caption, n=1, total=1)

    # Take: the parent gets the status line.
    status = {loc: render(loc, status_label, ComplaintStatus.IN_PROGRESS) for loc in (ZH, RU, EN)}
    mark = parent.mark()
    await tap(
        handler,
        ComplaintCardButton,
        t(RU, "You took {code}. The parent is told.", code=code),
        complaint_id=c.id,
        do=ComplaintCardAction.TAKE,
    )
    await parent.wait_for(t(ZH, "{code}: {status}", code=code, status=status[ZH]), after=mark)

    # Reply: relayed to the parent.
    mark = parent.mark()
    await tap(
        handler,
        ComplaintCardButton,
        t_re(
            RU, "Type your reply to the parent on {code} (at most {limit} characters):", code=code
        ),
        complaint_id=c.id,
        do=ComplaintCardAction.REPLY,
    )
    await send(handler, REPLY, t(RU, "Your reply on {code} was sent to the parent.", code=code))
    relayed = await parent.wait_for(
        t(ZH, "Reply on {code}:\n{text}", code=code, text=REPLY), after=mark
    )
    assert has_button(ComplaintCardButton, complaint_id=c.id, do=ComplaintCardAction.ADD_INFO)(
        relayed
    )

    # The parent answers ("Add information"): relayed to the handler and the admin.
    marks = {u: u.mark() for u, _l in staff}
    await tap(
        parent,
        ComplaintCardButton,
        t_re(
            ZH,
            "Type what you want to add to {code} (at most {limit} characters), or send a photo:",
            code=code,
        ),
        complaint_id=c.id,
        do=ComplaintCardAction.ADD_INFO,
    )
    await send(parent, ANSWER, t(ZH, "Added to {code}; the handlers see it.", code=code))
    for user, locale in staff:
        await user.wait_for(
            t(locale, "{code}: the parent adds:\n{text}", code=code, text=ANSWER),
            after=marks[user],
        )

    # Resolve; the parent rates "not resolved": reopened, the handlers are told.
    await resolve(handler, parent, c.id, code, SUMMARY_1)
    marks = {u: u.mark() for u, _l in staff}
    reopened = render(ZH, status_label, ComplaintStatus.REOPENED)
    await tap(
        parent,
        ComplaintCardButton,
        t(ZH, "Thank you. {code} is reopened.", code=code),
        complaint_id=c.id,
        do=ComplaintCardAction.RATE_BAD,
    )
    assert (parent.last.text or "").endswith(t(ZH, "{code}: {status}", code=code, status=reopened))
    for user, locale in staff:
        await user.wait_for(
            t(locale, "{code}: the parent says it is not resolved. Reopened.", code=code),
            after=marks[user],
        )
    assert (await stored_complaint(db, code)).status == "reopened"

    # Resolved again; rated "resolved": closed.
    await resolve(handler, parent, c.id, code, SUMMARY_2)
    marks = {u: u.mark() for u, _l in staff}
    await tap(
        parent,
        ComplaintCardButton,
        t(ZH, "Thank you. {code} is closed.", code=code),
        complaint_id=c.id,
        do=ComplaintCardAction.RATE_OK,
    )
    for user, locale in staff:
        await user.wait_for(
            t(locale, "{code}: the parent rated the outcome as resolved. Closed.", code=code),
            after=marks[user],
        )
    c = await stored_complaint(db, code)
    assert c.status == "closed" and c.unresolved_ratings == 1

    # The handler's listing and the complaint's history: every event, still nobody named.
    listing = await send(
        handler,
        "/tickets",
        t_re(RU, "Complaints — status: {status}; category: {category}; class: {klass}"),
    )
    assert code not in (listing.text or "")  # closed: not among the open ones
    everything = await tap(
        handler,
        ComplaintFilterButton,
        t_re(RU, "{n}. {code} · {place}", n=1, code=code),
        status="",
        category="",
        class_id=0,
    )
    assert everything.message_id == listing.message_id
    history = await tap(
        handler,
        ComplaintCardButton,
        t(RU, "History:"),
        complaint_id=c.id,
        do=ComplaintCardAction.VIEW,
    )
    async with db() as s:
        kinds = list(
            await s.scalars(
                select(ComplaintEvent.kind)
                .where(ComplaintEvent.complaint_id == c.id)
                .order_by(ComplaintEvent.id)
            )
        )
    assert kinds == [
        "filed",
        "taken",
        "reply",
        "info",
        "resolved",
        "rated_bad",
        "resolved",
        "rated_ok",
    ]
    assert len((history.text or "").split("\n")) >= len(kinds)

    # Anonymity: the parent's name, username, id and child appear in no staff chat, no log.
    needles = [PARENT_FIRST, PARENT_LAST, PARENT_USERNAME, str(PARENT), CHILD]
    assert assert_anonymous(api, bot, PARENT, needles) >= 12


async def resolve(
    handler: FakeUser, parent: FakeUser, complaint_id: int, code: str, summary: str
) -> None:
    mark = parent.mark()
    await tap(
        handler,
        ComplaintCardButton,
        t_re(
            RU,
            "Type a short summary of how {code} was resolved; the parent sees it and rates "
            "the outcome (at most {limit} characters):",
            code=code,
        ),
        complaint_id=complaint_id,
        do=ComplaintCardAction.RESOLVE,
    )
    await send(
        handler,
        summary,
        t(RU, "{code} is resolved; the parent is asked to rate the outcome.", code=code),
    )
    resolved = await parent.wait_for(
        t(
            ZH,
            "{code} is resolved. Summary:\n{text}\n\nIs it resolved for you? Please rate "
            "the outcome.",
            code=code,
            text=summary,
        ),
        after=mark,
    )
    assert has_button(
        ComplaintCardButton, complaint_id=complaint_id, do=ComplaintCardAction.RATE_OK
    )(resolved)
    assert has_button(
        ComplaintCardButton, complaint_id=complaint_id, do=ComplaintCardAction.RATE_BAD
    )(resolved)


async def test_deadline_passes_and_the_supervisor_answers(
    bot: BotProcess, api: FakeBotAPI, db: SessionMaker
) -> None:
    await seed(db)
    parent = api.user(
        PARENT_RU, RU_FIRST, language_code="ru", last_name=RU_LAST, username=RU_USERNAME
    )
    handler = api.user(HANDLER, "Ольга", language_code="ru")
    supervisor = api.user(SUPERVISOR, "Sam", language_code="en")
    text = "Каждый день дают целый вариант ЕГЭ-подобной контрольной на дом."
    code = await file_anonymous(
        parent, RU, category=ComplaintCategory.BOUGHT_PAPERS, text=text, klass="4B"
    )
    card = await handler.wait_for(t(RU, "Complaint {code}", code=code))
    # 4B has one parent using the bot: the class is not shown on an anonymous complaint.
    assert t(RU, "{school} (class not shown)", school=SCHOOL) in (card.text or "")
    assert not supervisor.messages

    # The deadline passes while the bot is down and nobody answered; at the first tick after
    # the start the complaint goes to the district.
    await bot.stop()
    past = datetime.now(UTC) - timedelta(minutes=1)
    async with db() as s:
        c = await s.scalar(select(Complaint).where(Complaint.code == code))
        assert c is not None
        c.deadline_at, c.remind_at = past, past - timedelta(days=1)
        await s.commit()
        complaint_id = c.id
    marks = {u: u.mark() for u in (parent, handler, supervisor)}
    await bot.start()
    escalated = await supervisor.wait_for(
        has_button(ComplaintCardButton, complaint_id=complaint_id, do=ComplaintCardAction.TAKE),
        after=marks[supervisor],
    )
    seen = escalated.text or ""
    assert seen.startswith(
        t(EN, "⬆ Escalated to the district: the school did not respond by the deadline.")
    )
    assert text in seen and t(EN, "From: an anonymous parent") in seen
    assert t(EN, "History:") in seen
    await handler.wait_for(
        t(RU, "{code} is now handled by the district supervisors.", code=code),
        after=marks[handler],
    )
    await parent.wait_for(
        t(
            RU,
            "{code}: {status}",
            code=code,
            status=render(RU, status_label, ComplaintStatus.ESCALATED),
        ),
        after=marks[parent],
    )
    await until(lambda: escalated_once(db, code), "the complaint escalated")

    # The supervisor takes it and replies; the reply reaches the parent.
    await tap(
        supervisor,
        ComplaintCardButton,
        t(EN, "You took {code}. The parent is told.", code=code),
        complaint_id=complaint_id,
        do=ComplaintCardAction.TAKE,
    )
    reply = "The district has asked the school to stop assigning whole test papers."
    mark = parent.mark()
    await tap(
        supervisor,
        ComplaintCardButton,
        t_re(
            EN, "Type your reply to the parent on {code} (at most {limit} characters):", code=code
        ),
        complaint_id=complaint_id,
        do=ComplaintCardAction.REPLY,
    )
    await send(supervisor, reply, t(EN, "Your reply on {code} was sent to the parent.", code=code))
    await parent.wait_for(t(RU, "Reply on {code}:\n{text}", code=code, text=reply), after=mark)
    # No reminder after the escalation: the school no longer holds the complaint.
    reminder = t_re(
        RU,
        "⏰ Reminder: {code} must be answered by {deadline}; without a "
        "response it goes to the district supervisors.",
        code=code,
    )
    assert not [m for m in handler.messages if reminder.search(m.text or "")]

    needles = [RU_FIRST, RU_LAST, RU_USERNAME, str(PARENT_RU), RU_CHILD]
    assert assert_anonymous(api, bot, PARENT_RU, needles) >= 5


async def escalated_once(db: SessionMaker, code: str) -> bool:
    async with db() as s:
        c = await s.scalar(select(Complaint).where(Complaint.code == code))
        assert c is not None
        kinds = list(
            await s.scalars(select(ComplaintEvent.kind).where(ComplaintEvent.complaint_id == c.id))
        )
    return c.status == "escalated" and c.level == "district" and kinds.count("auto_escalated") == 1
