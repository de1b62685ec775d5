"""change log: each committed change to the records, for the other sessions to notice (SQLite)

Revision ID: 0009_sessions
Revises: 0008
Create Date: 2026-12-07
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel
import tui.store.types


revision = '0009_sessions'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('change_log',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=True),
    sa.Column('at', tui.store.types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )


def downgrade() -> None:
    op.drop_table('change_log')
