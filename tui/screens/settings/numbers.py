"""Numbers: how invoices and credit notes are numbered, and the credit notes' prefix (``CN-`` unless changed).

Invoices are always ``INV-`` and kept clear of Xero's numbers at each pull. The credit notes' prefix is the
business's choice (the domain's ``prefix_problem`` says what reads as one): a new prefix numbers the next credit
note, kept clear of the numbers Xero holds with it from the next pull; numbers already given stay as they are.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Footer, Input, Label, Static

from tui.domain.credit_note import MAX_PREFIX, prefix_problem
from tui.domain.errors import ValidationError
from tui.screens.base import BaseScreen
from tui.widgets.field_checks import FieldChecks
from tui.widgets.header import AppHeader
from tui.widgets.records import RecordsChanged


class NumbersScreen(BaseScreen):
    TITLE = "Numbers"
    BINDINGS = [Binding("ctrl+s", "save", "Save", id="save", priority=True)]

    def __init__(self) -> None:
        super().__init__()
        self.prefix: str | None = None  # as saved; None while loading
        self.checks = FieldChecks(lambda box: "prefix" if box.id == "prefix" else None, self.problems,
                                  self._show_error, self._shown)

    def compose(self) -> ComposeResult:
        yield AppHeader(self.TITLE)
        with VerticalScroll(id="numbers-form", classes="form"):
            yield Static("Numbers", classes="screen-heading")
            yield Static("Invoices are numbered INV-0001, INV-0002, … and kept clear of the numbers already in "
                         "Xero.", classes="hint")
            with Horizontal(classes="field", id="field-prefix"):
                yield Label("Credit note prefix", classes="field-label")
                with Vertical(classes="field-body"):
                    yield Input(id="prefix", compact=True, max_length=MAX_PREFIX, placeholder="CN-")
                    yield Static("", id="error-prefix", classes="field-error", markup=False)
            yield Static("", id="next-number", classes="message", markup=False)
            yield Static("Credit notes already numbered keep their numbers. Ctrl+S saves.", classes="hint")
            with Horizontal(classes="form-buttons"):
                yield Button("Save", id="save", variant="primary", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#numbers-form").loading = True
        self.load()

    def load(self) -> None:
        def numbering() -> tuple[str, str]:
            return self.services.credit_note_prefix(), self.services.next_credit_note_number()

        self.blocking(numbering, on_done=self._loaded, group="numbers")

    def _loaded(self, numbering: tuple[str, str]) -> None:
        prefix, next_number = numbering
        box = self.query_one("#prefix", Input)
        first = self.prefix is None
        if first or box.value == self.prefix:  # nothing typed over what was shown
            box.value = prefix
        self.prefix = prefix
        self.query_one("#next-number", Static).update(
            Text.assemble("The next credit note will be ", (next_number, "bold"), "."))
        if first:
            self.query_one("#numbers-form").loading = False
            box.focus()

    @on(RecordsChanged)
    def _records_changed(self, message: RecordsChanged) -> None:
        """Another session saved a prefix or a credit note took a number: the next number follows."""
        if message.touches("credit_note") and self.prefix is not None:
            self.load()

    # -- checking as people type ----------------------------------------------------------------------
    def problems(self) -> dict[str, str]:
        problem = prefix_problem(self.query_one("#prefix", Input).value.strip())
        return {"prefix": problem} if problem else {}

    def on_input_changed(self, event: Input.Changed) -> None:
        self.checks.changed(event.input)

    def on_input_blurred(self, event: Input.Blurred) -> None:
        self.checks.left(event.input)

    def _show_error(self, _key: str, message: str) -> None:
        error = self.query_one("#error-prefix", Static)
        error.update(message)
        error.set_class(bool(message), "-shown")
        self.query_one("#field-prefix").set_class(bool(message), "-invalid")

    def _shown(self, _key: str) -> str:
        error = self.query_one("#error-prefix", Static)
        return str(error.render()) if error.has_class("-shown") else ""

    # -- saving ---------------------------------------------------------------------------------------
    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            event.stop()
            self.action_save()

    def action_save(self) -> None:
        if self.prefix is None:  # still loading
            return
        if errors := self.problems():
            self._refused(errors)
            return
        self.blocking(self.services.set_credit_note_prefix, self.query_one("#prefix", Input).value,
                      on_done=self._saved, on_error=self._failed, group="save")

    def _saved(self, prefix: str) -> None:
        self._show_error("prefix", "")
        self.query_one("#prefix", Input).value = self.prefix = prefix
        self.notify(f"Credit notes are numbered {prefix}…", title="Saved")
        self.load()

    def _failed(self, exc: Exception) -> None:
        if isinstance(exc, ValidationError):
            self._refused(exc.errors)
        else:
            self.show_error(exc)

    def _refused(self, errors: dict[str, str]) -> None:
        self._show_error("prefix", errors.get("prefix", "; ".join(errors.values())))
        self.checks.refused(errors, lambda _key: self.query_one("#prefix", Input).value)
        self.query_one("#prefix", Input).focus()
        self.notify("Not saved: fix the marked field", severity="error")
