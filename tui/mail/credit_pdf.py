"""The PDF copy of an adjustment note (a credit note), drawn with fpdf2 from the same view as its email text and
HTML, laid out as the tax invoice's PDF (:mod:`tui.mail.pdf`): built-in Helvetica, Windows-1252 text, a fixed
creation date, so one credit note always gives the same bytes."""

from __future__ import annotations

from datetime import datetime

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from tui.mail.credit_view import AdjustmentView

_ENCODING = "cp1252"
# Column widths in mm on an A4 page with 15 mm margins (180 mm usable), as the tax invoice's.
_COLS = (("Description", 78, "L"), ("Qty", 18, "R"), ("Unit price", 28, "R"), ("GST", 18, "R"), ("", 38, "R"))


def _t(text: str) -> str:
    return text.encode(_ENCODING, "replace").decode(_ENCODING)


def _line(pdf: FPDF, text: str, size: float = 10, style: str = "") -> None:
    pdf.set_font("Helvetica", style, size)
    pdf.multi_cell(pdf.epw, size * 0.5, _t(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _new_pdf(view: AdjustmentView, created: datetime) -> FPDF:
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


def _parties(pdf: FPDF, view: AdjustmentView) -> None:
    pdf.set_font("Helvetica", "B", 20)
    pdf.cell(pdf.epw, 10, _t(view.kind.upper()), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    _line(pdf, view.business_name, 12, "B")
    if view.abn:
        _line(pdf, f"ABN {view.abn}")
    for text in view.business_address.splitlines():
        _line(pdf, text)
    for label, value in (("Phone", view.business_phone), ("Email", view.business_email)):
        if value:
            _line(pdf, f"{label}: {value}")
    pdf.ln(4)
    _line(pdf, "Customer", 9, "I")
    _line(pdf, view.customer_name, 10, "B")
    for text in view.customer_address.splitlines():
        _line(pdf, text)
    pdf.ln(4)
    for label, value in view.facts:
        pdf.set_font("Helvetica", "B", 10)
        pdf.cell(45, 5, _t(label))
        pdf.set_font("Helvetica", "", 10)
        pdf.multi_cell(pdf.epw - 45, 5, _t(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)


def _lines(pdf: FPDF, view: AdjustmentView) -> None:
    headings = [(name or view.amount_heading, w, align) for name, w, align in _COLS]
    pdf.set_font("Helvetica", "B", 9)
    with pdf.table(col_widths=tuple(w for _, w, _ in headings), text_align=tuple(a for _, _, a in headings),
                   width=pdf.epw, line_height=5, borders_layout="HORIZONTAL_LINES",
                   first_row_as_headings=True) as table:
        row = table.row()
        for name, _, _ in headings:
            row.cell(_t(name))
        pdf.set_font("Helvetica", "", 9)
        for item in view.lines:
            row = table.row()
            for value in (item.description, item.quantity, item.unit_price, item.gst, item.amount):
                row.cell(_t(value))
    pdf.ln(3)


def adjustment_pdf(view: AdjustmentView, *, created: datetime) -> bytes:
    pdf = _new_pdf(view, created)
    _parties(pdf, view)
    _lines(pdf, view)
    for label, value in view.totals_rows:
        pdf.set_font("Helvetica", "B" if label.startswith("Total") else "", 10)
        pdf.cell(pdf.epw - 38, 6, _t(label), align="R")
        pdf.cell(38, 6, _t(value), align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)
    _line(pdf, view.statement, 10, "B")
    _line(pdf, view.prices_note, 9)
    pdf.ln(2)
    _line(pdf, view.next_step, 10)
    return bytes(pdf.output())
