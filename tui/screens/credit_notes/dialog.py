"""What the dialogs that use a credit note's credit share (refund it, allocate it to an invoice): the money dialog
(:class:`~tui.screens.amount_dialog.AmountDialog`) opened on a credit note, the credit left to start with, Ctrl+S to
do it. Dismisses with the credit note as it is after, or None."""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Static

from tui.domain.credit_note import CreditNote
from tui.domain.dates import format_date
from tui.domain.money import format_money
from tui.screens.amount_dialog import AmountDialog, field


class CreditDialog(AmountDialog):
    DEFAULT_CSS = """
    CreditDialog .field > Select { width: 30; }
    """
    BINDINGS = [
        Binding("ctrl+s", "ok", "OK", id="credit_dialog_ok", priority=True),
        Binding("escape", "cancel", "Cancel", id="credit_dialog_cancel"),
    ]
    OK = "OK"

    def __init__(self, credit_note_id: int):
        super().__init__()
        self.credit_note_id = credit_note_id
        self.note: CreditNote | None = None
        self._today: date | None = None

    @property
    def loaded(self) -> bool:
        return self.note is not None

    @property
    def today(self) -> date | None:
        return self._today

    # -- what each dialog adds ----------------------------------------------------------------------------
    def fields_before(self) -> ComposeResult:
        yield from ()

    def fields_after(self) -> ComposeResult:
        yield from ()

    def open(self, note: CreditNote) -> object:
        """Read what the dialog needs besides the note (in the worker)."""

    def opened(self, extra: object) -> None:
        """Show it (on the UI loop)."""

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
        note, customer, self._today, extra = loaded
        self.note = note
        self.query_one("#about", Static).update(Text.assemble(
            (f"{self.OK} credit from ", ""), (note.number, "bold"), (f" · {customer}\n", ""),
            ("Total ", "dim"), format_money(note.totals.total), ("  Used ", "dim"),
            format_money(note.amount_allocated + note.amount_refunded), ("  Credit left ", "dim"),
            (format_money(note.remaining_credit), "bold")))
        self.query_one("#f-amount", Input).value = f"{note.remaining_credit:,.2f}"
        self.query_one("#f-date", Input).value = format_date(self._today)
        for widget in self.query("Input, Select, #ok"):
            widget.disabled = False
        self.query_one("#f-amount", Input).focus()
        self.opened(extra)

    def action_ok(self) -> None:
        self.submit_form()
