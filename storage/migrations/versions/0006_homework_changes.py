"""homework changes after the notice, sent to parents as one coalesced update per class-day

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 16:14:14.583024
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models


revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('homework_changes',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('assignment_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('event_id', sa.BigInteger(), nullable=False),
    sa.Column('class_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('created_at', storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', storage.models.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignments.id'], name=op.f('fk_homework_changes_assignment_id_assignments')),
    sa.ForeignKeyConstraint(['class_id'], ['classes.id'], name=op.f('fk_homework_changes_class_id_classes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_homework_changes')),
    sa.UniqueConstraint('assignment_id', 'event_id', 'day', name=op.f('uq_homework_changes_assignment_id'))
    )
    with op.batch_alter_table('homework_changes', schema=None) as batch_op:
        batch_op.create_index('ix_homework_changes_pending', ['sent_at', 'class_id', 'day'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('homework_changes', schema=None) as batch_op:
        batch_op.drop_index('ix_homework_changes_pending')

    op.drop_table('homework_changes')
