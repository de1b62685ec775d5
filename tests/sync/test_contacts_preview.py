"""The first sync lists Xero's customers before anything happens: new ones become customers here, those matching
ours are linked to them; after it, only contacts made in Xero later are added (never one twice)."""

from __future__ import annotations

from tests.fixtures.sync import connect_business, make_invoice, send


def test_first_sync_preview_lists_xeros_customers_and_confirming_adds_or_links_them(sandbox, xservices, xero_cfg):
    from tui.domain.business import BusinessDetails

    xservices.save_business(BusinessDetails(name="Harbour City Plumbing", email="accounts@hcp.example"))
    c = connect_business(sandbox, xservices, xero_cfg, confirm=False)
    # ours, the same customer as Xero's "Marine Systems" (same email, another name here)
    send(c.services, make_invoice(c.services, customer_name="Marine Systems Pty Ltd",
                                  email="accounts@marinesystems.com.au", number="TC-0001"))
    xero_customers = {x["Name"] for x in c.xero_contacts() if x["IsCustomer"] and x["ContactStatus"] == "ACTIVE"}
    assert "Marine Systems" in xero_customers and "Hamilton Smith Ltd" not in xero_customers

    preview = c.services.sync.first_sync_preview()
    assert [(m.name, m.customer) for m in preview.contacts.match] == [("Marine Systems", "Marine Systems Pty Ltd")]
    assert {n.name for n in preview.contacts.new} == xero_customers - {"Marine Systems"}
    assert c.services.customers()[1] == 1  # nothing happens before it is confirmed

    c.services.sync.confirm_first_sync(preview)
    customers = {x.name: x for x in c.services.customers()[0]}
    assert set(customers) == (xero_customers - {"Marine Systems"}) | {"Marine Systems Pty Ltd"}
    assert all(x.xero_contact_id for x in customers.values())
    bayside = customers["Bayside Club"]
    assert (bayside.email, bayside.phone) == ("secretarybob@bsclub.co", "0412 555 301")

    report = c.sync()
    assert report.ok, report.message
    assert len(c.xero_contacts()) == len({x["Name"] for x in c.xero_contacts()})  # 0 duplicate contacts
    assert len(c.services.customers()[0]) == len(customers)  # and none added twice here
    (marine,) = [x for x in c.xero_contacts() if x["EmailAddress"] == "accounts@marinesystems.com.au"]
    (ours,) = c.xero_invoices("TC-0001")
    assert ours["Contact"]["ContactID"] == marine["ContactID"]
    # the name differs on the two sides with no version in common: a conflict, never a silent overwrite
    assert marine["Name"] == "Marine Systems"
    assert [(x.label, x.local, x.remote) for x in c.services.sync.conflicts(customers["Marine Systems Pty Ltd"].id,
                                                                            "contact")] == \
        [("Name", "Marine Systems Pty Ltd", "Marine Systems")]
