"""How the Sync screen names a problem of a credit note, of an allocation or of a refund: "CN-0003 Olivia Nguyen",
with the invoice it was made from (or the allocation's invoice) to open."""

from __future__ import annotations

from sqlmodel import Session

from tui.store.credit_tables import CreditAllocationRow, CreditNoteRow, CreditRefundRow
from tui.store.sync_outbox import ALLOCATION, CREDIT_NOTE, REFUND
from tui.store.tables import CustomerRow

KINDS = (CREDIT_NOTE, ALLOCATION, REFUND)
RETRIED_CODES = (CREDIT_NOTE, ALLOCATION, REFUND)  # Xero's refusals, which Retry all tries again


def credit_title(s: Session, kind: str, entity_id: int) -> tuple[str, int | None] | None:
    """(title, invoice id or None) of the record a problem is on; None when it no longer exists."""
    row = s.get({CREDIT_NOTE: CreditNoteRow, ALLOCATION: CreditAllocationRow, REFUND: CreditRefundRow}[kind],
                entity_id)
    if row is None:
        return None
    note = row if kind == CREDIT_NOTE else s.get(CreditNoteRow, row.credit_note_id)
    if note is None:
        return None
    customer = s.get(CustomerRow, note.customer_id)
    invoice_id = row.invoice_id if kind == ALLOCATION else note.invoice_id
    return f"{note.number} {customer.name if customer else ''}".strip(), invoice_id
