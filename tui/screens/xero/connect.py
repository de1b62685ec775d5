"""Connect to Xero: the waiting modal while the user logs in and allows access in a browser (the flow that
strings the steps together is :mod:`tui.screens.xero.flow`).

Over SSH (or with no display) no browser is started on the server: the modal shows the link (an OSC 8
hyperlink; Copy puts it on the laptop's clipboard with OSC 52; Link alone shows nothing but the link, for
selecting it with the mouse), the exact ``ssh -L`` command that lets the laptop's browser reach this server's
callback port (in the demo, the sandbox's port too), and a field for pasting the address the browser ended on.
The pasted address holds a one-time code, so the field is masked. In a browser tab (``tradiecore serve``) Xero
opens in a new tab of the same browser, and the address that tab ends on is pasted the same way.

The dialog fits any screen from 80x24 up: the explanations and the link scroll, while the paste field, the
feedback line and the buttons are docked at its foot, so what has the focus (and what Enter acts on) is always
in view.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.style import Style
from textual.widgets import Button, Input, Static

from tui.connection import PendingConnection, Started, XeroConnection
from tui.widgets.workers import WorkerMixin
from tui.xero.errors import AccessDenied, Cancelled, NotThisSignIn

CONNECT_CSS = """
ConnectScreen, ConfirmScreen { align: center middle; }
#connect-dialog, #confirm-dialog {
    width: 96;
    max-width: 100%;
    height: auto;
    max-height: 100%;
    border: round $accent;
    border-title-color: $accent;
    border-title-style: bold;
    background: $surface;
    padding: 0 1;
}
#connect-dialog > Static { height: auto; margin: 1 0 0 0; }
#connect-dialog > #connect-status { margin: 0; }
#connect-dialog > #connect-ssh-command { margin: 0; padding: 0 2; text-style: bold; }
#connect-dialog > #connect-ssh-note { margin: 0; color: $text-muted; }
#connect-url { color: $text-accent; }
#connect-dialog { scrollbar-size-vertical: 1; }
#connect-answer { dock: bottom; height: auto; background: $surface; }
#connect-paste-label { margin: 1 0 0 0; }
#connect-message { height: auto; }
#connect-message.-error { color: $error; text-style: bold; }
.dialog-buttons { height: auto; margin: 1 0 0 0; }
.dialog-buttons > Button { margin: 0 2 0 0; }
"""


def url_text(url: str) -> Content:
    """The link as an OSC 8 hyperlink (the terminal opens it on the user's own computer)."""
    return Content(url).stylize(Style(link=url))


class LinkScreen(Screen[None]):
    """Nothing but the link, from the top left corner: no borders or other text for a mouse selection to catch.
    Escape goes back to the dialog."""

    DEFAULT_CSS = """
    LinkScreen { background: $background; }
    LinkScreen > #link-alone { width: 100%; height: auto; margin: 0; padding: 0; border: none; }
    """
    BINDINGS = [Binding("escape", "back", "Back", id="link_back")]

    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url

    def compose(self) -> ComposeResult:
        yield Static(url_text(self.url), id="link-alone")

    def action_back(self) -> None:
        self.dismiss(None)


class ConnectScreen(WorkerMixin, ModalScreen[PendingConnection | None]):
    """Waits for Xero's answer (loopback listener or pasted address); dismisses with the pending connection."""

    DEFAULT_CSS = CONNECT_CSS
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="connect_cancel"),
        Binding("ctrl+y", "copy_link", "Copy link", id="connect_copy"),
        Binding("ctrl+l", "link_alone", "Link alone", id="connect_link_alone"),
        Binding("ctrl+o", "open_browser", "Open browser", id="connect_open", show=False),
    ]

    def __init__(self, xero: XeroConnection | None = None, reconnect: str = "") -> None:
        super().__init__()
        self._connection = xero
        self.reconnect = reconnect  # the organisation being reconnected, if any
        self.started: Started | None = None
        self.finishing = False  # a code is being exchanged: a second one (listener or paste) is not taken
        self.finished = False

    @property
    def connection(self) -> XeroConnection:
        if self._connection is None:
            self._connection = self.app.services.connection
        return self._connection

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="connect-dialog") as dialog:
            dialog.border_title = f"Reconnect {self.reconnect} to Xero" if self.reconnect else "Connect to Xero"
            yield Static("Preparing the Xero sign-in…", id="connect-status", markup=False)
            yield Static("", id="connect-url")
            yield Static("", id="connect-ssh", markup=False)
            yield Static("", id="connect-ssh-command", markup=False)
            yield Static("", id="connect-ssh-note", markup=False)
            with Vertical(id="connect-answer"):  # docked: never scrolls out of view
                yield Static("", id="connect-paste-label", markup=False)
                yield Input(placeholder="http://localhost:…/callback?code=…  (stays hidden: a one-time code)",
                            password=True, compact=True,
                            id="connect-paste")
                yield Static("", id="connect-message", markup=False)
                with Horizontal(classes="dialog-buttons"):
                    yield Button("Copy link", id="connect-copy", compact=True)
                    yield Button("Link alone", id="connect-link-alone", compact=True)
                    yield Button("Open browser", id="connect-open", compact=True)
                    yield Button("Cancel", id="connect-cancel", variant="error", compact=True)

    def on_mount(self) -> None:
        for wid in ("#connect-ssh", "#connect-ssh-command", "#connect-ssh-note", "#connect-open"):
            self.query_one(wid).display = False
        self.query_one("#connect-paste", Input).focus()  # "paste it here": a paste lands where the dialog says
        self.blocking(self.connection.start, on_done=self.show_started, on_error=self.failed, group="xero-start")

    def on_unmount(self) -> None:
        # Leaving (or quitting the app) while waiting: stop the listener, so no thread waits on for minutes.
        if self.started is not None:
            self.connection.cancel(self.started)

    # -- showing the sign-in --------------------------------------------------------------------------
    def show_started(self, started: Started) -> None:
        if self.finished:  # cancelled while the listener was starting
            self.connection.cancel(started)
            return
        self.started = started
        if started.browser_tab:  # served to a browser: Xero opens in a tab beside this one, which the answer
            # (an address on this server's loopback) cannot reach: the person pastes it here
            status = Text("Xero opens in a new tab of this browser (if it did not: Ctrl+O, or open this link). Log "
                          "in and select Allow Access; that tab then shows a page that cannot be reached.")
            self.query_one("#connect-open").display = True
            self.app.open_url(started.url)
        elif started.open_browser:
            status = Text("Your browser is opening Xero. Log in and select Allow Access; tradiecore carries on by "
                          "itself. If no browser appeared, open this link:")
            self.query_one("#connect-open").display = True
            self.app.open_url(started.url)
        else:
            where = "you are connected over SSH" if started.remote else "there is no display here"
            status = Text(f"No browser can open on this computer ({where}). Open this link in your browser, log "
                          "in to Xero and select Allow Access:")
        if started.demo_login:
            email, password = started.demo_login
            status = Text.assemble(("Demo: log in to the sandbox as ", "dim"), (email, "bold"), (", password ", "dim"),
                                   (password, "bold"), "\n", status)  # one line at 80 columns
        self.query_one("#connect-status", Static).update(status)
        self.query_one("#connect-url", Static).update(url_text(started.url))
        if not started.open_browser and not started.browser_tab:
            self.query_one("#connect-ssh", Static).update(
                "So that Xero's answer reaches this server, run this on your laptop first and leave it running:")
            self.query_one("#connect-ssh-command", Static).update(started.forward_command)
            if started.forward_host:
                self.query_one("#connect-ssh-note", Static).update(
                    f"Through a jump host? Replace {started.forward_host} with the name you give ssh for this "
                    "server, and add -J with the jump host.")
                self.query_one("#connect-ssh-note").display = True
            self.query_one("#connect-ssh").display = True
            self.query_one("#connect-ssh-command").display = True
        self.query_one("#connect-paste-label", Static).update(
            "Copy that page's whole address from the address bar, paste it here, Enter:" if started.browser_tab
            else "Browser on a page that cannot be reached? Paste its whole address, Enter:")
        if started.problem:
            self.say(started.problem, error=True)
        else:
            self.blocking(self.connection.wait, started, on_done=self.got_code, on_error=self.failed, group="xero-wait")

    def say(self, text: str, error: bool = False) -> None:
        message = self.query_one("#connect-message", Static)
        message.update(text)
        message.set_class(error, "-error")

    # -- the answer -----------------------------------------------------------------------------------
    def got_code(self, code: str) -> None:
        if self.finished or self.finishing or self.started is None:
            return
        self.finishing = True
        self.say("Xero answered. Fetching your organisations…")
        self.blocking(self.connection.finish, self.started, code, on_done=self.done, on_error=self.failed,
                      group="xero-finish")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.started is None or self.finishing:
            return
        if not event.value.strip():
            self.say("Paste the whole address from the browser's address bar first, then press Enter.", error=True)
            return
        pasted = event.value
        event.input.value = ""
        self.say("Checking the address…")
        self.blocking(self.connection.code_from_paste, self.started, pasted, on_done=self.got_code,
                      on_error=self.paste_refused, group="xero-paste")

    def paste_refused(self, exc: Exception) -> None:
        if isinstance(exc, NotThisSignIn):  # not this sign-in's answer: nothing ended, the dialog keeps waiting
            if not self.finished:
                self.say(str(exc), error=True)
            return
        self.failed(exc)  # this sign-in's own answer: access not allowed, or Xero's error

    def done(self, pending: PendingConnection) -> None:
        if self.finished:
            return
        self.finished = True
        self.dismiss(pending)

    def failed(self, exc: Exception) -> None:
        if self.finished or isinstance(exc, Cancelled):
            return
        if isinstance(exc, AccessDenied):
            self.say("Access was not allowed. Nothing was changed. Press Escape to close, or start again.",
                     error=True)
        else:
            self.say(str(exc) or type(exc).__name__, error=True)
        close = self.query_one("#connect-cancel", Button)
        close.label = "Close"
        close.focus()  # nothing more to paste: Enter closes

    # -- actions --------------------------------------------------------------------------------------
    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        {"connect-copy": self.action_copy_link, "connect-link-alone": self.action_link_alone,
         "connect-open": self.action_open_browser, "connect-cancel": self.action_cancel}[event.button.id]()

    def action_copy_link(self) -> None:
        if self.started is not None:
            self.app.copy_to_clipboard(self.started.url)
            self.say("Link copied to your computer's clipboard (if your terminal allows it; else Link alone "
                     "shows it to select with the mouse).")

    def action_link_alone(self) -> None:
        if self.started is not None:
            self.app.push_screen(LinkScreen(self.started.url))

    def action_open_browser(self) -> None:
        if self.started is not None:
            self.app.open_url(self.started.url)

    def action_cancel(self) -> None:
        if self.finished:
            return
        self.finished = True
        if self.started is not None:
            self.connection.cancel(self.started)  # stops the listener: the port is free again
        self.dismiss(None)


__all__ = ["ConnectScreen", "LinkScreen", "url_text"]
