"""To Do, the home screen: what needs action, group by group, in one list that stays fast at any size.

``Services.todo()`` gives every group's full count and at most ``ROW_LIMIT`` rows. The screen renders whatever
groups it is given, in order: a new group (the sync issue's "Sync problems") needs a ``TodoGroup`` from the
services and, if it wants its own colour or status text, an entry in ``GROUP_STYLES`` / ``status_text``.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, OptionList, Static

from tui.domain.dates import format_date
from tui.domain.invoice import InvoiceStatus
from tui.domain.money import format_money
from tui.screens.base import BaseScreen
from tui.widgets.column_list import ColumnList, Entry
from tui.widgets.header import AppHeader
from tui.widgets.records import RecordsChanged
from tui.widgets.table_rows import Column

COLUMNS = [
    Column("Number", width=10),
    Column("Customer"),
    Column("Due", width=10),
    Column("Amount due", width=12, justify="right"),
    Column("Status", width=10),
]

#: Heading colour per group key; groups not listed here get the default.
GROUP_STYLES = {
    "overdue": "bold red",
    "drafts": "bold yellow",
    "awaiting": "bold cyan",
    "sync": "bold magenta",
}
DEFAULT_GROUP_STYLE = "bold"

EMPTY_TEXT = (
    "Nothing to do: no overdue invoices, no drafts waiting to be sent and nothing awaiting payment.\n\n"
    "Press n for a new invoice, c for customers, s for settings."
)


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def status_text(group_key: str, row) -> Text:
    """The Status column: what the row needs, in the group's terms."""
    if group_key == "overdue":
        return Text("Overdue", style="red")
    if group_key == "drafts":
        return Text("Draft", style="yellow")
    if group_key == "sync":
        return Text(row.note, style="magenta")
    if row.amount_paid and row.amount_due > 0:
        return Text("Part paid", style="cyan")
    return Text(row.status.label)


def group_entries(groups) -> list[Entry]:
    """The list's lines: per group a heading with its count, its rows, and '… and N more' when capped."""
    entries: list[Entry] = []
    for group in groups:
        if not group.count:
            continue
        if entries:
            entries.append(Entry(line=Text("")))
        style = GROUP_STYLES.get(group.key, DEFAULT_GROUP_STYLE)
        heading = Text.assemble((group.title, style), ("  ", ""), (_plural(group.count, "invoice"), "dim"))
        entries.append(Entry(line=heading))
        for r in group.rows:
            entries.append(Entry(
                id=f"invoice:{r.id}:{group.key}",  # an invoice with a sync problem is in two groups
                values=(r.number, r.customer, format_date(r.due_date), format_money(r.amount_due),
                        status_text(group.key, r)),
            ))
        hidden = group.count - len(group.rows)
        if hidden > 0:
            entries.append(Entry(line=Text(f"  … and {hidden:,} more", style="dim italic")))
    return entries


def summary_text(groups) -> Text:
    parts: list[tuple[str, str] | str] = []
    for group in groups:
        if parts:
            parts.append(("  ·  ", "dim"))
        style = GROUP_STYLES.get(group.key, DEFAULT_GROUP_STYLE) if group.count else "dim"
        parts.append((f"{group.title} ", style))
        parts.append((f"{group.count:,}", style))
    return Text.assemble(*parts)


class TodoScreen(BaseScreen):
    """Home. Enter opens the highlighted invoice; n new invoice; c customers; s settings."""

    TITLE = "To Do"
    ROW_LIMIT = 200  # rows shown per group; counts are always complete
    BINDINGS = [
        Binding("n", "app.goto('new_invoice')", "New invoice", id="new_invoice"),
        Binding("c", "app.goto('customers')", "Customers", id="customers"),
        Binding("s", "app.goto('settings')", "Settings", id="settings"),
        Binding("y", "app.goto('sync')", "Sync", id="sync"),
        Binding("p", "record_payment", "Record payment", id="todo_record_payment", show=False),
        Binding("r", "reload", "Refresh", id="refresh", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.groups: list = []
        self.loaded = False

    def compose(self) -> ComposeResult:
        yield AppHeader(self.TITLE)
        yield Static("Loading…", id="todo-summary")
        yield Static("", id="todo-warnings", markup=False)
        yield ColumnList(COLUMNS, id="todo-list")
        yield Static(EMPTY_TEXT, id="todo-empty", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#todo-empty").display = False
        warnings = self.query_one("#todo-warnings")
        warnings.display = False
        warnings.styles.padding = (0, 1)
        self.query_one("#todo-list", ColumnList).rows.focus()
        self.reload()

    @on(RecordsChanged)
    def _records_changed(self, _: RecordsChanged) -> None:
        """Something was committed, in this session, another or by a sync pass: the lists may have changed."""
        if self.loaded:
            self.follow_up(self.services.todo, self.ROW_LIMIT, on_done=self.show_groups, on_error=self._load_failed)
        else:
            self.reload()

    def on_screen_resume(self) -> None:
        if self.loaded:  # back from another screen: someone may have changed something
            self.reload()
        self.app.offer_first_sync_review()

    def action_reload(self) -> None:
        self.reload()

    def reload(self) -> None:
        """Load the groups in a thread worker; the list shows a loading indicator meanwhile."""
        if not self.loaded:
            self.query_one("#todo-list").loading = True
        self.blocking(self.services.todo, self.ROW_LIMIT, on_done=self.show_groups, on_error=self._load_failed,
                      group="todo", store=False)

    def _loaded(self) -> None:
        """After each load: the Xero warnings, and (the first time) the app's other start-up work; all of it waits
        for the rows, so its imports never hold them up."""
        self.blocking(self._warnings, on_done=self.show_warnings, on_error=lambda exc: None,
                      group="xero-warnings")
        self.app.first_rows_shown()

    def _warnings(self) -> list[str]:
        return self.services.business_warnings() + self.services.connection.todo_warnings()

    def show_warnings(self, lines: list[str]) -> None:
        """What needs the user before work can flow: business details still empty, an archived mapped Xero
        account, a connection about to expire."""
        warnings = self.query_one("#todo-warnings", Static)
        warnings.update(Text("\n".join(f"⚠ {line}" for line in lines), style="bold yellow"))
        warnings.display = bool(lines)

    def _load_failed(self, exc: Exception) -> None:
        self.query_one("#todo-list").loading = False
        self.query_one("#todo-summary", Static).update(Text(f"Could not load your To Do list: {exc}", style="red"))
        self.show_error(exc)
        self._loaded()

    def show_groups(self, groups) -> None:
        self.groups = list(groups)
        self.loaded = True
        todo_list = self.query_one("#todo-list", ColumnList)
        todo_list.loading = False
        empty = not any(g.count for g in self.groups)
        todo_list.display = not empty
        self.query_one("#todo-empty").display = empty
        self.query_one("#todo-summary", Static).update(summary_text(self.groups))
        todo_list.set_entries(group_entries(self.groups))
        self._loaded()

    # -- opening invoices -----------------------------------------------------------------------------
    @staticmethod
    def _invoice_id(option_id: str | None) -> int | None:
        if option_id and option_id.startswith("invoice:"):
            return int(option_id.split(":")[1])
        return None

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        invoice_id = self._invoice_id(event.option.id)
        if invoice_id is not None:
            self.app.open_invoice(invoice_id)

    def action_open(self) -> None:
        rows = self.query_one("#todo-list", ColumnList).rows
        option = rows.highlighted_option
        invoice_id = self._invoice_id(option.id if option else None)
        if invoice_id is not None:
            self.app.open_invoice(invoice_id)

    @property
    def highlighted_invoice_id(self) -> int | None:
        option = self.query_one("#todo-list", ColumnList).rows.highlighted_option
        return self._invoice_id(option.id if option else None)

    # -- payments -------------------------------------------------------------------------------------
    def action_record_payment(self) -> None:
        """Record a payment on the highlighted invoice; fully paid, it leaves To Do for Paid."""
        from tui.screens.payments.record import RecordPaymentScreen

        invoice_id = self.highlighted_invoice_id
        if invoice_id is None:
            self.notify("Move to a sent invoice first", severity="warning")
            return
        row = next((r for g in self.groups for r in g.rows if r.id == invoice_id), None)
        if row is not None and row.status is InvoiceStatus.DRAFT:
            self.notify(f"{row.number} is a draft: send it before recording a payment", severity="warning")
            return

        def recorded(inv) -> None:
            if inv is not None:
                self.notify(f"{inv.number}: {inv.status.label}, {format_money(inv.amount_due)} due",
                            title="Payment recorded")
                self.app.records_changed()

        self.app.push_screen(RecordPaymentScreen(invoice_id), recorded)
