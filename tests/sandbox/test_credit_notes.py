"""Credit notes over real HTTP: create and update with Xero's totals and numbers, allocations to invoices and their
removal, refunds, voids, and the invoice's AmountCredited and AmountDue following. Every reply is checked against
Xero's OpenAPI schemas by the client's hook (tests/sandbox/conftest.py)."""

from __future__ import annotations

from decimal import Decimal

from tests.sandbox.test_accounting import API, MS_DATE, _invoice, _line, put_invoices
from tui.sandbox.persistence import load, save


def _note(contact="Bayside Club", lines=None, **extra):
    return {"Type": "ACCRECCREDIT", "Contact": {"Name": contact}, "Date": "2026-11-25", "Status": "AUTHORISED",
            "LineItems": lines or [_line()], **extra}


def put_notes(http, headers, *notes, params=None, **kw):
    return http.put(f"{API}/CreditNotes", json={"CreditNotes": list(notes)}, headers=headers, params=params, **kw)


def _one_note(http, headers, **extra):
    response = put_notes(http, headers, _note(**extra))
    assert response.status_code == 200, response.text
    return response.json()["CreditNotes"][0]


def _one_invoice(http, headers, contact="Bayside Club", unit="100.00"):
    response = put_invoices(http, headers, _invoice(contact, lines=[_line(unit=unit)], Status="AUTHORISED"))
    assert response.status_code == 200, response.text
    return response.json()["Invoices"][0]


def _allocate(http, headers, note, invoice, amount, params=None, **extra):
    body = {"Allocations": [{"Invoice": {"InvoiceID": invoice["InvoiceID"]}, "Amount": amount, "Date": "2026-11-26",
                             **extra}]}
    return http.put(f"{API}/CreditNotes/{note['CreditNoteID']}/Allocations", json=body, headers=headers,
                    params=params)


def _get(http, headers, kind, record_id):
    response = http.get(f"{API}/{kind}/{record_id}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()[kind][0]


def _messages(response):
    return [e["Message"] for element in response.json()["Elements"] for e in element["ValidationErrors"]]


def test_credit_note_totals_tax_per_line_and_numbers(http, custom):
    lines = [_line("Returned tap", "3", "33.33"), _line("Goodwill", "1", "10.05", "270")]
    first = _one_note(http, custom, lines=lines)
    assert first["CreditNoteNumber"] == "CN-0001" and first["Status"] == "AUTHORISED"
    assert [(li["LineAmount"], li["TaxAmount"]) for li in first["LineItems"]] == [(99.99, 10.0), (10.05, 0)]
    assert (first["SubTotal"], first["TotalTax"], first["Total"]) == (110.04, 10.0, 120.04)
    assert first["RemainingCredit"] == 120.04 and MS_DATE.match(first["Date"]) and MS_DATE.match(
        first["UpdatedDateUTC"])
    second = _one_note(http, custom)
    assert second["CreditNoteNumber"] == "CN-0002"
    assert _get(http, custom, "CreditNotes", "CN-0001")["CreditNoteID"] == first["CreditNoteID"]
    dup = put_notes(http, custom, _note(CreditNoteNumber="cn-0002"))
    assert dup.status_code == 400 and _messages(dup) == ["Credit Note # must be unique."]
    assert dup.json()["Elements"][0]["CreditNoteID"] == "00000000-0000-0000-0000-000000000000"
    updated = http.post(f"{API}/CreditNotes/{first['CreditNoteID']}", headers=custom,
                        json={"CreditNotes": [{"Reference": "Returned goods"}]})
    assert updated.status_code == 200 and updated.json()["CreditNotes"][0]["Reference"] == "Returned goods"
    assert http.get(f"{API}/CreditNotes/00000000-0000-0000-0000-000000000001", headers=custom).status_code == 404


def test_full_allocation_pays_the_invoice_off(http, custom):
    invoice = _one_invoice(http, custom)
    note = _one_note(http, custom)
    assert invoice["Total"] == note["Total"] == 110
    response = _allocate(http, custom, note, invoice, "110.00")
    assert response.status_code == 200, response.text
    allocation = response.json()["Allocations"][0]
    assert allocation["Amount"] == 110 and allocation["Invoice"]["InvoiceID"] == invoice["InvoiceID"]
    assert allocation["CreditNote"]["CreditNoteID"] == note["CreditNoteID"]
    seen = _get(http, custom, "Invoices", invoice["InvoiceID"])
    assert (seen["AmountCredited"], seen["AmountDue"], seen["AmountPaid"], seen["Status"]) == (110, 0, 0, "PAID")
    assert [(c["CreditNoteNumber"], c["AppliedAmount"]) for c in seen["CreditNotes"]] == [("CN-0001", 110)]
    assert MS_DATE.match(seen["FullyPaidOnDate"])
    used = _get(http, custom, "CreditNotes", note["CreditNoteID"])
    assert (used["RemainingCredit"], used["Status"]) == (0, "PAID")
    assert [(a["AllocationID"], a["Amount"]) for a in used["Allocations"]] == [(allocation["AllocationID"], 110)]


def test_part_allocation_then_the_rest_refunded(http, custom):
    invoice = _one_invoice(http, custom, unit="40.00")  # 44.00 with GST
    note = _one_note(http, custom)  # 110.00
    assert _allocate(http, custom, note, invoice, "44.00").status_code == 200
    assert _get(http, custom, "CreditNotes", note["CreditNoteID"])["RemainingCredit"] == 66
    too_much = http.put(f"{API}/Payments", headers=custom, json={"Payments": [
        {"CreditNote": {"CreditNoteID": note["CreditNoteID"]}, "Account": {"Code": "090"}, "Amount": "66.01",
         "Date": "2026-11-27"}]})
    assert too_much.status_code == 400
    assert _messages(too_much) == ["Payment amount exceeds the amount outstanding on this document"]
    refund = http.put(f"{API}/Payments", headers=custom, json={"Payments": [
        {"CreditNote": {"CreditNoteNumber": "CN-0001"}, "Account": {"Code": "090"}, "Amount": "66.00",
         "Date": "2026-11-27", "Reference": "Refund by EFT"}]})
    assert refund.status_code == 200, refund.text
    payment = refund.json()["Payments"][0]
    assert payment["PaymentType"] == "ARCREDITPAYMENT" and payment["CreditNote"]["CreditNoteNumber"] == "CN-0001"
    done = _get(http, custom, "CreditNotes", note["CreditNoteID"])
    assert (done["RemainingCredit"], done["Status"], [p["Amount"] for p in done["Payments"]]) == (0, "PAID", [66])
    listed = http.get(f"{API}/Payments", headers=custom, params={"where": 'PaymentType=="ARCREDITPAYMENT"'})
    assert [p["PaymentID"] for p in listed.json()["Payments"]] == [payment["PaymentID"]]
    deleted = http.post(f"{API}/Payments/{payment['PaymentID']}", headers=custom, json={"Status": "DELETED"})
    assert deleted.status_code == 200 and deleted.json()["Payments"][0]["Status"] == "DELETED"
    back = _get(http, custom, "CreditNotes", note["CreditNoteID"])
    assert (back["RemainingCredit"], back["Status"], back["Payments"]) == (66, "AUTHORISED", [])


def test_credit_left_on_account_is_allocated_later_to_another_invoice(http, custom):
    note = _one_note(http, custom, lines=[_line(unit="50.00")])  # 55.00 of credit, nothing allocated
    first = _one_invoice(http, custom, unit="20.00")  # 22.00
    later = _one_invoice(http, custom, unit="300.00")  # 330.00
    assert _allocate(http, custom, note, first, "22.00").status_code == 200
    assert _allocate(http, custom, note, later, "33.00").status_code == 200
    assert _get(http, custom, "Invoices", later["InvoiceID"])["AmountDue"] == Decimal("297.00")
    assert _get(http, custom, "CreditNotes", note["CreditNoteID"])["Status"] == "PAID"


def test_over_allocation_is_refused_whole_or_per_item(http, custom):
    invoice = _one_invoice(http, custom, unit="40.00")  # 44.00
    note = _one_note(http, custom, lines=[_line(unit="30.00")])  # 33.00
    over_credit = _allocate(http, custom, note, invoice, "33.01")
    assert over_credit.status_code == 400 and over_credit.json()["Type"] == "ValidationException"
    assert _messages(over_credit) == ["The amount allocated cannot be more than the remaining credit on the "
                                      "credit note."]
    assert over_credit.json()["Elements"][0]["CreditNoteID"] == note["CreditNoteID"]
    big = _one_note(http, custom)  # 110.00
    over_due = _allocate(http, custom, big, invoice, "44.01", params={"summarizeErrors": "false"})
    assert over_due.status_code == 200
    item = over_due.json()["Allocations"][0]
    assert item["StatusAttributeString"] == "ERROR"
    assert [e["Message"] for e in item["ValidationErrors"]] == [
        "Credit Note cannot be allocated as amount is greater than amount outstanding"]
    assert _get(http, custom, "Invoices", invoice["InvoiceID"])["AmountDue"] == 44
    assert _get(http, custom, "CreditNotes", big["CreditNoteID"])["Allocations"] == []


def test_allocations_only_between_authorised_documents_of_one_contact(http, custom):
    invoice = _one_invoice(http, custom)
    draft = _one_note(http, custom, Status="DRAFT")
    assert _messages(_allocate(http, custom, draft, invoice, "1.00")) == [
        "Only AUTHORISED credit notes can be allocated."]
    note = _one_note(http, custom)
    other = _one_invoice(http, custom, contact="Marine Systems")
    assert _messages(_allocate(http, custom, note, other, "1.00")) == [
        "The credit note and the invoice must be for the same contact."]
    draft_invoice = put_invoices(http, custom, _invoice()).json()["Invoices"][0]
    assert _messages(_allocate(http, custom, note, draft_invoice, "1.00")) == [
        "Credit notes can only be allocated to AUTHORISED invoices."]
    no_date = http.put(f"{API}/CreditNotes/{note['CreditNoteID']}/Allocations", headers=custom,
                       json={"Invoice": {"InvoiceID": invoice["InvoiceID"]}, "Amount": "1.00"})
    assert _messages(no_date) == ["Date must be specified."]
    assert _allocate(http, custom, note, invoice, "110.00").status_code == 200
    second = _one_note(http, custom)
    assert _messages(_allocate(http, custom, second, invoice, "1.00")) == [
        "The invoice you are trying to allocate to has already been paid off"]


def test_removing_an_allocation_gives_the_credit_back(sandbox, http, custom):
    invoice = _one_invoice(http, custom)
    note = _one_note(http, custom)
    allocation = _allocate(http, custom, note, invoice, "110.00").json()["Allocations"][0]
    since = sandbox.control.now()
    sandbox.control.advance_clock(5)
    path = f"{API}/CreditNotes/{note['CreditNoteID']}/Allocations/{allocation['AllocationID']}"
    removed = http.delete(path, headers=custom)
    assert removed.status_code == 200, removed.text
    assert removed.json()["IsDeleted"] is True and removed.json()["Amount"] == 110
    seen = _get(http, custom, "Invoices", invoice["InvoiceID"])
    assert (seen["AmountCredited"], seen["AmountDue"], seen["Status"], seen["CreditNotes"]) == (
        0, 110, "AUTHORISED", [])
    back = _get(http, custom, "CreditNotes", note["CreditNoteID"])
    assert (back["RemainingCredit"], back["Status"], back["Allocations"]) == (110, "AUTHORISED", [])
    assert http.delete(path, headers=custom).status_code == 404
    changed = {"If-Modified-Since": since.isoformat()}
    assert [c["CreditNoteID"] for c in http.get(f"{API}/CreditNotes", headers={**custom, **changed})
            .json()["CreditNotes"]] == [note["CreditNoteID"]]
    assert invoice["InvoiceID"] in [i["InvoiceID"] for i in http.get(f"{API}/Invoices", headers={
        **custom, **changed}).json()["Invoices"]]


def test_void_only_while_nothing_is_allocated(http, custom):
    invoice = _one_invoice(http, custom)
    note = _one_note(http, custom)
    allocation = _allocate(http, custom, note, invoice, "10.00").json()["Allocations"][0]
    refused = http.post(f"{API}/CreditNotes/{note['CreditNoteID']}", headers=custom, json={"Status": "VOIDED"})
    assert refused.status_code == 400 and _messages(refused) == [
        "This document cannot be edited as it has a payment or credit note allocated to it."]
    lines = http.post(f"{API}/CreditNotes/{note['CreditNoteID']}", headers=custom,
                      json={"LineItems": [_line(unit="5.00")]})
    assert lines.status_code == 400
    http.delete(f"{API}/CreditNotes/{note['CreditNoteID']}/Allocations/{allocation['AllocationID']}",
                headers=custom)
    voided = http.post(f"{API}/CreditNotes/{note['CreditNoteID']}", headers=custom, json={"Status": "VOIDED"})
    assert voided.status_code == 200
    assert (voided.json()["CreditNotes"][0]["Status"], voided.json()["CreditNotes"][0]["RemainingCredit"]) == (
        "VOIDED", 0)
    assert _messages(_allocate(http, custom, note, invoice, "1.00")) == [
        "Only AUTHORISED credit notes can be allocated."]
    again = http.post(f"{API}/CreditNotes/{note['CreditNoteID']}", headers=custom, json={"Status": "AUTHORISED"})
    assert _messages(again) == ["Credit note not of valid status for modification"]


def test_an_invoice_with_credit_refuses_amount_edits(http, custom):
    invoice = _one_invoice(http, custom)
    note = _one_note(http, custom, lines=[_line(unit="10.00")])
    _allocate(http, custom, note, invoice, "11.00")
    edit = http.post(f"{API}/Invoices/{invoice['InvoiceID']}", headers=custom,
                     json={"LineItems": [_line(unit="90.00")]})
    assert edit.status_code == 400 and _messages(edit) == [
        "This document cannot be edited as it has a payment or credit note allocated to it."]
    void = http.post(f"{API}/Invoices/{invoice['InvoiceID']}", headers=custom, json={"Status": "VOIDED"})
    assert void.status_code == 400
    reference = http.post(f"{API}/Invoices/{invoice['InvoiceID']}", headers=custom, json={"Reference": "Job 7"})
    assert reference.status_code == 200 and reference.json()["Invoices"][0]["AmountCredited"] == 11
    paid = http.put(f"{API}/Payments", headers=custom, json={"Payments": [
        {"Invoice": {"InvoiceID": invoice["InvoiceID"]}, "Account": {"Code": "090"}, "Amount": "99.00"}]})
    assert paid.status_code == 200  # 110 - 11 credited = 99 due: paid in full
    assert _get(http, custom, "Invoices", invoice["InvoiceID"])["Status"] == "PAID"


def test_list_filters_paging_and_if_modified_since(sandbox, http, custom):
    put_notes(http, custom, _note(), _note(Status="DRAFT"), _note(contact="Marine Systems"))
    since = sandbox.control.now()
    sandbox.control.advance_clock(5)
    late = _one_note(http, custom, Reference="late")
    everything = http.get(f"{API}/CreditNotes", headers=custom).json()["CreditNotes"]
    assert len(everything) == 4 and all("LineItems" not in c for c in everything)
    drafts = http.get(f"{API}/CreditNotes", headers=custom, params={"where": 'Status=="DRAFT"'}).json()
    assert [c["Status"] for c in drafts["CreditNotes"]] == ["DRAFT"]
    named = http.get(f"{API}/CreditNotes", headers=custom, params={
        "where": 'Contact.Name=="Marine Systems" AND RemainingCredit>100'}).json()["CreditNotes"]
    assert [c["Contact"]["Name"] for c in named] == ["Marine Systems"]
    page = http.get(f"{API}/CreditNotes", headers=custom, params={"page": 2, "pageSize": 3}).json()
    assert page["pagination"] == {"page": 2, "pageSize": 3, "pageCount": 2, "itemCount": 4}
    assert [c["CreditNoteID"] for c in page["CreditNotes"]] == [late["CreditNoteID"]]
    assert page["CreditNotes"][0]["LineItems"][0]["Description"] == "Labour"
    newer = http.get(f"{API}/CreditNotes", headers={**custom, "If-Modified-Since": since.isoformat()}).json()
    assert [c["Reference"] for c in newer["CreditNotes"]] == ["late"]
    bad = http.get(f"{API}/CreditNotes", headers=custom, params={"where": 'Colour=="red"'})
    assert bad.status_code == 400 and bad.json()["Type"] == "QueryParseException"


def test_idempotency_key_makes_one_credit_note_and_one_allocation(http, custom):
    keyed = {**custom, "Idempotency-Key": "cn-batch-1"}
    first = put_notes(http, keyed, _note(), _note())
    again = put_notes(http, keyed, _note(), _note())
    assert first.status_code == again.status_code == 200 and first.json() == again.json()
    assert len(http.get(f"{API}/CreditNotes", headers=custom).json()["CreditNotes"]) == 2
    invoice = _one_invoice(http, custom)
    note = first.json()["CreditNotes"][0]
    keyed = {**custom, "Idempotency-Key": "alloc-1"}
    assert _allocate(http, keyed, note, invoice, "10.00").json() == _allocate(
        http, keyed, note, invoice, "10.00").json()
    assert _get(http, custom, "Invoices", invoice["InvoiceID"])["AmountCredited"] == 10


def test_refused_batch_saves_nothing(http, custom):
    response = put_notes(http, custom, _note(), _note(lines=[_line(code="999")]))
    assert response.status_code == 400
    assert _messages(response) == ["Account code '999' is not a valid code for this document."]
    assert http.get(f"{API}/CreditNotes", headers=custom).json()["CreditNotes"] == []
    per_item = put_notes(http, custom, _note(), {"Type": "ACCRECCREDIT"}, params={"summarizeErrors": "false"})
    items = per_item.json()["CreditNotes"]
    assert [i["StatusAttributeString"] for i in items] == ["OK", "ERROR"] and items[1]["HasErrors"] is True


def test_made_in_xero_through_the_control_api(sandbox, http, custom):
    invoice = _one_invoice(http, custom)
    control = sandbox.control
    note = control.create_credit_note(Contact={"Name": "Bayside Club"}, LineItems=[_line(unit="20.00")])
    allocation = control.allocate_credit_note(note["CreditNoteNumber"], invoice["InvoiceNumber"])
    assert allocation["Amount"] == Decimal("22.00")
    assert _get(http, custom, "Invoices", invoice["InvoiceID"])["AmountDue"] == Decimal("88.00")
    control.remove_allocation(note["CreditNoteID"], allocation["AllocationID"])
    refund = control.refund_credit_note(note["CreditNoteID"], "2.00")
    assert refund["PaymentType"] == "ARCREDITPAYMENT"
    assert control.credit_note(note["CreditNoteID"])["RemainingCredit"] == Decimal("20.00")
    assert control.snapshot()["organisations"][sandbox.demo_tenant_id]["CreditNotes"][0]["Total"] == Decimal(
        "22.00")


def test_state_file_keeps_credit_notes_and_allocations(sandbox, http, custom, tmp_path):
    invoice = _one_invoice(http, custom)
    note = _one_note(http, custom)
    _allocate(http, custom, note, invoice, "10.00")
    path = tmp_path / "state.json"
    save(sandbox.state, path)
    org, again = sandbox.state.organisation(), load(path).organisation()
    assert again.credit_notes == org.credit_notes and again.allocations == org.allocations
    assert again.invoices == org.invoices
