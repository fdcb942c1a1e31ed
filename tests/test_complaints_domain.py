"""Complaint codes, the status machine, deadlines in school days, and the class-privacy rule."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime
from itertools import pairwise, product

import pytest

from bot.domain.calendar import SchoolCalendar
from bot.domain.complaints import (
    DISTRICT_CATEGORIES,
    FINAL,
    LEGACY_ALPHABET,
    OPEN,
    ComplaintAction,
    ComplaintActor,
    ComplaintLevel,
    ComplaintStatus,
    Move,
    Timeliness,
    allowed_actions,
    class_visible,
    deadline_for,
    filing_level,
    is_code,
    new_code,
    normalize_code,
    reminder_for,
    response_timeliness,
    school_may_see,
    transition,
)
from bot.domain.policy import ComplaintCategory

S, L, A, R = ComplaintStatus, ComplaintLevel, ComplaintAction, ComplaintActor

# ---------------------------------------------------------------- codes


def test_code_is_digits_in_two_groups() -> None:
    for _ in range(200):
        code = new_code()
        assert is_code(code), code
        assert len(code) == 9 and code[4] == "-"
        assert (code[:4] + code[5:]).isdigit()
    assert not set("01IOL") & set(LEGACY_ALPHABET)


def test_codes_are_not_in_sequence() -> None:
    codes = [new_code() for _ in range(2000)]
    assert len(set(codes)) >= len(codes) - 1  # 10^8 codes: a repeat is retried by storage
    assert sorted(codes) != codes  # not increasing
    # no shared first group beyond chance between consecutive codes
    shared = sum(a[:4] == b[:4] for a, b in pairwise(codes))
    assert shared <= 2


def test_code_uses_the_given_randomness() -> None:
    rng = random.Random(7)
    a = new_code(rng.choice)
    rng = random.Random(7)
    assert new_code(rng.choice) == a


@pytest.mark.parametrize("text", ["4821-0937", "0000-0001", "C-7K3Q-9XMD", "C-2222-ZZZZ"])
def test_is_code_accepts(text: str) -> None:
    assert is_code(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "48210937",
        "4821-093",
        "4821-09370",
        "C-7K3Q9XMD",
        "C-7K3Q-9XM0",
        "c-7k3q-9xmd",
        "C-7K3Q-9XMDA",
    ],
)
def test_is_code_rejects(text: str) -> None:
    assert not is_code(text)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("4821-0937", "4821-0937"),
        ("48210937", "4821-0937"),
        (" 4821 0937 ", "4821-0937"),
        ("4821–0937", "4821-0937"),
        ("c-7k3q-9xmd", "C-7K3Q-9XMD"),
        ("C7K3Q9XMD", "C-7K3Q-9XMD"),
        ("482109371", None),
        ("４８２１０９３７", None),  # full-width digits: not in the stored form
        ("C-7K3Q-9XM0", None),
        ("hello", None),
    ],
)
def test_normalize_code(typed: str, stored: str | None) -> None:
    assert normalize_code(typed) == stored


# ---------------------------------------------------------------- the status machine

ALLOWED: list[
    tuple[ComplaintStatus, ComplaintLevel, ComplaintAction, ComplaintActor, int, Move]
] = [
    # school handlers at school level
    (S.NEW, L.SCHOOL, A.TAKE, R.SCHOOL, 0, Move(S.IN_PROGRESS, L.SCHOOL)),
    (S.RETURNED, L.SCHOOL, A.TAKE, R.SCHOOL, 0, Move(S.IN_PROGRESS, L.SCHOOL)),
    (S.REOPENED, L.SCHOOL, A.TAKE, R.SCHOOL, 0, Move(S.IN_PROGRESS, L.SCHOOL)),
    (S.NEW, L.SCHOOL, A.REPLY, R.SCHOOL, 0, Move(S.IN_PROGRESS, L.SCHOOL)),
    (S.INFO_REQUESTED, L.SCHOOL, A.REPLY, R.SCHOOL, 0, Move(S.IN_PROGRESS, L.SCHOOL)),
    (S.IN_PROGRESS, L.SCHOOL, A.ASK, R.SCHOOL, 0, Move(S.INFO_REQUESTED, L.SCHOOL)),
    (S.IN_PROGRESS, L.SCHOOL, A.RESOLVE, R.SCHOOL, 0, Move(S.RESOLVED, L.SCHOOL)),
    (S.NEW, L.SCHOOL, A.ESCALATE, R.SCHOOL, 0, Move(S.ESCALATED, L.DISTRICT)),
    (S.NEW, L.SCHOOL, A.ABUSIVE, R.SCHOOL, 0, Move(S.ABUSIVE, L.SCHOOL)),
    # supervisors at district level
    (S.ESCALATED, L.DISTRICT, A.TAKE, R.SUPERVISOR, 0, Move(S.IN_PROGRESS, L.DISTRICT)),
    (S.ESCALATED, L.DISTRICT, A.REPLY, R.SUPERVISOR, 0, Move(S.IN_PROGRESS, L.DISTRICT)),
    (S.IN_PROGRESS, L.DISTRICT, A.RESOLVE, R.SUPERVISOR, 0, Move(S.RESOLVED, L.DISTRICT)),
    (S.ESCALATED, L.DISTRICT, A.RETURN, R.SUPERVISOR, 0, Move(S.RETURNED, L.SCHOOL)),
    (S.ESCALATED, L.DISTRICT, A.ABUSIVE, R.SUPERVISOR, 0, Move(S.ABUSIVE, L.DISTRICT)),
    # the complainant
    (S.NEW, L.SCHOOL, A.ADD_INFO, R.COMPLAINANT, 0, Move(S.NEW, L.SCHOOL)),
    (S.INFO_REQUESTED, L.SCHOOL, A.ADD_INFO, R.COMPLAINANT, 0, Move(S.IN_PROGRESS, L.SCHOOL)),
    (S.ESCALATED, L.DISTRICT, A.ADD_INFO, R.COMPLAINANT, 0, Move(S.ESCALATED, L.DISTRICT)),
    (S.IN_PROGRESS, L.SCHOOL, A.WITHDRAW, R.COMPLAINANT, 0, Move(S.WITHDRAWN, L.SCHOOL)),
    (S.RESOLVED, L.SCHOOL, A.RATE_RESOLVED, R.COMPLAINANT, 0, Move(S.CLOSED, L.SCHOOL)),
    (S.RESOLVED, L.SCHOOL, A.RATE_UNRESOLVED, R.COMPLAINANT, 0, Move(S.REOPENED, L.SCHOOL)),
    (S.RESOLVED, L.SCHOOL, A.RATE_UNRESOLVED, R.COMPLAINANT, 1, Move(S.ESCALATED, L.DISTRICT)),
    (S.RESOLVED, L.DISTRICT, A.RATE_UNRESOLVED, R.COMPLAINANT, 1, Move(S.REOPENED, L.DISTRICT)),
    # a district subject starts at district level, new
    (S.NEW, L.DISTRICT, A.TAKE, R.SUPERVISOR, 0, Move(S.IN_PROGRESS, L.DISTRICT)),
    # the complainant contests the school's abusive close: to the district
    (S.ABUSIVE, L.SCHOOL, A.CONTEST, R.COMPLAINANT, 0, Move(S.ESCALATED, L.DISTRICT)),
    # the deadline job
    (S.NEW, L.SCHOOL, A.ESCALATE, R.SYSTEM, 0, Move(S.ESCALATED, L.DISTRICT)),
    (S.IN_PROGRESS, L.SCHOOL, A.ESCALATE, R.SYSTEM, 0, Move(S.ESCALATED, L.DISTRICT)),
]


@pytest.mark.parametrize(("status", "level", "action", "actor", "bad", "move"), ALLOWED)
def test_allowed_transitions(
    status: ComplaintStatus,
    level: ComplaintLevel,
    action: ComplaintAction,
    actor: ComplaintActor,
    bad: int,
    move: Move,
) -> None:
    assert transition(status, level, action, actor, bad) == move


REFUSED: list[tuple[ComplaintStatus, ComplaintLevel, ComplaintAction, ComplaintActor]] = [
    # the school cannot act once the district has it, nor on closed complaints
    (S.ESCALATED, L.DISTRICT, A.REPLY, R.SCHOOL),
    (S.IN_PROGRESS, L.DISTRICT, A.RESOLVE, R.SCHOOL),
    (S.RESOLVED, L.SCHOOL, A.REPLY, R.SCHOOL),
    (S.CLOSED, L.SCHOOL, A.REPLY, R.SCHOOL),
    (S.ABUSIVE, L.SCHOOL, A.RESOLVE, R.SCHOOL),
    (S.WITHDRAWN, L.SCHOOL, A.TAKE, R.SCHOOL),
    (S.IN_PROGRESS, L.SCHOOL, A.TAKE, R.SCHOOL),  # already taken
    (S.NEW, L.SCHOOL, A.RETURN, R.SCHOOL),  # only the district sends back
    # supervisors act only at district level and cannot escalate further
    (S.NEW, L.SCHOOL, A.REPLY, R.SUPERVISOR),
    (S.ESCALATED, L.DISTRICT, A.ESCALATE, R.SUPERVISOR),
    # the complainant cannot do staff things, nor rate an unresolved complaint
    (S.NEW, L.SCHOOL, A.RESOLVE, R.COMPLAINANT),
    (S.NEW, L.SCHOOL, A.ESCALATE, R.COMPLAINANT),
    (S.NEW, L.SCHOOL, A.REPLY, R.COMPLAINANT),
    (S.IN_PROGRESS, L.SCHOOL, A.RATE_RESOLVED, R.COMPLAINANT),
    (S.CLOSED, L.SCHOOL, A.ADD_INFO, R.COMPLAINANT),
    (S.WITHDRAWN, L.SCHOOL, A.WITHDRAW, R.COMPLAINANT),
    (S.RESOLVED, L.SCHOOL, A.WITHDRAW, R.COMPLAINANT),
    # the system escalates only open school-level complaints, once
    (S.ESCALATED, L.DISTRICT, A.ESCALATE, R.SYSTEM),
    (S.RESOLVED, L.SCHOOL, A.ESCALATE, R.SYSTEM),
    (S.CLOSED, L.SCHOOL, A.ESCALATE, R.SYSTEM),
    (S.NEW, L.SCHOOL, A.TAKE, R.SYSTEM),
    # the district's abusive close is final; only a closed complaint can be contested
    (S.ABUSIVE, L.DISTRICT, A.CONTEST, R.COMPLAINANT),
    (S.CLOSED, L.SCHOOL, A.CONTEST, R.COMPLAINANT),
    (S.NEW, L.SCHOOL, A.CONTEST, R.COMPLAINANT),
    (S.ABUSIVE, L.SCHOOL, A.CONTEST, R.SCHOOL),
]


@pytest.mark.parametrize(("status", "level", "action", "actor"), REFUSED)
def test_refused_transitions(
    status: ComplaintStatus, level: ComplaintLevel, action: ComplaintAction, actor: ComplaintActor
) -> None:
    assert transition(status, level, action, actor) is None


@pytest.mark.parametrize(
    ("status", "action", "actor"), list(product(FINAL, ComplaintAction, ComplaintActor))
)
def test_final_statuses_accept_nothing(
    status: ComplaintStatus, action: ComplaintAction, actor: ComplaintActor
) -> None:
    """... but the complainant's contest of the school's abusive close."""
    for level in ComplaintLevel:
        contest = (status, level, action, actor) == (S.ABUSIVE, L.SCHOOL, A.CONTEST, R.COMPLAINANT)
        assert (transition(status, level, action, actor) is None) != contest


def test_every_open_status_can_be_handled_at_its_level() -> None:
    for status in OPEN:
        assert A.REPLY in allowed_actions(status, L.SCHOOL, R.SCHOOL)
        assert A.REPLY in allowed_actions(status, L.DISTRICT, R.SUPERVISOR)
        assert allowed_actions(status, L.DISTRICT, R.SCHOOL) == []
        assert set(allowed_actions(status, L.SCHOOL, R.COMPLAINANT)) == {A.ADD_INFO, A.WITHDRAW}


def test_resolved_offers_only_rating() -> None:
    assert allowed_actions(S.RESOLVED, L.SCHOOL, R.COMPLAINANT) == [
        A.RATE_RESOLVED,
        A.RATE_UNRESOLVED,
    ]
    assert allowed_actions(S.RESOLVED, L.SCHOOL, R.SCHOOL) == []


def test_only_the_district_closes_a_returned_complaint() -> None:
    for status in (S.RETURNED, S.IN_PROGRESS, S.INFO_REQUESTED, S.REOPENED):
        # The school's resolution goes to the district for confirmation.
        assert transition(status, L.SCHOOL, A.RESOLVE, R.SCHOOL, returned=True) == Move(
            S.ESCALATED, L.DISTRICT
        )
        assert transition(status, L.SCHOOL, A.ABUSIVE, R.SCHOOL, returned=True) is None
        assert A.ABUSIVE not in allowed_actions(status, L.SCHOOL, R.SCHOOL, returned=True)
        assert A.REPLY in allowed_actions(status, L.SCHOOL, R.SCHOOL, returned=True)
    assert transition(S.ESCALATED, L.DISTRICT, A.RESOLVE, R.SUPERVISOR, returned=True) == Move(
        S.RESOLVED, L.DISTRICT
    )
    assert transition(S.ESCALATED, L.DISTRICT, A.ABUSIVE, R.SUPERVISOR, returned=True) == Move(
        S.ABUSIVE, L.DISTRICT
    )


def test_tutoring_is_the_districts_subject() -> None:
    assert {
        ComplaintCategory.OFF_CAMPUS_TUTORING,
        ComplaintCategory.PAID_TUTORING,
    } == DISTRICT_CATEGORIES
    assert filing_level(ComplaintCategory.PAID_TUTORING) == L.DISTRICT
    assert filing_level(ComplaintCategory.OFF_CAMPUS_TUTORING) == L.DISTRICT
    assert filing_level(ComplaintCategory.TOTAL_LOAD) == L.SCHOOL
    assert not school_may_see(ComplaintCategory.PAID_TUTORING, returned=False)
    assert school_may_see(ComplaintCategory.PAID_TUTORING, returned=True)
    assert school_may_see(ComplaintCategory.OTHER, returned=False)


# ---------------------------------------------------------------- answered on time

DUE = datetime(2026, 11, 24, 15, 59, tzinfo=UTC)


@pytest.mark.parametrize(
    ("responded", "now", "expected"),
    [
        (DUE, DUE, Timeliness.ON_TIME),  # at the deadline is on time
        (datetime(2026, 11, 20, tzinfo=UTC), DUE, Timeliness.ON_TIME),
        (datetime(2026, 11, 24, 16, 0, tzinfo=UTC), DUE, Timeliness.LATE),
        (None, datetime(2026, 11, 24, 15, 0, tzinfo=UTC), Timeliness.PENDING),
        (None, DUE, Timeliness.PENDING),
        (None, datetime(2026, 11, 24, 16, 0, tzinfo=UTC), Timeliness.LATE),
    ],
)
def test_response_timeliness(
    responded: datetime | None, now: datetime, expected: Timeliness
) -> None:
    assert response_timeliness(responded, DUE, now) == expected


# ---------------------------------------------------------------- deadlines

SHANGHAI = "Asia/Shanghai"
# Mon 23 Nov 2026 is a holiday; Sat 28 Nov is a make-up school day.
CAL = SchoolCalendar(
    holidays=frozenset({date(2026, 11, 23)}), makeup_days=frozenset({date(2026, 11, 28)})
)


def utc(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def test_deadline_skips_weekend_and_holiday() -> None:
    # Thu 19 Nov 16:00 Shanghai: Fri 20, (weekend), (Mon 23 holiday), Tue 24, Wed 25.
    filed = utc(2026, 11, 19, 8, 0)
    deadline = deadline_for(filed, SHANGHAI, CAL, 3)
    assert deadline == utc(2026, 11, 25, 15, 59)  # 23:59 on Wed 25 in Shanghai
    assert reminder_for(deadline, SHANGHAI, filed) == utc(2026, 11, 25, 0, 0)  # 08:00 local


def test_deadline_uses_the_school_local_date() -> None:
    # 17:00 UTC on Thu is already Fri 01:00 in Shanghai: counting starts from Friday.
    deadline = deadline_for(utc(2026, 11, 19, 17, 0), SHANGHAI, CAL, 1)
    assert deadline == utc(2026, 11, 24, 15, 59)  # Tue (Mon is a holiday)
    # In New York it is still Thursday.
    ny = deadline_for(utc(2026, 11, 19, 17, 0), "America/New_York", SchoolCalendar(), 1)
    assert ny == utc(2026, 11, 21, 4, 59)  # Fri 23:59 EST


def test_deadline_counts_a_makeup_saturday() -> None:
    # Thu 26 Nov: Fri 27, Sat 28 (make-up) -> the second school day is Saturday.
    assert deadline_for(utc(2026, 11, 26, 2, 0), SHANGHAI, CAL, 2) == utc(2026, 11, 28, 15, 59)


def test_filing_on_a_weekend() -> None:
    # Sun 22 Nov: Mon is a holiday -> Tue, Wed, Thu.
    assert deadline_for(utc(2026, 11, 22, 2, 0), SHANGHAI, CAL, 3) == utc(2026, 11, 26, 15, 59)


def test_reminder_not_before_filing() -> None:
    filed = utc(2026, 11, 25, 1, 0)  # Wed 09:00 Shanghai
    deadline = utc(2026, 11, 25, 15, 59)
    assert reminder_for(deadline, SHANGHAI, filed) is None


# ---------------------------------------------------------------- privacy


@pytest.mark.parametrize(
    ("anonymous", "parents", "shown"),
    [(False, 0, True), (False, 1, True), (True, 0, False), (True, 2, False), (True, 3, True)],
)
def test_class_visible(anonymous: bool, parents: int, shown: bool) -> None:
    assert class_visible(anonymous, parents) is shown
