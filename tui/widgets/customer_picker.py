"""Choose a customer: type to filter, arrows to move, Enter to pick; Ctrl+N adds a new one first."""

from __future__ import annotations

from typing import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from tui.domain.customer import Customer
from tui.widgets.workers import WorkerMixin

SHOWN = 100


def count_text(shown: int, total: int, search: str) -> str:
    if total == 0:
        return f"No customers match {search!r}" if search else "No customers yet"
    noun = "customer" if total == 1 else "customers"
    if total > shown:
        return f"{total:,} {noun}, {total - shown:,} more not shown: type to narrow the list"
    return f"{total:,} {noun}" + (f" matching {search!r}" if search else "")


class CustomerPicker(WorkerMixin, ModalScreen):
    """Dismisses with the chosen Customer, or None."""

    DEFAULT_CSS = """
    CustomerPicker { align: center middle; }
    CustomerPicker > #picker {
        width: 72; max-width: 95%; height: 80%; border: thick $primary; background: $surface; padding: 0 1;
    }
    CustomerPicker #picker-title { text-style: bold; height: 1; }
    CustomerPicker OptionList { height: 1fr; }
    CustomerPicker #picker-count { color: $text-muted; height: 1; }
    """
    BINDINGS = [
        Binding("escape", "dismiss_none", "Cancel", id="back"),
        Binding("ctrl+n", "new_customer", "New customer", id="new_customer"),
        Binding("alt+n", "new_customer", "New customer", id="new_customer_alt", show=False),  # Ctrl+N in a browser
        Binding("down", "focus_list", show=False, id="picker_to_list"),
    ]

    def __init__(self, new_customer: Callable[[], Screen], search: str = ""):
        """``new_customer``: the editor Ctrl+N opens (a screen that dismisses with the new Customer, or None)."""
        super().__init__()
        self.new_customer = new_customer
        self.initial = search
        self._found: dict[str, Customer] = {}

    def compose(self) -> ComposeResult:
        with Vertical(id="picker"):
            yield Static("Choose a customer", id="picker-title")
            yield Input(self.initial, placeholder="Type to filter by name or email", id="picker-filter", compact=True)
            yield OptionList(id="picker-list")
            yield Static("", id="picker-count")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#picker-filter", Input).focus()
        self.load()

    @property
    def search(self) -> str:
        return self.query_one("#picker-filter", Input).value.strip()

    def load(self) -> None:
        search = self.search
        self.blocking(self.services.customers, search, SHOWN,
                      on_done=lambda result: self._show(search, *result), group="picker")

    def _show(self, search: str, customers: list[Customer], total: int) -> None:
        if search != self.search:
            return
        self._found = {str(c.id): c for c in customers}
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options(Option(Text.assemble(c.name, ("  " + c.email, "dim")), id=str(c.id)) for c in customers)
        if customers:
            options.highlighted = 0
        self.query_one("#picker-count", Static).update(count_text(len(customers), total, search))

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.load()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        options = self.query_one(OptionList)
        if options.highlighted is not None:
            self._pick(options.get_option_at_index(options.highlighted).id)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._pick(event.option.id)

    def _pick(self, option_id: str | None) -> None:
        if option_id in self._found:
            self.dismiss(self._found[option_id])

    def action_focus_list(self) -> None:
        self.query_one(OptionList).focus()

    def action_dismiss_none(self) -> None:
        self.dismiss(None)

    def action_new_customer(self) -> None:
        def created(customer: Customer | None) -> None:
            if customer is not None:
                self.dismiss(customer)

        self.app.push_screen(self.new_customer(), created)
