"""Choose the Xero organisation (name, type), then "Ok, let's go" to the account preferences.

A reconnect highlights the organisation the business already uses; choosing another one is refused with a
plain explanation (the service's ``OtherOrganisation``) and nothing switches.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Button, Footer, OptionList, Static
from textual.widgets.option_list import Option

from tui.connection import PendingConnection, XeroOverview
from tui.screens.base import BaseScreen
from tui.services import import_store
from tui.widgets.header import AppHeader

TENANT_TYPES = {"ORGANISATION": "Organisation", "PRACTICE": "Practice (advisor)", "PRACTICEMANAGER": "Practice Manager"}


def organisation_prompt(org) -> Text:
    kind = TENANT_TYPES.get(org.tenant_type.upper(), org.tenant_type.title() or "Organisation")
    return Text.assemble((org.name, "bold"), "\n", (kind, "dim"))


class OrganisationsScreen(BaseScreen):
    """Dismisses with the stored connection's overview, or None (Escape: nothing is stored)."""

    TITLE = "Connect to Xero"
    DEFAULT_CSS = """
    #orgs-message.-error { color: $error; text-style: bold; }
    #orgs-buttons { height: auto; margin: 1 1; }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="orgs_cancel"),
        Binding("ctrl+s", "go", "Ok, let's go", id="orgs_go"),
    ]

    def __init__(self, pending: PendingConnection) -> None:
        super().__init__()
        self.pending = pending
        self.busy = False
        self.chosen = False

    def compose(self) -> ComposeResult:
        yield AppHeader(self.TITLE)
        many = len(self.pending.organisations) > 1
        heading = "Choose your Xero organisation" if many else "Connected to Xero"
        yield Static(heading, classes="screen-heading")
        if self.pending.keep_tenant_id:
            hint = (f"Reconnecting {self.pending.keep_name}: invoices, customers and account choices stay linked "
                    "to it.")
        elif many:
            hint = "Xero gave access to more than one organisation. Invoices go to the one you choose."
        else:
            hint = "Invoices will be sent to this organisation."
        yield Static(hint, classes="hint", markup=False)
        yield OptionList(*[Option(organisation_prompt(o), id=o.tenant_id) for o in self.pending.organisations],
                         id="orgs", classes="menu")
        yield Static(self.pending.next_step, classes="hint", markup=False)
        with Horizontal(id="orgs-buttons"):
            yield Button("Ok, let's go", id="orgs-go", variant="primary", compact=True)
        yield Static("", id="orgs-message", classes="message", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        orgs = self.query_one("#orgs", OptionList)
        orgs.highlighted = self.pending.suggested
        if len(self.pending.organisations) > 1:
            orgs.focus()
        else:
            self.query_one("#orgs-go", Button).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.query_one("#orgs-go", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_go()

    def action_go(self) -> None:
        if self.busy:
            return
        index = self.query_one("#orgs", OptionList).highlighted
        org = self.pending.organisations[index if index is not None else self.pending.suggested]
        self.busy = True
        self.say(f"Setting up {org.name}…")
        xero = self.services.connection
        self.blocking(xero.choose, self.pending, org, on_done=self.done, on_error=self.refused, group="xero-choose")

    def say(self, text: str, error: bool = False) -> None:
        message = self.query_one("#orgs-message", Static)
        message.update(text)
        message.set_class(error, "-error")

    def done(self, overview: XeroOverview) -> None:
        self.chosen = True
        self.dismiss(overview)

    def refused(self, exc: Exception) -> None:
        self.busy = False
        self.say(str(exc), error=True)

    def action_cancel(self) -> None:
        if not self.busy:
            self.dismiss(None)

    def on_unmount(self) -> None:
        """However the picker is left without a choice (Cancel, Back, another screen), the new consent's
        connections are removed at Xero again, off the UI loop."""
        if not self.chosen:
            xero = self.services.connection
            self.app.run_worker(lambda: (import_store(), xero.abandon(self.pending)), thread=True, exit_on_error=False,
                                group="xero-abandon")
