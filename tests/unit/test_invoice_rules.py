from datetime import date, datetime, timezone
from decimal import Decimal as D

import pytest

from tui.domain.business import BusinessDetails, is_abn
from tui.domain.customer import Customer
from tui.domain.dates import business_today, format_date, parse_date
from tui.domain.errors import TransitionError, ValidationError
from tui.domain.invoice import Invoice, InvoiceStatus, LineItem, parse_quantity, parse_unit_price

NOW = datetime(2026, 11, 25, 1, 0, tzinfo=timezone.utc)


def draft(**kw) -> Invoice:
    base = dict(customer_id=1, issue_date=date(2026, 11, 1), due_date=date(2026, 11, 15),
                lines=[LineItem("Service call", D("1"), D("120"))])
    return Invoice(**(base | kw))


def test_draft_to_sent_records_who_and_when():
    sent = draft().sent("bob@example.com", NOW)
    assert sent.status is InvoiceStatus.SENT
    assert (sent.sent_to, sent.sent_at) == ("bob@example.com", NOW)


def test_only_drafts_can_be_sent_or_deleted():
    sent = draft().sent("a@b.co", NOW)
    with pytest.raises(TransitionError, match="Only a draft"):
        sent.sent("a@b.co", NOW)
    with pytest.raises(TransitionError, match="void"):
        sent.ensure_deletable()
    draft().ensure_deletable()


def test_void_only_sent_and_unpaid():
    with pytest.raises(TransitionError):
        draft().voided()
    assert draft().sent("a@b.co", NOW).voided().status is InvoiceStatus.VOIDED
    part_paid = draft().sent("a@b.co", NOW).with_payment(D("10"))
    with pytest.raises(TransitionError, match="payments"):
        part_paid.voided()


def test_payment_moves_to_paid_only_when_fully_paid():
    sent = draft().sent("a@b.co", NOW)  # total 132.00
    part = sent.with_payment(D("100"))
    assert part.status is InvoiceStatus.SENT and part.amount_due == D("32.00")
    assert sent.with_payment(D("132.00")).status is InvoiceStatus.PAID


def test_paid_and_voided_cannot_be_edited():
    paid = draft().sent("a@b.co", NOW).with_payment(D("132"))
    with pytest.raises(TransitionError, match="paid"):
        paid.ensure_editable()
    with pytest.raises(TransitionError, match="voided"):
        draft().sent("a@b.co", NOW).voided().ensure_editable()


def test_overdue_uses_the_date_not_the_time():
    sent = draft().sent("a@b.co", NOW)
    assert not sent.is_overdue(date(2026, 11, 15))
    assert sent.is_overdue(date(2026, 11, 16))


def test_validation_names_every_bad_field():
    bad = draft(customer_id=None, due_date=date(2026, 10, 1),
                lines=[LineItem("", D("-1"), D("-5")), LineItem("ok", D("1000000"), D("99999999"))])
    with pytest.raises(ValidationError) as err:
        bad.validate()
    assert set(err.value.errors) == {
        "customer", "due_date", "lines.0.description", "lines.0.quantity", "lines.0.unit_price",
        "lines.1.quantity", "lines.1.unit_price",
    }
    assert err.value.errors["due_date"] == "The due date is before the issue date"


def test_problems_lists_what_validate_refuses_and_nothing_for_a_valid_invoice():
    assert draft().problems() == {}
    bad = draft(customer_id=None, lines=[])
    with pytest.raises(ValidationError) as err:
        bad.validate()
    assert bad.problems() == err.value.errors == {"customer": "Choose a customer", "lines": "Add at least one line"}


def test_quantities_and_unit_prices_are_read_to_xeros_four_decimal_places():
    assert parse_quantity(" 2.5 ") == D("2.5")
    assert parse_unit_price("$1,500.1234") == D("1500.1234")
    with pytest.raises(ValueError, match="at most 4 decimal places for the quantity"):
        parse_quantity("1.23456")
    with pytest.raises(ValueError, match="at most 4 decimal places for the unit price"):
        parse_unit_price("12.34567")
    with pytest.raises(ValueError, match="Type the quantity without commas"):
        parse_quantity("1,500")


def test_sending_an_invalid_invoice_is_refused():
    with pytest.raises(ValidationError):
        draft(lines=[]).sent("a@b.co", NOW)


def test_customer_validation():
    with pytest.raises(ValidationError) as err:
        Customer(name="  ", email="not-an-email", phone="call me").validated()
    assert set(err.value.errors) == {"name", "email", "phone"}
    ok = Customer(name="  Jo Smith ", email=" jo@example.com ").validated()
    assert (ok.name, ok.email) == ("Jo Smith", "jo@example.com")


def test_abn_checksum_and_business_validation():
    assert is_abn("53 004 085 616")
    assert not is_abn("53 004 085 617")
    assert not is_abn("5300408561")
    with pytest.raises(ValidationError) as err:
        BusinessDetails(name="", abn="12 345 678 901", email="x").validated()
    assert set(err.value.errors) == {"name", "abn", "email"}
    assert BusinessDetails(name="X", abn="53004085616").validated().abn == "53 004 085 616"


@pytest.mark.parametrize("text,expected", [("25/11/2026", date(2026, 11, 25)), ("2026-11-25", date(2026, 11, 25)),
                                           ("1-2-2027", date(2027, 2, 1))])
def test_parse_date(text, expected):
    assert parse_date(text, today=date(2026, 11, 25)) == expected
    assert format_date(expected) == expected.strftime("%d/%m/%Y")


@pytest.mark.parametrize("text,message", [("31/02/2026", "not a real date"), ("tomorrow", "not a date"), ("", "Enter")])
def test_parse_date_rejects_impossible_dates(text, message):
    with pytest.raises(ValueError, match=message):
        parse_date(text, today=date(2026, 11, 25))


def test_business_today_is_in_the_business_time_zone():
    late_utc = datetime(2026, 11, 24, 14, 0, tzinfo=timezone.utc)  # 01:00 on the 25th in Sydney
    assert business_today(late_utc, "Australia/Sydney") == date(2026, 11, 25)
    assert business_today(late_utc, "Australia/Perth") == date(2026, 11, 24)
