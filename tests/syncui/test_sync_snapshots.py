"""SVG snapshots of the sync screens: fixed clock (the sync runs on the services' clock), fixed data, 100x32.

Update after an intended change: ``python -m pytest tests/syncui/test_sync_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

import pytest

from tests.conftest import FIXED_NOW
from tests.syncui.conftest import make_invoice, send, sync_app, wait_for
from tui.devtools.screenshots import settle

SIZE = (100, 32)
SMALL = (80, 24)  # every screen works at 80x24


def error_and_conflict(c, set_account_code):
    """TC-0201 refused by Xero (an account code it does not have); TC-0202 changed here and in Xero."""
    inv = send(c.services, make_invoice(c.services, number="TC-0202", customer_name="Jack Wilson",
                                        email="jack@example.com"))
    assert c.sync(now=lambda: FIXED_NOW).ok
    inv = c.services.invoice(inv.id)
    inv.reference = "Bathroom reno, stage 2"
    c.services.save_invoice(inv)
    c.sb.control.edit_invoice("TC-0202", Reference="Bathroom stage 2 (Xero)")
    set_account_code(c.services, c.tenant_id, "Labour", "999")
    send(c.services, make_invoice(c.services, number="TC-0201"))
    assert c.sync(now=lambda: FIXED_NOW).conflicts == 1


def test_sync_screen_with_error_and_conflict(snap_compare, connected, set_account_code):
    error_and_conflict(connected, set_account_code)
    assert snap_compare(sync_app(connected.services), terminal_size=SIZE, run_before=open_sync_screen)


def test_sync_screen_with_error_and_conflict_80x24(snap_compare, connected, set_account_code):
    error_and_conflict(connected, set_account_code)
    assert snap_compare(sync_app(connected.services), terminal_size=SMALL, run_before=open_sync_screen)



async def open_sync_screen(pilot):
    await settle(pilot)
    pilot.app.goto("sync")
    await wait_for(pilot, lambda: pilot.app.screen.view is not None)
    await settle(pilot)


@pytest.mark.parametrize("size", [SIZE, SMALL], ids=["100x32", "80x24"])
def test_conflict_detail(snap_compare, connected, set_account_code, size):
    from tui.screens.sync.conflict import ConflictScreen

    error_and_conflict(connected, set_account_code)

    async def run_before(pilot):
        await open_sync_screen(pilot)
        screen = pilot.app.screen
        screen.query_one("#sync-problems").highlighted = next(
            i for i, p in enumerate(screen.view.problems) if p.code == "conflict")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ConflictScreen) and pilot.app.screen.conflicts)
        await pilot.press("x")
        await settle(pilot)

    assert snap_compare(sync_app(connected.services), terminal_size=size, run_before=run_before)


def test_todo_with_sync_problems_and_red_header(snap_compare, connected, set_account_code):
    error_and_conflict(connected, set_account_code)

    async def run_before(pilot):
        await settle(pilot)
        await wait_for(pilot, lambda: "conflict" in str(pilot.app.sync_status))
        await settle(pilot)

    assert snap_compare(sync_app(connected.services), terminal_size=SIZE, run_before=run_before)


LONG_NAME = "Harbour City Plumbing & Gas Fitting Pty Ltd"


def waiting_for_accounts(c):
    """Connected anew: one invoice waits for the revenue accounts; the business has a long name."""
    from tui.domain.business import BusinessDetails
    from tui.store.tables import XeroConnectionRow

    c.services.save_business(BusinessDetails(name=LONG_NAME, email="accounts@hcp.example"))
    send(c.services, make_invoice(c.services, number="TC-0205"))
    with c.services.session() as s:
        s.get(XeroConnectionRow, c.tenant_id).accounts_pending = True


async def header_says(pilot, text: str) -> None:
    await settle(pilot)
    await wait_for(pilot, lambda: str(pilot.app.sync_status) == text)
    await settle(pilot)


def test_header_waiting_for_the_accounts(snap_compare, connected):
    waiting_for_accounts(connected)

    async def run_before(pilot):
        await header_says(pilot, "1 pending · waits for the revenue accounts")

    assert snap_compare(sync_app(connected.services), terminal_size=SIZE, run_before=run_before)


def test_header_waiting_for_the_accounts_80x24(snap_compare, connected):
    """At 80 columns the sync status is whole and the long business name is left out."""
    waiting_for_accounts(connected)

    async def run_before(pilot):
        await header_says(pilot, "1 pending · waits for the revenue accounts")

    assert snap_compare(sync_app(connected.services), terminal_size=(80, 24), run_before=run_before)


def test_header_synced_80x24(snap_compare, connected):
    """At 80 columns the long business name is cut with an ellipsis beside "Synced just now"."""
    from tui.domain.business import BusinessDetails

    connected.services.save_business(BusinessDetails(name=LONG_NAME, email="accounts@hcp.example"))
    send(connected.services, make_invoice(connected.services, number="TC-0203"))

    async def run_before(pilot):
        await header_says(pilot, "Synced just now")

    assert snap_compare(sync_app(connected.services), terminal_size=(80, 24), run_before=run_before)


def test_header_disconnected_80x24(snap_compare, connected):
    send(connected.services, make_invoice(connected.services, number="TC-0204"))
    connected.sb.control.revoke_connection()

    async def run_before(pilot):
        await header_says(pilot, "Xero disconnected")

    assert snap_compare(sync_app(connected.services), terminal_size=(80, 24), run_before=run_before)


def test_header_synced(snap_compare, connected):
    send(connected.services, make_invoice(connected.services, number="TC-0203"))

    async def run_before(pilot):
        await settle(pilot)
        await wait_for(pilot, lambda: str(pilot.app.sync_status) == "Synced just now")
        await settle(pilot)

    assert snap_compare(sync_app(connected.services), terminal_size=SIZE, run_before=run_before)


def test_header_disconnected(snap_compare, connected):
    send(connected.services, make_invoice(connected.services, number="TC-0204"))
    connected.sb.control.revoke_connection()

    async def run_before(pilot):
        await settle(pilot)
        await wait_for(pilot, lambda: str(pilot.app.sync_status) == "Xero disconnected")
        await settle(pilot)

    assert snap_compare(sync_app(connected.services), terminal_size=SIZE, run_before=run_before)


@pytest.mark.parametrize("size", [SIZE, SMALL], ids=["100x32", "80x24"])
def test_first_sync_preview(snap_compare, sandbox, xservices, xero_cfg, size):
    from tests.fixtures.sync import connect_business
    from tui.domain.business import BusinessDetails
    from tui.screens.sync.preview import FirstSyncPreviewScreen

    xservices.save_business(BusinessDetails(name="Harbour City Plumbing", email="accounts@hcp.example"))
    c = connect_business(sandbox, xservices, xero_cfg, confirm=False)
    marine = next(i for i in c.xero_invoices() if i["Contact"]["Name"] == "Marine Systems")
    send(c.services, make_invoice(c.services, customer_name="Marine Systems", email="accounts@marinesystems.com.au",
                                  number=marine["InvoiceNumber"],
                                  lines=(("Switchboard upgrade", "1", "2450.00", "General Sales"),)))
    send(c.services, make_invoice(c.services, number="INV-0001", lines=(("Hot water service", "1", "380.00",
                                                                          "General Sales"),)))
    send(c.services, make_invoice(c.services, number="TC-0900"))

    async def run_before(pilot):
        await settle(pilot)
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, FirstSyncPreviewScreen)
                       and pilot.app.screen.preview)
        await settle(pilot)

    assert snap_compare(sync_app(c.services), terminal_size=size, run_before=run_before)


def test_sync_screen_while_the_sync_service_syncs_at_80_columns(snap_compare, connected):
    """Another process (the sync service) holds the lease: the header names it after its last pass, the Sync
    screen in full; 80 columns wide."""
    from datetime import timedelta

    from tui.sync.lease import Lease

    send(connected.services, make_invoice(connected.services, number="TC-0204"))
    assert connected.sync(now=lambda: FIXED_NOW).ok  # the service's last pass
    service = Lease(connected.engine, connected.tenant_id, "the sync service on shop-server (pid 4711)",
                    timedelta(hours=1), now=lambda: FIXED_NOW)
    assert service.acquire()

    async def run_before(pilot):
        await open_sync_screen(pilot)
        await wait_for(pilot, lambda: str(pilot.app.sync_status) == "Synced just now · by the sync service")
        await settle(pilot)

    assert snap_compare(sync_app(connected.services), terminal_size=(80, 24), run_before=run_before)


@pytest.mark.parametrize("size", [SIZE, SMALL], ids=["100x32", "80x24"])
def test_new_number_prompt(snap_compare, connected, size):
    from tui.widgets.prompt_modal import PromptModal

    send(connected.services, make_invoice(connected.services, number="INV-0001"))

    async def run_before(pilot):
        await open_sync_screen(pilot)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, PromptModal))
        await settle(pilot)

    assert snap_compare(sync_app(connected.services), terminal_size=size, run_before=run_before)


def xero_fails_on_one(c):
    """TC-0230: Xero answered 500 to every try of the pass; the record waits for its next try."""
    send(c.services, make_invoice(c.services, number="TC-0230", customer_name="Jack Wilson", email="jack@example.com"))
    c.sb.control.inject("500", 5, path="/api.xro/2.0/invoices", methods=["POST"])
    assert not c.sync(now=lambda: FIXED_NOW).ok


@pytest.mark.parametrize("size", [SIZE, SMALL], ids=["100x32", "80x24"])
def test_sync_screen_with_a_record_backing_off(snap_compare, connected, size):
    xero_fails_on_one(connected)
    assert snap_compare(sync_app(connected.services), terminal_size=size, run_before=open_sync_screen)
