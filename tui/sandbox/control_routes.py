"""`{base}/_sandbox/...`: the control API over HTTP, for a sandbox running in another process (`--control`).

    GET    /_sandbox/state                      snapshot()
    GET    /_sandbox/counters                   counters()
    POST   /_sandbox/counters/reset             reset_counters()
    POST   /_sandbox/clock/advance              {"seconds": 1800}
    POST   /_sandbox/settings                   {"latency": 0.05, "minute_limit": 600, ...}
    GET    /_sandbox/faults                     pending_faults()
    POST   /_sandbox/faults                     {"kind": "503", "count": 2, "path": ..., "methods": [...], "seconds": ...}
    DELETE /_sandbox/faults                     clear_faults()
    POST   /_sandbox/holds/release              release_holds() -> {"released": n}
    POST   /_sandbox/invoices/{ref}/edit        {"tenant_id": ..., "fields": {"Reference": "...", "LineItems": [...]}}
    POST   /_sandbox/invoices/{ref}/pay         {"tenant_id": ..., "amount": "10.00", "account_code": "090", ...}
    POST   /_sandbox/invoices/{ref}/void        {"tenant_id": ...}
    POST   /_sandbox/accounts/{code}/archive    {"tenant_id": ...}
    POST   /_sandbox/contacts                   {"tenant_id": ..., "fields": {"Name": "...", "IsCustomer": true}}
    POST   /_sandbox/contacts/{ref}/edit        {"tenant_id": ..., "fields": {"EmailAddress": "...", ...}}
    POST   /_sandbox/contacts/{ref}/archive     {"tenant_id": ...}
    POST   /_sandbox/contacts/{ref}/merge       {"tenant_id": ..., "into": "<ContactID or Name>"}
    POST   /_sandbox/contacts/{ref}/edit-during {"tenant_id": ..., "fields": {...}, "path": "/Invoices",
                                                 "method": "GET", "after": 1}: the edit is made when that
                                                 request arrives (a Xero user saving while a pass runs)
    POST   /_sandbox/connections/revoke         {"tenant_id": ..., "client_id": ...}
    POST   /_sandbox/redirect-uris              {"uri": "http://127.0.0.1:8765/callback"}
Bodies are JSON (all fields optional unless shown); a refused action is 400 `{"error": "..."}`.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any, Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from tui.sandbox.control import ControlError, SandboxControl
from tui.sandbox.responses import xero_json
from tui.sandbox.routing import route

PREFIX = "/_sandbox"


def _op(action: Callable[[SandboxControl, Request, dict[str, Any]], Any]) -> Callable[[Request], Any]:
    async def run(request: Request) -> Response:
        raw = await request.body()
        try:
            body = json.loads(raw) if raw.strip() else {}
        except ValueError:
            return JSONResponse({"error": "the body must be JSON"}, status_code=400)
        control = SandboxControl(request.app.state.sandbox)
        try:
            result = action(control, request, body)
        except (ControlError, TypeError, ValueError) as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        return xero_json(result if result is not None else {"ok": True})

    return run


def _ref(request: Request) -> str:
    return request.path_params["ref"]


def _settings(c: SandboxControl, r: Request, b: dict) -> dict:
    return dataclasses.asdict(c.configure(**b))


def _fault(c: SandboxControl, r: Request, b: dict) -> list[dict]:
    c.inject(b["kind"], int(b.get("count", 1)), path=b.get("path", "/api.xro/2.0/"), methods=b.get("methods"),
             seconds=b.get("seconds"))
    return c.pending_faults()


def _pay(c: SandboxControl, r: Request, b: dict) -> dict:
    return c.pay_invoice(_ref(r), b.get("amount"), b.get("tenant_id"), account_code=b.get("account_code", "090"),
                         date=b.get("date"), reference=b.get("reference", ""))


ROUTES = [
    route(f"{PREFIX}/state", _op(lambda c, r, b: c.snapshot()), ["GET"]),
    route(f"{PREFIX}/counters", _op(lambda c, r, b: c.counters()), ["GET"]),
    route(f"{PREFIX}/counters/reset", _op(lambda c, r, b: c.reset_counters()), ["POST"]),
    route(f"{PREFIX}/clock/advance",
          _op(lambda c, r, b: {"now": c.advance_clock(float(b["seconds"])).isoformat()}), ["POST"]),
    route(f"{PREFIX}/settings", _op(_settings), ["POST"]),
    route(f"{PREFIX}/faults", _op(lambda c, r, b: c.pending_faults()), ["GET"]),
    route(f"{PREFIX}/faults", _op(_fault), ["POST"]),
    route(f"{PREFIX}/faults", _op(lambda c, r, b: c.clear_faults()), ["DELETE"]),
    route(f"{PREFIX}/holds/release", _op(lambda c, r, b: {"released": c.release_holds()}), ["POST"]),
    route(f"{PREFIX}/invoices/{{ref}}/edit",
          _op(lambda c, r, b: c.edit_invoice(_ref(r), b.get("tenant_id"), **b.get("fields", {}))), ["POST"]),
    route(f"{PREFIX}/invoices/{{ref}}/pay", _op(_pay), ["POST"]),
    route(f"{PREFIX}/invoices/{{ref}}/void", _op(lambda c, r, b: c.void_invoice(_ref(r), b.get("tenant_id"))),
          ["POST"]),
    route(f"{PREFIX}/accounts/{{code}}/archive",
          _op(lambda c, r, b: c.archive_account(r.path_params["code"], b.get("tenant_id"))), ["POST"]),
    route(f"{PREFIX}/contacts", _op(lambda c, r, b: c.create_contact(b.get("tenant_id"), **b.get("fields", {}))),
          ["POST"]),
    route(f"{PREFIX}/contacts/{{ref}}/edit",
          _op(lambda c, r, b: c.edit_contact(_ref(r), b.get("tenant_id"), **b.get("fields", {}))), ["POST"]),
    route(f"{PREFIX}/contacts/{{ref}}/archive",
          _op(lambda c, r, b: c.archive_contact(_ref(r), b.get("tenant_id"))), ["POST"]),
    route(f"{PREFIX}/contacts/{{ref}}/merge",
          _op(lambda c, r, b: c.merge_contacts(_ref(r), b["into"], b.get("tenant_id"))), ["POST"]),
    route(f"{PREFIX}/contacts/{{ref}}/edit-during",
          _op(lambda c, r, b: c.edit_contact_during(_ref(r), b.get("fields", {}), path=b["path"],
                                                    method=b.get("method"), after=int(b.get("after", 1)),
                                                    tenant_id=b.get("tenant_id"))), ["POST"]),
    route(f"{PREFIX}/connections/revoke",
          _op(lambda c, r, b: {"removed": c.revoke_connection(b.get("tenant_id"), b.get("client_id"))}), ["POST"]),
    route(f"{PREFIX}/redirect-uris",
          _op(lambda c, r, b: c.register_redirect_uri(b["uri"], b.get("client_id"))), ["POST"]),
]
