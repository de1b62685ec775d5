"""Replies Xero should never send (an HTML page, a JSON array, an object without the collection), over HTTP:
every API method and the token endpoint raise UnexpectedReply, with the HTTP status and a short, safe excerpt."""

from __future__ import annotations

import logging

import pytest

from tui.xero.errors import UnexpectedReply, XeroError

KINDS = ("html", "json_list", "no_collection")
EXCERPTS = {"html": "<!DOCTYPE html> <html> <head><title>Scheduled maintenance", "json_list": '[{"Status":"OK"}]',
            "no_collection": '{"Id":"'}
CALLS = {
    "connections": ("GET", "/connections", lambda api: api.connections()),
    "organisation": ("GET", "/api.xro/2.0/organisation", lambda api: api.organisation()),
    "accounts": ("GET", "/api.xro/2.0/accounts", lambda api: api.accounts()),
    "tax rates": ("GET", "/api.xro/2.0/taxrates", lambda api: api.tax_rates()),
    "contacts page": ("GET", "/api.xro/2.0/contacts", lambda api: api.contacts_page()),
    "invoices page": ("GET", "/api.xro/2.0/invoices", lambda api: api.invoices_page()),
    "put contacts": ("PUT", "/api.xro/2.0/contacts", lambda api: api.put_contacts([{"Name": "A"}], "k-1")),
    "post contacts": ("POST", "/api.xro/2.0/contacts", lambda api: api.post_contacts([{"Name": "A"}], "k-2")),
    "post invoices": ("POST", "/api.xro/2.0/invoices", lambda api: api.post_invoices([{"Type": "ACCREC"}], "k-4")),
}


def _one_line_with_status_and_excerpt(message: str, kind: str) -> None:
    assert "\n" not in message and "HTTP 200" in message
    assert EXCERPTS[kind] in message, message
    assert len(message) < 300


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("call", list(CALLS))
def test_every_method_refuses_a_reply_it_cannot_use(api, sandbox, connected, call, kind):
    method, path, run = CALLS[call]
    sandbox.control.reset_counters()
    sandbox.control.inject(kind, path=path, methods=[method])
    with pytest.raises(UnexpectedReply) as info:
        run(api)
    _one_line_with_status_and_excerpt(str(info.value), kind)
    assert info.value.status == 200
    tokens = connected.current()
    assert tokens.access_token not in str(info.value) and tokens.refresh_token not in str(info.value)
    assert sandbox.control.counters()["requests"][f"{method} {path}"] == 1  # not retried: the pass decides
    assert run(api) is not None  # the next reply is fine, and so is the client


@pytest.mark.parametrize("kind", KINDS)
def test_a_token_reply_it_cannot_use_is_unexpected_and_keeps_the_stored_set(api, sandbox, connected, kind, caplog):
    caplog.set_level(logging.DEBUG)
    before = connected.current()
    sandbox.control.advance_clock(1800)  # the access token expired: the next call refreshes first
    sandbox.control.inject(kind, path="/connect/token")
    with pytest.raises(XeroError) as info:
        api.organisation()
    assert isinstance(info.value, UnexpectedReply), repr(info.value)
    _one_line_with_status_and_excerpt(str(info.value), kind)
    assert connected.current() == before  # nothing half-stored: the next refresh sends the same refresh token
    assert api.organisation()["Name"] == "Demo Company (AU)"
    after = connected.current()
    for secret in (before.access_token, before.refresh_token, after.access_token, after.refresh_token):
        assert secret not in caplog.text


def test_the_excerpt_never_carries_a_token():
    from tui.xero.replies import excerpt

    token = "eyJhbGciOiJSUzI1NiIsImtpZCI6IjFDQUY4RTY2NzcyRDZEQzAyOEQ2NzI2RkQwMjYxNTgxNTcwRUZDMTkiLCJ0eXAiOiJKV1QifQ"
    body = ('{"refresh_token": "f00dfeedf00dfeedf00dfeed", "note": "' + token + '",\n'
            '"client_secret": "s3cr3t", "more": "' + "x" * 300 + '"}').encode()
    text = excerpt(body)
    assert "f00dfeed" not in text and token[:20] not in text and "s3cr3t" not in text
    assert "\n" not in text and len(text) <= 121
    assert excerpt(b"") == ""
    assert excerpt("\u00e9t\u00e9 \x00\x1b[31m  done".encode()) == "\u00e9t\u00e9 [31m done"


@pytest.mark.parametrize("call", ["put contacts", "post contacts", "post invoices"])
def test_a_write_reply_short_of_a_record_is_unexpected(api, sandbox, connected, call):
    method, path, run = CALLS[call]
    sandbox.control.inject("empty_collection", path=path, methods=[method])
    with pytest.raises(UnexpectedReply) as info:
        run(api)
    key = path.rsplit("/", 1)[1].capitalize()
    assert f"(HTTP 200, 0 {key} in reply to 1)" in str(info.value), str(info.value)
