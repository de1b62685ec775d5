"""The highest invoice number Xero holds is kept at every pull and by the first-sync preview: numbers taken here
start above it (the renumbering of a clash stays for numbers typed here)."""

from __future__ import annotations

from tests.fixtures.sync import connect_business, make_invoice


def test_a_pull_keeps_xeros_highest_number(sandbox, xservices, xero_cfg):
    from tui.domain.business import BusinessDetails

    xservices.save_business(BusinessDetails(name="Harbour City Plumbing", email="accounts@hcp.example"))
    c = connect_business(sandbox, xservices, xero_cfg)  # connected without the app's Connect: numbers unread
    assert c.sync().ok  # the pull reads Xero's five invoices, INV-0001..INV-0005
    assert make_invoice(xservices).number == "INV-0006"

    sandbox.control.edit_invoice("INV-0003", Reference="Renumbered in Xero", InvoiceNumber="INV-0050")
    assert c.sync().ok
    assert make_invoice(xservices, reference="Job 2").number == "INV-0051"


def test_the_first_sync_preview_says_the_first_number(sandbox, xservices, xero_cfg):
    from tui.domain.business import BusinessDetails

    xservices.save_business(BusinessDetails(name="Harbour City Plumbing", email="accounts@hcp.example"))
    connect_business(sandbox, xservices, xero_cfg, confirm=False)
    preview = xservices.sync.first_sync_preview()
    assert preview.xero_invoice_count == 5 and preview.next_number == "INV-0006"
    assert make_invoice(xservices).number == "INV-0006"
