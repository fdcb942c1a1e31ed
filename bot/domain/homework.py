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


class OverLimitStep(enum.StrEnum):
    """What a piece's event records about the daily limit (`assignment_events.over_limit`):
    the real confirmations counted by the monthly report."""

    CONFIRMED = "confirmed"
    """The teacher confirmed posting it over the limit (the school's mode `warn`)."""
    HELD = "held"
    """It went to the grade leader for approval because it took a day over the limit."""
    APPROVED = "approved"
    """The grade leader approved it while it was held over the limit."""
