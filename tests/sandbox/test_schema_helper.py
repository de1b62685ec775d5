"""The schema checker itself: strict about unknown fields, types and enums."""

from __future__ import annotations

from tests.xero_schema import errors

GOOD = {"Accounts": [{"AccountID": "5b2b48d8-1ea4-4c79-ae8c-9e3356b1103f", "Code": "200", "Name": "Sales",
                      "Type": "REVENUE", "Status": "ACTIVE", "Class": "REVENUE"}]}


def test_a_conforming_body_passes():
    assert errors(GOOD, "Accounts") == []


def test_an_unknown_field_fails_even_where_the_spec_is_silent():
    body = {"Accounts": [dict(GOOD["Accounts"][0], Colour="blue")]}
    assert any("Colour" in e for e in errors(body, "Accounts"))
    assert errors({"Id": "x", **GOOD}, "Accounts")  # Xero's envelope fields are not in the spec's schemas


def test_a_wrong_enum_or_type_fails():
    assert errors({"Accounts": [dict(GOOD["Accounts"][0], Status="GONE")]}, "Accounts")
    assert errors({"Accounts": [dict(GOOD["Accounts"][0], Code=200)]}, "Accounts")
    assert errors({"Accounts": [dict(GOOD["Accounts"][0], AccountID="not-a-uuid")]}, "Accounts")


def test_nested_references_are_strict_too():
    invoice = {"Invoices": [{"Type": "ACCREC", "Contact": {"Name": "A", "Mood": "happy"},
                             "LineItems": [{"Description": "x", "Quantity": 1.0, "Glitter": True}]}]}
    found = errors(invoice, "Invoices")
    assert any("Mood" in e for e in found) and any("Glitter" in e for e in found)


def test_identity_and_local_schemas():
    assert errors([{"id": "5b2b48d8-1ea4-4c79-ae8c-9e3356b1103f", "tenantType": "ORGANISATION"}][0],
                  "Connection", "identity") == []
    assert errors({"access_token": "a", "expires_in": 1800, "token_type": "Bearer", "scope": "x"},
                  "AccessToken", "identity")
    assert errors({"error": "invalid_grant"}, "OAuthError", "local") == []
    assert errors({"error": "nope"}, "OAuthError", "local")


def test_webhook_payloads():
    url = "https://api.xero.com/api.xro/2.0/Invoices/717f2bfc-c6d4-41fd-b238-3f2f0c0cf777"
    event = {"events": [{"resourceUrl": url,
                         "resourceId": "717f2bfc-c6d4-41fd-b238-3f2f0c0cf777", "eventDateUtc": "2026-11-24T23:00:00",
                         "eventType": "UPDATE", "eventCategory": "INVOICE",
                         "tenantId": "c2cc9b6e-9458-4c7d-93cc-f02b81b0594f", "tenantType": "ORGANISATION"}],
             "firstEventSequence": 1, "lastEventSequence": 1, "entropy": "S0m3r4Nd0mt3xt"}
    assert errors(event, "WebhookEvent", "webhooks") == []
    wrong = dict(event, events=[dict(event["events"][0], eventCategory="QUOTE", colour="red")])
    found = errors(wrong, "WebhookEvent", "webhooks")
    assert any("QUOTE" in e for e in found) and any("colour" in e for e in found)
