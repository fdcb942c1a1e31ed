"""settings that hold together: hotlines; the old conflicting notice default fixed

Schools created before the notice default moved to the cut-off still hold notice 17:30 with
cut-off 18:00, which breaks the rule cut-off <= notice. Only schools that still hold exactly
those two defaults are moved to notice 18:00; a school that chose its times keeps them.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-27 18:45:00
"""

from collections.abc import Sequence
from datetime import time

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

schools = sa.table(
    "schools",
    sa.column("cutoff_time", sa.Time()),
    sa.column("notice_time", sa.Time()),
)
OLD_CUTOFF, OLD_NOTICE, NEW_NOTICE = time(18, 0), time(17, 30), time(18, 0)


def upgrade() -> None:
    with op.batch_alter_table("districts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("hotline", sa.String(length=32), nullable=True))
    with op.batch_alter_table("schools", schema=None) as batch_op:
        batch_op.add_column(sa.Column("hotline", sa.String(length=32), nullable=True))
    op.execute(
        schools.update()
        .where(schools.c.cutoff_time == OLD_CUTOFF, schools.c.notice_time == OLD_NOTICE)
        .values(notice_time=NEW_NOTICE)
    )


def downgrade() -> None:
    # The moved notice times stay: 18:00 is what a new school gets too.
    with op.batch_alter_table("schools", schema=None) as batch_op:
        batch_op.drop_column("hotline")
    with op.batch_alter_table("districts", schema=None) as batch_op:
        batch_op.drop_column("hotline")
