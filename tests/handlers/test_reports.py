"""/reports, /export, the /load chart and the weekly report job through the real Application:
rights, bad ranges, no-data, an XLSX whose tables match the database, complainants'
anonymity, and the weekly report's recipients, once."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import UTC, date, datetime, timedelta

import openpyxl
import pytest
from sqlalchemy import func, select

from bot.domain.periods import ScopeKind
from bot.domain.reporting import ReportOutcome
from bot.domain.roles import Role
from bot.render import charts
from handlers.kit.callbacks import pack
from handlers.reports.commands import ReportScopeButton
from handlers.scheduler.tick import tick
from storage import dialogs
from storage import reports as report_store
from storage.models import Assignment, Complaint, DailyReport, Notification, Teaching
from tests import world
from tests.fakebot import SentMessage
from tests.handlers.scheduler_kit import local
from tests.harness import Harness

TZ = "Asia/Shanghai"
ADMIN, LEADER, TEACHER, SUPERVISOR, PARENT, OUTSIDER, OTHER_ADMIN = (
    701,
    702,
    801,
    601,
    501,
    901,
    703,
)
NAMED, SECRET = 4343, 4242
LAST_MON = date(2026, 11, 9)  # the harness clock is Thu 19 Nov 2026


async def build(bot: Harness) -> dict[str, int]:
    """School 1: 5A (teacher 801 Maths) with a week of homework and 4 reports an evening;
    5B quiet; complaints (one anonymous, one named). School 2 in another district."""
    for uid, name, lang in (
        (ADMIN, "Admin", "en"),
        (LEADER, "Leader", "zh-hans"),
        (TEACHER, "Teacher", "ru"),
        (SUPERVISOR, "Supervisor", "zh-hans"),
        (OUTSIDER, "Outsider", "en"),
        (OTHER_ADMIN, "Other", "en"),
    ):
        bot.user(uid, name, language_code=lang)
    async with bot.session() as session:
        school = await world.school(session, "No. 1 School", TZ)
        other = await world.school(session, "Far School", TZ)
        a = await world.klass(session, school, 5, "5A")
        await world.klass(session, school, 5, "5B")
        far = await world.klass(session, other, 5, "9Z")
        maths = await world.subject(session, school, "Maths")
        chinese = await world.subject(session, school, "Chinese")
        await world.user(session, ADMIN, "Admin")
        await world.user(session, LEADER, "Leader", "zh-hans")
        await world.user(session, TEACHER, "Teacher", "ru")
        await world.user(session, SUPERVISOR, "Supervisor", "zh-hans")
        await world.user(session, OUTSIDER, "Outsider")
        await world.user(session, OTHER_ADMIN, "Other")
        await world.role(session, ADMIN, Role.SCHOOL_ADMIN, school)
        await world.role(session, OTHER_ADMIN, Role.SCHOOL_ADMIN, other)
        await world.role(session, LEADER, Role.GRADE_LEADER, school, grade=5)
        await world.role(session, TEACHER, Role.TEACHER, school)
        await world.supervisor(session, SUPERVISOR, school)
        session.add(Teaching(user_id=TEACHER, class_id=a.id, subject_id=maths.id))
        kids = [await world.child(session, a, f"Kid {i}", [PARENT + i]) for i in range(4)]
        for i in range(5):
            day = LAST_MON + timedelta(days=i)
            await world.homework(session, a, maths, TEACHER, 40 if i == 1 else 30, day)
            await world.homework(session, a, chinese, 802, 30, day)
            for n, kid in enumerate(kids):
                await report_store.save_report(
                    session,
                    child_id=kid.id,
                    day=day,
                    minutes=70 + 5 * n,
                    outcome=ReportOutcome.DONE,
                    reporter_id=PARENT + n,
                    now=local(20, 40, day),
                )
        await world.homework(session, a, maths, TEACHER, 20, world.THU)  # this week
        await world.homework(
            session, far, await world.subject(session, other, "X"), 803, 99, LAST_MON
        )
        await world.user(session, SECRET, "SecretParent")
        await world.user(session, NAMED, "NamedParent")
        filed = datetime(2026, 11, 10, 2, 0, tzinfo=UTC)
        for code, anonymous, who, answered in (
            ("C-AAAA-1111", True, SECRET, filed + timedelta(hours=5)),
            ("C-BBBB-2222", False, NAMED, None),
        ):
            session.add(
                Complaint(
                    code=code,
                    school_id=school.id,
                    class_id=a.id,
                    complainant_id=who,
                    anonymous=anonymous,
                    category="total_load",
                    text=f"complaint {code}",
                    created_at=filed,
                    deadline_at=filed + timedelta(days=3),
                    responded_at=answered,
                    # escalated when its deadline passed (the deadline job is done with it)
                    escalated_at=None if answered else filed + timedelta(days=3),
                )
            )
        await session.commit()
        return {"school": school.id, "other": other.id, "a": a.id, "district": school.district_id}


def photo_bytes(bot: Harness, message: SentMessage) -> bytes:
    assert message.photo is not None
    return bot.api.files[message.photo].content


async def test_reports_school_last_week_chart_and_summary(bot: Harness) -> None:
    ids = await build(bot)
    admin = bot.user(ADMIN)
    reply = await bot.send(admin, "/reports")
    assert reply.text == "A report of what?"
    assert "District" not in " ".join(reply.button_texts)  # an admin, not a supervisor
    await bot.tap(admin, "No. 1 School")
    assert admin.last.text == "No. 1 School: which period?"
    before = len(admin.messages)
    await bot.tap(admin, "Last week")
    new = admin.messages[before:]
    photos = [m for m in new if m.photo]
    assert len(photos) == 1
    assert charts.png_size(photo_bytes(bot, photos[0]))[0] == charts.WIDTH_PX
    title = "No. 1 School: written homework by class, Nov 9\u2009–\u200915, 2026"
    assert title in (photos[0].text or "")
    summary = new[-1].text or ""
    assert "1 of 1 class over the limit, 5 class-days in all:" in summary
    assert "• 5A: over on 5 days, at most 78 min (limit 60 min)" in summary
    assert "Top subjects by share of written minutes: Maths 52% and Chinese 48%." in summary
    assert "Complaints: 2 filed, 1 answered, 1 late." in summary  # unanswered, past deadline
    assert ids["school"]


async def test_reports_bad_ranges_are_refused_with_the_limit(bot: Harness) -> None:
    await build(bot)
    admin = bot.user(ADMIN)
    await bot.send(admin, "/reports")
    await bot.tap(admin, "No. 1 School")
    await bot.tap(admin, "Other dates…")
    assert "2026-11-02 2026-11-13" in (admin.last.text or "")
    for text, expected in (
        ("2026-11-13 2026-11-02", "The first day must not be after the last day."),
        ("2025-01-01 2026-11-10", "That is longer than a school year: at most 366 days."),
        ("2026-11-10 2026-11-30", "the last day can be 2026-11-19 at the latest."),
        ("next week please", "I could not read two dates there."),
    ):
        reply = await bot.send(admin, text)
        assert expected in (reply.text or ""), text
        assert reply.photo is None
    # An empty range: a clear message, no empty chart.
    reply = await bot.send(admin, "2026-10-05 2026-10-09")
    assert reply.text == "No homework and no reports in this period, so there is nothing to chart."
    assert not any(m.photo for m in admin.messages)


async def test_reports_rights(bot: Harness) -> None:
    ids = await build(bot)
    outsider = bot.user(OUTSIDER)
    reply = await bot.send(outsider, "/reports")
    assert reply.text == "Only school administrators and district supervisors see reports."
    teacher = bot.user(TEACHER)
    assert "Отчёты доступны только" in (await bot.send(teacher, "/export")).text  # type: ignore[operator]
    # A forged button for another district's school is refused, and nothing is sent.
    admin = bot.user(ADMIN)
    reply = await bot.send(admin, "/reports")
    async with bot.session() as session:
        dialog = await dialogs.lock_dialog(session, ADMIN)
        assert dialog is not None
        token_value = dialog.token
    for forged in (
        ReportScopeButton(token_value, ScopeKind.SCHOOL, ids["other"]),
        ReportScopeButton(token_value, ScopeKind.DISTRICT, ids["district"]),
    ):
        admin.tap_raw(pack(forged))
        await bot.deliver()
        assert admin.answered_callbacks[-1].text == "You may not see reports for that."
    assert admin.last.message_id == reply.message_id


async def test_reports_district_for_supervisor_in_chinese(bot: Harness) -> None:
    await build(bot)
    supervisor = bot.user(SUPERVISOR)
    await bot.send(supervisor, "/reports")
    await bot.tap(supervisor, "区县：District of No. 1 School")
    before = len(supervisor.messages)
    await bot.tap(supervisor, "最近4周")
    new = supervisor.messages[before:]
    [photo] = [m for m in new if m.photo]
    assert "District of No. 1 School：作业上限与投诉" in (photo.text or "")
    assert "整段时间未超上限：学校1所中0所，班级1个中0个。" in (new[-1].text or "")


async def test_export_xlsx_and_csv_match_the_database(bot: Harness) -> None:
    ids = await build(bot)
    admin = bot.user(ADMIN)
    await bot.send(admin, "/export")
    await bot.tap(admin, "No. 1 School")
    before = len(admin.messages)
    await bot.tap(admin, "Last week")
    new = admin.messages[before:]
    docs = [m for m in new if m.document]
    assert [d.document_name for d in docs] == [
        "qingfu-2026-11-09-2026-11-15.xlsx",
        "qingfu-2026-11-09-2026-11-15-csv.zip",
    ]
    assert new[0].text is not None and new[0].text.startswith("Export ready: 10 homework pieces")
    assert docs[0].document_bytes is not None and docs[1].document_bytes is not None
    book = openpyxl.load_workbook(io.BytesIO(docs[0].document_bytes))
    assert book.sheetnames == ["Homework", "Daily loads", "Parents' reports", "Complaints"]
    for sheet in book.worksheets:  # the reports sheet has its privacy note above the header
        assert sheet.freeze_panes == ("A3" if sheet.title == "Parents' reports" else "A2")
    homework = list(book["Homework"].iter_rows(values_only=True))
    assert homework[0][:4] == ("School", "Class", "Subject", "Teacher")
    async with bot.session() as session:
        pieces = await session.scalar(
            select(func.count())
            .select_from(Assignment)
            .where(
                Assignment.evening.between(LAST_MON, LAST_MON + timedelta(days=6)),
                Assignment.class_id == ids["a"],
            )
        )
        reports = await session.scalar(select(func.count()).select_from(DailyReport))
    assert len(homework) - 1 == pieces == 10
    assert {r[1] for r in homework[1:]} == {"5A"}  # the far school's 9Z is not in it
    loads = list(book["Daily loads"].iter_rows(values_only=True))
    assert loads[0] == (
        "School",
        "Class",
        "Grade",
        "Day",
        "Written minutes",
        "Pieces",
        "Limit",
        "Reports",
        "Median reported",
        "Unfinished",
        "Over the limit",
    )
    assert [(r[1], r[3].date(), r[4], r[6], r[7], r[8], r[10]) for r in loads[1:]][:2] == [
        ("5A", LAST_MON, 60, 60, 4, 77.5, "yes"),
        ("5A", LAST_MON + timedelta(days=1), 70, 60, 4, 77.5, "yes"),
    ]
    # Issue 12: class-day aggregates only, never a single report (the note says so).
    rows = list(book["Parents' reports"].iter_rows(values_only=True))
    assert (rows[0][0] or "").startswith("Class-day figures only, never a single report")
    assert rows[1] == (
        "School",
        "Class",
        "Day",
        "Reports",
        "Median reported",
        "Over the limit",
        "Unfinished",
        "Parents' notes",
    )
    assert sum(r[3] for r in rows[2:]) == reports == 20
    assert all(r[3] >= 3 and r[4] is not None for r in rows[2:])
    complaints = list(book["Complaints"].iter_rows(values_only=True))
    by_code = {r[0]: r for r in complaints[1:]}
    assert by_code["C-AAAA-1111"][6] == "anonymous"
    assert by_code["C-BBBB-2222"][6] == "NamedParent"
    everything = repr([list(s.iter_rows(values_only=True)) for s in book.worksheets])
    assert "SecretParent" not in everything and str(SECRET) not in everything
    assert "Kid 0" not in everything  # children are never exported
    archive = zipfile.ZipFile(io.BytesIO(docs[1].document_bytes))
    assert archive.namelist() == [
        "homework.csv",
        "evening_loads.csv",
        "reports.csv",
        "complaints.csv",
    ]
    raw = archive.read("complaints.csv")
    assert raw.startswith("\ufeff".encode())  # UTF-8 with BOM
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(table) == 3 and "SecretParent" not in raw.decode("utf-8-sig")
    assert (
        len(list(csv.reader(io.StringIO(archive.read("homework.csv").decode("utf-8-sig"))))) == 11
    )


async def test_export_empty_range_says_so(bot: Harness) -> None:
    await build(bot)
    admin = bot.user(ADMIN)
    await bot.send(admin, "/export")
    await bot.tap(admin, "No. 1 School")
    await bot.tap(admin, "Other dates…")
    reply = await bot.send(admin, "2026-10-05 2026-10-09")
    assert reply.text == "There is no data for No. 1 School in this period: nothing to export."
    assert not any(m.document for m in admin.messages)


async def test_export_too_large_for_one_file_is_refused(
    bot: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    from handlers.reports import export

    await build(bot)
    monkeypatch.setattr(export, "MAX_SHEET_ROWS", 3)
    admin = bot.user(ADMIN)
    await bot.send(admin, "/export")
    await bot.tap(admin, "No. 1 School")
    reply = await bot.tap(admin, "Last week")
    assert "one file can hold at most 3" in (reply.text or "")
    assert "choose one school, a grade or a shorter period" in (reply.text or "")
    assert not any(m.document for m in admin.messages)


async def test_load_chart_button(bot: Harness) -> None:
    await build(bot)
    teacher = bot.user(TEACHER)
    reply = await bot.send(teacher, "/load")
    assert "Ваши оценки времени по предмету «Maths» для 5A примерно на 25% ниже" in (
        reply.text or ""
    )
    await bot.tap(teacher, "📊 График")
    assert teacher.last.photo is not None
    assert "5A: письменные задания" in (teacher.last.text or "")


async def test_weekly_report_right_recipients_once(bot: Harness) -> None:
    await build(bot)
    monday = date(2026, 11, 16)
    assert (await tick(bot.app, local(7, 59, monday))).runs == []
    report = await tick(bot.app, local(8, 0, monday))
    assert [r.job.value for r in report.runs] == ["weekly", "weekly"]  # both schools
    teacher = bot.user(TEACHER).messages
    assert [bool(m.photo) for m in teacher] == [True], [m.text for m in teacher]
    assert "Недельный отчёт." in (teacher[0].text or "")
    assert "примерно на 25% ниже, чем сообщают родители (дней: 5)" in (teacher[0].text or "")
    leader = bot.user(LEADER).messages
    assert [bool(m.photo) for m in leader] == [True]
    assert "每周报表。" in (leader[0].text or "")
    admin = bot.user(ADMIN).messages
    assert [bool(m.photo) for m in admin] == [True, False]
    assert "Weekly report for No. 1 School, Nov 9\u2009–\u200915, 2026." in (admin[1].text or "")
    assert "1 of 1 class over the limit" in (admin[1].text or "")
    supervisor = bot.user(SUPERVISOR).messages
    assert [bool(m.photo) for m in supervisor] == [True, False]
    assert "每周简报。" in (supervisor[1].text or "")
    other_admin = bot.user(OTHER_ADMIN).messages
    assert len(other_admin) == 2  # the far school's own report
    assert bot.user(OUTSIDER).messages == []
    # Once: a later tick, or the same tick again, sends nothing more.
    assert (await tick(bot.app, local(9, 0, monday))).sent == 0
    assert (await tick(bot.app, local(8, 0, monday))).sent == 0
    assert len(bot.user(ADMIN).messages) == 2
    async with bot.session() as session:
        kinds = await session.scalar(
            select(func.count()).select_from(Notification).where(Notification.kind == "weekly")
        )
    assert kinds == 1 + 1 + 2 + 2 + 2
    # Not on a Tuesday.
    assert (await tick(bot.app, local(8, 0, monday + timedelta(days=1)))).runs == []
