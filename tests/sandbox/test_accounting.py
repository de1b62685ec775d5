"""The accounting API subset: reads with Xero's filters and paging, writes with Xero's rules, exact formats."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from email.utils import format_datetime

import pytest

API = "/api.xro/2.0"
MS_DATE = re.compile(r"^/Date\(\d+\+0000\)/$")


def _line(desc="Labour", qty="1", unit="100.00", code="200", **extra):
    return {"Description": desc, "Quantity": qty, "UnitAmount": unit, "AccountCode": code, **extra}


def _invoice(contact="Bayside Club", lines=None, **extra):
    return {"Type": "ACCREC", "Contact": {"Name": contact}, "Date": "2026-11-20", "DueDate": "2026-12-04",
            "LineItems": lines or [_line()], **extra}


def put_invoices(http, headers, *invoices, params=None, **kw):
    return http.put(f"{API}/Invoices", json={"Invoices": list(invoices)}, headers=headers, params=params, **kw)


def test_organisation(http, custom):
    org = http.get(f"{API}/Organisation", headers=custom).json()["Organisations"][0]
    assert org["Name"] == "Demo Company (AU)" and org["CountryCode"] == "AU" and org["BaseCurrency"] == "AUD"
    assert MS_DATE.match(org["CreatedDateUTC"])


def test_accounts_chart_and_where(http, custom):
    accounts = http.get(f"{API}/Accounts", headers=custom).json()["Accounts"]
    codes = {a["Code"]: a for a in accounts}
    assert {"200", "260", "270", "090", "800"} <= set(codes)
    assert codes["200"]["Name"] == "Sales" and codes["200"]["Class"] == "REVENUE"
    assert any(a["Status"] == "ARCHIVED" for a in accounts)
    revenue = http.get(f"{API}/Accounts", headers=custom,
                       params={"where": 'Class=="REVENUE" AND Status=="ACTIVE"'}).json()["Accounts"]
    assert {a["Code"] for a in revenue} >= {"200", "260", "270"}
    assert all(a["Class"] == "REVENUE" and a["Status"] == "ACTIVE" for a in revenue)
    bank = http.get(f"{API}/Accounts", headers=custom, params={"where": 'Type=="BANK" || Code=="800"'}).json()
    assert {a["Code"] for a in bank["Accounts"]} == {"090", "091", "800"}


def test_bad_where_is_a_query_error(http, custom):
    response = http.get(f"{API}/Accounts", headers=custom, params={"where": 'Colour=="red"'})
    assert response.status_code == 400 and response.json()["Type"] == "QueryParseException"


def test_accounts_if_modified_since_sees_an_archive(sandbox, http, custom):
    since = sandbox.control.now()
    sandbox.control.archive_account("260")
    changed = http.get(f"{API}/Accounts", headers={**custom, "If-Modified-Since": since.isoformat()}).json()
    assert [(a["Code"], a["Status"]) for a in changed["Accounts"]] == [("260", "ARCHIVED")]


def test_tax_rates(http, custom):
    rates = {r["TaxType"]: r for r in http.get(f"{API}/TaxRates", headers=custom).json()["TaxRates"]}
    assert rates["OUTPUT"]["Name"] == "GST on Income" and rates["OUTPUT"]["EffectiveRate"] == 10
    assert rates["EXEMPTOUTPUT"]["Name"] == "GST Free Income" and "BASEXCLUDED" in rates and "INPUT" in rates


def test_contacts_create_update_and_unique_names(http, custom):
    created = http.put(f"{API}/Contacts", headers=custom, json={"Contacts": [
        {"Name": "O'Brien \"Sparky\" Electrical", "EmailAddress": "jo@obrien.example", "ContactNumber": "C-77"}]})
    assert created.status_code == 200
    contact = created.json()["Contacts"][0]
    dup = http.put(f"{API}/Contacts", headers=custom, json={"Name": "o'brien \"sparky\" electrical"})
    assert dup.status_code == 400
    message = dup.json()["Elements"][0]["ValidationErrors"][0]["Message"]
    assert message.endswith("is already assigned to another contact. "
                            "The contact name must be unique across all active contacts.")
    updated = http.post(f"{API}/Contacts", headers=custom,
                        json={"Contacts": [{"ContactID": contact["ContactID"], "FirstName": "Jo"}]})
    assert updated.json()["Contacts"][0]["FirstName"] == "Jo"
    assert updated.json()["Contacts"][0]["UpdatedDateUTC"] != contact["UpdatedDateUTC"]
    found = http.get(f"{API}/Contacts", headers=custom,
                     params={"where": 'Name=="O\'Brien \\"Sparky\\" Electrical"'}).json()["Contacts"]
    assert [c["ContactID"] for c in found] == [contact["ContactID"]]
    doubled = http.get(f"{API}/Contacts", headers=custom,
                       params={"where": 'Name=="O\'Brien ""Sparky"" Electrical"'}).json()["Contacts"]
    assert len(doubled) == 1
    by_number = http.get(f"{API}/Contacts", headers=custom, params={"where": 'ContactNumber=="C-77"'}).json()
    assert len(by_number["Contacts"]) == 1
    by_email = http.get(f"{API}/Contacts", headers=custom,
                        params={"where": 'EmailAddress=="jo@obrien.example"'}).json()["Contacts"]
    assert len(by_email) == 1


@pytest.mark.parametrize("email", ["a" * 290 + "@example.com", "jo@bücher.de", "<x>@y.com"],
                         ids=["302 characters", "umlaut", "angle brackets"])
def test_contact_email_xero_refuses(http, custom, email):
    """Xero's EmailAddress: at most 255 characters, no umlauts; a plain address."""
    response = http.put(f"{API}/Contacts", headers=custom, json={"Name": "Jo Smith", "EmailAddress": email})
    assert response.status_code == 400
    assert response.json()["Elements"][0]["ValidationErrors"][0]["Message"] == "Email address must be valid."


def test_contacts_search_ids_archived_and_paging(sandbox, http, custom):
    everyone = http.get(f"{API}/Contacts", headers=custom).json()["Contacts"]
    assert "Hamilton Smith Ltd" not in {c["Name"] for c in everyone}
    with_archived = http.get(f"{API}/Contacts", headers=custom, params={"includeArchived": "true"}).json()
    assert "Hamilton Smith Ltd" in {c["Name"] for c in with_archived["Contacts"]}
    assert [c["Name"] for c in http.get(f"{API}/Contacts", headers=custom,
                                        params={"searchTerm": "marine"}).json()["Contacts"]] == ["Marine Systems"]
    ids = ",".join(c["ContactID"] for c in everyone[:2])
    assert len(http.get(f"{API}/Contacts", headers=custom, params={"IDs": ids}).json()["Contacts"]) == 2
    page2 = http.get(f"{API}/Contacts", headers=custom, params={"page": 2, "pageSize": 2}).json()
    assert page2["pagination"] == {"page": 2, "pageSize": 2, "pageCount": 3, "itemCount": 5}
    assert [c["Name"] for c in page2["Contacts"]] == [c["Name"] for c in everyone[2:4]]


def test_invoice_create_with_per_line_tax_rounding(http, custom):
    lines = [_line(unit="0.05"), _line(unit="0.05"), _line(unit="0.05")]  # 0.005 tax each, rounded per line
    invoice = put_invoices(http, custom, _invoice(lines=lines)).json()["Invoices"][0]
    assert [li["TaxAmount"] for li in invoice["LineItems"]] == [0.01, 0.01, 0.01]
    assert (invoice["SubTotal"], invoice["TotalTax"], invoice["Total"]) == (0.15, 0.03, 0.18)
    assert invoice["Status"] == "DRAFT" and invoice["InvoiceNumber"].startswith("INV-")
    assert MS_DATE.match(invoice["UpdatedDateUTC"]) and invoice["Date"] == "/Date(1795132800000+0000)/"


def test_due_date_defaults_to_the_sales_terms(http, custom):
    body = _invoice()
    del body["DueDate"]
    inv = put_invoices(http, custom, body).json()["Invoices"][0]
    assert inv["DueDate"] == "/Date(1796342400000+0000)/"  # 2026-12-04: 14 days after 2026-11-20


def test_money_is_written_with_two_decimals(http, custom):
    raw = put_invoices(http, custom, _invoice()).text
    assert '"Total":110.00' in raw and '"TaxAmount":10.00' in raw and '"Quantity":1.0000' in raw


def test_inclusive_and_no_tax(http, custom):
    inclusive = put_invoices(http, custom, _invoice(LineAmountTypes="Inclusive", lines=[_line(unit="110.00")]))
    inv = inclusive.json()["Invoices"][0]
    assert (inv["SubTotal"], inv["TotalTax"], inv["Total"]) == (100.0, 10.0, 110.0)
    no_tax = put_invoices(http, custom, _invoice(LineAmountTypes="NoTax")).json()["Invoices"][0]
    assert (no_tax["TotalTax"], no_tax["Total"]) == (0, 100.0)
    lower_case = put_invoices(http, custom, _invoice(LineAmountTypes="INCLUSIVE")).json()["Invoices"][0]
    assert lower_case["LineAmountTypes"] == "Inclusive"
    exempt = put_invoices(http, custom, _invoice(lines=[_line(TaxType="EXEMPTOUTPUT")])).json()["Invoices"][0]
    assert exempt["TotalTax"] == 0 and exempt["LineItems"][0]["TaxType"] == "EXEMPTOUTPUT"


def test_unit_amounts_round_to_two_places_unless_unitdp_4(http, custom):
    two = put_invoices(http, custom, _invoice(lines=[_line(unit="10.1234", qty="3")])).json()["Invoices"][0]
    assert two["LineItems"][0]["UnitAmount"] == 10.12 and two["LineItems"][0]["LineAmount"] == 30.36
    four = put_invoices(http, custom, _invoice(lines=[_line(unit="10.1234", qty="3")]),
                        params={"unitdp": 4}).json()["Invoices"][0]
    assert four["LineItems"][0]["UnitAmount"] == 10.1234 and four["LineItems"][0]["LineAmount"] == 30.37


@pytest.mark.parametrize("date_value", ["2026-11-20", "2026-11-20T00:00:00", "/Date(1795132800000)/",
                                        "/Date(1795132800000+0000)/"])
def test_dates_in_every_form_clients_send(http, custom, date_value):
    inv = put_invoices(http, custom, _invoice(Date=date_value)).json()["Invoices"][0]
    assert inv["Date"] == "/Date(1795132800000+0000)/"


def test_invoice_numbers_are_unique_including_voided(sandbox, http, custom):
    voided = sandbox.control.invoice("INV-0005")
    assert voided["Status"] == "VOIDED"
    clash = put_invoices(http, custom, _invoice(InvoiceNumber="INV-0005"))
    assert clash.status_code == 400
    assert clash.json()["Elements"][0]["ValidationErrors"] == [{"Message": "Invoice # must be unique."}]


def test_account_code_must_be_active(http, custom):
    archived = put_invoices(http, custom, _invoice(lines=[_line(code="250")], Status="AUTHORISED"))
    assert archived.status_code == 400 and "archived" in archived.text
    unknown = put_invoices(http, custom, _invoice(lines=[_line(code="999")]))
    assert unknown.status_code == 400 and "'999'" in unknown.text


def test_status_transitions(http, custom):
    inv = put_invoices(http, custom, _invoice(Status="AUTHORISED")).json()["Invoices"][0]
    url = f"{API}/Invoices/{inv['InvoiceID']}"
    deleted = http.post(url, headers=custom, json={"Status": "DELETED"})
    assert deleted.status_code == 400
    assert deleted.json()["Elements"][0]["ValidationErrors"][0]["Message"] == \
        "Invoice not of valid status for modification"
    voided = http.post(url, headers=custom, json={"Status": "VOIDED"})
    assert voided.status_code == 200 and voided.json()["Invoices"][0]["Status"] == "VOIDED"
    assert voided.json()["Invoices"][0]["AmountDue"] == 0
    again = http.post(url, headers=custom, json={"Reference": "late edit"})
    assert again.status_code == 400
    draft = put_invoices(http, custom, _invoice()).json()["Invoices"][0]
    gone = http.post(f"{API}/Invoices/{draft['InvoiceID']}", headers=custom, json={"Status": "DELETED"})
    assert gone.json()["Invoices"][0]["Status"] == "DELETED"
    paid_on_create = put_invoices(http, custom, _invoice(Status="PAID"))
    assert paid_on_create.status_code == 400


def test_sent_to_contact_only_on_approved_invoices(http, custom):
    draft = put_invoices(http, custom, _invoice(SentToContact=True))
    assert draft.status_code == 400 and "SentToContact" in draft.text
    approved = put_invoices(http, custom, _invoice(Status="AUTHORISED", SentToContact=True))
    assert approved.json()["Invoices"][0]["SentToContact"] is True


def test_line_items_are_replaced_on_update(http, custom):
    inv = put_invoices(http, custom, _invoice(lines=[_line("A"), _line("B")])).json()["Invoices"][0]
    keep = dict(inv["LineItems"][1], Quantity="2")
    updated = http.post(f"{API}/Invoices", headers=custom, json={"Invoices": [
        {"InvoiceID": inv["InvoiceID"], "LineItems": [keep, _line("C", unit="5.00")]}]}).json()["Invoices"][0]
    assert [li["Description"] for li in updated["LineItems"]] == ["B", "C"]
    assert updated["LineItems"][0]["LineItemID"] == inv["LineItems"][1]["LineItemID"]
    assert updated["Total"] == 225.5 and updated["UpdatedDateUTC"] != inv["UpdatedDateUTC"]


def test_get_by_id_or_number_and_list_filters(sandbox, http, custom):
    one = http.get(f"{API}/Invoices/INV-0002", headers=custom).json()["Invoices"][0]
    assert one["Contact"]["Name"] == "Marine Systems" and one["LineItems"]
    same = http.get(f"{API}/Invoices/{one['InvoiceID']}", headers=custom).json()["Invoices"][0]
    assert same == one
    assert http.get(f"{API}/Invoices/INV-9999", headers=custom).status_code == 404
    q = {"Statuses": "PAID,VOIDED"}
    assert {i["InvoiceNumber"] for i in http.get(f"{API}/Invoices", headers=custom, params=q).json()["Invoices"]} \
        == {"INV-0004", "INV-0005"}
    q = {"InvoiceNumbers": "INV-0001,INV-0003"}
    assert len(http.get(f"{API}/Invoices", headers=custom, params=q).json()["Invoices"]) == 2
    q = {"ContactIDs": one["Contact"]["ContactID"]}
    assert [i["InvoiceNumber"] for i in http.get(f"{API}/Invoices", headers=custom, params=q).json()["Invoices"]] \
        == ["INV-0002"]
    q = {"where": f'Contact.ContactID==Guid("{one["Contact"]["ContactID"].upper()}") AND Status=="AUTHORISED"'}
    assert len(http.get(f"{API}/Invoices", headers=custom, params=q).json()["Invoices"]) == 1
    q = {"where": "Total>1000 AND Date>=DateTime(2000,1,1)", "order": "Total DESC"}
    totals = [i["Total"] for i in http.get(f"{API}/Invoices", headers=custom, params=q).json()["Invoices"]]
    assert totals == sorted(totals, reverse=True) and all(t > 1000 for t in totals) and totals
    unpaged = http.get(f"{API}/Invoices", headers=custom).json()
    assert "pagination" not in unpaged and all("LineItems" not in i for i in unpaged["Invoices"])
    summary = http.get(f"{API}/Invoices", headers=custom, params={"page": 1, "summaryOnly": "true"}).json()
    assert all("LineItems" not in i and "Payments" not in i for i in summary["Invoices"])


def test_paging_invoices(http, custom):
    put_invoices(http, custom, *[_invoice(Reference=f"job {n}") for n in range(7)])
    seen, page = [], 1
    while True:
        body = http.get(f"{API}/Invoices", headers=custom, params={"page": page, "pageSize": 5}).json()
        assert body["pagination"]["itemCount"] == 12 and body["pagination"]["pageCount"] == 3
        if not body["Invoices"]:
            break
        assert all("LineItems" in i for i in body["Invoices"])
        seen += [i["InvoiceID"] for i in body["Invoices"]]
        page += 1
    assert len(seen) == len(set(seen)) == 12 and page == 4


def test_if_modified_since_in_iso_and_http_formats(sandbox, http, custom):
    since = sandbox.control.now()
    sandbox.control.advance_clock(5)
    new = put_invoices(http, custom, _invoice()).json()["Invoices"][0]
    sandbox.control.pay_invoice("INV-0001")
    for header in (since.isoformat(timespec="milliseconds"),
                   since.astimezone().isoformat(timespec="milliseconds").replace("+00:00", "-00:00"),
                   since.replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%S"),
                   format_datetime(since.replace(microsecond=0), usegmt=True)):
        changed = http.get(f"{API}/Invoices", headers={**custom, "If-Modified-Since": header}).json()["Invoices"]
        assert {i["InvoiceID"] for i in changed} >= {new["InvoiceID"]}
        assert {i["InvoiceNumber"] for i in changed} == {new["InvoiceNumber"], "INV-0001"}
    offset = http.get(f"{API}/Invoices", headers={**custom, "If-Modified-Since": "2020-02-06T12:17:43.202-08:00"})
    assert len(offset.json()["Invoices"]) == 6


def test_batch_with_summarize_errors_false_saves_the_good_ones(http, custom):
    good, bad = _invoice(Reference="good"), _invoice(lines=[_line(code="999")], Reference="bad")
    response = put_invoices(http, custom, good, bad, params={"summarizeErrors": "false"})
    assert response.status_code == 200
    ok, error = response.json()["Invoices"]
    assert ok["StatusAttributeString"] == "OK" and ok["Reference"] == "good"
    assert error["StatusAttributeString"] == "ERROR" and error["HasErrors"] is True
    assert error["ValidationErrors"][0]["Message"].startswith("Account code '999'")
    refs = {i["Reference"] for i in http.get(f"{API}/Invoices", headers=custom).json()["Invoices"]}
    assert "good" in refs and "bad" not in refs


def test_batch_without_summarize_errors_fails_whole(http, custom):
    before = len(http.get(f"{API}/Invoices", headers=custom).json()["Invoices"])
    response = put_invoices(http, custom, _invoice(Reference="fine"), _invoice(Contact={}))
    assert response.status_code == 400
    body = response.json()
    assert body["Type"] == "ValidationException" and body["ErrorNumber"] == 10
    assert body["Elements"][0]["ValidationErrors"][0]["Message"].startswith("The Contact must contain")
    assert len(http.get(f"{API}/Invoices", headers=custom).json()["Invoices"]) == before


def test_new_contact_named_on_an_invoice_is_created(http, custom):
    inv = put_invoices(http, custom, _invoice(contact="Brand New Pty Ltd")).json()["Invoices"][0]
    contacts = http.get(f"{API}/Contacts", headers=custom, params={"where": 'Name=="Brand New Pty Ltd"'}).json()
    assert contacts["Contacts"][0]["ContactID"] == inv["Contact"]["ContactID"]
    assert contacts["Contacts"][0]["IsCustomer"] is True


def test_idempotency_key_replays_the_first_response(http, custom):
    headers = {**custom, "Idempotency-Key": "push-42"}
    first = put_invoices(http, headers, _invoice(Reference="once"))
    second = put_invoices(http, headers, _invoice(Reference="once"))
    assert first.status_code == second.status_code == 200 and first.content == second.content
    refs = [i["Reference"] for i in http.get(f"{API}/Invoices", headers=custom).json()["Invoices"]]
    assert refs.count("once") == 1
    different = put_invoices(http, headers, _invoice(Reference="twice"))
    assert different.status_code == 400 and "Idempotency-Key" in different.json()["Message"]
    too_long = put_invoices(http, {**custom, "Idempotency-Key": "k" * 129}, _invoice())
    assert too_long.status_code == 400


def test_requests_over_3_5_mb_are_refused(http, custom):
    huge = _invoice(Reference="x" * (3_700_000))
    response = put_invoices(http, custom, huge)
    assert response.status_code == 413


def test_payments_pay_an_invoice(sandbox, http, custom):
    inv = http.get(f"{API}/Invoices/INV-0002", headers=custom).json()["Invoices"][0]
    part = http.put(f"{API}/Payments", headers=custom, json={"Payments": [{
        "Invoice": {"InvoiceID": inv["InvoiceID"]}, "Account": {"Code": "090"}, "Amount": 695.00,
        "Date": "2026-11-24"}]})
    assert part.status_code == 200 and part.json()["Payments"][0]["Amount"] == 695.0
    after = http.get(f"{API}/Invoices/INV-0002", headers=custom).json()["Invoices"][0]
    assert after["AmountDue"] == 2000.0 and after["AmountPaid"] == 695.0 and after["Status"] == "AUTHORISED"
    too_much = http.put(f"{API}/Payments", headers=custom, json={
        "Invoice": {"InvoiceNumber": "INV-0002"}, "Account": {"Code": "090"}, "Amount": 2000.01})
    assert too_much.status_code == 400
    assert too_much.json()["Elements"][0]["ValidationErrors"][0]["Message"] == \
        "Payment amount exceeds the amount outstanding on this document"
    rest = http.put(f"{API}/Payments", headers=custom, json={
        "Invoice": {"InvoiceNumber": "INV-0002"}, "Account": {"Code": "090"}, "Amount": "2000.00"})
    assert rest.status_code == 200
    paid = http.get(f"{API}/Invoices/INV-0002", headers=custom).json()["Invoices"][0]
    assert paid["Status"] == "PAID" and paid["AmountDue"] == 0 and len(paid["Payments"]) == 2
    assert "FullyPaidOnDate" in paid
    listed = http.get(f"{API}/Payments", headers=custom, params={"where": 'Reference=="EFT"'}).json()["Payments"]
    assert [p["Invoice"]["InvoiceNumber"] for p in listed] == ["INV-0004"]


def test_acting_as_a_xero_user(sandbox, http, custom):
    before = http.get(f"{API}/Invoices/INV-0001", headers=custom).json()["Invoices"][0]
    edited = sandbox.control.edit_invoice("INV-0001", LineItems=[_line("Extra visit", unit="50.00", code="210")],
                                          Reference="edited in Xero")
    assert edited["Total"] == Decimal("55.00") and edited["UpdatedDateUTC"] != before["UpdatedDateUTC"]
    sandbox.control.pay_invoice("INV-0001", "5.00")
    after = http.get(f"{API}/Invoices/INV-0001", headers=custom).json()["Invoices"][0]
    assert after["AmountDue"] == 50.0 and after["Reference"] == "edited in Xero"
    sandbox.control.pay_invoice("INV-0001")
    assert http.get(f"{API}/Invoices/INV-0001", headers=custom).json()["Invoices"][0]["Status"] == "PAID"
    sandbox.control.void_invoice("INV-0002")
    assert http.get(f"{API}/Invoices/INV-0002", headers=custom).json()["Invoices"][0]["Status"] == "VOIDED"


def test_payments_are_deleted_and_listed_since_a_time(sandbox, http, custom):
    pay = {"Invoice": {"InvoiceNumber": "INV-0002"}, "Account": {"Code": "090"}, "Amount": "695.00",
           "Date": "2026-11-24", "Reference": "Card"}
    made = http.put(f"{API}/Payments", headers=custom, params={"summarizeErrors": "false"},
                    json={"Payments": [pay, {**pay, "Reference": "Cash"}]}).json()["Payments"]
    assert [p["StatusAttributeString"] for p in made] == ["OK", "OK"]
    before = http.get(f"{API}/Invoices/INV-0002", headers=custom).json()["Invoices"][0]
    assert before["AmountPaid"] == 1390.0 and len(before["Payments"]) == 2
    sandbox.control.advance_clock(5)
    made_at = datetime.fromtimestamp(int(made[1]["UpdatedDateUTC"][6:-7]) / 1000, timezone.utc)
    since = {"If-Modified-Since": (made_at + timedelta(seconds=2)).strftime("%Y-%m-%dT%H:%M:%S")}

    deleted = http.post(f"{API}/Payments/{made[0]['PaymentID']}", headers=custom, json={"Status": "DELETED"})
    assert deleted.status_code == 200 and deleted.json()["Payments"][0]["Status"] == "DELETED"
    after = http.get(f"{API}/Invoices/INV-0002", headers=custom).json()["Invoices"][0]
    assert after["AmountPaid"] == 695.0 and after["AmountDue"] == 2000.0 and after["Status"] == "AUTHORISED"
    assert [p["PaymentID"] for p in after["Payments"]] == [made[1]["PaymentID"]]
    changed = http.get(f"{API}/Payments", headers={**custom, **since}).json()["Payments"]
    assert [(p["PaymentID"], p["Status"]) for p in changed] == [(made[0]["PaymentID"], "DELETED")]

    again = http.post(f"{API}/Payments/{made[0]['PaymentID']}", headers=custom,
                      json={"Payments": [{"Status": "DELETED"}]})
    assert again.status_code == 400
    assert again.json()["Elements"][0]["ValidationErrors"][0]["Message"] == "This payment has already been deleted."
    unknown = http.post(f"{API}/Payments/00000000-0000-0000-0000-0000000000aa", headers=custom,
                        json={"Status": "DELETED"})
    assert unknown.status_code == 404


def test_payments_xero_refuses(sandbox, http, custom):
    def refused(**change) -> list[str]:
        body = {"Invoice": {"InvoiceNumber": "INV-0002"}, "Account": {"Code": "090"}, "Amount": "10.00", **change}
        response = http.put(f"{API}/Payments", headers=custom, json=body)
        assert response.status_code == 400
        return [m["Message"] for m in response.json()["Elements"][0]["ValidationErrors"]]

    assert refused(Account={"Code": "200"}) == [
        "Payments can only be made to bank accounts or accounts with payments enabled."]
    assert refused(Amount="2695.01") == ["Payment amount exceeds the amount outstanding on this document"]
    sandbox.control.void_invoice("INV-0002")
    assert refused() == ["Payments can only be made against AUTHORISED documents."]


def test_payments_need_the_payments_scope_per_endpoint(sandbox, http):
    from .flows import bearer, tokens

    reading = bearer(tokens(http, sandbox, scope="offline_access accounting.invoices accounting.payments.read")
                     ["access_token"], sandbox.demo_tenant_id)
    assert http.get(f"{API}/Payments", headers=reading).status_code == 200
    body = {"Invoice": {"InvoiceNumber": "INV-0002"}, "Account": {"Code": "090"}, "Amount": "10.00"}
    for method, path in (("PUT", "Payments"), ("POST", "Payments"), ("POST", "Payments/anything")):
        response = http.request(method, f"{API}/{path}", headers=reading, json=body)
        assert response.status_code == 401 and response.json()["Detail"] == "AuthorizationUnsuccessful"
    writing = bearer(tokens(http, sandbox, scope="offline_access accounting.invoices accounting.payments")
                     ["access_token"], sandbox.demo_tenant_id)
    assert http.put(f"{API}/Payments", headers=writing, json=body).status_code == 200
