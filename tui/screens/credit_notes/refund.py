"""Refund a credit note's credit to the customer (F6 in the credit note editor): amount (the credit left to start
with), date (today), method and an optional reference. The money goes out of the payment account the method maps
to in Xero (as payments come in to it: Payment Accounts on the Xero screen). Dismisses with the credit note as it
is after the refund, or None."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from textual.app import ComposeResult
from textual.widgets import Input, Select

from tui.domain.credit import refund_problems
from tui.domain.payment import PaymentMethod
from tui.screens.amount_dialog import field
from tui.screens.credit_notes.dialog import CreditDialog


class RefundCreditScreen(CreditDialog):
    OK = "Refund"
    FIELDS = ("amount", "date", "method", "reference")
    TYPED = ("amount", "date", "reference")

    def fields_after(self) -> ComposeResult:
        yield field("Method", Select([(m.value, m) for m in PaymentMethod], value=PaymentMethod.BANK_TRANSFER,
                                     allow_blank=False, id="f-method", compact=True, disabled=True), "method")
        yield field("Reference", Input(placeholder="optional: transfer or cheque number", id="f-reference",
                                       compact=True, disabled=True), "reference")

    def rules(self, amount: Decimal | None, on: date | None) -> dict[str, str]:
        method, reference = self.method_and_reference()
        return refund_problems(self.note, amount, on, method, reference)

    def submit(self, amount: Decimal, on: date) -> tuple:
        method, reference = self.method_and_reference()
        return self.services.refund_credit, self.note.id, amount, on, method, reference
