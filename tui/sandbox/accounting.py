"""The accounting API subset under `{base}/api.xro/2.0/`: Organisation, Accounts, TaxRates, Contacts, Invoices
and Payments, with Xero's list parameters and batch-write behaviour.

Batch writes (PUT creates, POST creates or updates) take `{"Invoices": [...]}` or a single object. Without
`summarizeErrors=false` one invalid item fails the whole request with 400 `ValidationException` and nothing is
saved; with it the response is 200 and each item carries `StatusAttributeString` `OK` or `ERROR` (with its
`ValidationErrors`), and the valid items are saved.

Each call needs a token with a scope that covers it (broad `accounting.transactions`, `accounting.settings`, ...
or the granular `accounting.invoices`, `accounting.payments`, ...; `.read` variants for GETs), else 401
`AuthorizationUnsuccessful`.

Lists: `If-Modified-Since` keeps records whose UpdatedDateUTC is strictly later; without `page` everything is
returned (invoices then without line items, as Xero does), with `page` up to `pageSize` (default 100, at most
1000) plus a `pagination` object. Default order: accounts by Code, contacts by Name, invoices and payments by
UpdatedDateUTC; `order=Field [ASC|DESC]` changes it.
"""

from __future__ import annotations

from typing import Any, Callable

from starlette.responses import Response

from tui.sandbox import responses
from tui.sandbox.api import Call, endpoint
from tui.sandbox.contacts import save_contact
from tui.sandbox.invoices import STATUSES, find_invoice, save_invoice
from tui.sandbox.journal import Journal
from tui.sandbox.models import Account, Contact, Invoice, Payment, TaxRate
from tui.sandbox.refunds import save_any_payment
from tui.sandbox.query import (
    id_list,
    modified_since,
    order_key,
    paginate,
    sort_records,
    where_filter,
)
from tui.sandbox.routing import route
from tui.sandbox.xero_json import (
    account_json,
    contact_json,
    invoice_json,
    organisation_json,
    payment_json,
    tax_rate_json,
)

API = "/api.xro/2.0"


# what `where` and `order` can name, per record type
def _account_fields(a: Account) -> dict[str, Any]:
    return {"accountid": a.account_id, "code": a.code, "name": a.name, "type": a.type, "class": a.account_class,
            "status": a.status, "taxtype": a.tax_type, "systemaccount": a.system_account or None,
            "enablepaymentstoaccount": a.enable_payments, "bankaccountnumber": a.bank_account_number or None,
            "updateddateutc": a.updated}


def _tax_rate_fields(t: TaxRate) -> dict[str, Any]:
    return {"name": t.name, "taxtype": t.tax_type, "status": t.status, "reporttaxtype": t.report_tax_type,
            "effectiverate": t.rate, "displaytaxrate": t.rate}


def _contact_fields(c: Contact) -> dict[str, Any]:
    return {"contactid": c.contact_id, "name": c.name, "firstname": c.first_name, "lastname": c.last_name,
            "emailaddress": c.email or None, "contactnumber": c.contact_number or None,
            "accountnumber": c.account_number or None, "contactstatus": c.status, "iscustomer": c.is_customer,
            "issupplier": c.is_supplier, "updateddateutc": c.updated}


def _invoice_fields(call: Call) -> Callable[[Invoice], dict[str, Any]]:
    def fields(i: Invoice) -> dict[str, Any]:
        contact = call.org.contacts[i.contact_id]
        return {"invoiceid": i.invoice_id, "type": i.type, "status": i.status, "invoicenumber": i.number,
                "reference": i.reference, "contact.contactid": contact.contact_id, "contact.name": contact.name,
                "date": i.date, "duedate": i.due_date, "total": i.total, "subtotal": i.sub_total,
                "totaltax": i.total_tax, "amountdue": i.amount_due, "amountpaid": i.amount_paid,
                "amountcredited": i.amount_credited,
                "senttocontact": i.sent_to_contact, "currencycode": i.currency_code,
                "lineamounttypes": i.line_amount_types, "updateddateutc": i.updated}
    return fields


def _payment_fields(call: Call) -> Callable[[Payment], dict[str, Any]]:
    def fields(p: Payment) -> dict[str, Any]:
        invoice = call.org.invoices.get(p.invoice_id)
        note = call.org.credit_notes.get(p.credit_note_id)
        kind = (("ACCRECPAYMENT" if invoice.type == "ACCREC" else "ACCPAYPAYMENT") if invoice else
                "ARCREDITPAYMENT" if note.type == "ACCRECCREDIT" else "APCREDITPAYMENT")
        return {"paymentid": p.payment_id, "status": p.status, "date": p.date, "amount": p.amount,
                "reference": p.reference, "invoice.invoiceid": invoice.invoice_id if invoice else None,
                "invoice.invoicenumber": invoice.number if invoice else None,
                "creditnote.creditnoteid": note.credit_note_id if note else None,
                "creditnote.creditnotenumber": note.number if note else None,
                "updateddateutc": p.updated, "paymenttype": kind}
    return fields


def _select(call: Call, items: list[Any], fields: Callable[[Any], dict[str, Any]], type_name: str,
            default_order: str) -> list[Any]:
    """Apply If-Modified-Since, where and order to a list."""
    names = set(fields(items[0])) if items else set()
    since = modified_since(call.headers.get("if-modified-since"))
    if since is not None:
        items = [i for i in items if fields(i)["updateddateutc"] > since]
    if items:
        predicate = where_filter(call.query.get("where"), names, type_name)
        if predicate is not None:
            items = [i for i in items if predicate(fields(i))]
        order = order_key(call.query.get("order") or default_order, names, type_name)
        items = sort_records(items, fields, order)
    return items


def _listing(key: str, rendered: list[dict], pagination: dict | None) -> Response:
    body: dict[str, Any] = {}
    if pagination is not None:
        body["pagination"] = pagination
    body[key] = rendered
    return responses.xero_json(body)


def _not_found() -> Response:
    return responses.text(404, responses.TEXT_NOT_FOUND)


# Organisation, Accounts, TaxRates
def get_organisation(call: Call) -> Response:
    return responses.xero_json({"Organisations": [organisation_json(call.org)]})


def get_accounts(call: Call) -> Response:
    items = _select(call, list(call.org.accounts.values()), _account_fields, "Account", "Code")
    return responses.xero_json({"Accounts": [account_json(a) for a in items]})


def get_account(call: Call) -> Response:
    account = call.org.accounts.get(call.path_params["id"].lower())
    if account is None:
        return _not_found()
    return responses.xero_json({"Accounts": [account_json(account)]})


def get_tax_rates(call: Call) -> Response:
    rates = list(call.org.tax_rates)
    predicate = where_filter(call.query.get("where"), set(_tax_rate_fields(rates[0])), "TaxRate")
    if predicate is not None:
        rates = [t for t in rates if predicate(_tax_rate_fields(t))]
    return responses.xero_json({"TaxRates": [tax_rate_json(t) for t in rates]})


# batch writes
def _items(body: Any, key: str) -> list[Any] | None:
    if isinstance(body, dict):
        for name, value in body.items():
            if name.lower() == key.lower():
                return value if isinstance(value, list) else None
        return [body]
    return None


def _batch(call: Call, key: str, id_key: str, save: Callable[[Journal, dict], tuple[Any, list[str]]],
           render: Callable[[Any], dict], echo: Callable[[dict], dict]) -> Response:
    items = _items(call.body, key)
    if not items:
        return responses.error("PostDataInvalidException", f"The request must contain at least one {key[:-1]}.",
                               number=17)
    results: list[tuple[dict, Any, list[str]]] = []
    for raw in items:
        if not isinstance(raw, dict):
            results.append(({}, None, [f"Each item in {key} must be an object."]))
            continue
        record, errors = save(call.journal, raw)
        results.append((raw, record, errors))
    if call.summarize_errors and any(errors for _, _, errors in results):
        call.journal.rollback()
        return responses.validation_exception([
            {id_key: _raw_id(raw, id_key), "ValidationErrors": [{"Message": m} for m in errors]}
            for raw, _, errors in results if errors
        ])
    out = []
    for raw, record, errors in results:
        if errors:
            item = echo(raw)
            item.update({"StatusAttributeString": "ERROR", "ValidationErrors": [{"Message": m} for m in errors]})
        else:
            item = render(record)
            if not call.summarize_errors:
                item["StatusAttributeString"] = "OK"
        out.append(item)
    return responses.xero_json({key: out})


def _raw_id(raw: dict, id_key: str) -> str:
    value = raw.get(id_key)
    return str(value).lower() if isinstance(value, str) and len(value) == 36 else responses.ZERO_ID


def _echo(raw: dict, text_keys: tuple[str, ...], enums: dict[str, tuple[str, ...]], id_key: str) -> dict:
    out: dict[str, Any] = {id_key: _raw_id(raw, id_key)}
    for k in text_keys:
        if isinstance(raw.get(k), str):
            out[k] = raw[k]
    for k, allowed in enums.items():
        if raw.get(k) in allowed:
            out[k] = raw[k]
    return out


# Contacts
def get_contacts(call: Call) -> Response:
    items = list(call.org.contacts.values())
    if call.query.get("includearchived", "false").lower() != "true":
        items = [c for c in items if c.status == "ACTIVE"]
    ids = {i.lower() for i in id_list(call.query.get("ids"))}
    if ids:
        items = [c for c in items if c.contact_id in ids]
    term = (call.query.get("searchterm") or "").strip().lower()
    if term:
        items = [c for c in items if any(term in v.lower() for v in (
            c.name, c.first_name, c.last_name, c.email, c.contact_number, c.account_number))]
    items = _select(call, items, _contact_fields, "Contact", "Name")
    page = paginate(items, call.query.get("page"), call.query.get("pagesize"))
    return _listing("Contacts", [contact_json(c) for c in page.items], page.pagination)


def get_contact(call: Call) -> Response:
    key = call.path_params["id"]
    contact = call.org.contacts.get(key.lower()) or next(
        (c for c in call.org.contacts.values() if c.contact_number and c.contact_number == key), None)
    if contact is None:
        return _not_found()
    return responses.xero_json({"Contacts": [contact_json(contact)]})


def _echo_contact(raw: dict) -> dict:
    out = _echo(raw, ("Name", "FirstName", "LastName", "EmailAddress", "ContactNumber"),
                {"ContactStatus": ("ACTIVE", "ARCHIVED")}, "ContactID")
    out["HasValidationErrors"] = True
    return out


def write_contacts(call: Call) -> Response:
    create_only = call.method == "PUT"
    if "id" in call.path_params and isinstance(call.body, dict):
        call.body = _single(call.body, "Contacts", "ContactID", call.path_params["id"])
    return _batch(call, "Contacts", "ContactID",
                  lambda journal, raw: save_contact(journal, raw, now=call.now, create_only=create_only),
                  contact_json, _echo_contact)


def _single(body: dict, key: str, id_key: str, record_id: str) -> dict:
    """`POST /Invoices/{id}`: the body's one item, aimed at that record."""
    items = _items(body, key) or [{}]
    item = dict(items[0]) if isinstance(items[0], dict) else {}
    item[id_key] = record_id
    return {key: [item]}


# Invoices
def get_invoices(call: Call) -> Response:
    items = list(call.org.invoices.values())
    for param, attr in (("ids", "invoice_id"), ("contactids", "contact_id")):
        wanted = {i.lower() for i in id_list(call.query.get(param))}
        if wanted:
            items = [i for i in items if getattr(i, attr) in wanted]
    numbers = set(id_list(call.query.get("invoicenumbers")))
    if numbers:
        items = [i for i in items if i.number in numbers]
    statuses = {s.upper() for s in id_list(call.query.get("statuses"))}
    if statuses:
        items = [i for i in items if i.status in statuses]
    items = _select(call, items, _invoice_fields(call), "Invoice", "UpdatedDateUTC")
    page = paginate(items, call.query.get("page"), call.query.get("pagesize"))
    summary = call.query.get("summaryonly", "false").lower() == "true"
    rendered = [invoice_json(call.org, i, unitdp=call.unitdp, lines=page.pagination is not None, summary=summary)
                for i in page.items]
    return _listing("Invoices", rendered, page.pagination)


def get_invoice(call: Call) -> Response:
    invoice = find_invoice(call.org, call.path_params["id"])
    if invoice is None:
        return _not_found()
    return responses.xero_json({"Invoices": [invoice_json(call.org, invoice, unitdp=call.unitdp)]})


def _echo_invoice(raw: dict) -> dict:
    out = _echo(raw, ("InvoiceNumber", "Reference"), {
        "Type": ("ACCREC", "ACCPAY"), "Status": STATUSES, "LineAmountTypes": ("Exclusive", "Inclusive", "NoTax"),
    }, "InvoiceID")
    contact = raw.get("Contact")
    if isinstance(contact, dict):
        out["Contact"] = {k: contact[k] for k in ("Name", "ContactNumber") if isinstance(contact.get(k), str)}
    out["HasErrors"] = True
    return out


def write_invoices(call: Call) -> Response:
    create_only = call.method == "PUT"
    if "id" in call.path_params:
        existing = find_invoice(call.org, call.path_params["id"])
        if existing is None:
            return _not_found()
        if isinstance(call.body, dict):
            call.body = _single(call.body, "Invoices", "InvoiceID", existing.invoice_id)
    return _batch(call, "Invoices", "InvoiceID",
                  lambda journal, raw: save_invoice(journal, raw, now=call.now, unitdp=call.unitdp,
                                                    create_only=create_only),
                  lambda inv: invoice_json(call.org, inv, unitdp=call.unitdp), _echo_invoice)


# Payments
def get_payments(call: Call) -> Response:
    items = _select(call, list(call.org.payments.values()), _payment_fields(call), "Payment", "UpdatedDateUTC")
    page = paginate(items, call.query.get("page"), call.query.get("pagesize"))
    return _listing("Payments", [payment_json(call.org, p) for p in page.items], page.pagination)


def get_payment(call: Call) -> Response:
    payment = call.org.payments.get(call.path_params["id"].lower())
    if payment is None:
        return _not_found()
    return responses.xero_json({"Payments": [payment_json(call.org, payment)]})


def _echo_payment(raw: dict) -> dict:
    out = _echo(raw, ("Reference",), {}, "PaymentID")
    out["HasValidationErrors"] = True
    return out


def write_payments(call: Call) -> Response:
    """PUT/POST /Payments creates payments on invoices or credit notes (refunds: `tui.sandbox.refunds`), or
    deletes them (``PaymentID`` with ``Status: DELETED``);
    POST /Payments/{id} takes ``{"Status": "DELETED"}``."""
    if "id" in call.path_params:
        if call.path_params["id"].lower() not in call.org.payments:
            return _not_found()
        if isinstance(call.body, dict):
            call.body = _single(call.body, "Payments", "PaymentID", call.path_params["id"].lower())
    return _batch(call, "Payments", "InvoiceID",
                  lambda journal, raw: save_any_payment(journal, raw, now=call.now),
                  lambda p: payment_json(call.org, p), _echo_payment)


# scopes that allow each kind of call: Xero's broad scopes (the spec) and the granular ones for newer apps
SETTINGS_READ = ("accounting.settings", "accounting.settings.read")
CONTACTS_READ = ("accounting.contacts", "accounting.contacts.read")
CONTACTS_WRITE = ("accounting.contacts",)
INVOICES_READ = ("accounting.transactions", "accounting.transactions.read", "accounting.invoices",
                 "accounting.invoices.read")
INVOICES_WRITE = ("accounting.transactions", "accounting.invoices")
PAYMENTS_READ = ("accounting.transactions", "accounting.transactions.read", "accounting.payments",
                 "accounting.payments.read")
PAYMENTS_WRITE = ("accounting.transactions", "accounting.payments")

ROUTES = [
    route(f"{API}/Organisation", endpoint(get_organisation, SETTINGS_READ), ["GET"]),
    route(f"{API}/Accounts", endpoint(get_accounts, SETTINGS_READ), ["GET"]),
    route(f"{API}/Accounts/{{id}}", endpoint(get_account, SETTINGS_READ), ["GET"]),
    route(f"{API}/TaxRates", endpoint(get_tax_rates, SETTINGS_READ), ["GET"]),
    route(f"{API}/Contacts", endpoint(get_contacts, CONTACTS_READ), ["GET"]),
    route(f"{API}/Contacts", endpoint(write_contacts, CONTACTS_WRITE), ["PUT", "POST"]),
    route(f"{API}/Contacts/{{id}}", endpoint(get_contact, CONTACTS_READ), ["GET"]),
    route(f"{API}/Contacts/{{id}}", endpoint(write_contacts, CONTACTS_WRITE), ["POST"]),
    route(f"{API}/Invoices", endpoint(get_invoices, INVOICES_READ), ["GET"]),
    route(f"{API}/Invoices", endpoint(write_invoices, INVOICES_WRITE), ["PUT", "POST"]),
    route(f"{API}/Invoices/{{id}}", endpoint(get_invoice, INVOICES_READ), ["GET"]),
    route(f"{API}/Invoices/{{id}}", endpoint(write_invoices, INVOICES_WRITE), ["POST"]),
    route(f"{API}/Payments", endpoint(get_payments, PAYMENTS_READ), ["GET"]),
    route(f"{API}/Payments", endpoint(write_payments, PAYMENTS_WRITE), ["PUT", "POST"]),
    route(f"{API}/Payments/{{id}}", endpoint(get_payment, PAYMENTS_READ), ["GET"]),
    route(f"{API}/Payments/{{id}}", endpoint(write_payments, PAYMENTS_WRITE), ["POST"]),
]
