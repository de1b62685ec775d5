from decimal import Decimal as D

import pytest

from tui.domain.invoice import LineItem, totals
from tui.domain.money import cents, format_money, parse_decimal
from tui.domain.tax import GST, GST_FREE, LineAmountTypes, line_tax


def test_cents_rounds_half_away_from_zero():
    assert cents(D("0.005")) == D("0.01")
    assert cents(D("-0.005")) == D("-0.01")
    assert cents(D("2.675")) == D("2.68")  # a float would give 2.67


@pytest.mark.parametrize(
    "text,places,expected",
    [("12", 2, D("12")), ("$1,234.5", 2, D("1234.5")), (" 0.1234 ", 4, D("0.1234")), ("1.5", 2, D("1.5")),
     ("1,500", 2, D("1500")), ("1,500.00", 2, D("1500.00")), ("12,000,000", 2, D("12000000"))],
)
def test_parse_decimal_accepts_what_people_type(text, places, expected):
    assert parse_decimal(text, places=places, what="price", thousands=True) == expected


@pytest.mark.parametrize("thousands", [True, False])
@pytest.mark.parametrize("text", ["1,5", "1,50", "$2,5", "1,5000", "0,25"])
def test_a_decimal_comma_is_refused_not_read_as_thousands(text, thousands):
    with pytest.raises(ValueError, match="Use a full stop for decimals"):
        parse_decimal(text, places=4, what="quantity", thousands=thousands)


@pytest.mark.parametrize("text", ["1,2,3", "1,500,5", "12,34,567", ",5", "1,"])
def test_other_commas_are_not_a_number(text):
    with pytest.raises(ValueError, match="is not a number"):
        parse_decimal(text, places=4, what="unit price", thousands=True)


def test_a_quantity_takes_no_thousands_separator():
    assert parse_decimal("1.5", places=4, what="quantity") == D("1.5")
    with pytest.raises(ValueError, match="Type the quantity without commas"):
        parse_decimal("1,500", places=4, what="quantity")


@pytest.mark.parametrize(
    "text,message",
    [("", "Enter the price"), ("abc", "is not a number"), ("1.23456", "at most 4 decimal places"), ("NaN", "not a number")],
)
def test_parse_decimal_rejects_with_a_message(text, message):
    with pytest.raises(ValueError, match=message):
        parse_decimal(text, places=4, what="price")


def test_format_money():
    assert format_money(D("1234.5")) == "$1,234.50"
    assert format_money(D("-12")) == "-$12.00"


def test_tax_is_rounded_per_line_like_xero():
    # Three lines of $0.05 + GST: per line 0.005 -> 0.01 each, so 0.03; rounding the sum would give 0.02.
    lines = [LineItem("washer", D("1"), D("0.05")) for _ in range(3)]
    t = totals(lines, LineAmountTypes.EXCLUSIVE)
    assert (t.subtotal, t.tax, t.total) == (D("0.15"), D("0.03"), D("0.18"))


def test_inclusive_prices_back_out_gst_per_line():
    lines = [LineItem("call-out", D("1"), D("165.00")), LineItem("part", D("3"), D("33.335"))]
    t = totals(lines, LineAmountTypes.INCLUSIVE)
    # 165.00 incl -> 15.00 GST; 3 x 33.335 = 100.005 -> 100.01 incl -> 9.09 GST
    assert t.tax == D("24.09")
    assert t.total == D("265.01")
    assert t.subtotal == D("240.92")


def test_four_decimal_unit_price_line_amount():
    line = LineItem("pipe", D("7"), D("2.3456"))
    assert line.line_amount == D("16.42")  # 16.4192
    assert line.tax(LineAmountTypes.EXCLUSIVE) == D("1.64")


def test_gst_free_and_no_tax():
    assert line_tax(D("100"), GST_FREE, LineAmountTypes.EXCLUSIVE) == D("0.00")
    assert line_tax(D("100"), GST, LineAmountTypes.NO_TAX) == D("0.00")
    assert line_tax(D("100"), GST, LineAmountTypes.EXCLUSIVE) == D("10.00")
