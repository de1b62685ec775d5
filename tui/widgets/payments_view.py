"""An invoice's payments, as the invoice editor lists them under its totals (which show the amount paid and due)."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from tui.domain.dates import format_date
from tui.domain.money import format_money


def payments_table(payments: list) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="dim")
    table.add_column()
    table.add_column(justify="right")
    table.add_column(style="dim", overflow="ellipsis", no_wrap=True)
    for p in payments:
        table.add_row(format_date(p.date), p.label, format_money(p.amount), p.reference)
    return table


class PaymentsView(Static):
    DEFAULT_CSS = """
    PaymentsView { height: auto; margin-top: 1; display: none; }
    """

    def show(self, payments: list) -> None:
        """Each payment (date, method or "Paid in Xero", amount, reference); nothing when there are none."""
        self.display = bool(payments)
        if payments:
            self.update(Group(Text("Payments", style="bold"), payments_table(payments)))
