"""Every operation Xero's OpenAPI spec defines for the resources the sandbox holds (Accounts, Contacts, Invoices,
Payments, CreditNotes) is either served or answered with Xero's Error shape (501, `tui.sandbox.left_out`): never a
404 or 405 from the router. The spec's own list of operations is walked (tests/schema/xero_schema.json, written from
the spec), so an operation a newer spec adds is noticed. Every reply, refusals included, carries the rate-limit
headers."""

from __future__ import annotations

import functools
import json
import re

from tests.xero_schema import FACTS
from tui.sandbox.left_out import LEFT_OUT

RESOURCES = ("Accounts", "Contacts", "Invoices", "Payments", "CreditNotes")
LIMIT_HEADERS = ("X-MinLimit-Remaining", "X-DayLimit-Remaining", "X-AppMinLimit-Remaining")


@functools.cache
def _operations() -> list[tuple[str, str, str]]:
    """The spec's operations on those resources, from the facts written from it (tests/schema/make_schema.py)."""
    operations = json.loads(FACTS.read_text(encoding="utf-8"))["operations"]["accounting"]
    return [(method, path, operation) for method, path, operation in operations
            if path.strip("/").split("/")[0] in RESOURCES]


def _template(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "{}", path)


def _ids(sandbox) -> dict[str, str]:
    org = sandbox.state.organisations[sandbox.demo_tenant_id]
    invoice = next(iter(org.invoices.values()))
    contact = next(iter(org.contacts.values()))
    note = sandbox.control.create_credit_note(Contact={"Name": "Marine Systems"}, LineItems=[
        {"Description": "Returned part", "UnitAmount": "10.00", "AccountCode": "200"}])
    owed = next(i for i in org.invoices.values() if i.status == "AUTHORISED"
                and org.contacts[i.contact_id].name == "Marine Systems")
    allocation = sandbox.control.allocate_credit_note(note["CreditNoteID"], owed.invoice_id)
    return {"Accounts": next(iter(org.accounts.values())).account_id, "Contacts": contact.contact_id,
            "Invoices": invoice.invoice_id, "Payments": next(iter(org.payments.values())).payment_id,
            "CreditNotes": note["CreditNoteID"], "{AllocationID}": allocation["AllocationID"]}


def _url(path: str, ids: dict[str, str]) -> str:
    resource = path.strip("/").split("/")[0]
    parts = path.split("/")
    filled = [ids[resource] if i == 2 and p.startswith("{") else ids.get(p, "receipt.pdf") if p.startswith("{")
              else p for i, p in enumerate(parts)]
    return "/api.xro/2.0" + "/".join(filled)


def test_every_spec_operation_is_served_or_refused_in_xeros_shape(sandbox, http, custom):
    sandbox.control.configure(minute_limit=200)  # the walk makes more calls than Xero's 60 a minute
    left_out = {(m, _template(p)) for m, p, _ in LEFT_OUT}
    ids = _ids(sandbox)
    seen = []
    for method, path, operation in _operations():
        response = http.request(method, _url(path, ids), headers=custom, json={} if method in ("PUT", "POST")
                                else None, params={"pageSize": 3} if method == "GET" and path.count("/") == 1
                                else None)  # every body checked against the spec by the client's hook
        seen.append(operation)
        assert response.status_code not in (404, 405), f"{operation}: {method} {path} -> {response.status_code}"
        if (method, _template(path)) in left_out:
            assert response.status_code == 501, operation
            assert response.json()["Type"] == "NotImplementedException"
        else:
            assert response.status_code in (200, 400), f"{operation}: {response.status_code} {response.text[:200]}"
        assert all(h in response.headers for h in LIMIT_HEADERS), operation
    assert {"getPayment", "getInvoice", "getContact", "getAccount", "createPayments", "deletePayment",
            "getCreditNote", "createCreditNoteAllocation", "deleteCreditNoteAllocations"} <= set(seen)
    assert len(left_out) == len(LEFT_OUT)  # each left-out operation names a spec operation
    assert left_out <= {(m, _template(p)) for m, p, _ in _operations()}


def test_get_payment_by_id(sandbox, http, custom):
    ids = _ids(sandbox)
    one = http.get(f"/api.xro/2.0/Payments/{ids['Payments']}", headers=custom)
    assert one.status_code == 200 and [p["PaymentID"] for p in one.json()["Payments"]] == [ids["Payments"]]
    assert http.get("/api.xro/2.0/Payments/00000000-0000-0000-0000-000000000001", headers=custom).status_code == 404


def test_refusals_carry_the_rate_limit_headers(sandbox, http, custom):
    refusals = [
        http.get("/api.xro/2.0/Invoices", headers={**custom, "Authorization": "Bearer nonsense"}),  # 401
        http.get("/api.xro/2.0/Invoices", headers={**custom, "xero-tenant-id": sandbox.second_tenant_id}),  # 403
        http.get("/api.xro/2.0/Invoices/00000000-0000-0000-0000-000000000001", headers=custom),  # 404
        http.get("/api.xro/2.0/NoSuchThing", headers=custom),  # 404
    ]
    assert [r.status_code for r in refusals] == [401, 403, 404, 404]
    for response in refusals:
        assert all(h in response.headers for h in LIMIT_HEADERS), response.request.url
    before = int(http.get("/api.xro/2.0/NoSuchThing", headers=custom).headers["X-MinLimit-Remaining"])
    used = http.get("/api.xro/2.0/Organisation", headers=custom)
    after = http.get("/api.xro/2.0/NoSuchThing", headers=custom)
    assert int(used.headers["X-MinLimit-Remaining"]) == before - 1  # a call served counts; a refusal does not
    assert int(after.headers["X-MinLimit-Remaining"]) == before - 1
