"""hints kept with each piece (negative-list items, written-like wording)

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-27 19:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "assignment_hints",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("assignment_id", BIG_ID, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("item", sa.Integer(), nullable=True),
        sa.Column("fragment", sa.String(length=200), nullable=False),
        sa.Column("created_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["assignments.id"],
            name=op.f("fk_assignment_hints_assignment_id_assignments"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignment_hints")),
    )
    with op.batch_alter_table("assignment_hints", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assignment_hints_assignment_id"), ["assignment_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("assignment_hints", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assignment_hints_assignment_id"))
    op.drop_table("assignment_hints")
