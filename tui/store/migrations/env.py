"""Alembic environment: migrations run on the app's own engine, passed in by tui.store.db.migrate."""

from alembic import context
from sqlmodel import SQLModel

import tui.store.changes  # noqa: F401
import tui.store.tables  # noqa: F401  (registers the tables on SQLModel.metadata)

engine = context.config.attributes["engine"]
with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
