"""An invoice as every part of its email shows it: one ``InvoiceView`` of display strings, drawn from the domain.

The text, HTML and PDF parts (:mod:`tui.mail.render`, :mod:`tui.mail.pdf`) are all drawn from it, so they
cannot disagree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from tui.domain.business import BusinessDetails, format_abn
from tui.domain.customer import Customer
from tui.domain.dates import format_date
from tui.domain.invoice import Invoice, LineItem
from tui.domain.money import format_money
from tui.domain.tax import LineAmountTypes, tax_rate


# -- numbers as the invoice shows them -------------------------------------------------------------


def format_unit_price(price: Decimal) -> str:
    """$12.50, $1,234.5678, $0.125: at least 2 and at most 4 decimal places, never rounded away."""
    value = price.quantize(Decimal("0.0001"))
    text = f"{abs(value):,.4f}"
    whole, frac = text.split(".")
    frac = frac.rstrip("0").ljust(2, "0")
    return f"{'-' if value < 0 else ''}${whole}.{frac}"


def format_quantity(quantity: Decimal) -> str:
    """1, 2.5, 1,000, 0.125: no trailing zeros, no exponent."""
    return f"{quantity.normalize():,f}"


def _gst_label(tax_type: str, amounts: LineAmountTypes) -> str:
    if amounts is LineAmountTypes.NO_TAX:
        return "No GST"
    try:
        rate = tax_rate(tax_type)
    except KeyError:
        return tax_type
    if rate.rate == 0:
        return "GST free" if rate.tax_type == "EXEMPTOUTPUT" else "No GST"
    return f"{rate.rate.normalize():f}%"


def one_line(text: str) -> str:
    """Header-safe: no CR/LF (header injection), runs of whitespace collapsed."""
    return re.sub(r"\s+", " ", text).strip()


# -- the view every part is drawn from ---------------------------------------------------------------


@dataclass(frozen=True)
class LineView:
    description: str
    quantity: str
    unit_price: str
    gst: str
    amount: str


@dataclass(frozen=True)
class InvoiceView:
    business_name: str
    abn: str
    business_address: str
    business_email: str
    business_phone: str
    customer_name: str
    customer_address: str
    number: str
    reference: str
    issue_date: str
    due_date: str
    lines: tuple[LineView, ...]
    amount_heading: str
    subtotal: str
    subtotal_label: str
    gst: str
    gst_label: str
    total: str
    total_label: str
    amount_paid: str | None
    amount_due: str
    prices_note: str
    paid_in_full: bool = False

    @property
    def intro(self) -> str:
        what = f"tax invoice {self.number}" if self.number else "a tax invoice"
        if self.paid_in_full:
            return f"Please find {what} for {self.total}, which is paid in full. A PDF copy is attached."
        return f"Please find {what} for {self.amount_due}, due {self.due_date}. A PDF copy is attached."

    @property
    def request(self) -> str:
        if self.paid_in_full:
            return "Nothing is owing on this invoice."
        return f"Please pay {self.amount_due} by {self.due_date}."

    @property
    def title(self) -> str:
        return f"Tax Invoice {self.number}".strip()

    @property
    def totals_rows(self) -> list[tuple[str, str]]:
        rows = [(self.subtotal_label, self.subtotal), (self.gst_label, self.gst), (self.total_label, self.total)]
        if self.amount_paid is not None:
            rows.append(("Less amount paid", self.amount_paid))
        rows.append(("Amount due", self.amount_due))
        return rows


def pricing(amounts: LineAmountTypes) -> tuple[str, str]:
    """The amount column's heading and the note saying whether prices include GST."""
    if amounts is LineAmountTypes.INCLUSIVE:
        return "Amount (incl. GST)", "Prices include GST."
    if amounts is LineAmountTypes.EXCLUSIVE:
        return "Amount (excl. GST)", "Prices exclude GST; GST is added below."
    return "Amount", "No GST applies to this invoice."


def line_views(lines: list[LineItem], amounts: LineAmountTypes) -> tuple[LineView, ...]:
    return tuple(
        LineView(
            description=line.description.strip(),
            quantity=format_quantity(line.quantity),
            unit_price=format_unit_price(line.unit_price),
            gst=_gst_label(line.tax_type, amounts),
            amount=format_money(line.line_amount),
        )
        for line in lines
    )


def invoice_view(business: BusinessDetails, customer: Customer, invoice: Invoice) -> InvoiceView:
    amounts = invoice.amounts
    t = invoice.totals
    heading, note = pricing(amounts)
    lines = line_views(invoice.lines, amounts)
    return InvoiceView(
        business_name=one_line(business.name),
        abn=format_abn(business.abn.strip()),
        business_address=business.address.strip(),
        business_email=business.email.strip(),
        business_phone=business.phone.strip(),
        customer_name=one_line(customer.name),
        customer_address=customer.address.strip(),
        number=invoice.number.strip(),
        reference=invoice.reference.strip(),
        issue_date=format_date(invoice.issue_date),
        due_date=format_date(invoice.due_date),
        lines=lines,
        amount_heading=heading,
        subtotal=format_money(t.subtotal),
        subtotal_label="Subtotal (excl. GST)" if amounts is not LineAmountTypes.NO_TAX else "Subtotal",
        gst=format_money(t.tax),
        gst_label="Total GST" if amounts is not LineAmountTypes.INCLUSIVE else "Total GST included",
        total=format_money(t.total),
        total_label="Total (incl. GST)" if amounts is not LineAmountTypes.NO_TAX else "Total",
        amount_paid=format_money(invoice.amount_paid) if invoice.amount_paid else None,
        amount_due=format_money(invoice.amount_due),
        prices_note=note,
        paid_in_full=invoice.amount_due <= 0 < t.total,
    )
