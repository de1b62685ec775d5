"""Xero's filter language, dates and money formats, and the state file, without a server."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from tui.sandbox.harness import fresh_state
from tui.sandbox.persistence import load, save
from tui.sandbox.query import QueryError, id_list, paginate, where_filter
from tui.sandbox.wire import dumps, ms_date, parse_date, parse_if_modified_since

FIELDS = {"name", "status", "total", "date", "contact.contactid", "emailaddress"}
ROW = {"name": 'Jo "Sparky" O\'Brien', "status": "AUTHORISED", "total": Decimal("110.00"),
       "date": date(2026, 11, 20), "contact.contactid": "abc-def", "emailaddress": None}


@pytest.mark.parametrize("expr,expected", [
    ('Status=="AUTHORISED"', True),
    ('status == "AUTHORISED" AND Total > 100', True),
    ('Status=="DRAFT" OR (Total>=110 && Total<=110)', True),
    ('NOT Status=="DRAFT"', True),
    ('!(Status=="AUTHORISED")', False),
    ('Name=="Jo \\"Sparky\\" O\'Brien"', True),
    ('Name=="Jo ""Sparky"" O\'Brien"', True),
    ('Name.Contains("Sparky")', True),
    ('Name.ToLower().StartsWith("jo")', True),
    ('Name.EndsWith("x")', False),
    ("Date>=DateTime(2026, 11, 01) AND Date<DateTime(2026,11,21)", True),
    ('Date==DateTime("2026-11-20")', True),
    ('Contact.ContactID==Guid("ABC-DEF")', True),
    ("EmailAddress==null", True),
    ("EmailAddress!=null", False),
    ('Total=="110"', True),
])
def test_where(expr, expected):
    assert where_filter(expr, FIELDS, "Invoice")(ROW) is expected


@pytest.mark.parametrize("expr", ['Colour=="red"', 'Status=="x', "Status==", 'Name.Shout()', "Total > > 1"])
def test_where_errors(expr):
    with pytest.raises(QueryError):
        where_filter(expr, FIELDS, "Invoice")(ROW)


def test_empty_where_means_no_filter():
    assert where_filter("  ", FIELDS, "Invoice") is None


def test_id_lists_and_paging():
    assert id_list('"INV-1", "INV-2",') == ["INV-1", "INV-2"]
    page = paginate(list(range(250)), "3", None)
    assert page.items == list(range(200, 250))
    assert page.pagination == {"page": 3, "pageSize": 100, "pageCount": 3, "itemCount": 250}
    assert paginate([1], "1", "5000").pagination["pageSize"] == 1000
    with pytest.raises(QueryError):
        paginate([1], "one", None)


def test_dates():
    assert ms_date(date(2026, 11, 20)) == "/Date(1795132800000+0000)/"
    assert ms_date(datetime(2026, 11, 20, 0, 0, 1, 500000, tzinfo=UTC)) == "/Date(1795132801500+0000)/"
    assert parse_date("/Date(1795132800000+1100)/") == date(2026, 11, 20)
    assert parse_date("/Date(1795132800000-0500)/") == date(2026, 11, 19)
    assert parse_date("20/11/2026") is None
    assert parse_if_modified_since("2020-02-06T12:17:43.202-08:00") == datetime(2020, 2, 6, 20, 17, 43, 202000,
                                                                                tzinfo=UTC)
    assert parse_if_modified_since("Thu, 06 Feb 2020 20:17:43 GMT") == datetime(2020, 2, 6, 20, 17, 43, tzinfo=UTC)
    assert parse_if_modified_since("yesterday") is None


def test_money_keeps_its_digits():
    assert dumps({"Total": Decimal("40.00"), "Rate": Decimal("1.000000"), "Items": [Decimal("-0.05"), "x", None]}) \
        == '{"Total":40.00,"Rate":1.000000,"Items":[-0.05,"x",null]}'


def test_state_file_round_trip(tmp_path):
    state = fresh_state()
    state.clock.advance(3600)
    path = tmp_path / "state.json"
    save(state, path)
    again = load(path)
    assert again.credentials() == state.credentials()
    assert again.clock.offset_seconds == 3600
    org, org2 = state.organisation(), again.organisation()
    assert org2.invoices == org.invoices and org2.accounts == org.accounts and org2.contacts == org.contacts
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]


def test_state_file_from_another_format_is_refused(tmp_path):
    path = tmp_path / "state.json"
    path.write_text('{"format": 99}')
    with pytest.raises(ValueError):
        load(path)
