"""The daily check, a scheduler job: over all classes of all due schools in one statement,
warnings to the teachers who set homework over the limit (with their share), one message per
grade to its grade leaders, and one summary per school to its admins (an all-clear only when
the school asked for it). A class is over when the estimate or the parents' median is over
the cap, or when at least the school's share of its reports went to bed unfinished.

The parents' notes of the evening reach the class's teachers (who set written homework that
evening) and its grade leaders, without names, in the warning or, for a class within the
limit, in a message of their own (`handlers.scheduler.figures`); each reporting parent gets
the class's figure."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date

from bot.domain.calendar import SchoolCalendar
from bot.domain.figures import MIN_FAMILIES, ClassDay
from bot.domain.load import Cap
from bot.domain.reporting import release_notes, term_start
from bot.domain.roles import Role
from bot.domain.schedule import DueRun
from bot.i18n import _, format_day, format_list, format_minutes, ngettext, use_locale
from handlers.kit.context import AsyncSession, QingfuApp
from handlers.kit.gate import user_locale
from handlers.kit.labels import hint_line, rule_label, subject_minutes
from handlers.scheduler import outbox as delivery
from handlers.scheduler.figures import note_lines, parent_figures
from handlers.scheduler.jobkit import Clock, Progress, cap_of, claim_ttl, schools_by_id
from handlers.scheduler.outbox import Outgoing, message_key
from storage import checks as store
from storage import hints, repo, reports
from storage.checks import TeacherShare
from storage.hints import DayHint
from storage.models import School, User
from storage.staff import leaders_and_admins

MAX_TEXT = 3900
"""Leave room under Telegram's 4,096 characters for the closing line."""


# ---------------------------------------------------------------- rendering


def fit(lines: list[str], limit: int = MAX_TEXT) -> str:
    """Join lines, dropping the tail with a count when the message would be too long."""
    out: list[str] = []
    size = 0
    for i, line in enumerate(lines):
        if size + len(line) + 1 > limit:
            rest = len(lines) - i
            out.append(ngettext("… and {n} more line", "… and {n} more lines", rest).format(n=rest))
            break
        out.append(line)
        size += len(line) + 1
    return "\n".join(out)


def report_figures(check: ClassDay) -> str:
    """The parents' side of a check, aggregates only (none below the privacy threshold)."""
    if check.reports == 0:
        return _("No reports from parents yet.")
    if check.reports < MIN_FAMILIES:
        return ngettext(
            "{n} report from parents (figures are shown from {min} reports).",
            "{n} reports from parents (figures are shown from {min} reports).",
            check.reports,
        ).format(n=check.reports, min=MIN_FAMILIES)
    # Each figure is a sentence of its own, with the locale's punctuation, one per line.
    parts = []
    if check.median is not None:
        parts.append(
            ngettext(
                "Parents' median {median} from {n} report.",
                "Parents' median {median} from {n} reports.",
                check.timed,
            ).format(median=format_minutes(round(check.median)), n=check.timed)
        )
    if check.cap is not None:
        parts.append(
            _("{over} of {n} reports over the limit.").format(over=check.over or 0, n=check.timed)
        )
    parts.append(
        ngettext(
            "{unfinished} of {n} report: went to bed unfinished.",
            "{unfinished} of {n} reports: went to bed unfinished.",
            check.reports,
        ).format(unfinished=check.unfinished or 0, n=check.reports)
    )
    text = "\n".join(parts)
    if check.unfinished_over:
        text += "\n" + _(
            "Warning: at least {share}% of the reporting children went to bed unfinished "
            "(policy: a child who cannot finish goes to bed on time; the load was too much)."
        ).format(share=check.unfinished_share)
    return text


def class_figures(check: ClassDay, cap: Cap, notes: list[str] | None = None) -> str:
    """'5B: estimated written total 75 min (the rule, which names the limit).' plus the
    parents' figures."""
    estimate = _("{class_name}: estimated written total {total} ({rule}).").format(
        class_name=check.class_name, total=format_minutes(check.written), rule=rule_label(cap)
    )
    return "\n".join([estimate, report_figures(check), *note_lines(notes or [])])


# ---------------------------------------------------------------- the job


@dataclass(frozen=True)
class DailyCheck:
    """Everything the check's messages are made of, read in one session."""

    checks: list[ClassDay]
    over: list[ClassDay]
    shares: list[TeacherShare]
    members: list[tuple[int, str, int, int | None]]  # grade leaders and admins
    users: dict[int, User]
    schools: dict[int, School]
    caps: dict[int, Cap]  # by class
    days: dict[int, date]  # the checked day, by school
    notes: dict[int, list[str]]  # by class: the notes shown with this evening (no names)
    reporters: dict[tuple[int, date], set[int]]  # who gave the reports, by class and day
    hints: list[DayHint] = field(default_factory=list)  # of the day's pieces, by class

    def hints_of(self, school_id: int, grade: int | None = None) -> list[DayHint]:
        return [
            h
            for h in self.hints
            if h.school_id == school_id and (grade is None or h.grade == grade)
        ]

    def noted(self) -> list[ClassDay]:
        """Classes within the limit whose evening has notes to show."""
        return [c for c in self.checks if not c.is_over and self.notes.get(c.class_id)]


async def run_checks(
    app: QingfuApp,
    runs: Sequence[DueRun],
    calendars: dict[int, SchoolCalendar],
    clock: Clock,
    heartbeat: Progress,
) -> delivery.Report:
    """Daily check over all classes of all due schools in one statement; warnings to the
    teachers who set homework (with their share), grade leaders and one summary per school
    to its admins."""
    data = app.bot_data
    async with data.sessionmaker() as session:
        check = await load_check(session, runs, calendars)
    messages = [
        *teacher_warnings(check),
        *grade_warnings(check),
        *school_summaries(check),
        *parent_figures(check.checks, check.reporters, check.users, check.caps),
    ]
    return await delivery.deliver(
        app.bot,
        data.sessionmaker,
        messages,
        clock,
        on_progress=heartbeat,
        claim_ttl=claim_ttl(data.settings),
    )


async def load_check(
    session: AsyncSession, runs: Sequence[DueRun], calendars: dict[int, SchoolCalendar]
) -> DailyCheck:
    """The check's figures, the teachers' shares of the classes over the limit, and who is told."""
    school_ids = {r.school_id for r in runs}
    targets = [(r.school_id, r.local_date) for r in runs]
    non_school = [
        (school_id, day)
        for school_id, day in targets
        if not calendars.get(school_id, SchoolCalendar()).is_school_day(day)
    ]
    checks = await store.daily_check(session, targets, non_school)
    notes = await shown_notes(session, checks)
    over = [c for c in checks if c.is_over]
    told = [c for c in checks if c.is_over or notes.get(c.class_id)]
    shares = await store.teacher_shares(session, [(c.class_id, c.day) for c in told])
    members = await leaders_and_admins(session, school_ids)
    reporters = await reports.reporters(session, [(c.class_id, c.day) for c in checks])
    recipients = {m[0] for m in members} | {s.teacher_id for s in shares}
    recipients |= {p for parents in reporters.values() for p in parents}
    users = await repo.users_by_ids(session, recipients)
    schools = await schools_by_id(session, school_ids)
    caps = {
        c.class_id: cap_of(schools[c.school_id], c.grade, c.day, calendars.get(c.school_id))
        for c in checks
    }
    days = {r.school_id: r.local_date for r in runs}
    found = await hints.day_hints(session, targets)
    return DailyCheck(
        checks, over, shares, members, users, schools, caps, days, notes, dict(reporters), found
    )


async def shown_notes(session: AsyncSession, checks: list[ClassDay]) -> dict[int, list[str]]:
    """Per class, the notes shown with its checked evening: that evening's, when enough
    families reported, and notes held since the term began (`release_notes`)."""
    if not checks:
        return {}
    last = max(c.day for c in checks)
    families, notes = await reports.class_notes(
        session, [c.class_id for c in checks], term_start(min(c.day for c in checks)), last
    )
    result = {}
    for c in checks:
        released = release_notes(families.get(c.class_id, {}), notes.get(c.class_id, {}))
        if released.get(c.day):
            result[c.class_id] = released[c.day]
    return result


def teacher_warnings(check: DailyCheck) -> Iterator[Outgoing]:
    """Per teacher and class over the limit: the class's figures, the notes and the teacher's
    own share; per teacher and class within the limit with notes: the notes."""
    by_class: dict[int, ClassDay] = {c.class_id: c for c in check.checks}
    share_of: dict[tuple[int, int], list[TeacherShare]] = defaultdict(list)
    for share in check.shares:
        share_of[(share.teacher_id, share.class_id)].append(share)
    for (teacher_id, class_id), own in share_of.items():
        teacher = check.users.get(teacher_id)
        found = by_class[class_id]
        if teacher is None:
            continue
        notes = check.notes.get(class_id, [])
        with use_locale(user_locale(teacher)):
            if not found.is_over:
                text = notes_text(found, notes)
                kind = "check_notes"
            else:
                text = "\n".join(
                    [
                        _("Homework load over the limit: {class_name}, {day}.").format(
                            class_name=found.class_name, day=format_day(found.day)
                        ),
                        class_figures(found, check.caps[class_id], notes),
                        _("Your share: {items}.").format(
                            items=format_list([subject_minutes(s.subject, s.minutes) for s in own])
                        ),
                    ]
                )
                kind = "check_teacher"
        key = message_key(kind, teacher_id, class_id, found.day)
        yield Outgoing(key, teacher_id, "check", fit(text.split("\n")))


def notes_text(found: ClassDay, notes: list[str]) -> str:
    """The notes of a class within the limit."""
    head = _("{class_name}, {day}: within the limit.").format(
        class_name=found.class_name, day=format_day(found.day)
    )
    return "\n".join([head, *note_lines(notes)])


def grade_warnings(check: DailyCheck) -> Iterator[Outgoing]:
    """One message per grade leader with every over-limit class of their grade (with its
    notes), and the notes of the grade's classes within the limit."""
    over_by_grade: dict[tuple[int, int], list[ClassDay]] = defaultdict(list)
    noted_by_grade: dict[tuple[int, int], list[ClassDay]] = defaultdict(list)
    for found in check.over:
        over_by_grade[(found.school_id, found.grade)].append(found)
    for found in check.noted():
        noted_by_grade[(found.school_id, found.grade)].append(found)
    for user_id, role, school_id, grade in check.members:
        if role != Role.GRADE_LEADER.value or school_id is None or grade is None:
            continue
        leader = check.users.get(user_id)
        group = over_by_grade.get((school_id, grade), [])
        noted = noted_by_grade.get((school_id, grade), [])
        flagged = check.hints_of(school_id, grade)
        if leader is None or not (group or noted or flagged):
            continue
        with use_locale(user_locale(leader)):
            day = check.days[school_id]
            lines = [
                ngettext(
                    "Daily check, grade {grade}, {day}: {n} class over the limit.",
                    "Daily check, grade {grade}, {day}: {n} classes over the limit.",
                    len(group),
                ).format(grade=grade, day=format_day(day), n=len(group))
            ]
            lines += [
                class_figures(c, check.caps[c.class_id], check.notes.get(c.class_id)) for c in group
            ]
            lines += [notes_text(c, check.notes[c.class_id]) for c in noted]
            lines += day_hint_lines(flagged)
            text = fit("\n".join(lines).split("\n"))
        key = message_key("check_grade", user_id, f"{school_id}.{grade}", day)
        yield Outgoing(key, user_id, "check", text)


def school_summaries(check: DailyCheck) -> Iterator[Outgoing]:
    """One summary per school to each admin (an all-clear only when the school asked for it)."""
    by_school: dict[int, list[ClassDay]] = defaultdict(list)
    for found in check.checks:
        by_school[found.school_id].append(found)
    for user_id, role, school_id, _grade in check.members:
        if role != Role.SCHOOL_ADMIN.value or school_id is None:
            continue
        school = check.schools.get(school_id)
        admin = check.users.get(user_id)
        if school is None or admin is None:
            continue
        all_checks = by_school.get(school_id, [])
        flagged = check.hints_of(school_id)
        if not (school.daily_all_clear or flagged or any(c.is_over for c in all_checks)):
            continue
        with use_locale(user_locale(admin)):
            text = school_summary(school, check.days[school_id], all_checks, check.caps)
            text = fit([text, *day_hint_lines(flagged)])
        key = message_key("check_school", user_id, school_id, check.days[school_id])
        yield Outgoing(key, user_id, "check", text)


def school_summary(
    school: School, day: date, all_checks: list[ClassDay], caps: dict[int, Cap]
) -> str:
    """'Daily check for <school>, <day>: ...' with every class over the limit, or all clear."""
    school_over = [c for c in all_checks if c.is_over]
    when = format_day(day)
    if not school_over:
        return ngettext(
            "Daily check for {school}, {day}: all clear, the {n} class with homework "
            "is within the limits.",
            "Daily check for {school}, {day}: all clear, all {n} classes with homework "
            "are within the limits.",
            len(all_checks),
        ).format(school=school.name, day=when, n=len(all_checks))
    lines = [
        ngettext(
            "Daily check for {school}, {day}: {over} of {n} class with homework over the limit.",
            "Daily check for {school}, {day}: {over} of {n} classes with homework over the limit.",
            len(all_checks),
        ).format(school=school.name, day=when, over=len(school_over), n=len(all_checks))
    ]
    lines += [class_figures(c, caps[c.class_id]) for c in school_over]
    return fit(lines)


def day_hint_lines(found: list[DayHint]) -> list[str]:
    """'Hints on the day's homework:' and one line per hint: class, subject, teacher, hint."""
    if not found:
        return []
    lines = [_("Hints on the day's homework (negative list, kind):")]
    for h in found:
        lines.append(
            _("{klass}, {subject} ({teacher}): {hint}").format(
                klass=h.class_name,
                subject=h.subject,
                teacher=h.teacher,
                hint=hint_line(h.hint, h.kind),
            )
        )
    return lines
