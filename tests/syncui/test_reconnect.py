"""Continue after Xero dropped the connection: the header says Disconnected, and reconnecting drains the queue."""

from __future__ import annotations

import pytest

from tests.connect.helpers import connect_service, consent_to_picker, screen_text
from tests.syncui.conftest import (
    header,
    header_is_red,
    make_invoice,
    next_pass,
    send,
    startup_pass,
    sync_app,
    wait_for,
)

pytestmark = pytest.mark.usefixtures("no_ssh_no_display")  # the test drives the browser, never one of its own


def xero_numbers(sb, tenant_id: str) -> list[str]:
    return [i["InvoiceNumber"] for i in sb.control.snapshot()["organisations"][tenant_id]["Invoices"]]


async def test_continue_reconnects_and_the_queue_drains(connect_xservices, xero, http_browser, connect_sandbox):
    from tui.domain.business import BusinessDetails

    connect_xservices.save_business(BusinessDetails(name="Harbour City Plumbing", email="accounts@hcp.example"))
    tenant = connect_service(xero, http_browser).tenant_id
    connect_sandbox.control.revoke_connection()
    send(connect_xservices, make_invoice(connect_xservices, number="TC-0700"))
    app = sync_app(connect_xservices)
    async with app.run_test(size=(100, 32)) as pilot:
        await startup_pass(pilot)
        assert header(app) == "Xero disconnected" and header_is_red(app)
        assert "TC-0700" not in xero_numbers(connect_sandbox, tenant)

        await consent_to_picker(pilot, http_browser, on_connected=lambda overview: None)  # as Continue does
        await pilot.press("enter")
        await wait_for(pilot, lambda: "TC-0700" in xero_numbers(connect_sandbox, tenant), what="the queue drained")
        await wait_for(pilot, lambda: header(app) == "Synced just now", what="header after reconnecting")
        assert not header_is_red(app)


async def test_first_connection_waits_for_the_revenue_accounts_before_it_syncs(connect_xservices, xero, http_browser,
                                                                               connect_sandbox):
    from tui.domain.business import BusinessDetails
    from tui.screens.xero.account_picker import AccountPickerScreen
    from tui.screens.todo import TodoScreen
    from tui.screens.xero.screen import XeroScreen

    connect_xservices.save_business(BusinessDetails(name="Harbour City Plumbing", email="accounts@hcp.example"))
    send(connect_xservices, make_invoice(connect_xservices, number="TC-0710"))
    app = sync_app(connect_xservices)
    async with app.run_test(size=(100, 32)) as pilot:
        await startup_pass(pilot)  # not connected yet
        await consent_to_picker(pilot, http_browser)  # Settings > Integrations > Xero
        await pilot.press("enter")
        screen = await wait_for(pilot, lambda: isinstance(app.screen, XeroScreen) and app.screen.overview
                                and app.screen)
        tenant = screen.overview.tenant_id
        assert "the first sync with Xero starts when you leave this screen" in screen_text(app)
        await next_pass(pilot)  # the poll timer, or a send elsewhere: the pass sends nothing yet
        assert "TC-0710" not in xero_numbers(connect_sandbox, tenant)
        assert header(app) == "1 pending · waits for the revenue accounts"

        await wait_for(pilot, lambda: "Checking" not in screen_text(app), what="checked")
        await pilot.press("down", "down", "enter")  # Labour
        await wait_for(pilot, lambda: isinstance(app.screen, AccountPickerScreen) and app.screen.loaded)
        await pilot.press(*"labour", "enter", "enter")  # choose 210, Update
        await wait_for(pilot, lambda: isinstance(app.screen, XeroScreen) and "210 Labour Income" in screen_text(app),
                       what="saved mapping")
        assert "TC-0710" not in xero_numbers(connect_sandbox, tenant)
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, TodoScreen))
        await wait_for(pilot, lambda: "TC-0710" in xero_numbers(connect_sandbox, tenant), what="the first sync")
        await wait_for(pilot, lambda: header(app) == "Synced just now", what="header after the first sync")
    pushed = next(i for i in connect_sandbox.control.snapshot()["organisations"][tenant]["Invoices"]
                  if i["InvoiceNumber"] == "TC-0710")
    assert [line["AccountCode"] for line in pushed["LineItems"]] == ["210"]  # the account chosen first


async def test_quitting_before_the_accounts_are_reviewed_keeps_the_sync_waiting(connect_xservices, xero, http_browser,
                                                                              connect_sandbox):
    """The wait is stored with the connection: a restart, or ``tradiecore sync`` elsewhere, still waits."""
    from tui.domain.business import BusinessDetails
    from tui.screens.todo import TodoScreen
    from tui.screens.xero.screen import XeroScreen
    from tui.screens.xero.flow import open_xero_screen
    from tui.connection.factory import api_factory
    from tui.sync.runner import SyncRunner

    connect_xservices.save_business(BusinessDetails(name="Harbour City Plumbing", email="accounts@hcp.example"))
    tenant = connect_service(xero, http_browser, reviewed=False).tenant_id  # as the picker leaves it
    send(connect_xservices, make_invoice(connect_xservices, number="TC-0720"))
    elsewhere = SyncRunner(connect_xservices.engine, api_factory=api_factory(connect_xservices.cfg,
                                                                             connect_xservices.secrets,
                                                                             connect_xservices.engine))
    report = elsewhere.run_once()
    elsewhere.close()  # as `tradiecore sync --once` ends: the lease it held while the accounts wait is let go
    assert report.accounts_pending and not report.ok and "TC-0720" not in xero_numbers(connect_sandbox, tenant)
    assert any("chosen the revenue accounts" in w for w in xero.todo_warnings())

    app = sync_app(connect_xservices)
    async with app.run_test(size=(100, 32)) as pilot:
        await startup_pass(pilot)
        assert "waits for the revenue accounts" in header(app) and not header_is_red(app)
        assert "TC-0720" not in xero_numbers(connect_sandbox, tenant)
        open_xero_screen(app)
        await wait_for(pilot, lambda: isinstance(app.screen, XeroScreen) and app.screen.overview)
        await pilot.press("escape")  # the accounts as they are: fine
        await wait_for(pilot, lambda: isinstance(app.screen, TodoScreen))
        await wait_for(pilot, lambda: "TC-0720" in xero_numbers(connect_sandbox, tenant), what="the first sync")
    assert not xero.overview().accounts_pending
    assert [row.message for row in connect_xservices.sync.log() if "reviewed" in row.message] == [
        "Revenue accounts for Demo Company (AU) reviewed by sam; the sync may send"]
