"""Where the schema stands, without the database layer: the newest revision read from the migration files, and
a plain SQLite connection to a file that is already at it (for reads on the way to the first screen)."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

MIGRATIONS = Path(__file__).with_name("migrations")
BUSY_TIMEOUT_S = 15

#: The kinds of record the sync keeps (sync_outbox, sync_record): ``tui.store.sync_outbox`` names them too.
INVOICE = "invoice"
CONTACT = "contact"
PAYMENT = "payment"  # a payment taken here, or its removal


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL (None for PostgreSQL and in-memory databases)."""
    if not url.startswith("sqlite"):
        return None
    path = url.split("///", 1)[-1]
    return Path(path) if path and path != ":memory:" else None


def head_revisions() -> set[str]:
    """The newest revision(s), from the migration files' own ``revision`` and ``down_revision`` lines: what Alembic
    would find, without importing Alembic and every migration."""
    revisions: set[str] = set()
    replaced: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        revision = re.search(r"^revision\b[^=]*=\s*['\"]([^'\"]+)['\"]", text, re.M)
        down = re.search(r"^down_revision\b[^=]*=(.*)$", text, re.M)
        if revision is None or down is None:
            raise RuntimeError(f"{path.name} does not say its revision and down_revision")
        revisions.add(revision.group(1))
        replaced.update(re.findall(r"['\"]([^'\"]+)['\"]", down.group(1)))
    return revisions - replaced


def open_current_sqlite(path: Path) -> sqlite3.Connection | None:
    """A connection to the SQLite file at ``path`` when it exists and is at the newest revision; else None (the
    database layer creates or migrates it)."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=rw", uri=True, timeout=BUSY_TIMEOUT_S, check_same_thread=False)
    except sqlite3.Error:
        return None
    try:
        current = {row[0] for row in conn.execute("SELECT version_num FROM alembic_version")} == head_revisions()
    except sqlite3.Error:
        current = False
    if not current:
        conn.close()
        return None
    return conn
