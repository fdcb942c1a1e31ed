"""district policy: the district's limits and minimum over-limit mode, and the record of
every change of a limit, mode or time

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 16:40:00

Existing districts get the CN double-reduction preset (60 / 90 / none, weekends as school
days, mode at least "warn"), the values every school started from. A school whose own limit is
higher keeps its row as it is; every reader takes the lower of the two.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMNs with constant defaults: no table rebuild (see 0002).
    op.add_column('districts', sa.Column('cap_primary', sa.Integer(), server_default='60', nullable=False))
    op.add_column('districts', sa.Column('cap_junior', sa.Integer(), server_default='90', nullable=False))
    op.add_column('districts', sa.Column('cap_senior', sa.Integer(), nullable=True))
    op.add_column('districts', sa.Column('cap_non_school_day', sa.Integer(), nullable=True))
    op.add_column(
        'districts',
        sa.Column('min_over_cap_mode', sa.String(length=16), server_default='warn', nullable=False),
    )
    op.create_table(
        'policy_changes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column('user_id', sa.BigInteger(), nullable=True),
        sa.Column('district_id', sa.Integer(), nullable=False),
        sa.Column('school_id', sa.Integer(), nullable=True),
        sa.Column('field', sa.String(length=32), nullable=False),
        sa.Column('old', sa.String(length=32), nullable=True),
        sa.Column('new', sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(['district_id'], ['districts.id'], name=op.f('fk_policy_changes_district_id_districts')),
        sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_policy_changes_school_id_schools')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_policy_changes_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_policy_changes')),
    )
    op.create_index('ix_policy_changes_district_at', 'policy_changes', ['district_id', 'at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_policy_changes_district_at', table_name='policy_changes')
    op.drop_table('policy_changes')
    for column in ('min_over_cap_mode', 'cap_non_school_day', 'cap_senior', 'cap_junior', 'cap_primary'):
        op.drop_column('districts', column)
