"""Invoices and their lines in the database, as domain objects; plus the To Do read model."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from tui.domain.errors import TransitionError, ValidationError
from tui.domain.invoice import Invoice, InvoiceStatus, LineItem, RevenueCategory
from tui.domain.tax import LineAmountTypes
from tui.store.errors import DuplicateError, NotFound
from tui.store.sync_queue import enqueue_invoice
from tui.store.tables import CustomerRow, InvoiceRow, LineItemRow
from tui.store.versioned import bump_version

NUMBER_PREFIX = "INV-"


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


def send_error(s: Session, invoice_id: int) -> str:
    row = s.get(InvoiceRow, invoice_id)
    return row.send_error if row else ""


def next_number(s: Session) -> str:
    """INV-0001, INV-0002, ...: one more than the highest number of that form."""
    numbers = s.exec(
        select(InvoiceRow.number)
        .where(col(InvoiceRow.number).like(f"{NUMBER_PREFIX}%"))
        .order_by(func.length(InvoiceRow.number).desc(), col(InvoiceRow.number).desc())
        .limit(20)
    ).all()
    highest = max((int(m.group(1)) for n in numbers if (m := re.fullmatch(r"INV-(\d+)", n))), default=0)
    return f"{NUMBER_PREFIX}{highest + 1:04d}"


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
    """Insert or update (at the version it was read) after validating; lines are replaced whole."""
    inv.validate()
    if inv.id is not None:
        stored = s.get(InvoiceRow, inv.id)
        if stored is None:
            raise NotFound("This invoice no longer exists")
        get_invoice(s, inv.id).ensure_editable()
    if s.get(CustomerRow, inv.customer_id) is None:
        raise ValidationError({"customer": "That customer no longer exists"})
    inv.number = inv.number.strip() or next_number(s)
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


def delete_invoice(s: Session, inv: Invoice) -> None:
    stored = get_invoice(s, inv.id)
    stored.ensure_deletable()
    if stored.version != inv.version:
        raise TransitionError("This invoice was changed since you opened it; open it again before deleting")
    s.execute(delete(LineItemRow).where(col(LineItemRow.invoice_id) == inv.id))
    s.execute(delete(InvoiceRow).where(col(InvoiceRow.id) == inv.id))


@dataclass(frozen=True)
class InvoiceSummary:
    id: int
    number: str
    customer: str
    issue_date: date
    due_date: date
    status: InvoiceStatus
    total: Decimal
    amount_paid: Decimal
    note: str = ""  # what a list says the row needs, where its status does not (e.g. "Renumber")

    @property
    def amount_due(self) -> Decimal:
        return self.total - self.amount_paid


@dataclass(frozen=True)
class TodoGroup:
    key: str
    title: str
    count: int
    rows: list[InvoiceSummary]


def _summaries(s: Session, where, order, limit: int) -> list[InvoiceSummary]:
    query = (
        select(InvoiceRow.id, InvoiceRow.number, CustomerRow.name, InvoiceRow.issue_date, InvoiceRow.due_date,
               InvoiceRow.status, InvoiceRow.total, InvoiceRow.amount_paid)
        .join(CustomerRow, col(CustomerRow.id) == col(InvoiceRow.customer_id))
        .where(*where)
        .order_by(*order)
        .limit(limit)
    )
    return [
        InvoiceSummary(id=r[0], number=r[1], customer=r[2], issue_date=r[3], due_date=r[4],
                       status=InvoiceStatus(r[5]), total=r[6], amount_paid=r[7])
        for r in s.exec(query).all()
    ]


def _count(s: Session, where) -> int:
    return s.exec(select(func.count()).select_from(InvoiceRow).where(*where)).one()


def todo_groups(s: Session, today: date, limit: int = 200) -> list[TodoGroup]:
    """What needs action: overdue first, then drafts to send, then sent and awaiting payment.

    Each group gives its full count and at most ``limit`` rows, so 100,000 invoices cost a few indexed queries.
    """
    sent = col(InvoiceRow.status) == InvoiceStatus.SENT.value
    groups = [
        ("overdue", "Overdue", (sent, col(InvoiceRow.due_date) < today), (col(InvoiceRow.due_date), col(InvoiceRow.id))),
        ("drafts", "Drafts to send", (col(InvoiceRow.status) == InvoiceStatus.DRAFT.value,),
         (col(InvoiceRow.issue_date).desc(), col(InvoiceRow.id).desc())),
        ("awaiting", "Awaiting payment", (sent, col(InvoiceRow.due_date) >= today),
         (col(InvoiceRow.due_date), col(InvoiceRow.id))),
    ]
    return [
        TodoGroup(key=key, title=title, count=_count(s, where), rows=_summaries(s, where, order, limit))
        for key, title, where, order in groups
    ]
