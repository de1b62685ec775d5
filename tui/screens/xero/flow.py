"""The Xero connect flow's entry points, and the only module that knows every Xero screen.

Connect to Xero (consent -> organisation -> the Xero screen, or the setup screen when Xero is not set up),
open the Xero screen, its Continue (reconnect), Disconnect, and the command palette's Xero commands. The
screens themselves never import this module: they are given what to call (the Xero screen's ``reconnect``)
or return a result (the setup screen), so the Xero screens import each other in one direction only.
"""

from __future__ import annotations

from functools import partial
from typing import Callable

from tui.connection import PendingConnection, XeroOverview
from tui.screens.xero.screen import XeroScreen
from tui.screens.xero.connect import ConnectScreen
from tui.screens.xero.orgs import OrganisationsScreen
from tui.screens.xero.setup import XeroSetupScreen
from tui.services import import_store
from tui.widgets.commands import ListProvider


def start_connect_flow(app, *, on_connected: Callable[[XeroOverview], None] | None = None) -> None:
    """Connect (or reconnect) to Xero from anywhere: consent, organisation, then the Xero screen.

    No client id and no custom connection: the setup screen, which says what to register at Xero.
    ``on_connected``: what to do at the end instead of opening the Xero screen (the Xero screen's Continue).
    """
    xero = app.services.connection
    if not xero.cfg.xero.client_id:
        def after_setup(overview: XeroOverview | None) -> None:
            if overview is not None:
                open_xero_screen(app)

        app.push_screen(XeroSetupScreen(), after_setup)
        return

    def after_choice(overview: XeroOverview | None) -> None:
        if overview is None:
            return
        app.xero_changed()  # a reconnect's commit asks for a pass: what waited in the queue goes now
        if on_connected is not None:
            on_connected(overview)
        else:
            open_xero_screen(app)

    def after_consent(pending: PendingConnection | None) -> None:
        if pending is not None:
            app.push_screen(OrganisationsScreen(pending), after_choice)

    def fail(exc: Exception) -> None:
        app.notify(str(exc), title="Xero", severity="error", timeout=8)

    if xero.has_custom():  # a custom connection: no browser, straight to the organisation
        def custom_job() -> None:
            try:
                import_store()
                pending = xero.connect_custom_again()
            except Exception as exc:
                app.call_from_thread(fail, exc)
                return
            app.call_from_thread(after_consent, pending)

        app.run_worker(custom_job, thread=True, exit_on_error=False, group="xero-flow", exclusive=True)
        return

    def with_status(overview: XeroOverview) -> None:
        reconnect = overview.organisation if overview.state != "not connected" else ""
        app.push_screen(ConnectScreen(xero, reconnect=reconnect), after_consent)

    def job() -> None:
        try:
            import_store()
            overview = xero.overview()
        except Exception as exc:  # the database could not be read: say so
            app.call_from_thread(fail, exc)
            return
        app.call_from_thread(with_status, overview)

    app.run_worker(job, thread=True, exit_on_error=False, group="xero-flow", exclusive=True)


def open_xero_screen(app) -> None:
    """The Xero screen (account preferences), replacing the connect steps on the stack."""
    for screen in app.screen_stack:
        if isinstance(screen, XeroScreen):
            while app.screen is not screen:
                app.pop_screen()
            screen.reload()
            return
    app.push_screen(XeroScreen(continue_connect))


def continue_connect(screen: XeroScreen) -> None:
    """The Xero screen's Continue: reconnect to the same organisation, then back on the Xero screen."""
    app = screen.app

    def connected(overview: XeroOverview) -> None:
        open_xero_screen(app)
        screen.say(f"Connected to {overview.organisation}.")

    start_connect_flow(app, on_connected=connected)


def disconnect_xero(app) -> None:
    """Disconnect (asks first) on the Xero screen, opened for it if it is not on the stack."""
    for screen in app.screen_stack:
        if isinstance(screen, XeroScreen):
            open_xero_screen(app)
            screen.action_disconnect()
            return
    app.push_screen(XeroScreen(continue_connect, ask_disconnect=True))


class XeroCommands(ListProvider):
    """"Connect to Xero", "Disconnect Xero" and "Xero account preferences" in the command palette."""

    def _commands(self):
        app = self.app
        return [
            ("Connect to Xero", "Log in to Xero and allow access (or reconnect a lost connection)",
             partial(start_connect_flow, app)),
            ("Disconnect Xero", "Stop syncing with Xero: revokes access (asks first)", partial(disconnect_xero, app)),
            ("Xero account preferences", "The revenue accounts invoices post to, and the connection's status",
             partial(open_xero_screen, app)),
        ]
