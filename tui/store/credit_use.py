"""A credit note's credit used: allocations to invoices and refunds, made here or read back from Xero.

Every change to them recounts, in the same transaction, the credit note's amounts allocated and refunded (its
state follows: :func:`tui.domain.credit.after_use`) and each invoice's amount credited (PAID when nothing is due,
SENT again when a removal leaves something due); one made or removed here is queued for Xero with it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import update
from sqlmodel import Session, col, select

from tui.domain.credit import Allocation, Refund, after_use, ensure_removable
from tui.domain.credit_note import CreditNote, CreditNoteStatus
from tui.domain.invoice import Invoice, InvoiceStatus
from tui.domain.money import ZERO, format_money
from tui.domain.payment import PaymentMethod, PaymentOrigin, after_payments
from tui.store.credit_notes import get_credit_note, set_state
from tui.store.credit_tables import CreditAllocationRow, CreditNoteRow, CreditRefundRow
from tui.store.errors import NotFound
from tui.store.invoices import get_invoice
from tui.store.sync_outbox import ALLOCATION, CREDIT_NOTE, REFUND, enqueue
from tui.store.tables import InvoiceRow


def allocation_of(row: CreditAllocationRow) -> Allocation:
    return Allocation(credit_note_id=row.credit_note_id, invoice_id=row.invoice_id, amount=row.amount,
                      date=row.date, origin=PaymentOrigin(row.origin), xero_allocation_id=row.xero_allocation_id,
                      removed_at=row.removed_at, id=row.id)


def refund_of(row: CreditRefundRow) -> Refund:
    return Refund(credit_note_id=row.credit_note_id, amount=row.amount, date=row.date,
                  method=PaymentMethod(row.method) if row.method else None, reference=row.reference,
                  origin=PaymentOrigin(row.origin), xero_payment_id=row.xero_payment_id, removed_at=row.removed_at,
                  id=row.id)


def list_allocations(s: Session, credit_note_id: int) -> list[Allocation]:
    """The credit note's allocations that count (not removed), oldest first."""
    rows = s.exec(select(CreditAllocationRow).where(CreditAllocationRow.credit_note_id == credit_note_id,
                                                    col(CreditAllocationRow.removed_at).is_(None))
                  .order_by(col(CreditAllocationRow.date), col(CreditAllocationRow.id))).all()
    return [allocation_of(r) for r in rows]


def list_refunds(s: Session, credit_note_id: int) -> list[Refund]:
    rows = s.exec(select(CreditRefundRow).where(CreditRefundRow.credit_note_id == credit_note_id,
                                                col(CreditRefundRow.removed_at).is_(None))
                  .order_by(col(CreditRefundRow.date), col(CreditRefundRow.id))).all()
    return [refund_of(r) for r in rows]


@dataclass(frozen=True)
class InvoiceCredit:
    """One credit note's allocation to an invoice, as the invoice editor lists it beside its payments."""

    allocation_id: int
    credit_note_id: int
    number: str
    amount: Decimal
    date: date
    origin: PaymentOrigin

    @property
    def label(self) -> str:
        return f"Credited {format_money(self.amount)} by {self.number}"


def invoice_credits(s: Session, invoice_id: int) -> list[InvoiceCredit]:
    rows = s.exec(select(CreditAllocationRow, CreditNoteRow.number)
                  .join(CreditNoteRow, col(CreditNoteRow.id) == col(CreditAllocationRow.credit_note_id))
                  .where(CreditAllocationRow.invoice_id == invoice_id, col(CreditAllocationRow.removed_at).is_(None))
                  .order_by(col(CreditAllocationRow.date), col(CreditAllocationRow.id))).all()
    return [InvoiceCredit(a.id, a.credit_note_id, number, a.amount, a.date, PaymentOrigin(a.origin))
            for a, number in rows]


def unused_credit(s: Session, customer_id: int) -> Decimal:
    """What the customer's sent credit notes have left to use."""
    rows = s.exec(select(CreditNoteRow.total, CreditNoteRow.amount_allocated, CreditNoteRow.amount_refunded)
                  .where(CreditNoteRow.customer_id == customer_id,
                         col(CreditNoteRow.status).in_([CreditNoteStatus.SENT.value,
                                                        CreditNoteStatus.PART_ALLOCATED.value]))).all()
    return sum((total - allocated - refunded for total, allocated, refunded in rows), ZERO)


def recount_credit_note(s: Session, credit_note_id: int, user: str, now: datetime) -> CreditNote:
    """The credit note's amounts allocated and refunded from its rows that count (and what Xero allocated to
    invoices that are not ours); its state follows."""
    note = get_credit_note(s, credit_note_id)
    if note.status in (CreditNoteStatus.DRAFT, CreditNoteStatus.VOIDED):
        return note
    allocations = [allocation_of(r) for r in s.exec(select(CreditAllocationRow).where(
        CreditAllocationRow.credit_note_id == credit_note_id))]
    elsewhere = s.get(CreditNoteRow, credit_note_id).amount_elsewhere  # to invoices Xero has and we do not
    if elsewhere:
        allocations.append(Allocation(credit_note_id, 0, elsewhere, note.issue_date))
    refunds = s.exec(select(CreditRefundRow).where(CreditRefundRow.credit_note_id == credit_note_id))
    try:
        new = after_use(note, allocations, [refund_of(r) for r in refunds])
    except ValueError:  # Xero's own count (read back) is the truth there: more used than we know of locally
        return note
    if (new.status, new.amount_allocated, new.amount_refunded) != (note.status, note.amount_allocated,
                                                                   note.amount_refunded):
        s.execute(update(CreditNoteRow).where(col(CreditNoteRow.id) == credit_note_id)
                  .values(status=new.status.value, amount_allocated=new.amount_allocated,
                          amount_refunded=new.amount_refunded, updated_at=now, updated_by=user,
                          version=CreditNoteRow.version + 1))
        new.version = note.version + 1
    return new


def recount_invoice(s: Session, invoice_id: int, user: str, now: datetime) -> Invoice:
    """The invoice's amount credited from the allocations to it that count; PAID / SENT follows."""
    inv = get_invoice(s, invoice_id)
    credited = sum((a for a in s.exec(select(CreditAllocationRow.amount).where(
        CreditAllocationRow.invoice_id == invoice_id, col(CreditAllocationRow.removed_at).is_(None)))), ZERO)
    new = replace(inv, amount_credited=credited)
    if new.status is not InvoiceStatus.VOIDED:
        new = after_payments(new, new.amount_paid)
    if (new.amount_credited, new.status) != (inv.amount_credited, inv.status):
        s.execute(update(InvoiceRow).where(col(InvoiceRow.id) == invoice_id)
                  .values(amount_credited=new.amount_credited, status=new.status.value, updated_at=now,
                          updated_by=user, version=InvoiceRow.version + 1))
        new.version = inv.version + 1
    return new


def lock_for_use(s: Session, credit_note_id: int, invoice_id: int | None = None) -> None:
    """Take the credit note's row (then the invoice's) for this transaction, as its first statements: of two people
    using the same credit (or crediting the same invoice) at once, the second waits, then reads what the first
    committed, so together they never use more than there is. Credit note first, then invoice, always."""
    s.execute(update(CreditNoteRow).where(col(CreditNoteRow.id) == credit_note_id)
              .values(version=CreditNoteRow.version))
    if invoice_id is not None:
        s.execute(update(InvoiceRow).where(col(InvoiceRow.id) == invoice_id).values(version=InvoiceRow.version))


def add_allocation(s: Session, note: CreditNote, invoice: Invoice, amount: Decimal, on: date, user: str,
                   now: datetime, time_zone: str) -> CreditNote:
    """Store an allocation made here (checked by :func:`tui.domain.credit.new_allocation`), queued for Xero."""
    row = CreditAllocationRow(credit_note_id=note.id, invoice_id=invoice.id, amount=amount, date=on,
                              origin=PaymentOrigin.LOCAL.value, created_at=now, created_by=user)
    s.add(row)
    s.flush()
    enqueue(s, ALLOCATION, row.id, now)
    recount_invoice(s, invoice.id, user, now)
    return recount_credit_note(s, note.id, user, now)


def remove_allocation(s: Session, allocation_id: int, user: str, now: datetime) -> CreditNote:
    """An allocation made here by mistake: it no longer counts, and the removal waits in the sync outbox."""
    row = s.get(CreditAllocationRow, allocation_id)
    if row is None:
        raise NotFound("This allocation no longer exists")
    lock_for_use(s, row.credit_note_id, row.invoice_id)
    s.refresh(row)
    ensure_removable(allocation_of(row))
    row.removed_at, row.removed_by = now, user
    s.add(row)
    s.flush()
    enqueue(s, ALLOCATION, row.id, now)
    recount_invoice(s, row.invoice_id, user, now)
    return recount_credit_note(s, row.credit_note_id, user, now)


def add_refund(s: Session, refund: Refund, user: str, now: datetime) -> CreditNote:
    """Store a refund made here (checked by :func:`tui.domain.credit.new_refund`), queued for Xero."""
    row = CreditRefundRow(credit_note_id=refund.credit_note_id, amount=refund.amount, date=refund.date,
                          method=refund.method.value if refund.method else "", reference=refund.reference,
                          origin=PaymentOrigin.LOCAL.value, created_at=now, created_by=user)
    s.add(row)
    s.flush()
    refund.id = row.id
    enqueue(s, REFUND, row.id, now)
    return recount_credit_note(s, refund.credit_note_id, user, now)


def remove_refund(s: Session, refund_id: int, user: str, now: datetime) -> CreditNote:
    row = s.get(CreditRefundRow, refund_id)
    if row is None:
        raise NotFound("This refund no longer exists")
    lock_for_use(s, row.credit_note_id)
    s.refresh(row)
    ensure_removable(refund_of(row))
    row.removed_at, row.removed_by = now, user
    s.add(row)
    s.flush()
    enqueue(s, REFUND, row.id, now)
    return recount_credit_note(s, row.credit_note_id, user, now)


def void_credit_note(s: Session, note: CreditNote, user: str, now: datetime, time_zone: str) -> CreditNote:
    """Void a sent credit note read at ``note.version`` with nothing allocated or refunded; queued for Xero."""
    stored = get_credit_note(s, note.id)
    stored.version = note.version
    voided = set_state(s, stored.voided(), user, now, time_zone)
    enqueue(s, CREDIT_NOTE, voided.id, now)
    return voided
