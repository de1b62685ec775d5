"""Contacts changed in Xero, as the screens show them: a customer archived in Xero is marked in Customers and a
new invoice for it warns; a customer's conflict is resolved on the Sync screen with the invoice keys."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

from tests.syncui.conftest import make_invoice, screen_text, send, startup_pass, sync_app, wait_for
from tui.screens.invoices.showing import ARCHIVED

SIZE = (100, 32)


async def test_a_new_invoice_for_a_customer_archived_in_xero_warns(connected):
    from tui.screens.customers.screen import CustomersScreen
    from tui.screens.invoices.editor import InvoiceEditorScreen

    c = connected
    inv = send(c.services, make_invoice(c.services, number="TC-0401", customer_name="Jack Wilson",
                                        email="jack@example.com"))
    assert c.sync().ok
    c.sb.control.archive_contact("Jack Wilson", c.tenant_id)
    later = datetime.now(timezone.utc) + timedelta(minutes=2)
    assert c.sync(now=lambda: later).ok  # a minute on: contacts are read again
    assert c.services.customer(inv.customer_id).archived
    app = sync_app(c.services)
    async with app.run_test(size=SIZE) as pilot:
        await startup_pass(pilot)
        app.goto("customers")
        await wait_for(pilot, lambda: isinstance(app.screen, CustomersScreen) and app.screen._customers)
        assert "Jack Wilson (archived)" in screen_text(app)
        await pilot.press("i")
        editor = await wait_for(pilot, lambda: isinstance(app.screen, InvoiceEditorScreen) and app.screen.customer
                                and app.screen)
        await pilot.pause()
        assert ARCHIVED in screen_text(app)
        app.open_invoice(inv.id)  # the invoice it already has opens without the warning
        await wait_for(pilot, lambda: app.screen is not editor and isinstance(app.screen, InvoiceEditorScreen)
                       and app.screen.invoice and app.screen.invoice.id == inv.id)
        await pilot.pause()
        assert ARCHIVED not in screen_text(app)


async def test_customer_conflict_resolved_with_the_invoice_keys(connected):
    from tui.screens.sync.screen import SyncScreen
    from tui.screens.sync.conflict import ConflictScreen

    c = connected
    inv = send(c.services, make_invoice(c.services, number="TC-0402", customer_name="Jack Wilson",
                                        email="jack@example.com"))
    assert c.sync().ok
    c.sb.control.edit_contact("Jack Wilson", c.tenant_id, EmailAddress="accounts@wilson.example")
    c.services.save_customer(replace(c.services.customer(inv.customer_id), email="jack.w@example.com"))
    assert c.sync().conflicts == 1
    app = sync_app(c.services)
    async with app.run_test(size=SIZE) as pilot:
        await startup_pass(pilot)
        app.goto("sync")
        await wait_for(pilot, lambda: isinstance(app.screen, SyncScreen) and app.screen.view)
        await pilot.press("enter")
        screen = await wait_for(pilot, lambda: isinstance(app.screen, ConflictScreen) and app.screen.conflicts
                                and app.screen)
        table = screen.query_one("#conflict-fields")
        assert [str(v) for v in table.get_row_at(0)] == \
            ["Email", "jack.w@example.com", "accounts@wilson.example", "Keep ours"]
        await pilot.press("x", "ctrl+s")  # take Xero's
        await wait_for(pilot, lambda: isinstance(app.screen, SyncScreen))
        await wait_for(pilot, lambda: c.services.sync.overview().conflicts == 0, what="resolved")
    assert c.services.customer(inv.customer_id).email == "accounts@wilson.example"
    assert c.xero_contacts("Jack Wilson")[0]["EmailAddress"] == "accounts@wilson.example"
