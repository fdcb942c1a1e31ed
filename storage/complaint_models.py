"""The complaint tables: tickets and their history (re-exported by `storage.models`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.orm import Mapped, mapped_column

from storage.model_base import Base, BigId, utcnow


def _inserted(column: str) -> Callable[[DefaultExecutionContext], Any]:
    """A default copied from another column of the same INSERT (a complaint's first deadline
    and first response start as its current ones)."""

    def default(context: DefaultExecutionContext) -> Any:
        return context.get_current_parameters().get(column)

    return default


class Complaint(Base):
    """A hotline ticket; `complainant_id` is used only to relay, never shown when anonymous."""

    __tablename__ = "complaints"
    __table_args__ = (Index("ix_complaints_school_status", "school_id", "status"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    dialog_token: Mapped[str | None] = mapped_column(String(16), unique=True)
    """The /complain dialog it was filed from: one dialog files one complaint, whichever
    process (or redelivery) sends it first."""
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    class_id: Mapped[int | None] = mapped_column(ForeignKey("classes.id"), index=True)
    complainant_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    anonymous: Mapped[bool] = mapped_column(Boolean, default=True)
    category: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    photos: Mapped[list[Any]] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(String(16), default="new")
    level: Mapped[str] = mapped_column(String(16), default="school")  # school | district
    deadline_at: Mapped[datetime] = mapped_column()
    remind_at: Mapped[datetime | None] = mapped_column()  # one school day before the deadline
    responded_at: Mapped[datetime | None] = mapped_column()  # this cycle's first response
    reminded_at: Mapped[datetime | None] = mapped_column()
    escalated_at: Mapped[datetime | None] = mapped_column()
    # Accountability: never cleared by a reopen, a return or an escalation.
    first_deadline_at: Mapped[datetime] = mapped_column(default=_inserted("deadline_at"))
    first_responded_at: Mapped[datetime | None] = mapped_column(default=_inserted("responded_at"))
    returned_at: Mapped[datetime | None] = mapped_column()  # first sent back by the district
    overdue_at: Mapped[datetime | None] = mapped_column()  # the district's deadline passed
    unresolved_ratings: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ComplaintEvent(Base):
    """A ticket's history and thread: status changes, messages both ways, notes."""

    __tablename__ = "complaint_events"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    complaint_id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), ForeignKey("complaints.id"), index=True
    )
    actor_id: Mapped[int | None] = mapped_column(BigInteger)
    actor_role: Mapped[str] = mapped_column(String(24))
    kind: Mapped[str] = mapped_column(String(24))
    status: Mapped[str | None] = mapped_column(String(16))
    text: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
