"""a piece's event records a confirmation over the limit (confirmed, held, approved), so the
monthly report counts real confirmations

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-27 19:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("assignment_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("over_limit", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("assignment_events", schema=None) as batch_op:
        batch_op.drop_column("over_limit")
