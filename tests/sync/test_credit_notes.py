"""Credit notes reach Xero over HTTP (the sandbox) and come back: a full one allocated to its invoice, a part one
allocated and the rest refunded, one left as credit and allocated later to another invoice, a void, an allocation
removed, one made in Xero and allocated to our invoice, over-allocation refused here and by Xero, and a syncer
killed between writing its request ahead and hearing the answer."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.fixtures.sync import make_invoice, send
from tests.sync.test_kill import _start, kill_at_held_write
from tests.sync.test_payments import pay_into
from tui.domain.credit import LinePick
from tui.domain.credit_note import CreditNoteStatus
from tui.domain.errors import ValidationError
from tui.domain.invoice import InvoiceStatus
from tui.domain.payment import PaymentMethod

S = CreditNoteStatus
D = Decimal


def sent_in_xero(c, number: str):
    """A sent invoice of $209.00 (2 x $95.00 labour plus GST) that the sync has put in Xero."""
    inv = send(c.services, make_invoice(c.services, number=number))
    assert c.sync().ok
    return c.services.invoice(inv.id)


def credit(c, inv, picks=None):
    """A credit note made from the invoice and sent (emailed, allocated to it here)."""
    note = c.services.save_credit_note(c.services.credit_note_from_invoice(inv.id, picks))
    c.services.send_credit_note(note)
    return c.services.credit_note(note.id)


def xero_notes(c, number: str | None = None) -> list[dict]:
    snap = c.sb.control.snapshot()["organisations"][c.tenant_id]["CreditNotes"]
    return [n for n in snap if (number is None and n["CreditNoteNumber"].startswith("CN-"))
            or n["CreditNoteNumber"] == number]


def xero_invoice(c, number: str) -> dict:
    return c.xero_invoices(number)[0]


def test_a_full_credit_note_goes_as_accreccredit_and_is_allocated_to_its_invoice(connected):
    c = connected
    inv = sent_in_xero(c, "TC-0901")
    note = credit(c, inv)
    assert note.status is S.ALLOCATED and c.services.invoice(inv.id).status is InvoiceStatus.PAID

    report = c.sync()
    assert report.ok, report.message
    assert report.calls_by_endpoint.get("put_credit_notes") == 1
    assert report.calls_by_endpoint.get("put_allocations") == 1
    [x] = xero_notes(c, note.number)
    assert (x["Type"], x["Status"], D(str(x["Total"])), x["RemainingCredit"]) == ("ACCRECCREDIT", "PAID",
                                                                                   D("209.00"), 0)
    assert [D(str(a["Amount"])) for a in x["Allocations"]] == [D("209.00")]
    assert xero_invoice(c, "TC-0901")["Status"] == "PAID"
    assert c.sync().ok and len(xero_notes(c)) == 1  # nothing sent twice
    here = c.services.invoice(inv.id)  # the invoice read back (Xero moved it with the allocation) stays credited
    assert (here.status, here.amount_credited, here.amount_due) == (InvoiceStatus.PAID, D("209.00"), 0)


def test_a_part_credit_note_allocated_and_the_rest_refunded(connected):
    c = connected
    pay_into(c)
    inv = sent_in_xero(c, "TC-0902")
    c.services.record_payment(inv, D("150.00"), c.services.today(), PaymentMethod.CASH)  # $59.00 still due
    note = credit(c, c.services.invoice(inv.id), [LinePick(0, quantity=D(1))])  # $104.50 credit
    assert (note.amount_allocated, note.remaining_credit) == (D("59.00"), D("45.50"))
    note = c.services.refund_credit(note.id, D("45.50"), None, PaymentMethod.BANK_TRANSFER, "to BSB 062-000")
    assert note.status is S.REFUNDED

    report = c.sync()
    assert report.ok, report.message
    [x] = xero_notes(c, note.number)
    assert x["Status"] == "PAID" and [D(str(p["Amount"])) for p in x["Payments"]] == [D("45.50")]
    assert [D(str(a["Amount"])) for a in x["Allocations"]] == [D("59.00")]
    assert xero_invoice(c, "TC-0902")["Status"] == "PAID"
    assert c.services.credit_note(note.id).status is S.REFUNDED  # read back, the same


def test_credit_left_is_allocated_later_to_another_invoice(connected):
    c = connected
    first = sent_in_xero(c, "TC-0903")
    c.services.record_payment(first, D("209.00"), c.services.today(), PaymentMethod.CASH)
    pay_into(c)
    note = credit(c, c.services.invoice(first.id), [LinePick(0, quantity=D(1))])  # $104.50, nothing owing
    assert (note.status, note.remaining_credit) == (S.SENT, D("104.50"))
    assert c.sync().ok
    assert D(str(xero_notes(c, note.number)[0]["RemainingCredit"])) == D("104.50")

    second = sent_in_xero(c, "TC-0904")
    c.services.allocate_credit(note.id, second.id, D("104.50"))
    report = c.sync()
    assert report.ok, report.message
    x = xero_notes(c, note.number)[0]
    assert x["Status"] == "PAID" and [a["Invoice"]["InvoiceNumber"] for a in x["Allocations"]] == ["TC-0904"]
    assert D(str(xero_invoice(c, "TC-0904")["AmountDue"])) == D("104.50")
    assert c.services.invoice(second.id).amount_due == D("104.50")


def test_removing_an_allocation_and_voiding_reach_xero(connected):
    c = connected
    inv = sent_in_xero(c, "TC-0905")
    note = credit(c, inv, [LinePick(0, quantity=D(1))])
    assert c.sync().ok
    assert xero_invoice(c, "TC-0905")["AmountCredited"] == D("104.50")

    c.services.remove_allocation(c.services.credit_note_allocations(note.id)[0].id)
    report = c.sync()
    assert report.ok, report.message
    assert report.calls_by_endpoint.get("delete_allocation") == 1
    assert D(str(xero_invoice(c, "TC-0905")["AmountDue"])) == D("209.00")
    assert xero_notes(c, note.number)[0]["Allocations"] == []

    c.services.void_credit_note(c.services.credit_note(note.id))
    report = c.sync()
    assert report.ok, report.message
    assert xero_notes(c, note.number)[0]["Status"] == "VOIDED"
    assert c.services.credit_note(note.id).status is S.VOIDED


def test_a_credit_note_made_in_xero_and_allocated_to_our_invoice_shows_here(connected):
    c = connected
    inv = sent_in_xero(c, "TC-0906")
    contact = xero_invoice(c, "TC-0906")["Contact"]["ContactID"]
    made = c.sb.control.create_credit_note(
        Contact={"ContactID": contact}, CreditNoteNumber="XCN-77", Date="2026-11-20", LineAmountTypes="Exclusive",
        LineItems=[{"Description": "Goodwill", "Quantity": "1", "UnitAmount": "50.00", "AccountCode": "200",
                    "TaxType": "OUTPUT"}])
    c.sb.control.allocate_credit_note(made["CreditNoteID"], "TC-0906")  # $55.00

    report = c.sync()
    assert report.ok, report.message
    here = c.services.invoice(inv.id)
    assert (here.amount_credited, here.amount_due, here.status) == (D("55.00"), D("154.00"), InvoiceStatus.SENT)
    assert [x.label for x in c.services.invoice_credits(inv.id)] == ["Credited $55.00 by XCN-77"]
    [note] = [n for n in c.services.credit_notes(here.customer_id) if n.number == "XCN-77"]
    assert note.status is S.ALLOCATED and note.totals.total == D("55.00")
    with pytest.raises(Exception, match="made in Xero"):
        c.services.remove_allocation(c.services.invoice_credits(inv.id)[0].allocation_id)
    assert c.sync().ok and xero_notes(c) == []  # nothing of Xero's is sent back


def test_over_allocation_is_refused_here_and_by_xero(connected):
    c = connected
    first = sent_in_xero(c, "TC-0907")
    c.services.record_payment(first, D("209.00"), c.services.today(), PaymentMethod.CASH)
    note = credit(c, c.services.invoice(first.id), [LinePick(0, quantity=D(1))])  # $104.50 left as credit
    second = sent_in_xero(c, "TC-0908")
    with pytest.raises(ValidationError) as err:
        c.services.allocate_credit(note.id, second.id, D("110.00"))
    assert err.value.errors == {"amount": "More than the credit left on CN-0001 ($104.50)"}

    c.services.allocate_credit(note.id, second.id, D("104.50"))
    c.sb.control.pay_invoice("TC-0908", amount="150.00")  # meanwhile in Xero: only $59.00 is due there
    report = c.sync()
    assert report.errors >= 1
    with c.services.session() as s:
        from tui.sync import records

        allocation = c.services.credit_note_allocations(note.id)[0]
        problem = records.get_record(s, "allocation", allocation.id).error
    assert "refused by Xero" in problem and "greater than amount outstanding" in problem
    assert xero_notes(c, note.number)[0]["Allocations"] == []


KILL_POINTS = {"credit notes request": ("/api.xro/2.0/creditnotes", ["PUT"]),
               "allocations request": ("/api.xro/2.0/creditnotes/", ["PUT"])}  # paths hold what they contain


@pytest.mark.parametrize("point", list(KILL_POINTS))
def test_killed_between_write_ahead_and_answer_nothing_is_made_twice(connected, tmp_path, point):
    c = connected
    inv = sent_in_xero(c, "TC-0909")
    note = credit(c, inv)
    log = tmp_path / "sync.log"
    path, methods = KILL_POINTS[point]
    kill_at_held_write(c, log, path, methods, f"the {point}")  # Xero did it; the syncer never heard
    proc = _start(c, log)
    assert proc.wait(timeout=120) == 0, log.read_text()
    [x] = xero_notes(c, note.number)  # one credit note, allocated once
    assert x["Status"] == "PAID" and [D(str(a["Amount"])) for a in x["Allocations"]] == [D("209.00")]
    assert D(str(xero_invoice(c, "TC-0909")["AmountDue"])) == 0
    with c.services.session() as s:
        from tui.store.credit_tables import CreditNoteRow
        from tui.sync import outbox

        assert s.get(CreditNoteRow, note.id).xero_credit_note_id == x["CreditNoteID"]
        assert outbox.pending_count(s) == 0
    [allocation] = c.services.credit_note_allocations(note.id)
    assert allocation.xero_allocation_id == x["Allocations"][0]["AllocationID"]


def test_a_creditnote_event_makes_the_loop_read_credit_notes_at_once(connected, tmp_path):
    """A credit note made in Xero for our customer (left as credit) shows here as soon as Xero's CREDITNOTE event
    arrives; without an event or a credited invoice, a pass costs no call for credit notes."""
    import json
    import subprocess
    import sys

    import httpx

    from tests.fixtures.net import free_port
    from tests.sync.test_webhook import KEY, ROOT, _sync_env, _wait
    from tests.xero_schema import validate
    from tui.sync.webhook import WEBHOOK_KEY, signature

    c = connected
    inv = sent_in_xero(c, "TC-0910")
    assert "credit_notes_page" not in c.sync().calls_by_endpoint
    c.services.secrets.set(WEBHOOK_KEY, KEY)
    port, log = free_port(), tmp_path / "sync.log"
    proc = subprocess.Popen([sys.executable, "-m", "tui", "sync", "--webhook-port", str(port), "--log-file",
                             str(log)], cwd=ROOT, env=_sync_env(c), stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _wait(lambda: log.exists() and "Synced" in log.read_text(), "the first pass", timeout=30)
        contact = xero_invoice(c, "TC-0910")["Contact"]["ContactID"]
        made = c.sb.control.create_credit_note(
            Contact={"ContactID": contact}, CreditNoteNumber="XCN-88", Date="2026-11-20",
            LineItems=[{"Description": "Goodwill", "Quantity": "1", "UnitAmount": "20.00", "AccountCode": "200",
                        "TaxType": "OUTPUT"}])
        event = {"events": [{"resourceUrl": f"https://api.xero.com/api.xro/2.0/CreditNotes/{made['CreditNoteID']}",
                             "resourceId": made["CreditNoteID"], "eventDateUtc": "2026-11-24T23:00:00.000",
                             "eventType": "CREATE", "eventCategory": "CREDITNOTE", "tenantId": c.tenant_id,
                             "tenantType": "ORGANISATION"}],
                 "firstEventSequence": 3, "lastEventSequence": 3, "entropy": "QWERTYUIOPASDFGHJKLZ"}
        validate(event, "WebhookEvent", "webhooks")
        body = json.dumps(event).encode()
        with httpx.Client(timeout=5) as http:
            assert http.post(f"http://127.0.0.1:{port}/xero/webhook", content=body,
                             headers={"x-xero-signature": signature(body, KEY)}).status_code == 200
        _wait(lambda: c.services.unused_credit(inv.customer_id) == D("22.00"), "the credit note pulled")
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err.decode()
    [note] = c.services.credit_notes(inv.customer_id)
    assert (note.number, note.status, note.remaining_credit) == ("XCN-88", S.SENT, D("22.00"))


def test_a_refund_without_the_payments_scope_stops_the_pass_saying_so(sandbox, xservices, xero_cfg, monkeypatch):
    import tests.fixtures.sync as sync_conftest
    from tui.domain.business import BusinessDetails
    from tui.domain.invoice import LineItem
    from tui.sync import records
    from tui.sync.payments import SCOPE_MESSAGE, needs_payments_scope

    monkeypatch.setattr(sync_conftest, "DEFAULT_SCOPES",
                        "offline_access accounting.invoices accounting.contacts accounting.settings.read")
    xservices.save_business(BusinessDetails(name="Harbour City Plumbing", email="accounts@hcp.example"))
    c = sync_conftest.connect_business(sandbox, xservices, xero_cfg)
    pay_into(c)
    inv = sent_in_xero(c, "TC-0911")
    note = c.services.new_credit_note(inv.customer_id)  # goodwill, not against an invoice: left as credit
    note.lines = [LineItem("Goodwill", D(1), D("20.00"))]
    note = c.services.save_credit_note(note)
    c.services.send_credit_note(note)
    refund = c.services.refund_credit(note.id, D("22.00"), None, PaymentMethod.BANK_TRANSFER)
    assert refund.status is S.REFUNDED

    report = c.sync()
    assert not report.ok and report.message == SCOPE_MESSAGE
    assert xero_notes(c, note.number)[0]["Payments"] == []  # the credit note went; its refund waits
    with c.services.session() as s:
        rec = records.get_record(s, "refund", c.services.credit_note_refunds(note.id)[0].id)
        assert (rec.error_code, rec.error) == ("scope", SCOPE_MESSAGE)
        assert needs_payments_scope(s)


def test_a_refused_allocation_is_a_sync_problem_named_by_its_credit_note_and_retried(connected):
    from tui.sync.status import problems

    c = connected
    first = sent_in_xero(c, "TC-0912")
    c.services.record_payment(first, D("209.00"), c.services.today(), PaymentMethod.CASH)
    note = credit(c, c.services.invoice(first.id), [LinePick(0, quantity=D(1))])  # $104.50 left as credit
    second = sent_in_xero(c, "TC-0913")
    c.services.allocate_credit(note.id, second.id, D("104.50"))
    c.sb.control.pay_invoice("TC-0913", amount="209.00")  # paid in full in Xero meanwhile
    assert c.sync().errors >= 1
    with c.services.session() as s:
        [problem] = [p for p in problems(s) if p.kind == "allocation"]
    assert (problem.title, problem.code, problem.invoice_id) == ("CN-0001 Olivia Nguyen", "allocation", second.id)
    assert "already been paid off" in problem.message

    allocation = c.services.credit_note_allocations(note.id)[0]
    assert c.services.sync.retry(record=("allocation", allocation.id)) == 1  # Retry: Xero refuses it again
    assert c.sync().errors >= 1
    c.services.remove_allocation(allocation.id)  # the fix: the credit stays the customer's
    report = c.sync()
    assert report.ok, report.message
    with c.services.session() as s:
        assert [p for p in problems(s) if p.kind == "allocation"] == []
    assert c.services.credit_note(note.id).remaining_credit == D("104.50")


def test_credit_used_in_xero_on_an_invoice_we_do_not_have_is_not_offered_here(connected):
    from tui.connection.factory import make_api

    c = connected
    inv = sent_in_xero(c, "TC-0914")
    contact = xero_invoice(c, "TC-0914")["Contact"]["ContactID"]
    with make_api(c.cfg, c.tenant_id, "oauth", c.services.secrets) as api:  # an invoice made in Xero alone
        api.post_invoices([{"Type": "ACCREC", "Contact": {"ContactID": contact}, "InvoiceNumber": "XERO-1",
                           "Date": "2026-11-20", "DueDate": "2026-12-04", "Status": "AUTHORISED",
                           "LineItems": [{"Description": "Xero only", "Quantity": 1, "UnitAmount": "100.00",
                                          "AccountCode": "200", "TaxType": "OUTPUT"}]}], "test-xero-only-1")
    made = c.sb.control.create_credit_note(
        Contact={"ContactID": contact}, CreditNoteNumber="XCN-99", Date="2026-11-20",
        LineItems=[{"Description": "Goodwill", "Quantity": "1", "UnitAmount": "50.00", "AccountCode": "200",
                    "TaxType": "OUTPUT"}])
    c.sb.control.allocate_credit_note(made["CreditNoteID"], "XERO-1", amount="22.00")
    c.sb.control.allocate_credit_note(made["CreditNoteID"], "TC-0914", amount="11.00")

    assert c.sync().ok
    [note] = c.services.credit_notes(inv.customer_id)
    assert (note.number, note.status, note.amount_allocated, note.remaining_credit) == (
        "XCN-99", S.PART_ALLOCATED, D("33.00"), D("22.00"))  # $55 less $22 elsewhere and $11 on TC-0914
    assert c.services.unused_credit(inv.customer_id) == D("22.00")
    assert c.services.invoice(inv.id).amount_due == D("198.00")
    with pytest.raises(ValidationError) as err:
        c.services.allocate_credit(note.id, inv.id, D("30.00"))
    assert err.value.errors == {"amount": "More than the credit left on XCN-99 ($22.00)"}


def test_a_new_prefix_numbers_above_what_xero_holds_with_it(connected):
    """ADJ-0041 in Xero (for a contact not ours, so never a credit note here), untouched since the last pull: once
    ADJ- is the prefix, the next pass reads every credit note again (not only what changed), so the next number
    here is ADJ-0042, not a clash at ADJ-0001."""
    c = connected
    inv = sent_in_xero(c, "TC-0912")
    c.sb.control.create_credit_note(
        Contact={"Name": "Someone Else Pty Ltd"}, CreditNoteNumber="ADJ-0041", Date="2026-11-20",
        LineAmountTypes="Exclusive", LineItems=[{"Description": "Goodwill", "Quantity": "1", "UnitAmount": "10.00",
                                                 "AccountCode": "200", "TaxType": "OUTPUT"}])
    c.sb.control.advance_clock(60)  # what Xero changes from now on is a minute newer than ADJ-0041
    credit(c, inv, [LinePick(0, quantity=D("1"))])
    assert c.sync().ok
    assert c.services.next_credit_note_number() == "CN-0002"
    assert all(n.number != "ADJ-0041" for n in c.services.credit_notes(inv.customer_id))

    c.services.set_credit_note_prefix("ADJ-")
    report = c.sync()
    assert report.ok, report.message
    assert c.services.next_credit_note_number() == "ADJ-0042", report.calls_by_endpoint
