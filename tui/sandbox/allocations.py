"""Xero's rules for allocating a credit note's credit to invoices, and for removing an allocation.

An allocation applies part or all of an AUTHORISED credit note to an AUTHORISED invoice of the same contact and
kind (ACCRECCREDIT to ACCREC): no more than the credit note's RemainingCredit nor the invoice's AmountDue. The
invoice's AmountCredited grows and its AmountDue drops; either document with nothing left becomes PAID. Removing
an allocation (DELETE) gives the amount back to both, which are AUTHORISED again. Both documents' UpdatedDateUTC
move, so a reader with If-Modified-Since sees the change on each.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from tui.sandbox.credit_notes import credited_now
from tui.sandbox.invoices import find_invoice
from tui.sandbox.journal import Journal
from tui.sandbox.models import Allocation, CreditNote, Invoice
from tui.sandbox.payments import MSG_NOT_FOUND
from tui.sandbox.wire import money, parse_date, to_decimal

INVOICE_TYPE = {"ACCRECCREDIT": "ACCREC", "ACCPAYCREDIT": "ACCPAY"}
MSG_NOTE_NOT_AUTHORISED = "Only AUTHORISED credit notes can be allocated."
MSG_INVOICE_PAID = "The invoice you are trying to allocate to has already been paid off"
MSG_INVOICE_NOT_AUTHORISED = "Credit notes can only be allocated to AUTHORISED invoices."
MSG_WRONG_TYPE = "Credit Note cannot be allocated to an incorrect invoice type"
MSG_OTHER_CONTACT = "The credit note and the invoice must be for the same contact."
MSG_OVER_INVOICE = "Credit Note cannot be allocated as amount is greater than amount outstanding"
MSG_OVER_CREDIT = "The amount allocated cannot be more than the remaining credit on the credit note."


def _invoice(journal: Journal, raw: dict[str, Any]) -> Invoice | None:
    ref = raw.get("Invoice")
    key = str(ref.get("InvoiceID") or ref.get("InvoiceNumber") or "") if isinstance(ref, dict) else ""
    return find_invoice(journal.org, key) if key else None


def _document_errors(note: CreditNote, invoice: Invoice) -> list[str]:
    errors = []
    if note.status != "AUTHORISED":
        errors.append(MSG_NOTE_NOT_AUTHORISED)
    if invoice.status == "PAID":
        errors.append(MSG_INVOICE_PAID)
    elif invoice.status != "AUTHORISED":
        errors.append(MSG_INVOICE_NOT_AUTHORISED)
    if INVOICE_TYPE[note.type] != invoice.type:
        errors.append(MSG_WRONG_TYPE)
    if note.contact_id != invoice.contact_id:
        errors.append(MSG_OTHER_CONTACT)
    return errors


def _amount_errors(note: CreditNote, invoice: Invoice, amount: Decimal | None) -> list[str]:
    if amount is None or amount <= 0:
        return ["Allocation amount must be greater than zero."]
    errors = []
    if invoice.status == "AUTHORISED" and money(amount) > invoice.amount_due:
        errors.append(MSG_OVER_INVOICE)
    if note.status == "AUTHORISED" and money(amount) > note.remaining_credit:
        errors.append(MSG_OVER_CREDIT)
    return errors


def allocate(journal: Journal, note: CreditNote, raw: dict[str, Any], *,
             now: datetime) -> tuple[Allocation | None, list[str]]:
    """Apply one allocation from a request item to ``note`` and its invoice; the allocation or the errors."""
    note = journal.org.credit_notes[note.credit_note_id]  # as an earlier item of the same request left it
    invoice = _invoice(journal, raw)
    if invoice is None:
        return None, [MSG_NOT_FOUND]
    amount = to_decimal(raw.get("Amount"))
    errors = _document_errors(note, invoice) + _amount_errors(note, invoice, amount)
    on = parse_date(str(raw["Date"])) if raw.get("Date") else None
    if on is None:
        errors.append("Date must be a valid date (YYYY-MM-DD)." if raw.get("Date") else "Date must be specified.")
    if errors:
        return None, errors
    allocation = Allocation(allocation_id=str(uuid.uuid4()), credit_note_id=note.credit_note_id,
                            invoice_id=invoice.invoice_id, amount=money(amount), date=on, updated=now)
    _apply(journal, allocation, allocation.amount, now=now)
    journal.put("allocations", allocation.allocation_id, allocation)
    return allocation, []


def remove_allocation(journal: Journal, note: CreditNote, allocation_id: str, *, now: datetime) -> Allocation | None:
    """Delete one of ``note``'s allocations: the amount goes back to the credit note and to the invoice. None
    when the credit note has no such allocation (or it is deleted already)."""
    allocation = journal.org.allocations.get(allocation_id.lower())
    if allocation is None or allocation.deleted or allocation.credit_note_id != note.credit_note_id:
        return None
    deleted = replace(allocation, deleted=True, updated=now)
    _apply(journal, allocation, -allocation.amount, now=now)
    journal.put("allocations", allocation.allocation_id, deleted)
    return deleted


def _apply(journal: Journal, allocation: Allocation, amount: Decimal, *, now: datetime) -> None:
    """Move ``amount`` of credit (negative: back) from the allocation's credit note onto its invoice."""
    org = journal.org
    note = org.credit_notes[allocation.credit_note_id]
    ids = ([*note.allocation_ids, allocation.allocation_id] if amount > 0
           else [a for a in note.allocation_ids if a != allocation.allocation_id])
    note = credited_now(note, allocated=amount, on=allocation.date, now=now)
    journal.put("credit_notes", note.credit_note_id, replace(note, allocation_ids=ids))
    invoice = org.invoices[allocation.invoice_id]
    invoice = replace(invoice, amount_credited=invoice.amount_credited + amount, updated=now)
    if invoice.status == "AUTHORISED" and invoice.amount_due <= 0:
        invoice = replace(invoice, status="PAID", fully_paid_on=allocation.date)
    elif invoice.status == "PAID" and invoice.amount_due > 0:
        invoice = replace(invoice, status="AUTHORISED", fully_paid_on=None)
    journal.put("invoices", invoice.invoice_id, invoice)
