"""Pure parts of the sync: merge, mapping, sync queue coalescing in the change's transaction, lease, status text."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from tui.domain.invoice import Invoice, InvoiceStatus, LineItem, RevenueCategory
from tui.sync.merge import three_way

BASE = {"number": "INV-1", "reference": "a", "issue_date": "2026-11-01", "due_date": "2026-11-15",
        "amounts": "Exclusive", "lines": [["Labour", "2", "95", "210", "OUTPUT"], ["Pipe", "1", "10", "220", "OUTPUT"]],
        "status": "SENT"}


def test_merge_takes_each_sides_own_changes():
    local = dict(BASE, reference="ours")
    remote = dict(BASE, due_date="2026-12-01")
    r = three_way(BASE, local, remote)
    assert not r.conflicts
    assert r.merged["reference"] == "ours" and r.merged["due_date"] == "2026-12-01"
    assert r.differs_from(remote)


def test_merge_same_change_both_sides_is_no_conflict():
    r = three_way(BASE, dict(BASE, reference="x"), dict(BASE, reference="x"))
    assert not r.conflicts and not r.differs_from(dict(BASE, reference="x"))


def test_merge_true_conflict_keeps_ours_and_reports():
    r = three_way(BASE, dict(BASE, reference="ours"), dict(BASE, reference="theirs"))
    [c] = r.conflicts
    assert (c.field, c.base, c.local, c.remote, c.label) == ("reference", "a", "ours", "theirs", "Reference")
    assert r.merged["reference"] == "ours"


def test_merge_lines_one_by_one_when_counts_agree():
    local = dict(BASE, lines=[["Labour", "3", "95", "210", "OUTPUT"], BASE["lines"][1]])
    remote = dict(BASE, lines=[BASE["lines"][0], ["Pipe", "2", "10", "220", "OUTPUT"]])
    r = three_way(BASE, local, remote)
    assert not r.conflicts
    assert r.merged["lines"] == [["Labour", "3", "95", "210", "OUTPUT"], ["Pipe", "2", "10", "220", "OUTPUT"]]
    both = dict(BASE, lines=[["Labour", "4", "95", "210", "OUTPUT"], BASE["lines"][1]])
    r = three_way(BASE, local, both)
    assert [c.field for c in r.conflicts] == ["lines[0]"] and r.conflicts[0].label == "Line 1"


def test_merge_line_added_on_one_side_and_edited_on_other_conflicts_as_whole():
    local = dict(BASE, lines=BASE["lines"] + [["Extra", "1", "5", "200", "OUTPUT"]])
    remote = dict(BASE, lines=[["Labour", "9", "95", "210", "OUTPUT"], BASE["lines"][1]])
    r = three_way(BASE, local, remote)
    assert [c.field for c in r.conflicts] == ["lines"]


def test_voided_in_xero_wins_and_reports_our_unpushed_edits():
    local = dict(BASE, reference="ours")
    remote = dict(BASE, status="VOIDED")
    r = three_way(BASE, local, remote)
    assert r.merged["status"] == "VOIDED" and r.merged["reference"] == "a"
    assert [c.field for c in r.conflicts] == ["reference"]


def _inv(**kw):
    d = dict(customer_id=1, issue_date=date(2026, 11, 1), due_date=date(2026, 11, 15), number="INV-1",
             lines=[LineItem("Tap", Decimal("1"), Decimal("289.9550"), RevenueCategory.MATERIALS),
                    LineItem("Labour", Decimal("1.5"), Decimal("95.00"), RevenueCategory.LABOUR)],
             status=InvoiceStatus.SENT)
    d.update(kw)
    return Invoice(**d)


def test_invoice_to_xero_wire_format():
    from tui.sync.mapping import invoice_to_xero, needs_unitdp4
    from tui.xero import wire

    codes = {RevenueCategory.MATERIALS: "220", RevenueCategory.LABOUR: "210"}
    body = invoice_to_xero(_inv(reference="R"), "c-1", codes)
    assert body["Type"] == "ACCREC" and body["Status"] == "AUTHORISED" and body["SentToContact"] is True
    assert body["Date"] == "2026-11-01" and body["LineAmountTypes"] == "Exclusive"
    assert [li["AccountCode"] for li in body["LineItems"]] == ["220", "210"]
    assert body["LineItems"][0]["LineAmount"] == Decimal("289.96")
    assert '"UnitAmount":289.9550' in wire.dumps(body)
    assert needs_unitdp4(_inv()) and not needs_unitdp4(_inv(lines=[LineItem("x", Decimal("1"), Decimal("2.50"))]))
    void = invoice_to_xero(_inv(status=InvoiceStatus.VOIDED), "c-1", codes, xero_id="x-1")
    assert void == {"InvoiceID": "x-1", "InvoiceNumber": "INV-1", "Status": "VOIDED"}


def test_remote_view_equals_local_view_for_the_same_invoice():
    from tui.sync.mapping import apply_view, invoice_from_xero, invoice_view
    from tui.xero.wire import format_datetime

    codes = {RevenueCategory.MATERIALS: "220", RevenueCategory.LABOUR: "210"}
    inv = _inv()
    remote = invoice_from_xero({
        "InvoiceID": "x", "InvoiceNumber": "INV-1", "Reference": "", "Type": "ACCREC", "Status": "AUTHORISED",
        "Date": format_datetime(date(2026, 11, 1)), "DueDate": format_datetime(date(2026, 11, 15)), "LineAmountTypes": "Exclusive",
        "LineItems": [{"Description": "Tap", "Quantity": Decimal("1.0000"), "UnitAmount": Decimal("289.9550"),
                       "AccountCode": "220", "TaxType": "OUTPUT"},
                      {"Description": "Labour", "Quantity": Decimal("1.5000"), "UnitAmount": Decimal("95.0000"),
                       "AccountCode": "210", "TaxType": "OUTPUT"}],
        "Total": Decimal("476.21"), "TotalTax": Decimal("43.29"), "AmountPaid": Decimal("0"),
        "UpdatedDateUTC": "/Date(1763164800000+0000)/"})
    assert remote.view() == invoice_view(inv, codes)
    back = apply_view(inv, remote.view(), codes)
    assert back.lines == inv.lines
    # all categories mapped to one account: a pulled line keeps the category it had here
    same = {c: "200" for c in RevenueCategory}
    assert apply_view(inv, invoice_view(inv, same), same).lines[1].category is RevenueCategory.LABOUR


def test_outbox_written_with_the_change_and_coalesced(services):
    from sqlmodel import select

    from tui.domain.customer import Customer
    from tui.store.sync_tables import SyncOutboxRow

    cust = services.save_customer(Customer("A", "a@example.com"))
    inv = services.new_invoice(cust.id)
    inv.lines = [LineItem("x", Decimal("1"), Decimal("1"))]
    inv = services.save_invoice(inv)
    with services.session() as s:
        assert s.exec(select(SyncOutboxRow)).all() == []  # drafts never
    inv.status = InvoiceStatus.SENT
    inv = services.save_invoice(inv)
    for _ in range(3):
        inv.reference += "x"
        inv = services.save_invoice(inv)
    with services.session() as s:
        [row] = s.exec(select(SyncOutboxRow)).all()
        assert (row.kind, row.entity_id, row.seq) == ("invoice", inv.id, 4)

    # a failed save writes no sync queue entry either (one transaction)
    from tui.store.errors import ConflictError

    stale = services.invoice(inv.id)
    stale.version -= 1
    stale.reference = "stale"
    with pytest.raises(ConflictError):
        services.save_invoice(stale)
    with services.session() as s:
        assert s.exec(select(SyncOutboxRow)).one().seq == 4


def test_void_enqueues(services):
    from tui.domain.customer import Customer
    from tui.sync import outbox

    cust = services.save_customer(Customer("A", "a@example.com"))
    inv = services.new_invoice(cust.id)
    inv.lines = [LineItem("x", Decimal("1"), Decimal("1"))]
    inv.status = InvoiceStatus.SENT
    inv = services.save_invoice(inv)
    with services.session() as s:
        outbox.drop(s, "invoice", inv.id)
    services.void_invoice(inv)
    with services.session() as s:
        assert outbox.get_entry(s, "invoice", inv.id) is not None


def test_lease_one_holder_expiry_and_dead_process(services):
    from tui.store.sync_tables import SyncLeaseRow
    from tui.sync.lease import Lease, lease_holder

    engine = services.engine
    t = [datetime(2026, 11, 25, tzinfo=timezone.utc)]
    a = Lease(engine, "t1", "A", ttl=timedelta(seconds=60), now=lambda: t[0])
    b = Lease(engine, "t1", "B", ttl=timedelta(seconds=60), now=lambda: t[0])
    assert a.acquire() and not b.acquire()
    with services.session() as s:
        assert lease_holder(s, "t1", t[0]).label == "A"
    assert a.acquire() and a.renew()
    t[0] += timedelta(seconds=61)
    assert b.acquire() and not a.renew()
    b.release()
    assert a.acquire()
    # a holder on this machine whose process is gone is taken over at once
    with services.session() as s:
        row = s.get(SyncLeaseRow, "t1")
        import socket

        row.holder = f"{socket.gethostname()}:999999:dead"
        s.add(row)
    assert b.acquire()


def test_header_text():
    from tui.sync.status import Overview

    now = datetime(2026, 11, 25, 1, 0, tzinfo=timezone.utc)
    o = Overview(True, 3, 0, 0, now - timedelta(seconds=70), now, "", 12, None, False)
    assert o.header(now) == "3 pending · Synced 1 min ago" and not o.is_error
    o = Overview(True, 0, 2, 1, now - timedelta(hours=2), now, "", 12, None, False)
    assert o.header(now) == "1 conflict · 2 sync errors · Synced 2 hours ago" and o.is_error


def test_free_number():
    from tui.sync.invoice_numbers import free_number

    assert free_number({"INV-0002"}, "INV-0001") == "INV-0003"
    assert free_number(set(), "TC-099") == "TC-100"



def test_outbox_upsert_compiles_for_postgresql():
    from sqlalchemy import case, literal
    from sqlalchemy.dialects import postgresql
    from sqlalchemy.dialects.postgresql import insert

    from tui.store.sync_tables import SyncOutboxRow

    table = SyncOutboxRow.__table__
    now = datetime(2026, 11, 25, tzinfo=timezone.utc)
    stmt = insert(table).values(kind="invoice", entity_id=1, seq=1, created_at=now, updated_at=now, attempts=0,
                                held="").on_conflict_do_update(
        index_elements=["kind", "entity_id"],
        set_=dict(seq=table.c.seq + 1, held=case((table.c.held == "conflict", "conflict"), else_=literal(""))))
    sql = str(stmt.compile(dialect=postgresql.dialect()))
    assert "ON CONFLICT (kind, entity_id) DO UPDATE" in sql


def test_calls_today_add_up_and_start_again_each_day(services):
    from tui.sync import records

    day = date(2026, 11, 25)
    with services.session() as s:
        records.add_calls(s, "t1", 3, day)
    with services.session() as s:
        records.add_calls(s, "t1", 4, day)
        assert records.get_state(s, "t1").calls_today == 7  # the session sees the stored sum
    with services.session() as s:
        records.add_calls(s, "t1", 2, day + timedelta(days=1))
    with services.session() as s:
        state = records.get_state(s, "t1")
        assert (state.calls_day, state.calls_today) == (day + timedelta(days=1), 2)
