"""Charts and summaries from the database, in the current locale: a class's week, a grade's
or school's heat map, a district's shares, the admin's summary and the supervisor's bulletin,
and a teacher's calibration lines. Used by /reports, /load and the weekly report job.

Drawing happens in a worker thread (one at a time: matplotlib's font cache is shared), so the
event loop keeps serving updates while a chart is drawn.
"""

from __future__ import annotations

import asyncio
import threading
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from babel.dates import format_interval, format_skeleton

from bot.domain.calendar import SchoolCalendar
from bot.domain.calibration import Calibration, calibrate, window
from bot.domain.figures import ClassDay, tally
from bot.domain.load import cap_for
from bot.domain.periods import Scope, days_of, week_of
from bot.i18n import _, babel_locale, format_list, format_minutes, format_percent, ngettext
from bot.render import charts
from handlers.kit.context import AsyncSession
from storage import report_queries
from storage.analytics import complaints as analytics_complaints
from storage.analytics import loads, scopes
from storage.homework import calendar_of, caps_of
from storage.models import District, School, SchoolClass

MAX_HEAT_ROWS = 40
"""Classes per heat-map image (a larger school gets several images)."""
MAX_DAY_COLUMNS = 14
"""Up to this many days a chart has a column per day; longer periods go by week."""
MAX_WEEK_BUCKETS = 12
"""Up to this many weeks the district chart goes by week, then by month."""
MAX_SCHOOL_BARS = 25
TOP_SUBJECTS = 3
TOP_OVER_CLASSES = 10

_DRAWING = threading.Lock()


async def draw(fn: Callable[..., bytes], *args: Any) -> bytes:
    """Run a chart function in a worker thread, one drawing at a time."""

    def locked() -> bytes:
        with _DRAWING:
            return fn(*args)

    return await asyncio.to_thread(locked)


# ---------------------------------------------------------------- labels


def period_label(start: date, end: date) -> str:
    if start == end:
        return str(format_skeleton("yMMMd", start, locale=babel_locale()))
    return str(format_interval(start, end, "yMMMd", locale=babel_locale()))


def day_label(day: date, *, compact: bool) -> str:
    """'Mon\\n11/16' (two short lines), or just '11/16' when many days share the axis."""
    md = format_skeleton("Md", day, locale=babel_locale())
    if compact:
        return str(md)
    return f"{format_skeleton('E', day, locale=babel_locale())}\n{md}"


def week_label(monday: date) -> str:
    return str(format_skeleton("Md", monday, locale=babel_locale()))


def month_label(day: date) -> str:
    return str(format_skeleton("yMMM", day, locale=babel_locale()))


@dataclass(frozen=True)
class Bucket:
    label: str
    days: tuple[date, ...]


def day_buckets(days: Sequence[date]) -> list[Bucket]:
    """A column per day for short periods; per week (labelled by its Monday) for longer."""
    if len(days) <= MAX_DAY_COLUMNS:
        compact = len(days) > 7
        return [Bucket(day_label(d, compact=compact), (d,)) for d in days]
    weeks: dict[date, list[date]] = defaultdict(list)
    for d in days:
        weeks[week_of(d)[0]].append(d)
    return [Bucket(week_label(m), tuple(ds)) for m, ds in sorted(weeks.items())]


def period_buckets(start: date, end: date) -> list[Bucket]:
    """Weeks of the period (months when there are more than `MAX_WEEK_BUCKETS`)."""
    days = days_of(start, end)
    weeks: dict[date, list[date]] = defaultdict(list)
    for d in days:
        weeks[week_of(d)[0]].append(d)
    if len(weeks) <= MAX_WEEK_BUCKETS:
        return [Bucket(week_label(m), tuple(ds)) for m, ds in sorted(weeks.items())]
    months: dict[date, list[date]] = defaultdict(list)
    for d in days:
        months[d.replace(day=1)].append(d)
    return [Bucket(month_label(m), tuple(ds)) for m, ds in sorted(months.items())]


@dataclass(frozen=True)
class Picture:
    """Chart images with a short caption (under Telegram's 1,024 characters)."""

    images: tuple[bytes, ...]
    caption: str


CAPTION_LIMIT = 1000


def caption_of(lines: Sequence[str]) -> str:
    text = "\n".join(lines)
    return text if len(text) <= CAPTION_LIMIT else text[: CAPTION_LIMIT - 1] + "…"


# ---------------------------------------------------------------- a class


async def class_picture(
    session: AsyncSession, class_id: int, start: date, end: date, extra: Sequence[str] = ()
) -> Picture | None:
    """The class's written minutes per evening (or per week) stacked by subject, the cap and
    the parents' median; None when the period holds no homework and no reports."""
    klass = await session.get(SchoolClass, class_id)
    if klass is None:
        return None
    school = await session.get(School, klass.school_id)
    assert school is not None
    scope = Scope.of_class(class_id)
    rows = await loads.evenings(session, scope, start, end)
    if not rows:
        return None
    subjects = await loads.subject_minutes(session, scope, start, end)
    cal = await calendar_of(session, school)
    caps = caps_of(school)
    by_day = {r.day: r for r in rows}
    per_day: dict[date, list[tuple[str, int]]] = defaultdict(list)
    for s in subjects:
        per_day[s.day].append((s.subject, s.minutes))
    shown = [d for d in days_of(start, end) if cal.is_school_day(d) or d in by_day]
    columns: list[charts.ClassDay] = []
    for bucket in day_buckets(shown):
        columns.append(_class_column(bucket, by_day, per_day, caps, klass.grade, cal))
    over = tally(rows).over
    title = _("{class_name}: written homework, {period}").format(
        class_name=klass.name, period=period_label(start, end)
    )
    labels = charts.ClassWeekLabels(
        title=title,
        minutes=_("Written homework, min"),
        cap=_("Limit"),
        median=_("Parents' median (n = reports)"),
        over=_("Over the limit"),
    )
    png = await draw(charts.class_week, columns, labels)
    lines = [title, over_line(over, len(rows)), *extra]
    return Picture((png,), caption_of(lines))


def over_line(over: int, evenings: int) -> str:
    if not over:
        return ngettext(
            "Within the limit on the {n} day with homework.",
            "Within the limit on all {n} days with homework.",
            evenings,
        ).format(n=evenings)
    return ngettext(
        "Over the limit on {over} of {n} day with homework.",
        "Over the limit on {over} of {n} days with homework.",
        evenings,
    ).format(over=over, n=evenings)


def _class_column(
    bucket: Bucket,
    by_day: dict[date, ClassDay],
    per_day: dict[date, list[tuple[str, int]]],
    caps: Any,
    grade: int,
    cal: SchoolCalendar,
) -> charts.ClassDay:
    """One bar: a day, or a week's average over its evenings with homework."""
    days = [d for d in bucket.days if d in by_day] or list(bucket.days[:1])
    totals: dict[str, int] = {}
    for d in days:
        for subject, minutes in per_day.get(d, []):
            totals[subject] = totals.get(subject, 0) + minutes
    n = len(days)
    subjects = tuple((s, round(m / n)) for s, m in totals.items())
    cap_days = [d for d in bucket.days if cal.is_school_day(d)] or list(bucket.days)
    cap_values = Counter(cap_for(caps, grade, d, cal).minutes for d in cap_days)
    cap = cap_values.most_common(1)[0][0]
    medians = [by_day[d].median for d in days if d in by_day and by_day[d].median is not None]
    timed = sum(by_day[d].timed for d in days if d in by_day and by_day[d].median is not None)
    median = sum(m for m in medians if m is not None) / len(medians) if medians else None
    note = _("n = {n}").format(n=timed) if median is not None else ""
    flagged = any(by_day[d].is_over for d in days if d in by_day)
    return charts.ClassDay(bucket.label, subjects, cap, median, note, flagged)


# ---------------------------------------------------------------- a grade or a school


async def heat_picture(
    session: AsyncSession, scope: Scope, start: date, end: date, extra: Sequence[str] = ()
) -> Picture | None:
    """One row per class of a grade or school, minutes against the cap per evening (or per
    week: the average over evenings with homework); None without data."""
    assert scope.school_id is not None
    school = await session.get(School, scope.school_id)
    assert school is not None
    rows = await loads.evenings(session, scope, start, end)
    if not rows:
        return None
    classes = await scopes.classes_of(session, scope)
    cal = await calendar_of(session, school)
    data_days = {r.day for r in rows}
    shown = [d for d in days_of(start, end) if cal.is_school_day(d) or d in data_days]
    buckets = day_buckets(shown)
    heat_rows = _heat_rows(classes, buckets, rows)
    title = _heat_title(school.name, scope, start, end)
    counted = tally(rows)
    note = over_summary(len(counted.over_classes), counted.over)
    scale = (
        _("Written minutes against the limit")
        if len(buckets) == len(shown)
        else _("Average written minutes per school day against the limit")
    )
    if any(row.outlined(c) for row in heat_rows for c in range(len(buckets))):
        scale += "\n" + _("Outlined in red: over the limit by the parents' reports")
    images = []
    for i in range(0, len(heat_rows), MAX_HEAT_ROWS):
        labels = charts.SchoolWeekLabels(title=title, scale=scale, note=note)
        columns = [b.label for b in buckets]
        images.append(
            await draw(charts.school_week, columns, heat_rows[i : i + MAX_HEAT_ROWS], labels)
        )
    return Picture(tuple(images), caption_of([title, note, *extra]))


def _heat_rows(
    classes: Sequence[SchoolClass], buckets: Sequence[Bucket], rows: Sequence[ClassDay]
) -> list[charts.HeatRow]:
    """Per class, per bucket: the average written minutes over its evenings with homework and
    the most common cap, or None without homework; and whether any of them is over the limit
    (`ClassDay.is_over`, the count in the title)."""
    by_key = {(r.class_id, r.day): r for r in rows}
    heat_rows: list[charts.HeatRow] = []
    for klass in classes:
        cells: list[tuple[int, int | None] | None] = []
        over: list[bool] = []
        for bucket in buckets:
            found = [by_key[(klass.id, d)] for d in bucket.days if (klass.id, d) in by_key]
            over.append(any(e.is_over for e in found))
            if not found:
                cells.append(None)
                continue
            written = round(sum(e.written for e in found) / len(found))
            cap = Counter(e.cap for e in found).most_common(1)[0][0]
            cells.append((written, cap))
        heat_rows.append(charts.HeatRow(klass.name, tuple(cells), tuple(over)))
    return heat_rows


def _heat_title(school: str, scope: Scope, start: date, end: date) -> str:
    if scope.grade is not None:
        return _("{school}, grade {grade}: written homework, {period}").format(
            school=school, grade=scope.grade, period=period_label(start, end)
        )
    return _("{school}: written homework by class, {period}").format(
        school=school, period=period_label(start, end)
    )


async def school_summary(
    session: AsyncSession, scope: Scope, start: date, end: date, now: datetime
) -> list[str]:
    """The admin's summary lines: classes over the cap and on how many evenings, the top
    subjects by share, complaints opened, answered and late."""
    rows = await loads.evenings(session, scope, start, end)
    lines = over_lines(rows)
    totals = await loads.subject_totals(session, scope, start, end)
    whole = sum(m for _, m in totals)
    if whole:
        top = format_list(
            [
                _("{subject} {percent}%").format(subject=name, percent=round(100 * m / whole))
                for name, m in totals[:TOP_SUBJECTS]
            ]
        )
        lines.append(
            _("Top subjects by share of written minutes: {subjects}.").format(subjects=top)
        )
    lines.append(
        complaints_line(
            await analytics_complaints.complaint_figures(session, scope, start, end, now)
        )
    )
    return lines


def over_lines(rows: Sequence[ClassDay]) -> list[str]:
    """How many classes went over the cap on how many evenings, and the worst of them."""
    by_class: dict[int, list[ClassDay]] = defaultdict(list)
    for r in rows:
        by_class[r.class_id].append(r)
    over = {
        cid: [e for e in evenings if e.is_over]
        for cid, evenings in by_class.items()
        if any(e.is_over for e in evenings)
    }
    if not rows:
        return [_("No homework and no reports in this period.")]
    if not over:
        return [
            ngettext(
                "The {n} class with homework stayed within the limit every day.",
                "All {n} classes with homework stayed within the limit every day.",
                len(by_class),
            ).format(n=len(by_class))
        ]
    evenings = sum(len(v) for v in over.values())
    lines = [
        _("{classes}, {days} in all:").format(
            classes=ngettext(
                "{over} of {n} class over the limit",
                "{over} of {n} classes over the limit",
                len(by_class),
            ).format(over=len(over), n=len(by_class)),
            days=class_days(evenings),
        )
    ]
    worst = sorted(over.values(), key=lambda v: (-len(v), v[0].grade, v[0].class_name))
    lines += [_over_class_line(evenings_over) for evenings_over in worst[:TOP_OVER_CLASSES]]
    if len(worst) > TOP_OVER_CLASSES:
        rest = len(worst) - TOP_OVER_CLASSES
        lines.append(
            ngettext("… and {n} more class", "… and {n} more classes", rest).format(n=rest)
        )
    return lines


def _over_class_line(evenings_over: Sequence[ClassDay]) -> str:
    first = evenings_over[0]
    peak = max(evenings_over, key=lambda e: max(e.written, e.median or 0))
    return ngettext(
        "• {class_name}: over on {n} day, at most {peak} (limit {cap})",
        "• {class_name}: over on {n} days, at most {peak} (limit {cap})",
        len(evenings_over),
    ).format(
        class_name=first.class_name,
        n=len(evenings_over),
        peak=format_minutes(round(max(peak.written, peak.median or 0))),
        cap=format_minutes(peak.cap or 0),
    )


def complaints_line(figures: dict[int, analytics_complaints.ComplaintFigures]) -> str:
    total = analytics_complaints.ComplaintFigures()
    for f in figures.values():
        total.opened += f.opened
        total.answered += f.answered
        total.in_time += f.in_time
        total.late += f.late
    if not total.opened:
        return _("Complaints: none filed.")
    return ngettext(
        "Complaints: {n} filed, {answered} answered, {late} late.",
        "Complaints: {n} filed, {answered} answered, {late} late.",
        total.opened,
    ).format(n=total.opened, answered=total.answered, late=total.late)


# ---------------------------------------------------------------- a district


async def district_picture(
    session: AsyncSession, district_id: int, start: date, end: date, now: datetime
) -> Picture | None:
    """Per school, the share of class-evenings within the cap and of complaints answered in
    time; above, the district's shares week by week. None without data."""
    district = await session.get(District, district_id)
    if district is None:
        return None
    scope = Scope.of_district(district_id)
    schools = await scopes.schools_of(session, scope)
    days = await loads.school_days(session, scope, start, end)
    outcomes = await analytics_complaints.complaint_outcomes(session, scope, start, end, now)
    if not days and not outcomes:
        return None
    buckets = period_buckets(start, end)
    weeks, shares = district_shares(buckets, schools, days, outcomes)
    shown = shares[:MAX_SCHOOL_BARS]
    title = _("{district}: homework limits and complaints, {period}").format(
        district=district.name, period=period_label(start, end)
    )
    if len(shares) > len(shown):
        lower = _("Schools: the {n} lowest of {total}").format(n=len(shown), total=len(shares))
    else:
        lower = _("Schools, lowest first")
    labels = charts.DistrictLabels(
        title=title,
        within=_("Class-days within the limit"),
        in_time=_("Complaints answered in time"),
        weeks=_("The district, week by week")
        if len(buckets) and len(buckets[0].days) <= 7
        else _("The district, month by month"),
        schools=lower,
    )
    png = await draw(charts.district, weeks, shown, labels)
    return Picture((png,), caption_of([title]))


def district_shares(
    buckets: Sequence[Bucket],
    schools: Sequence[scopes.SchoolInfo],
    days: Sequence[loads.SchoolDay],
    outcomes: Sequence[analytics_complaints.ComplaintOutcome],
) -> tuple[list[charts.Share], list[charts.Share]]:
    """The district's shares per bucket, and each school's over the period, lowest first."""
    bucket_of = {d: i for i, b in enumerate(buckets) for d in b.days}
    week_ev = [0] * len(buckets)
    week_over = [0] * len(buckets)
    school_ev: dict[int, int] = defaultdict(int)
    school_over: dict[int, int] = defaultdict(int)
    for d in days:
        i = bucket_of[d.day]
        week_ev[i] += d.evenings
        week_over[i] += d.over
        school_ev[d.school_id] += d.evenings
        school_over[d.school_id] += d.over
    week_c = [analytics_complaints.ComplaintFigures() for _ in buckets]
    school_c: dict[int, analytics_complaints.ComplaintFigures] = defaultdict(
        analytics_complaints.ComplaintFigures
    )
    for o in outcomes:
        for figures in (week_c[bucket_of[o.day]], school_c[o.school_id]):
            figures.add(o)
    weeks = [
        charts.Share(
            b.label,
            1 - week_over[i] / week_ev[i] if week_ev[i] else None,
            week_c[i].in_time_share,
        )
        for i, b in enumerate(buckets)
    ]
    shares = [
        charts.Share(
            s.name,
            1 - school_over[s.id] / school_ev[s.id] if school_ev[s.id] else None,
            school_c[s.id].in_time_share if s.id in school_c else None,
        )
        for s in schools
    ]
    shares.sort(key=lambda s: (s.within is None, s.within or 0, s.label))
    return weeks, shares


async def district_bulletin(
    session: AsyncSession, district_id: int, start: date, end: date, now: datetime
) -> list[str]:
    """The supervisor's bulletin: class-days within the limits (`ClassDay.is_over` counted in
    SQL), schools and classes within them all period, complaints answered in time, late ones
    by school."""
    district = await session.get(District, district_id)
    if district is None:
        return []
    scope = Scope.of_district(district_id)
    schools = {s.id: s for s in await scopes.schools_of(session, scope)}
    counts = await loads.class_counts(session, scope, start, end)
    days = await loads.school_days(session, scope, start, end)
    outcomes = await analytics_complaints.complaint_outcomes(session, scope, start, end, now)
    lines = [
        _("{district}, {period}").format(district=district.name, period=period_label(start, end))
    ]
    if days:
        class_days = sum(d.evenings for d in days)
        within = class_days - sum(d.over for d in days)
        lines.append(
            _("Class-days within the limits: {within} of {days} ({share}).").format(
                within=within, days=class_days, share=format_percent(within / class_days)
            )
        )
    if counts:
        classes = sum(c.classes for c in counts.values())
        classes_within = sum(c.classes - c.over for c in counts.values())
        schools_within = sum(1 for c in counts.values() if c.over == 0)
        lines.append(
            _(
                "Within the limits all period: {schools_within} of {schools} schools, "
                "{classes_within} of {classes} classes."
            ).format(
                schools_within=schools_within,
                schools=len(counts),
                classes_within=classes_within,
                classes=classes,
            )
        )
    else:
        lines.append(_("No homework and no reports in this period."))
    total = analytics_complaints.ComplaintFigures()
    late: Counter[int] = Counter()
    for o in outcomes:
        total.add(o)
        if o.late:
            late[o.school_id] += 1
    if total.opened:
        lines.append(
            _("Complaints answered in time: {in_time} of {due} due ({n} filed).").format(
                in_time=total.in_time, due=total.due, n=total.opened
            )
        )
    else:
        lines.append(_("Complaints: none filed."))
    if late:
        items = ", ".join(
            f"{schools[s].name if s in schools else s} {n}" for s, n in late.most_common(10)
        )
        lines.append(_("Late complaints by school: {items}.").format(items=items))
    return lines


# ---------------------------------------------------------------- calibration


async def calibrations(session: AsyncSession, scope: Scope, today: date) -> list[Calibration]:
    start, end = window(today)
    estimates, reports = await loads.calibration_inputs(session, scope, start, end)
    return calibrate(estimates, reports)


async def calibration_lines(
    session: AsyncSession, found: Sequence[Calibration], teacher_id: int
) -> list[str]:
    """'Parents report about 30% more time than your Maths estimates for 5B (12 evenings).'"""
    mine = [c for c in found if c.teacher_id == teacher_id]
    if not mine:
        return []
    names = await report_queries.class_names(session, {c.class_id for c in mine})
    return [calibration_line(c, names.get(c.class_id, "?")) for c in mine]


def calibration_line(c: Calibration, class_name: str) -> str:
    values = {
        "subject": c.subject,
        "class_name": class_name,
        "n": c.evenings,
        "percent": abs(c.percent),
        "example": format_minutes(30),
        "calibrated": format_minutes(c.calibrated(30)),
    }
    if c.in_line:
        return _(
            "Your {subject} estimates for {class_name} match what parents report ({n} days)."
        ).format(**values)
    if c.ratio > 1:
        return _(
            "Your {subject} estimates for {class_name} run about {percent}% under what parents "
            "report ({n} days): {example} as estimated takes about {calibrated}."
        ).format(**values)
    return _(
        "Your {subject} estimates for {class_name} run about {percent}% over what parents "
        "report ({n} days): {example} as estimated takes about {calibrated}."
    ).format(**values)


def no_data_text() -> str:
    return _("No homework and no reports in this period, so there is nothing to chart.")


def class_days(n: int) -> str:
    """'3 class-days', '3个班·日', '3 класс-дня': a count of one class on one day."""
    return ngettext("{n} class-day", "{n} class-days", n).format(n=n)


def over_summary(classes: int, days: int) -> str:
    """'2 classes over the limit, on 3 class-days', a chart's caption."""
    return _("{classes}, on {days}").format(
        classes=ngettext("{n} class over the limit", "{n} classes over the limit", classes).format(
            n=classes
        ),
        days=class_days(days),
    )
