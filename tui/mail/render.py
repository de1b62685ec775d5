"""An invoice as an Australian tax invoice email: plain text and HTML alternatives plus a PDF copy.

What the ATO asks a tax invoice to show, and where it is here: the words "Tax Invoice", the seller's
name and ABN, the date of issue, the buyer's name (needed from $1,000), each item's description,
quantity and price, the extent each item is taxable (the GST column), the GST amount and the total,
and whether the prices include GST. All three parts are built from one ``InvoiceView`` so they
cannot disagree.
"""

from __future__ import annotations

import html
import re
import textwrap
from dataclasses import dataclass
from datetime import datetime, time, timezone, tzinfo
from decimal import Decimal
from email import policy
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tui.domain.business import BusinessDetails, format_abn
from tui.domain.customer import Customer
from tui.domain.dates import format_date
from tui.domain.invoice import Invoice
from tui.domain.money import format_money
from tui.domain.tax import LineAmountTypes, tax_rate
from tui.mail.errors import MailError

__all__ = [
    "InvoiceView",
    "LineView",
    "format_quantity",
    "format_unit_price",
    "invoice_view",
    "render_invoice_email",
]


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


def _one_line(text: str) -> str:
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


def invoice_view(business: BusinessDetails, customer: Customer, invoice: Invoice) -> InvoiceView:
    amounts = invoice.amounts
    t = invoice.totals
    if amounts is LineAmountTypes.INCLUSIVE:
        heading, note = "Amount (incl. GST)", "Prices include GST."
    elif amounts is LineAmountTypes.EXCLUSIVE:
        heading, note = "Amount (excl. GST)", "Prices exclude GST; GST is added below."
    else:
        heading, note = "Amount", "No GST applies to this invoice."
    lines = tuple(
        LineView(
            description=line.description.strip(),
            quantity=format_quantity(line.quantity),
            unit_price=format_unit_price(line.unit_price),
            gst=_gst_label(line.tax_type, amounts),
            amount=format_money(line.line_amount),
        )
        for line in invoice.lines
    )
    return InvoiceView(
        business_name=_one_line(business.name),
        abn=format_abn(business.abn.strip()),
        business_address=business.address.strip(),
        business_email=business.email.strip(),
        business_phone=business.phone.strip(),
        customer_name=_one_line(customer.name),
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


# -- plain text ---------------------------------------------------------------------------------------

_DESC_WIDTH = 30


def _text_body(v: InvoiceView) -> str:
    out: list[str] = []
    greeting = f"Dear {v.customer_name}," if v.customer_name else "Hello,"
    out += [greeting, ""]
    out += [v.intro, ""]
    out += [v.title.upper(), ""]
    out.append(v.business_name)
    if v.abn:
        out.append(f"ABN {v.abn}")
    out += v.business_address.splitlines()
    for label, value in (("Phone", v.business_phone), ("Email", v.business_email)):
        if value:
            out.append(f"{label}: {value}")
    out += ["", "Bill to:", v.customer_name]
    out += v.customer_address.splitlines()
    out.append("")
    for label, value in (
        ("Invoice number", v.number),
        ("Issue date", v.issue_date),
        ("Due date", v.due_date),
        ("Reference", v.reference),
    ):
        if value:
            out.append(f"{label + ':':<16}{value}")
    out.append("")
    header = f"{'Description':<{_DESC_WIDTH}} {'Qty':>8} {'Unit price':>13} {'GST':>9} {v.amount_heading:>19}"
    out += [header, "-" * len(header)]
    for line in v.lines:
        wrapped = []
        for para in line.description.splitlines() or [""]:
            wrapped += textwrap.wrap(para, _DESC_WIDTH) or [""]
        first = wrapped[0] if wrapped else ""
        out.append(f"{first:<{_DESC_WIDTH}} {line.quantity:>8} {line.unit_price:>13} {line.gst:>9} {line.amount:>19}")
        out += wrapped[1:]
    out.append("-" * len(header))
    for label, value in v.totals_rows:
        out.append(f"{label:>{len(header) - 20}} {value:>19}")
    out += ["", v.prices_note, "", v.request, "", "Thank you,", v.business_name]
    return "\n".join(out) + "\n"


# -- HTML ---------------------------------------------------------------------------------------------


def _h(text: str) -> str:
    """Escaped for HTML text and attribute values, line breaks kept."""
    return "<br>".join(html.escape(part, quote=True) for part in text.splitlines()) if text else ""


_TD = 'style="padding:4px 8px;border-bottom:1px solid #ddd;{}"'


def _html_body(v: InvoiceView) -> str:
    r = "text-align:right;white-space:nowrap"
    rows = "".join(
        "<tr>"
        f"<td {_TD.format('')}>{_h(line.description)}</td>"
        f"<td {_TD.format(r)}>{_h(line.quantity)}</td>"
        f"<td {_TD.format(r)}>{_h(line.unit_price)}</td>"
        f"<td {_TD.format(r)}>{_h(line.gst)}</td>"
        f"<td {_TD.format(r)}>{_h(line.amount)}</td>"
        "</tr>"
        for line in v.lines
    )
    totals = "".join(
        f'<tr><td colspan="4" style="padding:4px 8px;{r}">{_h(label)}</td>'
        f'<td style="padding:4px 8px;{r}">{"<strong>" if label == "Amount due" else ""}{_h(value)}'
        f'{"</strong>" if label == "Amount due" else ""}</td></tr>'
        for label, value in v.totals_rows
    )
    seller = [f"<strong>{_h(v.business_name)}</strong>"]
    if v.abn:
        seller.append(f"ABN {_h(v.abn)}")
    if v.business_address:
        seller.append(_h(v.business_address))
    if v.business_phone:
        seller.append(f"Phone: {_h(v.business_phone)}")
    if v.business_email:
        seller.append(f"Email: {_h(v.business_email)}")
    buyer = [f"<strong>{_h(v.customer_name)}</strong>"]
    if v.customer_address:
        buyer.append(_h(v.customer_address))
    facts = "".join(
        f'<tr><td style="padding:2px 8px 2px 0">{label}</td><td>{_h(value)}</td></tr>'
        for label, value in (
            ("Invoice number", v.number),
            ("Issue date", v.issue_date),
            ("Due date", v.due_date),
            ("Reference", v.reference),
        )
        if value
    )
    greeting = f"Dear {_h(v.customer_name)}," if v.customer_name else "Hello,"
    return f"""<!DOCTYPE html>
<html lang="en-AU">
<head><meta charset="utf-8"><title>{_h(v.title)}</title></head>
<body style="font-family:Helvetica,Arial,sans-serif;color:#222;max-width:720px">
<p>{greeting}</p>
<p>{_h(v.intro)}</p>
<h1 style="font-size:22px">{_h(v.title)}</h1>
<table style="width:100%;border-collapse:collapse"><tr>
<td style="vertical-align:top;padding-right:16px">{"<br>".join(seller)}</td>
<td style="vertical-align:top"><em>Bill to</em><br>{"<br>".join(buyer)}</td>
</tr></table>
<table style="margin:12px 0;border-collapse:collapse">{facts}</table>
<table style="width:100%;border-collapse:collapse">
<thead><tr>
<th style="padding:4px 8px;text-align:left;border-bottom:2px solid #222">Description</th>
<th style="padding:4px 8px;{r};border-bottom:2px solid #222">Qty</th>
<th style="padding:4px 8px;{r};border-bottom:2px solid #222">Unit price</th>
<th style="padding:4px 8px;{r};border-bottom:2px solid #222">GST</th>
<th style="padding:4px 8px;{r};border-bottom:2px solid #222">{_h(v.amount_heading)}</th>
</tr></thead>
<tbody>{rows}</tbody>
<tfoot>{totals}</tfoot>
</table>
<p>{_h(v.prices_note)}</p>
<p><strong>{_h(v.request)}</strong></p>
<p>Thank you,<br>{_h(v.business_name)}</p>
</body>
</html>
"""


# -- the message ----------------------------------------------------------------------------------------


def _address(display_name: str, addr: str, what: str) -> Address:
    addr = addr.strip()
    try:
        return Address(display_name=_one_line(display_name), addr_spec=addr)
    except (ValueError, IndexError, HeaderParseError) as exc:
        raise MailError(f"{what} {addr!r} is not a usable email address") from exc


def _zone(name: str) -> tzinfo:
    """The business's time zone for the Date header (a customer reads it in local time); UTC if unknown."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return timezone.utc


def _pdf_filename(number: str) -> str:
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", number).strip("-.")
    return f"Tax-Invoice-{safe}.pdf" if safe else "Tax-Invoice.pdf"


def render_invoice_email(
    business: BusinessDetails,
    customer: Customer,
    invoice: Invoice,
    *,
    from_addr: str,
    now: datetime | None = None,
) -> EmailMessage:
    """The invoice as a ready-to-send email to ``customer.email``.

    ``from_addr`` is the sending address (``[mail] from``); when empty the business's email is used.
    ``now`` fixes the Date header (tests); the PDF is dated from the invoice's issue date, so the same
    invoice always gives the same PDF bytes. Raises MailError when there is nobody to send to or from.
    """
    # Imported here: fpdf2 (and Pillow behind it) costs start-up time the app should not pay until it sends.
    from tui.mail.pdf import invoice_pdf

    if not customer.email.strip():
        raise MailError(f"{customer.name.strip() or 'This customer'} has no email address: add one to send the invoice")
    sender = from_addr.strip() or business.email.strip()
    if not sender:
        raise MailError("There is no address to send from: set the business email in Settings")
    view = invoice_view(business, customer, invoice)

    msg = EmailMessage(policy=policy.SMTP)
    msg["Subject"] = _one_line(f"{view.title} from {view.business_name}" if view.business_name else view.title)
    msg["From"] = _address(view.business_name, sender, "The sending address")
    msg["To"] = _address(view.customer_name, customer.email, f"{view.customer_name or 'The customer'}'s email")
    if view.business_email and view.business_email.lower() != sender.lower():
        msg["Reply-To"] = _address(view.business_name, view.business_email, "The business email")
    msg["Date"] = format_datetime((now or datetime.now(timezone.utc)).astimezone(_zone(business.time_zone)))
    domain = sender.rpartition("@")[2] or "tradiecore.invalid"
    msg["Message-ID"] = make_msgid(idstring=re.sub(r"[^A-Za-z0-9.-]", "", view.number) or None, domain=domain)

    msg.set_content(_text_body(view), subtype="plain", charset="utf-8")
    msg.add_alternative(_html_body(view), subtype="html", charset="utf-8")
    created = datetime.combine(invoice.issue_date, time(0, 0), tzinfo=timezone.utc)
    msg.add_attachment(
        invoice_pdf(view, created=created),
        maintype="application",
        subtype="pdf",
        filename=_pdf_filename(view.number),
    )
    return msg
