"""A credit note as every part of its email shows it: one ``AdjustmentView`` of display strings.

For GST an adjustment note must show (the ATO's list): that it is an adjustment note, the supplier's name and ABN,
the date it is issued, the customer, the original tax invoice it adjusts, a description of each adjustment (the
lines), the amount of the adjustment and the GST in it. A credit note with no GST on it is titled "Credit Note".
"""

from __future__ import annotations

from dataclasses import dataclass

from tui.domain.business import BusinessDetails, format_abn
from tui.domain.credit_note import CreditNote
from tui.domain.customer import Customer
from tui.domain.dates import format_date
from tui.domain.invoice import Invoice
from tui.domain.money import format_money
from tui.domain.tax import LineAmountTypes
from tui.mail.view import LineView, line_views, one_line, pricing


_PRICES = {LineAmountTypes.INCLUSIVE: "Prices include GST.", LineAmountTypes.EXCLUSIVE: "Prices exclude GST.",
           LineAmountTypes.NO_TAX: "No GST applies to this credit note."}


@dataclass(frozen=True)
class AdjustmentView:
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
    adjusts: str  # the original invoice's number
    adjusts_date: str  # and its date
    lines: tuple[LineView, ...]
    amount_heading: str
    subtotal: str
    gst: str
    total: str
    prices_note: str
    with_gst: bool

    @property
    def kind(self) -> str:
        return "Adjustment Note" if self.with_gst else "Credit Note"

    @property
    def title(self) -> str:
        return f"{self.kind} {self.number}".strip()

    @property
    def original(self) -> str:
        """The original invoice, as the facts and sentences name it: "tax invoice INV-0001 of 25/11/2026"."""
        if not self.adjusts:
            return ""
        what = "tax invoice" if self.with_gst else "invoice"
        return f"{what} {self.adjusts} of {self.adjusts_date}" if self.adjusts_date else f"{what} {self.adjusts}"

    @property
    def intro(self) -> str:
        what = f"{self.kind.lower()} {self.number}" if self.number else f"an {self.kind.lower()}"
        adjusts = f", which adjusts {self.original}" if self.adjusts else ""
        return f"Please find {what} for {self.total}{adjusts}. A PDF copy is attached."

    @property
    def statement(self) -> str:
        """What the adjustment is: the amount, and the GST in it."""
        what = self.original or "your account"
        gst = f", including GST of {self.gst}" if self.with_gst else ""
        return f"This {self.kind.lower()} reduces {what} by {self.total}{gst}."

    @property
    def next_step(self) -> str:
        if not self.adjusts:
            return "The credit is kept for your next invoice, or refunded to you."
        return (f"The credit is applied to what {self.adjusts} still owes; any credit left over is refunded to you "
                "or kept for your next invoice.")

    @property
    def facts(self) -> list[tuple[str, str]]:
        invoice = "tax invoice" if self.with_gst else "invoice"
        rows = [(f"{self.kind.capitalize()} number", self.number), ("Date of issue", self.issue_date),
                (f"Adjusts {invoice}", self.adjusts), ("Invoice date", self.adjusts_date), ("Reference", self.reference)]
        return [(label, value) for label, value in rows if value]

    @property
    def totals_rows(self) -> list[tuple[str, str]]:
        if not self.with_gst:
            return [("Total credit", self.total)]
        return [("Subtotal (excl. GST)", self.subtotal), ("GST adjustment", self.gst),
                ("Total adjustment (incl. GST)", self.total)]


def adjustment_view(business: BusinessDetails, customer: Customer, note: CreditNote,
                    invoice: Invoice | None) -> AdjustmentView:
    """``invoice``: the tax invoice the credit note adjusts (None when it adjusts none)."""
    with_gst = note.amounts is not LineAmountTypes.NO_TAX
    heading, _ = pricing(note.amounts)
    t = note.totals
    return AdjustmentView(
        business_name=one_line(business.name),
        abn=format_abn(business.abn.strip()),
        business_address=business.address.strip(),
        business_email=business.email.strip(),
        business_phone=business.phone.strip(),
        customer_name=one_line(customer.name),
        customer_address=customer.address.strip(),
        number=note.number.strip(),
        reference=note.reference.strip(),
        issue_date=format_date(note.issue_date),
        adjusts=invoice.number.strip() if invoice is not None else "",
        adjusts_date=format_date(invoice.issue_date) if invoice is not None else "",
        lines=line_views(note.lines, note.amounts),
        amount_heading=heading,
        subtotal=format_money(t.subtotal),
        gst=format_money(t.tax),
        total=format_money(t.total),
        prices_note=_PRICES[note.amounts],
        with_gst=with_gst,
    )
