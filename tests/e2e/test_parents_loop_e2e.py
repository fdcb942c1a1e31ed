"""The parents' loop end to end: `python bot.py`, its scheduler and the fake Bot API (issue 4).

A teacher (zh-hans) posts tonight's homework for 4A -> at the school's notice time every
parent gets the notice (one per parent per child); the fake server answers 429 to the first
sends, more often than PTB's rate limiter retries, and nothing is lost; a parent who blocked
the bot is marked unreachable and skipped from then on -> a piece posted after the notice
reaches the parents as an update -> the bot is restarted between the notice and the evening
question: nothing is sent twice and the evening question goes out once -> parents answer
with different taps (two parents of one child count once: the second is asked before
replacing the first's answer; a range is stored as the range) -> the one parent who did not
answer gets one reminder -> at the check time the teacher (with her share and the parents'
notes, without names), the grade leader (ru) and the admin (en) are warned, with the parents'
median (an unfinished report counts as over), and each parent whose report stands gets the
class's figure (issue 11).

The scheduler's times are the school's settings, set to the current minute of the school's day
(a job is due once its time has passed today) in the database or by the admin through
/settings; the bot runs with a short scheduler lease (SCHEDULER_LEASE_SECONDS=8, a deployment
setting), so it ticks every 2 s, and 2 s after it starts. No test-only code path in the bot.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.domain.load import Cap, CapRule, HomeworkKind
from bot.domain.roles import Role
from bot.i18n import format_day, format_list, format_minutes, zone_name
from handlers.kit.labels import kind_label, rule_label, subject_minutes
from handlers.parents.question import range_label
from handlers.parents.reports import EveningAnswer, EveningAnswerButton, NoteSkipButton
from handlers.school.settings import TIME_FIELDS, SettingsButton
from handlers.school.settings import SettingsAction as SettingsAct
from storage.db import SessionMaker
from storage.models import (
    DailyReport,
    JobRun,
    Lease,
    Notification,
    ReportEvent,
    School,
    User,
)
from tests.e2e.conftest import BotProcess
from tests.e2e.helpers import has_button, send, t, t_re, tap, tn
from tests.e2e.stories import (
    EN,
    RU,
    ZH,
    Seeded,
    add_child,
    add_person,
    local,
    post_homework,
    render,
    seed_school,
    sent_to,
    this_minute,
    until,
    update_school,
)
from tests.fakebot import FakeBotAPI, FakeUser, SentMessage

pytestmark = pytest.mark.e2e

TEACHER, LEADER, ADMIN = 4101, 4102, 4103
P1, P1B, P2, P3, P4, P5, P6 = 4201, 4202, 4203, 4204, 4205, 4206, 4207
MATHS, CHINESE = "数学", "语文"
MATHS_TASK, CHINESE_TASK = "练习册第5页", "生字每个写两遍"
SCHOOL = "育英小学"
CAP = Cap(60, CapRule.PRIMARY_DAILY)
FLOOD = 6
"""429s in a row: more than the bot's rate limiter retries by itself (5)."""
LIMITER_GAVE_UP = "handlers.kit.budget: Rate limit hit after maximum of 5 retries"

NOTICE = "Homework for {child} ({class_name}), {day}:"
UPDATE = "Homework update for {child} ({class_name}), {day}:"
QUESTION = "How long did {child}'s written homework take today ({day})?"
SAVED = "Saved for {child}, {day}: {answer}. Thank you!"


def day_of(locale: str, day: date) -> str:
    return render(locale, format_day, day)


def mins(locale: str, n: int) -> str:
    return render(locale, format_minutes, n)


def rule(locale: str) -> str:
    return render(locale, rule_label, CAP)


def written_total(locale: str, total: int) -> str:
    return t(
        locale,
        "Written total {total} ({rule}).",
        total=mins(locale, total),
        rule=rule(locale),
    )


def piece(locale: str, subject: str, kind: HomeworkKind, n: int, text: str) -> str:
    """A piece in the notice: subject, kind and minutes, then what to do."""
    line = t(
        locale,
        "• {subject} ({kind}): {minutes}",
        subject=subject,
        kind=render(locale, kind_label, kind),
        minutes=mins(locale, n),
    )
    return f"{line}\n  {text}"


NOTE = "Делали до девяти"
REMINDER = (
    "A reminder: how long did {child}'s written homework take today ({day})? One tap is enough."
)


def class_figures(locale: str, day: date, *, notes: bool) -> str:
    """4A tonight: 50 min estimated; reports 60–90 (its midpoint 75), 95, over 90 (90) and one
    "did not finish" (at least the limit, 60): median 82.5, all 4 over; the one unfinished
    child is a quarter of the class, over the school's 20%."""
    estimate = t(
        locale,
        "{class_name}: estimated written total {total} ({rule}).",
        class_name="4A",
        total=mins(locale, 50),
        rule=rule(locale),
    )
    parents = "\n".join(
        [
            tn(
                locale,
                "Parents' median {median} from {n} report.",
                "Parents' median {median} from {n} reports.",
                4,
                median=mins(locale, round(82.5)),
            ),
            t(locale, "{over} of {n} reports over the limit.", over=4, n=4),
            tn(
                locale,
                "{unfinished} of {n} report: went to bed unfinished.",
                "{unfinished} of {n} reports: went to bed unfinished.",
                4,
                unfinished=1,
            ),
        ]
    )
    warning = t(
        locale,
        "Warning: at least {share}% of the reporting children went to bed unfinished "
        "(policy: a child who cannot finish goes to bed on time; the load was too much).",
        share=20,
    )
    lines = [estimate, parents, warning]
    if notes:
        lines += [t(locale, "Parents' notes (without names):"), "• " + NOTE]
    return "\n".join(lines)


async def seed(db: SessionMaker) -> Seeded:
    seeded = await seed_school(db, name=SCHOOL, classes=[(4, "4A")], subjects=[MATHS, CHINESE])
    await add_person(
        db,
        seeded,
        TEACHER,
        "李静",
        "zh-hans",
        Role.TEACHER,
        teaches=[("4A", MATHS), ("4A", CHINESE)],
    )
    await add_person(db, seeded, LEADER, "Иван", "ru", Role.GRADE_LEADER, grade=4)
    await add_person(db, seeded, ADMIN, "Adam", "en", Role.SCHOOL_ADMIN)
    for parent, name, language in (
        (P1, "王妈妈", "zh-hans"),
        (P1B, "Анна", "ru"),
        (P2, "张爸爸", "zh-hans"),
        (P3, "刘妈妈", "zh-hans"),
        (P4, "Мария", "ru"),
        (P5, "Kate", "en"),
        (P6, "陈妈妈", "zh-hans"),
    ):
        await add_person(db, seeded, parent, name, language)
    await add_child(db, seeded, "王小明", "4A", [P1, P1B])
    await add_child(db, seeded, "张小红", "4A", [P2])
    await add_child(db, seeded, "刘小刚", "4A", [P3])
    await add_child(db, seeded, "Маша", "4A", [P4])
    await add_child(db, seeded, "Tom", "4A", [P5])
    await add_child(db, seeded, "陈小东", "4A", [P6])
    return seeded


def only(user: FakeUser, start: str) -> SentMessage:
    """The one message of the user's chat starting with `start` (fails on none or several)."""
    found = [m for m in user.messages if (m.text or "").startswith(start)]
    assert len(found) == 1, (
        f"{user!r}: {len(found)} messages starting {start!r}:\n{user.describe()}"
    )
    return found[0]


async def notifications(db: SessionMaker, kind: str) -> dict[int, str]:
    async with db() as s:
        rows = await s.execute(
            select(Notification.recipient_id, Notification.status).where(Notification.kind == kind)
        )
        return {recipient: status for recipient, status in rows}


async def test_notice_question_reports_and_check(
    bot_process: BotProcess, api: FakeBotAPI, db: SessionMaker
) -> None:
    seeded = await seed(db)
    bot = bot_process
    today, zone = seeded.today, seeded.zone
    teacher = api.user(TEACHER, "李静", language_code="zh-hans")
    leader = api.user(LEADER, "Иван", language_code="ru")
    admin = api.user(ADMIN, "Adam", language_code="en")
    families = {
        P1: (api.user(P1, "王妈妈", language_code="zh-hans"), ZH, "王小明"),
        P1B: (api.user(P1B, "Анна", language_code="ru"), RU, "王小明"),
        P2: (api.user(P2, "张爸爸", language_code="zh-hans"), ZH, "张小红"),
        P3: (api.user(P3, "刘妈妈", language_code="zh-hans"), ZH, "刘小刚"),
        P4: (api.user(P4, "Мария", language_code="ru"), RU, "Маша"),
        P5: (api.user(P5, "Kate", language_code="en"), EN, "Tom"),
        P6: (api.user(P6, "陈妈妈", language_code="zh-hans"), ZH, "陈小东"),
    }
    reachable = [p for p in families if p != P3]
    # A deployment setting: a short scheduler lease, so the scheduler ticks every 2 s.
    bot.env["SCHEDULER_LEASE_SECONDS"] = "8"
    # Late changes go out once none came for this long (a deployment setting; 3 min by default).
    bot.env["UPDATE_QUIET_SECONDS"] = "2"
    await bot.start()

    # ---- the teacher posts tonight's homework before the notice time: parents hear nothing yet
    await post_homework(
        teacher, ZH, today, text=MATHS_TASK, mins=30, subject_id=seeded.subjects[MATHS]
    )
    await post_homework(
        teacher, ZH, today, text=CHINESE_TASK, mins=20, subject_id=seeded.subjects[CHINESE]
    )
    await teacher.wait_idle()
    assert all(not user.messages for user, _l, _c in families.values())

    # ---- the notice time becomes the current minute: at the next tick the notice goes out. A
    # parent has blocked the bot, and the server answers the first sends with 429.
    api.block(P3)
    api.fail_next("sendMessage", status=429, retry_after=1, times=FLOOD)
    notice_at = this_minute(zone)
    await update_school(db, seeded.school_id, notice_time=notice_at)
    for parent in reachable:
        user, locale, child = families[parent]
        notice = await user.wait_for(
            t(locale, NOTICE, child=child, class_name="4A", day=day_of(locale, today))
        )
        assert notice.text == "\n".join(
            [
                t(locale, NOTICE, child=child, class_name="4A", day=day_of(locale, today)),
                piece(locale, MATHS, HomeworkKind.WRITTEN, 30, MATHS_TASK),
                piece(locale, CHINESE, HomeworkKind.WRITTEN, 20, CHINESE_TASK),
                written_total(locale, 50),
                t(locale, "Homework is set in class; this is the record."),
            ]
        )
    sends = [c.status for c in api.calls_to("sendMessage")]
    assert sends.count(429) == FLOOD, sends
    # The rate limiter's own retries ran out: the paced sender waited and sent it later.
    assert "messages hit a flood limit; retrying (pass 2)" in bot.log()
    await until(lambda: notice_settled(db), "the notice run finished")
    assert await notifications(db, "notice") == {
        **{p: "sent" for p in reachable},
        P3: "unreachable",
    }
    assert sent_to(api, P3) == [403]
    async with db() as s:
        blocked = await s.get(User, P3)
        assert blocked is not None and not blocked.reachable

    # ---- a piece posted after the notice: once no other change came for the quiet period,
    # the parents get an update with its text (P3 is skipped)
    await post_homework(
        teacher,
        ZH,
        today,
        text="朗读课文",
        mins=15,
        kind=HomeworkKind.READING,
        subject_id=seeded.subjects[CHINESE],
    )
    what = {
        locale: t(
            locale,
            "{subject} ({kind}, {minutes})",
            subject=CHINESE,
            kind=render(locale, kind_label, HomeworkKind.READING),
            minutes=mins(locale, 15),
        )
        for locale in (ZH, RU, EN)
    }
    for parent in reachable:
        user, locale, child = families[parent]
        update = await user.wait_for(
            t(locale, UPDATE, child=child, class_name="4A", day=day_of(locale, today))
        )
        assert update.text == "\n".join(
            [
                t(locale, UPDATE, child=child, class_name="4A", day=day_of(locale, today)),
                t(locale, "New: {what}.", what=what[locale]),
                "  朗读课文",  # issue 10: the piece's text, not only its subject
                written_total(locale, 50),
            ]
        )

    # ---- restart between the notice and the evening question, whose time is now
    await bot.stop()
    async with db() as s:  # the stopped process gave the scheduler up: no wait for its lease
        lease = await s.get(Lease, "scheduler")
        assert lease is not None and lease.expires_at <= datetime.now(UTC)
    await update_school(db, seeded.school_id, evening_time=this_minute(zone))
    await bot.start()
    for parent in reachable:
        user, locale, child = families[parent]
        await user.wait_for(has_button(EveningAnswerButton, answer=EveningAnswer.ESTIMATE))
    await until(lambda: run_finished(db, "evening"), "the evening run finished")
    for parent in reachable:
        user, locale, child = families[parent]
        day = day_of(locale, today)
        question = only(user, t(locale, QUESTION, child=child, day=day))
        assert question.text == t(locale, QUESTION, child=child, day=day)
        assert has_button(
            EveningAnswerButton,
            answer=EveningAnswer.ESTIMATE,
            day=today,
            child_id=seeded.children[child],
        )(question)
        assert question.button_texts[0] == t(
            locale, "As estimated ({minutes})", minutes=mins(locale, 50)
        )
        # Nothing was sent twice across the restart.
        only(user, t(locale, NOTICE, child=child, class_name="4A", day=day))
        only(user, t(locale, UPDATE, child=child, class_name="4A", day=day))
        assert len(user.messages) == 3, user.describe()
    assert sent_to(api, P3) == [403]  # skipped since: no update, no question
    assert P3 not in await notifications(db, "evening")

    # ---- parents answer with different taps
    await answer(families[P1], seeded, EveningAnswer.ESTIMATE, saved=mins(ZH, 50))
    await answer(
        families[P1B],
        seeded,
        EveningAnswer.MINUTES,
        saved=render(RU, range_label, 60, 90),
        minutes=60,
        high=90,
        note=NOTE,
        replaces=True,
    )
    await answer(families[P2], seeded, EveningAnswer.TYPE, saved=mins(ZH, 95), typed="95分钟")
    await answer(
        families[P4],
        seeded,
        EveningAnswer.MINUTES,
        saved=render(RU, range_label, 90, None),
        minutes=90,
    )
    await answer(
        families[P5], seeded, EveningAnswer.UNFINISHED, saved=t(EN, "did not finish, went to bed")
    )
    async with db() as s:
        rows = await s.execute(
            select(
                DailyReport.child_id,
                DailyReport.minutes,
                DailyReport.minutes_low,
                DailyReport.minutes_high,
                DailyReport.outcome,
                DailyReport.note,
            )
        )
        reports = {child: tuple(rest) for child, *rest in rows}
        history = await s.scalar(select(func.count()).select_from(ReportEvent))
    ids = seeded.children
    assert reports == {
        ids["王小明"]: (None, 60, 90, "done", NOTE),  # two parents: one report, the latest
        ids["张小红"]: (95, None, None, "done", None),
        ids["Маша"]: (None, 90, None, "done", None),  # "over 90": no upper bound
        ids["Tom"]: (None, None, None, "unfinished", None),
    }
    assert history == 5  # both answers for 王小明 are kept in the history

    # ---- one reminder, to the one parent who has not answered: the school's reminder delay
    # is set so that it is due at the next minute and the question was sent more than half
    # the delay before (the reminder never follows the question at once).
    async with db() as s:
        asked = await s.scalar(
            select(Notification.sent_at).where(Notification.key.like(f"evening:{P6}:%"))
        )
    assert asked is not None
    started = datetime.combine(today, await school_evening(db, seeded.school_id))
    now = local(zone).replace(tzinfo=None)
    sent = local(zone, asked).replace(tzinfo=None)
    delay = max(
        int((now - started).total_seconds() // 60) + 1,
        math.ceil(2 * (sent - started).total_seconds() / 60),
    )
    await update_school(db, seeded.school_id, reminder_delay=delay)
    chen, _zh, _c = families[P6]
    reminder = await chen.wait_for(
        t(ZH, REMINDER, child="陈小东", day=day_of(ZH, today)), timeout=200
    )
    assert t(ZH, "No more reminders") in reminder.button_texts
    await until(lambda: run_finished(db, "reminder"), "the reminder run finished")
    assert set(await notifications(db, "reminder")) == {P6}

    # ---- the admin sets the check time to the current minute through /settings: at the next
    # tick the teacher, the grade leader and the admin are warned. /settings holds the times
    # together (cut-off <= notice < evening question < reminder < daily check): the cut-off is
    # the notice's minute and the reminder, sent, is switched off, so this minute is a check time.
    await update_school(db, seeded.school_id, cutoff_time=notice_at, reminder_delay=0)
    marks = {u: u.mark() for u in (teacher, leader, admin, *(f[0] for f in families.values()))}
    await send(admin, "/settings", has_button(SettingsButton, act=SettingsAct.TIMES))
    await tap(
        admin, SettingsButton, t(EN, "Which time do you want to change?"), act=SettingsAct.TIMES
    )
    await tap(
        admin,
        SettingsButton,
        t(
            EN,
            "{field}: type the time as HH:MM (school time, {timezone}).",
            field=t(EN, "Daily check and warnings"),
            timezone=zone_name(zone, datetime.now(UTC)),  # as people say it (issue 13)
        ),
        act=SettingsAct.TIME,
        value=TIME_FIELDS.index("check_time"),
    )
    await send(
        admin,
        this_minute(zone).strftime("%H:%M"),
        t_re(
            EN,
            "Settings of {school} (time zone {timezone})",
            school=SCHOOL,
            timezone=zone_name(zone, datetime.now(UTC)),
        ),
    )
    await tap(admin, SettingsButton, t(EN, "Saved."), act=SettingsAct.DONE)
    warning = await teacher.wait_for(
        t(
            ZH,
            "Homework load over the limit: {class_name}, {day}.",
            class_name="4A",
            day=day_of(ZH, today),
        ),
        after=marks[teacher],
    )
    assert warning.text == "\n".join(
        [
            t(
                ZH,
                "Homework load over the limit: {class_name}, {day}.",
                class_name="4A",
                day=day_of(ZH, today),
            ),
            class_figures(ZH, today, notes=True),
            t(
                ZH,
                "Your share: {items}.",
                items=render(
                    ZH,
                    format_list,
                    [
                        render(ZH, subject_minutes, MATHS, 30),
                        render(ZH, subject_minutes, CHINESE, 20),
                    ],
                ),
            ),
        ]
    )
    head = tn(
        RU,
        "Daily check, grade {grade}, {day}: {n} class over the limit.",
        "Daily check, grade {grade}, {day}: {n} classes over the limit.",
        1,
        grade=4,
        day=day_of(RU, today),
    )
    grade_warning = await leader.wait_for(head, after=marks[leader])
    assert grade_warning.text == head + "\n" + class_figures(RU, today, notes=True)
    head = tn(
        EN,
        "Daily check for {school}, {day}: {over} of {n} class with homework over the limit.",
        "Daily check for {school}, {day}: {over} of {n} classes with homework over the limit.",
        1,
        school=SCHOOL,
        day=day_of(EN, today),
        over=1,
    )
    summary = await admin.wait_for(head, after=marks[admin])
    assert summary.text == head + "\n" + class_figures(EN, today, notes=False)
    await until(lambda: run_finished(db, "check"), "the check run finished")
    # Each parent whose report stands gets the class's figure, once; the parent whose answer
    # was replaced and the one who never answered get nothing; nobody got anything twice.
    await teacher.wait_idle()
    figured = {families[p][0] for p in (P1B, P2, P4, P5)}
    for user, mark in marks.items():
        if user is not admin:  # (the admin's chat also has the settings dialog)
            news = [m for m in user.messages if m.seq > mark]
            wanted = 1 if user in (teacher, leader) or user in figured else 0
            assert len(news) == wanted, user.describe()
    for parent in (P1B, P2, P4, P5):
        user, locale, _child = families[parent]
        where = t(locale, "{class_name}, {day}", class_name="4A", day=day_of(locale, today))
        line = tn(
            locale,
            "{head}: the class's median was {median} from {n} report, over the limit of {cap}.",
            "{head}: the class's median was {median} from {n} reports, over the limit of {cap}.",
            4,
            head=where,
            median=mins(locale, round(82.5)),
            cap=mins(locale, 60),
        )
        assert user.messages[-1].text == line
    assert only(admin, head) is summary
    async with db() as s:
        runs = list(await s.execute(select(JobRun.job, JobRun.finished_at)))
    # (The seeding marks the monthly report done: it is not part of this story.)
    ran = sorted(job for job, _f in runs if job != "monthly")
    assert ran == ["check", "evening", "notice", "reminder"]
    assert all(finished is not None for _j, finished in runs)
    # The bot's rate limiter (the budget) gave up once and the bot resent: a warning.
    log = bot.log().splitlines()
    gave_up = [line for line in log if LIMITER_GAVE_UP in line]
    assert len(gave_up) == 1 and " WARNING " in gave_up[0], gave_up
    assert not [line for line in log if " ERROR " in line or "Traceback" in line]


async def school_evening(db: SessionMaker, school_id: int) -> Any:
    async with db() as s:
        return await s.scalar(select(School.evening_time).where(School.id == school_id))


async def notice_settled(db: SessionMaker) -> bool:
    return await run_finished(db, "notice")


async def run_finished(db: SessionMaker, job: str) -> bool:
    async with db() as s:
        finished = await s.scalar(select(JobRun.finished_at).where(JobRun.job == job))
        return finished is not None


async def answer(
    family: tuple[FakeUser, str, str],
    seeded: Seeded,
    how: EveningAnswer,
    *,
    saved: str,
    minutes: int = 0,
    high: int | None = None,
    typed: str | None = None,
    note: str | None = None,
    replaces: bool = False,
) -> None:
    """A parent answers the evening question: a tap (and typed minutes), then a note or Skip;
    `replaces`: the child's other parent answered first, so the bot asks before replacing."""
    user, locale, child = family
    today = seeded.today
    fields: dict[str, Any] = {
        "child_id": seeded.children[child],
        "day": today,
        "answer": how,
    }
    if how is EveningAnswer.MINUTES:
        fields["minutes"] = minutes
        fields["high"] = high
    done = t(locale, SAVED, child=child, day=day_of(locale, today), answer=saved)
    if replaces:
        ask = t(locale, "Replace")
        await tap(user, EveningAnswerButton, lambda m: ask in m.button_texts, **fields)
        fields["replace"] = True
    if typed is not None:
        ask = t(
            locale,
            "How long did {child}'s written homework take on {day}? "
            "Send the minutes, e.g. 45, 45 min or 1 hour ({low} to {high} minutes).",
            child=child,
            day=day_of(locale, today),
            low=1,
            high=600,
        )
        await tap(user, EveningAnswerButton, ask, **fields)
        await send(
            user,
            "很久",
            t(
                locale,
                "I could not read that as minutes. Type them like this: 20, 45 min, 1 hour, "
                "1 h 20 min.",
            ),
        )
        await send(user, typed, done)
    else:
        await tap(user, EveningAnswerButton, done, **fields)
    if note is None:
        await tap(user, NoteSkipButton, t(locale, "Saved. Thank you!"))
    else:
        await send(user, note, t(locale, "Note saved. Thank you!"))
