"""The outbox: every change that must reach Xero, written in the same transaction as the change itself.

One entry per record (``kind``, ``entity_id``): a second edit before the first is pushed bumps the entry's
``seq`` instead of adding a row, so ten edits cost one write to Xero. The entry only says *that* a record
must be pushed; the push reads the record as it is at that moment. An entry is removed only if its ``seq``
is still the one that was pushed, so an edit made while a push is in flight is never lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, delete, func, literal, or_, update
from sqlmodel import Session, col, select

from tui.store.sync_tables import SyncOutboxRow

INVOICE = "invoice"
CONTACT = "contact"

HELD_CONFLICT = "conflict"  # waits until the user resolves the conflict
HELD_ERROR = "error"  # Xero refused it; waits for an edit or Retry
HELD_CLASH = "clash"  # its number is taken in Xero; waits for a renumber or Retry


@dataclass(frozen=True)
class Entry:
    id: int
    kind: str
    entity_id: int
    seq: int
    attempts: int
    held: str


def _entry(row: SyncOutboxRow) -> Entry:
    return Entry(row.id, row.kind, row.entity_id, row.seq, row.attempts, row.held)


def enqueue(s: Session, kind: str, entity_id: int, now: datetime) -> None:
    """Mark a record as needing a push, inside the caller's transaction (coalesces with a pending entry).

    A new change releases an entry held for an error or a number clash (the edit may be the fix) but not
    one held for a conflict, which only the user's choice releases.
    """
    table = SyncOutboxRow.__table__
    dialect = s.get_bind().dialect.name
    values = dict(kind=kind, entity_id=entity_id, seq=1, created_at=now, updated_at=now, attempts=0, held="")
    on_conflict = dict(
        seq=table.c.seq + 1,
        updated_at=now,
        attempts=0,
        next_attempt_at=None,
    )
    if dialect in ("sqlite", "postgresql"):
        if dialect == "sqlite":
            from sqlalchemy.dialects.sqlite import insert
        else:
            from sqlalchemy.dialects.postgresql import insert
        stmt = insert(table).values(**values)
        on_conflict["held"] = case((table.c.held == HELD_CONFLICT, HELD_CONFLICT), else_=literal(""))
        s.execute(stmt.on_conflict_do_update(index_elements=["kind", "entity_id"], set_=on_conflict))
        return
    row = s.exec(select(SyncOutboxRow).where(SyncOutboxRow.kind == kind, SyncOutboxRow.entity_id == entity_id)).first()
    if row is None:
        s.add(SyncOutboxRow(**values))
    else:
        row.seq += 1
        row.updated_at = now
        row.attempts = 0
        row.next_attempt_at = None
        if row.held != HELD_CONFLICT:
            row.held = ""
        s.add(row)


def enqueue_invoice(s: Session, invoice_id: int, now: datetime) -> None:
    enqueue(s, INVOICE, invoice_id, now)


def enqueue_contact(s: Session, customer_id: int, now: datetime) -> None:
    enqueue(s, CONTACT, customer_id, now)


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


def retry_later(s: Session, entry_id: int, at: datetime) -> None:
    s.execute(
        update(SyncOutboxRow)
        .where(col(SyncOutboxRow.id) == entry_id)
        .values(next_attempt_at=at, attempts=SyncOutboxRow.attempts + 1)
    )


def release(s: Session, kind: str | None = None, entity_id: int | None = None, *, conflicts: bool = False) -> int:
    """Retry / Retry all: held entries (errors and clashes; conflicts only if asked) become ready again."""
    whys = [HELD_ERROR, HELD_CLASH] + ([HELD_CONFLICT] if conflicts else [])
    stmt = update(SyncOutboxRow).where(col(SyncOutboxRow.held).in_(whys))
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


def pending_ids(s: Session, kind: str) -> set[int]:
    return set(s.exec(select(SyncOutboxRow.entity_id).where(SyncOutboxRow.kind == kind)).all())
