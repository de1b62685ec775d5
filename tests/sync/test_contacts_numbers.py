"""Contacts matched, never duplicated (hostile names included); invoice-number clashes; the first-sync preview."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from tests.fixtures.sync import connect_business, make_invoice, send

HOSTILE = [
    ('Jack & Mia O\'Brien', "obriens@example.com"),
    ('"Quotes" <Pty> Ltd', "quotes@example.com"),
    ("Smith's Plumbing & Gas <Sydney>", ""),
    ('Back\\slash "Bob"', "bob@example.com"),
]


def _contacts_named(c, name):
    return c.xero_contacts(name)


def test_hostile_names_are_created_once_and_matched_by_a_second_database(connected, tmp_path, sandbox):
    c = connected
    for i, (name, email) in enumerate(HOSTILE):
        send(c.services, make_invoice(c.services, customer_name=name, email=email or "x@example.com",
                                      number=f"TC-10{i}"))
    report = c.sync()
    assert report.ok and report.pushed == len(HOSTILE), report.message
    for name, _ in HOSTILE:
        assert len(_contacts_named(c, name)) == 1, name
    assert c.sync().ok
    for name, _ in HOSTILE:
        assert len(_contacts_named(c, name)) == 1, name

    # A second shop database (a fresh install) with the same customers: matched, not duplicated.
    from tui.config import DatabaseConfig
    from tui.domain.business import BusinessDetails
    from tui.services import Services

    cfg2 = replace(c.cfg, database=DatabaseConfig(url=f"sqlite:///{tmp_path / 'second.db'}"))
    services2 = Services(cfg2, now=c.services.now, user="sam", secrets=c.services.secrets)
    services2.save_business(BusinessDetails(name="Second", email="b@example.com"))
    from tui.store.tables import AccountMappingRow, XeroConnectionRow  # noqa: F401

    c2 = connect_business(sandbox, services2, cfg2)
    for i, (name, email) in enumerate(HOSTILE):
        send(services2, make_invoice(services2, customer_name=name, email=email or "x@example.com",
                                     number=f"TC-20{i}"))
    contacts_before = len(c.xero_contacts())
    puts_before = c.requests().get("PUT /api.xro/2.0/contacts", 0)
    report = c2.sync()
    assert report.ok and report.pushed == len(HOSTILE), report.message
    assert len(c.xero_contacts()) == contacts_before
    assert c.requests().get("PUT /api.xro/2.0/contacts", 0) == puts_before  # no contact created at all


def test_existing_xero_contacts_matched_by_email_then_name(connected):
    c = connected
    # same email as Xero's "Marine Systems", a different name here
    a = send(c.services, make_invoice(c.services, customer_name="Marine Systems Pty Ltd",
                                      email="accounts@marinesystems.com.au", number="TC-300"))
    # same name as Xero's "Bayside Club", Xero's email
    b = send(c.services, make_invoice(c.services, customer_name="Bayside Club", email="secretarybob@bsclub.co",
                                      number="TC-301"))
    before = len(c.xero_contacts())
    report = c.sync()
    assert report.ok and report.pushed == 2, report.message
    assert len(c.xero_contacts()) == before
    [marine] = c.xero_contacts("Marine Systems")
    assert c.xero_invoices("TC-300")[0]["Contact"]["ContactID"] == marine["ContactID"]
    [bayside] = c.xero_contacts("Bayside Club")
    assert c.xero_invoices("TC-301")[0]["Contact"]["ContactID"] == bayside["ContactID"]
    assert c.services.customer(a.customer_id).xero_contact_id == marine["ContactID"]
    assert c.services.customer(b.customer_id).xero_contact_id == bayside["ContactID"]


def test_name_clash_is_reported_with_a_way_to_link(connected):
    from tui.sync.contacts import link_customer
    from tui.sync.status import invoice_state, problems

    c = connected
    inv = send(c.services, make_invoice(c.services, customer_name="Boom FM", email="someone.else@example.com",
                                        number="TC-400"))
    before = len(c.xero_contacts())
    report = c.sync()
    assert report.errors >= 1 and report.pushed == 0
    assert len(c.xero_contacts()) == before and c.xero_invoices("TC-400") == []
    with c.services.session() as s:
        msgs = {p.code: p.message for p in problems(s)}
        assert "different contact named \"Boom FM\"" in msgs["name_clash"]
        assert "Link this customer" in msgs["name_clash"]
        assert invoice_state(s, inv.id).state == "error"
    # the clash does not cost calls every pass
    calls = c.sync().calls
    assert calls == 1

    [boom] = c.xero_contacts("Boom FM")
    with c.services.session() as s:
        link_customer(s, inv.customer_id, boom["ContactID"], c.tenant_id, c.services.now())
    report = c.sync()
    assert report.ok and report.pushed == 1, report.message
    assert c.xero_invoices("TC-400")[0]["Contact"]["ContactID"] == boom["ContactID"]
    assert len(c.xero_contacts()) == before


def test_rename_fixes_a_name_clash(connected):
    c = connected
    inv = send(c.services, make_invoice(c.services, customer_name="Boom FM", email="someone.else@example.com",
                                        number="TC-410"))
    c.sync()
    cust = c.services.customer(inv.customer_id)
    cust.name = "Boom FM (Studio 2)"
    c.services.now = lambda: __import__("datetime").datetime.now(__import__("datetime").timezone.utc)
    c.services.save_customer(cust)
    report = c.sync()
    assert report.ok and report.pushed == 1, report.message
    assert len(c.xero_contacts("Boom FM (Studio 2)")) == 1


def test_customer_edit_reaches_the_linked_contact(connected):
    c = connected
    inv = send(c.services, make_invoice(c.services, customer_name="Priya Sharma", email="priya@example.com",
                                        number="TC-420"))
    assert c.sync().ok
    cust = c.services.customer(inv.customer_id)
    cust.phone = "0421 555 904"
    cust.email = "priya.sharma@example.com"
    c.services.save_customer(cust)
    report = c.sync()
    assert report.ok, report.message
    [x] = c.xero_contacts("Priya Sharma")
    assert x["EmailAddress"] == "priya.sharma@example.com"
    assert any(p.get("PhoneNumber") == "0421 555 904" for p in x.get("Phones", []))


def test_invoice_number_clash_reported_with_renumber_fix(connected):
    from tui.sync.status import invoice_state, renumber_invoice

    c = connected
    taken = sorted(i["InvoiceNumber"] for i in c.xero_invoices())
    assert "INV-0001" in taken  # the demo company's own invoices
    inv = send(c.services, make_invoice(c.services, number="INV-0001"))
    report = c.sync()
    assert report.errors == 1 and report.pushed == 0
    assert len(c.xero_invoices("INV-0001")) == 1
    with c.services.session() as s:
        state = invoice_state(s, inv.id)
    assert state.state == "error" and state.error_code == "number_clash"
    assert "INV-0001 is already used in Xero" in state.error and "Renumber" in state.error
    suggestion = state.error.split("for example to ")[1].split(")")[0]
    assert suggestion not in taken

    with c.services.session() as s:
        renumber_invoice(s, inv.id, suggestion, c.services.now())
    report = c.sync()
    assert report.ok and report.pushed == 1, report.message
    assert len(c.xero_invoices(suggestion)) == 1 and len(c.xero_invoices("INV-0001")) == 1


def test_voided_number_still_counts(connected):
    c = connected
    voided = [i for i in c.xero_invoices() if i["Status"] == "VOIDED"]
    assert voided
    inv = send(c.services, make_invoice(c.services, number=voided[0]["InvoiceNumber"]))
    report = c.sync()
    assert report.errors == 1 and len(c.xero_invoices(voided[0]["InvoiceNumber"])) == 1
    assert c.services.sync.invoice_state(inv.id).error_code == "number_clash"


def test_first_connection_preview_links_creates_and_reports_clashes(sandbox, xservices, xero_cfg):
    from datetime import date, datetime, timezone

    from tui.domain.business import BusinessDetails

    xservices.save_business(BusinessDetails(name="Harbour City Plumbing", email="accounts@hcp.example"))
    c = connect_business(sandbox, xservices, xero_cfg, confirm=False)
    xero = {i["InvoiceNumber"]: i for i in c.xero_invoices()}
    marine = next(i for i in xero.values() if i["Contact"]["Name"] == "Marine Systems")
    # typed into Xero by hand before: same number and total -> link
    same = make_invoice(c.services, customer_name="Marine Systems", email="accounts@marinesystems.com.au",
                        number=marine["InvoiceNumber"], lines=(("Switchboard upgrade", "1", "2450.00", "General Sales"),))
    clash = make_invoice(c.services, number="INV-0001", lines=(("Other job", "1", "1.00", "General Sales"),))
    new = make_invoice(c.services, number="TC-900")
    old = make_invoice(c.services, number="TC-800")
    for inv in (same, clash, new, old):
        send(c.services, inv)
    with c.services.session() as s:
        from tui.store.tables import InvoiceRow

        row = s.get(InvoiceRow, old.id)
        row.issue_date = date(2020, 1, 1)
        row.sent_at = datetime(2020, 1, 1, tzinfo=timezone.utc)

    writes = c.writes()
    report = c.sync()
    assert report.needs_confirmation and not report.ok
    assert c.writes() == writes  # nothing pushed before the user confirms

    from tui.sync.preview import confirm_first_sync, preview_first_sync

    runner = c.runner()
    try:
        ctx = runner.context(c.tenant_id)
        preview = preview_first_sync(ctx, sync_from=date(2026, 1, 1))
    finally:
        runner.close()
    assert [i.number for i in preview.link] == [marine["InvoiceNumber"]]
    assert [i.number for i in preview.clash] == ["INV-0001"]
    assert [i.number for i in preview.create] == ["TC-900"]
    assert [i.number for i in preview.excluded] == ["TC-800"]
    with c.services.session() as s:
        confirm_first_sync(s, c.tenant_id, preview, c.services.now())
    report = c.sync()
    assert report.pushed == 1 and report.errors == 1
    assert len(c.xero_invoices(marine["InvoiceNumber"])) == 1
    assert len(c.xero_invoices("TC-900")) == 1 and c.xero_invoices("TC-800") == []
    assert c.services.invoice(same.id) and len(c.xero_invoices("INV-0001")) == 1


def test_build_preview_is_pure():
    from datetime import date

    from tui.sync.preview import LocalSent, build_preview

    local = [
        LocalSent(1, "INV-1", "A", date(2026, 1, 5), Decimal("110.00"), "SENT", "c1"),
        LocalSent(2, "INV-2", "B", date(2026, 1, 6), Decimal("50.00"), "SENT"),
        LocalSent(3, "INV-3", "C", date(2025, 1, 6), Decimal("50.00"), "SENT"),
        LocalSent(4, "INV-4", "D", date(2026, 2, 6), Decimal("50.00"), "SENT"),
        LocalSent(5, "INV-5", "E", date(2026, 2, 6), Decimal("50.00"), "PAID"),
    ]
    xero = {"INV-1": {"InvoiceID": "x1", "Total": Decimal("110"), "ContactID": "c1", "Status": "AUTHORISED"},
            "INV-2": {"InvoiceID": "x2", "Total": Decimal("60"), "Status": "VOIDED"}}
    p = build_preview(local, xero, date(2026, 1, 1))
    assert [i.invoice_id for i in p.link] == [1]
    assert [i.invoice_id for i in p.clash] == [2] and p.clash[0].reason == "different total"
    assert [i.invoice_id for i in p.excluded] == [3]
    assert [i.invoice_id for i in p.create] == [4]
    assert [i.invoice_id for i in p.skipped] == [5]
    assert p.needs_user
