"""Every screen tells the same story about Xero: the header, To Do, Integrations, the Xero screen and the Sync
screen, in the same state, against the sandbox over HTTP; and each connection action is in the activity log once."""

from __future__ import annotations

import pytest

from tests.connect.helpers import connect_service, consent_to_picker, screen_text
from tests.syncui.conftest import header, header_is_red, make_invoice, next_pass, send, startup_pass, sync_app, wait_for

pytestmark = pytest.mark.usefixtures("no_ssh_no_display")  # the test drives the browser, never one of its own

ORG = "Demo Company (AU)"
WAITING = "Nothing goes to Xero until you have chosen the revenue accounts."


def log_lines(services, text: str) -> list[str]:
    return [row.message for row in services.sync.log(500) if text in row.message]


async def on_screen(pilot, screen_type, name: str | None = None):
    """Go to ``name`` (if given) and wait until a ``screen_type`` has loaded what it shows."""
    app = pilot.app
    if name:
        app.goto(name)
    await wait_for(pilot, lambda: isinstance(app.screen, screen_type) and "Checking" not in screen_text(app)
                   and "Loading…" not in screen_text(app), what=screen_type.__name__)
    await app.workers.wait_for_complete()
    await pilot.pause()
    return app.screen


async def disconnect_on_the_xero_screen(pilot) -> None:
    from tui.screens.xero.screen import ConfirmScreen, XeroScreen
    from tui.screens.xero.flow import open_xero_screen

    app = pilot.app
    open_xero_screen(app)
    await on_screen(pilot, XeroScreen)
    await pilot.press("d")
    await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
    await pilot.click("#confirm-yes")
    await wait_for(pilot, lambda: "Disconnected from" in screen_text(app), what="disconnected")


async def test_after_a_disconnect_and_a_new_connection_every_screen_says_the_accounts_wait(
        connect_xservices, xero, http_browser, connect_sandbox):
    from tui.domain.business import BusinessDetails
    from tui.screens.settings.integrations import IntegrationsScreen
    from tui.screens.sync.screen import SyncScreen
    from tui.screens.todo import TodoScreen
    from tui.screens.xero.screen import XeroScreen

    connect_xservices.save_business(BusinessDetails(name="Harbour City Plumbing", email="accounts@hcp.example"))
    connect_service(xero, http_browser)
    send(connect_xservices, make_invoice(connect_xservices, number="TC-0730"))
    app = sync_app(connect_xservices)
    async with app.run_test(size=(100, 32)) as pilot:
        await startup_pass(pilot)
        assert header(app) == "Synced just now"

        await disconnect_on_the_xero_screen(pilot)
        await wait_for(pilot, lambda: header(app) == "", what="the header after Disconnect")
        sync_screen = await on_screen(pilot, SyncScreen, "sync")
        assert "Not connected to Xero" in screen_text(app) and sync_screen.view.status.state == "not connected"

        send(connect_xservices, make_invoice(connect_xservices, number="TC-0731"))
        await consent_to_picker(pilot, http_browser)  # the same organisation, connected anew
        assert "Next, choose the revenue accounts your invoices post to." in screen_text(app)
        await pilot.press("enter")
        await on_screen(pilot, XeroScreen)
        # at once, and not "Synced just now": nothing of this connection has been synced
        await wait_for(pilot, lambda: header(app) == "1 pending · waits for the revenue accounts",
                       what="the header after connecting")
        assert WAITING in screen_text(app) and "Invoices sync both ways" not in screen_text(app)

        await on_screen(pilot, SyncScreen, "sync")
        text = screen_text(app)
        assert "Pending changes       1  waits for the revenue accounts" in text
        assert "Nothing to fix here: 1 change waits for the revenue accounts." in text
        assert "every change reached Xero" not in text
        await on_screen(pilot, IntegrationsScreen, "integrations")
        assert f"{WAITING} Select to choose them." in screen_text(app)
        assert "Syncing invoices both ways" not in screen_text(app)
        app.goto("todo")
        await wait_for(pilot, lambda: isinstance(app.screen, TodoScreen) and WAITING[:-1] in screen_text(app),
                       what="To Do's warning")
        assert header(app) == "1 pending · waits for the revenue accounts" and not header_is_red(app)
    assert log_lines(connect_xservices, f"Disconnected from {ORG} by sam") == [f"Disconnected from {ORG} by sam"]
    assert log_lines(connect_xservices, f"Connected to {ORG}") == [f"Connected to {ORG} by sam"] * 2


async def test_a_connection_lost_in_xero_is_logged_once_and_reconnecting_keeps_the_accounts(
        connect_xservices, xero, http_browser, connect_sandbox):
    from tui.domain.business import BusinessDetails
    from tui.screens.settings.integrations import IntegrationsScreen
    from tui.screens.sync.screen import SyncScreen
    from tui.screens.xero.screen import XeroScreen

    connect_xservices.save_business(BusinessDetails(name="Harbour City Plumbing", email="accounts@hcp.example"))
    connect_service(xero, http_browser)
    connect_sandbox.control.revoke_connection()
    send(connect_xservices, make_invoice(connect_xservices, number="TC-0740"))
    app = sync_app(connect_xservices)
    async with app.run_test(size=(100, 32)) as pilot:
        await startup_pass(pilot)
        await next_pass(pilot)
        assert header(app) == "Xero disconnected" and header_is_red(app)
        await on_screen(pilot, IntegrationsScreen, "integrations")
        text = screen_text(app)
        assert "Xero  Disconnected" in text and "Xero no longer accepts this connection." in text
        assert "Continue" not in text  # Integrations has no Continue: it says to select Xero
        assert app.screen.active_bindings["x"].binding.description == "Reconnect Xero"
        await on_screen(pilot, SyncScreen, "sync")
        text = screen_text(app)
        assert "Xero disconnected: Xero no longer accepts this connection." in text
        assert "Nothing to fix here: 1 change waits until Xero is reconnected." in text
        await pilot.press("escape", "escape")
        await wait_for(pilot, lambda: "Xero disconnected: Xero no longer accepts this connection." in
                       screen_text(app), what="To Do's warning")
        assert log_lines(connect_xservices, "Disconnected from Xero") == [
            "Disconnected from Xero: Xero no longer accepts this connection. Changes wait until you reconnect."]

        await consent_to_picker(pilot, http_browser, on_connected=lambda overview: None)  # as Continue does
        text = screen_text(app)
        assert "the revenue accounts stay as you chose them" in text and "Next, choose" not in text
        await pilot.press("enter")
        await wait_for(pilot, lambda: header(app) == "Synced just now", what="header after reconnecting")
        from tui.screens.xero.flow import open_xero_screen

        open_xero_screen(app)
        await on_screen(pilot, XeroScreen)
        assert "Invoices sync both ways." in screen_text(app)
    assert log_lines(connect_xservices, "Reconnected") == [f"Reconnected to {ORG} by sam"]
    assert len(log_lines(connect_xservices, "Disconnected")) == 1


async def test_integrations_footer_names_what_x_does(connect_xservices, xero, http_browser, connect_sandbox):
    from tui.screens.settings.integrations import IntegrationsScreen

    app = sync_app(connect_xservices)
    async with app.run_test(size=(80, 24)) as pilot:
        await startup_pass(pilot)
        await on_screen(pilot, IntegrationsScreen, "integrations")
        assert app.screen.active_bindings["x"].binding.description == "Connect Xero"
        connect_service(xero, http_browser)
        await pilot.press("r")
        await wait_for(pilot, lambda: "Connected" in screen_text(app))
        assert app.screen.active_bindings["x"].binding.description == "Manage Xero"


async def test_saved_is_only_said_for_a_saved_choice(connect_xservices, xero, http_browser, connect_sandbox):
    from tui.screens.xero.account_picker import AccountPickerScreen
    from tui.screens.xero.screen import XeroScreen
    from tui.screens.xero.flow import open_xero_screen

    connect_service(xero, http_browser)
    app = sync_app(connect_xservices)
    async with app.run_test(size=(100, 32)) as pilot:
        await startup_pass(pilot)
        open_xero_screen(app)
        await on_screen(pilot, XeroScreen)
        await pilot.press("down", "down", "enter")  # Labour
        await wait_for(pilot, lambda: isinstance(app.screen, AccountPickerScreen) and app.screen.loaded)
        await pilot.press(*"labour", "enter", "enter")  # choose 210, Update
        await wait_for(pilot, lambda: isinstance(app.screen, XeroScreen) and "Saved." in screen_text(app))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, AccountPickerScreen) and app.screen.loaded)
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, XeroScreen))
        await pilot.pause()
        assert "Saved." not in screen_text(app) and "210 Labour Income" in screen_text(app)
    assert log_lines(connect_xservices, "Labour") == ["Labour invoice lines now post to 210 Labour Income (by sam)"]


def top_line(app) -> str:
    """The header as the terminal shows it (what fits, not what was asked for)."""
    return app.screen._compositor.render_strips()[0].text


async def test_the_header_gives_way_by_priority_at_80_columns(connect_xservices, xero, http_browser, connect_sandbox):
    """The business name is cut first (with an ellipsis) or left out; the sync status is cut only when it alone
    is too long, and then with an ellipsis too; never a word cut short without one."""
    from tui.domain.business import BusinessDetails
    from tui.screens.settings.integrations import IntegrationsScreen

    name = "Harbour City Plumbing & Gas Fitting Pty Ltd"
    connect_xservices.save_business(BusinessDetails(name=name, email="accounts@hcp.example"))
    connect_service(xero, http_browser)
    send(connect_xservices, make_invoice(connect_xservices, number="TC-0750"))
    app = sync_app(connect_xservices)
    async with app.run_test(size=(80, 24)) as pilot:
        await startup_pass(pilot)
        await on_screen(pilot, IntegrationsScreen, "integrations")
        line = top_line(app)
        assert line.rstrip().endswith("Synced just now"), line
        assert "  Harbour City Plumbing & Gas Fitti…  Synced" in line, line
        assert line.startswith(" tradiecore › Integrations ")

        connect_sandbox.control.inject("html", path="/api.xro/2.0/invoices", methods=["GET"])
        await next_pass(pilot)  # what the pass met is longer than 80 columns leave it
        assert header(app) == "Unexpected reply from Xero to GET Invoices (HTTP 200, not JSON)"
        line = top_line(app)
        assert "Harbour" not in line, line  # no room worth showing: left out
        assert line == " tradiecore › Integrations  Unexpected reply from Xero to GET Invoices (HTTP 2… ", line
