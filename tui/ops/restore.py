"""``tradiecore restore FILE``: put a backup in place of the business's SQLite database, only while nothing has
the database open, keeping the old database aside.

"Nothing has it open": no process of any user holds SQLite's locks on the database or its ``-shm`` file
(:mod:`tui.ops.inuse`), and no sync holds a live lease in it (a syncer between two passes).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from datetime import datetime
from pathlib import Path

from tui.clock import utc_now
from tui.ops import fail, first_line
from tui.ops.dbfile import BadDatabase, inspect
from tui.ops.inuse import CannotTell, openers

PG_RESTORE_ADVICE = ("this business's database is PostgreSQL: restore a pg_dump backup with pg_restore "
                     "(e.g. pg_restore --clean --dbname=DBNAME FILE) while tradiecore is stopped")
STOP_FIRST = "quit the app in every session and stop the sync service (systemctl stop tradiecore-sync)"


def _known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    from tui.store.db import alembic_config

    return {script.revision for script in ScriptDirectory.from_config(alembic_config(None)).walk_revisions()}


def _live_syncers(db: Path, now: datetime) -> list[str]:
    """Labels of the live sync leases in the database (a syncer between passes keeps its lease). A database
    too damaged to read has none that counts: nothing has it open, and replacing it is what restore is for."""
    from sqlalchemy.exc import SQLAlchemyError
    from sqlmodel import Session, select

    from tui.store.db import close_engine, make_engine
    from tui.store.sync_tables import SyncLeaseRow

    engine = make_engine(f"sqlite:///{db}")
    try:
        with Session(engine) as s:
            return [row.holder_label for row in s.exec(select(SyncLeaseRow)).all() if row.expires_at >= now]
    except SQLAlchemyError:
        return []
    finally:
        close_engine(engine)


def in_use(db: Path, now: datetime) -> str:
    """Why ``db`` must not be replaced now ("" when nothing has it open)."""
    found = openers(db)
    if found:
        who = "; ".join(str(o) for o in found[:3]) + (f" and {len(found) - 3} more" if len(found) > 3 else "")
        return f"the database is open in {who}"
    syncers = _live_syncers(db, now)
    if syncers:
        return f"the sync runs in {syncers[0]}"
    return ""


def _same_owner_and_mode(path: Path, like: Path) -> None:
    """Give the restored file the old database's permissions and, where allowed (root), its owner and group:
    restored by root, it stays the business's, writable by the service and the staff's group."""
    st = os.stat(like)
    try:
        os.chown(path, st.st_uid, st.st_gid)
    except PermissionError:  # not root: the file is this user's, as the old one was if the app could use it
        pass
    os.chmod(path, st.st_mode & 0o7777)


def restore(cfg, source: Path) -> int:
    from tui.store.db import checkpoint, close_engine, make_engine, migrate, sqlite_path

    db = sqlite_path(cfg.database_url)
    if db is None:
        return fail(PG_RESTORE_ADVICE, 2)
    source = source.absolute()
    if not source.is_file():
        return fail(f"there is no file {source}")
    now = utc_now()
    try:
        if db.exists():
            busy = in_use(db, now)
            if busy:
                return fail(f"not restored: {busy}; {STOP_FIRST}, then try again")
    except CannotTell as exc:
        return fail(f"not restored: {exc}")

    db.parent.mkdir(parents=True, exist_ok=True)
    incoming = db.with_name(f".{db.name}.{os.getpid()}.restoring")
    aside = None
    try:
        shutil.copyfile(source, incoming)
        contents = inspect(incoming)
        if contents.revision not in _known_revisions():
            return fail(f"not restored: {source} was made by a newer tradiecore (database version "
                        f"{contents.revision}); install that version first")
        if db.exists():
            _same_owner_and_mode(incoming, db)
            checkpoint(db)  # nothing has it open: the old database becomes one file
            aside = db.with_name(f"{db.name}.before-restore-{now:%Y%m%dT%H%M%SZ}")
            for suffix in ("", "-wal"):
                if Path(f"{db}{suffix}").exists():
                    os.replace(f"{db}{suffix}", f"{aside}{suffix}")
            Path(f"{db}-shm").unlink(missing_ok=True)
        os.replace(incoming, db)
    except BadDatabase as exc:
        return fail(f"not restored: {exc}")
    except (OSError, sqlite3.Error) as exc:
        return fail(f"not restored: {exc}")
    finally:
        incoming.unlink(missing_ok=True)
    engine = make_engine(cfg.database_url)
    try:
        migrate(engine)  # a backup from an older tradiecore is brought up to date now, not at the next start
    except Exception as exc:
        return fail(f"restored {source}, but bringing it up to date failed: {first_line(exc)}")
    finally:
        close_engine(engine)
    kept = f"; the old database is kept as {aside}" if aside else ""
    print(f"Restored {contents.summary()} from {source}{kept}")
    return 0
