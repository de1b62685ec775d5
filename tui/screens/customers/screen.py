"""Customers: a filterable list (type to narrow), new customer, edit, or start an invoice for one."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Input, OptionList, Static

from tui.domain.customer import Customer
from tui.screens.base import BaseScreen
from tui.widgets.column_list import ColumnList, Entry, Rows
from tui.widgets.customer_picker import count_text
from tui.widgets.header import AppHeader
from tui.widgets.records import RecordsChanged
from tui.widgets.table_rows import Column

SHOWN = 200  # rows the list shows at most; the filter narrows the rest
COLUMNS = [Column("Name", min_width=12), Column("Email", min_width=12), Column("Phone", 14)]


class CustomerRows(Rows):
    BINDINGS = [Binding("enter", "select", "Edit", id="edit")]


class CustomersScreen(BaseScreen):
    DEFAULT_CSS = """
    CustomersScreen #filter { margin: 0 1; }
    CustomersScreen #customers { height: 1fr; margin: 0 1; }
    CustomersScreen #count { color: $text-muted; padding: 0 2; height: 1; }
    """
    BINDINGS = [
        Binding("n", "new_customer", "New customer", id="new_customer"),
        Binding("i", "new_invoice", "New invoice", id="new_invoice"),
        Binding("slash", "focus_filter", "Filter", id="filter"),
        Binding("down", "focus_table", show=False, id="customers_to_list"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.title = "Customers"
        self._customers: dict[int, Customer] = {}
        self._go_to: int | None = None  # a customer just added: the cursor moves to it once listed

    def compose(self) -> ComposeResult:
        yield AppHeader("Customers")
        yield Input(placeholder="Filter by name or email (press /)", id="filter")
        yield ColumnList(COLUMNS, rows=CustomerRows, id="customers")
        yield Static("Loading customers…", id="count")
        yield Footer()

    @property
    def rows(self) -> CustomerRows:
        return self.query_one("#customers", ColumnList).rows

    def on_mount(self) -> None:
        self.rows.focus()

    def on_screen_resume(self) -> None:
        self.load()

    @on(RecordsChanged)
    def _records_changed(self, message: RecordsChanged) -> None:
        """A customer added or changed, in this session or another: the list follows."""
        if message.touches("customer") and self.is_mounted:
            search = self.search
            self.follow_up(self.services.customers, search, SHOWN, on_done=lambda result: self._show(search, *result))

    @property
    def search(self) -> str:
        return self.query_one("#filter", Input).value.strip()

    def load(self) -> None:
        search = self.search
        self.blocking(self.services.customers, search, SHOWN,
                      on_done=lambda result: self._show(search, *result), group="customers")

    def _show(self, search: str, customers: list[Customer], total: int) -> None:
        if search != self.search:
            return  # an older filter's answer arriving late
        self._customers = {c.id: c for c in customers}
        go_to = self._go_to
        self.query_one("#customers", ColumnList).set_entries(
            [Entry(str(c.id), (f"{c.name} (archived)" if c.archived else c.name, c.email, c.phone))
             for c in customers],
            cursor=None if go_to is None else str(go_to))
        if go_to in self._customers:
            self._go_to = None
        self.query_one("#count", Static).update(count_text(len(customers), total, search))

    @property
    def selected_id(self) -> int | None:
        option = self.rows.highlighted_option
        return int(option.id) if option is not None and option.id is not None else None

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "filter":
            self.load()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_focus_table()

    def action_focus_filter(self) -> None:
        self.query_one("#filter", Input).focus()

    def action_focus_table(self) -> None:
        self.rows.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.edit(int(event.option.id))

    def edit(self, customer_id: int | None) -> None:
        from tui.screens.customers.editor import CustomerEditorScreen

        def saved(customer: Customer | None) -> None:
            if customer is not None:
                self._go_to = customer.id

        self.app.push_screen(CustomerEditorScreen(customer_id), saved)

    def action_new_customer(self) -> None:
        self.edit(None)

    def action_new_invoice(self) -> None:
        from tui.screens.invoices.editor import InvoiceEditorScreen

        if self.selected_id is None:
            self.notify("Choose a customer first", severity="warning")
            return
        self.app.push_screen(InvoiceEditorScreen(customer_id=self.selected_id))
