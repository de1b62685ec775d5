"""Allocate a credit note's credit to another of the customer's invoices (F4 in the credit note editor): the invoice
(those still owing), the amount (the credit left or what the invoice owes, whichever is less, to start with) and
the date. An amount over either is refused at the field, saying which. Dismisses with the credit note as it is
after the allocation, or None."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from textual.app import ComposeResult
from textual.widgets import Input, Select

from tui.domain.credit import allocation_problems
from tui.domain.invoice import Invoice
from tui.domain.money import format_money
from tui.screens.amount_dialog import field
from tui.screens.credit_notes.dialog import CreditDialog


class AllocateCreditScreen(CreditDialog):
    OK = "Allocate"
    FIELDS = ("invoice", "amount", "date")

    def __init__(self, credit_note_id: int):
        super().__init__(credit_note_id)
        self.invoices: dict[int, Invoice] = {}

    def fields_before(self) -> ComposeResult:
        yield field("Invoice", Select([], prompt="No invoice owes anything", id="f-invoice", compact=True,
                                      disabled=True), "invoice")

    def open(self, note) -> list[Invoice]:
        return self.services.invoices_to_credit(note.id)

    def opened(self, invoices: list[Invoice]) -> None:
        self.invoices = {inv.id: inv for inv in invoices}
        choice = self.query_one("#f-invoice", Select)
        choice.set_options([(f"{inv.number} · owes {format_money(inv.amount_due)}", inv.id) for inv in invoices])
        if not invoices:
            self.query_one("#problem").update("None of the customer's invoices owes anything: nothing to allocate to")
            self.query_one("#ok").disabled = True
            return
        choice.value = invoices[0].id
        choice.focus()

    def on_select_changed(self, event: Select.Changed) -> None:
        """Another invoice: the amount is what fits both it and the credit left."""
        invoice = self.invoices.get(event.value) if isinstance(event.value, int) else None
        if invoice is not None and self.note is not None:
            fits = min(invoice.amount_due, self.note.remaining_credit)
            self.query_one("#f-amount", Input).value = f"{fits:,.2f}"
            self._show_field("invoice", "")

    def _invoice(self) -> Invoice | None:
        value = self.query_one("#f-invoice", Select).value
        return self.invoices.get(value) if isinstance(value, int) else None

    def rules(self, amount: Decimal | None, on: date | None) -> dict[str, str]:
        invoice = self._invoice()
        if invoice is None:
            return {"invoice": "Choose the invoice to allocate the credit to"}
        return allocation_problems(self.note, invoice, amount, on)

    def submit(self, amount: Decimal, on: date) -> tuple:
        return self.services.allocate_credit, self.note.id, self._invoice().id, amount, on
