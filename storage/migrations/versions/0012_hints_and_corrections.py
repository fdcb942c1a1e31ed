"""hints kept with each piece (negative-list items, written-like wording); estimates frozen
once the daily check ran: corrections beside the checked minutes

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-27 19:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = "0012"
down_revision: str | None = "0011"
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
    op.create_table(
        "load_corrections",
        sa.Column("assignment_id", BIG_ID, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("checked_minutes", sa.Integer(), nullable=False),
        sa.Column("corrected_minutes", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.BigInteger(), nullable=True),
        sa.Column("at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["assignments.id"],
            name=op.f("fk_load_corrections_assignment_id_assignments"),
        ),
        sa.ForeignKeyConstraint(
            ["class_id"], ["classes.id"], name=op.f("fk_load_corrections_class_id_classes")
        ),
        sa.PrimaryKeyConstraint("assignment_id", "day", name=op.f("pk_load_corrections")),
    )
    with op.batch_alter_table("load_corrections", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_load_corrections_class_id"), ["class_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("load_corrections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_load_corrections_class_id"))
    op.drop_table("load_corrections")
    with op.batch_alter_table("assignment_hints", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assignment_hints_assignment_id"))
    op.drop_table("assignment_hints")
