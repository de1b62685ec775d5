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
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from tui.domain.dates import format_date, parse_date
from tui.domain.errors import TransitionError, ValidationError
from tui.domain.invoice import Invoice
from tui.domain.money import format_money
from tui.domain.payment import PaymentMethod, ensure_takes_payments, parse_amount, payment_problems
from tui.store.errors import ConflictError
from tui.widgets.field_checks import FieldChecks
from tui.widgets.field_error import FieldError
from tui.widgets.workers import WorkerMixin

FIELDS = ("amount", "date", "method", "reference")


@dataclass(frozen=True)
class Opened:
    invoice: Invoice
    customer: str
    today: date


class RecordPaymentScreen(WorkerMixin, ModalScreen[Invoice | None]):
    DEFAULT_CSS = """
    RecordPaymentScreen { align: center middle; }
    RecordPaymentScreen > #dialog {
        width: 72; max-width: 100%; height: auto; max-height: 100%; padding: 1 2;
        border: thick $primary; background: $surface;
    }
    RecordPaymentScreen #about { margin-bottom: 1; }
    RecordPaymentScreen .field { height: auto; }
    RecordPaymentScreen .field > Label { width: 11; color: $text-muted; }
    RecordPaymentScreen .field > Input { width: 16; }
    RecordPaymentScreen .field > #f-reference { width: 1fr; }
    RecordPaymentScreen .field > Select { width: 22; }
    RecordPaymentScreen .field > FieldError { width: 1fr; padding-left: 1; }
    RecordPaymentScreen #e-reference { padding-left: 11; }
    RecordPaymentScreen #problem { color: $error; height: auto; }
    RecordPaymentScreen #buttons { height: auto; align-horizontal: right; margin-top: 1; }
    RecordPaymentScreen Button { margin-left: 2; }
    """
    BINDINGS = [
        Binding("ctrl+s", "record", "Record payment", id="payment_record", priority=True),
        Binding("escape", "cancel", "Cancel", id="payment_cancel"),
    ]

    def __init__(self, invoice_id: int):
        super().__init__()
        self.invoice_id = invoice_id
        self.opened: Opened | None = None
        self.busy = False
        self.checks = FieldChecks(self._key_of, self.problems, self._show_field,
                                  lambda key: self.query_one(f"#e-{key}", FieldError).message)

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static("Loading the invoice…", id="about")
            with Horizontal(classes="field"):
                yield Label("Amount")
                yield Input(id="f-amount", compact=True, disabled=True)
                yield FieldError(id="e-amount")
            with Horizontal(classes="field"):
                yield Label("Date")
                yield Input(placeholder="DD/MM/YYYY", id="f-date", compact=True, disabled=True)
                yield FieldError(id="e-date")
            with Horizontal(classes="field"):
                yield Label("Method")
                yield Select([(m.value, m) for m in PaymentMethod], value=PaymentMethod.CASH, allow_blank=False,
                             id="f-method", compact=True, disabled=True)
                yield FieldError(id="e-method")
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

    def _failed(self, exc: Exception) -> None:
        self.busy = False
        if isinstance(exc, ValidationError):
            self.show_errors(exc.errors)
            self.checks.refused(exc.errors, lambda key: self.query_one(f"#f-{key}", Input).value
                                if key in ("amount", "date", "reference") else None)
        else:
            self.query_one("#problem", Static).update(str(exc))
            if not isinstance(exc, (TransitionError, ConflictError)):
                self.show_error(exc)

    def show_errors(self, errors: dict[str, str]) -> None:
        """Each message at its field, and the focus on the first field in error."""
        for field in FIELDS:
            self._show_field(field, errors.get(field, ""))
        self.query_one("#problem", Static).update("")
        first = next((field for field in FIELDS if field in errors), None)
        if first is not None:
            self.query_one(f"#f-{first}").focus()

    def _show_field(self, field: str, message: str) -> None:
        self.query_one(f"#e-{field}", FieldError).show(message)
        self.query_one(f"#f-{field}").set_class(bool(message), "-invalid")

    # -- checking as people type ------------------------------------------------------------------------------
    @staticmethod
    def _key_of(box: Input) -> str | None:
        return box.id[2:] if box.id in ("f-amount", "f-date", "f-reference") else None

    def read(self) -> tuple[Decimal | None, date | None, dict[str, str]]:
        """The amount and date as typed (None where they do not read), with a message for each that does not."""
        errors: dict[str, str] = {}
        amount = on = None
        try:
            amount = parse_amount(self.query_one("#f-amount", Input).value)
        except ValueError as exc:
            errors["amount"] = str(exc)
        try:
            on = parse_date(self.query_one("#f-date", Input).value, today=self.opened.today)
        except ValueError as exc:
            errors["date"] = str(exc)
        return amount, on, errors

    def problems(self) -> dict[str, str]:
        """Every message for what is typed now: what does not read, then the domain's rules for the rest."""
        if self.opened is None:
            return {}
        amount, on, errors = self.read()
        rules = payment_problems(self.opened.invoice, amount=amount, on=on,
                                 method=self.query_one("#f-method", Select).value,
                                 reference=self.query_one("#f-reference", Input).value)
        return rules | errors

    def on_input_changed(self, event: Input.Changed) -> None:
        self.checks.changed(event.input)

    def on_input_blurred(self, event: Input.Blurred) -> None:
        self.checks.left(event.input)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_record()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_record() if event.button.id == "record" else self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_record(self) -> None:
        if self.opened is None or self.busy:
            return
        errors = self.problems()
        if errors:
            self.show_errors(errors)
            return
        amount, on, _ = self.read()
        method = self.query_one("#f-method", Select).value
        reference = self.query_one("#f-reference", Input).value
        self.busy = True
        self.blocking(self.services.record_payment, self.opened.invoice, amount, on, method, reference,
                      on_done=self.dismiss, on_error=self._failed, group="record")
