"""Optimistic locking: a save names the version it started from; a newer one in the database refuses it."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlmodel import Session

from tui.store.errors import ConflictError, NotFound


def bump_version(s: Session, table, row_id: int, expected: int, values: dict, what: str, time_zone: str) -> int:
    """UPDATE ... WHERE version = expected; returns the new version or raises ConflictError / NotFound."""
    new_version = expected + 1
    result = s.execute(
        update(table)
        .where(table.id == row_id, table.version == expected)
        .values(**values, version=new_version)
    )
    if result.rowcount == 1:
        return new_version
    current = s.get(table, row_id)
    if current is None:
        raise NotFound(f"This {what} no longer exists")
    s.refresh(current)
    raise ConflictError(what, current.updated_by, current.updated_at, local_hhmm(current.updated_at, time_zone))


def local_hhmm(at: datetime, time_zone: str) -> str:
    return at.astimezone(ZoneInfo(time_zone)).strftime("%H:%M")
