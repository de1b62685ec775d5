"""One invoice's or customer's conflict: the fields changed differently here and in Xero, and the user's choice
per field.

A table (one row per field: ours, Xero's, which to keep). l keeps ours, x takes Xero's, space switches;
Ctrl+S resolves (ours are pushed, Xero's are written here), Escape leaves the conflict open.
"""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Static

from tui.screens.base import BaseScreen
from tui.widgets.fitted_table import FittedTable
from tui.widgets.header import AppHeader
from tui.widgets.table_rows import Column

KEEP = {"local": "Keep ours", "remote": "Take Xero's"}


def show_value(value) -> str:
    """A conflicting value as the user knows it: a line as "description  qty × price", dates as DD/MM/YYYY."""
    if value is None:
        return "(none)"
    if isinstance(value, list) and value and isinstance(value[0], list):
        return "; ".join(show_value(v) for v in value)
    if isinstance(value, list) and len(value) >= 3:
        description, quantity, price = value[:3]
        return f"{description}  {quantity} × {price}"
    if isinstance(value, str):
        try:
            return date.fromisoformat(value).strftime("%d/%m/%Y")
        except ValueError:
            return value or "(blank)"
    return str(value)


class ConflictScreen(BaseScreen):
    TITLE = "Sync conflict"
    DEFAULT_CSS = """
    #conflict-intro { height: auto; padding: 0 1; margin: 1 0; }
    #conflict-fields { height: auto; max-height: 1fr; }
    #conflict-message { height: auto; padding: 0 1; margin-top: 1; }
    #conflict-message.-error { color: $error; }
    """
    BINDINGS = [
        Binding("l", "choose('local')", "Keep ours", id="conflict_local"),
        Binding("x", "choose('remote')", "Take Xero's", id="conflict_remote"),
        Binding("space", "toggle", "Switch", id="conflict_toggle", show=False),  # l and x say it: room for Help
        Binding("ctrl+s", "resolve", "Resolve", id="conflict_resolve"),
    ]

    def __init__(self, invoice_id: int, title: str, kind: str = "invoice") -> None:
        super().__init__()
        self.invoice_id = invoice_id  # or the customer's id, when ``kind`` is "contact"
        self.kind = kind
        self.invoice_title = title
        self.conflicts: list = []
        self.choices: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        yield AppHeader(self.TITLE)
        yield Static(Text.assemble((self.invoice_title, "bold"),
                                   " was changed here and in Xero since the last sync. For each field, keep ours "
                                   "(l) or take Xero's (x), then Ctrl+S. Escape decides later."), id="conflict-intro")
        yield FittedTable([Column("Field", 12, key="field"), Column("Ours", key="local"),
                           Column("Xero's", key="remote"), Column("Keep", 12, key="keep")],
                          id="conflict-fields", cursor_type="row", wrap=True)
        yield Static("", id="conflict-message", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#conflict-fields").focus()
        self.blocking(self.services.sync.conflicts, self.invoice_id, self.kind, on_done=self.show, group="conflict")

    def show(self, conflicts: list) -> None:
        self.conflicts = conflicts
        self.choices = {c.field: self.choices.get(c.field, "local") for c in conflicts}
        table = self.query_one("#conflict-fields", DataTable)
        table.clear()
        for c in conflicts:
            table.add_row(c.label, show_value(c.local), show_value(c.remote), self._keep_text(c.field), key=c.field)
        if not conflicts:
            self.say("Nothing left to decide: this conflict is resolved.")

    def _keep_text(self, field: str) -> Text:
        choice = self.choices[field]
        return Text(KEEP[choice], style="bold green" if choice == "local" else "bold cyan")

    def say(self, text: str, error: bool = False) -> None:
        message = self.query_one("#conflict-message", Static)
        message.update(text)
        message.set_class(error, "-error")

    def _current_field(self) -> str | None:
        table = self.query_one("#conflict-fields", DataTable)
        if not self.conflicts or table.cursor_row is None:
            return None
        return self.conflicts[table.cursor_row].field

    def action_choose(self, choice: str) -> None:
        field = self._current_field()
        if field is None:
            return
        self.choices[field] = choice
        self.query_one("#conflict-fields", DataTable).update_cell(field, "keep", self._keep_text(field))

    def action_toggle(self) -> None:
        field = self._current_field()
        if field is not None:
            self.action_choose("remote" if self.choices[field] == "local" else "local")

    def action_resolve(self) -> None:
        if not self.conflicts:
            return
        self.say("Resolving…")
        self.blocking(self.services.sync.resolve_conflicts, self.invoice_id, dict(self.choices), self.kind,
                      on_done=self._resolved, on_error=lambda exc: self.say(str(exc), error=True), group="conflict")

    def _resolved(self, _: None) -> None:
        self.app.notify(f"{self.invoice_title}: conflict resolved", timeout=4)
        self.app.pop_screen()
        self.app.records_changed()
