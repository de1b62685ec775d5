"""Invoices and customers <-> Xero's JSON (field for field as in Xero's OpenAPI spec). Money stays Decimal.

Also the *view* of an invoice used for three-way merges: only what both sides can hold (number, reference,
dates, amounts type, lines as Xero sees them, status), as plain JSON-able values, so a snapshot stored at one
sync compares equal to the same invoice read back later.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Mapping

from tui.domain.invoice import Invoice, InvoiceStatus, LineItem, RevenueCategory
from tui.domain.money import ZERO, cents
from tui.domain.tax import LineAmountTypes
from tui.store.payments import XeroPayment
from tui.xero import wire

DEFAULT_ACCOUNT_CODE = "200"  # Xero's "Sales" account in a new organisation

# Xero invoice status -> ours. SUBMITTED/AUTHORISED are "sent" for us; DELETED only happens to drafts in Xero.
_STATUS_FROM_XERO = {
    "DRAFT": InvoiceStatus.SENT,
    "SUBMITTED": InvoiceStatus.SENT,
    "AUTHORISED": InvoiceStatus.SENT,
    "PAID": InvoiceStatus.PAID,
    "VOIDED": InvoiceStatus.VOIDED,
    "DELETED": InvoiceStatus.VOIDED,
}

AccountCodes = Mapping[RevenueCategory, str]


def needs_unitdp4(inv: Invoice) -> bool:
    """More than two decimals in a unit price or quantity: the request must carry ``unitdp=4``."""
    return any(_places(li.unit_price) > 2 or _places(li.quantity) > 2 for li in inv.lines)


def _places(value: Decimal) -> int:
    exp = value.normalize().as_tuple().exponent
    return -exp if isinstance(exp, int) and exp < 0 else 0


def num(value: Decimal) -> str:
    """A Decimal as a canonical string: 2, 2.5, 289.95 (no trailing zeros, never exponent form)."""
    text = format(Decimal(value).normalize(), "f")
    return text if text != "-0" else "0"


def dec(value) -> Decimal:
    if value is None:
        return ZERO
    return value if isinstance(value, Decimal) else Decimal(str(value))


# -- invoices -------------------------------------------------------------------------------------------------

def account_code(category: RevenueCategory, codes: AccountCodes) -> str:
    return codes.get(category) or DEFAULT_ACCOUNT_CODE


def invoice_to_xero(inv: Invoice, contact_id: str, codes: AccountCodes, xero_id: str | None = None) -> dict:
    """The Invoice element to POST: ACCREC, AUTHORISED (or VOIDED), SentToContact, one AccountCode per line."""
    if xero_id and inv.status is InvoiceStatus.VOIDED:
        return {"InvoiceID": xero_id, "InvoiceNumber": inv.number, "Status": "VOIDED"}
    body: dict = {"Type": "ACCREC"}
    if xero_id:
        body["InvoiceID"] = xero_id
    body.update({
        "Contact": {"ContactID": contact_id},
        "InvoiceNumber": inv.number,
        "Reference": inv.reference,
        "Date": wire.format_date(inv.issue_date),
        "DueDate": wire.format_date(inv.due_date),
        "LineAmountTypes": inv.amounts.value,
        "Status": "AUTHORISED",
        "SentToContact": True,
        "LineItems": [
            {
                "Description": li.description,
                "Quantity": li.quantity,
                "UnitAmount": li.unit_price,
                "AccountCode": account_code(li.category, codes),
                "TaxType": li.tax_type,
                "LineAmount": li.line_amount,
            }
            for li in inv.lines
        ],
    })
    return body


@dataclass
class RemoteInvoice:
    """An ACCREC invoice as Xero returned it."""

    xero_id: str
    number: str
    reference: str
    contact_id: str
    issue_date: date
    due_date: date
    amounts: LineAmountTypes
    xero_status: str
    lines: list[dict] = field(default_factory=list)  # [{description, quantity, unit_price, account_code, tax_type}]
    subtotal: Decimal = ZERO
    total_tax: Decimal = ZERO
    total: Decimal = ZERO
    amount_paid: Decimal = ZERO
    amount_due: Decimal = ZERO
    amount_credited: Decimal = ZERO
    updated_utc: datetime | None = None
    type: str = "ACCREC"
    payments: list[XeroPayment] = field(default_factory=list)

    @property
    def status(self) -> InvoiceStatus:
        return _STATUS_FROM_XERO.get(self.xero_status, InvoiceStatus.SENT)

    def view(self) -> dict:
        return {
            "number": self.number,
            "reference": self.reference,
            "issue_date": self.issue_date.isoformat(),
            "due_date": self.due_date.isoformat(),
            "amounts": self.amounts.value,
            "lines": [
                [li["description"], num(li["quantity"]), num(li["unit_price"]), li["account_code"], li["tax_type"]]
                for li in self.lines
            ],
            "status": self.status.value,
        }


def invoice_from_xero(d: Mapping) -> RemoteInvoice:
    lines = []
    for li in d.get("LineItems") or []:
        lines.append({
            "description": str(li.get("Description") or ""),
            "quantity": dec(li.get("Quantity") if li.get("Quantity") is not None else 1),
            "unit_price": dec(li.get("UnitAmount")),
            "account_code": str(li.get("AccountCode") or ""),
            "tax_type": str(li.get("TaxType") or ""),
        })
    updated = d.get("UpdatedDateUTC")
    return RemoteInvoice(
        xero_id=str(d.get("InvoiceID") or ""),
        number=str(d.get("InvoiceNumber") or ""),
        reference=str(d.get("Reference") or ""),
        contact_id=str((d.get("Contact") or {}).get("ContactID") or ""),
        issue_date=wire.parse_date(d["Date"]) if d.get("Date") else date.min,
        due_date=wire.parse_date(d["DueDate"]) if d.get("DueDate") else date.min,
        amounts=LineAmountTypes(d.get("LineAmountTypes") or "Exclusive"),
        xero_status=str(d.get("Status") or ""),
        lines=lines,
        subtotal=dec(d.get("SubTotal")),
        total_tax=dec(d.get("TotalTax")),
        total=dec(d.get("Total")),
        amount_paid=dec(d.get("AmountPaid")),
        amount_due=dec(d.get("AmountDue")),
        amount_credited=dec(d.get("AmountCredited")),
        updated_utc=wire.parse_datetime(updated) if updated else None,
        type=str(d.get("Type") or "ACCREC"),
        payments=[XeroPayment(str(p.get("PaymentID") or ""), wire.parse_date(p["Date"]), dec(p.get("Amount")),
                              str(p.get("Reference") or ""))
                  for p in d.get("Payments") or [] if p.get("PaymentID") and p.get("Date")],
    )


def invoice_view(inv: Invoice, codes: AccountCodes) -> dict:
    """The merge view of a local invoice (same shape as :meth:`RemoteInvoice.view`)."""
    return {
        "number": inv.number,
        "reference": inv.reference.strip(),
        "issue_date": inv.issue_date.isoformat(),
        "due_date": inv.due_date.isoformat(),
        "amounts": inv.amounts.value,
        "lines": [
            [li.description.strip(), num(li.quantity), num(li.unit_price), account_code(li.category, codes), li.tax_type]
            for li in inv.lines
        ],
        "status": inv.status.value,
    }


def category_for(code: str, codes: AccountCodes, hint: RevenueCategory | None = None) -> RevenueCategory:
    """The revenue category a Xero line's AccountCode stands for (keeping ``hint`` when it maps there too)."""
    if hint is not None and account_code(hint, codes) == code:
        return hint
    for category in RevenueCategory:
        if account_code(category, codes) == code:
            return category
    return hint or RevenueCategory.GENERAL_SALES


def apply_view(inv: Invoice, view: Mapping, codes: AccountCodes) -> Invoice:
    """A copy of ``inv`` with the fields of a merge view (lines keep their category where the account agrees)."""
    lines = []
    for i, (description, quantity, unit_price, code, tax_type) in enumerate(view["lines"]):
        hint = inv.lines[i].category if i < len(inv.lines) else None
        lines.append(LineItem(
            description=description, quantity=Decimal(quantity), unit_price=Decimal(unit_price),
            category=category_for(code, codes, hint), tax_type=tax_type,
        ))
    return Invoice(
        customer_id=inv.customer_id,
        issue_date=date.fromisoformat(view["issue_date"]),
        due_date=date.fromisoformat(view["due_date"]),
        lines=lines,
        number=view["number"],
        reference=view["reference"],
        amounts=LineAmountTypes(view["amounts"]),
        status=InvoiceStatus(view["status"]),
        amount_paid=inv.amount_paid,
        amount_credited=inv.amount_credited,
        sent_at=inv.sent_at,
        sent_to=inv.sent_to,
        id=inv.id,
        version=inv.version,
    )


def totals_match(inv: Invoice, remote: RemoteInvoice) -> bool:
    """Our total equals Xero's to the cent (tax rounded per line on both sides)."""
    return cents(inv.totals.total) == cents(remote.total) and cents(inv.totals.tax) == cents(remote.total_tax)
