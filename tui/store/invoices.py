"""Invoices and their lines in the database, as domain objects (To Do's read model: :mod:`tui.store.todo`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete
from sqlmodel import Session, col, select

from tui.domain.errors import TransitionError, ValidationError
from tui.domain.invoice import Invoice, InvoiceStatus, LineItem, RevenueCategory
from tui.domain.tax import LineAmountTypes
from tui.store.errors import DuplicateError, NotFound, SendClaimed
from tui.store.numbering import take_number
from tui.store.sync_outbox import enqueue_invoice
from tui.store.tables import CustomerRow, InvoiceRow, LineItemRow
from tui.store.versioned import bump_version, local_hhmm

def _to_domain(row: InvoiceRow, lines: list[LineItemRow]) -> Invoice:
    return Invoice(
        customer_id=row.customer_id,
        issue_date=row.issue_date,
        due_date=row.due_date,
        lines=[
            LineItem(
                description=li.description, quantity=li.quantity, unit_price=li.unit_price,
                category=RevenueCategory(li.category), tax_type=li.tax_type,
            )
            for li in sorted(lines, key=lambda li: li.position)
        ],
        number=row.number,
        reference=row.reference,
        amounts=LineAmountTypes(row.amounts),
        status=InvoiceStatus(row.status),
        amount_paid=row.amount_paid,
        sent_at=row.sent_at,
        sent_to=row.sent_to,
        id=row.id,
        version=row.version,
    )


def get_invoice(s: Session, invoice_id: int) -> Invoice:
    row = s.get(InvoiceRow, invoice_id)
    if row is None:
        raise NotFound("This invoice no longer exists")
    lines = s.exec(select(LineItemRow).where(LineItemRow.invoice_id == invoice_id)).all()
    return _to_domain(row, list(lines))


@dataclass(frozen=True)
class NewerInvoice:
    """An invoice as stored now, written since the copy someone holds: by whom ("Xero", "sync", a user) and when."""

    invoice: Invoice
    by: str
    at: datetime


def newer_invoice(s: Session, invoice_id: int, version: int) -> NewerInvoice | None:
    """The stored invoice when it moved on from ``version`` (a pull, a conflict resolved, another person's save);
    None while ``version`` is still the latest. NotFound once it was deleted."""
    row = s.get(InvoiceRow, invoice_id)
    if row is None:
        raise NotFound("This invoice no longer exists")
    if row.version == version:
        return None
    return NewerInvoice(get_invoice(s, invoice_id), row.updated_by, row.updated_at)


def send_error(s: Session, invoice_id: int) -> str:
    row = s.get(InvoiceRow, invoice_id)
    return row.send_error if row else ""


def claimed_error(row: InvoiceRow, time_zone: str) -> SendClaimed:
    """Who claimed (or made) the send of this invoice, and when: the sentence a second sender gets."""
    at = row.send_claimed_at or row.sent_at or row.updated_at
    return SendClaimed(row.number, row.send_by or row.updated_by, at, local_hhmm(at, time_zone),
                       done=row.status != InvoiceStatus.DRAFT.value)


def _ensure_not_being_sent(row: InvoiceRow, time_zone: str) -> None:
    """A draft whose send is under way (:mod:`tui.store.sends`) is neither saved nor deleted meanwhile."""
    if row.send_id and row.status == InvoiceStatus.DRAFT.value:
        raise claimed_error(row, time_zone)


def _check_number_free(s: Session, number: str, invoice_id: int | None) -> None:
    clash = s.exec(select(InvoiceRow.id).where(InvoiceRow.number == number)).first()
    if clash is not None and clash != invoice_id:
        raise DuplicateError("number", f"Invoice number {number} is already used")


def _row_values(inv: Invoice) -> dict:
    return {
        "number": inv.number, "customer_id": inv.customer_id, "issue_date": inv.issue_date,
        "due_date": inv.due_date, "reference": inv.reference.strip(), "amounts": inv.amounts.value,
        "status": inv.status.value, "total": inv.totals.total, "amount_paid": inv.amount_paid,
        "sent_at": inv.sent_at, "sent_to": inv.sent_to,
    }


def _write_lines(s: Session, invoice_id: int, lines: list[LineItem]) -> None:
    s.execute(delete(LineItemRow).where(col(LineItemRow.invoice_id) == invoice_id))
    for position, line in enumerate(lines):
        s.add(LineItemRow(
            invoice_id=invoice_id, position=position, description=line.description.strip(),
            quantity=line.quantity, unit_price=line.unit_price, category=line.category.value,
            tax_type=line.tax_type,
        ))


def save_invoice(s: Session, inv: Invoice, user: str, now: datetime, time_zone: str) -> Invoice:
    """Insert or update (at the version it was read) after validating; lines are replaced whole. A blank number
    takes the next one (:func:`~tui.store.numbering.take_number`) as the transaction's first statement."""
    inv.validate()
    number = inv.number.strip() or take_number(s)
    if inv.id is not None:
        stored = s.get(InvoiceRow, inv.id)
        if stored is None:
            raise NotFound("This invoice no longer exists")
        _ensure_not_being_sent(stored, time_zone)
        get_invoice(s, inv.id).ensure_editable()
    if s.get(CustomerRow, inv.customer_id) is None:
        raise ValidationError({"customer": "That customer no longer exists"})
    inv.number = number
    _check_number_free(s, inv.number, inv.id)
    values = _row_values(inv) | {"updated_at": now, "updated_by": user}
    if inv.id is None:
        row = InvoiceRow(**values, version=1)
        s.add(row)
        s.flush()
        inv.id, inv.version = row.id, 1
    else:
        inv.version = bump_version(s, InvoiceRow, inv.id, inv.version, values, "invoice", time_zone)
    _write_lines(s, inv.id, inv.lines)
    _enqueue_for_xero(s, inv, now)
    return inv


def _enqueue_for_xero(s: Session, inv: Invoice, now: datetime) -> None:
    """A sent (or later) invoice's change must reach Xero: its sync queue entry joins this same transaction."""
    if inv.status is not InvoiceStatus.DRAFT:
        enqueue_invoice(s, inv.id, now)


def set_status(s: Session, inv: Invoice, user: str, now: datetime, time_zone: str, send_error: str = "") -> Invoice:
    """Write a state change (sent, voided) made by the domain at the version it was read."""
    values = _row_values(inv) | {"updated_at": now, "updated_by": user, "send_error": send_error}
    inv.version = bump_version(s, InvoiceRow, inv.id, inv.version, values, "invoice", time_zone)
    _enqueue_for_xero(s, inv, now)
    return inv


def set_amount_paid(s: Session, inv: Invoice, user: str, now: datetime, time_zone: str) -> Invoice:
    """Write the amount paid and status a payment taken or removed here came to, at the version it was read;
    the invoice itself has nothing new for Xero (the payment has its own sync queue entry)."""
    values = {"amount_paid": inv.amount_paid, "status": inv.status.value, "updated_at": now, "updated_by": user}
    inv.version = bump_version(s, InvoiceRow, inv.id, inv.version, values, "invoice", time_zone)
    return inv


def write_from_xero(s: Session, inv: Invoice, now: datetime, time_zone: str, by: str = "Xero") -> Invoice:
    """Write a change that came from Xero (pull or merge): no validation, no sync queue entry, version bumped.

    ``inv.version`` must be the version the change was computed from; an editor holding an older copy then
    gets "changed by Xero at HH:MM" when it saves.
    """
    _check_number_free(s, inv.number, inv.id)
    values = _row_values(inv) | {"updated_at": now, "updated_by": by}
    inv.version = bump_version(s, InvoiceRow, inv.id, inv.version, values, "invoice", time_zone)
    _write_lines(s, inv.id, inv.lines)
    return inv


def record_send_error(s: Session, invoice_id: int, message: str) -> None:
    row = s.get(InvoiceRow, invoice_id)
    if row is not None:
        row.send_error = message
        s.add(row)


def delete_invoice(s: Session, inv: Invoice, time_zone: str = "UTC") -> None:
    row = s.get(InvoiceRow, inv.id)
    if row is not None:
        _ensure_not_being_sent(row, time_zone)
    stored = get_invoice(s, inv.id)
    stored.ensure_deletable()
    if stored.version != inv.version:
        raise TransitionError("This invoice was changed since you opened it; open it again before deleting")
    s.execute(delete(LineItemRow).where(col(LineItemRow.invoice_id) == inv.id))
    s.execute(delete(InvoiceRow).where(col(InvoiceRow.id) == inv.id))
