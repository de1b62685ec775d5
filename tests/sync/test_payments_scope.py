"""A connection made before payments (no accounting.payments scope): the first payment push that Xero refuses
for scope says what to do, and Continue grants the scope keeping the organisation, mappings and links."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from tests.connect.helpers import connect_service, screen_text, wait_for
from tests.fixtures.sync import make_invoice, send
from tui.config import DEFAULT_SCOPES
from tui.domain.payment import PaymentMethod
from tui.sync.payments import SCOPE_MESSAGE

BEFORE_PAYMENTS = "offline_access accounting.invoices accounting.contacts accounting.settings.read"


def with_scopes(services, scopes: str) -> None:
    services.cfg = replace(services.cfg, xero=replace(services.cfg.xero, scopes=scopes))


async def test_payments_scope_missing_then_continue(connect_xservices, xero, http_browser, connect_sandbox):
    from tui.app import TradieApp
    from tui.screens.xero.screen import XeroScreen
    from tui.screens.xero.flow import open_xero_screen
    from tui.domain.business import BusinessDetails
    from tui.store.tables import InvoiceRow

    connect_xservices.save_business(BusinessDetails(name="Harbour City Plumbing", email="accounts@hcp.example"))
    with_scopes(connect_xservices, BEFORE_PAYMENTS)
    tenant = connect_service(xero, http_browser).tenant_id
    bank = next(a for a in xero.payment_chart() if a.code == "090")
    xero.save_payment_account("Default", bank)
    inv = send(connect_xservices, make_invoice(connect_xservices, number="TC-0901"))
    assert connect_xservices.sync.run_once().ok
    with connect_xservices.session() as s:
        link = s.get(InvoiceRow, inv.id).xero_invoice_id
    assert link
    connect_xservices.record_payment(connect_xservices.invoice(inv.id), Decimal("50.00"), connect_xservices.today(), PaymentMethod.CASH)

    report = connect_xservices.sync.run_once()
    assert not report.ok and report.message == SCOPE_MESSAGE
    assert [(p.kind, p.message) for p in connect_xservices.sync.problems()] == [("payment", SCOPE_MESSAGE)]
    assert connect_xservices.sync.overview().last_error == SCOPE_MESSAGE
    assert xero.overview().state == "connected"  # the connection itself is fine
    assert xero.overview().needs_payments_scope
    app = TradieApp(connect_xservices, sync_interval=None)
    async with app.run_test(size=(100, 32)) as pilot:  # the Xero screen says so, and offers Continue
        open_xero_screen(app)
        await wait_for(pilot, lambda: isinstance(app.screen, XeroScreen) and app.screen.overview
                       and "Xero needs your permission to record payments: select Continue." in screen_text(app),
                       what="the Xero screen asking for the permission")
        assert app.screen.query_one("#xero-continue").display
    payments = connect_sandbox.control.snapshot()["organisations"][tenant]["Payments"]
    assert not [p for p in payments if p["Invoice"]["InvoiceNumber"] == "TC-0901"]

    before = xero.overview()
    with_scopes(connect_xservices, DEFAULT_SCOPES)  # this version asks for accounting.payments: Continue grants it
    after = connect_service(xero, http_browser)
    assert after.tenant_id == tenant
    assert (after.mappings, after.payment_accounts) == (before.mappings, before.payment_accounts)
    with connect_xservices.session() as s:
        assert s.get(InvoiceRow, inv.id).xero_invoice_id == link

    report = connect_xservices.sync.run_once()
    assert report.ok, report.message
    payments = connect_sandbox.control.snapshot()["organisations"][tenant]["Payments"]
    assert [p["Reference"] for p in payments if p["Invoice"]["InvoiceNumber"] == "TC-0901"] == ["Cash"]
    assert connect_xservices.sync.problems() == []
    assert not xero.overview().needs_payments_scope
