"""sessions: each committed change to the records, for the other sessions to notice (change_log, SQLite); the
sync service standing by for the sync lease (sync_lease.standby*)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel
import tui.store.column_types


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('change_log',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=True),
    sa.Column('at', tui.store.column_types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('sync_lease', schema=None) as batch_op:
        batch_op.add_column(sa.Column('standby', sqlmodel.sql.sqltypes.AutoString(), server_default='',
                                      nullable=False))
        batch_op.add_column(sa.Column('standby_label', sqlmodel.sql.sqltypes.AutoString(), server_default='',
                                      nullable=False))
        batch_op.add_column(sa.Column('standby_until', tui.store.column_types.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('sync_lease', schema=None) as batch_op:
        batch_op.drop_column('standby_until')
        batch_op.drop_column('standby_label')
        batch_op.drop_column('standby')
    op.drop_table('change_log')
