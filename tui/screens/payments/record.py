"""Record a payment on a sent invoice (from the invoice editor and from To Do): amount (the amount due to start
with), date (today in the business's time zone), method and an optional reference. Ctrl+S records it. A field's message
appears when it is left and goes once it reads right (an amount above the amount due says the amount due); what
the services refuse shows at its field, and the first field in error takes the focus. Dismisses with the
invoice as it is after the payment, or None."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Select, Static

from tui.domain.dates import format_date
from tui.domain.invoice import Invoice
from tui.domain.money import format_money
from tui.domain.payment import PaymentMethod, ensure_takes_payments, payment_problems
from tui.screens.amount_dialog import AmountDialog, field
from tui.widgets.field_error import FieldError


@dataclass(frozen=True)
class Opened:
    invoice: Invoice
    customer: str
    today: date


class RecordPaymentScreen(AmountDialog):
    DEFAULT_CSS = """
    RecordPaymentScreen .field > Select { width: 22; }
    RecordPaymentScreen #e-reference { padding-left: 11; }
    """
    BINDINGS = [
        Binding("ctrl+s", "record", "Record payment", id="payment_record", priority=True),
        Binding("escape", "cancel", "Cancel", id="payment_cancel"),
    ]
    FIELDS = ("amount", "date", "method", "reference")
    TYPED = ("amount", "date", "reference")
    OK_ID = "record"

    def __init__(self, invoice_id: int):
        super().__init__()
        self.invoice_id = invoice_id
        self.opened: Opened | None = None

    @property
    def loaded(self) -> bool:
        return self.opened is not None

    @property
    def today(self) -> date | None:
        return self.opened.today if self.opened is not None else None

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static("Loading the invoice…", id="about")
            yield field("Amount", Input(id="f-amount", compact=True, disabled=True), "amount")
            yield field("Date", Input(placeholder="DD/MM/YYYY", id="f-date", compact=True, disabled=True), "date")
            yield field("Method", Select([(m.value, m) for m in PaymentMethod], value=PaymentMethod.CASH,
                                         allow_blank=False, id="f-method", compact=True, disabled=True), "method")
            with Horizontal(classes="field"):
                yield Label("Reference")
                yield Input(placeholder="optional: receipt, cheque number", id="f-reference", compact=True,
                            disabled=True)
            yield FieldError(id="e-reference")
            yield Static("", id="problem", markup=False)
            with Horizontal(id="buttons"):
                yield Button("Record (Ctrl+S)", id="record", variant="primary", disabled=True)
                yield Button("Cancel (Esc)", id="cancel")

    def on_mount(self) -> None:
        self.blocking(self._open, on_done=self._opened, on_error=self._failed, group="open")

    def _open(self) -> Opened:
        inv = self.services.invoice(self.invoice_id)
        ensure_takes_payments(inv)
        customer = self.services.customer(inv.customer_id).name
        return Opened(inv, customer, self.services.today())

    def _opened(self, opened: Opened) -> None:
        self.opened = opened
        inv = opened.invoice
        self.query_one("#about", Static).update(Text.assemble(
            ("Record a payment on ", ""), (inv.number, "bold"), (f" · {opened.customer}\n", ""),
            ("Total ", "dim"), format_money(inv.totals.total), ("  Paid ", "dim"), format_money(inv.amount_paid),
            ("  Amount due ", "dim"), (format_money(inv.amount_due), "bold")))
        self.query_one("#f-amount", Input).value = f"{inv.amount_due:,.2f}"
        self.query_one("#f-date", Input).value = format_date(opened.today)
        for widget in self.query("Input, Select, #record"):
            widget.disabled = False
        self.query_one("#f-amount", Input).focus()

    def rules(self, amount: Decimal | None, on: date | None) -> dict[str, str]:
        method, reference = self.method_and_reference()
        return payment_problems(self.opened.invoice, amount=amount, on=on, method=method, reference=reference)

    def submit(self, amount: Decimal, on: date) -> tuple:
        method, reference = self.method_and_reference()
        return self.services.record_payment, self.opened.invoice, amount, on, method, reference

    def action_record(self) -> None:
        self.submit_form()
