"""The control API: what tests, the demo and benchmarks do to a running sandbox from outside the Xero API.

`SandboxControl(state)` works on the live state (thread-safe; the harness hands one out as `sandbox.control`),
and `{base}/_sandbox/...` exposes the same operations over HTTP when the server runs with `--control`.

Clock and settings
    now() -> datetime                       the sandbox time
    advance_clock(seconds) -> datetime      move time forward: token expiry, refresh grace and 60-day death,
                                            code lifetime, rate-limit windows and Retry-After all follow it
    configure(**settings) -> Settings       e.g. latency=0.05, minute_limit=600, access_token_ttl=60
Faults (see `tui.sandbox.faults`)
    inject(kind, count=1, *, path="/api.xro/2.0/", methods=None, seconds=None)
                                            kind: "429", "500", "503", "latency", "close", "hold",
                                            or a malformed 200: "html", "json_list", "no_collection",
                                            "empty_collection"
    pending_faults() -> list[dict];  clear_faults()
    wait_for_held(count=1, timeout=5.0) -> bool;  release_holds() -> int
Counters and state
    counters() -> {"requests": {"GET /api.xro/2.0/invoices": n, ...}, "token_requests": {"refresh_token": n}}
    reset_counters();  reset_rate_limits()
    snapshot() -> dict                      organisations in Xero's JSON, connections and grants (no secrets)
    invoice(ref, tenant_id=None) -> dict    one invoice in Xero's JSON, by InvoiceID or InvoiceNumber
Acting as a Xero user (each bumps UpdatedDateUTC as Xero does)
    edit_invoice(ref, tenant_id=None, **fields) -> dict     fields in Xero's names: LineItems=[...], Reference=...
    pay_invoice(ref, amount=None, tenant_id=None, account_code="090", date=None, reference="") -> dict
    void_invoice(ref, tenant_id=None) -> dict
    archive_account(code, tenant_id=None) -> dict
    create_contact, edit_contact, archive_contact, merge_contacts, edit_contact_during: see
                                            `tui.sandbox.contact_control`
    credit_note, create_credit_note, edit_credit_note, allocate_credit_note, remove_allocation,
    refund_credit_note: see `tui.sandbox.credit_note_control`
    revoke_connection(tenant_id=None, client_id=None) -> int   as Xero's Connected Apps screen's Disconnect
    register_redirect_uri(uri, client_id=None)
`tenant_id=None` means "Demo Company (AU)"; `client_id=None` means the PKCE app. Refused actions raise
`ControlError` with Xero's validation messages.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

from tui.sandbox import oauth
from tui.sandbox.contact_control import ContactControl
from tui.sandbox.control_error import ControlError
from tui.sandbox.credit_note_control import CreditNoteControl
from tui.sandbox.credit_note_json import credit_note_json
from tui.sandbox.invoices import find_invoice, save_invoice
from tui.sandbox.journal import Journal
from tui.sandbox.models import Invoice, Organisation
from tui.sandbox.payments import save_payment
from tui.sandbox.settings import Settings
from tui.sandbox.state import SandboxState
from tui.sandbox.xero_json import (
    account_json,
    connection_json,
    contact_json,
    invoice_json,
    organisation_json,
    payment_json,
    tax_rate_json,
)


class SandboxControl(ContactControl, CreditNoteControl):
    def __init__(self, state: SandboxState) -> None:
        self.state = state

    # clock and settings
    def now(self) -> datetime:
        return self.state.clock.now()

    def advance_clock(self, seconds: float) -> datetime:
        return self.state.clock.advance(seconds)

    def configure(self, **changes: Any) -> Settings:
        names = {f.name for f in dataclasses.fields(Settings)}
        unknown = set(changes) - names
        if unknown:
            raise ControlError(f"unknown settings: {', '.join(sorted(unknown))}")
        for name, value in changes.items():
            setattr(self.state.settings, name, type(getattr(self.state.settings, name))(value))
        return self.state.settings

    # faults
    def inject(self, kind: str, count: int = 1, *, path: str = "/api.xro/2.0/",
               methods: list[str] | None = None, seconds: float | None = None) -> None:
        try:
            self.state.faults.add(kind, count, path=path, methods=methods, seconds=seconds)
        except ValueError as exc:
            raise ControlError(str(exc)) from None

    def pending_faults(self) -> list[dict]:
        return self.state.faults.pending()

    def clear_faults(self) -> None:
        self.state.faults.clear()

    def wait_for_held(self, count: int = 1, timeout: float = 5.0) -> bool:
        return self.state.faults.wait_for_held(count, timeout)

    def release_holds(self) -> int:
        return self.state.faults.release_holds()

    # counters and state
    def counters(self) -> dict[str, dict[str, int]]:
        return self.state.counters.snapshot()

    def reset_counters(self) -> None:
        self.state.counters.reset()

    def reset_rate_limits(self) -> None:
        self.state.limiter.reset()

    def snapshot(self) -> dict[str, Any]:
        s = self.state
        with s.lock:
            return {
                "now": s.clock.now().isoformat(),
                "organisations": {tid: self._org_snapshot(org) for tid, org in s.organisations.items()},
                "connections": [dict(connection_json(c, s.organisations[c.tenant_id].name), clientId=c.client_id)
                                for c in s.connections.values()],
                "grants": [{"grantId": g.grant_id, "clientId": g.client_id, "userId": g.user_id,
                            "scopes": g.scopes, "revoked": g.revoked} for g in s.grants.values()],
                "faults": s.faults.pending(),
                "counters": s.counters.snapshot(),
            }

    @staticmethod
    def _org_snapshot(org: Organisation) -> dict[str, Any]:
        return {
            "Organisation": organisation_json(org),
            "Accounts": [account_json(a) for a in org.accounts.values()],
            "TaxRates": [tax_rate_json(t) for t in org.tax_rates],
            "Contacts": [contact_json(c) for c in org.contacts.values()],
            "Invoices": [invoice_json(org, i, unitdp=4) for i in org.invoices.values()],
            "Payments": [payment_json(org, p) for p in org.payments.values()],
            "CreditNotes": [credit_note_json(org, c, unitdp=4) for c in org.credit_notes.values()],
        }

    def invoice(self, ref: str, tenant_id: str | None = None) -> dict[str, Any]:
        with self.state.lock:
            org = self.state.organisation(tenant_id)
            return invoice_json(org, self._invoice(org, ref), unitdp=4)

    # acting as a Xero user
    @staticmethod
    def _invoice(org: Organisation, ref: str) -> Invoice:
        invoice = find_invoice(org, ref)
        if invoice is None:
            raise ControlError(f"no invoice {ref!r} in {org.name}")
        return invoice

    def _save(self, journal: Journal, result: tuple[Any, list[str]]) -> Any:
        record, errors = result
        if errors:
            journal.rollback()
            raise ControlError("; ".join(errors))
        self.state.changed()
        return record

    def edit_invoice(self, ref: str, tenant_id: str | None = None, **fields: Any) -> dict[str, Any]:
        s = self.state
        with s.lock:
            org = s.organisation(tenant_id)
            journal = Journal(org)
            invoice = self._save(journal, save_invoice(
                journal, fields, now=s.clock.now(), unitdp=4, create_only=False, existing=self._invoice(org, ref)))
            return invoice_json(org, invoice, unitdp=4)

    def void_invoice(self, ref: str, tenant_id: str | None = None) -> dict[str, Any]:
        return self.edit_invoice(ref, tenant_id, Status="VOIDED")

    def pay_invoice(self, ref: str, amount: Any = None, tenant_id: str | None = None, *, account_code: str = "090",
                    date: str | None = None, reference: str = "") -> dict[str, Any]:
        s = self.state
        with s.lock:
            org = s.organisation(tenant_id)
            invoice = self._invoice(org, ref)
            journal = Journal(org)
            raw = {"Invoice": {"InvoiceID": invoice.invoice_id}, "Account": {"Code": account_code},
                   "Amount": str(invoice.amount_due if amount is None else amount), "Reference": reference}
            if date:
                raw["Date"] = date
            self._save(journal, save_payment(journal, raw, now=s.clock.now()))
            return invoice_json(org, org.invoices[invoice.invoice_id], unitdp=4)

    def archive_account(self, code: str, tenant_id: str | None = None) -> dict[str, Any]:
        s = self.state
        with s.lock:
            org = s.organisation(tenant_id)
            account = org.account_by_code(code)
            if account is None:
                raise ControlError(f"no account {code!r} in {org.name}")
            if account.system_account:
                raise ControlError(f"account {code} is a system account and cannot be archived")
            account = dataclasses.replace(account, status="ARCHIVED", updated=s.clock.now())
            Journal(org).put("accounts", account.account_id, account)
            s.changed()
            return account_json(account)

    def revoke_connection(self, tenant_id: str | None = None, client_id: str | None = None) -> int:
        s = self.state
        with s.lock:
            tenant = tenant_id or s.demo_tenant_id
            client = client_id or s.pkce_client.client_id
            doomed = [c for c in s.connections.values() if c.tenant_id == tenant and c.client_id == client]
            for conn in doomed:
                oauth.remove_connection(s, conn)
            return len(doomed)

    def register_redirect_uri(self, uri: str, client_id: str | None = None) -> None:
        if not oauth.valid_redirect_uri(uri):
            raise ControlError(f"{uri}: redirect URIs must use https, or http on localhost")
        s = self.state
        with s.lock:
            client = s.clients[client_id] if client_id else s.pkce_client
            if uri not in client.redirect_uris:
                client.redirect_uris.append(uri)
                s.changed()
