"""parents' reports mean what they say: range bounds, reminders, the unfinished share

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-27 16:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for table in ("daily_reports", "report_events"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("minutes_low", sa.Integer(), nullable=True))
            batch_op.add_column(sa.Column("minutes_high", sa.Integer(), nullable=True))
    with op.batch_alter_table("schools", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("unfinished_share", sa.Integer(), server_default="20", nullable=False)
        )
        batch_op.add_column(
            sa.Column("reminder_delay", sa.Integer(), server_default="45", nullable=False)
        )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("reminders_off", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("reminders_off")
    with op.batch_alter_table("schools", schema=None) as batch_op:
        batch_op.drop_column("reminder_delay")
        batch_op.drop_column("unfinished_share")
    for table in ("report_events", "daily_reports"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("minutes_high")
            batch_op.drop_column("minutes_low")
