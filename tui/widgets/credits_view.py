"""An invoice's credits, as the invoice editor lists them beside its payments: "Credited $110.00 by CN-0003" with
the date (the totals show the amount due after them)."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from tui.domain.dates import format_date


class CreditsView(Static):
    DEFAULT_CSS = """
    CreditsView { height: auto; margin-top: 1; display: none; }
    """

    def show(self, credits: list) -> None:
        """Each credit note allocated to the invoice (date, "Credited $X by CN-0003"); nothing when there are none."""
        self.display = bool(credits)
        if credits:
            table = Table.grid(padding=(0, 2))
            table.add_column(style="dim")
            table.add_column()
            for credit in credits:
                table.add_row(format_date(credit.date), credit.label)
            self.update(Group(Text("Credits", style="bold"), table))
