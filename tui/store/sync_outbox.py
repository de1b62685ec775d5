"""The queue of changes that must reach Xero: the half the store writes, in the same transaction as the change.

One entry per record (``kind``, ``entity_id``): a second edit before the first is pushed bumps the entry's
``seq`` instead of adding a row, so ten edits cost one write to Xero. The entry only says *that* a record
must be pushed; the push reads the record as it is at that moment. The half that reads and clears the queue
is the sync's (:mod:`tui.sync.outbox`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import case, literal
from sqlmodel import Session, select

from tui.store.schema import CONTACT, INVOICE, PAYMENT  # noqa: F401  (the kinds, named here for the sync)
from tui.store.sync_tables import SyncOutboxRow

HELD_CONFLICT = "conflict"  # waits until the user resolves the conflict
HELD_ERROR = "error"  # Xero refused it; waits for an edit or Retry
HELD_CLASH = "clash"  # its number is taken in Xero; waits for a renumber or Retry


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


def enqueue_payment(s: Session, payment_id: int, now: datetime) -> None:
    enqueue(s, PAYMENT, payment_id, now)
