"""The PDF copy of a tax invoice, drawn with fpdf2 from the same view as the email text and HTML.

Pure Python and reproducible: the built-in Helvetica font (nothing read from the system) and a fixed
creation date, so one invoice always gives the same bytes. The built-in fonts cover Windows-1252
(accents, curly quotes, dashes, the euro sign); any other character is shown as "?" in the PDF only,
the email text and HTML keep it.
"""

from __future__ import annotations

from datetime import datetime

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from tui.mail.view import InvoiceView

_ENCODING = "cp1252"

# Column widths in mm on an A4 page with 15 mm margins (180 mm usable).
_COLS = (("Description", 78, "L"), ("Qty", 18, "R"), ("Unit price", 28, "R"), ("GST", 18, "R"), ("", 38, "R"))


def _t(text: str) -> str:
    return text.encode(_ENCODING, "replace").decode(_ENCODING)


def invoice_pdf(view: InvoiceView, *, created: datetime) -> bytes:
    pdf = _new_pdf(view, created)
    pdf.set_font("Helvetica", "B", 20)
    pdf.cell(pdf.epw, 10, "TAX INVOICE", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    _parties(pdf, view)
    _details(pdf, view)
    _items(pdf, view)
    _totals(pdf, view)
    _line(pdf, view.prices_note, 9)
    _line(pdf, view.request, 10, "B")
    return bytes(pdf.output())


def _new_pdf(view: InvoiceView, created: datetime) -> FPDF:
    """An A4 document with its metadata and one empty page."""
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.core_fonts_encoding = _ENCODING
    pdf.set_creation_date(created)
    pdf.set_title(_t(view.title))
    pdf.set_author(_t(view.business_name))
    pdf.set_subject(_t(f"{view.title} for {view.customer_name}"))
    pdf.set_creator("tradiecore")
    pdf.set_producer("tradiecore")
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    return pdf


def _line(pdf: FPDF, text: str, size: float = 10, style: str = "", align: str = "L") -> None:
    """A paragraph across the page."""
    pdf.set_font("Helvetica", style, size)
    pdf.multi_cell(pdf.epw, size * 0.5, _t(text), align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _parties(pdf: FPDF, view: InvoiceView) -> None:
    """The business (name, ABN, address, phone, email), then who the invoice is to."""
    _line(pdf, view.business_name, 12, "B")
    if view.abn:
        _line(pdf, f"ABN {view.abn}")
    for text in view.business_address.splitlines():
        _line(pdf, text)
    if view.business_phone:
        _line(pdf, f"Phone: {view.business_phone}")
    if view.business_email:
        _line(pdf, f"Email: {view.business_email}")
    pdf.ln(4)
    _line(pdf, "Bill to", 9, "I")
    _line(pdf, view.customer_name, 10, "B")
    for text in view.customer_address.splitlines():
        _line(pdf, text)
    pdf.ln(4)


def _details(pdf: FPDF, view: InvoiceView) -> None:
    """Number, dates and reference, each labelled."""
    for label, value in (
        ("Invoice number", view.number),
        ("Issue date", view.issue_date),
        ("Due date", view.due_date),
        ("Reference", view.reference),
    ):
        if value:
            pdf.set_font("Helvetica", "B", 10)
            pdf.cell(35, 5, label)
            pdf.set_font("Helvetica", "", 10)
            pdf.multi_cell(pdf.epw - 35, 5, _t(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)


def _items(pdf: FPDF, view: InvoiceView) -> None:
    """The table of lines: description, quantity, unit price, GST and amount."""
    headings = [(name or view.amount_heading, w, align) for name, w, align in _COLS]
    pdf.set_font("Helvetica", "B", 9)
    with pdf.table(
        col_widths=tuple(w for _, w, _ in headings),
        text_align=tuple(a for _, _, a in headings),
        width=pdf.epw,
        line_height=5,
        borders_layout="HORIZONTAL_LINES",
        first_row_as_headings=True,
    ) as table:
        row = table.row()
        for name, _, _ in headings:
            row.cell(_t(name))
        pdf.set_font("Helvetica", "", 9)
        for item in view.lines:
            row = table.row()
            for value in (item.description, item.quantity, item.unit_price, item.gst, item.amount):
                row.cell(_t(value))
    pdf.ln(3)


def _totals(pdf: FPDF, view: InvoiceView) -> None:
    """Subtotal, GST, total and amount due, right-aligned, the amount due in bold."""
    for label, value in view.totals_rows:
        bold = "B" if label == "Amount due" else ""
        pdf.set_font("Helvetica", bold, 10)
        pdf.cell(pdf.epw - 38, 6, _t(label), align="R")
        pdf.cell(38, 6, _t(value), align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)
