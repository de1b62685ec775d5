"""SVG snapshots of the shell's screens: demo data, fixed clock, fixed size, no blink, no animations.

Update after an intended change with ``python -m pytest tests/tui/test_shell_snapshots.py --snapshot-update``
and look at the SVGs before committing them.
"""

from __future__ import annotations

import pytest
from textual.widgets import Input

from tui.app import TradieApp
from tui.devtools.screenshots import DEMO_SMTP, make_services, set_xero_connection, settle

SIZE = (100, 32)
SMALL = (80, 24)  # every screen works at 80x24


@pytest.fixture
def shell(env, tmp_path):
    """Build the app the way ``python -m tui.devtools.screenshots`` does (shown paths are sam's, data is in tmp)."""

    def build(*, mail=None, prepare=None) -> TradieApp:
        services = make_services(tmp_path / "snap", mail=mail)
        if prepare:
            prepare(services)
        return TradieApp(services, background_sync=False)

    return build


def goto(*names: str):
    async def run_before(pilot) -> None:
        await settle(pilot)
        for name in names:
            pilot.app.goto(name)
            await settle(pilot)

    return run_before


def test_todo(snap_compare, shell):
    assert snap_compare(shell(), terminal_size=SIZE, run_before=goto())


def test_todo_80x24(snap_compare, shell):
    assert snap_compare(shell(), terminal_size=(80, 24), run_before=goto())


def test_todo_empty(snap_compare, env, tmp_path):
    from tui.domain.business import BusinessDetails

    services = make_services(tmp_path / "empty", seed=False)
    services.save_business(BusinessDetails(name="Fresh Start Electrical", email="office@freshstart.example"))
    assert snap_compare(TradieApp(services), terminal_size=SIZE, run_before=goto())


def test_todo_business_details_empty_80x24(snap_compare, env, tmp_path):
    """A new install: To Do says the business details come first (nothing can be sent without them)."""
    services = make_services(tmp_path / "new", seed=False)
    assert snap_compare(TradieApp(services, background_sync=False), terminal_size=SMALL, run_before=goto())


def test_settings(snap_compare, shell):
    assert snap_compare(shell(), terminal_size=SIZE, run_before=goto("settings"))


def test_numbers(snap_compare, shell):
    assert snap_compare(shell(), terminal_size=SIZE, run_before=goto("settings", "numbers"))


def test_numbers_refused_80x24(snap_compare, shell):
    """The invoices' prefix typed for credit notes: refused at the field, at 80x24."""
    async def run_before(pilot) -> None:
        await goto("settings", "numbers")(pilot)
        screen = pilot.app.screen
        screen.query_one("#prefix", Input).value = "INV-"
        screen.action_save()
        await settle(pilot)

    assert snap_compare(shell(), terminal_size=SMALL, run_before=run_before)


def test_business_details_with_errors(snap_compare, shell):
    async def run_before(pilot) -> None:
        await goto("settings", "business")(pilot)
        screen = pilot.app.screen
        screen.query_one("#abn", Input).value = "12 345 678 901"
        screen.query_one("#email", Input).value = "accounts at harbour"
        await settle(pilot)
        screen.action_save()
        await settle(pilot)

    assert snap_compare(shell(), terminal_size=SIZE, run_before=run_before)


def test_email_outbox(snap_compare, shell):
    assert snap_compare(shell(), terminal_size=SIZE, run_before=goto("settings", "email"))


def test_email_smtp(snap_compare, shell):
    assert snap_compare(shell(mail=DEMO_SMTP), terminal_size=SIZE, run_before=goto("settings", "email"))


def test_integrations_not_connected(snap_compare, shell):
    assert snap_compare(shell(), terminal_size=SIZE, run_before=goto("settings", "integrations"))


def test_integrations_connected(snap_compare, shell):
    app = shell(prepare=lambda s: set_xero_connection(s, "connected"))
    assert snap_compare(app, terminal_size=SIZE, run_before=goto("settings", "integrations"))


def test_integrations_connected_80x24(snap_compare, shell):
    """The footer names what x does while connected (Manage Xero), at 80 columns."""
    app = shell(prepare=lambda s: set_xero_connection(s, "connected"))
    assert snap_compare(app, terminal_size=(80, 24), run_before=goto("settings", "integrations"))


def disconnected(services):
    set_xero_connection(services, "disconnected",
                        reason="Xero says the connection was removed (refresh token no longer valid)")


def test_integrations_disconnected(snap_compare, shell):
    assert snap_compare(shell(prepare=disconnected), terminal_size=SIZE, run_before=goto("settings", "integrations"))


def test_integrations_disconnected_80x24(snap_compare, shell):
    assert snap_compare(shell(prepare=disconnected), terminal_size=(80, 24),
                        run_before=goto("settings", "integrations"))


def test_help(snap_compare, shell):
    assert snap_compare(shell(), terminal_size=SIZE, run_before=goto("help"))


@pytest.mark.parametrize("where", ["settings", "business", "email", "integrations", "help"])
def test_80x24(snap_compare, shell, where):
    assert snap_compare(shell(mail=DEMO_SMTP), terminal_size=SMALL, run_before=goto(where))
