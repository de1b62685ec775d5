"""A new Xero connection waits for its revenue accounts to be chosen before the sync sends anything

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Connections made before this revision have been syncing already: they are not waiting.
    with op.batch_alter_table('xero_connection') as batch:
        batch.add_column(sa.Column('accounts_pending', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('xero_connection') as batch:
        batch.drop_column('accounts_pending')
