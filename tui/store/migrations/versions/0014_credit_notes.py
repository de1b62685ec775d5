"""credit notes (adjustment notes) with their lines, allocations to invoices, refunds and numbering; the credit
allocated to each invoice

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel
import tui.store.column_types


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

_S = sqlmodel.sql.sqltypes.AutoString


def _record_columns() -> list:
    """The columns an allocation and a refund share: who made it, when, and its removal."""
    return [
        sa.Column('origin', _S(), nullable=False),
        sa.Column('idempotency_key', _S(), nullable=False),
        sa.Column('created_at', tui.store.column_types.UTCDateTime(), nullable=False),
        sa.Column('created_by', _S(), nullable=False),
        sa.Column('removed_at', tui.store.column_types.UTCDateTime(), nullable=True),
        sa.Column('removed_by', _S(), nullable=False),
    ]


def upgrade() -> None:
    with op.batch_alter_table('invoice') as batch:
        batch.add_column(sa.Column('amount_credited', tui.store.column_types.ExactDecimal(), nullable=False,
                                   server_default='0'))
    with op.batch_alter_table('sync_state') as batch:
        batch.add_column(sa.Column('credit_notes_high_water_mark', tui.store.column_types.UTCDateTime(), nullable=True))
        batch.add_column(sa.Column('credit_notes_read_at', tui.store.column_types.UTCDateTime(), nullable=True))
    op.create_table('credit_note',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', _S(length=255), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=True),
    sa.Column('issue_date', sa.Date(), nullable=False),
    sa.Column('reference', _S(), nullable=False),
    sa.Column('amounts', _S(), nullable=False),
    sa.Column('status', _S(), nullable=False),
    sa.Column('total', tui.store.column_types.ExactDecimal(), nullable=False),
    sa.Column('amount_allocated', tui.store.column_types.ExactDecimal(), nullable=False),
    sa.Column('amount_refunded', tui.store.column_types.ExactDecimal(), nullable=False),
    sa.Column('amount_elsewhere', tui.store.column_types.ExactDecimal(), nullable=False),
    sa.Column('origin', _S(), nullable=False),
    sa.Column('sent_at', tui.store.column_types.UTCDateTime(), nullable=True),
    sa.Column('sent_to', _S(), nullable=False),
    sa.Column('send_error', _S(), nullable=False),
    sa.Column('send_id', _S(), nullable=False),
    sa.Column('send_by', _S(), nullable=False),
    sa.Column('send_claimed_at', tui.store.column_types.UTCDateTime(), nullable=True),
    sa.Column('send_holder', _S(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', tui.store.column_types.UTCDateTime(), nullable=False),
    sa.Column('updated_by', _S(), nullable=False),
    sa.Column('xero_credit_note_id', _S(), nullable=True),
    sa.Column('idempotency_key', _S(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], ),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoice.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('number', name='uq_credit_note_number')
    )
    with op.batch_alter_table('credit_note', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_credit_note_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_credit_note_invoice_id'), ['invoice_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_credit_note_xero_credit_note_id'), ['xero_credit_note_id'],
                              unique=False)
    op.create_table('credit_note_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('credit_note_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('description', _S(), nullable=False),
    sa.Column('quantity', tui.store.column_types.ExactDecimal(), nullable=False),
    sa.Column('unit_price', tui.store.column_types.ExactDecimal(), nullable=False),
    sa.Column('category', _S(), nullable=False),
    sa.Column('tax_type', _S(), nullable=False),
    sa.ForeignKeyConstraint(['credit_note_id'], ['credit_note.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('credit_note_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_credit_note_line_credit_note_id'), ['credit_note_id'], unique=False)
    op.create_table('credit_allocation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('credit_note_id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('amount', tui.store.column_types.ExactDecimal(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('xero_allocation_id', _S(), nullable=True),
    *_record_columns(),
    sa.ForeignKeyConstraint(['credit_note_id'], ['credit_note.id'], ),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoice.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('credit_allocation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_credit_allocation_credit_note_id'), ['credit_note_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_credit_allocation_invoice_id'), ['invoice_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_credit_allocation_xero_allocation_id'), ['xero_allocation_id'],
                              unique=False)
    op.create_table('credit_refund',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('credit_note_id', sa.Integer(), nullable=False),
    sa.Column('amount', tui.store.column_types.ExactDecimal(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('method', _S(), nullable=False),
    sa.Column('reference', _S(), nullable=False),
    sa.Column('xero_payment_id', _S(), nullable=True),
    *_record_columns(),
    sa.ForeignKeyConstraint(['credit_note_id'], ['credit_note.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('credit_refund', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_credit_refund_credit_note_id'), ['credit_note_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_credit_refund_xero_payment_id'), ['xero_payment_id'], unique=False)
    op.create_table('credit_note_numbering',
    sa.Column('prefix', _S(), nullable=False),
    sa.Column('xero_highest', sa.Integer(), nullable=False),
    sa.Column('taken', sa.Integer(), nullable=False),
    sa.Column('in_use', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.PrimaryKeyConstraint('prefix')
    )


def downgrade() -> None:
    op.drop_table('credit_note_numbering')
    for table in ('credit_refund', 'credit_allocation', 'credit_note_line', 'credit_note'):
        op.drop_table(table)
    with op.batch_alter_table('sync_state') as batch:
        batch.drop_column('credit_notes_read_at')
        batch.drop_column('credit_notes_high_water_mark')
    with op.batch_alter_table('invoice') as batch:
        batch.drop_column('amount_credited')
