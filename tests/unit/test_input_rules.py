"""One reading of what people type: numbers (ASCII digits, one full stop, commas only between thousands, a leading
$), dates (within a window of today) and text (no control characters), each refusal quoting what was typed."""

from datetime import date
from decimal import Decimal as D

import pytest

from tui.domain.business import BusinessDetails, parse_terms
from tui.domain.customer import Customer
from tui.domain.dates import parse_date
from tui.domain.invoice import Invoice, LineItem, parse_quantity, parse_unit_price
from tui.domain.money import parse_whole
from tui.domain.payment import parse_amount
from tui.domain.text import control_problem, visible

TODAY = date(2026, 11, 25)

ACCEPTED = [
    ("12", D("12")), ("12.50", D("12.50")), ("$12.50", D("12.50")), ("$ 12.50", D("12.50")), (" 7 ", D("7")),
    (".5", D("0.5")), ("5.", D("5")), ("0.01", D("0.01")), ("1,500", D("1500")), ("1,500.25", D("1500.25")),
    ("12,000,000", D("12000000")), ("999,999,999,999.99", D("999999999999.99")), ("007", D("7")),
]
REFUSED = [
    ("1_5", "'1_5' is not a number"),  # Python's Decimal reads 15
    ("1_000.00", "'1_000.00' is not a number"),
    ("\u0661\u0662", "'\u0661\u0662' is not a number: type the digits 0-9"),  # Arabic-Indic 12
    ("\uff11\uff12", "'\uff11\uff12' is not a number: type the digits 0-9"),  # full-width 12
    ("\u0967\u0968", "is not a number: type the digits 0-9"),  # Devanagari 12
    ("1e30", "'1e30' is not a number"),
    ("1E3", "'1E3' is not a number"),
    ("NaN", "'NaN' is not a number"), ("Infinity", "'Infinity' is not a number"), ("inf", "'inf' is not a number"),
    ("0x10", "'0x10' is not a number"), ("1.2.3", "'1.2.3' is not a number"), ("1..2", "'1..2' is not a number"),
    ("+5", "'+5' is not a number"), ("-5", "cannot be negative ('-5')"), ("5-", "'5-' is not a number"),
    ("$$5", "'$$5' is not a number"), ("5$", "'5$' is not a number"), ("1 000", "'1 000' is not a number"),
    ("1,5", "Use a full stop for decimals ('1.5', not '1,5')"), ("1,2,3", "'1,2,3' is not a number"),
    ("12,34,567", "'12,34,567' is not a number"), (",5", "',5' is not a number"), ("1,", "'1,' is not a number"),
    ("1,500.5,0", "'1,500.5,0' is not a number"), ("1.500,00", "'1.500,00' is not a number"),
    ("1\x005", "'1\u24005' is not a number"), ("\x1b[31m5", "'\u241b[31m5' is not a number"),
    (".", "'.' is not a number"), ("$", "Enter the amount"), ("", "Enter the amount"),
    ("1234567890123", "'1234567890123' is too large for the amount"),
    ("1.234", "Use at most 2 decimal places for the amount ('1.234')"),
]


@pytest.mark.parametrize("text,expected", ACCEPTED)
def test_amounts_people_type_are_read_exactly(text, expected):
    assert parse_amount(text) == expected
    assert parse_amount(text).as_tuple() == expected.as_tuple()


@pytest.mark.parametrize("text,message", REFUSED)
def test_anything_else_is_refused_with_what_was_typed(text, message):
    with pytest.raises(ValueError) as err:
        parse_amount(text)
    assert message in str(err.value)
    assert not any(ord(c) < 32 or 127 <= ord(c) < 160 for c in str(err.value)), "a message writes what it quotes"


@pytest.mark.parametrize("text", ["1_5", "\u0661\u0662", "\uff11\uff12", "1e3", "1,500", "-1"])
def test_quantities_and_prices_read_the_same_way(text):
    with pytest.raises(ValueError):
        parse_quantity(text)
    if text != "1,500":
        with pytest.raises(ValueError):
            parse_unit_price(text)
    assert parse_unit_price("1,500") == D("1500")


@pytest.mark.parametrize("text,expected", [("0", 0), ("14", 14), ("365", 365), (" 30 ", 30)])
def test_whole_numbers(text, expected):
    assert parse_terms(text) == expected


@pytest.mark.parametrize("text,message", [
    ("1_4", "'1_4' is not a whole number"), ("\uff11\uff14", "not a whole number"),
    ("366", "The number of days must be 0 to 365, not 366"), ("-1", "'-1' is not a whole number"),
    ("14.0", "'14.0' is not a whole number"), ("", "Enter the number of days, 0 to 365"),
])
def test_whole_numbers_refused(text, message):
    with pytest.raises(ValueError, match=message):
        parse_terms(text)


def test_ports():
    assert parse_whole("587", what="port", low=1, high=65535) == 587
    for text in ("5_87", "0", "65536", "\uff15\uff18\uff17", "587.0"):
        with pytest.raises(ValueError):
            parse_whole(text, what="port", low=1, high=65535)


@pytest.mark.parametrize("text,expected", [
    ("25/11/2026", date(2026, 11, 25)), ("1/2/2027", date(2027, 2, 1)), ("01-02-2027", date(2027, 2, 1)),
    ("2026-11-25", date(2026, 11, 25)), ("25/11/2016", date(2016, 11, 25)), ("25/11/2027", date(2027, 11, 25)),
])
def test_dates_within_ten_years_back_and_one_ahead(text, expected):
    assert parse_date(text, today=TODAY) == expected


@pytest.mark.parametrize("text,message", [
    ("01/01/9999", "'01/01/9999' is more than a year ahead: a date up to 25/11/2027"),
    ("26/11/2027", "more than a year ahead"),
    ("24/11/2016", "'24/11/2016' is more than 10 years ago: a date from 25/11/2016"),
    ("01/01/0001", "more than 10 years ago"),
    ("\u0662\u0665/\u0661\u0661/\u0662\u0660\u0662\u0666", "is not a date: use DD/MM/YYYY"),
    ("\uff12\uff15/11/2026", "is not a date"), ("25/11-2026", "'25/11-2026' is not a date"),
    ("25/11/26", "'25/11/26' is not a date"), ("2026-1-5", "'2026-1-5' is not a date"),
    ("31/02/2026", "'31/02/2026' is not a real date"), ("25/11/2026\x1b", "'25/11/2026\u241b' is not a date"),
])
def test_dates_refused(text, message):
    with pytest.raises(ValueError) as err:
        parse_date(text, today=TODAY)
    assert message in str(err.value)


def test_a_due_date_may_be_two_years_ahead():
    assert parse_date("25/11/2028", today=TODAY, years_ahead=2) == date(2028, 11, 25)


def test_the_window_from_29_february():
    assert parse_date("28/02/2014", today=date(2024, 2, 29)) == date(2014, 2, 28)
    with pytest.raises(ValueError, match="a date from 28/02/2014"):
        parse_date("27/02/2014", today=date(2024, 2, 29))


@pytest.mark.parametrize("ch,name", [("\x00", "NUL"), ("\x1b", "ESC"), ("\t", "tab"), ("\n", "line break"),
                                     ("\x7f", "DEL"), ("\x9b", "U+009B"), ("\x85", "U+0085")])
def test_control_characters_are_named_and_shown_harmlessly(ch, name):
    message = control_problem(f"Jo{ch}Smith", "name")
    assert message is not None and f"({name}) at character 3" in message
    assert control_problem("Jo Smith — Ōtautahi ✓", "name") is None
    assert not any(ord(c) < 32 or 127 <= ord(c) < 160 for c in message)


def test_visible():
    assert visible("a\x1b]0;title\x07b") == "a\u241b]0;title\u2407b"
    assert visible("plain") == "plain"


def test_records_refuse_control_characters_in_every_text_field():
    with pytest.raises(ValueError) as err:
        Customer(name="Jo\x00", email="jo@example.com", phone="0412 555 018", address="1 St\x1b]0;x\x07",
                 first_name="Jo\x9b", last_name="Smith", postal_address="PO Box\x7f1").validated()
    assert set(err.value.errors) == {"name", "address", "first_name", "postal_address"}
    inv = Invoice(customer_id=1, issue_date=TODAY, due_date=TODAY, number="INV-1\x1b", reference="PO\x00",
                  lines=[LineItem("Tap\x9b", D(1), D(1))])
    assert set(inv.problems()) == {"number", "reference", "lines.0.description"}
    with pytest.raises(ValueError) as err:
        BusinessDetails(name="Acme\x07", address="\x00").validated()
    assert set(err.value.errors) == {"name", "address"}
