"""complaint accountability: first deadline and first response kept, district return and
district deadline marks

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 09:00:00

Backfill: `first_deadline_at` from the current deadline (the filing deadline of a complaint
reopened before this revision is not recorded anywhere; its current one is the best known),
`first_responded_at` from the earliest reply, question or summary by staff in the history, and
`returned_at` from the earliest "returned" event. District-level complaints from before this
revision have no district deadline of their own (theirs is the school's, long passed): they are
marked as already flagged (`overdue_at`), so the deadline job does not alarm on all of them at
once.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NEW_COLUMNS = ("first_deadline_at", "first_responded_at", "returned_at", "overdue_at")


def upgrade() -> None:
    # Plain ADD COLUMNs (no table rebuild: SQLite's enforced foreign keys from complaint_events
    # refuse one on a table with history). `first_deadline_at` is NOT NULL: added with a constant
    # placeholder (SQLite allows no other) and backfilled at once.
    op.add_column(
        "complaints",
        sa.Column(
            "first_deadline_at",
            storage.models.UTCDateTime(timezone=True),
            nullable=False,
            server_default=sa.text("'1970-01-01 00:00:00+00:00'"),
        ),
    )
    for name in NEW_COLUMNS[1:]:
        op.add_column(
            "complaints",
            sa.Column(name, storage.models.UTCDateTime(timezone=True), nullable=True),
        )
    op.execute("UPDATE complaints SET first_deadline_at = deadline_at")
    op.execute(
        "UPDATE complaints SET first_responded_at = ("
        " SELECT MIN(e.created_at) FROM complaint_events e"
        " WHERE e.complaint_id = complaints.id"
        " AND e.kind IN ('reply', 'asked', 'resolved')"
        " AND e.actor_role IN ('school', 'supervisor'))"
    )
    op.execute(
        "UPDATE complaints SET first_responded_at = responded_at"
        " WHERE first_responded_at IS NULL"
    )
    op.execute(
        "UPDATE complaints SET returned_at = ("
        " SELECT MIN(e.created_at) FROM complaint_events e"
        " WHERE e.complaint_id = complaints.id AND e.kind = 'returned')"
    )
    op.execute(
        "UPDATE complaints SET overdue_at = COALESCE(escalated_at, updated_at)"
        " WHERE level = 'district'"
    )
    if op.get_bind().dialect.name != "sqlite":  # SQLite cannot drop a default in place
        op.alter_column(
            "complaints",
            "first_deadline_at",
            existing_type=storage.models.UTCDateTime(timezone=True),
            existing_nullable=False,
            server_default=None,
        )


def downgrade() -> None:
    for name in reversed(NEW_COLUMNS):
        # SQLite (3.35+) drops a column in place; a batch rebuild would trip its foreign keys.
        op.execute(f"ALTER TABLE complaints DROP COLUMN {name}")
