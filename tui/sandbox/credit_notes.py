"""Xero's rules for credit notes: create or update from a request item, status transitions, totals.

Lines, tax and totals are worked out exactly as an invoice's (`tui.sandbox.invoices.compute_totals`). ACCRECCREDIT
numbers are unique in the organisation and, when not given, taken as `CN-0001`, `CN-0002`, ... (Xero's default
credit note prefix). A credit note is allocated to invoices (`tui.sandbox.allocations`) or paid out as a refund
(`tui.sandbox.refunds`) only while AUTHORISED; at no credit left it is PAID. While anything is allocated or paid
from it, its amounts cannot change and it cannot be voided, as for an invoice with a payment. `Allocations` in a
credit note's body are not applied: Xero takes allocations only through `PUT /CreditNotes/{id}/Allocations`.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import replace
from datetime import datetime
from typing import Any

from tui.sandbox.invoices import (
    LINE_AMOUNT_TYPES,
    MSG_HAS_PAYMENTS,
    MSG_SENT_TO_CONTACT,
    TRANSITIONS,
    ZERO,
    _date_field,
    _parse_lines,
    _resolve_contact,
    compute_totals,
)
from tui.sandbox.journal import Journal
from tui.sandbox.models import Contact, CreditNote, Organisation

TYPES = ("ACCRECCREDIT", "ACCPAYCREDIT")
STATUSES = ("DRAFT", "SUBMITTED", "DELETED", "AUTHORISED", "PAID", "VOIDED")
CREATE_STATUSES = ("DRAFT", "SUBMITTED", "AUTHORISED")
NUMBER_PREFIX = "CN-"
_NUMBER = re.compile(re.escape(NUMBER_PREFIX) + r"(\d+)")
MONEY_FIELDS = ("LineItems", "LineAmountTypes", "Contact", "CurrencyCode")

MSG_NOT_FOUND = "An existing Credit Note with the specified CreditNoteID could not be found"
MSG_NOT_MODIFIABLE = "Credit note not of valid status for modification"
MSG_UNIQUE_NUMBER = "Credit Note # must be unique."


def find_credit_note(org: Organisation, key: str) -> CreditNote | None:
    """A credit note by CreditNoteID, or else by CreditNoteNumber."""
    found = org.credit_notes.get(key.lower())
    if found is not None:
        return found
    return next((c for c in org.credit_notes.values() if c.number and c.number == key), None)


def number_taken(org: Organisation, number: str, except_id: str | None) -> bool:
    """ACCRECCREDIT numbers are unique in the organisation, voided and deleted credit notes included."""
    wanted = number.strip().casefold()
    return any(c.type == "ACCRECCREDIT" and c.credit_note_id != except_id and c.number.strip().casefold() == wanted
               for c in org.credit_notes.values())


def next_number(org: Organisation) -> str:
    """One above the highest CN-NNNN the organisation holds."""
    highest = max((int(m.group(1)) for c in org.credit_notes.values() if (m := _NUMBER.fullmatch(c.number))),
                  default=0)
    return f"{NUMBER_PREFIX}{highest + 1:04d}"


def _existing(org: Organisation, raw: dict, create_only: bool) -> tuple[CreditNote | None, list[str]]:
    """The credit note a POST item names (by CreditNoteID, else CreditNoteNumber), if any."""
    if create_only:
        return None, []
    if raw.get("CreditNoteID"):
        found = org.credit_notes.get(str(raw["CreditNoteID"]).lower())
        return found, [] if found is not None else [MSG_NOT_FOUND]
    if raw.get("CreditNoteNumber"):
        return next((c for c in org.credit_notes.values()
                     if c.type == "ACCRECCREDIT" and c.number == raw["CreditNoteNumber"]), None), []
    return None, []


def _status_errors(raw: dict, existing: CreditNote | None, status: Any) -> list[str]:
    """Errors that stop the item before anything else is read: type, status and what a used credit note allows."""
    note_type = existing.type if existing else raw.get("Type")
    if note_type not in TYPES:
        return ["Credit Note Type must be ACCRECCREDIT or ACCPAYCREDIT."]
    if status not in STATUSES:
        return [f"Status {status} is not a valid credit note status."]
    if existing is None:
        return [] if status in CREATE_STATUSES else [f"Credit notes cannot be created with a status of {status}."]
    if existing.status in ("VOIDED", "DELETED") or status not in TRANSITIONS[existing.status]:
        return [MSG_NOT_MODIFIABLE]
    used = existing.amount_allocated + existing.amount_paid > 0
    if used and (any(k in raw for k in MONEY_FIELDS) or status == "VOIDED"):
        return [MSG_HAS_PAYMENTS]
    return []


def _sent_to_contact(raw: dict, existing: CreditNote | None, status: str, errors: list[str]) -> bool:
    sent = raw.get("SentToContact", existing.sent_to_contact if existing else False)
    if not isinstance(sent, bool):
        errors.append("SentToContact must be true or false.")
        return False
    if sent and not (existing and existing.sent_to_contact) and status not in ("AUTHORISED", "PAID"):
        errors.append(MSG_SENT_TO_CONTACT.replace("invoices", "credit notes"))
    return sent


def _build(journal: Journal, raw: dict, existing: CreditNote | None, status: str, *, now: datetime,
           unitdp: int, errors: list[str]) -> tuple[CreditNote, Contact] | None:
    """The credit note the item describes (totals not yet worked out) and its contact (perhaps new), or None with
    ``errors`` filled."""
    org = journal.org
    contact = existing and org.contacts.get(existing.contact_id)
    if existing is None or "Contact" in raw:
        contact = _resolve_contact(journal, raw.get("Contact"), now, errors)
    lat = raw.get("LineAmountTypes", existing.line_amount_types if existing else "Exclusive")
    lat = next((t for t in LINE_AMOUNT_TYPES if isinstance(lat, str) and t.lower() == lat.lower()), lat)
    if lat not in LINE_AMOUNT_TYPES:
        errors.append(f"LineAmountTypes {lat} is not valid; use Exclusive, Inclusive or NoTax.")
    currency = raw.get("CurrencyCode", existing.currency_code if existing else "AUD")
    if currency != "AUD":
        errors.append(f"The organisation is not subscribed to currency {currency}.")
    lines = (_parse_lines(org, raw["LineItems"], existing, status, unitdp, errors) if "LineItems" in raw
             else list(existing.line_items) if existing else [])
    number = str(raw["CreditNoteNumber"]).strip() if raw.get("CreditNoteNumber") is not None else (
        existing.number if existing else "")
    note_type = existing.type if existing else raw["Type"]
    note_id = existing.credit_note_id if existing else str(uuid.uuid4())
    if note_type == "ACCRECCREDIT" and number and number_taken(org, number, note_id):
        errors.append(MSG_UNIQUE_NUMBER)
    sent = _sent_to_contact(raw, existing, status, errors)
    note_date = _date_field(raw, "Date", existing.date if existing else now.date(), errors)
    due_date = _date_field(raw, "DueDate", existing.due_date if existing else None, errors)
    if errors:
        return None
    base = existing or CreditNote(credit_note_id=note_id, type=note_type, contact_id="", number="", status=status,
                                  line_amount_types=lat, updated=now)
    return replace(base, contact_id=contact.contact_id, number=number, status=status, line_amount_types=lat,
                   updated=now, date=note_date, due_date=due_date, currency_code=currency, sent_to_contact=sent,
                   line_items=lines, reference=str(raw.get("Reference", base.reference) or "")), contact


def save_credit_note(journal: Journal, raw: dict[str, Any], *, now: datetime, unitdp: int, create_only: bool,
                     existing: CreditNote | None = None) -> tuple[CreditNote | None, list[str]]:
    """Create (PUT) or create-or-update (POST) one credit note from a request item; the saved note or errors."""
    org = journal.org
    if existing is None:
        existing, errors = _existing(org, raw, create_only)
        if errors:
            return None, errors
    status = raw.get("Status", existing.status if existing else "DRAFT")
    errors = _status_errors(raw, existing, status)
    if errors:
        return None, errors
    built = _build(journal, raw, existing, status, now=now, unitdp=unitdp, errors=errors)
    if built is None:
        return None, errors
    note, contact = compute_totals(built[0], org), built[1]
    if note.total < 0:
        return None, ["Credit note total cannot be negative."]
    flag = "is_customer" if note.type == "ACCRECCREDIT" else "is_supplier"
    if note.contact_id not in org.contacts or not getattr(contact, flag):
        journal.put("contacts", contact.contact_id, replace(contact, **{flag: True}, updated=now))
    if note.type == "ACCRECCREDIT" and not note.number:
        note = replace(note, number=next_number(org))
    journal.put("credit_notes", note.credit_note_id, note)
    return note, []


def credited_now(note: CreditNote, *, allocated: Any = ZERO, paid: Any = ZERO, on: Any = None,
                 now: datetime) -> CreditNote:
    """The credit note with ``allocated`` and ``paid`` added (negative to give back): PAID at no credit left,
    AUTHORISED again when credit comes back."""
    out = replace(note, amount_allocated=note.amount_allocated + allocated, amount_paid=note.amount_paid + paid,
                  updated=now)
    if out.remaining_credit <= 0 and out.status == "AUTHORISED":
        return replace(out, status="PAID", fully_paid_on=on)
    if out.remaining_credit > 0 and out.status == "PAID":
        return replace(out, status="AUTHORISED", fully_paid_on=None)
    return out
