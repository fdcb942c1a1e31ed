"""The whole domain as SQLAlchemy 2 models (SQLite and PostgreSQL alike).

Times are stored in UTC (`UTCDateTime`); school-local dates and times are plain `Date`/`Time`
read in the school's time zone. Enumerations are stored as short strings.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy import false as sa_false
from sqlalchemy import true as sa_true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.domain.day_times import DEFAULT_TIMES
from storage.complaint_models import Complaint as Complaint
from storage.complaint_models import ComplaintEvent as ComplaintEvent
from storage.model_base import NAMING as NAMING
from storage.model_base import Base as Base
from storage.model_base import BigId as BigId
from storage.model_base import UTCDateTime as UTCDateTime
from storage.model_base import utcnow as utcnow


class District(Base):
    __tablename__ = "districts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The policy preset the district owns (default: CN double reduction); a school's limits are
    # held under these, its mode at least `min_over_cap_mode`. Grades 1-2: always none.
    cap_primary: Mapped[int] = mapped_column(default=60, server_default="60")
    cap_junior: Mapped[int] = mapped_column(default=90, server_default="90")
    cap_senior: Mapped[int | None] = mapped_column(default=None)
    cap_non_school_day: Mapped[int | None] = mapped_column(default=None)
    min_over_cap_mode: Mapped[str] = mapped_column(
        String(16), default="warn", server_default="warn"
    )
    hotline: Mapped[str | None] = mapped_column(String(32))
    """The district's supervision hotline, shown with every complaint ticket of its schools."""

    schools: Mapped[list[School]] = relationship(back_populates="district")


class School(Base):
    """A school with its time zone, calendar and policy settings (defaults: CN preset)."""

    __tablename__ = "schools"

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    timezone: Mapped[str] = mapped_column(String(64))
    policy_preset: Mapped[str] = mapped_column(String(32), default="cn_double_reduction")
    cap_primary_low: Mapped[int] = mapped_column(default=0)
    cap_primary: Mapped[int] = mapped_column(default=60)
    cap_junior: Mapped[int] = mapped_column(default=90)
    cap_senior: Mapped[int | None] = mapped_column(default=None)
    cap_non_school_day: Mapped[int | None] = mapped_column(default=None)
    over_cap_mode: Mapped[str] = mapped_column(String(16), default="warn")
    school_days: Mapped[str] = mapped_column(String(7), default="12345")
    # The daily times hold `bot.domain.day_times`' rule: cut-off <= notice < evening question
    # < reminder (evening + reminder_delay) < daily check.
    cutoff_time: Mapped[time] = mapped_column(Time, default=DEFAULT_TIMES.cutoff)
    notice_time: Mapped[time] = mapped_column(Time, default=DEFAULT_TIMES.notice)
    evening_time: Mapped[time] = mapped_column(Time, default=DEFAULT_TIMES.evening)
    check_time: Mapped[time] = mapped_column(Time, default=DEFAULT_TIMES.check)
    weekly_report_weekday: Mapped[int] = mapped_column(default=1)
    weekly_report_time: Mapped[time] = mapped_column(Time, default=time(8, 0))
    complaint_deadline_days: Mapped[int] = mapped_column(default=3)
    complaint_daily_cap: Mapped[int] = mapped_column(default=5)
    daily_all_clear: Mapped[bool] = mapped_column(Boolean, default=False)
    unfinished_share: Mapped[int] = mapped_column(Integer, default=20, server_default="20")
    """A class is warned when at least this percentage of its reports went to bed unfinished."""
    reminder_delay: Mapped[int] = mapped_column(
        Integer, default=DEFAULT_TIMES.reminder_delay, server_default="45"
    )
    """Minutes after the evening question that parents who have not answered are reminded
    (0: no reminder)."""
    hotline: Mapped[str | None] = mapped_column(String(32))
    """The school's official hotline (监督举报电话), shown with every complaint ticket."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    archived_at: Mapped[datetime | None] = mapped_column()
    """Archived by an owner: read-only, kept for reports (no notices, no new homework)."""

    # Loaded with the school: its limits are read under the district's (`storage.policy`).
    district: Mapped[District] = relationship(back_populates="schools", lazy="joined")


class PolicyChange(Base):
    """A change of a limit, the over-limit mode or a time, by a school or its district."""

    __tablename__ = "policy_changes"
    __table_args__ = (Index("ix_policy_changes_district_at", "district_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    user_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("users.id"), index=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"))
    school_id: Mapped[int | None] = mapped_column(
        ForeignKey("schools.id"), index=True
    )  # None: the district
    field: Mapped[str] = mapped_column(String(32))
    old: Mapped[str | None] = mapped_column(String(32))
    new: Mapped[str | None] = mapped_column(String(32))


class CalendarDay(Base):
    """A date that breaks the weekly pattern: a holiday, or a make-up school day."""

    __tablename__ = "calendar_days"

    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # "holiday" | "makeup"
    # The holiday's name as the school typed it ('国庆', 'Осенние каникулы'); each of its days
    # carries it, so the list shows a named holiday as one range.
    name: Mapped[str | None] = mapped_column(String(40))


class SchoolYear(Base):
    """A school year's term dates (set once a year, when the classes move up a grade)."""

    __tablename__ = "school_years"
    __table_args__ = (UniqueConstraint("school_id", "first_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SchoolClass(Base):
    __tablename__ = "classes"
    __table_args__ = (
        UniqueConstraint("school_id", "name"),
        Index("ix_classes_school_grade", "school_id", "grade"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    grade: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    archived_at: Mapped[datetime | None] = mapped_column()
    """The class left the school (its last grade, at a new school year): kept with its
    children and history for reports, off every picker and list of current classes."""


class Subject(Base):
    __tablename__ = "subjects"
    __table_args__ = (UniqueConstraint("school_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    name: Mapped[str] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(default=0)


class User(Base):
    """A Telegram user (the primary key is their Telegram id)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    first_name: Mapped[str] = mapped_column(String(128), default="")
    last_name: Mapped[str | None] = mapped_column(String(128))
    username: Mapped[str | None] = mapped_column(String(64))
    language_code: Mapped[str | None] = mapped_column(String(16))
    locale: Mapped[str | None] = mapped_column(String(16))  # chosen with /language
    reachable: Mapped[bool] = mapped_column(Boolean, default=True)
    menu_signature: Mapped[str | None] = mapped_column(String(64))
    reminders_off: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    @property
    def display_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p) or str(self.id)


class Membership(Base):
    """A role held in a scope: `scope_key` is 'd:<district>', 's:<school>' or 's:<school>:g:<n>'."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "role", "scope_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(String(24))
    scope_key: Mapped[str] = mapped_column(String(48))
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id"), index=True)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"), index=True)
    grade: Mapped[int | None] = mapped_column(Integer)
    invite_id: Mapped[int | None] = mapped_column(ForeignKey("invites.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Teaching(Base):
    """A teacher teaches a subject in a class."""

    __tablename__ = "teaching"
    __table_args__ = (UniqueConstraint("user_id", "class_id", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id"), index=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id"), index=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subjects.id"), index=True)


class TeacherDefault(Base):
    """What a teacher last recorded for a subject (kind, minutes, classes): /assign's defaults."""

    __tablename__ = "teacher_defaults"

    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id"), primary_key=True, autoincrement=False
    )
    subject_id: Mapped[int] = mapped_column(ForeignKey("subjects.id"), primary_key=True, index=True)
    kind: Mapped[str] = mapped_column(String(16))
    minutes: Mapped[int] = mapped_column(Integer)
    class_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Child(Base):
    __tablename__ = "children"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Off the class list (its last parent left, or was forgotten): the name is cleared and
    # the row stays only so its reports still count, anonymously, in the class's figures.
    removed_at: Mapped[datetime | None] = mapped_column()
    # On the school's class list (typed or pasted by the school office); a class with such a
    # child has a list, and its parents pick from it instead of typing a name.
    listed: Mapped[bool] = mapped_column(Boolean, default=True, server_default=sa_true())
    # Named by a parent in a class without a list and not yet confirmed by the school office:
    # its reports are kept but count in no figure (storage.checks.counted_child).
    pending: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())


class ParentLink(Base):
    __tablename__ = "parent_links"

    parent_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id"), primary_key=True)
    child_id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"),
        ForeignKey("children.id"),
        primary_key=True,
        index=True,
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Joining(Base):
    """Someone joined a school (for the office's one message per few minutes): plain ids, no
    keys, so a merged or forgotten child or person leaves only a number behind."""

    __tablename__ = "joinings"
    __table_args__ = (Index("ix_joinings_school_at", "school_id", "at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    school_id: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column()
    user_id: Mapped[int] = mapped_column(BigInteger)
    role: Mapped[str] = mapped_column(String(24))
    class_id: Mapped[int | None] = mapped_column(Integer)
    child_id: Mapped[int | None] = mapped_column(BigInteger)


class Invite(Base):
    """A deep-link code bound to a role and scope, with expiry and a use limit."""

    __tablename__ = "invites"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    role: Mapped[str] = mapped_column(String(24))
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id"), index=True)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"), index=True)
    grade: Mapped[int | None] = mapped_column(Integer)
    class_id: Mapped[int | None] = mapped_column(ForeignKey("classes.id"), index=True)
    child_id: Mapped[int | None] = mapped_column(  # a parent's link for a child's other parent
        BigInteger().with_variant(Integer(), "sqlite"), ForeignKey("children.id"), index=True
    )
    teaching: Mapped[list[Any]] = mapped_column(default=list)  # [[class_id, subject_id], ...]
    created_by: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column()
    max_uses: Mapped[int | None] = mapped_column(Integer)
    uses: Mapped[int] = mapped_column(default=0)
    revoked_at: Mapped[datetime | None] = mapped_column()


class InviteUse(Base):
    __tablename__ = "invite_uses"

    invite_id: Mapped[int] = mapped_column(ForeignKey("invites.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    used_at: Mapped[datetime] = mapped_column(default=utcnow)


class Dialog(Base):
    """A user's one open dialog: its step and draft, so any process can continue it.

    `updated_at` is the time of its last step (the bot's clock; it expires DIALOG_TTL_MINUTES
    later); `version` is checked on every write of a loaded dialog, so a stale writer fails
    instead of overwriting (storage/dialogs.py)."""

    __tablename__ = "dialogs"

    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(32))
    step: Mapped[str] = mapped_column(String(32))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    token: Mapped[str] = mapped_column(String(16))  # binds buttons to this dialog instance
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(Integer, server_default="1")

    __mapper_args__ = {"version_id_col": version}


class ProcessedUpdate(Base):
    """Updates whose effects were committed; a redelivered update is skipped."""

    __tablename__ = "processed_updates"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    processed_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class Assignment(Base):
    """A piece of homework; `evening` is the first evening, `due` the optional due date."""

    __tablename__ = "assignments"
    __table_args__ = (Index("ix_assignments_class_evening", "class_id", "evening"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id"))
    subject_id: Mapped[int] = mapped_column(ForeignKey("subjects.id"), index=True)
    teacher_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    photo_file_id: Mapped[str | None] = mapped_column(String(256))
    kind: Mapped[str] = mapped_column(String(16))
    minutes: Mapped[int] = mapped_column(Integer)
    evening: Mapped[date] = mapped_column(Date)
    due: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))  # pending | posted | cancelled | rejected
    draft_token: Mapped[str | None] = mapped_column(String(32), unique=True)
    # Layered homework (分层): an optional (选做) piece never counts against the cap.
    required: Mapped[bool] = mapped_column(Boolean, default=True, server_default=sa_true())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class AssignmentLoad(Base):
    """Minutes of a piece on one evening (a multi-day piece has several rows)."""

    __tablename__ = "assignment_loads"
    __table_args__ = (Index("ix_assignment_loads_day_class", "day", "class_id"),)

    assignment_id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"),
        ForeignKey("assignments.id"),
        primary_key=True,
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id"), index=True)
    minutes: Mapped[int] = mapped_column(Integer)


class LoadCorrection(Base):
    """A piece's minutes on a class-day changed after the daily check ran for it: the figures
    keep `checked_minutes` (what the check saw); `corrected_minutes` is the latest edit."""

    __tablename__ = "load_corrections"

    assignment_id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"),
        ForeignKey("assignments.id"),
        primary_key=True,
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id"), index=True)
    checked_minutes: Mapped[int] = mapped_column(Integer)
    corrected_minutes: Mapped[int] = mapped_column(Integer)
    actor_id: Mapped[int | None] = mapped_column(BigInteger)
    at: Mapped[datetime] = mapped_column(default=utcnow)


class AssignmentEvent(Base):
    __tablename__ = "assignment_events"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), ForeignKey("assignments.id"), index=True
    )
    actor_id: Mapped[int | None] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(24))
    changes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # confirmed | held | approved (bot.domain.homework.OverLimitStep): posted over the limit.
    over_limit: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AssignmentHint(Base):
    """A hint computed when a piece was saved: a negative-list item its text seems to touch
    (`item`, 1..10) or, for a piece declared other than written, wording that reads like
    written work (`kind` "kind", no item). Replaced when the piece is edited."""

    __tablename__ = "assignment_hints"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), ForeignKey("assignments.id"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))  # negative | kind
    item: Mapped[int | None] = mapped_column(Integer)
    fragment: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class HomeworkChange(Base):
    """A piece posted, changed or cancelled after its class-day's notice went out. The
    scheduler sends the parents one update per class-day once its changes have settled
    (`handlers.scheduler.updates`), then stamps `sent_at`."""

    __tablename__ = "homework_changes"
    __table_args__ = (
        UniqueConstraint("assignment_id", "event_id", "day"),
        Index("ix_homework_changes_pending", "sent_at", "class_id", "day"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), ForeignKey("assignments.id")
    )
    event_id: Mapped[int] = mapped_column(BigInteger)  # the assignment event it reports
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id"), index=True)
    day: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(16))  # posted | edited | cancelled
    changes: Mapped[dict[str, Any]] = mapped_column(default=dict)  # field -> [before, after]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column()


class DailyReport(Base):
    """How long a child's written homework took on an evening: one row per child per day."""

    __tablename__ = "daily_reports"
    __table_args__ = (
        UniqueConstraint("child_id", "day"),
        Index("ix_daily_reports_day", "day"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    child_id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), ForeignKey("children.id")
    )
    day: Mapped[date] = mapped_column(Date)
    minutes: Mapped[int | None] = mapped_column(Integer)
    """Exact minutes; for an unfinished evening the time worked (optional); None for a range."""
    minutes_low: Mapped[int | None] = mapped_column(Integer)
    """A range answer's bounds (high None: 'over low'); see `storage.checks.reported_minutes`."""
    minutes_high: Mapped[int | None] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(String(16))  # done | unfinished
    note: Mapped[str | None] = mapped_column(String(500))
    reporter_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ReportEvent(Base):
    __tablename__ = "report_events"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    report_id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), ForeignKey("daily_reports.id"), index=True
    )
    reporter_id: Mapped[int | None] = mapped_column(BigInteger)
    minutes: Mapped[int | None] = mapped_column(Integer)
    minutes_low: Mapped[int | None] = mapped_column(Integer)
    minutes_high: Mapped[int | None] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Notification(Base):
    """Every message the bot sends on its own initiative, once per unique key."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    recipient_id: Mapped[int] = mapped_column(BigInteger, index=True)
    kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column()
    claimed_until: Mapped[datetime | None] = mapped_column()
    """While `pending`: the claimer's send is in flight until then; after it, the claimer is
    taken for dead and the key may be claimed again (flagged `possibly_duplicated`)."""
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    possibly_duplicated: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=sa_false()
    )
    """Sent again after an attempt whose outcome is unknown (a timeout, or a claimer that died
    mid-send): the user may have it twice (Telegram has no idempotency key)."""


class JobRun(Base):
    """A claimed scheduler run: one per school, job and school-local date."""

    __tablename__ = "job_runs"
    # The claim reads the runs of a few local dates (and the purge old ones): by date first.
    __table_args__ = (Index("ix_job_runs_local_date", "local_date", "job"),)

    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), primary_key=True)
    job: Mapped[str] = mapped_column(String(32), primary_key=True)
    local_date: Mapped[date] = mapped_column(Date, primary_key=True)
    claimed_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column()


class Lease(Base):
    """A named lease (e.g. who runs the scheduler) held until `expires_at`."""

    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    holder: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column()
