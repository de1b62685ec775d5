"""Xero's rules for invoices: create or update from a request item, status transitions, totals.

Totals follow Xero: each line's amount is quantity x unit amount less any discount, rounded to the cent; tax is
worked out and rounded per line (Exclusive: amount x rate; Inclusive: amount x rate / (1 + rate); NoTax: none),
then summed. Unit amounts are kept to 2 decimals unless the request says `unitdp=4`.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from tui.sandbox.contacts import MSG_IDENTIFY, find_contact
from tui.sandbox.journal import Journal
from tui.sandbox.models import Contact, Invoice, LineItem, Organisation
from tui.sandbox.wire import money, parse_date, round_to, to_decimal

TYPES = ("ACCREC", "ACCPAY")
LINE_AMOUNT_TYPES = ("Exclusive", "Inclusive", "NoTax")
STATUSES = ("DRAFT", "SUBMITTED", "AUTHORISED", "PAID", "VOIDED", "DELETED")
CREATE_STATUSES = ("DRAFT", "SUBMITTED", "AUTHORISED")
TRANSITIONS = {
    "DRAFT": {"DRAFT", "SUBMITTED", "AUTHORISED", "DELETED"},
    "SUBMITTED": {"DRAFT", "SUBMITTED", "AUTHORISED", "DELETED"},
    "AUTHORISED": {"AUTHORISED", "VOIDED"},
    "PAID": {"PAID"},
    "VOIDED": set(),
    "DELETED": set(),
}
ZERO = Decimal("0.00")
SALES_TERMS_DAYS = 14  # the organisations' sales payment terms: due 14 days after the invoice date

MSG_NOT_MODIFIABLE = "Invoice not of valid status for modification"
MSG_HAS_PAYMENTS = "This document cannot be edited as it has a payment or credit note allocated to it."
MSG_UNIQUE_NUMBER = "Invoice # must be unique."
MSG_SENT_TO_CONTACT = "Only AUTHORISED and PAID invoices may have SentToContact updated."


def find_invoice(org: Organisation, key: str) -> Invoice | None:
    """An invoice by InvoiceID, or else by InvoiceNumber."""
    found = org.invoices.get(key.lower())
    if found is not None:
        return found
    return next((i for i in org.invoices.values() if i.number and i.number == key), None)


def number_taken(org: Organisation, number: str, except_id: str | None) -> bool:
    """ACCREC numbers are unique in the organisation, voided and deleted invoices included."""
    wanted = number.strip().casefold()
    return any(
        i.type == "ACCREC" and i.invoice_id != except_id and i.number.strip().casefold() == wanted
        for i in org.invoices.values()
    )


def next_number(org: Organisation) -> str:
    while number_taken(org, f"INV-{org.next_invoice_number:04d}", None):
        org.next_invoice_number += 1
    number = f"INV-{org.next_invoice_number:04d}"
    org.next_invoice_number += 1
    return number


def compute_totals(invoice: Invoice, org: Organisation) -> Invoice:
    """The invoice with each line's amount and tax, and the invoice totals, worked out as Xero does."""
    lines = []
    for line in invoice.line_items:
        amount = line.quantity * line.unit_amount
        if line.discount_rate:
            amount = amount * (Decimal(100) - line.discount_rate) / Decimal(100)
        amount = money(amount)
        rate_record = org.tax_rate(line.tax_type) if line.tax_type else None
        rate = rate_record.rate / Decimal(100) if rate_record else Decimal(0)
        if invoice.line_amount_types == "Exclusive":
            tax = money(amount * rate)
        elif invoice.line_amount_types == "Inclusive":
            tax = money(amount * rate / (1 + rate))
        else:
            tax = ZERO
        lines.append(replace(line, line_amount=amount, tax_amount=tax))
    total_tax = sum((line.tax_amount for line in lines), ZERO)
    gross = sum((line.line_amount for line in lines), ZERO)
    if invoice.line_amount_types == "Inclusive":
        sub_total, total = gross - total_tax, gross
    else:
        sub_total, total = gross, gross + total_tax
    return replace(invoice, line_items=lines, sub_total=sub_total, total_tax=total_tax, total=total)


def _parse_lines(
    org: Organisation, raw_lines: Any, existing: Invoice | None, status: str, unitdp: int, errors: list[str]
) -> list[LineItem]:
    if not isinstance(raw_lines, list):
        errors.append("LineItems must be a list.")
        return []
    old = {line.line_item_id: line for line in existing.line_items} if existing else {}
    lines = []
    for raw in raw_lines:
        if not isinstance(raw, dict):
            errors.append("Each line item must be an object.")
            continue
        lines.append(_parse_line(org, raw, old, status, unitdp, errors))
    return lines


def _parse_line(org: Organisation, raw: dict, old: dict, status: str, unitdp: int, errors: list[str]) -> LineItem:
    """One line item of a request; what is wrong with it goes on ``errors``."""
    quantity, unit = _quantity_and_unit(raw, unitdp, errors)
    discount = to_decimal(raw["DiscountRate"]) if raw.get("DiscountRate") is not None else None
    description = str(raw.get("Description") or "")
    code = str(raw.get("AccountCode") or "")
    tax_type = _tax_type(org, code, str(raw.get("TaxType") or ""), status, errors)
    if not description and not code and not unit:
        errors.append("Description must be specified.")
    line_id = str(raw.get("LineItemID") or "").lower()
    return LineItem(
        line_item_id=line_id if line_id in old else str(uuid.uuid4()),
        description=description,
        quantity=quantity,
        unit_amount=unit,
        account_code=code,
        tax_type=tax_type,
        line_amount=ZERO,
        tax_amount=ZERO,
        item_code=str(raw.get("ItemCode") or ""),
        discount_rate=round_to(discount, 2) if discount is not None else None,
    )


def _quantity_and_unit(raw: dict, unitdp: int, errors: list[str]) -> tuple[Decimal, Decimal]:
    """A line's quantity (1 unless given; 4 decimals) and unit amount (from ``LineAmount`` when only that is given;
    2 decimals, or 4 with ``unitdp=4``)."""
    quantity = to_decimal(raw.get("Quantity", 1))
    unit = to_decimal(raw["UnitAmount"]) if "UnitAmount" in raw else None
    if quantity is None:
        errors.append("Quantity must be a number.")
        quantity = Decimal(1)
    quantity = round_to(quantity, 4)
    if unit is None and "LineAmount" in raw and quantity:
        unit = to_decimal(raw["LineAmount"])
        unit = unit / quantity if unit is not None else None
    if unit is None:
        unit = Decimal(0) if "UnitAmount" not in raw else None
    if unit is None:
        errors.append("UnitAmount must be a number.")
        unit = Decimal(0)
    return quantity, round_to(unit, 4 if unitdp == 4 else 2)


def _tax_type(org: Organisation, code: str, tax_type: str, status: str, errors: list[str]) -> str:
    """A line's tax type: as given, else its account's; the account must be active (and given unless the
    invoice is a draft), the tax rate active."""
    if code:
        account = org.account_by_code(code)
        if account is None:
            errors.append(f"Account code '{code}' is not a valid code for this document.")
        elif account.status != "ACTIVE":
            errors.append(f"Account code '{code}' has been archived, or has been deleted. "
                          "Each line item must reference a valid account.")
        elif not tax_type:
            tax_type = account.tax_type
    elif status not in ("DRAFT", "DELETED"):
        errors.append("Account code must be specified for each line item on an approved invoice.")
    if tax_type:
        rate = org.tax_rate(tax_type)
        if rate is None or rate.status != "ACTIVE":
            errors.append(f"The TaxType code '{tax_type}' does not exist or cannot be used for this "
                          "type of transaction.")
    return tax_type


def _date_field(raw: dict, key: str, current: date | None, errors: list[str]) -> date | None:
    if key not in raw or raw[key] in (None, ""):
        return current
    parsed = parse_date(str(raw[key]))
    if parsed is None:
        errors.append(f"{key} is not a valid date.")
    return parsed


def _resolve_contact(
    journal: Journal, raw: Any, now: datetime, errors: list[str]
) -> Contact | None:
    if not isinstance(raw, dict) or not any(raw.get(k) for k in ("ContactID", "Name", "ContactNumber")):
        errors.append(MSG_IDENTIFY)
        return None
    contact = find_contact(journal.org, raw)
    if contact is not None:
        return contact
    if raw.get("ContactID") or not raw.get("Name"):
        errors.append("Contact could not be found.")
        return None
    return Contact(contact_id=str(uuid.uuid4()), name=str(raw["Name"]).strip(), updated=now,
                   email=str(raw.get("EmailAddress") or ""))


def save_invoice(
    journal: Journal, raw: dict[str, Any], *, now: datetime, unitdp: int, create_only: bool,
    existing: Invoice | None = None,
) -> tuple[Invoice | None, list[str]]:
    """Create (PUT) or create-or-update (POST) one invoice from a request item; the saved invoice or errors."""
    org = journal.org
    if existing is None and not create_only:
        existing, missing = _existing(org, raw)
        if missing:
            return None, [missing]
    errors: list[str] = []
    inv_type, status, refused = _type_and_status(raw, existing, errors)
    if refused:
        return None, [refused]

    contact = existing and org.contacts.get(existing.contact_id)
    new_contact = None
    if existing is None or "Contact" in raw:
        contact = _resolve_contact(journal, raw.get("Contact"), now, errors)
        if contact is not None and contact.contact_id not in org.contacts:
            new_contact = contact
    lat = raw.get("LineAmountTypes", existing.line_amount_types if existing else "Exclusive")
    lat = next((t for t in LINE_AMOUNT_TYPES if isinstance(lat, str) and t.lower() == lat.lower()), lat)
    if lat not in LINE_AMOUNT_TYPES:
        errors.append(f"LineAmountTypes {lat} is not valid; use Exclusive, Inclusive or NoTax.")
    currency = raw.get("CurrencyCode", existing.currency_code if existing else "AUD")
    if currency != "AUD":
        errors.append(f"The organisation is not subscribed to currency {currency}.")
    if "LineItems" in raw:
        lines = _parse_lines(org, raw["LineItems"], existing, status, unitdp, errors)
    else:
        lines = list(existing.line_items) if existing else []
    number = existing.number if existing else ""
    if raw.get("InvoiceNumber") is not None:
        number = str(raw["InvoiceNumber"]).strip()
    if inv_type == "ACCREC" and number and number_taken(org, number, existing.invoice_id if existing else None):
        errors.append(MSG_UNIQUE_NUMBER)
    sent = _sent_to_contact(raw, existing, status, errors)
    inv_date, due_date = _dates(raw, existing, inv_type, now, errors)
    reference = str(raw.get("Reference", existing.reference if existing else "") or "")
    if errors:
        return None, errors

    invoice = compute_totals(Invoice(
        invoice_id=existing.invoice_id if existing else str(uuid.uuid4()),
        type=inv_type, contact_id=contact.contact_id, number=number, status=status, line_amount_types=lat,
        updated=now, date=inv_date, due_date=due_date, reference=reference, currency_code=currency,
        sent_to_contact=sent, line_items=lines,
        amount_paid=existing.amount_paid if existing else ZERO,
        payment_ids=list(existing.payment_ids) if existing else [],
        fully_paid_on=existing.fully_paid_on if existing else None,
        amount_credited=existing.amount_credited if existing else ZERO,
    ), org)
    if invoice.total < 0:
        return None, ["Invoice total cannot be negative."]
    return _store(journal, invoice, contact, new_contact, now), []


def _existing(org: Organisation, raw: dict[str, Any]) -> tuple[Invoice | None, str]:
    """The invoice a POST item updates (by InvoiceID, else by ACCREC InvoiceNumber), or None to create one; the
    error when the InvoiceID given is no invoice's."""
    if raw.get("InvoiceID"):
        existing = org.invoices.get(str(raw["InvoiceID"]).lower())
        if existing is None:
            return None, "An existing Invoice with the specified InvoiceID could not be found"
        return existing, ""
    if raw.get("InvoiceNumber"):
        return next((i for i in org.invoices.values()
                     if i.type == "ACCREC" and i.number == raw["InvoiceNumber"]), None), ""
    return None, ""


def _type_and_status(raw: dict[str, Any], existing: Invoice | None, errors: list[str]) -> tuple[str, str, str]:
    """The invoice's type and its status after this request, and the refusal that ends the request ("" if none).
    A status an invoice cannot be created with goes on ``errors``."""
    inv_type = existing.type if existing else raw.get("Type")
    if inv_type not in TYPES:
        return inv_type, "", "Invoice Type must be ACCREC or ACCPAY."
    old_status = existing.status if existing else None
    status = raw.get("Status", old_status or "DRAFT")
    if status not in STATUSES:
        return inv_type, status, f"Status {status} is not a valid invoice status."
    if existing is None and status not in CREATE_STATUSES:
        errors.append(f"Invoices cannot be created with a status of {status}.")
    if existing is not None:
        if old_status in ("VOIDED", "DELETED") or status not in TRANSITIONS[old_status]:
            return inv_type, status, MSG_NOT_MODIFIABLE
        edits_money = any(k in raw for k in ("LineItems", "LineAmountTypes", "Contact", "CurrencyCode"))
        if existing.amount_paid + existing.amount_credited > 0 and (edits_money or status == "VOIDED"):
            return inv_type, status, MSG_HAS_PAYMENTS
    return inv_type, status, ""


def _sent_to_contact(raw: dict[str, Any], existing: Invoice | None, status: str, errors: list[str]) -> Any:
    """SentToContact after this request: a boolean, set only on an approved invoice."""
    sent = raw.get("SentToContact", existing.sent_to_contact if existing else False)
    if not isinstance(sent, bool):
        errors.append("SentToContact must be true or false.")
    elif sent and not (existing and existing.sent_to_contact) and status not in ("AUTHORISED", "PAID"):
        errors.append(MSG_SENT_TO_CONTACT)
    return sent


def _dates(raw: dict[str, Any], existing: Invoice | None, inv_type: str, now: datetime,
           errors: list[str]) -> tuple[date | None, date | None]:
    """The invoice's date (today when new and not given) and due date (a sales invoice's defaults to the sales
    terms after its date)."""
    inv_date = _date_field(raw, "Date", existing.date if existing else now.date(), errors)
    due_date = _date_field(raw, "DueDate", existing.due_date if existing else None, errors)
    if due_date is None and inv_date is not None and inv_type == "ACCREC":
        due_date = inv_date + timedelta(days=SALES_TERMS_DAYS)
    return inv_date, due_date


def _store(journal: Journal, invoice: Invoice, contact: Contact, new_contact: Contact | None,
           now: datetime) -> Invoice:
    """Save the invoice (a sales invoice without a number takes the next one), with its new contact, and mark
    its contact a customer (or a supplier)."""
    org = journal.org
    if new_contact is not None:
        journal.put("contacts", new_contact.contact_id, new_contact)
    flag = "is_customer" if invoice.type == "ACCREC" else "is_supplier"
    if not getattr(contact, flag):
        journal.put("contacts", contact.contact_id, replace(contact, **{flag: True}, updated=now))
    if invoice.type == "ACCREC" and not invoice.number:
        invoice = replace(invoice, number=next_number(org))
    journal.put("invoices", invoice.invoice_id, invoice)
    return invoice
