"""Issue 6 end to end: a week of demo data, the weekly report for every role, and /export.

`python bot.py demo --user ID` seeds the demo school (the demo user holds every role) in a
real time zone where it is daytime now; more staff are added in the database so that every
recipient role is also held by a user of its own, in zh_Hans, en and ru. The school's weekly
report is set to today at the current minute, and `python bot.py` runs with a short scheduler
lease (SCHEDULER_LEASE_SECONDS=8: a tick every 2 s). Then:

- every teacher gets their classes' charts, grade leaders their grade's heat map, admins the
  school's heat map and summary, supervisors the district's chart and bulletin; nobody else
  (the made-up demo people, a user without a role); each once (later ticks send nothing);
- the charts are PNGs of a readable size, titled in the recipient's language; the same chart
  in another language is another picture, in the same language the same one;
- `/export` by the (ru) admin for last week returns an XLSX that openpyxl opens, whose four
  sheets match the database, and a zip of the same tables as CSV (UTF-8 with BOM).
"""

from __future__ import annotations

import asyncio
import csv
import io
import subprocess
import sys
import zipfile
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import Any

import openpyxl
import pytest
from sqlalchemy import func, select

from bot.domain.homework import HomeworkStatus
from bot.domain.load import HomeworkKind
from bot.domain.periods import ScopeKind, last_week, last_weeks
from bot.domain.roles import Role
from bot.domain.schedule import Job
from bot.i18n import format_number
from handlers.reports import views as report_views
from handlers.reports.commands import PeriodChoice, ReportPeriodButton, ReportScopeButton
from storage import repo
from storage.db import SessionMaker
from storage.models import (
    Assignment,
    AssignmentLoad,
    Child,
    Complaint,
    DailyReport,
    District,
    JobRun,
    Membership,
    Notification,
    School,
    SchoolClass,
    Subject,
    User,
)
from tests import world
from tests.e2e.conftest import REPO_ROOT, BotProcess
from tests.e2e.helpers import has_button, send, t, tap, tn
from tests.e2e.stories import EN, RU, ZH, daytime_zone, local, render, this_minute, until
from tests.fakebot import FakeBotAPI, SentMessage

pytestmark = pytest.mark.e2e

DEMO = 7001  # the demo's user: every role (en)
TEACHER_RU, TEACHER_ZH = 7002, 7003
LEADER_ZH, ADMIN_RU, SUPERVISOR_ZH = 7004, 7005, 7006
NOBODY = 7007  # a user of the bot without a role
LANGUAGE = {
    DEMO: "en",
    TEACHER_RU: "ru",
    TEACHER_ZH: "zh-hans",
    LEADER_ZH: "zh-hans",
    ADMIN_RU: "ru",
    SUPERVISOR_ZH: "zh-hans",
    NOBODY: "en",
}
LOCALE = {"en": EN, "ru": RU, "zh-hans": ZH}
PNG = b"\x89PNG\r\n\x1a\n"
WAIT = 60.0


def run_demo(bot: BotProcess, zone: str) -> str:
    """`python bot.py demo --user DEMO` on the bot's database, with the school in `zone`."""
    env = dict(bot.env, DEFAULT_TIMEZONE=zone)
    done = subprocess.run(
        [sys.executable, "bot.py", "demo", "--user", str(DEMO)],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


async def add_staff(db: SessionMaker, zone: str) -> dict[str, int]:
    """Users of their own for each role, and the weekly report due now; returns ids."""
    async with db() as s:
        school = await s.scalar(select(School).where(School.name == "Demo School No. 1"))
        assert school is not None and school.timezone == zone
        classes = {k.name: k.id for k in await repo.classes_of(s, school.id)}
        subjects = {x.name: x.id for x in await repo.subjects_of(s, school.id)}
        for uid, lang in LANGUAGE.items():
            await repo.upsert_user(s, repo.TelegramProfile(uid, f"User{uid}", None, None, lang))
        await s.flush()
        await repo.add_membership(s, TEACHER_RU, Role.TEACHER, school_id=school.id)
        await repo.add_membership(s, TEACHER_ZH, Role.TEACHER, school_id=school.id)
        await repo.add_teaching(
            s,
            TEACHER_RU,
            [(classes["5A"], subjects["English"]), (classes["3A"], subjects["Maths"])],
        )
        await repo.add_teaching(s, TEACHER_ZH, [(classes["5A"], subjects["Science"])])
        await repo.add_membership(s, LEADER_ZH, Role.GRADE_LEADER, school_id=school.id, grade=5)
        await repo.add_membership(s, ADMIN_RU, Role.SCHOOL_ADMIN, school_id=school.id)
        await repo.add_membership(s, SUPERVISOR_ZH, Role.SUPERVISOR, district_id=school.district_id)
        today = local(zone).date()
        start, _end = last_week(today)
        # Two complaints filed last week, answered (so no reminder or escalation fires): one
        # anonymous, one named.
        filed = datetime.combine(start + timedelta(days=1), datetime.min.time(), UTC)
        filed += timedelta(hours=4)
        for code, anonymous, late in (("C-E2EA-0001", True, False), ("C-E2EB-0002", False, True)):
            s.add(
                Complaint(
                    code=code,
                    school_id=school.id,
                    class_id=classes["5A"],
                    complainant_id=DEMO,
                    anonymous=anonymous,
                    category="total_load",
                    text=f"Too much homework ({code})",
                    status="resolved",
                    level="school",
                    deadline_at=filed + timedelta(days=2),
                    responded_at=filed + timedelta(days=3 if late else 1),
                    created_at=filed,
                    updated_at=filed,
                )
            )
        # The weekly report: today, this minute (due at the first tick).
        school.weekly_report_weekday = today.isoweekday()
        school.weekly_report_time = this_minute(zone)
        # The monthly report (at the same time on a first school day) is not part of it.
        await world.run_done(s, school, Job.MONTHLY, today)
        ids = {"school": school.id, "district": school.district_id, **classes}
        await s.commit()
    return ids


def photos(api: FakeBotAPI, chat_id: int) -> list[SentMessage]:
    return [m for m in api.messages.get(chat_id, []) if m.photo]


def texts(api: FakeBotAPI, chat_id: int) -> list[SentMessage]:
    return [m for m in api.messages.get(chat_id, []) if not m.photo and not m.document]


def png_of(api: FakeBotAPI, msg: SentMessage) -> bytes:
    assert msg.photo is not None
    content = bytes(api.files[msg.photo].content)
    assert content.startswith(PNG), f"not a PNG: {content[:16]!r}"
    assert 15_000 < len(content) < 2_000_000, len(content)
    width, height = int.from_bytes(content[16:20], "big"), int.from_bytes(content[20:24], "big")
    assert 600 <= width <= 2560 and 400 <= height <= 4000, (width, height)
    return content


async def weekly_finished(db: SessionMaker, school_id: int, today: date) -> bool:
    async with db() as s:
        run = await s.get(JobRun, (school_id, "weekly", today))
        return run is not None and run.finished_at is not None


async def test_weekly_report_reaches_every_role_once_and_export_matches_the_database(
    bot_process: BotProcess, api: FakeBotAPI, db: SessionMaker
) -> None:
    bot = bot_process
    zone = daytime_zone()
    summary = run_demo(bot, zone)
    assert f"Telegram user {DEMO} is supervisor of Demo District" in summary
    ids = await add_staff(db, zone)
    today = local(zone).date()
    start, end = last_week(today)
    users = {uid: api.user(uid, f"User{uid}", language_code=lang) for uid, lang in LANGUAGE.items()}
    bot.env["SCHEDULER_LEASE_SECONDS"] = "8"
    await bot.start()

    # ---- the weekly report: every role, the right charts, nobody else
    await until(lambda: weekly_finished(db, ids["school"], today), "the weekly run", within=WAIT)
    expected_photos = {
        DEMO: 5,  # 5A, 5B (teacher), grade 5, the school, the district
        TEACHER_RU: 2,  # 5A, 3A
        TEACHER_ZH: 1,  # 5A
        LEADER_ZH: 1,
        ADMIN_RU: 1,
        SUPERVISOR_ZH: 1,
        NOBODY: 0,
    }
    expected_texts = {DEMO: 2, ADMIN_RU: 1, SUPERVISOR_ZH: 1}  # summary, bulletin
    assert {u: len(photos(api, u)) for u in LANGUAGE} == expected_photos
    assert {u: len(texts(api, u)) for u in LANGUAGE} == {
        u: expected_texts.get(u, 0) for u in LANGUAGE
    }
    # Nobody else: the demo's made-up teachers and parents are never messaged.
    chats = {
        int(c.params["chat_id"])
        for method in ("sendMessage", "sendPhoto", "sendDocument")
        for c in api.calls_to(method)
    }
    assert chats == {u for u, n in expected_photos.items() if n}

    async with db() as s:
        district = await s.get(District, ids["district"])
        assert district is not None
        district_name = district.name
        keys = Counter(
            (n.recipient_id, n.key.split(":")[0], n.status)
            for n in await s.scalars(select(Notification))
            if n.key.endswith(":" + start.isoformat())  # keyed by the week's Monday
        )
    assert keys == Counter(
        {
            (DEMO, "weekly_class", "sent"): 2,
            (DEMO, "weekly_grade", "sent"): 1,
            (DEMO, "weekly_school", "sent"): 1,
            (DEMO, "weekly_summary", "sent"): 1,
            (DEMO, "weekly_district", "sent"): 1,
            (DEMO, "weekly_bulletin", "sent"): 1,
            (TEACHER_RU, "weekly_class", "sent"): 2,
            (TEACHER_ZH, "weekly_class", "sent"): 1,
            (LEADER_ZH, "weekly_grade", "sent"): 1,
            (ADMIN_RU, "weekly_school", "sent"): 1,
            (ADMIN_RU, "weekly_summary", "sent"): 1,
            (SUPERVISOR_ZH, "weekly_district", "sent"): 1,
            (SUPERVISOR_ZH, "weekly_bulletin", "sent"): 1,
        }
    )

    # ---- titles in each recipient's language; the same chart differs by language only
    def period(locale: str, a: date = start, b: date = end) -> str:
        return render(locale, report_views.period_label, a, b)

    def class_title(locale: str, name: str) -> str:
        return t(
            locale,
            "{class_name}: written homework, {period}",
            class_name=name,
            period=period(locale),
        )

    def chart(uid: int, title: str) -> bytes:
        found = [m for m in photos(api, uid) if title in (m.text or "")]
        assert len(found) == 1, (uid, title, [m.text for m in photos(api, uid)])
        return png_of(api, found[0])

    class_5a = {
        uid: chart(uid, class_title(LOCALE[LANGUAGE[uid]], "5A"))
        for uid in (DEMO, TEACHER_RU, TEACHER_ZH)
    }
    for uid in (DEMO, TEACHER_RU, TEACHER_ZH):
        [msg] = [m for m in photos(api, uid) if "5A" in (m.text or "")]
        assert (msg.text or "").startswith(t(LOCALE[LANGUAGE[uid]], "Weekly report."))
    assert len(set(class_5a.values())) == 3, "5A's chart is the same picture in en, ru and zh"
    chart(DEMO, class_title(EN, "5B"))
    chart(TEACHER_RU, class_title(RU, "3A"))
    school = "Demo School No. 1"
    grade = {
        uid: chart(
            uid,
            t(
                LOCALE[LANGUAGE[uid]],
                "{school}, grade {grade}: written homework, {period}",
                school=school,
                grade=5,
                period=period(LOCALE[LANGUAGE[uid]]),
            ),
        )
        for uid in (DEMO, LEADER_ZH)
    }
    assert grade[DEMO] != grade[LEADER_ZH]
    heat = {
        uid: chart(
            uid,
            t(
                LOCALE[LANGUAGE[uid]],
                "{school}: written homework by class, {period}",
                school=school,
                period=period(LOCALE[LANGUAGE[uid]]),
            ),
        )
        for uid in (DEMO, ADMIN_RU)
    }
    assert heat[DEMO] != heat[ADMIN_RU]
    chart_start = last_weeks(today, 4)[0]
    district_charts = {
        uid: chart(
            uid,
            t(
                LOCALE[LANGUAGE[uid]],
                "{district}: homework limits and complaints, {period}",
                district=district_name,
                period=period(LOCALE[LANGUAGE[uid]], chart_start, end),
            ),
        )
        for uid in (DEMO, SUPERVISOR_ZH)
    }
    assert district_charts[DEMO] != district_charts[SUPERVISOR_ZH]
    # The admins' summary and the supervisors' bulletin, in their languages.
    for uid in (DEMO, ADMIN_RU):
        locale = LOCALE[LANGUAGE[uid]]
        head = t(
            locale, "Weekly report for {school}, {period}.", school=school, period=period(locale)
        )
        [summary_msg] = [m for m in texts(api, uid) if (m.text or "").startswith(head)]
        complaints = "Complaints: {n} filed, {answered} answered, {late} late."
        line = tn(locale, complaints, complaints, 2, answered=2, late=1)
        assert line in (summary_msg.text or "").splitlines()
    for uid in (DEMO, SUPERVISOR_ZH):
        locale = LOCALE[LANGUAGE[uid]]
        bulletin = "\n".join(
            [
                t(locale, "Weekly bulletin."),
                t(locale, "{district}, {period}", district=district_name, period=period(locale)),
            ]
        )
        assert [m for m in texts(api, uid) if (m.text or "").startswith(bulletin)], texts(api, uid)

    # ---- once: later ticks send nothing more
    sent_before = len(api.calls_to("sendPhoto")), len(api.calls_to("sendMessage"))
    await asyncio.sleep(5)  # two more ticks at least
    assert (len(api.calls_to("sendPhoto")), len(api.calls_to("sendMessage"))) == sent_before

    # ---- /export by the (ru) admin, last week: an XLSX and the same tables as CSV
    admin = users[ADMIN_RU]
    await send(
        admin, "/export", has_button(ReportScopeButton, kind=ScopeKind.SCHOOL, ref=ids["school"])
    )
    await tap(
        admin,
        ReportScopeButton,
        has_button(ReportPeriodButton, period=PeriodChoice.LAST_WEEK),
        kind=ScopeKind.SCHOOL,
        ref=ids["school"],
    )
    mark = admin.mark()
    await tap(
        admin,
        ReportPeriodButton,
        lambda m: m.document_name is not None and m.document_name.endswith(".zip"),
        period=PeriodChoice.LAST_WEEK,
        within=WAIT,
    )
    docs = [m for m in admin.messages if m.document and m.seq > mark]
    stem = f"qingfu-{start.isoformat()}-{end.isoformat()}"
    assert [d.document_name for d in docs] == [f"{stem}.xlsx", f"{stem}-csv.zip"]
    assert docs[0].document_bytes is not None and docs[1].document_bytes is not None
    book = openpyxl.load_workbook(io.BytesIO(docs[0].document_bytes))
    sheets = [
        t(RU, "Homework"),
        t(RU, "Daily loads"),
        t(RU, "Parents' reports"),
        t(RU, "Complaints"),
    ]
    assert book.sheetnames == [name[:31] for name in sheets]
    tables = [list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets]
    # The parents' reports sheet has a privacy note above its header (class-day aggregates only).
    assert [s.freeze_panes for s in book.worksheets] == ["A2", "A2", "A3", "A2"]
    assert tables[0][0][:4] == tuple(t(RU, h) for h in ("School", "Class", "Subject", "Teacher"))
    expected = await database_tables(db, ids["school"], start, end)
    assert [len(rows) - 1 for rows in tables] == [
        len(expected["pieces"]),
        len(expected["evenings"]),
        len(expected["reports"]) + 1,  # one row per class-day, under the note and the header
        2,
    ]
    # Homework: every piece of the week, with its class, subject, minutes, evening and text.
    assert Counter((r[1], r[2], r[5], r[6].date(), r[9]) for r in tables[0][1:]) == Counter(
        expected["pieces"]
    )
    # Class-evenings: written minutes and pieces per class and evening.
    assert {(r[1], r[3].date()): (r[4], r[5]) for r in tables[1][1:]} == expected["evenings"]
    # Parents' reports: one row per class and day with the number of reports, never a single
    # report; a class-day of fewer than 3 reports shows its count and nothing else.
    counted = {(r[1], r[2].date()): r[3] for r in tables[2][2:]}
    assert counted == {k: len(v) for k, v in expected["reports"].items()}
    for r in tables[2][2:]:
        if r[3] < 3:
            assert all(cell in (None, "") for cell in r[4:]), r
    everything = repr(tables)
    assert f"User{DEMO}" in everything  # the named complainant
    by_code = {r[0]: r for r in tables[3][1:]}
    assert by_code["C-E2EA-0001"][6] == t(RU, "anonymous")
    assert by_code["C-E2EB-0002"][6] == f"User{DEMO}"
    assert not any(name in everything for name in expected["children"]), "a child's name leaked"
    # The CSVs: the same tables, UTF-8 with BOM.
    archive = zipfile.ZipFile(io.BytesIO(docs[1].document_bytes))
    names = ["homework.csv", "evening_loads.csv", "reports.csv", "complaints.csv"]
    assert archive.namelist() == names
    for name, rows in zip(names, tables, strict=True):
        raw = archive.read(name)
        assert raw.startswith("\ufeff".encode())
        table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
        header = 1 if name == "reports.csv" else 0  # the sheet's note row is not in the CSV
        assert len(table) == len(rows) - header
        assert table[0] == [str(h) for h in rows[header]]
    ready = t(
        RU,
        "Export ready: {pieces} homework pieces, {evenings} class-days, {reports} "
        "class-day summaries of parents' reports, {complaints} complaints.",
        pieces=render(RU, format_number, len(expected["pieces"])),
        evenings=render(RU, format_number, len(expected["evenings"])),
        reports=render(RU, format_number, len(expected["reports"])),
        complaints=render(RU, format_number, 2),
    )
    assert [m.text for m in admin.messages if m.text == ready], "no 'export ready' message"


async def database_tables(
    db: SessionMaker, school_id: int, start: date, end: date
) -> dict[str, Any]:
    """What the export should hold, straight from the tables."""
    async with db() as s:
        klass = SchoolClass
        pieces = [
            (name, subject, minutes, evening, text)
            for name, subject, minutes, evening, text in await s.execute(
                select(
                    klass.name,
                    Subject.name,
                    Assignment.minutes,
                    Assignment.evening,
                    Assignment.text,
                )
                .join(klass, klass.id == Assignment.class_id)
                .join(Subject, Subject.id == Assignment.subject_id)
                .where(klass.school_id == school_id, Assignment.evening.between(start, end))
            )
        ]
        loads: dict[tuple[str, date], list[int]] = defaultdict(lambda: [0, 0])
        for name, day, minutes, kind, status in await s.execute(
            select(
                klass.name,
                AssignmentLoad.day,
                AssignmentLoad.minutes,
                Assignment.kind,
                Assignment.status,
            )
            .join(Assignment, Assignment.id == AssignmentLoad.assignment_id)
            .join(klass, klass.id == AssignmentLoad.class_id)
            .where(klass.school_id == school_id, AssignmentLoad.day.between(start, end))
        ):
            if status != HomeworkStatus.POSTED.value:
                continue
            loads[(name, day)][1] += 1
            if kind == HomeworkKind.WRITTEN.value:
                loads[(name, day)][0] += minutes
        reports: dict[tuple[str, date], list[int | None]] = defaultdict(list)
        for name, day, reported in await s.execute(
            select(klass.name, DailyReport.day, DailyReport.minutes)
            .join(Child, Child.id == DailyReport.child_id)
            .join(klass, klass.id == Child.class_id)
            .where(klass.school_id == school_id, DailyReport.day.between(start, end))
        ):
            reports[(name, day)].append(reported)
        children = list(
            await s.scalars(
                select(Child.name)
                .join(klass, klass.id == Child.class_id)
                .where(klass.school_id == school_id)
            )
        )
        roles = await s.scalar(select(func.count()).select_from(Membership))
        assert roles
        assert await s.get(User, DEMO) is not None
    return {
        "pieces": pieces,
        "evenings": {k: tuple(v) for k, v in loads.items()},
        "reports": {k: sorted(v, key=str) for k, v in reports.items()},
        "children": children,
    }
