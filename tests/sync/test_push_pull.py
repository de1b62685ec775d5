"""Push after send, edits and voids both ways, payments, conflicts: against the sandbox over HTTP."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Callable

import pytest

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


def _number(value) -> str:
    return f"{Decimal(str(value)).normalize():f}"


@dataclass(frozen=True)
class Conflict:
    """One field both sides change: how each side's value is read and written."""

    field: str
    label: str
    ours: str
    theirs: str
    keep: str  # "local" (ours) or "remote" (Xero's), the user's choice
    read_here: Callable[[object], str]  # the invoice here -> the field
    read_xero: Callable[[dict], str]  # Xero's invoice -> the field
    write_here: Callable[[object, str], object]  # (invoice here, value) -> the invoice to save
    write_xero: Callable[[dict, str], dict]  # (Xero's invoice, value) -> the fields to edit there


CONFLICTS = {
    "reference, ours kept": Conflict(
        "reference", "Reference", "Ours", "Theirs", "local",
        read_here=lambda inv: inv.reference, read_xero=lambda x: x["Reference"],
        write_here=lambda inv, value: replace(inv, reference=value), write_xero=lambda x, value: {"Reference": value}),
    "a line's quantity, Xero's kept": Conflict(
        "lines[0]", "Line 1", "5", "7", "remote",
        read_here=lambda inv: _number(inv.lines[0].quantity),
        read_xero=lambda x: _number(x["LineItems"][0]["Quantity"]),
        write_here=lambda inv, value: replace(inv, lines=[replace(inv.lines[0], quantity=Decimal(value))]),
        write_xero=lambda x, value: {"LineItems": [dict(x["LineItems"][0], Quantity=value)]}),
}


@pytest.mark.parametrize("case", CONFLICTS.values(), ids=CONFLICTS.keys())
def test_a_true_conflict_is_held_until_the_user_chooses(connected, case):
    """Both sides changed the same field: neither is overwritten, every pass holds it, and the user's choice is
    what both sides end with (pushed when ours is kept; nothing written when Xero's is)."""
    c = connected
    inv = send(c.services, make_invoice(c.services, number="TC-0030"))
    assert c.sync().ok
    c.services.save_invoice(case.write_here(c.services.invoice(inv.id), case.ours))
    c.sb.control.edit_invoice("TC-0030", **case.write_xero(c.xero_invoices("TC-0030")[0], case.theirs))
    report = c.sync()
    assert report.conflicts == 1
    assert case.read_xero(c.xero_invoices("TC-0030")[0]) == case.theirs  # not overwritten
    assert case.read_here(c.services.invoice(inv.id)) == case.ours  # not overwritten either
    assert _state(c, inv.id).state == "conflict"
    [conflict] = c.services.sync.conflicts(inv.id)
    assert (conflict.field, conflict.label) == (case.field, case.label)
    assert case.ours in str(conflict.local) and case.theirs in str(conflict.remote)
    assert c.sync().ok and case.read_xero(c.xero_invoices("TC-0030")[0]) == case.theirs  # still held

    c.services.sync.resolve_conflicts(inv.id, {case.field: case.keep})
    kept = case.ours if case.keep == "local" else case.theirs
    assert case.read_here(c.services.invoice(inv.id)) == kept
    writes = c.writes()
    assert c.sync().ok
    assert case.read_xero(c.xero_invoices("TC-0030")[0]) == kept
    assert (c.writes() > writes) == (case.keep == "local")  # Xero's version kept: nothing to push
    assert _state(c, inv.id).state == "synced"
    assert c.services.sync.conflicts() == []


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


def test_paid_in_xero_cannot_be_edited_here(connected):
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
