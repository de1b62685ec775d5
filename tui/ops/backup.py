"""``tradiecore backup FILE``: a consistent copy of the business's SQLite database while the app and the sync
run, checked by opening it (integrity check, counts) before it gets its name."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from tui.ops import fail
from tui.ops.dbfile import BadDatabase, copy_live, inspect
from tui.store.db import sqlite_path

PG_DUMP_ADVICE = ("this business's database is PostgreSQL: back it up with PostgreSQL's own tools, e.g. "
                  "pg_dump --format=custom --file=FILE DBNAME (restore with pg_restore)")


def backup(cfg, target: Path, *, force: bool = False) -> int:
    source = sqlite_path(cfg.database_url)
    if source is None:
        return fail(PG_DUMP_ADVICE, 2)
    if not source.exists():
        return fail(f"there is no database to back up at {source}")
    target = target.absolute()
    if target.is_dir():
        return fail(f"{target} is a folder; give the backup's file name")
    if target.exists() and not force:
        return fail(f"{target} already exists; choose another name, or add --force to overwrite it")
    if not target.parent.is_dir():
        return fail(f"there is no folder {target.parent}")
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        copy_live(source, partial)
        contents = inspect(partial)
        if force:
            os.replace(partial, target)
        else:
            os.link(partial, target)  # never over a file that appeared meanwhile
    except FileExistsError:
        return fail(f"{target} already exists; choose another name, or add --force to overwrite it")
    except BadDatabase as exc:
        return fail(f"the backup failed its check: {exc}")
    except (OSError, sqlite3.Error) as exc:
        return fail(f"the backup failed: {exc}")
    finally:
        partial.unlink(missing_ok=True)
    print(f"Backed up {contents.summary()} to {target}")
    return 0
