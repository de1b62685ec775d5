"""Chart of accounts: choose the Xero revenue account a category posts to, or (:class:`PaymentAccountPickerScreen`)
the account a payment method's payments go into. Filter as you type; keyboard or mouse; Update saves (per
organisation), Escape cancels. A spinner while Xero answers; an empty or failing fetch says why."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Button, Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from tui.connection import Account, MappedAccount, XeroOverview
from tui.screens.base import BaseScreen
from tui.widgets.header import AppHeader

MAX_SHOWN = 200  # a filter shows at most this many accounts (OptionList stays quick)
CODE_W, NAME_W = 8, 44

#: Xero's tax types as Xero's own screens name them (Australia).
TAX_TYPES = {
    "OUTPUT": "GST on Income",
    "EXEMPTOUTPUT": "GST Free Income",
    "EXEMPTEXPORT": "GST Free Exports",
    "INPUTTAXED": "Input Taxed",
    "BASEXCLUDED": "BAS Excluded",
    "INPUT": "GST on Expenses",
    "EXEMPTEXPENSES": "GST Free Expenses",
    "GSTONIMPORTS": "GST on Imports",
    "CAPEXINPUT": "GST on Capital",
    "NONE": "No GST",
}


def tax_name(tax_type: str) -> str:
    return TAX_TYPES.get(tax_type.upper(), tax_type)


def _fit(text: str, width: int) -> str:
    return text if len(text) < width else text[: width - 2] + "…"


def account_prompt(account: Account, current: str = "") -> Text:
    mark = "● " if account.account_id == current else "  "
    return Text.assemble((mark, "green"), (f"{account.code:<{CODE_W}}", "bold"),
                         f"{_fit(account.name, NAME_W):<{NAME_W}}", (tax_name(account.tax_type), "dim"))


def matches(account: Account, words: list[str]) -> bool:
    hay = f"{account.code} {account.name} {account.tax_type}".lower()
    return all(w in hay for w in words)


class AccountPickerScreen(BaseScreen):
    """Dismisses with the new overview after Update, or None (Escape)."""

    TITLE = "Chart of Accounts"
    WHAT = "revenue account"
    NONE_IN_XERO = "Xero has no active revenue accounts for this organisation. Add one in Xero (Accounting → " \
        "Chart of accounts), then press Ctrl+R to load them again."
    DEFAULT_CSS = """
    #account-filter { margin: 1 1 0 1; max-width: 80; }
    #account-columns { height: 1; padding: 0 1 0 5; color: $text-muted; }
    #account-chosen { height: auto; padding: 0 1; margin: 1 0 0 0; }
    #account-buttons { height: auto; margin: 1 1 0 1; }
    #account-buttons > Button { margin: 0 2 0 0; }
    #account-message.-error { color: $error; }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="accounts_cancel"),
        Binding("ctrl+s", "update", "Update", id="accounts_update"),
        Binding("down", "move(1)", "Down", show=False, id="accounts_down"),
        Binding("up", "move(-1)", "Up", show=False, id="accounts_up"),
        Binding("ctrl+r", "load", "Reload", show=False, id="accounts_reload"),
    ]

    def __init__(self, mapping: MappedAccount, organisation: str = "") -> None:
        super().__init__()
        self.mapping = mapping
        self.organisation = organisation
        self.accounts: list[Account] = []
        self.shown: list[Account] = []
        self.chosen: Account | None = None
        self.loaded = False

    def compose(self) -> ComposeResult:
        yield AppHeader(self.TITLE)
        where = f" in {self.organisation}" if self.organisation else ""
        yield Static(f"{self.mapping.category}: choose a {self.WHAT}{where}", classes="screen-heading",
                     markup=False)
        yield Static("Type to filter · ↑↓ move · Enter chooses · Ctrl+S saves · Escape cancels",
                     classes="hint", markup=False)
        yield Input(placeholder="Filter by code, name or tax type", id="account-filter")
        yield Static(Text.assemble(f"{'Code':<{CODE_W}}", f"{'Name':<{NAME_W}}", "Tax type"), id="account-columns")
        yield OptionList(id="accounts", classes="menu")
        yield Static("", id="account-chosen", markup=False)
        with Horizontal(id="account-buttons"):
            yield Button("Update", id="account-update", variant="primary", compact=True)
            yield Button("Cancel", id="account-cancel", compact=True)
        yield Static("", id="account-message", classes="message", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#account-filter", Input).focus()
        current = f"Now: {self.mapping.label}" + ("  (archived in Xero)" if self.mapping.archived else "")
        self.query_one("#account-chosen", Static).update(current)
        self.action_load()

    def action_load(self) -> None:
        self.query_one("#accounts", OptionList).loading = True
        self.say("")
        self.blocking(self.fetch, on_done=self.show_accounts, on_error=self.load_failed, group="chart-of-accounts")

    def fetch(self) -> list[Account]:
        return self.services.connection.chart_of_accounts()

    def store(self, account: Account) -> XeroOverview:
        return self.services.connection.save_mapping(self.mapping.category, account)

    def show_accounts(self, accounts: list[Account]) -> None:
        self.accounts = list(accounts)
        self.loaded = True
        self.query_one("#accounts", OptionList).loading = False
        if not self.accounts:
            self.say(self.NONE_IN_XERO, error=True)
        self.apply_filter(self.query_one("#account-filter", Input).value)

    def load_failed(self, exc: Exception) -> None:
        self.query_one("#accounts", OptionList).loading = False
        self.say(f"Could not load the chart of accounts from Xero: {exc} Press Ctrl+R to try again.", error=True)

    def apply_filter(self, value: str) -> None:
        words = value.lower().split()
        found = [a for a in self.accounts if matches(a, words)]
        self.shown = found[:MAX_SHOWN]
        options = self.query_one("#accounts", OptionList)
        options.clear_options()
        options.add_options([Option(account_prompt(a, self.mapping.account_id), id=a.account_id or a.code)
                             for a in self.shown])
        if self.shown:
            current = next((i for i, a in enumerate(self.shown) if a.account_id == self.mapping.account_id), 0)
            options.highlighted = current if not words else 0
        if self.loaded and self.accounts:
            if not found:
                self.say(f"No {self.WHAT} matches “{value.strip()}”.")
            elif len(found) > MAX_SHOWN:
                self.say(f"Showing {MAX_SHOWN} of {len(found)}: type more to narrow it down.")
            else:
                self.say("")

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.apply_filter(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.choose_highlighted()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.choose(self.shown[event.option_index])

    def action_move(self, step: int) -> None:
        options = self.query_one("#accounts", OptionList)
        if options.has_focus or not self.shown:
            return
        current = options.highlighted if options.highlighted is not None else -step
        options.highlighted = max(0, min(len(self.shown) - 1, current + step))

    def choose_highlighted(self) -> None:
        index = self.query_one("#accounts", OptionList).highlighted
        if index is not None and 0 <= index < len(self.shown):
            self.choose(self.shown[index])

    def choose(self, account: Account) -> None:
        self.chosen = account
        self.query_one("#account-chosen", Static).update(
            Text.assemble("Chosen: ", (account.label, "bold green"), "  Update saves it; Escape keeps ",
                          (self.mapping.label, "bold")))
        self.query_one("#account-update", Button).focus()

    def say(self, text: str, error: bool = False) -> None:
        message = self.query_one("#account-message", Static)
        message.update(text)
        message.set_class(error, "-error")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "account-update":
            self.action_update()
        else:
            self.action_cancel()

    def action_update(self) -> None:
        if self.chosen is None:
            self.choose_highlighted()
        if self.chosen is None:
            self.say("Choose an account first.", error=True)
            return
        self.blocking(self.store, self.chosen, on_done=self.saved, on_error=lambda e: self.say(str(e), error=True),
                      group="save-mapping")

    def saved(self, overview: XeroOverview) -> None:
        self.dismiss(overview)

    def action_cancel(self) -> None:
        self.dismiss(None)


class PaymentAccountPickerScreen(AccountPickerScreen):
    """The accounts Xero takes payments into (bank accounts, accounts with payments enabled), for one payment
    method (or the default of every method without its own)."""

    WHAT = "payment account"
    NONE_IN_XERO = "Xero has no active bank account or account with payments enabled for this organisation. " \
        "Add one in Xero, then press Ctrl+R to load them again."

    def fetch(self) -> list[Account]:
        return self.services.connection.payment_chart()

    def store(self, account: Account) -> XeroOverview:
        return self.services.connection.save_payment_account(self.mapping.category, account)
