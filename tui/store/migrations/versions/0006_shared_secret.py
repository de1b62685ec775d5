"""The business's shared secrets, encrypted (a site install: every member of the site's group reads them)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('shared_secret',
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('blob', sa.LargeBinary(), nullable=False),  # Fernet-encrypted; the key is the site's key file
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('name')
    )


def downgrade() -> None:
    op.drop_table('shared_secret')
