"""What the dialogs that move money share (record a payment; refund a credit note's credit, allocate it to an
invoice): an amount and a date among each dialog's own fields, Enter or Ctrl+S to do it, Esc to cancel.

A field's message appears when it is left and goes once it reads right (:class:`~tui.widgets.field_checks.
FieldChecks`); a refused submit shows every message at its field, the first field in error taking the focus; what
the services refuse shows the same way, and what belongs to no field under the fields. Each dialog names its
fields, reads its record, states its rules (the domain's) and the services call that does it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from textual.containers import Horizontal
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from tui.domain.dates import parse_date
from tui.domain.errors import TransitionError, ValidationError
from tui.domain.payment import parse_amount
from tui.store.errors import ConflictError
from tui.widgets.field_checks import FieldChecks
from tui.widgets.field_error import FieldError
from tui.widgets.workers import WorkerMixin


def field(label: str, widget, key: str) -> Horizontal:
    """A labelled field with its message beside it."""
    return Horizontal(Label(label), widget, FieldError(id=f"e-{key}"), classes="field")


class AmountDialog(WorkerMixin, ModalScreen):
    DEFAULT_CSS = """
    AmountDialog { align: center middle; }
    AmountDialog > #dialog {
        width: 72; max-width: 100%; height: auto; max-height: 100%; padding: 1 2;
        border: thick $primary; background: $surface;
    }
    AmountDialog #about { margin-bottom: 1; }
    AmountDialog .field { height: auto; }
    AmountDialog .field > Label { width: 11; color: $text-muted; }
    AmountDialog .field > Input { width: 16; }
    AmountDialog .field > #f-reference { width: 1fr; }
    AmountDialog .field > FieldError { width: 1fr; padding-left: 1; }
    AmountDialog #problem { color: $error; height: auto; }
    AmountDialog #buttons { height: auto; align-horizontal: right; margin-top: 1; }
    AmountDialog Button { margin-left: 2; }
    """
    FIELDS: tuple[str, ...] = ("amount", "date")  # every field with a message, in the order shown
    TYPED: tuple[str, ...] = ("amount", "date")  # the Inputs checked as typed
    OK_ID = "ok"  # the button that does it

    def __init__(self) -> None:
        super().__init__()
        self.busy = False
        self.checks = FieldChecks(self._key_of, self.problems, self._show_field,
                                  lambda key: self.query_one(f"#e-{key}", FieldError).message)

    # -- what each dialog says --------------------------------------------------------------------------------
    @property
    def loaded(self) -> bool:
        raise NotImplementedError

    @property
    def today(self) -> date | None:
        raise NotImplementedError

    def rules(self, amount: Decimal | None, on: date | None) -> dict[str, str]:
        """The domain's messages for what is typed now."""
        raise NotImplementedError

    def submit(self, amount: Decimal, on: date) -> tuple:
        """The services call and its arguments."""
        raise NotImplementedError

    # -- reading and checking ---------------------------------------------------------------------------------
    def read(self) -> tuple[Decimal | None, date | None, dict[str, str]]:
        """The amount and date as typed (None where they do not read), with a message for each that does not."""
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
        """Every message for what is typed now: what does not read, then the rules for the rest."""
        if not self.loaded:
            return {}
        amount, on, errors = self.read()
        return self.rules(amount, on) | errors

    def method_and_reference(self) -> tuple:
        """The payment method and reference chosen, in a dialog with those fields (money in or out)."""
        return self.query_one("#f-method", Select).value, self.query_one("#f-reference", Input).value

    def _key_of(self, box: Input) -> str | None:
        key = (box.id or "")[2:]
        return key if key in self.TYPED else None

    def on_input_changed(self, event: Input.Changed) -> None:
        self.checks.changed(event.input)

    def on_input_blurred(self, event: Input.Blurred) -> None:
        self.checks.left(event.input)

    # -- doing it ---------------------------------------------------------------------------------------------
    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.submit_form()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.submit_form() if event.button.id == self.OK_ID else self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def submit_form(self) -> None:
        if not self.loaded or self.busy:
            return
        errors = self.problems()
        if errors:
            self.show_errors(errors)
            return
        amount, on, _ = self.read()
        fn, *args = self.submit(amount, on)
        self.busy = True
        self.blocking(fn, *args, on_done=self.dismiss, on_error=self._failed, group="ok")

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
        """Each message at its field (what belongs to none under the fields), the focus on the first in error."""
        for key in self.FIELDS:
            self._show_field(key, errors.get(key, ""))
        self.query_one("#problem", Static).update("\n".join(m for k, m in errors.items() if k not in self.FIELDS))
        first = next((key for key in self.FIELDS if key in errors), None)
        if first is not None:
            self.query_one(f"#f-{first}").focus()

    def _show_field(self, key: str, message: str) -> None:
        self.query_one(f"#e-{key}", FieldError).show(message)
        self.query_one(f"#f-{key}").set_class(bool(message), "-invalid")
