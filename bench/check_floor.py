"""The daily check's honest floor: one bare SQL statement, written by hand, that computes the
same figures as `storage.checks.daily_check` for every class of a day (the written estimate,
the pieces, the cap under the school's and the district's limits, the reports, those with a
figure, the median from `MIN_REPORTS` on, the over-the-cap and unfinished counts), for the
benchmark to time side by side and to check row by row against the check.

It has none of the check's generality (any set of schools and days, non-school-day caps): it
is what a person would write for "every class, this day".
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from storage.checks import MIN_REPORTS, ClassCheck

_BAND = """CASE WHEN k.grade <= 2 THEN {low} WHEN k.grade <= 6 THEN {p}.cap_primary
  WHEN k.grade <= 9 THEN {p}.cap_junior ELSE {p}.cap_senior END"""
_SCHOOL = _BAND.format(low="s.cap_primary_low", p="s")
_DISTRICT = _BAND.format(low="0", p="d")

_CAPS = f"""caps AS (
  SELECT k.id AS class_id, k.school_id, k.name, k.grade, s.unfinished_share,
    CASE WHEN ({_SCHOOL}) IS NULL THEN ({_DISTRICT})
         WHEN ({_DISTRICT}) IS NULL THEN ({_SCHOOL})
         WHEN ({_SCHOOL}) < ({_DISTRICT}) THEN ({_SCHOOL}) ELSE ({_DISTRICT}) END AS cap
  FROM classes k JOIN schools s ON s.id = k.school_id JOIN districts d ON d.id = s.district_id
)"""

_EST = """est AS (
  SELECT al.class_id, SUM(CASE WHEN a.kind = 'written' THEN al.minutes ELSE 0 END) AS written,
    COUNT(*) AS pieces
  FROM assignment_loads al JOIN assignments a ON a.id = al.assignment_id
  WHERE al.day = :day AND a.status = 'posted'
  GROUP BY al.class_id
)"""

_FIGURES = """figures AS (
  SELECT ch.class_id, r.outcome,
    CASE WHEN r.outcome = 'unfinished' AND caps.cap IS NOT NULL
           AND (m.minutes IS NULL OR m.minutes < caps.cap) THEN caps.cap
         ELSE m.minutes END AS figure,
    CASE WHEN r.outcome = 'unfinished' THEN 1
         WHEN caps.cap IS NOT NULL AND m.minutes > caps.cap THEN 1 ELSE 0 END AS over
  FROM daily_reports r
  JOIN children ch ON ch.id = r.child_id
  JOIN caps ON caps.class_id = ch.class_id
  CROSS JOIN LATERAL (SELECT COALESCE(r.minutes, (r.minutes_low + r.minutes_high) / 2.0,
                                      r.minutes_low) AS minutes) m
  WHERE r.day = :day
)"""

_REP_POSTGRESQL = f"""rep AS (
  SELECT class_id, COUNT(*) AS reports, COUNT(figure) AS timed,
    CASE WHEN COUNT(figure) >= {MIN_REPORTS}
         THEN percentile_cont(0.5) WITHIN GROUP (ORDER BY figure) END AS median,
    SUM(over) AS over, SUM(CASE WHEN outcome = 'unfinished' THEN 1 ELSE 0 END) AS unfinished
  FROM figures GROUP BY class_id
)"""

# SQLite has neither LATERAL nor percentile_cont: the minutes inline, the middle row(s).
_FIGURES_SQLITE = (
    _FIGURES.replace(
        "CROSS JOIN LATERAL (SELECT COALESCE(r.minutes, (r.minutes_low + r.minutes_high) / 2.0,\n"
        "                                      r.minutes_low) AS minutes) m\n",
        "",
    )
    .replace(
        "m.minutes", "COALESCE(r.minutes, (r.minutes_low + r.minutes_high) / 2.0, r.minutes_low)"
    )
    .replace("figures AS (", "figures0 AS (")
)

_REP_SQLITE = f"""figures AS (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY class_id ORDER BY figure IS NULL, figure) AS rn,
    COUNT(figure) OVER (PARTITION BY class_id) AS n
  FROM figures0
),
rep AS (
  SELECT class_id, COUNT(*) AS reports, COUNT(figure) AS timed,
    AVG(CASE WHEN n >= {MIN_REPORTS} AND figure IS NOT NULL
              AND rn IN ((n + 1) / 2, (n + 2) / 2) THEN figure END) AS median,
    SUM(over) AS over, SUM(CASE WHEN outcome = 'unfinished' THEN 1 ELSE 0 END) AS unfinished
  FROM figures GROUP BY class_id
)"""

_SELECT = """
SELECT caps.school_id, caps.class_id, caps.name, caps.grade,
  COALESCE(est.written, 0), COALESCE(est.pieces, 0), caps.cap,
  COALESCE(rep.reports, 0), COALESCE(rep.timed, 0), rep.median,
  COALESCE(rep.over, 0), COALESCE(rep.unfinished, 0), caps.unfinished_share
FROM caps
LEFT JOIN est ON est.class_id = caps.class_id
LEFT JOIN rep ON rep.class_id = caps.class_id
WHERE est.class_id IS NOT NULL OR rep.class_id IS NOT NULL
ORDER BY caps.school_id, caps.grade, caps.name"""


def floor_sql(dialect: str) -> str:
    if dialect == "postgresql":
        return f"WITH {_CAPS},\n{_EST},\n{_FIGURES},\n{_REP_POSTGRESQL}{_SELECT}"
    return f"WITH {_CAPS},\n{_EST},\n{_FIGURES_SQLITE},\n{_REP_SQLITE}{_SELECT}"


async def floor_rows(session: AsyncSession, day: date) -> list[Any]:
    """The bare statement's rows (plain tuples: no objects built)."""
    dialect = session.get_bind().dialect.name
    return list((await session.execute(text(floor_sql(dialect)), {"day": day})).all())


def key_of_check(c: ClassCheck) -> tuple[Any, ...]:
    return (
        c.school_id,
        c.class_id,
        c.written,
        c.pieces,
        c.cap,
        c.reports,
        c.timed,
        None if c.median is None else round(c.median, 3),
        c.over,
        c.unfinished,
        c.unfinished_share,
    )


def key_of_row(row: Any) -> tuple[Any, ...]:
    school_id, class_id, _name, _grade, written, pieces, cap, reports, timed = row[:9]
    median, over, unfinished, share = row[9:]
    shown = reports >= MIN_REPORTS  # the check shows the counts from MIN_REPORTS on
    return (
        school_id,
        class_id,
        int(written),
        int(pieces),
        cap,
        int(reports),
        int(timed),
        None if median is None else round(float(median), 3),
        int(over) if shown else None,
        int(unfinished) if shown else None,
        int(share),
    )


def differences(checks: list[ClassCheck], rows: list[Any]) -> list[str]:
    """Row by row, where the check and the floor disagree (empty: the same figures)."""
    ours = [key_of_check(c) for c in checks]
    bare = [key_of_row(r) for r in rows]
    found = [f"check {a} != floor {b}" for a, b in zip(ours, bare, strict=False) if a != b]
    if len(ours) != len(bare):
        found.append(f"{len(ours)} check rows, {len(bare)} floor rows")
    return found
