"""Xero token sets in the database, encrypted (for several machines sharing one PostgreSQL database)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('xero_token_set',
    sa.Column('tenant_id', sa.String(), nullable=False),
    sa.Column('blob', sa.LargeBinary(), nullable=False),  # Fernet-encrypted; the key is in each machine's secrets
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('tenant_id')
    )


def downgrade() -> None:
    op.drop_table('xero_token_set')
