from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from tui.xero import wire


def test_ms_date_parses_to_utc():
    assert wire.parse_datetime("/Date(1541176648927+0000)/") == datetime(
        2018, 11, 2, 16, 37, 28, 927000, tzinfo=timezone.utc
    )
    # the offset only says how the organisation displays it; the milliseconds are UTC
    assert wire.parse_datetime("/Date(1541176648927+1300)/") == wire.parse_datetime("/Date(1541176648927)/")


def test_negative_ms_date():
    assert wire.parse_datetime("/Date(-86400000+0000)/") == datetime(1969, 12, 31, tzinfo=timezone.utc)


def test_iso_datetime_with_seven_fraction_digits():
    assert wire.parse_datetime("2019-12-07T18:46:19.5165400") == datetime(
        2019, 12, 7, 18, 46, 19, 516540, tzinfo=timezone.utc
    )
    assert wire.parse_datetime("2019-12-07T18:46:19Z").tzinfo == timezone.utc


def test_parse_date_from_both_forms():
    assert wire.parse_date("/Date(1552262400000+0000)/") == date(2019, 3, 11)
    assert wire.parse_date("2019-03-11T00:00:00") == date(2019, 3, 11)


def test_format_round_trips():
    moment = datetime(2026, 11, 25, 1, 2, 3, 456000, tzinfo=timezone.utc)
    assert wire.format_datetime(moment) == "/Date(1795568523456+0000)/"
    assert wire.parse_datetime(wire.format_datetime(moment)) == moment
    assert wire.parse_date(wire.format_datetime(date(2026, 2, 28))) == date(2026, 2, 28)
    aest = timezone(timedelta(hours=10))
    assert wire.format_datetime(moment.astimezone(aest)) == wire.format_datetime(moment)


def test_format_date_and_modified_since():
    assert wire.format_date(date(2026, 1, 5)) == "2026-01-05"
    since = datetime(2026, 11, 25, 10, 0, 0, 123456, tzinfo=timezone(timedelta(hours=10)))
    assert wire.format_modified_since(since) == "2026-11-25T00:00:00.123+00:00"


def test_decimals_survive_json_both_ways():
    body = wire.loads('{"Total": 0.1, "Lines": [{"UnitAmount": 12.3456, "Quantity": 3}], "Big": 12345678901234567.89}')
    assert body["Total"] == Decimal("0.1")
    assert body["Lines"][0]["UnitAmount"] == Decimal("12.3456")
    assert body["Lines"][0]["Quantity"] == 3
    assert body["Big"] == Decimal("12345678901234567.89")
    text = wire.dumps({"Total": Decimal("0.10"), "Big": Decimal("12345678901234567.89"), "Name": 'A "b"', "Ok": True})
    assert text == '{"Total":0.10,"Big":12345678901234567.89,"Name":"A \\"b\\"","Ok":true}'
    assert wire.loads(text)["Big"] == Decimal("12345678901234567.89")


def test_dumps_refuses_floats_and_nan():
    with pytest.raises(TypeError):
        wire.dumps({"Total": 0.1})
    with pytest.raises(ValueError):
        wire.dumps(Decimal("NaN"))


@pytest.mark.parametrize(
    "name, literal",
    [
        ("Plain Name", '"Plain Name"'),
        ('Bob "The Builder"', '"Bob ""The Builder"""'),
        ("O'Brien & Sons <Pty>", '"O\'Brien & Sons <Pty>"'),
        ('"', '""""'),
        ("back\\slash", '"back\\slash"'),
    ],
)
def test_where_literal(name, literal):
    assert wire.where_literal(name) == literal


def test_where_literal_rejects_control_chars_and_bad_fields():
    with pytest.raises(ValueError):
        wire.where_literal("a\nb")
    with pytest.raises(ValueError):
        wire.where_equals('Name=="x" || 1', "y")
    assert wire.where_equals("EmailAddress", "a@b.c") == 'EmailAddress=="a@b.c"'


def test_validation_messages():
    element = {"ValidationErrors": [{"Message": "Email is invalid"}, {"Message": ""}, {}]}
    assert wire.validation_messages(element) == ["Email is invalid"]
    assert wire.validation_messages({}) == []
