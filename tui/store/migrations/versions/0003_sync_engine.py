"""sync engine: outbox, batches, sync records, conflicts, log, state, lease

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel
import tui.store.column_types


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('sync_batch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('method', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('idempotency_key', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('entries', sa.Text(), nullable=False),
    sa.Column('created_at', tui.store.column_types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('sync_conflict',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('field', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('base', sa.Text(), nullable=False),
    sa.Column('local', sa.Text(), nullable=False),
    sa.Column('remote', sa.Text(), nullable=False),
    sa.Column('remote_updated_utc', tui.store.column_types.UTCDateTime(), nullable=True),
    sa.Column('created_at', tui.store.column_types.UTCDateTime(), nullable=False),
    sa.Column('resolved_at', tui.store.column_types.UTCDateTime(), nullable=True),
    sa.Column('resolution', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('sync_conflict', schema=None) as batch_op:
        batch_op.create_index('ix_sync_conflict_open', ['invoice_id', 'resolved_at'], unique=False)

    op.create_table('sync_lease',
    sa.Column('tenant_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('holder', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('holder_label', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('acquired_at', tui.store.column_types.UTCDateTime(), nullable=False),
    sa.Column('expires_at', tui.store.column_types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('tenant_id')
    )
    op.create_table('sync_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', tui.store.column_types.UTCDateTime(), nullable=False),
    sa.Column('level', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('message', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=True),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('sync_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sync_log_at'), ['at'], unique=False)

    op.create_table('sync_outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('created_at', tui.store.column_types.UTCDateTime(), nullable=False),
    sa.Column('updated_at', tui.store.column_types.UTCDateTime(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', tui.store.column_types.UTCDateTime(), nullable=True),
    sa.Column('held', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('kind', 'entity_id', name='uq_sync_outbox_entity')
    )
    op.create_table('sync_record',
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('xero_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('xero_updated_utc', tui.store.column_types.UTCDateTime(), nullable=True),
    sa.Column('synced_at', tui.store.column_types.UTCDateTime(), nullable=True),
    sa.Column('snapshot', sa.Text(), server_default='', nullable=False),
    sa.Column('error', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('error_code', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('error_at', tui.store.column_types.UTCDateTime(), nullable=True),
    sa.Column('excluded', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('kind', 'entity_id')
    )
    with op.batch_alter_table('sync_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sync_record_xero_id'), ['xero_id'], unique=False)

    op.create_table('sync_state',
    sa.Column('tenant_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('confirmed_at', tui.store.column_types.UTCDateTime(), nullable=True),
    sa.Column('sync_from', sa.Date(), nullable=True),
    sa.Column('high_water_mark', tui.store.column_types.UTCDateTime(), nullable=True),
    sa.Column('last_run_at', tui.store.column_types.UTCDateTime(), nullable=True),
    sa.Column('last_success_at', tui.store.column_types.UTCDateTime(), nullable=True),
    sa.Column('last_error', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('calls_day', sa.Date(), nullable=True),
    sa.Column('calls_today', sa.Integer(), nullable=False),
    sa.Column('accounts_checked_at', tui.store.column_types.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('tenant_id')
    )


def downgrade() -> None:
    op.drop_table('sync_state')
    with op.batch_alter_table('sync_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sync_record_xero_id'))

    op.drop_table('sync_record')
    op.drop_table('sync_outbox')
    with op.batch_alter_table('sync_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sync_log_at'))

    op.drop_table('sync_log')
    op.drop_table('sync_lease')
    with op.batch_alter_table('sync_conflict', schema=None) as batch_op:
        batch_op.drop_index('ix_sync_conflict_open')

    op.drop_table('sync_conflict')
    op.drop_table('sync_batch')
