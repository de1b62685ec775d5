"""a send is claimed before its email goes (who, when, a send id); invoice numbers are taken under a lock row that
also keeps the highest number Xero holds for the prefix

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

from alembic import op
import sqlalchemy as sa
import tui.store.column_types


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('invoice') as batch:
        batch.add_column(sa.Column('send_id', sa.String(), nullable=False, server_default=''))
        batch.add_column(sa.Column('send_by', sa.String(), nullable=False, server_default=''))
        batch.add_column(sa.Column('send_claimed_at', tui.store.column_types.UTCDateTime(), nullable=True))
        batch.add_column(sa.Column('send_holder', sa.String(), nullable=False, server_default=''))
    numbering = op.create_table(
        'invoice_numbering',
        sa.Column('prefix', sa.String(), nullable=False),
        sa.Column('xero_highest', sa.Integer(), nullable=False, server_default='0'),
        sa.Column('taken', sa.Integer(), nullable=False, server_default='0'),
        sa.PrimaryKeyConstraint('prefix'),
    )
    op.bulk_insert(numbering, [{'prefix': 'INV-', 'xero_highest': 0, 'taken': 0}])


def downgrade() -> None:
    op.drop_table('invoice_numbering')
    with op.batch_alter_table('invoice') as batch:
        batch.drop_column('send_holder')
        batch.drop_column('send_claimed_at')
        batch.drop_column('send_by')
        batch.drop_column('send_id')
