"""What the dialogs that use a credit note's credit share (refund it, allocate it to an invoice), laid out and keyed as
the record payment dialog: an amount and a date, each subclass's own fields around them, Ctrl+S to do it, Esc to
cancel. A field's message appears when it is left and goes once it reads right; what the services refuse shows at
its field, the first field in error taking the focus. Dismisses with the credit note as it is after, or None."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from tui.domain.credit_note import CreditNote
from tui.domain.dates import format_date, parse_date
from tui.domain.errors import TransitionError, ValidationError
from tui.domain.money import format_money
from tui.domain.payment import parse_amount
from tui.store.errors import ConflictError
from tui.widgets.field_checks import FieldChecks
from tui.widgets.field_error import FieldError
from tui.widgets.workers import WorkerMixin


def field(label: str, widget, key: str) -> Horizontal:
    """A labelled field with its message beside it."""
    return Horizontal(Label(label), widget, FieldError(id=f"e-{key}"), classes="field")


class CreditDialog(WorkerMixin, ModalScreen[CreditNote | None]):
    DEFAULT_CSS = """
    CreditDialog { align: center middle; }
    CreditDialog > #dialog {
        width: 72; max-width: 100%; height: auto; max-height: 100%; padding: 1 2;
        border: thick $primary; background: $surface;
    }
    CreditDialog #about { margin-bottom: 1; }
    CreditDialog .field { height: auto; }
    CreditDialog .field > Label { width: 11; color: $text-muted; }
    CreditDialog .field > Input { width: 16; }
    CreditDialog .field > #f-reference { width: 1fr; }
    CreditDialog .field > Select { width: 30; }
    CreditDialog .field > FieldError { width: 1fr; padding-left: 1; }
    CreditDialog #problem { color: $error; height: auto; }
    CreditDialog #buttons { height: auto; align-horizontal: right; margin-top: 1; }
    CreditDialog Button { margin-left: 2; }
    """
    BINDINGS = [
        Binding("ctrl+s", "ok", "OK", id="credit_dialog_ok", priority=True),
        Binding("escape", "cancel", "Cancel", id="credit_dialog_cancel"),
    ]
    OK = "OK"
    FIELDS: tuple[str, ...] = ("amount", "date")  # in the order shown
    TYPED: tuple[str, ...] = ("amount", "date")  # the Inputs checked as typed

    def __init__(self, credit_note_id: int):
        super().__init__()
        self.credit_note_id = credit_note_id
        self.note: CreditNote | None = None
        self.today: date | None = None
        self.busy = False
        self.checks = FieldChecks(self._key_of, self.problems, self._show_field,
                                  lambda key: self.query_one(f"#e-{key}", FieldError).message)

    # -- what each dialog adds ----------------------------------------------------------------------------
    def fields_before(self) -> ComposeResult:
        yield from ()

    def fields_after(self) -> ComposeResult:
        yield from ()

    def open(self, note: CreditNote) -> object:
        """Read what the dialog needs besides the note (in the worker)."""

    def opened(self, extra: object) -> None:
        """Show it (on the UI loop)."""

    def rules(self, amount: Decimal | None, on: date | None) -> dict[str, str]:
        raise NotImplementedError

    def submit(self, amount: Decimal, on: date) -> tuple:
        """The services call and its arguments."""
        raise NotImplementedError

    # -- the dialog -----------------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static("Loading the credit note…", id="about")
            yield from self.fields_before()
            yield field("Amount", Input(id="f-amount", compact=True, disabled=True), "amount")
            yield field("Date", Input(placeholder="DD/MM/YYYY", id="f-date", compact=True, disabled=True), "date")
            yield from self.fields_after()
            yield Static("", id="problem", markup=False)
            with Horizontal(id="buttons"):
                yield Button(f"{self.OK} (Ctrl+S)", id="ok", variant="primary", disabled=True)
                yield Button("Cancel (Esc)", id="cancel")

    def on_mount(self) -> None:
        self.blocking(self._open, on_done=self._opened, on_error=self._failed, group="open")

    def _open(self) -> tuple[CreditNote, str, date, object]:
        note = self.services.credit_note(self.credit_note_id)
        customer = self.services.customer(note.customer_id).name if note.customer_id is not None else ""
        return note, customer, self.services.today(), self.open(note)

    def _opened(self, loaded: tuple[CreditNote, str, date, object]) -> None:
        note, customer, self.today, extra = loaded
        self.note = note
        self.query_one("#about", Static).update(Text.assemble(
            (f"{self.OK} credit from ", ""), (note.number, "bold"), (f" · {customer}\n", ""),
            ("Total ", "dim"), format_money(note.totals.total), ("  Used ", "dim"),
            format_money(note.amount_allocated + note.amount_refunded), ("  Credit left ", "dim"),
            (format_money(note.remaining_credit), "bold")))
        self.query_one("#f-amount", Input).value = f"{note.remaining_credit:,.2f}"
        self.query_one("#f-date", Input).value = format_date(self.today)
        for widget in self.query("Input, Select, #ok"):
            widget.disabled = False
        self.query_one("#f-amount", Input).focus()
        self.opened(extra)

    def _failed(self, exc: Exception) -> None:
        self.busy = False
        if isinstance(exc, ValidationError):
            self.show_errors(exc.errors)
            self.checks.refused(exc.errors, lambda key: self.query_one(f"#f-{key}", Input).value
                                if key in self.TYPED else None)
        else:
            self.query_one("#problem", Static).update(str(exc))
            if not isinstance(exc, (TransitionError, ConflictError)):
                self.show_error(exc)

    def show_errors(self, errors: dict[str, str]) -> None:
        for key in self.FIELDS:
            self._show_field(key, errors.get(key, ""))
        rest = [m for k, m in errors.items() if k not in self.FIELDS]
        self.query_one("#problem", Static).update("\n".join(rest))
        first = next((key for key in self.FIELDS if key in errors), None)
        if first is not None:
            self.query_one(f"#f-{first}").focus()

    def _show_field(self, key: str, message: str) -> None:
        self.query_one(f"#e-{key}", FieldError).show(message)
        self.query_one(f"#f-{key}").set_class(bool(message), "-invalid")

    def _key_of(self, box: Input) -> str | None:
        key = (box.id or "")[2:]
        return key if key in self.TYPED else None

    def read(self) -> tuple[Decimal | None, date | None, dict[str, str]]:
        errors: dict[str, str] = {}
        amount = on = None
        try:
            amount = parse_amount(self.query_one("#f-amount", Input).value)
        except ValueError as exc:
            errors["amount"] = str(exc)
        try:
            on = parse_date(self.query_one("#f-date", Input).value, today=self.today)
        except ValueError as exc:
            errors["date"] = str(exc)
        return amount, on, errors

    def problems(self) -> dict[str, str]:
        if self.note is None:
            return {}
        amount, on, errors = self.read()
        return self.rules(amount, on) | errors

    def on_input_changed(self, event: Input.Changed) -> None:
        self.checks.changed(event.input)

    def on_input_blurred(self, event: Input.Blurred) -> None:
        self.checks.left(event.input)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_ok()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_ok() if event.button.id == "ok" else self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_ok(self) -> None:
        if self.note is None or self.busy:
            return
        errors = self.problems()
        if errors:
            self.show_errors(errors)
            return
        amount, on, _ = self.read()
        fn, *args = self.submit(amount, on)
        self.busy = True
        self.blocking(fn, *args, on_done=self.dismiss, on_error=self._failed, group="ok")
