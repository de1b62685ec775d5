"""SVG snapshots of every step of Connect to Xero: fixed clock, fixed size, demo data, no blink.

The waiting modal uses a fixed sign-in (URL, ports, ssh command) so it does not depend on free ports; the
other screens run against a sandbox, whose organisations and accounts are always the same.
Update after an intended change: ``python -m pytest tests/connect/test_connect_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest

from tests.connect.helpers import connect_service, screen_text, wait_for
from tui.app import TradieApp
from tui.connection import Started, XeroConnection
from tui.devtools.screenshots import settle
from tui.services.wiring import connection_wiring
from tui.xero.sign_in import Organisation
from tui.xero.errors import AccessDenied, Cancelled

SIZE = (100, 32)
SIZES = pytest.mark.parametrize("size", [(80, 24), SIZE], ids=["80x24", "100x32"])
FIXED_URL = ("https://login.xero.com/identity/connect/authorize?response_type=code&client_id=0A1B2C3D4E5F6071"
             "8293A4B5C6D7E8F9&redirect_uri=http%3A%2F%2Flocalhost%3A8765%2Fcallback&scope=offline_access+"
             "accounting.invoices+accounting.payments+accounting.contacts+accounting.settings.read&"
             "state=Snapshot0State0Value&"
             "code_challenge=Snapshot0Challenge0Value0Snapshot0Challenge0&code_challenge_method=S256")


class FixedSignIn(XeroConnection):
    """The real service with a fixed, never-answered sign-in (or one the user refused); over SSH, or ``local``:
    at a desktop, where the browser opens by itself."""

    def __init__(self, services, answer: Exception | None = None, local: bool = False):
        super().__init__(connection_wiring(services))
        self.answer = answer
        self.local = local
        self.cancelled = threading.Event()

    def start(self) -> Started:
        return Started(consent=None, url=FIXED_URL, redirect_uri="http://localhost:8765/callback", port=8765,
                       listening=True, open_browser=self.local, remote=not self.local,
                       forward_command="ssh -L 8765:127.0.0.1:8765 sam@192.168.1.20", forward_host="192.168.1.20")

    def wait(self, started):
        if self.answer is not None:
            raise self.answer
        self.cancelled.wait(60)
        raise Cancelled()

    def cancel(self, started) -> None:
        self.cancelled.set()


async def settle_while_waiting(pilot) -> None:
    """:func:`settle`, but for the sign-in's wait for Xero's answer, which never comes here (the app would wait for
    it, 60 s, before it quits)."""
    for _ in range(4):
        await pilot.pause()
        others = [w for w in pilot.app.workers if w.group != "xero-wait"]
        if others:  # an empty list would mean every worker
            await pilot.app.workers.wait_for_complete(others)
    await pilot.pause()


def _connected(services, http_browser):
    xero = services.connection
    connect_service(xero, http_browser)
    return xero


def snap_sign_in(snap_compare, services, size, fake: FixedSignIn, shown, *, app=None, integrations=False,
                 then=(), settled=False) -> bool:
    """The Connect screen over To Do (or Integrations) on ``fake``'s sign-in, once ``shown(app)`` holds, after
    ``then`` (each a key and the screen it leads to), ``settled`` as the sign-in waits; the wait is ended after."""
    from tui.screens.xero.connect import ConnectScreen

    async def run_before(pilot):
        await settle(pilot)
        if integrations:
            pilot.app.goto("integrations")
            await settle(pilot)
        pilot.app.push_screen(ConnectScreen(fake))
        await wait_for(pilot, lambda: shown(pilot.app))
        for key, screen in then:
            await pilot.press(key)
            await wait_for(pilot, lambda: isinstance(pilot.app.screen, screen))
        if settled:
            await settle_while_waiting(pilot)

    try:
        return snap_compare(app or TradieApp(services), terminal_size=size, run_before=run_before)
    finally:
        fake.cancelled.set()


def ssh_line(app) -> bool:
    return "ssh -L" in screen_text(app)


@SIZES
def test_waiting_modal_over_ssh(snap_compare, snap_services, size):
    assert snap_sign_in(snap_compare, snap_services, size, FixedSignIn(snap_services), ssh_line, integrations=True)


@SIZES
def test_waiting_modal_local(snap_compare, snap_services, size):
    """At a desktop: the browser opens by itself (here: nowhere), no ssh line, an Open browser button."""
    app = TradieApp(snap_services)
    opened = []
    app.open_url = opened.append  # no browser is started by a test
    assert snap_sign_in(snap_compare, snap_services, size, FixedSignIn(snap_services, local=True),
                        lambda _app: opened == [FIXED_URL], app=app, integrations=True, settled=True)


@SIZES
def test_link_alone(snap_compare, snap_services, size):
    from tui.screens.xero.connect import LinkScreen

    assert snap_sign_in(snap_compare, snap_services, size, FixedSignIn(snap_services), ssh_line,
                        then=[("ctrl+l", LinkScreen)], settled=True)


def test_waiting_modal_access_not_allowed(snap_compare, snap_services):
    assert snap_sign_in(snap_compare, snap_services, SIZE, FixedSignIn(snap_services, answer=AccessDenied()),
                        lambda app: "Access was not allowed" in screen_text(app))


@SIZES
def test_organisation_picker(snap_compare, snap_services, size):
    from tui.connection import PendingConnection
    from tui.screens.xero.orgs import OrganisationsScreen

    pending = PendingConnection(tokens=None, organisations=[
        Organisation("3f1b8c2e-5d4a-4b7e-9a61-0c2d8e7f4a10", "Harbour City Plumbing (Demo)", "ORGANISATION", "c1"),
        Organisation("7d2e4f60-1a2b-4c3d-8e9f-0a1b2c3d4e5f", "Smith Plumbing & Gas Pty Ltd", "ORGANISATION", "c2"),
    ])

    async def run_before(pilot):
        await settle(pilot)
        pilot.app.push_screen(OrganisationsScreen(pending))
        await settle(pilot)

    assert snap_compare(TradieApp(snap_services), terminal_size=size, run_before=run_before)


def snap_xero_screen(snap_compare, services, size=SIZE, presses: tuple[tuple[str, ...], ...] = ()) -> bool:
    """The Xero screen as the app opens it, after ``presses`` (each a run of keys, then settled)."""
    from tui.screens.xero.flow import open_xero_screen

    async def run_before(pilot):
        await settle(pilot)
        open_xero_screen(pilot.app)
        await settle(pilot)
        for keys in presses:
            await pilot.press(*keys)
            await settle(pilot)

    return snap_compare(TradieApp(services), terminal_size=size, run_before=run_before)


@SIZES
def test_xero_screen(snap_compare, sandboxed, http_browser, size):
    _connected(sandboxed, http_browser)
    assert snap_xero_screen(snap_compare, sandboxed, size)


@SIZES
def test_chart_of_accounts_filtered(snap_compare, sandboxed, http_browser, size):
    _connected(sandboxed, http_browser)
    assert snap_xero_screen(snap_compare, sandboxed, size, presses=(("enter",), tuple("income")))  # General Sales


def test_xero_screen_archived_account_flagged(snap_compare, sandboxed, http_browser, sandbox):
    xero = _connected(sandboxed, http_browser)
    labour = next(a for a in xero.chart_of_accounts() if a.code == "210")
    xero.save_mapping("Labour", labour)
    sandbox.control.archive_account("210")
    assert snap_xero_screen(snap_compare, sandboxed)


def test_integrations_disconnected_red(snap_compare, sandboxed, http_browser, sandbox):
    _connected(sandboxed, http_browser)
    sandbox.control.revoke_connection()

    async def run_before(pilot):
        await settle(pilot)
        pilot.app.goto("settings")
        await settle(pilot)
        pilot.app.goto("integrations")
        await settle(pilot)
        await wait_for(pilot, lambda: "Disconnected" in screen_text(pilot.app))
        await settle(pilot)

    assert snap_compare(TradieApp(sandboxed), terminal_size=SIZE, run_before=run_before)


def test_xero_screen_continue(snap_compare, sandboxed, http_browser, sandbox):
    xero = _connected(sandboxed, http_browser)
    sandbox.control.revoke_connection()
    xero.check()
    assert snap_xero_screen(snap_compare, sandboxed)


def test_missing_client_id(snap_compare, snap_services):
    from tui.screens.xero.flow import start_connect_flow

    assert not snap_services.cfg.xero.client_id

    async def run_before(pilot):
        await settle(pilot)
        start_connect_flow(pilot.app)
        await settle(pilot)

    assert snap_compare(TradieApp(snap_services), terminal_size=SIZE, run_before=run_before)


def test_todo_warns_about_archived_account(snap_compare, sandboxed, http_browser, sandbox):
    xero = _connected(sandboxed, http_browser)
    sandbox.control.archive_account("200")
    xero.chart_of_accounts()

    async def run_before(pilot):
        await settle(pilot)

    assert snap_compare(TradieApp(sandboxed), terminal_size=SIZE, run_before=run_before)


__all__ = ["replace"]
