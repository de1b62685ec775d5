"""Rendering an invoice as an Australian tax invoice email: content of the text, HTML and PDF parts."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from email import policy
from email.parser import BytesParser
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser

import pytest

from tui.domain.customer import Customer
from tui.domain.tax import LineAmountTypes
from tui.mail.errors import MailError
from tui.mail.render import render_invoice_email
from tui.mail.view import format_quantity, format_unit_price

NOW = dt.datetime(2026, 11, 25, 1, 30, tzinfo=dt.timezone.utc)
FROM = "invoices@bobs-plumbing.example"


def render(business, customer, invoice, **kw):
    kw.setdefault("from_addr", FROM)
    kw.setdefault("now", NOW)
    msg = render_invoice_email(business, customer, invoice, **kw)
    # What the receiving end sees: the message as sent, parsed back.
    return BytesParser(policy=policy.default).parsebytes(msg.as_bytes())


def parts(msg):
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    pdfs = [p for p in msg.iter_attachments() if p.get_content_type() == "application/pdf"]
    assert len(pdfs) == 1
    return text, html, pdfs[0]


def html_text(markup: str) -> str:
    """The HTML as a reader sees it: tags dropped, entities decoded."""

    class P(HTMLParser):
        chunks: list[str] = []

        def handle_data(self, data):
            self.chunks.append(data)

    p = P()
    p.chunks = []
    p.feed(markup)
    return " ".join(" ".join(p.chunks).split())


def test_headers_and_structure(business, customer, invoice):
    msg = render(business, customer, invoice)
    assert msg["Subject"] == "Tax Invoice INV-0001 from Bob's Plumbing & Gas"
    assert msg["To"].addresses[0].addr_spec == "jane@example.com"
    assert msg["To"].addresses[0].display_name == "Jane Citizen"
    assert msg["From"].addresses[0].addr_spec == FROM
    assert msg["From"].addresses[0].display_name == "Bob's Plumbing & Gas"
    # The business's own address differs from the sending one: replies go to the business.
    assert msg["Reply-To"].addresses[0].addr_spec == "accounts@bobs-plumbing.example"
    assert parsedate_to_datetime(msg["Date"]) == NOW
    msgid = str(msg["Message-ID"]).strip()
    assert msgid.startswith("<") and msgid.endswith("@bobs-plumbing.example>")
    assert msg.get_content_type() == "multipart/mixed"
    text, html, pdf = parts(msg)
    assert pdf.get_filename() == "Tax-Invoice-INV-0001.pdf"
    assert pdf.get_content().startswith(b"%PDF-")


def test_message_ids_are_unique(business, customer, invoice):
    a = render(business, customer, invoice)
    b = render(business, customer, invoice)
    assert a["Message-ID"] != b["Message-ID"]


def test_tax_invoice_essentials_in_every_part(business, customer, invoice, read_pdf):
    text, html, pdf = parts(render(business, customer, invoice))
    pdf_words = read_pdf(pdf.get_content())
    for body in (text, html_text(html), pdf_words):
        assert "tax invoice" in body.lower()
        assert "ABN 51 824 753 556" in body
        assert "Bob's Plumbing & Gas" in body
        assert "Jane Citizen" in body
        assert "INV-0001" in body
        assert "25/11/2026" in body  # issue date
        assert "09/12/2026" in body  # due date
        assert "Job 42" in body
        assert "Replace hot water system" in body
        assert "$1,234.5678" in body  # unit price to 4 decimal places
        assert "$12.345" in body
        assert "2.5" in body  # quantity
        assert "$1,234.57" in body  # line amount
        assert "$30.86" in body  # 2.5 x 12.345 = 30.8625
        assert "Prices exclude GST" in body


@pytest.mark.parametrize(
    "lines, subtotal, gst, total",
    [
        # 100.00 + (3 x 33.3333 = 99.9999 -> 100.00) + (2.5 x 12.345 = 30.8625 -> 30.86); GST 10.00 + 10.00 + 3.09
        ([("Labour", "1", "100", None), ("Fittings", "3", "33.3333", None), ("Pipe", "2.5", "12.345", None)],
         "$230.86", "$23.09", "$253.95"),
        # Tax rounded per line like Xero: 3 x (0.05 -> GST 0.005 -> 0.01) = 0.03, not round(0.015) = 0.02
        ([("Washer", "1", "0.05", None)] * 3, "$0.15", "$0.03", "$0.18"),
        # A GST-free line adds nothing to GST
        ([("Callout", "1", "80", None), ("Water testing", "1", "45.50", "EXEMPTOUTPUT")], "$125.50", "$8.00", "$133.50"),
    ],
)
def test_totals_gst_exclusive(business, customer, new_invoice, read_pdf, lines, subtotal, gst, total):
    inv = new_invoice(lines, LineAmountTypes.EXCLUSIVE)
    text, html, pdf = parts(render(business, customer, inv))
    for body in (text, html_text(html), read_pdf(pdf.get_content())):
        assert f"Subtotal (excl. GST) {subtotal}" in " ".join(body.split())
        assert f"Total GST {gst}" in " ".join(body.split())
        assert f"Total (incl. GST) {total}" in " ".join(body.split())
        assert f"Amount due {total}" in " ".join(body.split())
        assert "Amount (excl. GST)" in body


def test_totals_gst_inclusive(business, customer, new_invoice, read_pdf):
    # 110.00 incl. -> GST 10.00; 99.99 incl. -> GST 9.09 (99.99 / 11 = 9.0900); GST-free 50.00 -> 0
    inv = new_invoice(
        [("Service", "1", "110", None), ("Tap", "1", "99.99", None), ("Test", "2", "25", "EXEMPTOUTPUT")],
        LineAmountTypes.INCLUSIVE,
        amount_paid=Decimal("100.00"),
    )
    text, html, pdf = parts(render(business, customer, inv))
    for body in (text, html_text(html), read_pdf(pdf.get_content())):
        flat = " ".join(body.split())
        assert "Amount (incl. GST)" in flat
        assert "$99.99" in flat and "$110.00" in flat and "$50.00" in flat
        assert "Subtotal (excl. GST) $240.90" in flat  # 259.99 - 19.09
        assert "Total GST included $19.09" in flat
        assert "Total (incl. GST) $259.99" in flat
        assert "Less amount paid $100.00" in flat
        assert "Amount due $159.99" in flat
        assert "Prices include GST" in flat
        assert "GST free" in flat  # the GST-free line says so
        assert "10%" in flat


def test_no_tax_invoice(business, customer, new_invoice):
    inv = new_invoice([("Donation", "1", "50", None)], LineAmountTypes.NO_TAX)
    text, _, _ = parts(render(business, customer, inv))
    flat = " ".join(text.split())
    assert "Subtotal $50.00" in flat and "Total GST $0.00" in flat and "Total $50.00" in flat
    assert "No GST applies" in flat


HOSTILE_BUSINESS = '<script>alert("biz")</script> & "Sons"'
HOSTILE_CUSTOMER = "O'Neil <b onmouseover=\"x()\">Bob</b> & Co"
HOSTILE_LINE = '<img src=x onerror="alert(1)"> & 50% off'


def test_html_escapes_hostile_names(business, customer, new_invoice, read_pdf):
    from dataclasses import replace

    biz = replace(business, name=HOSTILE_BUSINESS, address="<i>1 George St</i>")
    cust = Customer(name=HOSTILE_CUSTOMER, email="bob@example.com", address='"Unit 2" & <Level 3>')
    inv = new_invoice([(HOSTILE_LINE, "1", "10", None)], reference="<ref>")
    msg = render(biz, cust, inv)
    text, html, pdf = parts(msg)

    tags: set[str] = set()

    class Tags(HTMLParser):
        def handle_starttag(self, tag, attrs):
            tags.add(tag)
            for name, _ in attrs:
                assert not name.startswith("on"), f"event handler attribute {name!r} leaked into the HTML"

    Tags().feed(html)
    assert not tags & {"script", "img", "b", "i", "ref", "level"}
    for raw in (HOSTILE_BUSINESS, HOSTILE_CUSTOMER, HOSTILE_LINE):
        assert raw not in html
    assert "&lt;script&gt;alert(&quot;biz&quot;)&lt;/script&gt; &amp; &quot;Sons&quot;" in html
    assert "O&#x27;Neil &lt;b onmouseover=&quot;x()&quot;&gt;Bob&lt;/b&gt; &amp; Co" in html
    # ... and reads back as the original names
    shown = html_text(html)
    for raw in (HOSTILE_BUSINESS, HOSTILE_CUSTOMER, HOSTILE_LINE, "<ref>", '"Unit 2" & <Level 3>'):
        assert raw in shown
    # Plain text and PDF show them verbatim; headers carry them as display names, not markup
    assert HOSTILE_CUSTOMER in text
    assert '<img src=x onerror="alert(1)">' in text and "& 50% off" in text  # wrapped to the column
    assert HOSTILE_BUSINESS in read_pdf(pdf.get_content())
    assert msg["To"].addresses[0].display_name == HOSTILE_CUSTOMER
    assert msg["To"].addresses[0].addr_spec == "bob@example.com"
    assert msg["Subject"] == f"Tax Invoice INV-0001 from {HOSTILE_BUSINESS}"


def test_header_injection_through_names_is_neutralised(business, customer, invoice):
    from dataclasses import replace

    cust = Customer(name="Jane\r\nBcc: victim@evil.example", email="jane@example.com")
    biz = replace(business, name="Bob\nX-Evil: 1")
    msg = render_invoice_email(biz, cust, invoice, from_addr=FROM, now=NOW)
    raw = msg.as_bytes()
    assert b"\r\nBcc:" not in raw and b"\r\nX-Evil:" not in raw
    assert msg["Bcc"] is None
    assert [a.addr_spec for a in msg["To"].addresses] == ["jane@example.com"]


def test_unicode_names_survive(business, customer, invoice, read_pdf):
    from dataclasses import replace

    cust = replace(customer, name="Zoë Nguyễn 王")
    text, html, pdf = parts(render(replace(business, name="Café Plumbing — “Best”"), cust, invoice))
    assert "Zoë Nguyễn 王" in text and "Zoë Nguyễn 王" in html_text(html)
    words = read_pdf(pdf.get_content())
    assert "Café Plumbing — “Best”" in words  # Windows-1252 covers these
    assert "Zoë Nguy?n ?" in words  # the rest is replaced in the PDF only


def test_pdf_is_reproducible(business, customer, invoice):
    a = render_invoice_email(business, customer, invoice, from_addr=FROM, now=NOW)
    b = render_invoice_email(business, customer, invoice, from_addr=FROM, now=NOW + dt.timedelta(hours=5))
    pdf_a = next(a.iter_attachments()).get_content()
    pdf_b = next(b.iter_attachments()).get_content()
    assert pdf_a == pdf_b
    assert b"/CreationDate (D:20261125000000Z" in pdf_a or b"D:20261125000000" in pdf_a


def test_many_lines_spill_onto_more_pages(business, customer, new_invoice, read_pdf):
    inv = new_invoice([(f"Item {i} " + "long words " * 12, "1", "1", None) for i in range(80)])
    _, _, pdf = parts(render(business, customer, inv))
    data = pdf.get_content()
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", data)) >= 2
    words = read_pdf(data)
    assert "Item 79" in words and "Amount due $88.00" in " ".join(words.split())


def test_falls_back_to_business_email_as_sender(business, customer, invoice):
    msg = render(business, customer, invoice, from_addr="")
    assert msg["From"].addresses[0].addr_spec == "accounts@bobs-plumbing.example"
    assert msg["Reply-To"] is None


def test_customer_without_email_is_a_clear_error(business, invoice):
    with pytest.raises(MailError, match="Jane Citizen has no email address"):
        render_invoice_email(business, Customer(name="Jane Citizen"), invoice, from_addr=FROM)


def test_no_sender_at_all_is_a_clear_error(customer, invoice):
    from tui.domain.business import BusinessDetails

    with pytest.raises(MailError, match="no address to send from"):
        render_invoice_email(BusinessDetails(name="X"), customer, invoice, from_addr="")


def test_bad_customer_address_is_a_clear_error(business, invoice):
    with pytest.raises(MailError, match="not a usable email address"):
        render_invoice_email(business, Customer(name="Jo", email="jo@@example"), invoice, from_addr=FROM)


@pytest.mark.parametrize(
    "value, shown",
    [("12.5", "$12.50"), ("12", "$12.00"), ("1234.5678", "$1,234.5678"), ("0.125", "$0.125"),
     ("99.9900", "$99.99"), ("1000000", "$1,000,000.00")],
)
def test_unit_price_format(value, shown):
    assert format_unit_price(Decimal(value)) == shown


@pytest.mark.parametrize("value, shown", [("1", "1"), ("2.50", "2.5"), ("100", "100"), ("1000", "1,000"), ("0.125", "0.125")])
def test_quantity_format(value, shown):
    assert format_quantity(Decimal(value)) == shown


def test_date_header_is_in_the_business_time_zone(business, customer, invoice):
    msg = render(business, customer, invoice)
    assert msg["Date"].endswith("+1100")  # Sydney summer time on 25 Nov
    assert "25 Nov 2026 12:30:00" in msg["Date"]
    assert parsedate_to_datetime(msg["Date"]) == NOW


def test_wording_for_a_paid_invoice(business, customer, new_invoice):
    inv = new_invoice([("Service", "1", "100", None)], amount_paid=Decimal("110.00"))
    text, html, _ = parts(render(business, customer, inv))
    for body in (text, html_text(html)):
        flat = " ".join(body.split())
        assert "for $110.00, which is paid in full" in flat
        assert "Amount due $0.00" in flat
        assert "Nothing is owing" in flat and "Please pay" not in flat


def test_invoice_without_a_number(business, customer, new_invoice):
    msg = render(business, customer, new_invoice([("Service", "1", "100", None)], number=""))
    assert msg["Subject"] == "Tax Invoice from Bob's Plumbing & Gas"
    text, _, pdf = parts(msg)
    assert "Please find a tax invoice for $110.00" in text
    assert pdf.get_filename() == "Tax-Invoice.pdf"


def test_largest_invoice_renders_quickly(business, customer, new_invoice, read_pdf):
    import time

    inv = new_invoice([(f"Line {i}: " + "materials and labour " * 5, "3", "19.9999", None) for i in range(200)])
    started = time.perf_counter()
    msg = render(business, customer, inv)
    assert time.perf_counter() - started < 30  # no runaway (a quiet machine takes well under a second)
    text, _, pdf = parts(msg)
    # 200 x (3 x 19.9999 = 59.9997 -> 60.00) = 12,000.00; GST 200 x 6.00
    assert "$13,200.00" in text and "$13,200.00" in read_pdf(pdf.get_content())
