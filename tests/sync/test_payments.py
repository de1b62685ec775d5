"""Payments taken here reach Xero over HTTP (the sandbox): part and full payments, removals, refusals, a missing
payment account, a payment made in Xero and here on one invoice, and a syncer killed with its payments in flight."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tests.fixtures.sync import make_invoice, send
from tests.sync.test_kill import _start, kill_at_held_write
from tui.domain.errors import ValidationError
from tui.domain.invoice import InvoiceStatus
from tui.domain.payment import PaymentMethod


def pay_into(c, method: str = "Default", code: str = "090"):
    """Choose a payment account as the Xero screen does: from the accounts Xero offers for payments."""
    account = next(a for a in c.services.connection.payment_chart() if a.code == code)
    return c.services.connection.save_payment_account(method, account)


def sent_in_xero(c, number: str, amount: str = "95.00"):
    """A sent invoice (2 x amount, plus GST) that the sync has put in Xero."""
    inv = send(c.services, make_invoice(c.services, number=number, lines=(("Labour", "2", amount, "Labour"),)))
    assert c.sync().ok
    return c.services.invoice(inv.id)


def xero_payments(c, status: str | None = "AUTHORISED") -> list[dict]:
    """The payments in Xero on this test's invoices (the demo company has payments of its own)."""
    snap = c.sb.control.snapshot()["organisations"][c.tenant_id]["Payments"]
    return [p for p in snap if p["Invoice"]["InvoiceNumber"].startswith("TC-")
            and (status is None or p["Status"] == status)]


def xero_invoice(c, number: str) -> dict:
    return c.xero_invoices(number)[0]


def take(c, inv, amount: str, method=PaymentMethod.CASH, reference: str = "", on: date | None = None):
    return c.services.record_payment(inv, Decimal(amount), on or c.services.today(), method, reference)


def test_a_full_payment_reaches_xero_against_its_account_and_is_not_counted_twice(connected):
    c = connected
    pay_into(c)
    inv = sent_in_xero(c, "TC-0801")
    assert inv.totals.total == Decimal("209.00")
    paid = take(c, inv, "209.00", PaymentMethod.CARD, "receipt 1182")
    assert paid.status is InvoiceStatus.PAID and paid.amount_due == 0

    report = c.sync()
    assert report.ok, report.message
    assert report.calls_by_endpoint.get("put_payments") == 1
    [p] = xero_payments(c)
    assert (Decimal(str(p["Amount"])), p["Reference"], p["Account"]["Code"]) == (209, "Card: receipt 1182", "090")
    assert p["Invoice"]["InvoiceNumber"] == "TC-0801"
    assert xero_invoice(c, "TC-0801")["Status"] == "PAID"
    [mine] = c.services.payments(inv.id)
    assert mine.xero_payment_id == p["PaymentID"]

    assert c.sync().ok  # Xero's invoice, read back with the payment on it: the same payment, not a second one
    again = c.services.invoice(inv.id)
    assert (again.status, again.amount_paid) == (InvoiceStatus.PAID, Decimal("209.00"))
    assert len(c.services.payments(inv.id)) == 1
    assert len(xero_payments(c)) == 1


def test_two_part_payments_go_in_one_request_and_leave_the_rest_due(connected):
    c = connected
    pay_into(c)
    inv = sent_in_xero(c, "TC-0802")
    inv = take(c, inv, "50.00")
    inv = take(c, inv, "100.00", PaymentMethod.BANK_TRANSFER, "NAB 5521")
    assert (inv.status, inv.amount_paid, inv.amount_due) == (InvoiceStatus.SENT, Decimal("150.00"), Decimal("59.00"))

    before = c.writes()
    report = c.sync()
    assert report.ok, report.message
    assert c.writes() - before == 1  # both payments in one PUT /Payments
    assert sorted(p["Reference"] for p in xero_payments(c)) == ["Bank transfer: NAB 5521", "Cash"]
    x = xero_invoice(c, "TC-0802")
    assert (x["Status"], Decimal(str(x["AmountDue"]))) == ("AUTHORISED", 59)

    assert c.sync().ok
    inv = c.services.invoice(inv.id)
    assert (inv.status, inv.amount_paid) == (InvoiceStatus.SENT, Decimal("150.00"))
    assert len(c.services.payments(inv.id)) == 2


def test_removing_a_payment_reverses_it_in_xero(connected):
    c = connected
    pay_into(c)
    inv = sent_in_xero(c, "TC-0803")
    take(c, inv, "209.00")
    assert c.sync().ok
    [payment] = c.services.payments(inv.id)

    back = c.services.remove_payment(payment.id)
    assert (back.status, back.amount_paid, back.amount_due) == (InvoiceStatus.SENT, 0, Decimal("209.00"))
    assert c.services.payments(inv.id) == []

    report = c.sync()
    assert report.ok, report.message
    assert report.calls_by_endpoint.get("delete_payment") == 1
    [deleted] = xero_payments(c, status=None)
    assert deleted["Status"] == "DELETED" and deleted["PaymentID"] == payment.xero_payment_id
    x = xero_invoice(c, "TC-0803")
    assert x["Status"] == "AUTHORISED" and x["Payments"] == []

    assert c.sync().ok
    inv = c.services.invoice(inv.id)
    assert (inv.status, inv.amount_paid) == (InvoiceStatus.SENT, 0)


def test_a_payment_above_the_amount_due_is_refused_with_the_amount_due(connected):
    c = connected
    inv = sent_in_xero(c, "TC-0804")
    inv = take(c, inv, "9.00")
    with pytest.raises(ValidationError) as exc:
        take(c, inv, "200.01")
    assert exc.value.errors == {"amount": "More than the amount due of $200.00"}
    assert len(c.services.payments(inv.id)) == 1


def test_xero_refusing_a_payment_is_a_problem_and_the_payment_stays(connected):
    c = connected
    pay_into(c)
    inv = sent_in_xero(c, "TC-0805")
    c.sb.control.pay_invoice("TC-0805")  # paid in full in Xero meanwhile
    take(c, inv, "50.00")

    report = c.sync()
    assert report.errors == 1
    [problem] = [p for p in c.services.sync.problems() if p.kind == "payment"]
    assert problem.title.startswith("TC-0805")
    assert problem.message.startswith("The Cash payment of $50.00 on TC-0805 was refused by Xero: ")
    assert "AUTHORISED" in problem.message
    assert len(xero_payments(c)) == 1  # only Xero's own
    assert sorted(p.label for p in c.services.payments(inv.id)) == ["Cash", "Paid in Xero"]  # ours stays, for you


def test_no_payment_account_sends_nothing_and_says_which_is_missing(connected):
    c = connected
    pay_into(c, "Cash")
    inv = sent_in_xero(c, "TC-0806")
    inv = take(c, inv, "20.00", PaymentMethod.CHEQUE)
    take(c, inv, "10.00", PaymentMethod.CASH)

    report = c.sync()
    assert report.errors == 1
    assert [p["Reference"] for p in xero_payments(c)] == ["Cash"]
    [problem] = [p for p in c.services.sync.problems() if p.kind == "payment"]
    assert problem.code == "payment_account"
    assert problem.message == ("The Cheque payment of $20.00 on TC-0806: no payment account for Cheque; choose one "
                               "under Payment Accounts on the Xero screen")

    pay_into(c, "Cheque")
    report = c.sync()
    assert report.ok and report.errors == 0, report.message
    assert sorted(p["Reference"] for p in xero_payments(c)) == ["Cash", "Cheque"]
    assert not [p for p in c.services.sync.problems() if p.kind == "payment"]


def test_paid_in_xero_and_here_on_one_invoice_counts_each_payment_once(connected):
    c = connected
    pay_into(c)
    inv = sent_in_xero(c, "TC-0807")
    c.sb.control.pay_invoice("TC-0807", "30.00")  # in Xero
    take(c, inv, "50.00")  # here

    assert c.sync().ok
    assert c.sync().ok
    inv = c.services.invoice(inv.id)
    assert (inv.amount_paid, inv.amount_due) == (Decimal("80.00"), Decimal("129.00"))
    assert sorted((p.label, p.amount) for p in c.services.payments(inv.id)) == [
        ("Cash", Decimal("50.00")), ("Paid in Xero", Decimal("30.00"))]
    assert sorted(Decimal(str(p["Amount"])) for p in xero_payments(c)) == [Decimal("30"), Decimal("50")]
    assert Decimal(str(xero_invoice(c, "TC-0807")["AmountPaid"])) == Decimal("80")


def test_payments_killed_between_write_ahead_and_answer_are_not_sent_twice(connected, tmp_path):
    c = connected
    pay_into(c)
    invoices = [sent_in_xero(c, f"TC-081{n}") for n in range(3)]
    for n, inv in enumerate(invoices):
        take(c, inv, f"{10 + n}.00", reference=f"job {n}")
    log = tmp_path / "sync.log"
    kill_at_held_write(c, log, "/api.xro/2.0/payments", ["PUT"], "the payments request")  # Xero made them
    assert len(xero_payments(c)) == 3
    # a removal made while the syncer was dead, of a payment whose answer never came back
    c.services.remove_payment(c.services.payments(invoices[0].id)[0].id)

    proc = _start(c, log)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err.decode() + log.read_text()
    live = xero_payments(c)
    assert sorted(p["Reference"] for p in live) == ["Cash: job 1", "Cash: job 2"]  # none twice, the removal done
    for n, inv in enumerate(invoices[1:], start=1):
        [mine] = c.services.payments(inv.id)
        assert mine.xero_payment_id in {p["PaymentID"] for p in live}
        assert c.services.invoice(inv.id).amount_paid == Decimal(f"{10 + n}.00")
    assert c.services.invoice(invoices[0].id).amount_paid == 0


def test_paid_on_the_spot_before_any_sync_sends_the_invoice_then_its_payment(connected):
    c = connected
    pay_into(c)
    inv = send(c.services, make_invoice(c.services, number="TC-0820"))
    paid = take(c, inv, "209.00", PaymentMethod.CARD)
    assert paid.status is InvoiceStatus.PAID

    report = c.sync()
    assert report.ok and report.errors == 0, report.message
    x = xero_invoice(c, "TC-0820")
    assert x["Status"] == "PAID" and [p["Reference"] for p in xero_payments(c)] == ["Card"]
    assert c.sync().ok
    assert c.services.invoice(inv.id).status is InvoiceStatus.PAID
    assert len(c.services.payments(inv.id)) == 1


def test_remove_a_payment_then_edit_the_invoice_reaches_xero_in_one_pass(connected):
    """What the app tells users to do: the removal goes before the edit (Xero refuses an edit to an invoice with
    a payment), so one pass carries both, with no Retry."""
    from dataclasses import replace

    c = connected
    pay_into(c)
    for n in range(5):
        number = f"TC-083{n}"
        inv = sent_in_xero(c, number)
        take(c, inv, "50.00")
        assert c.sync().ok
        [payment] = c.services.payments(inv.id)
        inv = c.services.remove_payment(payment.id)
        inv.lines = [replace(inv.lines[0], quantity=Decimal("3"))]
        c.services.save_invoice(inv)

        report = c.sync()
        assert report.ok and report.errors == 0, report.message
        x = xero_invoice(c, number)
        assert x["Payments"] == [] and Decimal(str(x["LineItems"][0]["Quantity"])) == 3
        assert Decimal(str(x["Total"])) == Decimal("313.50")
        [deleted] = [p for p in xero_payments(c, status=None) if p["Invoice"]["InvoiceNumber"] == number]
        assert deleted["Status"] == "DELETED"


def test_an_edit_refused_for_a_payment_removed_meanwhile_is_sent_again_in_the_same_pass(connected):
    """A payment removed (and the invoice edited) while the pass is removing another: the invoice's update meets
    the payment still in Xero and is refused; the pass removes it and sends the update again, no Retry needed."""
    import threading
    from dataclasses import replace

    c = connected
    pay_into(c)
    inv = sent_in_xero(c, "TC-0840")
    take(c, inv, "50.00")
    take(c, c.services.invoice(inv.id), "20.00")
    assert c.sync().ok
    first, second = c.services.payments(inv.id)
    c.services.remove_payment(first.id)
    c.sb.control.inject("hold", 1, path="/api.xro/2.0/payments/", methods=["POST"])  # the first removal waits
    reports = []
    syncing = threading.Thread(target=lambda: reports.append(c.sync()))
    syncing.start()
    try:
        assert c.sb.control.wait_for_held(1, timeout=15)
        fresh = c.services.remove_payment(second.id)  # while the pass is under way
        fresh.lines = [replace(fresh.lines[0], quantity=Decimal("3"))]
        c.services.save_invoice(fresh)
    finally:
        c.sb.control.release_holds()
        syncing.join(30)
    [report] = reports
    x = xero_invoice(c, "TC-0840")
    assert x["Payments"] == [] and Decimal(str(x["LineItems"][0]["Quantity"])) == 3, report.message
    assert report.ok and report.errors == 0, report.message
