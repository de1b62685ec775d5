"""An invoice as an Australian tax invoice email: plain text and HTML alternatives plus a PDF copy.

What the ATO asks a tax invoice to show, and where it is here: the words "Tax Invoice", the seller's
name and ABN, the date of issue, the buyer's name (needed from $1,000), each item's description,
quantity and price, the extent each item is taxable (the GST column), the GST amount and the total,
and whether the prices include GST. All three parts are built from one ``InvoiceView`` (:mod:`tui.mail.view`)
so they cannot disagree.
"""

from __future__ import annotations

import html
import re
import textwrap
from datetime import datetime, time, timezone, tzinfo
from email import policy
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tui.domain.business import BusinessDetails
from tui.domain.customer import Customer
from tui.domain.invoice import Invoice
from tui.mail.errors import MailError
from tui.mail.view import InvoiceView, invoice_view, one_line

__all__ = ["message_id", "render_invoice_email"]


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
_RIGHT = "text-align:right;white-space:nowrap"


def _html_items(v: InvoiceView) -> str:
    """The lines' table rows."""
    r = _RIGHT
    return "".join(
        "<tr>"
        f"<td {_TD.format('')}>{_h(line.description)}</td>"
        f"<td {_TD.format(r)}>{_h(line.quantity)}</td>"
        f"<td {_TD.format(r)}>{_h(line.unit_price)}</td>"
        f"<td {_TD.format(r)}>{_h(line.gst)}</td>"
        f"<td {_TD.format(r)}>{_h(line.amount)}</td>"
        "</tr>"
        for line in v.lines
    )


def _html_totals(v: InvoiceView) -> str:
    """The totals' rows under the lines, the amount due in bold."""
    r = _RIGHT
    return "".join(
        f'<tr><td colspan="4" style="padding:4px 8px;{r}">{_h(label)}</td>'
        f'<td style="padding:4px 8px;{r}">{"<strong>" if label == "Amount due" else ""}{_h(value)}'
        f'{"</strong>" if label == "Amount due" else ""}</td></tr>'
        for label, value in v.totals_rows
    )


def _html_parties(v: InvoiceView) -> tuple[str, str]:
    """The seller's block (name, ABN, address, phone, email) and the buyer's (name, address)."""
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
    return "<br>".join(seller), "<br>".join(buyer)


def _html_facts(v: InvoiceView) -> str:
    """Number, dates and reference as labelled rows."""
    return "".join(
        f'<tr><td style="padding:2px 8px 2px 0">{label}</td><td>{_h(value)}</td></tr>'
        for label, value in (
            ("Invoice number", v.number),
            ("Issue date", v.issue_date),
            ("Due date", v.due_date),
            ("Reference", v.reference),
        )
        if value
    )


def _html_body(v: InvoiceView) -> str:
    r = _RIGHT
    seller, buyer = _html_parties(v)
    greeting = f"Dear {_h(v.customer_name)}," if v.customer_name else "Hello,"
    return f"""<!DOCTYPE html>
<html lang="en-AU">
<head><meta charset="utf-8"><title>{_h(v.title)}</title></head>
<body style="font-family:Helvetica,Arial,sans-serif;color:#222;max-width:720px">
<p>{greeting}</p>
<p>{_h(v.intro)}</p>
<h1 style="font-size:22px">{_h(v.title)}</h1>
<table style="width:100%;border-collapse:collapse"><tr>
<td style="vertical-align:top;padding-right:16px">{seller}</td>
<td style="vertical-align:top"><em>Bill to</em><br>{buyer}</td>
</tr></table>
<table style="margin:12px 0;border-collapse:collapse">{_html_facts(v)}</table>
<table style="width:100%;border-collapse:collapse">
<thead><tr>
<th style="padding:4px 8px;text-align:left;border-bottom:2px solid #222">Description</th>
<th style="padding:4px 8px;{r};border-bottom:2px solid #222">Qty</th>
<th style="padding:4px 8px;{r};border-bottom:2px solid #222">Unit price</th>
<th style="padding:4px 8px;{r};border-bottom:2px solid #222">GST</th>
<th style="padding:4px 8px;{r};border-bottom:2px solid #222">{_h(v.amount_heading)}</th>
</tr></thead>
<tbody>{_html_items(v)}</tbody>
<tfoot>{_html_totals(v)}</tfoot>
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
        return Address(display_name=one_line(display_name), addr_spec=addr)
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


def message_id(send_id: str, number: str, domain: str) -> str:
    """The Message-ID of a send's email: the same for every attempt of that send."""
    safe_id = re.sub(r"[^A-Za-z0-9]", "", send_id)
    safe_number = re.sub(r"[^A-Za-z0-9.-]", "", number)
    return f"<{safe_id}.{safe_number or 'invoice'}@{domain}>"


def render_invoice_email(
    business: BusinessDetails,
    customer: Customer,
    invoice: Invoice,
    *,
    from_addr: str,
    now: datetime | None = None,
    send_id: str = "",
) -> EmailMessage:
    """The invoice as a ready-to-send email to ``customer.email``.

    ``from_addr`` is the sending address (``[mail] from``); when empty the business's email is used.
    ``now`` fixes the Date header (tests); the PDF is dated from the invoice's issue date, so the same
    invoice always gives the same PDF bytes. ``send_id``: the send this email belongs to; its Message-ID is made
    from it (``<send_id.INV-0001@domain>``), so a retry of the same send is recognisably the same message.
    Raises MailError when there is nobody to send to or from.
    """
    if not customer.email.strip():
        raise MailError(f"{customer.name.strip() or 'This customer'} has no email address: add one to send the invoice")
    sender = from_addr.strip() or business.email.strip()
    if not sender:
        raise MailError("There is no address to send from: set the business email in Settings")
    view = invoice_view(business, customer, invoice)

    msg = EmailMessage(policy=policy.SMTP)
    msg["Subject"] = one_line(f"{view.title} from {view.business_name}" if view.business_name else view.title)
    msg["From"] = _address(view.business_name, sender, "The sending address")
    msg["To"] = _address(view.customer_name, customer.email, f"{view.customer_name or 'The customer'}'s email")
    if view.business_email and view.business_email.lower() != sender.lower():
        msg["Reply-To"] = _address(view.business_name, view.business_email, "The business email")
    msg["Date"] = format_datetime((now or datetime.now(timezone.utc)).astimezone(_zone(business.time_zone)))
    domain = sender.rpartition("@")[2] or "tradiecore.invalid"
    msg["Message-ID"] = message_id(send_id, view.number, domain) if send_id else \
        make_msgid(idstring=re.sub(r"[^A-Za-z0-9.-]", "", view.number) or None, domain=domain)

    msg.set_content(_text_body(view), subtype="plain", charset="utf-8")
    msg.add_alternative(_html_body(view), subtype="html", charset="utf-8")
    name, pdf = _pdf_of(view, invoice)
    msg.add_attachment(pdf, maintype="application", subtype="pdf", filename=name)
    return msg


def invoice_pdf_file(business: BusinessDetails, customer: Customer, invoice: Invoice) -> tuple[str, bytes]:
    """The PDF an email of the invoice carries, on its own (a download): (file name, bytes)."""
    return _pdf_of(invoice_view(business, customer, invoice), invoice)


def _pdf_of(view, invoice: Invoice) -> tuple[str, bytes]:
    # Imported here: fpdf2 (and Pillow behind it) costs start-up time the app should not pay until it sends.
    from tui.mail.pdf import invoice_pdf

    created = datetime.combine(invoice.issue_date, time(0, 0), tzinfo=timezone.utc)
    return _pdf_filename(view.number), invoice_pdf(view, created=created)
