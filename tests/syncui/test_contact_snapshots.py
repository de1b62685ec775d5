"""SVG snapshots of what contacts changed in Xero show: a customer's conflict, field by field, and a customer
archived in Xero in the Customers list (fixed clock and data, 100x32 and 80x24).

Update after an intended change: ``python -m pytest tests/syncui/test_contact_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from tests.conftest import FIXED_NOW
from tests.syncui.conftest import make_invoice, send, sync_app, wait_for
from tests.syncui.test_sync_snapshots import SIZE, SMALL, open_sync_screen
from tui.devtools.screenshots import settle


def contact_conflict(c):
    """Jack Wilson's email changed here and in Xero, his phone only in Xero."""
    inv = send(c.services, make_invoice(c.services, number="TC-0301", customer_name="Jack Wilson",
                                        email="jack@example.com"))
    assert c.sync(now=lambda: FIXED_NOW).ok
    c.sb.control.edit_contact("Jack Wilson", c.tenant_id, EmailAddress="accounts@wilson.example",
                              Phones=[{"PhoneType": "DEFAULT", "PhoneNumber": "02 9555 0101"}])
    jack = c.services.customer(inv.customer_id)
    c.services.save_customer(replace(jack, email="jack.wilson@example.com"))
    assert c.sync(now=lambda: FIXED_NOW).conflicts == 1


@pytest.mark.parametrize("size", [SIZE, SMALL], ids=["100x32", "80x24"])
def test_contact_conflict_detail(snap_compare, connected, size):
    from tui.screens.sync.conflict import ConflictScreen

    contact_conflict(connected)

    async def run_before(pilot):
        await open_sync_screen(pilot)
        screen = pilot.app.screen
        screen.query_one("#sync-problems").highlighted = next(
            i for i, p in enumerate(screen.view.problems) if p.code == "conflict")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ConflictScreen) and pilot.app.screen.conflicts)
        await settle(pilot)

    assert snap_compare(sync_app(connected.services), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", [SIZE, SMALL], ids=["100x32", "80x24"])
def test_customer_archived_in_xero(snap_compare, connected, size):
    c = connected
    send(c.services, make_invoice(c.services, number="TC-0302", customer_name="Jack Wilson",
                                  email="jack@example.com"))
    send(c.services, make_invoice(c.services, number="TC-0303", customer_name="Olivia Nguyen"))
    assert c.sync(now=lambda: FIXED_NOW).ok
    c.sb.control.archive_contact("Jack Wilson", c.tenant_id)
    assert c.sync(now=lambda: FIXED_NOW + timedelta(minutes=2)).ok  # contacts are read again after a minute
    assert c.services.customers("Jack")[0][0].archived

    async def run_before(pilot):
        await settle(pilot)
        pilot.app.goto("customers")
        await wait_for(pilot, lambda: getattr(pilot.app.screen, "_customers", None))
        await settle(pilot)

    assert snap_compare(sync_app(c.services), terminal_size=size, run_before=run_before)
