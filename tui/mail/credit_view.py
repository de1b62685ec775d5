"""A credit note as an Australian adjustment note: the same email and PDF as a tax invoice (:mod:`tui.mail.render`),
with the words the ATO asks an adjustment note to show: "Adjustment Note", the supplier's name and ABN, the date
of issue, the buyer, the amount of the adjustment and of the GST adjustment, a brief explanation, and the tax
invoice it adjusts (its number)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from email.message import EmailMessage

from tui.domain.business import BusinessDetails
from tui.domain.credit_note import CreditNote
from tui.domain.customer import Customer
from tui.domain.invoice import Invoice
from tui.domain.money import format_money
from tui.mail.errors import MailError
from tui.mail.render import render_view_email, view_pdf
from tui.mail.view import InvoiceView, invoice_view

DOCUMENT = "Adjustment Note"


def credit_note_view(business: BusinessDetails, customer: Customer, note: CreditNote,
                     invoice_number: str = "") -> InvoiceView:
    """The view the adjustment note's text, HTML and PDF are drawn from: the credit note's lines and totals as an
    invoice's, the credit in place of the amount due."""
    as_invoice = Invoice(customer_id=note.customer_id, issue_date=note.issue_date, due_date=note.issue_date,
                         lines=note.lines, number=note.number, reference=note.reference, amounts=note.amounts)
    base = invoice_view(business, customer, as_invoice)
    t = note.totals
    what = f"adjustment note {note.number}" if note.number else "an adjustment note"
    against = f" for tax invoice {invoice_number}" if invoice_number else ""
    explanation = (f"This adjustment note reduces the price{against} by {format_money(t.total)}, "
                   f"including a GST adjustment of {format_money(t.tax)}.")
    return replace(base, document=DOCUMENT, number_label="Credit note number", due_date="", amount_due="",
                   amount_paid=None, total_label="Total credit (incl. GST)" if t.tax else "Total credit",
                   gst_label="GST adjustment", paid_in_full=False,
                   note_intro=f"Please find {what}{against}, crediting {format_money(t.total)}. "
                              "A PDF copy is attached.",
                   note_request=explanation)


def render_credit_note_email(business: BusinessDetails, customer: Customer, note: CreditNote, *,
                             invoice_number: str = "", from_addr: str, now: datetime | None = None,
                             send_id: str = "") -> EmailMessage:
    """The credit note as a ready-to-send adjustment note email to ``customer.email`` (MailError: nobody to send
    to or from)."""
    if not customer.email.strip():
        raise MailError(f"{customer.name.strip() or 'This customer'} has no email address: add one to send the "
                        "credit note")
    view = credit_note_view(business, customer, note, invoice_number)
    return render_view_email(business, customer, view, note.issue_date, from_addr=from_addr, now=now,
                             send_id=send_id)


def credit_note_pdf_file(business: BusinessDetails, customer: Customer, note: CreditNote,
                         invoice_number: str = "") -> tuple[str, bytes]:
    return view_pdf(credit_note_view(business, customer, note, invoice_number), note.issue_date)
