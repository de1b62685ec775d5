"""contacts both ways: contacts archived in Xero, the contacts pull's high-water mark, conflicts on customers, and the
app sessions open (the sync's cadence)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel
import tui.store.column_types


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('sync_record') as batch:
        batch.add_column(sa.Column('archived', sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table('sync_state') as batch:
        batch.add_column(sa.Column('contacts_high_water_mark', tui.store.column_types.UTCDateTime(), nullable=True))
        batch.add_column(sa.Column('contacts_read_at', tui.store.column_types.UTCDateTime(), nullable=True))
        batch.add_column(sa.Column('last_change_at', tui.store.column_types.UTCDateTime(), nullable=True))
    with op.batch_alter_table('sync_conflict') as batch:
        batch.add_column(sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(), nullable=False,
                                   server_default='invoice'))
    op.create_table('app_presence',
    sa.Column('holder', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('label', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('seen_at', tui.store.column_types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('holder')
    )


def downgrade() -> None:
    op.drop_table('app_presence')
    with op.batch_alter_table('sync_conflict') as batch:
        batch.drop_column('kind')
    with op.batch_alter_table('sync_state') as batch:
        batch.drop_column('last_change_at')
        batch.drop_column('contacts_read_at')
        batch.drop_column('contacts_high_water_mark')
    with op.batch_alter_table('sync_record') as batch:
        batch.drop_column('archived')
