"""Payments' rules: part payments, never above the amount due (which the message names), sent invoices only,
the invoice's status as payments come and go, the Reference Xero gets."""

from datetime import date
from decimal import Decimal as D

import pytest

from tui.domain.errors import TransitionError, ValidationError
from tui.domain.invoice import Invoice, InvoiceStatus, LineItem
from tui.domain.payment import (
    Payment,
    PaymentMethod,
    PaymentOrigin,
    after_payments,
    ensure_removable,
    new_payment,
    parse_amount,
)

ON = date(2026, 11, 20)


def sent(**kw) -> Invoice:  # $132.00 with GST
    base = dict(customer_id=1, issue_date=date(2026, 11, 1), due_date=date(2026, 11, 15),
                lines=[LineItem("Service call", D("1"), D("120"))], status=InvoiceStatus.SENT, id=7)
    return Invoice(**(base | kw))


def test_a_part_payment_and_the_rest():
    inv = sent()
    first = new_payment(inv, D("100.00"), ON, PaymentMethod.CARD, "  receipt 1182 ")
    assert (first.amount, first.reference, first.invoice_id) == (D("100.00"), "receipt 1182", 7)
    part = after_payments(inv, first.amount)
    assert (part.status, part.amount_due) == (InvoiceStatus.SENT, D("32.00"))
    new_payment(part, D("32.00"), ON, PaymentMethod.CASH)
    assert after_payments(part, D("132.00")).status is InvoiceStatus.PAID


def test_more_than_the_amount_due_is_refused_naming_it():
    inv = sent(amount_paid=D("32.00"))
    with pytest.raises(ValidationError) as exc:
        new_payment(inv, D("100.01"), ON, PaymentMethod.CASH)
    assert exc.value.errors == {"amount": "More than the amount due of $100.00"}


@pytest.mark.parametrize("amount, message", [
    (D("0"), "The amount must be more than zero"),
    (D("-5"), "The amount must be more than zero"),
    (D("1.005"), "Use at most 2 decimal places for the amount"),
])
def test_amounts_refused(amount, message):
    with pytest.raises(ValidationError) as exc:
        new_payment(sent(), amount, ON, PaymentMethod.CASH)
    assert exc.value.errors == {"amount": message}


def test_date_and_reference_checked():
    with pytest.raises(ValidationError) as exc:
        new_payment(sent(), D("1"), date(2026, 10, 31), PaymentMethod.CHEQUE, "x" * 300)
    assert exc.value.errors == {"date": "The payment date is before the invoice's issue date",
                                "reference": "The reference can be at most 247 characters"}


@pytest.mark.parametrize("status", [InvoiceStatus.DRAFT, InvoiceStatus.PAID, InvoiceStatus.VOIDED])
def test_only_a_sent_invoice_takes_payments(status):
    with pytest.raises(TransitionError, match="Only a sent invoice takes payments"):
        new_payment(sent(status=status), D("1"), ON, PaymentMethod.CASH)


def test_removing_the_payment_of_a_paid_invoice_makes_it_sent_again():
    paid = after_payments(sent(), D("132.00"))
    assert paid.status is InvoiceStatus.PAID
    back = after_payments(paid, D("0.00"))
    assert (back.status, back.amount_due) == (InvoiceStatus.SENT, D("132.00"))


def test_only_payments_taken_here_are_removed_here():
    ensure_removable(Payment(7, D("1"), ON, PaymentMethod.CASH))
    with pytest.raises(TransitionError, match="made in Xero: remove it there"):
        ensure_removable(Payment(7, D("1"), ON, None, origin=PaymentOrigin.XERO))


def test_the_reference_xero_gets_and_the_label_shown():
    assert Payment(7, D("1"), ON, PaymentMethod.BANK_TRANSFER, "NAB 5521").xero_reference == \
        "Bank transfer: NAB 5521"
    assert Payment(7, D("1"), ON, PaymentMethod.CASH).xero_reference == "Cash"
    assert Payment(7, D("1"), ON, None, "EFT", PaymentOrigin.XERO).label == "Paid in Xero"


def test_typed_amounts():
    assert parse_amount("$1,500.50") == D("1500.50")
    with pytest.raises(ValueError, match="at most 2 decimal places"):
        parse_amount("1.505")
