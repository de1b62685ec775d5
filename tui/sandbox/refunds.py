"""Payments against credit notes (refunds): `PUT /Payments` with a `CreditNote` instead of an `Invoice`.

The same rules as a payment on an invoice (`tui.sandbox.payments.new_payment`): an active bank account (or one
with payments enabled), an AUTHORISED credit note, an amount above zero and no more than its RemainingCredit. The
credit note's RemainingCredit drops and at zero it is PAID. Deleting the payment gives the credit back.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from tui.sandbox.credit_notes import credited_now, find_credit_note
from tui.sandbox.journal import Journal
from tui.sandbox.models import Payment
from tui.sandbox.payments import MSG_DELETED_ALREADY, MSG_NOT_FOUND, new_payment, save_payment


def save_any_payment(journal: Journal, raw: dict[str, Any], *, now: datetime) -> tuple[Payment | None, list[str]]:
    """One item of `PUT/POST /Payments`: a refund, a refund's deletion, or (else) a payment on an invoice."""
    org = journal.org
    existing = org.payments.get(str(raw.get("PaymentID") or "").lower())
    if existing is not None and existing.credit_note_id:
        return delete_refund(journal, existing, raw, now=now)
    if not raw.get("PaymentID") and isinstance(raw.get("CreditNote"), dict) and not raw.get("Invoice"):
        return save_refund(journal, raw, now=now)
    return save_payment(journal, raw, now=now)


def save_refund(journal: Journal, raw: dict[str, Any], *, now: datetime) -> tuple[Payment | None, list[str]]:
    org = journal.org
    ref = raw["CreditNote"]
    key = str(ref.get("CreditNoteID") or ref.get("CreditNoteNumber") or "")
    note = find_credit_note(org, key) if key else None
    if note is None:
        return None, [MSG_NOT_FOUND]
    payment, errors = new_payment(org, raw, status=note.status, outstanding=note.remaining_credit, now=now)
    if payment is None:
        return None, errors
    payment = replace(payment, credit_note_id=note.credit_note_id)
    journal.put("payments", payment.payment_id, payment)
    note = credited_now(note, paid=payment.amount, on=payment.date, now=now)
    journal.put("credit_notes", note.credit_note_id,
                replace(note, payment_ids=[*note.payment_ids, payment.payment_id]))
    return payment, []


def delete_refund(journal: Journal, payment: Payment, raw: dict[str, Any], *,
                  now: datetime) -> tuple[Payment | None, list[str]]:
    if raw.get("Status") != "DELETED":
        return None, ["A payment can only be deleted: Status must be DELETED."]
    if payment.status == "DELETED":
        return None, [MSG_DELETED_ALREADY]
    deleted = replace(payment, status="DELETED", updated=now)
    journal.put("payments", payment.payment_id, deleted)
    note = journal.org.credit_notes[payment.credit_note_id]
    note = credited_now(note, paid=-payment.amount, now=now)
    journal.put("credit_notes", note.credit_note_id,
                replace(note, payment_ids=[p for p in note.payment_ids if p != payment.payment_id]))
    return deleted, []
