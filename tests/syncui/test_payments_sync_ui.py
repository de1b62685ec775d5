"""A payment recorded in the app, against the sandbox over HTTP: with no account for its method the Sync screen
says which mapping is missing and Enter opens its invoice; once the account is chosen, the next pass sends it."""

from __future__ import annotations

from tests.syncui.conftest import (
    make_invoice,
    next_pass,
    screen_text,
    send,
    startup_pass,
    sync_app,
    wait_for,
)
from tests.syncui.test_sync_ui import SIZE, open_editor


async def test_a_missing_payment_account_is_named_on_the_sync_screen(connected):
    from tui.screens.invoices.editor import InvoiceEditorScreen
    from tui.screens.payments.record import RecordPaymentScreen
    from tui.screens.sync.screen import SyncScreen

    c = connected
    xero = c.services.connection
    card = next(a for a in xero.payment_chart() if a.code == "090")
    xero.save_payment_account("Card", card)
    inv = send(c.services, make_invoice(c.services, number="TC-0850"))
    app = sync_app(c.services)
    async with app.run_test(size=SIZE) as pilot:
        await startup_pass(pilot)
        assert c.xero_invoices("TC-0850")
        await open_editor(pilot, inv.id)
        await pilot.press("f6")
        await wait_for(pilot, lambda: isinstance(app.screen, RecordPaymentScreen) and app.screen.opened)
        await pilot.press("ctrl+s")  # the amount due, today, cash: no account for Cash, nor a default
        await wait_for(pilot, lambda: isinstance(app.screen, InvoiceEditorScreen)
                       and [p.label for p in app.screen.payments] == ["Cash"], what="the payment listed")
        await next_pass(pilot)

        app.goto("sync")
        await wait_for(pilot, lambda: isinstance(app.screen, SyncScreen) and app.screen.view, what="Sync")
        text = screen_text(app)
        assert "TC-0850 Olivia Nguyen  Payment account missing" in text
        assert ("The Cash payment of $209.00 on TC-0850: no payment account for Cash; choose one under Payment "
                "Accounts on the Xero screen") in text
        assert not [p for p in c.sb.control.snapshot()["organisations"][c.tenant_id]["Payments"]
                    if p["Invoice"]["InvoiceNumber"] == "TC-0850"]

        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, InvoiceEditorScreen)
                       and app.screen.invoice and app.screen.invoice.id == inv.id, what="its invoice")
        await pilot.press("escape")

        xero.save_payment_account("Default", card)
        await wait_for(pilot, lambda: isinstance(app.screen, SyncScreen))
        await next_pass(pilot)
        await wait_for(pilot, lambda: "Payment account missing" not in screen_text(app), what="problem gone")
        payments = c.sb.control.snapshot()["organisations"][c.tenant_id]["Payments"]
        assert [p["Reference"] for p in payments if p["Invoice"]["InvoiceNumber"] == "TC-0850"] == ["Cash"]
