"""The Xero screen: the organisation and its status, the Revenue Accounts each category posts to, and the Payment
Accounts each payment method's payments go into.

Selecting a category or a method opens the chart of accounts. A lost connection shows red Disconnected with the reason and
when, and Continue (reconnects to the same organisation, keeping every choice). Disconnect asks first.
"""

from __future__ import annotations

from typing import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, OptionList, Static
from textual.widgets.option_list import Option

from tui.connection import XeroOverview, XeroStatus
from tui.domain.dates import format_when
from tui.screens.base import BaseScreen
from tui.screens.xero.connect import CONNECT_CSS
from tui.widgets.header import AppHeader


def status_text(status: XeroStatus | None, time_zone: str = "Australia/Sydney") -> Text:
    """The organisation line: name and a coloured status, what the connection does now; for a lost connection,
    why and since when."""
    if status is None:
        return Text("Checking the connection…", style="dim")
    overview = status.connection
    if overview.state == "not connected":
        return Text.assemble(("Not connected", "bold"), "\n",
                             ("Select Connect to Xero to send invoices to Xero and get payments back.", "dim"))
    text = Text.assemble((overview.organisation or "Xero", "bold"), "  ")
    when = format_when(overview.since, time_zone)
    if overview.state == "connected":
        text.append("Connected", style="bold green")
        kind = "custom connection" if overview.kind == "custom" else "connected"
        text.append(f"\n{kind.capitalize()}{f' since {when}' if when else ''}. {status.syncing}", style="dim")
        if overview.needs_payments_scope:
            text.append("\nXero needs your permission to record payments: select Continue.", style="bold yellow")
    else:
        text.append("Disconnected", style="bold red")
        text.append(f"\n{overview.reason}{f' ({when})' if when else ''}", style="red")
        text.append("\nSelect Continue to reconnect; your account choices are kept.", style="dim")
    return text


def mapping_prompt(mapping) -> Text:
    text = Text.assemble((f"{mapping.category:<16}", "bold"))
    if mapping.code:
        text.append(mapping.label)
    else:
        text.append("Not chosen: select to choose an account", style="yellow")
    if mapping.archived:
        text.append("  archived in Xero: choose another", style="bold red")
    return text


def payment_account_prompt(mapping, default) -> Text:
    """A method's payment account; one without its own uses the default's, or waits when there is none."""
    text = Text.assemble((f"{mapping.category:<16}", "bold"))
    if mapping.code:
        text.append(mapping.label)
    elif mapping is default:
        text.append("Not chosen: payments wait until you choose an account", style="yellow")
    elif default is not None and default.code:
        text.append(f"Default ({default.label})", style="dim")
    else:
        text.append("Not chosen: payments wait until you choose an account", style="yellow")
    return text


class ConfirmScreen(ModalScreen[bool]):
    """Yes/no before doing something that cannot be undone from here."""

    DEFAULT_CSS = CONNECT_CSS + "#confirm-dialog > Static { height: auto; margin: 1 0 0 0; }"
    BINDINGS = [Binding("escape", "no", "Keep", id="confirm_no")]

    def __init__(self, title: str, question: str, yes: str, no: str) -> None:
        super().__init__()
        self.title_text, self.question, self.yes, self.no = title, question, yes, no

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog") as dialog:
            dialog.border_title = self.title_text
            yield Static(self.question, markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.no, id="confirm-no", compact=True)
                yield Button(self.yes, id="confirm-yes", variant="error", compact=True)

    def on_mount(self) -> None:
        self.query_one("#confirm-no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "confirm-yes")

    def action_no(self) -> None:
        self.dismiss(False)


class XeroScreen(BaseScreen):
    TITLE = "Xero"
    DEFAULT_CSS = """
    #xero-status { height: auto; padding: 0 1; margin: 1 0 0 0; }
    #xero-buttons { height: auto; margin: 1 1 0 1; }
    #xero-buttons > Button { margin: 0 2 0 0; }
    #xero-message.-error { color: $error; }
    #payment-section { height: auto; }
    """
    BINDINGS = [
        Binding("escape", "back", "Back", id="back"),
        Binding("c", "continue", "Continue", id="xero_continue"),
        Binding("d", "disconnect", "Disconnect", id="xero_disconnect"),
        Binding("y", "app.goto('sync')", "Sync", id="xero_sync"),
        Binding("r", "reload", "Refresh", id="xero_refresh", show=False),
    ]

    def __init__(self, reconnect: Callable[[XeroScreen], None], ask_disconnect: bool = False) -> None:
        """``reconnect``: what Continue does (:func:`tui.screens.xero.flow.continue_connect`)."""
        super().__init__()
        self.reconnect = reconnect
        self.overview: XeroOverview | None = None
        self.time_zone = "Australia/Sydney"
        self.ask_disconnect = ask_disconnect

    @property
    def connection(self):
        return self.services.connection

    def compose(self) -> ComposeResult:
        yield AppHeader(self.TITLE)
        yield Static(status_text(None), id="xero-status")
        yield Static("Revenue Accounts", classes="screen-heading")
        yield Static("Which Xero account each kind of invoice line posts to. Enter chooses from your chart of "
                     "accounts.", classes="hint", markup=False)
        yield OptionList(id="revenue-accounts", classes="menu")
        with Vertical(id="payment-section"):
            yield Static("Payment Accounts", classes="screen-heading")
            yield Static("Which Xero account the payments you take go into, per method.", classes="hint",
                         markup=False)
            yield OptionList(id="payment-accounts", classes="menu")
        yield Static("Choose the revenue accounts, then press Esc: the first sync with Xero starts when you leave "
                     "this screen.", id="xero-first-sync", classes="hint", markup=False)
        with Horizontal(id="xero-buttons"):
            yield Button("Continue", id="xero-continue", variant="primary", compact=True)
            yield Button("Disconnect", id="xero-disconnect", variant="error", compact=True)
        yield Static("", id="xero-message", classes="message", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#xero-continue").display = False
        self.query_one("#xero-disconnect").display = False
        self.query_one("#xero-first-sync").display = False
        self.query_one("#revenue-accounts", OptionList).focus()
        self.reload(check=True)

    def action_back(self) -> None:
        """Back; right after connecting, leaving is the user's word that the revenue accounts are right, and
        the first sync starts."""
        if self.overview is None or not self.overview.accounts_pending:
            self.dismiss(None)
            return

        def reviewed(_overview) -> None:
            self.app.xero_changed()
            self.dismiss(None)

        self.blocking(self.connection.accounts_reviewed, on_done=reviewed,
                      on_error=lambda exc: self.say(str(exc), error=True), group="xero-reviewed")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "continue":
            return self.overview is not None and (self.overview.state != "connected"
                                                  or self.overview.needs_payments_scope)
        if action == "disconnect":
            return self.overview is not None and self.overview.state != "not connected"
        return True

    def action_reload(self) -> None:
        self.reload(check=True)

    def reload(self, check: bool = False) -> None:
        """Show what is stored straight away; ``check``: then ask Xero (status, archived accounts)."""

        def load():
            return self.connection.status(), self.services.business().time_zone

        def loaded(result) -> None:
            self.show(*result)
            if check and self.overview is not None and self.overview.state == "connected":
                self.say("Checking the connection with Xero…")
                self.blocking(self._refreshed, on_done=self.checked, on_error=self.check_failed,
                              group="xero-check")
            if self.ask_disconnect:
                self.ask_disconnect = False
                self.action_disconnect()

        self.blocking(load, on_done=loaded, group="xero-load")

    def _refreshed(self) -> XeroStatus:
        self.connection.refresh()
        return self.connection.status()

    def checked(self, status: XeroStatus) -> None:
        self.show(status, self.time_zone)
        self.say("")
        if status.state != "connected":  # found lost just now
            self.app.xero_changed()

    def check_failed(self, exc: Exception) -> None:
        self.say(f"Could not check the connection: {exc}", error=True)

    def show(self, status: XeroStatus, time_zone: str) -> None:
        overview = status.connection
        self.overview, self.time_zone = overview, time_zone
        self.query_one("#xero-status", Static).update(status_text(status, time_zone))
        accounts = self.query_one("#revenue-accounts", OptionList)
        highlighted = accounts.highlighted
        accounts.clear_options()
        accounts.add_options([Option(mapping_prompt(m), id=m.category) for m in overview.mappings])
        accounts.display = bool(overview.mappings)
        if overview.mappings:
            accounts.highlighted = highlighted if highlighted is not None else 0
        payments = self.query_one("#payment-accounts", OptionList)
        shown_at = payments.highlighted
        payments.clear_options()
        default = overview.payment_accounts[0] if overview.payment_accounts else None
        payments.add_options([Option(payment_account_prompt(m, default), id=m.category)
                              for m in overview.payment_accounts])
        self.query_one("#payment-section").display = bool(overview.payment_accounts)
        if overview.payment_accounts:
            payments.highlighted = shown_at if shown_at is not None else 0
        cont = self.query_one("#xero-continue", Button)
        cont.display = overview.state != "connected" or overview.needs_payments_scope
        cont.label = "Connect to Xero" if overview.state == "not connected" else "Continue"
        self.query_one("#xero-disconnect").display = overview.state != "not connected"
        self.query_one("#xero-first-sync").display = status.waits_for_accounts
        if overview.state != "connected" and not accounts.has_focus_within:
            cont.focus()
        self.refresh_bindings()

    def say(self, text: str, error: bool = False) -> None:
        message = self.query_one("#xero-message", Static)
        message.update(text)
        message.set_class(error, "-error")

    # -- revenue accounts -----------------------------------------------------------------------------
    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if self.overview is None or not event.option.id:
            return
        if self.overview.state != "connected":
            self.say("Reconnect first (Continue): the chart of accounts comes from Xero.", error=True)
            return
        from tui.screens.xero.account_picker import AccountPickerScreen, PaymentAccountPickerScreen

        if event.option_list.id == "payment-accounts":
            mapping = next(m for m in self.overview.payment_accounts if m.category == event.option.id)
            self.app.push_screen(PaymentAccountPickerScreen(mapping, self.overview.organisation), self.picked)
            return
        mapping = next(m for m in self.overview.mappings if m.category == event.option.id)
        self.app.push_screen(AccountPickerScreen(mapping, self.overview.organisation), self.picked)

    def picked(self, overview: XeroOverview | None) -> None:
        """Back from the chart of accounts: "Saved." only for the choice just saved (a cancel clears it)."""
        if overview is None:
            self.say("")
            return
        self.say("Saved.")
        self.blocking(self.connection.status, on_done=lambda status: self.show(status, self.time_zone),
                      group="xero-load")

    # -- connect, disconnect --------------------------------------------------------------------------
    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "xero-continue":
            self.action_continue()
        elif event.button.id == "xero-disconnect":
            self.action_disconnect()

    def action_continue(self) -> None:
        self.reconnect(self)

    def action_disconnect(self) -> None:
        if self.overview is None or self.overview.state == "not connected":
            return
        name = self.overview.organisation or "Xero"
        question = (f"Disconnect tradiecore from {name}? Invoices stop syncing with Xero until you connect again. "
                    "Your revenue account choices are kept.")
        self.app.push_screen(ConfirmScreen("Disconnect Xero", question, "Disconnect", "Keep connected"),
                             self._disconnect_confirmed)

    def _disconnected(self) -> XeroStatus:
        self.connection.disconnect()
        return self.connection.status()

    def _disconnect_confirmed(self, yes: bool | None) -> None:
        if not yes:
            return
        name = self.overview.organisation if self.overview else "Xero"
        self.say(f"Disconnecting from {name}…")

        def done(status: XeroStatus) -> None:
            self.show(status, self.time_zone)
            self.say(f"Disconnected from {name}. Select Connect to Xero to connect again.")
            self.app.xero_changed()

        self.blocking(self._disconnected, on_done=done, on_error=lambda e: self.say(str(e), error=True),
                      group="xero-disconnect")
