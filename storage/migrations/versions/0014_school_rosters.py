"""children.listed (on the school's class list) and children.pending (named by a parent,
waiting for the school office's confirmation); joinings (who joined a school, for the office's
one message per few minutes)

Existing children are confirmed. A child counts as listed when no parent linked it, or when its
first parent linked it more than a minute after it was created (picked from a list); a child
whose first link came with it was named by its parent.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-27 19:00:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PICKED_AFTER = timedelta(minutes=1)


def _utc(value: datetime | str | None) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):  # SQLite hands back text
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def upgrade() -> None:
    with op.batch_alter_table("children", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("listed", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
        batch_op.add_column(
            sa.Column("pending", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.create_table(
        "joinings",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("role", sa.String(length=24), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=True),
        sa.Column("child_id", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_joinings")),
    )
    with op.batch_alter_table("joinings", schema=None) as batch_op:
        batch_op.create_index("ix_joinings_school_at", ["school_id", "at"], unique=False)
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT c.id, c.created_at, MIN(l.created_at) FROM children c "
            "JOIN parent_links l ON l.child_id = c.id GROUP BY c.id, c.created_at"
        )
    ).all()
    named = [
        child_id
        for child_id, created, linked in rows
        if (c := _utc(created)) is not None
        and (first := _utc(linked)) is not None
        and first - c <= PICKED_AFTER
    ]
    children = sa.table("children", sa.column("id"), sa.column("listed"))
    for start in range(0, len(named), 500):
        chunk = named[start : start + 500]
        bind.execute(
            children.update().where(children.c.id.in_(chunk)).values(listed=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("joinings", schema=None) as batch_op:
        batch_op.drop_index("ix_joinings_school_at")
    op.drop_table("joinings")
    with op.batch_alter_table("children", schema=None) as batch_op:
        batch_op.drop_column("pending")
        batch_op.drop_column("listed")
