"""Credit notes and allocations as Xero writes them (the spec's `CreditNote` and `Allocation` components)."""

from __future__ import annotations

from typing import Any

from tui.sandbox.models import Allocation, CreditNote, Organisation
from tui.sandbox.wire import ms_date
from tui.sandbox.xero_json import ONE, contact_ref_json, line_item_json, payment_ref_json


def allocation_json(org: Organisation, allocation: Allocation, *, with_credit_note: bool = True) -> dict[str, Any]:
    """An allocation: the invoice it credits and (outside a credit note) the credit note it comes from;
    `IsDeleted` once removed."""
    invoice = org.invoices[allocation.invoice_id]
    out: dict[str, Any] = {
        "AllocationID": allocation.allocation_id,
        "Amount": allocation.amount,
        "Date": ms_date(allocation.date),
        "Invoice": {"InvoiceID": invoice.invoice_id, "InvoiceNumber": invoice.number, "Type": invoice.type,
                    "AmountDue": invoice.amount_due, "AmountCredited": invoice.amount_credited,
                    "Status": invoice.status, "Payments": [], "CreditNotes": [], "Prepayments": [],
                    "Overpayments": [], "LineItems": [], "HasErrors": False, "IsDiscounted": False},
    }
    if with_credit_note:
        note = org.credit_notes[allocation.credit_note_id]
        out["CreditNote"] = {"CreditNoteID": note.credit_note_id, "CreditNoteNumber": note.number,
                             "Type": note.type, "Status": note.status, "RemainingCredit": note.remaining_credit,
                             "LineItems": []}
    if allocation.deleted:
        out["IsDeleted"] = True
    return out


def credit_note_json(org: Organisation, note: CreditNote, *, unitdp: int = 2, lines: bool = True) -> dict[str, Any]:
    """A credit note; `lines=False` leaves out line items (lists without paging), as for invoices."""
    out: dict[str, Any] = {
        "Type": note.type,
        "CreditNoteID": note.credit_note_id,
        "CreditNoteNumber": note.number,
        "Reference": note.reference,
        "Payments": [payment_ref_json(org.payments[p]) for p in note.payment_ids],
        "Allocations": [allocation_json(org, org.allocations[a], with_credit_note=False)
                        for a in note.allocation_ids],
        "RemainingCredit": note.remaining_credit,
        "SentToContact": note.sent_to_contact,
        "CurrencyRate": ONE,
        "HasAttachments": False,
        "HasErrors": False,
        "Contact": contact_ref_json(org.contacts[note.contact_id]),
    }
    if note.date:
        out["Date"] = ms_date(note.date)
    if note.due_date:
        out["DueDate"] = ms_date(note.due_date)
    out["Status"] = note.status
    out["LineAmountTypes"] = note.line_amount_types
    if lines:
        out["LineItems"] = [line_item_json(line, unitdp) for line in note.line_items]
    out.update({
        "SubTotal": note.sub_total,
        "TotalTax": note.total_tax,
        "Total": note.total,
        "UpdatedDateUTC": ms_date(note.updated),
        "CurrencyCode": note.currency_code,
    })
    if note.fully_paid_on:
        out["FullyPaidOnDate"] = ms_date(note.fully_paid_on)
    return out
