"""A credit note as an Australian adjustment note email: plain text and HTML alternatives plus a PDF copy, through
the same headers and delivery as invoices (:mod:`tui.mail.render`).

All three parts are drawn from one ``AdjustmentView`` (:mod:`tui.mail.credit_view`), which says where each of the
ATO's words for an adjustment note is.
"""

from __future__ import annotations

import html
from datetime import datetime, time, timezone
from email.message import EmailMessage

from tui.domain.business import BusinessDetails
from tui.domain.credit_note import CreditNote
from tui.domain.customer import Customer
from tui.domain.invoice import Invoice
from tui.mail.credit_view import AdjustmentView, adjustment_view
from tui.mail.render import headed_message, pdf_filename, text_seller, text_table

__all__ = ["credit_note_pdf_file", "render_credit_note_email"]


def _text_body(v: AdjustmentView) -> str:
    out = [f"Dear {v.customer_name}," if v.customer_name else "Hello,", "", v.intro, "", v.title.upper(), ""]
    out += text_seller(v)
    out += ["", "Customer:", v.customer_name, *v.customer_address.splitlines(), ""]
    width = max(len(label) for label, _ in v.facts) + 2
    out += [f"{label + ':':<{width}}{value}" for label, value in v.facts]
    out.append("")
    out += text_table(v.lines, v.amount_heading, v.totals_rows)
    out += ["", v.statement, v.prices_note, "", v.next_step, "", "Thank you,", v.business_name]
    return "\n".join(out) + "\n"


def _h(text: str) -> str:
    """Escaped for HTML text and attribute values, line breaks kept."""
    return "<br>".join(html.escape(part, quote=True) for part in text.splitlines()) if text else ""


_CELL = "padding:4px 8px;border-bottom:1px solid #ddd"
_RIGHT = "text-align:right;white-space:nowrap"


def _html_lines(v: AdjustmentView) -> str:
    heads = "".join(f'<th style="padding:4px 8px;{_RIGHT};border-bottom:2px solid #222">{_h(name)}</th>'
                    for name in ("Qty", "Unit price", "GST", v.amount_heading))
    rows = "".join(
        f'<tr><td style="{_CELL}">{_h(line.description)}</td>'
        + "".join(f'<td style="{_CELL};{_RIGHT}">{_h(value)}</td>'
                  for value in (line.quantity, line.unit_price, line.gst, line.amount))
        + "</tr>"
        for line in v.lines)
    totals = "".join(f'<tr><td colspan="4" style="padding:4px 8px;{_RIGHT}">{_h(label)}</td>'
                     f'<td style="padding:4px 8px;{_RIGHT}"><strong>{_h(value)}</strong></td></tr>'
                     for label, value in v.totals_rows)
    return (f'<table style="width:100%;border-collapse:collapse"><thead><tr>'
            f'<th style="padding:4px 8px;text-align:left;border-bottom:2px solid #222">Description</th>{heads}'
            f"</tr></thead><tbody>{rows}</tbody><tfoot>{totals}</tfoot></table>")


def _html_body(v: AdjustmentView) -> str:
    seller = "<br>".join([f"<strong>{_h(v.business_name)}</strong>"] + [_h(t) for t in text_seller(v)[1:]])
    buyer = "<br>".join(part for part in (f"<strong>{_h(v.customer_name)}</strong>", _h(v.customer_address)) if part)
    facts = "".join(f'<tr><td style="padding:2px 8px 2px 0">{_h(label)}</td><td>{_h(value)}</td></tr>'
                    for label, value in v.facts)
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
<td style="vertical-align:top"><em>Customer</em><br>{buyer}</td>
</tr></table>
<table style="margin:12px 0;border-collapse:collapse">{facts}</table>
{_html_lines(v)}
<p><strong>{_h(v.statement)}</strong><br>{_h(v.prices_note)}</p>
<p>{_h(v.next_step)}</p>
<p>Thank you,<br>{_h(v.business_name)}</p>
</body>
</html>
"""


def render_credit_note_email(business: BusinessDetails, customer: Customer, note: CreditNote,
                             invoice: Invoice | None, *, from_addr: str, now: datetime | None = None,
                             send_id: str = "") -> EmailMessage:
    """The credit note as a ready-to-send adjustment note email to ``customer.email``; ``invoice`` is the tax
    invoice it adjusts (None when none). The rest as :func:`tui.mail.render.render_invoice_email`: the PDF is dated
    from the credit note's date (the same note gives the same bytes), the Message-ID made from ``send_id``.
    Raises MailError when there is nobody to send to or from."""
    view = adjustment_view(business, customer, note, invoice)
    msg = headed_message(business, customer, view, from_addr=from_addr, now=now, send_id=send_id,
                         what="the credit note")
    msg.set_content(_text_body(view), subtype="plain", charset="utf-8")
    msg.add_alternative(_html_body(view), subtype="html", charset="utf-8")
    name, pdf = _pdf_of(view, note)
    msg.add_attachment(pdf, maintype="application", subtype="pdf", filename=name)
    return msg


def credit_note_pdf_file(business: BusinessDetails, customer: Customer, note: CreditNote,
                         invoice: Invoice | None) -> tuple[str, bytes]:
    """The PDF an email of the credit note carries, on its own: (file name, bytes)."""
    return _pdf_of(adjustment_view(business, customer, note, invoice), note)


def _pdf_of(view: AdjustmentView, note: CreditNote) -> tuple[str, bytes]:
    # Imported here: fpdf2 (and Pillow behind it) costs start-up time the app should not pay until it sends.
    from tui.mail.credit_pdf import adjustment_pdf

    created = datetime.combine(note.issue_date, time(0, 0), tzinfo=timezone.utc)
    return pdf_filename(view.number, view.kind), adjustment_pdf(view, created=created)
