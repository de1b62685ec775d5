"""The first sync, before it happens: what connecting to an organisation that already has invoices would do.

Shown when a pass finds Xero already has some of our invoice numbers (in the demo, the sandbox's seeded
invoices clash with the demo's). The table lists every sent invoice and what the first sync does with it:
create it in Xero, link it to the matching Xero invoice, or stop at a clash (renumber it on the Sync screen);
then Xero's customers: linked to the customer here they match, or added as customers.
"Sync invoices sent from" leaves older invoices out for good. Ctrl+S confirms and syncs; Escape pushes nothing.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Footer, Input, Static

from tui.domain.dates import business_today, format_date, parse_date
from tui.domain.money import format_money
from tui.screens.base import BaseScreen
from tui.widgets.fitted_table import FittedTable
from tui.widgets.header import AppHeader
from tui.widgets.table_rows import Column

INTRO = ("Xero already has invoices with some of the same numbers as yours. Nothing has been sent yet: check what "
         "the first sync will do, then press Ctrl+S to confirm, or Escape to decide later (nothing is sent).")

#: What the first sync does with an invoice, per preview list: (label, style).
ACTIONS = {
    "create": ("Create in Xero", "green"),
    "link": ("Link to Xero's", "cyan"),
    "clash": ("Clash: renumber", "bold red"),
    "excluded": ("Left out", "dim"),
    "skipped": ("Left alone", "dim"),
    "contact_new": ("Add customer", "green"),
    "contact_match": ("Link customer", "cyan"),
}


def counts_text(preview) -> Text:
    parts = [(f"{len(preview.create)} to create", "green"), (f"{len(preview.link)} to link", "cyan"),
             (f"{len(preview.clash)} clash{'es' if len(preview.clash) != 1 else ''}",
              "bold red" if preview.clash else "")]
    if preview.excluded:
        parts.append((f"{len(preview.excluded)} sent before the date, left out", "dim"))
    text = Text()
    for i, part in enumerate(parts):
        if i:
            text.append("  ·  ", style="dim")
        text.append(*part)
    contacts = preview.contacts
    text.append(f"\nXero has {preview.xero_invoice_count:,} invoices in this organisation", style="dim")
    if contacts.new or contacts.match:
        text.append(f"; {len(contacts.new)} of its customers will be added here, {len(contacts.match)} linked to "
                    "yours", style="dim")
    text.append(".", style="dim")
    if preview.next_number:
        text.append(f" New invoices here start at {preview.next_number}.", style="dim")
    return text


def preview_rows(preview):
    """(action key, item) for every invoice in the preview, clashes first."""
    for key in ("clash", "link", "create", "excluded", "skipped"):
        for item in getattr(preview, key):
            yield key, item


class FirstSyncPreviewScreen(BaseScreen):
    TITLE = "First sync"
    DEFAULT_CSS = """
    #preview-intro { height: auto; padding: 0 1; margin: 1 0 0 0; }
    #preview-from { height: 3; padding: 0 1; }
    #preview-from > Static { width: auto; padding: 1 1 0 0; }
    #preview-from > Input { width: 16; }
    #preview-counts { height: auto; padding: 0 1; margin-bottom: 1; }
    #preview-table { height: 1fr; }
    #preview-message { height: auto; padding: 0 1; }
    #preview-message.-error { color: $error; }
    """
    BINDINGS = [
        Binding("ctrl+s", "confirm", "Confirm first sync", id="preview_confirm", priority=True),
        Binding("escape", "app.back", "Not now", id="back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.preview = None

    def compose(self) -> ComposeResult:
        yield AppHeader(self.TITLE)
        yield Static(INTRO, id="preview-intro", markup=False)
        with Horizontal(id="preview-from"):
            yield Static("Sync invoices sent from")
            yield Input(placeholder="DD/MM/YYYY", id="preview-sync-from")
            yield Static("(blank: all; Enter to update)", classes="hint")
        yield Static("Reading Xero's invoices…", id="preview-counts")
        yield FittedTable([Column("Number", 10), Column("Customer", min_width=10),
                           Column("Issued", 10, drop_below=90),  # at 80 columns Customer and Why need the room
                           Column("Total", 11), Column("First sync will", 15), Column("Why", min_width=12)],
                          id="preview-table", cursor_type="row")
        yield Static("", id="preview-message", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#preview-table").focus()
        self.load(None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "confirm":
            return self.preview is not None
        return True

    def load(self, sync_from) -> None:
        self.preview = None
        self.refresh_bindings()
        self.blocking(self.services.sync.first_sync_preview, sync_from, on_done=self.show,
                      on_error=lambda exc: self.say(str(exc), error=True), group="preview")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        try:
            sync_from = parse_date(text, today=business_today(self.services.now())) if text else None
        except ValueError as exc:
            self.say(f"{exc} (or leave it blank for every sent invoice)", error=True)
            return
        self.say("")
        self.load(sync_from)

    def show(self, preview) -> None:
        self.preview = preview
        self.query_one("#preview-counts", Static).update(counts_text(preview))
        table = self.query_one("#preview-table", DataTable)
        table.clear()
        for key, item in preview_rows(preview):
            label, style = ACTIONS[key]
            table.add_row(item.number, item.customer, format_date(item.issue_date), format_money(item.total),
                          Text(label, style=style), item.reason)
        for key, items in (("contact_match", preview.contacts.match), ("contact_new", preview.contacts.new)):
            label, style = ACTIONS[key]
            for c in items:
                why = f"is your {c.customer}" if c.customer_id is not None else (c.email or "a customer in Xero")
                table.add_row("", c.name, "", "", Text(label, style=style), why)
        self.refresh_bindings()

    def say(self, text: str, error: bool = False) -> None:
        message = self.query_one("#preview-message", Static)
        message.update(text)
        message.set_class(error, "-error")

    def action_confirm(self) -> None:
        if self.preview is None:
            return
        self.blocking(self.services.sync.confirm_first_sync, self.preview, on_done=self._confirmed,
                      on_error=lambda exc: self.say(str(exc), error=True), group="preview")

    def _confirmed(self, _: None) -> None:
        self.app.notify("First sync confirmed: syncing now.", timeout=4)
        self.app.pop_screen()
