"""The life of a piece of homework: its status and the kinds of change recorded."""

from __future__ import annotations

import enum


class HomeworkStatus(enum.StrEnum):
    """Lifecycle of a piece: only `posted` pieces are published and counted."""

    PENDING = "pending"  # waiting for the grade leader's approval (approve mode)
    POSTED = "posted"
    CANCELLED = "cancelled"
    REJECTED = "rejected"


class HomeworkEventKind(enum.StrEnum):
    CREATED = "created"
    EDITED = "edited"
    CANCELLED = "cancelled"
    APPROVED = "approved"
    REJECTED = "rejected"
