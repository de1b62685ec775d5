"""Email settings: how invoices are delivered (SMTP or the local outbox), how to change it, the SMTP password.

The delivery settings live in config.toml ``[mail]`` (or ``TRADIECORE_MAIL_*``), read at start-up. The password
goes to the secrets store and is never shown: the screen only says whether one is saved.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Footer, Input, Label, Static

from tui.domain.errors import ValidationError
from tui.screens.base import BaseScreen
from tui.widgets.header import AppHeader


def how_to_change(config_path: str, site: bool = False) -> Text:
    """Where the ``[mail]`` settings go: the user's config.toml, or on a site install the site's (the business's
    mail, for every member and the sync service), which root edits."""
    where = [("To send by SMTP, root adds to the site config ", ""), (config_path, "bold"),
             (" (every member's sessions use it):\n", "")] if site else \
        [("To send by SMTP, add to ", ""), (config_path, "bold"), (":\n", "")]
    return Text.assemble(
        *where,
        ("  [mail]\n"
         "  host = \"smtp.example.com\"\n"
         "  port = 587\n"
         "  starttls = true\n"
         "  user = \"accounts@example.com\"\n"
         "  from = \"accounts@example.com\"\n", "cyan"),
        ("or set TRADIECORE_MAIL_HOST, _PORT, _STARTTLS, _USER, _FROM (the environment wins). "
         "Without a host, invoices go to the local outbox folder. Restart tradiecore after a change.", ""),
    )


class EmailSettingsScreen(BaseScreen):
    TITLE = "Email"
    BINDINGS = [
        Binding("ctrl+s", "save_password", "Save password", id="save", priority=True),
        Binding("ctrl+d", "clear_password", "Clear password", id="clear_password", priority=True),
        Binding("ctrl+o", "app.goto('outbox')", "Outbox", id="outbox", priority=True),
    ]

    def compose(self) -> ComposeResult:
        cfg = self.services.cfg
        yield AppHeader(self.TITLE)
        with VerticalScroll(classes="form"):
            yield Static("Email", classes="screen-heading")
            yield Static(Text.assemble("Invoices are sent by: ", (self.services.describe_mail(), "bold")),
                         id="mail-delivery", classes="message")
            if not cfg.mail_uses_smtp:
                yield Static("Nothing leaves this computer: each email is saved in the outbox folder. "
                             "Outbox shows them.", classes="hint")
            yield Static("SMTP password", classes="screen-heading")
            yield Static("Checking…", id="password-state", classes="hint", markup=False)
            with Horizontal(classes="field", id="field-password"):
                yield Label("New password", classes="field-label")
                with Vertical(classes="field-body"):
                    yield Input(id="password", password=True, compact=True, placeholder="typed characters are hidden")
                    yield Static("", id="error-password", classes="field-error", markup=False)
            with Horizontal(classes="form-buttons"):
                yield Button("Save password", id="save", variant="primary", compact=True)
                yield Button("Clear password", id="clear", compact=True)
                yield Button("Outbox", id="outbox", compact=True)
            yield Static(how_to_change(str(cfg.site_config_path if cfg.is_site else cfg.config_dir / "config.toml"),
                                       site=cfg.is_site), id="mail-how", classes="message")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#password", Input).focus()
        self.load_password_state()

    def load_password_state(self) -> None:
        def load():
            return self.services.has_smtp_password(), self.services.secrets.name

        self.blocking(load, on_done=self._show_password_state, group="password")

    def _show_password_state(self, result: tuple[bool, str]) -> None:
        saved, store = result
        text = f"A password is saved in {store}." if saved else f"No password saved (it would be kept in {store})."
        self.query_one("#password-state", Static).update(text)

    def _set_error(self, message: str) -> None:
        error = self.query_one("#error-password", Static)
        error.update(message)
        error.set_class(bool(message), "-shown")
        self.query_one("#field-password").set_class(bool(message), "-invalid")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "save":
            self.action_save_password()
        elif event.button.id == "clear":
            self.action_clear_password()
        elif event.button.id == "outbox":
            self.app.goto("outbox")

    def action_save_password(self) -> None:
        password = self.query_one("#password", Input).value
        self.blocking(self.services.set_smtp_password, password, on_done=self._saved, on_error=self._failed,
                      group="password")

    def _saved(self, _result) -> None:
        self.query_one("#password", Input).value = ""
        self._set_error("")
        self.notify("SMTP password saved", title="Saved")
        self.load_password_state()

    def _failed(self, exc: Exception) -> None:
        if isinstance(exc, ValidationError):
            self._set_error(exc.errors.get("password", str(exc)))
        else:
            self.show_error(exc)

    def action_clear_password(self) -> None:
        self.blocking(self.services.clear_smtp_password, on_done=self._cleared, on_error=self._failed,
                      group="password")

    def _cleared(self, _result) -> None:
        self.query_one("#password", Input).value = ""
        self._set_error("")
        self.notify("SMTP password cleared", title="Cleared")
        self.load_password_state()
