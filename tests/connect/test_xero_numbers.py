"""Invoice numbers start clear of Xero's: connecting to an organisation that already holds INV-0001..INV-0005
makes the next invoice here INV-0006, before anything is emailed or synced."""

from __future__ import annotations

from decimal import Decimal

from tests.connect.helpers import connect_service
from tui.domain.business import BusinessDetails
from tui.domain.customer import Customer
from tui.domain.invoice import LineItem


def new_draft(services) -> str:
    customer = services.save_customer(Customer("Olivia Nguyen", "olivia@example.com"))
    inv = services.new_invoice(customer.id)
    inv.lines = [LineItem("Blocked drain", Decimal("1"), Decimal("180.00"))]
    return services.save_invoice(inv)


def test_connecting_keeps_numbers_above_xeros(xero, http_browser, xservices, sandbox):
    held = sorted(i["InvoiceNumber"] for i in sandbox.control.snapshot()["organisations"][sandbox.demo_tenant_id]
                  ["Invoices"])
    assert held == [f"INV-{n:04d}" for n in range(1, 6)]
    connect_service(xero, http_browser, reviewed=False)  # the revenue accounts not reviewed: nothing synced yet
    xservices.save_business(BusinessDetails(name="Harbour City Plumbing", email="accounts@hcp.example"))

    draft = new_draft(xservices)
    assert draft.number == "INV-0006"
    xservices.send_invoice(draft)  # into the local outbox: the customer's copy says INV-0006
    (message,) = list((xservices.cfg.outbox_dir / "new").iterdir())
    assert "INV-0006" in message.read_text()
    assert new_draft(xservices).number == "INV-0007"


def test_numbers_typed_here_above_xeros_still_count(xero, http_browser, xservices):
    connect_service(xero, http_browser, reviewed=False)
    customer = xservices.save_customer(Customer("Liam Walker", "liam@example.com"))
    inv = xservices.new_invoice(customer.id)
    inv.lines = [LineItem("Service call", Decimal("1"), Decimal("95.00"))]
    inv.number = "INV-0040"
    xservices.save_invoice(inv)
    assert new_draft(xservices).number == "INV-0041"
