"""Payments in the database, as domain objects: taking one here, removing one, and the payments Xero reports.

An invoice's ``amount_paid`` is written with its payments in one transaction, and so is the sync queue entry of a
payment taken or removed here (:mod:`tui.store.sync_outbox`). What Xero reports for an invoice (its payments and
AmountPaid) is folded in by :func:`apply_xero_payments`: a payment Xero has that this app sent is the same
payment, never a second one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func
from sqlmodel import Session, col, select

from tui.domain.errors import TransitionError
from tui.domain.invoice import Invoice
from tui.domain.money import ZERO
from tui.domain.payment import (
    DEFAULT_METHOD,
    Payment,
    PaymentMethod,
    PaymentOrigin,
    after_payments,
    ensure_removable,
)
from tui.store.errors import NotFound
from tui.store.invoices import get_invoice, set_amount_paid
from tui.store.sync_outbox import enqueue_payment
from tui.store.tables import PaymentAccountRow, PaymentRow


def payment_of(row: PaymentRow) -> Payment:
    return Payment(
        invoice_id=row.invoice_id, amount=row.amount, date=row.date,
        method=PaymentMethod(row.method) if row.method else None, reference=row.reference,
        origin=PaymentOrigin(row.origin), xero_payment_id=row.xero_payment_id, removed_at=row.removed_at, id=row.id,
    )


def list_payments(s: Session, invoice_id: int) -> list[Payment]:
    """The invoice's payments that count (not removed), oldest first."""
    rows = s.exec(select(PaymentRow).where(PaymentRow.invoice_id == invoice_id, col(PaymentRow.removed_at).is_(None))
                  .order_by(col(PaymentRow.date), col(PaymentRow.id))).all()
    return [payment_of(r) for r in rows]


def has_local_payments(s: Session, invoice_id: int) -> bool:
    return s.exec(select(func.count()).select_from(PaymentRow).where(
        PaymentRow.invoice_id == invoice_id, PaymentRow.origin == PaymentOrigin.LOCAL.value,
        col(PaymentRow.removed_at).is_(None))).one() > 0


def record_payment(s: Session, payment: Payment, version: int, user: str, now: datetime, time_zone: str) -> Invoice:
    """Store a payment made by :func:`tui.domain.payment.new_payment` from the invoice read at ``version``; the
    invoice's amount paid (PAID when nothing is due) and the payment's sync queue entry go with it."""
    inv = get_invoice(s, payment.invoice_id)
    inv.version = version
    row = PaymentRow(invoice_id=payment.invoice_id, amount=payment.amount, date=payment.date,
                     method=payment.method.value if payment.method else "", reference=payment.reference,
                     origin=PaymentOrigin.LOCAL.value, created_at=now, created_by=user)
    s.add(row)
    s.flush()
    enqueue_payment(s, row.id, now)
    payment.id = row.id
    return set_amount_paid(s, after_payments(inv, inv.amount_paid + payment.amount), user, now, time_zone)


def remove_payment(s: Session, payment_id: int, user: str, now: datetime, time_zone: str) -> Invoice:
    """A payment taken here by mistake: it no longer counts (the invoice is Sent again if something is due), and
    the removal waits in the sync queue for Xero."""
    row = s.get(PaymentRow, payment_id)
    if row is None:
        raise NotFound("This payment no longer exists")
    ensure_removable(payment_of(row))
    inv = get_invoice(s, row.invoice_id)
    if inv.status.value == "VOIDED":
        raise TransitionError("This invoice is voided")
    row.removed_at, row.removed_by = now, user
    s.add(row)
    enqueue_payment(s, row.id, now)
    return set_amount_paid(s, after_payments(inv, inv.amount_paid - row.amount), user, now, time_zone)


@dataclass(frozen=True)
class XeroPayment:
    """A payment as Xero lists it on an invoice."""

    payment_id: str
    date: date
    amount: Decimal
    reference: str


def apply_xero_payments(s: Session, invoice_id: int, remote: list[XeroPayment], xero_amount_paid: Decimal,
                        now: datetime) -> Decimal:
    """Fold the payments Xero lists on an invoice into ours; returns the amount paid here.

    A payment Xero has that is ours already (by PaymentID) is left alone. One it has that a request of ours may
    have made without our hearing back (sent, ``idempotency_key`` written, no PaymentID yet: same amount, date
    and reference) is that payment, now linked. Any other was made in Xero and is added. One of ours Xero no
    longer lists was removed in Xero. The amount paid is Xero's, plus what waits to reach Xero here (payments
    taken, less payments removed)."""
    rows = list(s.exec(select(PaymentRow).where(PaymentRow.invoice_id == invoice_id)).all())
    by_id = {r.xero_payment_id: r for r in rows if r.xero_payment_id}
    in_flight = [r for r in rows if not r.xero_payment_id and r.idempotency_key]
    listed = {p.payment_id for p in remote}
    for p in remote:
        if p.payment_id in by_id:
            continue
        mine = next((r for r in in_flight if r.amount == p.amount and r.date == p.date
                     and payment_of(r).xero_reference == p.reference), None)
        if mine is not None:
            in_flight.remove(mine)
            mine.xero_payment_id = p.payment_id
            s.add(mine)
            if mine.removed_at is not None:  # removed here while its request was in flight: Xero must hear it
                enqueue_payment(s, mine.id, now)
            by_id[p.payment_id] = mine
            continue
        row = PaymentRow(invoice_id=invoice_id, amount=p.amount, date=p.date, reference=p.reference,
                         origin=PaymentOrigin.XERO.value, xero_payment_id=p.payment_id, created_at=now,
                         created_by="Xero")
        s.add(row)
        by_id[p.payment_id] = row
    for payment_id, row in by_id.items():
        if payment_id not in listed and row.removed_at is None:
            row.removed_at, row.removed_by = now, "Xero"
            s.add(row)
    waiting = sum((r.amount for r in by_id.values() if r.removed_at is not None and r.xero_payment_id in listed),
                  ZERO)
    to_send = sum((r.amount for r in rows if not r.xero_payment_id and r.removed_at is None), ZERO)
    return xero_amount_paid + to_send - waiting


def payment_accounts(s: Session, tenant_id: str) -> dict[str, PaymentAccountRow]:
    """Method ("Default", "Cash", ...) -> its payment account, for one organisation."""
    rows = s.exec(select(PaymentAccountRow).where(PaymentAccountRow.tenant_id == tenant_id)).all()
    return {r.method: r for r in rows}


def account_for(accounts: dict[str, PaymentAccountRow], method: PaymentMethod) -> PaymentAccountRow | None:
    """The account a method's payments go to: its own, else the default; None when neither is chosen."""
    return accounts.get(method.value) or accounts.get(DEFAULT_METHOD)


def set_payment_account(s: Session, tenant_id: str, method: str, code: str, name: str, account_id: str) -> None:
    row = s.get(PaymentAccountRow, (tenant_id, method)) or PaymentAccountRow(tenant_id=tenant_id, method=method,
                                                                            account_code=code)
    row.account_code, row.account_name, row.account_id = code, name, account_id
    s.add(row)
