"""A customer changed differently here and in Xero: its conflicting fields, and the user's choice per field.

The same choice as an invoice's (:func:`tui.sync.status.resolve_conflicts`): "local" keeps ours (it is pushed),
"remote" takes Xero's (written here). Afterwards the customer syncs normally again.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from tui.store.customers import get_customer, write_customer_from_xero
from tui.store.errors import NotFound
from tui.store.sync_tables import SyncConflictRow
from tui.sync import outbox, records
from tui.sync.contact_view import LABELS, changed_fields, customer_view


def open_contact_conflicts(s: Session, customer_id: int | None = None) -> list:
    """Open conflicts of customers; "ours" is the customer's value now (edited again since, it is that edit the
    user keeps or not)."""
    from tui.sync.status import ConflictView

    q = select(SyncConflictRow).where(col(SyncConflictRow.resolved_at).is_(None),
                                      col(SyncConflictRow.kind) == outbox.CONTACT)
    if customer_id is not None:
        q = q.where(SyncConflictRow.invoice_id == customer_id)
    out = []
    for r in s.exec(q.order_by(col(SyncConflictRow.id))).all():
        try:
            ours = customer_view(get_customer(s, r.invoice_id)).get(r.field, json.loads(r.local))
        except NotFound:
            continue
        out.append(ConflictView(r.id, r.invoice_id, r.field, LABELS.get(r.field, r.field), json.loads(r.base), ours,
                                json.loads(r.remote), r.created_at))
    return out


def resolve_contact_conflicts(s: Session, customer_id: int, choices: dict[str, str], now: datetime,
                              time_zone: str) -> None:
    conflicts = open_contact_conflicts(s, customer_id)
    customer = get_customer(s, customer_id)
    taken = {c.field: c.remote for c in conflicts if choices.get(c.field, "local") == "remote"}
    if taken:
        customer = write_customer_from_xero(s, replace(customer, **taken), now, time_zone, by="sync")
    s.execute(update(SyncConflictRow).where(col(SyncConflictRow.kind) == outbox.CONTACT,
                                            col(SyncConflictRow.invoice_id) == customer_id,
                                            col(SyncConflictRow.resolved_at).is_(None))
              .values(resolved_at=now, resolution=json.dumps(choices)))
    records.clear_error(s, outbox.CONTACT, customer_id)
    snapshot = records.snapshot_of(records.get_record(s, outbox.CONTACT, customer_id))
    if snapshot is not None and not changed_fields(customer_view(customer), snapshot):
        outbox.drop(s, outbox.CONTACT, customer_id)  # Xero's kept throughout: nothing to push
    else:
        outbox.enqueue_contact(s, customer_id, now)
        outbox.release(s, outbox.CONTACT, customer_id, conflicts=True)
    records.log(s, now, f"{customer.name}: conflict resolved", customer_id=customer_id)
