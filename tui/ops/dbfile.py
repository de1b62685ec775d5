"""A tradiecore SQLite database as a file: a consistent copy of a live one, and what a file holds."""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from tui.ops import plural

SQLITE_HEADER = b"SQLite format 3\x00"
#: What makes a SQLite file a tradiecore database: the migrations' version and the business's records.
REQUIRED_TABLES = ("alembic_version", "business", "customer", "invoice")


class BadDatabase(ValueError):
    """The file is not a readable, undamaged tradiecore database; the message says why."""


@dataclass(frozen=True)
class Contents:
    invoices: int
    customers: int
    revision: str

    def summary(self) -> str:
        return f"{plural(self.invoices, 'invoice')} and {plural(self.customers, 'customer')}"


def copy_live(source: Path, target: Path) -> None:
    """Copy the database at ``source`` into the new file ``target`` with SQLite's online backup: one read
    transaction, so the copy is the database as it stood at one instant, while other processes go on writing.
    The copy is a plain (rollback journal) database: the file alone is all of it."""
    mode = os.stat(source).st_mode & 0o666
    os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode))  # the database's own permissions
    src = sqlite3.connect(f"file:{source}?mode=rw", uri=True, timeout=15)
    dst = sqlite3.connect(target)
    try:
        src.execute("PRAGMA busy_timeout=15000")
        src.backup(dst)  # all pages in one step
        dst.execute("PRAGMA journal_mode=DELETE")
    finally:
        dst.close()
        src.close()


def inspect(path: Path) -> Contents:
    """Check ``path`` is an undamaged tradiecore database (integrity check, its tables) and count its records."""
    try:
        with open(path, "rb") as fh:
            header = fh.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise BadDatabase(f"cannot read {path}: {exc.strerror}") from None
    if header != SQLITE_HEADER:
        raise BadDatabase(f"{path} is not a SQLite database")
    conn = sqlite3.connect(f"file:{path}?mode=rw", uri=True, timeout=15)
    try:
        problems = [row[0] for row in conn.execute("PRAGMA integrity_check")]
        if problems != ["ok"]:
            raise BadDatabase(f"{path} is damaged: {problems[0]}")
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        missing = [t for t in REQUIRED_TABLES if t not in tables]
        if missing:
            raise BadDatabase(f"{path} is not a tradiecore database (it has no {missing[0]} table)")
        revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        invoices = conn.execute("SELECT count(*) FROM invoice").fetchone()[0]
        customers = conn.execute("SELECT count(*) FROM customer").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise BadDatabase(f"{path} cannot be read as a database: {exc}") from None
    finally:
        conn.close()
    if revision is None:
        raise BadDatabase(f"{path} is not a tradiecore database (no schema version)")
    return Contents(invoices, customers, revision[0])
