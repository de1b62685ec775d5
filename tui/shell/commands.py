"""The command palette's ``Go to <screen>``: every place the app can go, by the name of its ``goto`` action."""

from __future__ import annotations

from functools import partial
from typing import Callable

from tui.widgets.commands import ListProvider


#: Every place the command palette can go: action name -> what the palette calls it.
DESTINATIONS: dict[str, str] = {
    "todo": "To Do",
    "customers": "Customers",
    "new_invoice": "New invoice",
    "settings": "Settings",
    "business": "Business details",
    "email": "Email",
    "numbers": "Numbers",
    "integrations": "Integrations",
    "outbox": "Outbox",
    "sync": "Sync",
    "help": "Help",
}

_DESTINATION_HELP = {
    "todo": "Overdue invoices, drafts to send, invoices awaiting payment",
    "customers": "Find, add and edit customers",
    "new_invoice": "Start a new invoice",
    "settings": "Business details, email, numbers and integrations",
    "business": "Name, ABN, address, email, GST, payment terms, time zone",
    "email": "How invoices are emailed; the SMTP password",
    "numbers": "Invoice and credit note numbers; the credit notes' prefix",
    "integrations": "Xero and its connection status",
    "outbox": "Emails saved to the local outbox folder",
    "sync": "Xero sync: errors, conflicts, recent activity, Sync now",
    "help": "The keyboard map",
}


class GoToCommands(ListProvider):
    """``Go to <screen>`` for every screen, in the command palette (Ctrl+P)."""

    def _commands(self) -> list[tuple[str, str, Callable[[], None]]]:
        app = self.app
        return [
            (f"Go to {title}", _DESTINATION_HELP[name], partial(app.goto, name))
            for name, title in DESTINATIONS.items()
        ]
