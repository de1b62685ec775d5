"""sync requests: a pass asked of the lease holder by a process that does not hold the lease

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel
import tui.store.column_types


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('sync_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('requested_at', tui.store.column_types.UTCDateTime(), nullable=False),
    sa.Column('requested_by', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('started_at', tui.store.column_types.UTCDateTime(), nullable=True),
    sa.Column('done_at', tui.store.column_types.UTCDateTime(), nullable=True),
    sa.Column('ok', sa.Boolean(), nullable=True),
    sa.Column('message', sa.Text(), server_default='', nullable=False),
    sa.Column('served_by', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('handover', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('sync_request', schema=None) as batch_op:
        batch_op.create_index('ix_sync_request_open', ['tenant_id', 'done_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('sync_request', schema=None) as batch_op:
        batch_op.drop_index('ix_sync_request_open')
    op.drop_table('sync_request')
