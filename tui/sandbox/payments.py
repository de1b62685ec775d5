"""Xero's rules for payments against invoices: the invoice's AmountDue drops, and at zero it becomes PAID.
Deleting a payment (``Status: DELETED``) gives its amount back to the invoice, which is AUTHORISED again."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from tui.sandbox.invoices import find_invoice
from tui.sandbox.journal import Journal
from tui.sandbox.models import Account, Organisation, Payment
from tui.sandbox.wire import money, parse_date, to_decimal

MSG_NOT_FOUND = "The document with the supplied id was not found for this endpoint."
MSG_TOO_MUCH = "Payment amount exceeds the amount outstanding on this document"
MSG_DELETED_ALREADY = "This payment has already been deleted."


def _account(org: Organisation, ref: Any) -> Account | None:
    if not isinstance(ref, dict):
        return None
    if ref.get("AccountID"):
        return org.accounts.get(str(ref["AccountID"]).lower())
    if ref.get("Code"):
        return org.account_by_code(str(ref["Code"]))
    return None


def new_payment(org: Organisation, raw: dict[str, Any], *, status: str, outstanding: Decimal,
                now: datetime) -> tuple[Payment | None, list[str]]:
    """A payment from a request item against a document in ``status`` with ``outstanding`` left on it, not yet
    tied to the document (the caller sets ``invoice_id`` or ``credit_note_id``); or the errors."""
    errors: list[str] = []
    account = _account(org, raw.get("Account"))
    if account is None or account.status != "ACTIVE":
        errors.append("Account could not be found.")
    elif account.type != "BANK" and not account.enable_payments:
        errors.append("Payments can only be made to bank accounts or accounts with payments enabled.")
    if status != "AUTHORISED":
        errors.append("Payments can only be made against AUTHORISED documents.")
    amount = to_decimal(raw.get("Amount"))
    if amount is None or amount <= 0:
        errors.append("Payment amount must be greater than zero.")
    elif status == "AUTHORISED" and money(amount) > outstanding:
        errors.append(MSG_TOO_MUCH)
    pay_date = parse_date(str(raw["Date"])) if raw.get("Date") else now.date()
    if pay_date is None:
        errors.append("Date is not a valid date.")
    if errors:
        return None, errors
    return Payment(payment_id=str(uuid.uuid4()), invoice_id="", account_id=account.account_id, date=pay_date,
                   amount=money(amount), updated=now, reference=str(raw.get("Reference") or "")), []


def save_payment(journal: Journal, raw: dict[str, Any], *, now: datetime) -> tuple[Payment | None, list[str]]:
    """Apply one payment from a request item to its invoice; the stored payment or the errors."""
    org = journal.org
    if raw.get("PaymentID") or raw.get("Status") == "DELETED":
        return delete_payment(journal, raw, now=now)
    ref = raw.get("Invoice")
    key = ""
    if isinstance(ref, dict):
        key = str(ref.get("InvoiceID") or ref.get("InvoiceNumber") or "")
    invoice = find_invoice(org, key) if key else None
    if invoice is None:
        return None, [MSG_NOT_FOUND]
    payment, errors = new_payment(org, raw, status=invoice.status, outstanding=invoice.amount_due, now=now)
    if payment is None:
        return None, errors
    payment = replace(payment, invoice_id=invoice.invoice_id)
    pay_date = payment.date
    paid = invoice.amount_paid + payment.amount
    fully_paid = paid + invoice.amount_credited >= invoice.total
    journal.put("payments", payment.payment_id, payment)
    journal.put("invoices", invoice.invoice_id, replace(
        invoice, amount_paid=paid, payment_ids=[*invoice.payment_ids, payment.payment_id], updated=now,
        status="PAID" if fully_paid else invoice.status,
        fully_paid_on=pay_date if fully_paid else invoice.fully_paid_on,
    ))
    return payment, []


def delete_payment(journal: Journal, raw: dict[str, Any], *, now: datetime) -> tuple[Payment | None, list[str]]:
    """``{"PaymentID": ..., "Status": "DELETED"}``: the payment is DELETED and its invoice owes its amount again.
    A payment's other fields cannot be changed."""
    org = journal.org
    payment = org.payments.get(str(raw.get("PaymentID") or "").lower())
    if payment is None:
        return None, [MSG_NOT_FOUND]
    if raw.get("Status") != "DELETED":
        return None, ["A payment can only be deleted: Status must be DELETED."]
    if payment.status == "DELETED":
        return None, [MSG_DELETED_ALREADY]
    invoice = org.invoices[payment.invoice_id]
    deleted = replace(payment, status="DELETED", updated=now)
    journal.put("payments", payment.payment_id, deleted)
    journal.put("invoices", invoice.invoice_id, replace(
        invoice, amount_paid=invoice.amount_paid - payment.amount, updated=now,
        payment_ids=[p for p in invoice.payment_ids if p != payment.payment_id],
        status="AUTHORISED" if invoice.status == "PAID" else invoice.status, fully_paid_on=None,
    ))
    return deleted, []
