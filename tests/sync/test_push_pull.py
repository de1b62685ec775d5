"""Push after send, edits and voids both ways, payments, conflicts: against the sandbox over HTTP."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from tests.fixtures.sync import make_invoice, send
from tui.domain.invoice import InvoiceStatus


def _state(c, invoice_id):
    from tui.sync.status import invoice_state

    with c.services.session() as s:
        return invoice_state(s, invoice_id)


def test_draft_never_reaches_xero_and_sent_invoice_is_pushed_once(connected):
    c = connected
    before = len(c.xero_invoices())
    inv = make_invoice(c.services, number="TC-0001")
    report = c.sync()
    assert report.ok, report.message
    assert c.writes() == 0  # a draft costs no write at all
    assert len(c.xero_invoices()) == before
    assert _state(c, inv.id).state == "not synced"

    send(c.services, inv)
    assert _state(c, inv.id).state == "pending"
    report = c.sync()
    assert report.ok, report.message
    assert report.pushed == 1
    [x] = c.xero_invoices("TC-0001")
    assert x["Type"] == "ACCREC" and x["Status"] == "AUTHORISED" and x["SentToContact"] is True
    assert Decimal(str(x["Total"])) == c.services.invoice(inv.id).totals.total == Decimal("209.00")
    assert x["LineItems"][0]["AccountCode"] == "210" and x["LineItems"][0]["TaxType"] == "OUTPUT"
    assert [ct["Name"] for ct in c.xero_contacts("Olivia Nguyen")] == ["Olivia Nguyen"]
    state = _state(c, inv.id)
    assert state.state == "synced" and state.xero_id == x["InvoiceID"]

    writes = c.writes()
    report = c.sync()  # nothing new: no write, one read
    assert report.ok and report.calls == 1 and c.writes() == writes


def test_four_decimal_prices_and_mixed_categories_match_xero_totals(connected):
    c = connected
    inv = make_invoice(c.services, number="TC-0002", lines=(
        ("Mixer tap", "1", "289.9550", "Materials"), ("Labour", "1.5", "95.00", "Labour"),
        ("Call out", "3", "33.3333", "General Sales")))
    send(c.services, inv)
    report = c.sync()
    assert report.ok and report.errors == 0, report.message
    [x] = c.xero_invoices("TC-0002")
    local = c.services.invoice(inv.id)
    assert Decimal(str(x["Total"])) == local.totals.total
    assert Decimal(str(x["TotalTax"])) == local.totals.tax
    assert [li["AccountCode"] for li in x["LineItems"]] == ["220", "210", "200"]
    assert Decimal(str(x["LineItems"][0]["UnitAmount"])) == Decimal("289.955")


def test_local_edit_and_void_reach_xero(connected):
    c = connected
    inv = send(c.services, make_invoice(c.services, number="TC-0003"))
    assert c.sync().ok
    inv.reference = "Job 1 (revised)"
    inv.lines = inv.lines + [type(inv.lines[0])("Parts", Decimal("1"), Decimal("10.00"), inv.lines[0].category)]
    inv = c.services.save_invoice(inv)
    report = c.sync()
    assert report.ok and report.pushed == 1, report.message
    [x] = c.xero_invoices("TC-0003")
    assert x["Reference"] == "Job 1 (revised)" and len(x["LineItems"]) == 2
    assert len(c.xero_invoices("TC-0003")) == 1

    c.services.void_invoice(c.services.invoice(inv.id))
    assert c.sync().ok
    [x] = c.xero_invoices("TC-0003")
    assert x["Status"] == "VOIDED"


def test_edit_void_and_payments_in_xero_reach_us(connected):
    c = connected
    a = send(c.services, make_invoice(c.services, number="TC-0010"))
    b = send(c.services, make_invoice(c.services, number="TC-0011"))
    d = send(c.services, make_invoice(c.services, number="TC-0012"))
    assert c.sync().ok

    x = c.xero_invoices("TC-0010")[0]
    line = dict(x["LineItems"][0], Quantity="3")
    c.sb.control.edit_invoice("TC-0010", LineItems=[line], Reference="Changed in Xero")
    c.sb.control.pay_invoice("TC-0011", amount="50.00")
    c.sb.control.void_invoice("TC-0012")
    report = c.sync()
    assert report.ok and report.pulled == 3, report.message
    assert report.calls == 1  # one GET brought all three

    a2 = c.services.invoice(a.id)
    assert a2.reference == "Changed in Xero" and a2.lines[0].quantity == 3
    assert a2.totals.total == Decimal("313.50")
    b2 = c.services.invoice(b.id)
    assert b2.status is InvoiceStatus.SENT and b2.amount_paid == Decimal("50.00") and b2.amount_due == Decimal("159.00")
    assert c.services.invoice(d.id).status is InvoiceStatus.VOIDED
    logged = [row.message for row in c.services.sync.log()]
    assert "TC-0011: part paid ($50.00 of $209.00) in Xero" in logged and "TC-0012: voided in Xero" in logged

    c.sb.control.pay_invoice("TC-0011")  # the rest
    assert c.sync().ok
    b3 = c.services.invoice(b.id)
    assert b3.status is InvoiceStatus.PAID and b3.amount_due == 0

    # nothing of ours was pushed back over Xero's changes
    assert c.xero_invoices("TC-0010")[0]["Reference"] == "Changed in Xero"


def test_both_sides_edit_different_fields_merge(connected):
    c = connected
    inv = send(c.services, make_invoice(c.services, number="TC-0020"))
    assert c.sync().ok
    inv = c.services.invoice(inv.id)
    inv.reference = "Local reference"
    c.services.save_invoice(inv)
    c.sb.control.edit_invoice("TC-0020", DueDate="2027-01-31")
    report = c.sync()
    assert report.ok and report.conflicts == 0, report.message
    local = c.services.invoice(inv.id)
    assert local.reference == "Local reference" and local.due_date.isoformat() == "2027-01-31"
    x = c.xero_invoices("TC-0020")[0]
    assert x["Reference"] == "Local reference"


def test_true_conflict_is_kept_and_resolved_by_the_user(connected):
    from tui.sync.status import open_conflicts, resolve_conflicts

    c = connected
    inv = send(c.services, make_invoice(c.services, number="TC-0030"))
    assert c.sync().ok
    inv = c.services.invoice(inv.id)
    inv.reference = "Ours"
    c.services.save_invoice(inv)
    c.sb.control.edit_invoice("TC-0030", Reference="Theirs")
    report = c.sync()
    assert report.conflicts == 1
    assert c.xero_invoices("TC-0030")[0]["Reference"] == "Theirs"  # not overwritten
    assert c.services.invoice(inv.id).reference == "Ours"  # not overwritten either
    assert _state(c, inv.id).state == "conflict"
    with c.services.session() as s:
        [conflict] = open_conflicts(s, inv.id)
    assert (conflict.field, conflict.local, conflict.remote) == ("reference", "Ours", "Theirs")
    assert c.sync().ok and c.xero_invoices("TC-0030")[0]["Reference"] == "Theirs"  # still held

    with c.services.session() as s:
        resolve_conflicts(s, inv.id, {"reference": "local"}, c.services.now())
    assert c.sync().ok
    assert c.xero_invoices("TC-0030")[0]["Reference"] == "Ours"
    assert _state(c, inv.id).state == "synced"


def test_services_sync_facade_for_the_screens(connected):
    c = connected
    sync = c.services.sync
    c.services.now = lambda: __import__("datetime").datetime.now(__import__("datetime").timezone.utc)
    inv = send(c.services, make_invoice(c.services, number="TC-0040"))
    assert sync.invoice_state(inv.id).state == "pending"
    assert "1 pending" in sync.header()
    sync._runner = c.runner()
    report = sync.run_once()
    assert report.ok and report.pushed == 1
    assert sync.header() == "Synced just now"
    assert sync.invoice_state(inv.id).state == "synced"
    assert sync.overview().calls_today == report.calls
    reads = c.requests()
    sync.first_sync_preview()  # calls outside a pass count too: the invoice numbers and the contacts read
    assert sum(c.requests().values()) == sum(reads.values()) + 2
    assert sync.overview().calls_today == report.calls + 2
    assert any("Sent 1 invoice" in row.message for row in sync.log())
    assert sync.problems() == [] and sync.conflicts() == [] and sync.retry() == 0
    sync.close()


def test_edit_made_while_its_push_is_in_flight_is_not_lost(connected):
    c = connected
    inv = send(c.services, make_invoice(c.services, number="TC-0050"))
    edited = []

    def progress(message):
        if message.startswith("Sending") and not edited:  # the batch is prepared, about to go out
            fresh = c.services.invoice(inv.id)
            fresh.reference = "Edited during the push"
            c.services.save_invoice(fresh)
            edited.append(True)

    report = c.sync(on_progress=progress)
    assert report.ok and report.pushed == 1 and report.pending == 1
    assert c.xero_invoices("TC-0050")[0]["Reference"] == "Job 1"
    report = c.sync()
    assert report.ok and report.pending == 0
    assert c.xero_invoices("TC-0050")[0]["Reference"] == "Edited during the push"
    assert len(c.xero_invoices("TC-0050")) == 1


def test_pull_and_reads_are_paged(connected):
    c = connected
    invs = [send(c.services, make_invoice(c.services, number=f"TC-006{i}", customer_name=f"Paged {i}",
                                          email=f"p{i}@example.com")) for i in range(5)]
    report = c.sync(page_size=2)
    assert report.ok and report.pushed == 5, report.message
    assert report.calls_by_endpoint["contacts_page"] >= 3  # the demo company's contacts, two a page
    for i in range(5):
        c.sb.control.edit_invoice(f"TC-006{i}", Reference=f"Paged edit {i}")
    report = c.sync(page_size=2)
    assert report.ok and report.pulled == 5
    assert report.calls_by_endpoint["invoices_page"] == 3
    assert [c.services.invoice(i.id).reference for i in invs] == [f"Paged edit {i}" for i in range(5)]


def test_conflict_on_a_line_resolved_with_xeros_version(connected):
    c = connected
    inv = send(c.services, make_invoice(c.services, number="TC-0070"))
    assert c.sync().ok
    inv = c.services.invoice(inv.id)
    inv.lines = [replace(inv.lines[0], quantity=Decimal("5"))]
    c.services.save_invoice(inv)
    x = c.xero_invoices("TC-0070")[0]
    c.sb.control.edit_invoice("TC-0070", LineItems=[dict(x["LineItems"][0], Quantity="7")])
    report = c.sync()
    assert report.conflicts == 1
    [conflict] = c.services.sync.conflicts(inv.id)
    assert conflict.field == "lines[0]" and conflict.label == "Line 1"
    assert conflict.local[1] == "5" and conflict.remote[1] == "7"
    assert c.services.invoice(inv.id).lines[0].quantity == 5
    c.services.sync.resolve_conflicts(inv.id, {"lines[0]": "remote"})
    assert c.services.invoice(inv.id).lines[0].quantity == 7
    writes = c.writes()
    report = c.sync()
    assert report.ok and c.writes() == writes  # Xero's version kept: nothing to push
    assert c.services.sync.invoice_state(inv.id).state == "synced"
    assert c.services.sync.conflicts() == []


def test_paid_in_xero_cannot_be_edited_here(connected):
    import pytest

    from tui.domain.errors import TransitionError

    c = connected
    inv = send(c.services, make_invoice(c.services, number="TC-0080"))
    assert c.sync().ok
    c.sb.control.pay_invoice("TC-0080", amount="10.00")
    assert c.sync().ok
    part = c.services.invoice(inv.id)
    part.reference = "edit"
    with pytest.raises(TransitionError, match="has a payment: remove the payment before editing"):
        c.services.save_invoice(part)
