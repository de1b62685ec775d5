"""The sync benchmark's naive baseline client (:mod:`tui.bench.naive`): one record per HTTP call, as the sandbox
counts them, and a 429 waited out as Xero asks."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tui.bench.naive import NaiveClient
from tui.sandbox.harness import run_sandbox


@pytest.fixture(scope="module")
def sb():
    with run_sandbox() as sb:
        yield sb


def _invoice(contact_id: str, number: str) -> dict:
    return {"Type": "ACCREC", "Contact": {"ContactID": contact_id}, "InvoiceNumber": number, "Status": "AUTHORISED",
            "LineItems": [{"Description": "Job", "Quantity": Decimal("1.5"), "UnitAmount": Decimal("95.1234"),
                           "AccountCode": "200"}]}


def test_each_contact_and_invoice_is_one_call(sb):
    sb.reset()
    token = sb.custom_token()
    with NaiveClient(sb.base_url, sb.demo_tenant_id, lambda: token) as client:
        assert client.contact_id("Naive Test Pty Ltd") is None
        contact_id = client.create_contact({"Name": "Naive Test Pty Ltd"})
        assert client.contact_id("Naive Test Pty Ltd") == contact_id
        first = client.create_invoice(_invoice(contact_id, "NB-1"))
        client.create_invoice(_invoice(contact_id, "NB-2"))
    assert first["InvoiceNumber"] == "NB-1" and first["LineItems"][0]["UnitAmount"] == Decimal("95.1234")
    assert sb.control.counters()["requests"] == {"GET /api.xro/2.0/contacts": 2, "PUT /api.xro/2.0/contacts": 1,
                                                 "PUT /api.xro/2.0/invoices": 2}
    numbers = [i["InvoiceNumber"] for i in sb.control.snapshot()["organisations"][sb.demo_tenant_id]["Invoices"]]
    assert numbers.count("NB-1") == 1 and numbers.count("NB-2") == 1


def test_a_429_is_waited_out_and_tried_again(sb):
    sb.reset()
    token = sb.custom_token()
    sb.control.inject("429", 1, seconds=0)
    with NaiveClient(sb.base_url, sb.demo_tenant_id, lambda: token) as client:
        assert client.contact_id("Nobody Here") is None
    assert sb.control.counters()["requests"] == {"GET /api.xro/2.0/contacts": 2}
