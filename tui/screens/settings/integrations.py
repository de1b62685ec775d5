"""Integrations: "Available Connections", Xero and its status; selecting Xero connects or manages it."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from tui.domain.dates import format_when
from tui.screens.base import BaseScreen
from tui.widgets.header import AppHeader


def xero_prompt(status, time_zone: str) -> Text:
    """The Xero card (a :class:`~tui.connection.XeroStatus`): name, coloured status, the organisation, what the
    connection does now, and for a lost connection why and since when."""
    text = Text.assemble(("Xero", "bold"), "  ")
    if status is None:
        text.append("Checking…", style="dim")
        return text
    overview = status.connection
    if overview.state == "connected":
        text.append("Connected", style="bold green")
        if overview.organisation:
            text.append(f"  {overview.organisation}")
        if status.waits_for_accounts:
            text.append(f"\n{status.syncing} Select to choose them.", style="dim")
        else:
            since = format_when(overview.since, time_zone)
            text.append(f"\nSyncing invoices both ways{f' since {since}' if since else ''}. Select to manage.",
                        style="dim")
    elif overview.state == "disconnected":
        text.append("Disconnected", style="bold red")
        if overview.organisation:
            text.append(f"  {overview.organisation}")
        when = format_when(overview.since, time_zone)
        text.append(f"\n{overview.reason}{f' ({when})' if when else ''}", style="red")
        text.append("\nSelect Xero to reconnect.", style="dim")
    else:
        text.append("Not connected", style="dim")
        text.append("\nSend invoices to Xero and get payments back. Select to connect.", style="dim")
    return text


class IntegrationsScreen(BaseScreen):
    TITLE = "Integrations"
    # One key, named in the footer for what it does in the state shown: the binding for another state is off.
    BINDINGS = [
        Binding("x", "xero('not connected')", "Connect Xero", id="connect_xero"),
        Binding("x", "xero('connected')", "Manage Xero", id="manage_xero"),
        Binding("x", "xero('disconnected')", "Reconnect Xero", id="reconnect_xero"),
        Binding("r", "reload", "Refresh", id="refresh", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.status = None
        self.time_zone = "Australia/Sydney"

    def compose(self) -> ComposeResult:
        yield AppHeader(self.TITLE)
        yield Static("Available Connections", classes="screen-heading")
        yield OptionList(Option(xero_prompt(None, self.time_zone), id="xero"), id="connections", classes="menu")
        yield Static("", id="connect-message", classes="message", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        menu = self.query_one("#connections", OptionList)
        menu.highlighted = 0
        menu.focus()
        self.reload()
        self.check_xero()

    def check_xero(self) -> None:
        """Ask Xero whether the connection still works (a disconnect made in Xero shows up red here)."""
        self.blocking(lambda: self.services.connection.check(), on_done=lambda _: self.reload(),
                      on_error=lambda exc: self.log.warning(f"Xero not checked: {exc}"), group="xero-check")

    def on_screen_resume(self) -> None:
        if self.status is not None:  # back from connecting or managing: show the new state
            self.reload()
            self.check_xero()

    def action_reload(self) -> None:
        self.reload()
        self.check_xero()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "xero":
            return parameters == (self.status.state if self.status is not None else "not connected",)
        return True

    def reload(self) -> None:
        def load():
            return self.services.connection.status(), self.services.business().time_zone

        self.blocking(load, on_done=self._show_status, group="xero-status")

    def _show_status(self, result) -> None:
        before = self.status.state if self.status is not None else None
        self.status, self.time_zone = result
        self.query_one("#connections", OptionList).replace_option_prompt(
            "xero", xero_prompt(self.status, self.time_zone)
        )
        self.refresh_bindings()
        if before == "connected" and self.status.state == "disconnected":  # the check found it lost
            self.app.xero_changed()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id == "xero":
            self.connect_xero(self.status)

    def action_xero(self, _state: str) -> None:
        self.connect_xero(self.status)

    def connect_xero(self, status) -> None:
        """Connect, reconnect (status "disconnected") or manage (status "connected") the Xero connection.

        Connected or disconnected: the Xero screen (Revenue Accounts; Continue reconnects). Else Connect to Xero.
        """
        from tui.screens.xero.flow import open_xero_screen, start_connect_flow

        if status is not None and status.state in ("connected", "disconnected"):
            open_xero_screen(self.app)
        else:
            start_connect_flow(self.app)
