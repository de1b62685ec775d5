"""A credit note as an Australian adjustment note email: the ATO's words in the text, HTML and PDF parts."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal
from email import policy
from email.parser import BytesParser

import pytest

from tui.domain.credit import LinePick, draft_from_invoice
from tui.domain.customer import Customer
from tui.domain.invoice import InvoiceStatus
from tui.domain.tax import LineAmountTypes
from tui.mail.credit_render import credit_note_pdf_file, render_credit_note_email
from tui.mail.errors import MailError

from tests.mail.test_mail_render import html_text

NOW = dt.datetime(2026, 12, 7, 1, 30, tzinfo=dt.timezone.utc)
FROM = "invoices@bobs-plumbing.example"


@pytest.fixture
def sent_invoice(new_invoice):
    inv = new_invoice([("Replace hot water system", "1", "1200", None), ("Copper pipe 15mm (metres)", "4", "12.50",
                       None), ("Water testing", "1", "45.50", "EXEMPTOUTPUT")], reference="Job 42")
    return replace(inv, id=7, status=InvoiceStatus.SENT)


def credit(invoice, picks=None, amounts=None):
    note = draft_from_invoice(invoice, dt.date(2026, 12, 7), picks)
    note = replace(note, number="CN-0003", id=3)
    return replace(note, amounts=amounts) if amounts else note


def render(business, customer, note, invoice, **kw):
    kw.setdefault("from_addr", FROM)
    kw.setdefault("now", NOW)
    msg = render_credit_note_email(business, customer, note, invoice, **kw)
    return BytesParser(policy=policy.default).parsebytes(msg.as_bytes())


def parts(msg):
    pdfs = [p for p in msg.iter_attachments() if p.get_content_type() == "application/pdf"]
    assert len(pdfs) == 1
    return msg.get_body(("plain",)).get_content(), msg.get_body(("html",)).get_content(), pdfs[0]


def flat(text: str) -> str:
    return " ".join(text.split())


def test_adjustment_note_words_in_every_part(business, customer, sent_invoice, read_pdf):
    # Credit 2 of the 4 metres of pipe and the hot water system at $1,000 instead of $1,200
    note = credit(sent_invoice, [LinePick(0, unit_price=Decimal("200")), LinePick(1, quantity=Decimal("2"))])
    msg = render(business, customer, note, sent_invoice)
    assert msg["Subject"] == "Adjustment Note CN-0003 from Bob's Plumbing & Gas"
    text, html, pdf = parts(msg)
    assert pdf.get_filename() == "Adjustment-Note-CN-0003.pdf"
    for body in (flat(text), html_text(html), flat(read_pdf(pdf.get_content()))):
        assert "adjustment note" in body.lower()
        assert "Bob's Plumbing & Gas" in body and "ABN 51 824 753 556" in body  # the supplier
        assert "Date of issue 07/12/2026" in body.replace(":", "")
        assert "Jane Citizen" in body  # the customer
        assert "Adjusts tax invoice INV-0001" in body.replace(":", "")  # the invoice it adjusts
        assert "Invoice date 25/11/2026" in body.replace(":", "")
        assert "Replace hot water system" in body and "Copper pipe 15mm (metres)" in body  # what is adjusted
        assert "Water testing" not in body  # a line not credited
        # 200.00 + 2 x 12.50 = 225.00; GST 22.50; adjustment 247.50
        assert "Subtotal (excl. GST) $225.00" in body
        assert "GST adjustment $22.50" in body
        assert "Total adjustment (incl. GST) $247.50" in body
        assert "reduces tax invoice INV-0001 of 25/11/2026 by $247.50, including GST of $22.50" in body
        assert "Prices exclude GST" in body
    assert "TAX INVOICE" not in read_pdf(pdf.get_content())


def test_whole_invoice_credited_gst_inclusive(business, customer, sent_invoice, read_pdf):
    inclusive = replace(sent_invoice, amounts=LineAmountTypes.INCLUSIVE)
    note = credit(inclusive)  # all three lines: 1,200 + 50 + 45.50 (GST free) incl. GST
    _, html, pdf = parts(render(business, customer, note, inclusive))
    for body in (html_text(html), flat(read_pdf(pdf.get_content()))):
        assert "Amount (incl. GST)" in body and "GST free" in body and "Water testing" in body
        assert "GST adjustment $113.64" in body  # 1,250 / 11
        assert "Total adjustment (incl. GST) $1,295.50" in body
        assert "Prices include GST" in body


def test_no_gst_is_a_credit_note(business, customer, sent_invoice, read_pdf):
    untaxed = replace(sent_invoice, amounts=LineAmountTypes.NO_TAX)
    msg = render(business, customer, credit(untaxed, [LinePick(1)]), untaxed)
    assert msg["Subject"] == "Credit Note CN-0003 from Bob's Plumbing & Gas"
    text, _, pdf = parts(msg)
    words = flat(read_pdf(pdf.get_content()))
    assert pdf.get_filename() == "Credit-Note-CN-0003.pdf"
    for body in (flat(text), words):
        assert "Total credit $50.00" in body and "Adjusts invoice INV-0001" in body.replace(":", "")
        assert "adjustment note" not in body.lower() and "No GST applies to this credit note" in body


def test_the_email_says_where_the_credit_goes(business, customer, sent_invoice):
    text, _, _ = parts(render(business, customer, credit(sent_invoice, [LinePick(1)]), sent_invoice))
    body = flat(text)
    assert body.startswith("Dear Jane Citizen, Please find adjustment note CN-0003 for $55.00, which adjusts tax "
                           "invoice INV-0001 of 25/11/2026. A PDF copy is attached.")
    assert "applied to what INV-0001 still owes" in body


def test_same_send_same_message_id_and_pdf(business, customer, sent_invoice):
    note = credit(sent_invoice)
    a = render_credit_note_email(business, customer, note, sent_invoice, from_addr=FROM, now=NOW, send_id="s-1")
    b = render_credit_note_email(business, customer, note, sent_invoice, from_addr=FROM,
                                 now=NOW + dt.timedelta(hours=3), send_id="s-1")
    assert a["Message-ID"] == b["Message-ID"] == "<s1.CN-0003@bobs-plumbing.example>"
    assert next(a.iter_attachments()).get_content() == next(b.iter_attachments()).get_content()
    name, data = credit_note_pdf_file(business, customer, note, sent_invoice)
    assert name == "Adjustment-Note-CN-0003.pdf" and data == next(a.iter_attachments()).get_content()


def test_hostile_names_are_escaped(business, sent_invoice):
    cust = Customer(name='<script>x()</script> & "Co"', email="co@example.com")
    _, html, _ = parts(render(business, cust, credit(sent_invoice), sent_invoice))
    assert "<script>" not in html and "&lt;script&gt;x()&lt;/script&gt; &amp; &quot;Co&quot;" in html


def test_customer_without_email_is_a_clear_error(business, sent_invoice):
    with pytest.raises(MailError, match="Jane has no email address: add one to send the credit note"):
        render_credit_note_email(business, Customer(name="Jane"), credit(sent_invoice), sent_invoice, from_addr=FROM)
