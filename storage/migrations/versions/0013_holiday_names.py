"""holidays keep their name ('国庆', 'Осенние каникулы'), so the list shows them by name

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-27 18:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("calendar_days", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name", sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("calendar_days", schema=None) as batch_op:
        batch_op.drop_column("name")
