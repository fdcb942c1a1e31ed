"""school years: term dates, classes that left (archived), archived schools

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-27 18:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models
from bot.domain.validate import strip_markup

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "school_years",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        sa.Column("created_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["school_id"], ["schools.id"], name=op.f("fk_school_years_school_id_schools")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_school_years")),
        sa.UniqueConstraint("school_id", "first_day", name=op.f("uq_school_years_school_id")),
    )
    with op.batch_alter_table("school_years", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_school_years_school_id"), ["school_id"], unique=False)
    with op.batch_alter_table("classes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("archived_at", storage.models.UTCDateTime(timezone=True), nullable=True))
    with op.batch_alter_table("schools", schema=None) as batch_op:
        batch_op.add_column(sa.Column("archived_at", storage.models.UTCDateTime(timezone=True), nullable=True))
    clean_names()


def clean_names() -> None:
    """Names typed before input was cleaned keep no HTML markup ('<b>一小</b>' -> '一小')."""
    bind = op.get_bind()
    for table in ("districts", "schools"):
        for id_, name in bind.execute(sa.text(f"SELECT id, name FROM {table}")).all():
            clean = " ".join(strip_markup(name).split())
            if clean and clean != name:
                bind.execute(
                    sa.text(f"UPDATE {table} SET name = :name WHERE id = :id"),
                    {"name": clean, "id": id_},
                )


def downgrade() -> None:
    with op.batch_alter_table("schools", schema=None) as batch_op:
        batch_op.drop_column("archived_at")
    with op.batch_alter_table("classes", schema=None) as batch_op:
        batch_op.drop_column("archived_at")
    with op.batch_alter_table("school_years", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_school_years_school_id"))
    op.drop_table("school_years")
