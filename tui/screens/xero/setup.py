"""Xero is not set up: what to register at Xero and where to put its client id; or a custom connection."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Footer, Input, Label, Static

from tui.connection import PendingConnection, XeroOverview
from tui.screens.base import BaseScreen
from tui.widgets.header import AppHeader


def setup_text(redirect_uri: str, config_file: str) -> Text:
    return Text.assemble(
        "tradiecore needs its own app registered at Xero before it can connect.\n\n",
        ("1. ", "bold"), "Log in at ", ("https://developer.xero.com/app/manage", "underline"),
        " and select New app.\n",
        ("2. ", "bold"), "Choose the integration type ", ("Mobile or desktop app (Auth code with PKCE)", "bold"),
        " and enter the redirect URI\n   ", (redirect_uri, "bold cyan"), "\n",
        ("3. ", "bold"), "Copy the app's client id into ", (config_file, "bold"), ":\n   ",
        ('[xero]\n   client_id = "YOUR CLIENT ID"', "cyan"),
        "\n   or set the environment variable ", ("TRADIECORE_XERO_CLIENT_ID", "bold"), ".\n",
        ("4. ", "bold"), "Start tradiecore again and select Connect to Xero.",
    )


class XeroSetupScreen(BaseScreen):
    TITLE = "Set up Xero"
    DEFAULT_CSS = """
    #setup-body { padding: 0 1 1 1; }
    #setup-body > Static { height: auto; margin: 1 0 0 0; }
    #setup-body > .setup-heading { text-style: bold; color: $accent; }
    #setup-message.-error { color: $error; }
    """
    BINDINGS = [Binding("ctrl+s", "connect_custom", "Connect custom", id="setup_custom")]

    def compose(self) -> ComposeResult:
        xero = self.app.services.connection
        yield AppHeader(self.TITLE)
        with VerticalScroll(id="setup-body"):
            yield Static("No Xero client id is set", classes="setup-heading")
            yield Static(setup_text(xero.redirect_uri, xero.config_file), id="setup-steps")
            yield Static("Or: a custom connection", classes="setup-heading")
            yield Static("For a shop server that syncs unattended (a paid Xero feature, one organisation, no "
                         "browser): create a Custom connection app at Xero and enter its client id and secret. "
                         "The client id goes into config.toml; the secret into the secrets store, never the "
                         "database or a config file.",
                         markup=False)
            with Horizontal(classes="field"):
                yield Label("Client id", classes="field-label")
                with Vertical(classes="field-body"):
                    yield Input(id="custom-client-id")
            with Horizontal(classes="field"):
                yield Label("Client secret", classes="field-label")
                with Vertical(classes="field-body"):
                    yield Input(id="custom-client-secret", password=True)
            with Horizontal(classes="form-buttons"):
                yield Button("Connect", id="custom-connect", variant="primary", compact=True)
            yield Static("", id="setup-message", markup=False)
        yield Footer()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_connect_custom()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "custom-client-id":
            self.query_one("#custom-client-secret", Input).focus()
        else:
            self.action_connect_custom()

    def say(self, text: str, error: bool = False) -> None:
        message = self.query_one("#setup-message", Static)
        message.update(text)
        message.set_class(error, "-error")

    def action_connect_custom(self) -> None:
        client_id = self.query_one("#custom-client-id", Input).value
        secret = self.query_one("#custom-client-secret", Input).value
        if not client_id.strip() or not secret.strip():
            self.say("Enter both the client id and the client secret.", error=True)
            return
        self.say("Connecting with the custom connection…")
        xero = self.services.connection
        self.blocking(xero.setup_custom, client_id, secret, on_done=self.connected,
                      on_error=lambda e: self.say(str(e), error=True), group="xero-custom")

    def connected(self, pending: PendingConnection) -> None:
        from tui.screens.xero.orgs import OrganisationsScreen

        self.query_one("#custom-client-secret", Input).value = ""
        self.say("")
        self.app.push_screen(OrganisationsScreen(pending), self.chosen)

    def chosen(self, overview: XeroOverview | None) -> None:
        if overview is not None:
            self.dismiss(overview)  # this setup screen is done with; the flow opens the Xero screen
