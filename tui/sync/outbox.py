"""The sync queue as the sync sees it: what is ready to push, and clearing an entry once Xero has it.

Entries are written by the store (:mod:`tui.store.sync_outbox`), in the same transaction as the change they
stand for; its names (kinds, hold reasons, ``enqueue_invoice``) are the sync's vocabulary too, imported here.
An entry is removed only if its ``seq`` is still the one that was pushed, so an edit made while a push is in
flight is never lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, func, or_, update
from sqlmodel import Session, col, select

from tui.store.sync_outbox import (  # noqa: F401  (re-exported: the sync enqueues and names kinds through here)
    CONTACT,
    HELD_CLASH,
    HELD_CONFLICT,
    HELD_ERROR,
    INVOICE,
    PAYMENT,
    enqueue_contact,
    enqueue_invoice,
)
from tui.store.sync_tables import SyncOutboxRow


@dataclass(frozen=True)
class Entry:
    id: int
    kind: str
    entity_id: int
    seq: int
    attempts: int
    held: str
    backed_off: bool = False  # Xero failed on it before (5xx): it goes in a request of its own


UNAVAILABLE = "unavailable"  # the problem of a record Xero failed on (5xx): tried again later, less and less often
RETRY_FIRST = timedelta(minutes=1)  # a record Xero failed on (5xx) waits this long, then twice as long each time
RETRY_MAX = timedelta(hours=1)  # ... up to this


def retry_delay(attempts: int) -> timedelta:
    """How long a record waits after its ``attempts``-th failure: 1, 2, 4, 8... minutes, at most an hour."""
    return min(RETRY_MAX, RETRY_FIRST * 2 ** min(max(attempts - 1, 0), 16))


def _entry(row: SyncOutboxRow) -> Entry:
    return Entry(row.id, row.kind, row.entity_id, row.seq, row.attempts, row.held, row.next_attempt_at is not None)


def ready(s: Session, kind: str, now: datetime, limit: int) -> list[Entry]:
    """Entries to push now, oldest first: not held, and not waiting for a retry time."""
    rows = s.exec(
        select(SyncOutboxRow)
        .where(
            SyncOutboxRow.kind == kind,
            SyncOutboxRow.held == "",
            or_(col(SyncOutboxRow.next_attempt_at).is_(None), col(SyncOutboxRow.next_attempt_at) <= now),
        )
        .order_by(col(SyncOutboxRow.id))
        .limit(limit)
    ).all()
    return [_entry(r) for r in rows]


def get_entry(s: Session, kind: str, entity_id: int) -> Entry | None:
    row = s.exec(select(SyncOutboxRow).where(SyncOutboxRow.kind == kind, SyncOutboxRow.entity_id == entity_id)).first()
    return _entry(row) if row else None


def complete(s: Session, entry_id: int, seq: int) -> bool:
    """Remove an entry that was pushed at ``seq``; False (entry kept) if it changed since."""
    result = s.execute(delete(SyncOutboxRow).where(col(SyncOutboxRow.id) == entry_id, col(SyncOutboxRow.seq) == seq))
    return result.rowcount == 1


def drop(s: Session, kind: str, entity_id: int) -> None:
    s.execute(delete(SyncOutboxRow).where(col(SyncOutboxRow.kind) == kind, col(SyncOutboxRow.entity_id) == entity_id))


def hold(s: Session, entry_id: int, seq: int, why: str) -> None:
    """Park an entry until the user acts (only if no newer change arrived meanwhile)."""
    s.execute(
        update(SyncOutboxRow)
        .where(col(SyncOutboxRow.id) == entry_id, col(SyncOutboxRow.seq) == seq)
        .values(held=why, attempts=SyncOutboxRow.attempts + 1)
    )


def hold_entity(s: Session, kind: str, entity_id: int, why: str) -> None:
    s.execute(
        update(SyncOutboxRow)
        .where(col(SyncOutboxRow.kind) == kind, col(SyncOutboxRow.entity_id) == entity_id)
        .values(held=why)
    )


def retry_later(s: Session, entry_id: int, now: datetime) -> datetime | None:
    """Xero failed on this entry's record (5xx): it is tried again after :func:`retry_delay` (growing with each
    failure), and until then the pass leaves it. Returns when (None if the entry is gone)."""
    row = s.get(SyncOutboxRow, entry_id)
    if row is None:
        return None
    row.attempts += 1
    row.next_attempt_at = now + retry_delay(row.attempts)
    s.add(row)
    return row.next_attempt_at


def next_attempts(s: Session, kind: str, entity_ids: list[int]) -> dict[int, datetime]:
    """When records waiting after a failure are tried again, by entity id."""
    rows = s.exec(select(SyncOutboxRow.entity_id, SyncOutboxRow.next_attempt_at).where(
        SyncOutboxRow.kind == kind, col(SyncOutboxRow.entity_id).in_(entity_ids),
        col(SyncOutboxRow.next_attempt_at).is_not(None))).all()
    return {entity_id: at for entity_id, at in rows}


def release(s: Session, kind: str | None = None, entity_id: int | None = None, *, conflicts: bool = False) -> int:
    """Retry / Retry all: held entries (errors and clashes; conflicts only if asked) become ready again, and
    entries waiting after Xero failed on them are tried at once."""
    whys = [HELD_ERROR, HELD_CLASH] + ([HELD_CONFLICT] if conflicts else [])
    stmt = update(SyncOutboxRow).where(or_(col(SyncOutboxRow.held).in_(whys), and_(
        SyncOutboxRow.held == "", col(SyncOutboxRow.next_attempt_at).is_not(None))))
    if kind is not None:
        stmt = stmt.where(col(SyncOutboxRow.kind) == kind)
    if entity_id is not None:
        stmt = stmt.where(col(SyncOutboxRow.entity_id) == entity_id)
    return s.execute(stmt.values(held="", next_attempt_at=None)).rowcount


def pending_count(s: Session, kind: str | None = None) -> int:
    q = select(func.count()).select_from(SyncOutboxRow)
    if kind is not None:
        q = q.where(SyncOutboxRow.kind == kind)
    return s.exec(q).one()
