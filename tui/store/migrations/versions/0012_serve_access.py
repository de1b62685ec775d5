"""serve access: one-time sign-in links and browser sessions of `tradiecore serve`, stored as digests

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel
import tui.store.column_types


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('serve_link',
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('user_name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('created_at', tui.store.column_types.UTCDateTime(), nullable=False),
    sa.Column('expires_at', tui.store.column_types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('token_hash')
    )
    with op.batch_alter_table('serve_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_serve_link_user_name'), ['user_name'], unique=False)
    op.create_table('serve_session',
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('user_name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('origin', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('created_at', tui.store.column_types.UTCDateTime(), nullable=False),
    sa.Column('expires_at', tui.store.column_types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('token_hash')
    )
    with op.batch_alter_table('serve_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_serve_session_user_name'), ['user_name'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('serve_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_serve_session_user_name'))
    op.drop_table('serve_session')
    with op.batch_alter_table('serve_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_serve_link_user_name'))
    op.drop_table('serve_link')
