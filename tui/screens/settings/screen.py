"""Settings: a menu of the settings that exist (Business details, Email, Integrations, Numbers) and where secrets live."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from tui.screens.base import BaseScreen
from tui.widgets.header import AppHeader

#: (destination, title, what it covers): each destination is a TradieApp.goto name.
MENU = [
    ("business", "Business details", "Name, ABN, address, email, phone, GST on prices, payment terms, time zone"),
    ("email", "Email", "How invoices are emailed: SMTP or the local outbox folder; the SMTP password"),
    ("integrations", "Integrations", "Xero: connect, and see the connection's status"),
    ("numbers", "Numbers", "How invoices and credit notes are numbered; the credit notes' prefix"),
]


def _prompt(title: str, detail: str) -> Text:
    return Text.assemble((title, "bold"), "\n", (detail, "dim"))


class SettingsScreen(BaseScreen):
    TITLE = "Settings"
    BINDINGS = [
        Binding("b", "app.goto('business')", "Business", id="business"),
        Binding("e", "app.goto('email')", "Email", id="email"),
        Binding("i", "app.goto('integrations')", "Integrations", id="integrations"),
        Binding("n", "app.goto('numbers')", "Numbers", id="numbers"),
    ]

    def compose(self) -> ComposeResult:
        yield AppHeader(self.TITLE)
        yield Static("Settings", classes="screen-heading")
        options: list[Option | None] = []
        for name, title, detail in MENU:
            if options:
                options.append(None)  # a rule between entries
            options.append(Option(_prompt(title, detail), id=name))
        yield OptionList(
            *options,
            id="settings-menu", classes="menu",
        )
        yield Static("Enter opens the highlighted setting; b, e, i and n go straight to one.", classes="hint")
        yield Static("Secrets are kept in: …", id="secrets-store", classes="message", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        menu = self.query_one("#settings-menu", OptionList)
        menu.highlighted = 0
        menu.focus()
        # opening the store may ask the keyring, which can block: off the UI loop
        self.blocking(lambda: self.services.secrets.name, on_done=self._show_store, group="secrets")

    def _show_store(self, name: str) -> None:
        self.query_one("#secrets-store", Static).update(
            Text.assemble("Secrets (SMTP password, Xero tokens) are kept in: ", (name, "bold"))
        )

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.app.goto(event.option.id)
