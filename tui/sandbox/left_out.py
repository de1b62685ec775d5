"""The operations Xero's spec defines for the resources the sandbox holds (Accounts, Contacts, Invoices, Payments,
CreditNotes) that it deliberately does not serve: attachments, history, PDFs, online invoice links, emailing, CIS
settings, and changing the chart of accounts. Each is answered, after the usual token, organisation and scope
checks, with a 501 in Xero's `Error` shape (`Type: NotImplementedException`), never a bare 404 or 405, so a client
meeting one knows what it met. A route served elsewhere (`tui.sandbox.accounting`) comes first and wins.
"""

from __future__ import annotations

from starlette.responses import Response

from tui.sandbox import responses
from tui.sandbox.accounting import API, CONTACTS_WRITE, INVOICES_WRITE, PAYMENTS_WRITE, SETTINGS_READ
from tui.sandbox.api import Call, endpoint
from tui.sandbox.routing import route

SETTINGS = (*SETTINGS_READ, "accounting.attachments", "accounting.attachments.read")
CONTACTS = (*CONTACTS_WRITE, "accounting.contacts.read", "accounting.attachments", "accounting.attachments.read")
INVOICES = (*INVOICES_WRITE, "accounting.transactions.read", "accounting.invoices.read", "accounting.attachments",
            "accounting.attachments.read")
PAYMENTS = (*PAYMENTS_WRITE, "accounting.transactions.read", "accounting.payments.read")

#: (method, path under the API, scopes that reach it): every spec operation on these resources not served
LEFT_OUT = [
    ("PUT", "/Accounts", SETTINGS),
    ("POST", "/Accounts/{id}", SETTINGS),
    ("DELETE", "/Accounts/{id}", SETTINGS),
    ("GET", "/Accounts/{id}/Attachments", SETTINGS),
    ("GET", "/Accounts/{id}/Attachments/{name}", SETTINGS),
    ("POST", "/Accounts/{id}/Attachments/{name}", SETTINGS),
    ("PUT", "/Accounts/{id}/Attachments/{name}", SETTINGS),
    ("GET", "/Contacts/{id}/Attachments", CONTACTS),
    ("GET", "/Contacts/{id}/Attachments/{name}", CONTACTS),
    ("POST", "/Contacts/{id}/Attachments/{name}", CONTACTS),
    ("PUT", "/Contacts/{id}/Attachments/{name}", CONTACTS),
    ("GET", "/Contacts/{id}/CISSettings", CONTACTS),
    ("GET", "/Contacts/{id}/History", CONTACTS),
    ("PUT", "/Contacts/{id}/History", CONTACTS),
    ("GET", "/Invoices/{id}/pdf", INVOICES),
    ("GET", "/Invoices/{id}/Attachments", INVOICES),
    ("GET", "/Invoices/{id}/Attachments/{name}", INVOICES),
    ("POST", "/Invoices/{id}/Attachments/{name}", INVOICES),
    ("PUT", "/Invoices/{id}/Attachments/{name}", INVOICES),
    ("GET", "/Invoices/{id}/OnlineInvoice", INVOICES),
    ("POST", "/Invoices/{id}/Email", INVOICES),
    ("GET", "/Invoices/{id}/History", INVOICES),
    ("PUT", "/Invoices/{id}/History", INVOICES),
    ("GET", "/CreditNotes/{id}/pdf", INVOICES),
    ("GET", "/CreditNotes/{id}/Attachments", INVOICES),
    ("GET", "/CreditNotes/{id}/Attachments/{name}", INVOICES),
    ("POST", "/CreditNotes/{id}/Attachments/{name}", INVOICES),
    ("PUT", "/CreditNotes/{id}/Attachments/{name}", INVOICES),
    ("GET", "/CreditNotes/{id}/History", INVOICES),
    ("PUT", "/CreditNotes/{id}/History", INVOICES),
    ("GET", "/Payments/{id}/History", PAYMENTS),
    ("PUT", "/Payments/{id}/History", PAYMENTS),
]


def not_served(call: Call) -> Response:
    return responses.error("NotImplementedException", f"The sandbox does not implement {call.method} on this "
                           "resource; Xero does.", number=20, status=501)


ROUTES = [route(f"{API}{path}", endpoint(not_served, scopes), [method]) for method, path, scopes in LEFT_OUT]
