"""Engine, connection settings and migrations.

SQLite (default): a file in the data dir, WAL journal, foreign keys on, a busy timeout so several app processes
on one shop server share it safely. PostgreSQL: any ``postgresql+psycopg://`` URL. Alembic brings an empty or
older database up to date on start; one already at the newest revision costs one read of ``alembic_version``
(Alembic itself is imported only to migrate).

Every process closes its engines on the way out (:func:`close_engine`; :func:`close_all` for whatever a command
left open): the WAL is checkpointed into the main file, so the ``.db`` file alone holds every committed row
whenever no other process is in the middle of a read.
"""

from __future__ import annotations

import sqlite3
import weakref
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, create_engine

import tui.store.changes  # noqa: F401  (announces every committed change: session events)
from tui.store.fairness import watch
from tui.store.schema import BUSY_TIMEOUT_S, MIGRATIONS, head_revisions, sqlite_path

_engines: "weakref.WeakSet[Engine]" = weakref.WeakSet()  # made here and not closed yet


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = sqlite_path(url)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_S, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_S * 1000}")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

    else:
        engine = create_engine(url, pool_pre_ping=True)
    watch(engine)
    _engines.add(engine)
    return engine


def checkpoint(path: Path) -> bool:
    """Copy SQLite's WAL into the main file and empty it (``wal_checkpoint(TRUNCATE)``); True when done.

    Harmless while other processes have the database open: it never waits (busy timeout 0), so a reader in the
    middle of a transaction just leaves the WAL for later (False). A file that does not exist is not created.
    """
    try:
        conn = sqlite3.connect(f"file:{path}?mode=rw", uri=True, timeout=0)
    except sqlite3.Error:
        return False
    try:
        busy, _frames, _done = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        return busy == 0
    except sqlite3.Error:  # read-only for this user, not a database, locked: the WAL stays, nothing is lost
        return False
    finally:
        conn.close()  # the last connection of all processes to close also removes the -wal file


def close_engine(engine: Engine) -> None:
    """Close the pooled connections and, on SQLite, checkpoint the WAL into the main file."""
    _engines.discard(engine)
    engine.dispose()
    path = sqlite_path(str(engine.url))
    if path is not None and path.exists():
        checkpoint(path)


def close_all() -> None:
    """:func:`close_engine` for every engine this process made and has not closed (at the end of a command)."""
    for engine in list(_engines):
        close_engine(engine)


def alembic_config(engine: Engine):
    from alembic.config import Config as AlembicConfig

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def stored_revisions(engine: Engine) -> set[str]:
    """The revision(s) the database says it is at (empty for a new database)."""
    try:
        with engine.connect() as c:
            return {row[0] for row in c.exec_driver_sql("SELECT version_num FROM alembic_version")}
    except DBAPIError:  # no alembic_version table: nothing migrated yet
        return set()


def migrate(engine: Engine) -> None:
    """Create or upgrade the schema to the newest revision (nothing but one read when it is there already)."""
    if schema_is_current(engine):
        return
    from alembic import command

    command.upgrade(alembic_config(engine), "head")


def schema_is_current(engine: Engine) -> bool:
    """The database is at the newest revision (False for an empty one)."""
    return stored_revisions(engine) == head_revisions()


@contextmanager
def session(engine: Engine) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error: nothing is saved half-way."""
    with Session(engine, expire_on_commit=False) as s:
        try:
            yield s
            s.commit()
        except BaseException:
            s.rollback()
            raise
