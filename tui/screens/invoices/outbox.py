"""Outbox: the emails saved in the local outbox folder (date, to, subject); Enter shows a message's text."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Footer, Static

from tui.screens.base import BaseScreen
from tui.widgets.fitted_table import FittedTable
from tui.widgets.header import AppHeader
from tui.widgets.table_rows import Column


class OutboxTable(FittedTable):
    BINDINGS = [Binding("enter", "select_cursor", "Read", id="read")]


class OutboxScreen(BaseScreen):
    DEFAULT_CSS = """
    OutboxScreen #outbox-where { color: $text-muted; padding: 0 1; height: auto; }
    OutboxScreen #outbox { height: 1fr; max-height: 12; margin: 1 1 0 1; }
    OutboxScreen #message { height: 2fr; margin: 1 1 0 1; border: round $border-blurred; padding: 0 1; }
    OutboxScreen #message:focus { border: round $border; }
    """
    BINDINGS = [Binding("r", "refresh", "Refresh", id="refresh")]

    def __init__(self) -> None:
        super().__init__()
        self.title = "Outbox"
        self.zone = ZoneInfo("UTC")  # until the business's time zone is loaded
        self.items: dict[str, object] = {}

    def compose(self) -> ComposeResult:
        yield AppHeader("Outbox")
        yield Static("", id="outbox-where", markup=False)
        yield OutboxTable([Column("Date", 16), Column("To", min_width=12), Column("Subject", min_width=12)],
                          id="outbox", cursor_type="row")
        with VerticalScroll(id="message"):
            yield Static("Loading the outbox…", id="message-text", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        cfg = self.services.cfg
        where = "Invoices are emailed by " + self.services.describe_mail() if cfg.mail_uses_smtp else \
            "Invoices are saved here instead of being emailed: no SMTP server is set up (Settings -> Email)"
        self.query_one("#outbox-where", Static).update(f"{where}.\nOutbox folder: {cfg.shown_outbox_dir}")
        self.query_one(OutboxTable).focus()
        self.action_refresh()

    def action_refresh(self) -> None:
        def fetch():
            return self.services.outbox(), self.services.business().time_zone

        self.blocking(fetch, on_done=self._show, group="outbox")

    def _show(self, result) -> None:
        items, time_zone = result
        table = self.query_one(OutboxTable)
        table.clear()
        self.zone = ZoneInfo(time_zone)
        self.items = {str(n): item for n, item in enumerate(items)}
        for key, item in self.items.items():
            table.add_row(self.when(item), item.to, item.subject, key=key)
        text = self.query_one("#message-text", Static)
        if items:
            text.update(f"{len(items)} message{'s' if len(items) != 1 else ''}. Press Enter to read one.")
        else:
            text.update("The outbox is empty. Invoices sent while no SMTP server is set up are saved here.")

    def when(self, item) -> str:
        return item.date.astimezone(self.zone).strftime("%d/%m/%Y %H:%M")

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        item = self.items[event.row_key.value]
        self.blocking(self.services.outbox_text, item.path, on_done=lambda text: self._read(item, text),
                      group="message")

    def _read(self, item, text: str) -> None:
        head = f"Date: {self.when(item)}\nTo: {item.to}\nSubject: {item.subject}\n\n"
        self.query_one("#message-text", Static).update(head + text)
        self.query_one("#message", VerticalScroll).scroll_home(animate=False)
