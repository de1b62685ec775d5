"""`/CreditNotes` under `{base}/api.xro/2.0/`: list and read, create (PUT) and create-or-update (POST) in batches,
allocations to invoices (`PUT /CreditNotes/{id}/Allocations`) and their removal
(`DELETE /CreditNotes/{id}/Allocations/{AllocationID}`).

As for invoices (`tui.sandbox.accounting`): `If-Modified-Since`, `where`, `order`, `page`/`pageSize` (line items
only with `page`), `unitdp`, `summarizeErrors`, and an `Idempotency-Key` on every write. Xero's spec gives the
credit notes list no `Statuses`, `IDs` or `ContactIDs` parameters: filter with `where` (`Status=="AUTHORISED"`);
other parameters are ignored, as Xero ignores them. Xero's granular scope for credit notes and their allocations
is `accounting.invoices`; refunds go through `/Payments` (`tui.sandbox.refunds`).
"""

from __future__ import annotations

from typing import Any, Callable

from starlette.responses import Response

from tui.sandbox import responses
from tui.sandbox.accounting import (
    API,
    INVOICES_READ,
    INVOICES_WRITE,
    _batch,
    _echo,
    _items,
    _listing,
    _not_found,
    _raw_id,
    _select,
    _single,
)
from tui.sandbox.allocations import allocate, remove_allocation
from tui.sandbox.api import Call, endpoint
from tui.sandbox.credit_note_json import allocation_json, credit_note_json
from tui.sandbox.credit_notes import STATUSES, TYPES, find_credit_note, save_credit_note
from tui.sandbox.models import CreditNote
from tui.sandbox.query import paginate
from tui.sandbox.routing import route
from tui.sandbox.wire import to_decimal


def _credit_note_fields(call: Call) -> Callable[[CreditNote], dict[str, Any]]:
    def fields(c: CreditNote) -> dict[str, Any]:
        contact = call.org.contacts[c.contact_id]
        return {"creditnoteid": c.credit_note_id, "type": c.type, "status": c.status,
                "creditnotenumber": c.number, "reference": c.reference, "contact.contactid": contact.contact_id,
                "contact.name": contact.name, "date": c.date, "duedate": c.due_date, "total": c.total,
                "subtotal": c.sub_total, "totaltax": c.total_tax, "remainingcredit": c.remaining_credit,
                "senttocontact": c.sent_to_contact, "currencycode": c.currency_code,
                "lineamounttypes": c.line_amount_types, "fullypaidondate": c.fully_paid_on,
                "updateddateutc": c.updated}
    return fields


def get_credit_notes(call: Call) -> Response:
    items = _select(call, list(call.org.credit_notes.values()), _credit_note_fields(call), "CreditNote",
                    "UpdatedDateUTC")
    page = paginate(items, call.query.get("page"), call.query.get("pagesize"))
    rendered = [credit_note_json(call.org, c, unitdp=call.unitdp, lines=page.pagination is not None)
                for c in page.items]
    return _listing("CreditNotes", rendered, page.pagination)


def get_credit_note(call: Call) -> Response:
    note = find_credit_note(call.org, call.path_params["id"])
    if note is None:
        return _not_found()
    return responses.xero_json({"CreditNotes": [credit_note_json(call.org, note, unitdp=call.unitdp)]})


def _echo_credit_note(raw: dict) -> dict:
    out = _echo(raw, ("CreditNoteNumber", "Reference"), {
        "Type": TYPES, "Status": STATUSES, "LineAmountTypes": ("Exclusive", "Inclusive", "NoTax"),
    }, "CreditNoteID")
    out["HasErrors"] = True
    return out


def write_credit_notes(call: Call) -> Response:
    create_only = call.method == "PUT"
    if "id" in call.path_params:
        existing = find_credit_note(call.org, call.path_params["id"])
        if existing is None:
            return _not_found()
        if isinstance(call.body, dict):
            call.body = _single(call.body, "CreditNotes", "CreditNoteID", existing.credit_note_id)
    return _batch(call, "CreditNotes", "CreditNoteID",
                  lambda journal, raw: save_credit_note(journal, raw, now=call.now, unitdp=call.unitdp,
                                                        create_only=create_only),
                  lambda note: credit_note_json(call.org, note, unitdp=call.unitdp), _echo_credit_note)


def _echo_allocation(raw: dict) -> dict:
    invoice = raw.get("Invoice") if isinstance(raw.get("Invoice"), dict) else {}
    return {"Amount": to_decimal(raw.get("Amount")) or 0,
            "Date": raw["Date"] if isinstance(raw.get("Date"), str) else "",
            "Invoice": {"InvoiceID": _raw_id(invoice, "InvoiceID"), "LineItems": []},
            "StatusAttributeString": "ERROR"}


def put_allocations(call: Call) -> Response:
    note = find_credit_note(call.org, call.path_params["id"])
    if note is None:
        return _not_found()
    items = _items(call.body, "Allocations")
    if items:  # each item names its credit note, so a refusal's Elements say which
        call.body = {"Allocations": [dict(i, CreditNoteID=note.credit_note_id) if isinstance(i, dict) else i
                                     for i in items]}
    return _batch(call, "Allocations", "CreditNoteID",
                  lambda journal, raw: allocate(journal, note, raw, now=call.now),
                  lambda allocation: allocation_json(call.org, allocation), _echo_allocation)


def delete_allocation(call: Call) -> Response:
    note = find_credit_note(call.org, call.path_params["id"])
    if note is None:
        return _not_found()
    removed = remove_allocation(call.journal, note, call.path_params["allocation_id"], now=call.now)
    if removed is None:
        return _not_found()
    return responses.xero_json(allocation_json(call.org, removed))


ROUTES = [
    route(f"{API}/CreditNotes", endpoint(get_credit_notes, INVOICES_READ), ["GET"]),
    route(f"{API}/CreditNotes", endpoint(write_credit_notes, INVOICES_WRITE), ["PUT", "POST"]),
    route(f"{API}/CreditNotes/{{id}}", endpoint(get_credit_note, INVOICES_READ), ["GET"]),
    route(f"{API}/CreditNotes/{{id}}", endpoint(write_credit_notes, INVOICES_WRITE), ["POST"]),
    route(f"{API}/CreditNotes/{{id}}/Allocations", endpoint(put_allocations, INVOICES_WRITE), ["PUT"]),
    route(f"{API}/CreditNotes/{{id}}/Allocations/{{allocation_id}}", endpoint(delete_allocation, INVOICES_WRITE),
          ["DELETE"]),
]
