"""What the screens show about the sync, and the user's sync actions: queries and small transactions.

* :func:`invoice_state` / :func:`invoice_states`: per invoice, "not synced" (a draft), "pending", "synced"
  (with when), "error" (with Xero's message), "conflict", "excluded".
* :func:`overview`: the header/footer line ("Synced 1 min ago", "3 pending", errors in red: after a failed
  pass, what failed instead of when it last synced), last success, calls used today, who holds the lease.
* :func:`problems`: the To Do "sync problems" group and the Sync screen's error list.
* :func:`open_conflicts`, :func:`resolve_conflicts`; :func:`retry`; :func:`renumber_invoice`;
  :func:`tui.sync.contacts.link_customer`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from tui.domain.dates import DEFAULT_TIME_ZONE, business_today
from tui.domain.invoice import InvoiceStatus
from tui.store.invoices import get_invoice, write_from_xero
from tui.store.sync_tables import (
    SyncConflictRow,
    SyncLogRow,
    SyncOutboxRow,
    SyncRecordRow,
    SyncStateRow,
)
from tui.store.tables import AccountMappingRow, BusinessRow, CustomerRow, InvoiceRow, PaymentRow, XeroConnectionRow
from tui.sync import credit_status, outbox, records
from tui.sync.lease import lease_holder


@dataclass(frozen=True)
class InvoiceSyncState:
    state: str  # "not synced" | "pending" | "synced" | "error" | "conflict" | "excluded"
    synced_at: datetime | None = None
    error: str = ""
    error_code: str = ""
    xero_id: str | None = None

    @property
    def label(self) -> str:
        if self.state == "synced" and self.synced_at is not None:
            return f"Synced {self.synced_at:%d/%m %H:%M} UTC"
        if self.state == "error":
            return f"Sync problem: {self.error}"
        return {"not synced": "Not in Xero (draft)", "pending": "Waiting to sync", "conflict": "Changed in both places",
                "excluded": "Not synced (sent before the sync start date)"}.get(self.state, self.state)


def _state_of(status: str, entry: SyncOutboxRow | None, rec: SyncRecordRow | None) -> InvoiceSyncState:
    synced_at = rec.synced_at if rec else None
    xero_id = rec.xero_id if rec else None
    if rec is not None and rec.excluded:
        return InvoiceSyncState("excluded")
    if rec is not None and rec.error_code == "conflict":
        return InvoiceSyncState("conflict", synced_at, rec.error, rec.error_code, xero_id)
    if rec is not None and rec.error:
        return InvoiceSyncState("error", synced_at, rec.error, rec.error_code, xero_id)
    if entry is not None:
        return InvoiceSyncState("pending", synced_at, "", "", xero_id)
    if status == InvoiceStatus.DRAFT.value and xero_id is None:
        return InvoiceSyncState("not synced")
    if rec is not None and rec.synced_at is not None:
        return InvoiceSyncState("synced", synced_at, "", "", xero_id)
    return InvoiceSyncState("not synced")


def invoice_state(s: Session, invoice_id: int) -> InvoiceSyncState:
    return invoice_states(s, [invoice_id]).get(invoice_id, InvoiceSyncState("not synced"))


def invoice_states(s: Session, invoice_ids: list[int]) -> dict[int, InvoiceSyncState]:
    """Sync state of many invoices in three queries (for lists)."""
    if not invoice_ids:
        return {}
    statuses = dict(s.exec(select(InvoiceRow.id, InvoiceRow.status).where(col(InvoiceRow.id).in_(invoice_ids))).all())
    entries = {e.entity_id: e for e in s.exec(select(SyncOutboxRow).where(
        SyncOutboxRow.kind == outbox.INVOICE, col(SyncOutboxRow.entity_id).in_(invoice_ids))).all()}
    recs = {r.entity_id: r for r in s.exec(select(SyncRecordRow).where(
        SyncRecordRow.kind == outbox.INVOICE, col(SyncRecordRow.entity_id).in_(invoice_ids))).all()}
    return {i: _state_of(statuses[i], entries.get(i), recs.get(i)) for i in invoice_ids if i in statuses}


@dataclass(frozen=True)
class Problem:
    kind: str  # "invoice" | "contact" | "payment" | "credit_note" | "allocation" | "refund"
    entity_id: int
    title: str  # "INV-0042 Olivia Nguyen" or the customer's name
    code: str  # validation | number_clash | name_clash | contact | conflict | totals | pull
    message: str
    at: datetime | None
    invoice_id: int | None = None  # the invoice of an invoice's or a payment's problem
    next_try: datetime | None = None  # Xero failed on it (5xx): when the sync tries it again


def problems(s: Session, limit: int = 200) -> list[Problem]:
    rows = s.exec(select(SyncRecordRow).where(SyncRecordRow.error != "").order_by(
        col(SyncRecordRow.error_at).desc(), col(SyncRecordRow.kind), col(SyncRecordRow.entity_id)).limit(limit)).all()
    out = []
    for r in rows:
        if r.kind in (outbox.INVOICE, outbox.PAYMENT):
            payment = s.get(PaymentRow, r.entity_id) if r.kind == outbox.PAYMENT else None
            if r.kind == outbox.PAYMENT and payment is None:
                continue
            inv = s.get(InvoiceRow, payment.invoice_id if payment is not None else r.entity_id)
            if inv is None:
                continue
            cust = s.get(CustomerRow, inv.customer_id)
            title = f"{inv.number} {cust.name if cust else ''}".strip()
            invoice_id = inv.id
        elif r.kind in credit_status.KINDS:
            if (found := credit_status.credit_title(s, r.kind, r.entity_id)) is None:
                continue
            title, invoice_id = found
        else:
            cust = s.get(CustomerRow, r.entity_id)
            if cust is None:
                continue
            title = cust.name
            invoice_id = None
        out.append(Problem(r.kind, r.entity_id, title, r.error_code, r.error, r.error_at, invoice_id))
    waits = {kind: outbox.next_attempts(s, kind, [p.entity_id for p in out if p.kind == kind])
             for kind in {p.kind for p in out}}
    return [replace(p, next_try=waits[p.kind].get(p.entity_id)) if waits[p.kind].get(p.entity_id) else p
            for p in out]


@dataclass(frozen=True)
class Overview:
    connected: bool
    pending: int
    errors: int
    conflicts: int
    last_success_at: datetime | None
    last_run_at: datetime | None
    last_error: str
    calls_today: int
    held_by: str | None
    needs_confirmation: bool
    accounts_pending: bool = False  # just connected: waits for the revenue accounts (Xero screen)

    def header(self, now: datetime) -> str:
        """The short status for the header/footer: errors first, then pending, then what the last pass met
        (:func:`headline` of its error) or when the sync last succeeded (not while the revenue accounts wait:
        nothing is synced then, whatever an earlier connection to the organisation did)."""
        parts = []
        if self.conflicts:
            parts.append(f"{self.conflicts} conflict{'s' if self.conflicts != 1 else ''}")
        if self.errors:
            parts.append(f"{self.errors} sync error{'s' if self.errors != 1 else ''}")
        if self.pending:
            parts.append(f"{self.pending} pending")
        if self.accounts_pending:
            parts.append("waits for the revenue accounts")
        elif self.last_error:
            parts.append(headline(self.last_error))
        elif self.needs_confirmation:
            parts.append("first sync needs review")
        if self.last_success_at is not None and not self.last_error and not self.accounts_pending:
            parts.append(f"Synced {ago(self.last_success_at, now)}")
        elif not parts:
            parts.append("Not synced yet")
        return " · ".join(parts)

    @property
    def is_error(self) -> bool:
        """Red in the header."""
        return bool(self.errors or self.conflicts or self.last_error)


HEADLINE_CHARS = 80


def headline(message: str) -> str:
    """A pass's error short enough for the header: its first clause (up to ": " or "; "), on one line.

    "Xero is offline (for maintenance or an outage); sync will ..." -> "Xero is offline (for maintenance or an
    outage)"; "Unexpected reply from Xero to GET Invoices (HTTP 200, not JSON): <!DOCTYPE ..." -> up to the colon.
    The Sync screen shows the whole message.
    """
    text = " ".join(message.split())
    for stop in (": ", "; "):
        text = text.split(stop, 1)[0] or text
    return text if len(text) <= HEADLINE_CHARS else text[: HEADLINE_CHARS - 1].rstrip() + "…"


def ago(then: datetime, now: datetime) -> str:
    seconds = max(0, int((now - then).total_seconds()))
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{seconds // 60} min ago"
    if seconds < 86400:
        hours = seconds // 3600
        return f"{hours} hour{'s' if hours != 1 else ''} ago"
    days = seconds // 86400
    return f"{days} day{'s' if days != 1 else ''} ago"


def overview(s: Session, tenant_id: str | None, now: datetime) -> Overview:
    pending = s.exec(select(func.count()).select_from(SyncOutboxRow)).one()
    errors = s.exec(select(func.count()).select_from(SyncRecordRow).where(
        SyncRecordRow.error != "", SyncRecordRow.error_code != "conflict")).one()
    conflicts = sum(s.exec(select(func.count(func.distinct(SyncConflictRow.invoice_id))).where(
        col(SyncConflictRow.resolved_at).is_(None), col(SyncConflictRow.kind) == kind)).one()
        for kind in (outbox.INVOICE, outbox.CONTACT))
    state = s.get(SyncStateRow, tenant_id) if tenant_id else None
    holder = lease_holder(s, tenant_id, now) if tenant_id else None
    business = s.get(BusinessRow, 1)
    today = business_today(now, business.time_zone if business else DEFAULT_TIME_ZONE)
    calls = state.calls_today if state is not None and state.calls_day == today else 0
    return Overview(
        connected=tenant_id is not None, pending=pending, errors=errors, conflicts=conflicts,
        last_success_at=state.last_success_at if state else None, last_run_at=state.last_run_at if state else None,
        last_error=state.last_error if state else "", calls_today=calls,
        held_by=holder.label if holder else None,
        needs_confirmation=state is not None and state.confirmed_at is None and state.last_run_at is not None
        and not state.last_error,  # a first pass that failed (Xero offline...) has nothing to review yet
        accounts_pending=bool(tenant_id and (conn := s.get(XeroConnectionRow, tenant_id)) is not None
                              and conn.accounts_pending),
    )


def recent_log(s: Session, limit: int = 200) -> list[SyncLogRow]:
    return records.recent_log(s, limit)


def todo_group(s: Session, limit: int = 200):
    """To Do's "Sync problems" group (:func:`tui.store.todo.sync_group`) in the session's transaction."""
    from tui.store.todo import session_reader, sync_group

    return sync_group(session_reader(s), limit)


# -- conflicts ---------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ConflictView:
    id: int
    invoice_id: int
    field: str
    label: str
    base: Any
    local: Any
    remote: Any
    created_at: datetime


def open_conflicts(s: Session, invoice_id: int | None = None) -> list[ConflictView]:
    from tui.sync.merge import FieldConflict

    q = select(SyncConflictRow).where(col(SyncConflictRow.resolved_at).is_(None),
                                      col(SyncConflictRow.kind) == outbox.INVOICE)
    if invoice_id is not None:
        q = q.where(SyncConflictRow.invoice_id == invoice_id)
    out = []
    for r in s.exec(q.order_by(col(SyncConflictRow.id))).all():
        base, local, remote = json.loads(r.base), json.loads(r.local), json.loads(r.remote)
        out.append(ConflictView(r.id, r.invoice_id, r.field, FieldConflict(r.field, base, local, remote).label,
                                base, local, remote, r.created_at))
    return out


def _codes(s: Session, tenant_id: str):
    from tui.domain.invoice import RevenueCategory

    out = {}
    for r in s.exec(select(AccountMappingRow).where(AccountMappingRow.tenant_id == tenant_id)).all():
        try:
            out[RevenueCategory(r.category)] = r.account_code
        except ValueError:
            pass
    return out


def resolve_conflicts(s: Session, invoice_id: int, choices: dict[str, str], now: datetime,
                      time_zone: str = "Australia/Sydney") -> None:
    """The user's choice per conflicting field ("local" keeps ours and pushes it; "remote" takes Xero's).

    Fields not named keep ours. Afterwards the invoice syncs normally again.
    """
    from tui.sync.mapping import apply_view, invoice_view

    conflicts = open_conflicts(s, invoice_id)
    rec = records.get_record(s, outbox.INVOICE, invoice_id)
    codes = _codes(s, rec.tenant_id if rec else "")
    inv = get_invoice(s, invoice_id)
    view = invoice_view(inv, codes)
    lines = list(view["lines"])
    for c in conflicts:
        if choices.get(c.field, "local") != "remote":
            continue
        if c.field.startswith("lines["):
            lines[int(c.field[6:-1])] = c.remote
        else:
            view[c.field] = c.remote
    view["lines"] = lines
    new = apply_view(inv, view, codes)
    if invoice_view(new, codes) != invoice_view(inv, codes):
        write_from_xero(s, new, now, time_zone, by="sync")
    s.execute(update(SyncConflictRow).where(col(SyncConflictRow.invoice_id) == invoice_id,
                                            col(SyncConflictRow.kind) == outbox.INVOICE,
                                            col(SyncConflictRow.resolved_at).is_(None))
              .values(resolved_at=now, resolution=json.dumps(choices)))
    records.clear_error(s, outbox.INVOICE, invoice_id)
    snapshot = records.snapshot_of(rec)
    if snapshot is not None and invoice_view(new, codes) == snapshot:
        outbox.drop(s, outbox.INVOICE, invoice_id)  # Xero's version kept throughout: nothing to push
    else:
        outbox.enqueue_invoice(s, invoice_id, now)
        outbox.release(s, outbox.INVOICE, invoice_id, conflicts=True)
    records.log(s, now, f"{inv.number}: conflict resolved", invoice_id=invoice_id)


# -- actions -------------------------------------------------------------------------------------------------------

def retry(s: Session, invoice_id: int | None = None, customer_id: int | None = None,
          payment_id: int | None = None, *, record: tuple[str, int] | None = None) -> int:
    """Retry one invoice / customer / payment / ``record`` (kind, id), or (no arguments) Retry all: held errors and
    clashes become ready again."""
    if record is not None:
        n = outbox.release(s, *record)
        records.clear_error(s, *record) if n else None
        return n
    if payment_id is not None:
        n = outbox.release(s, outbox.PAYMENT, payment_id)
        records.clear_error(s, outbox.PAYMENT, payment_id) if n else None
        return n
    if invoice_id is not None:
        n = outbox.release(s, outbox.INVOICE, invoice_id)
        records.clear_error(s, outbox.INVOICE, invoice_id) if n else None
        return n
    if customer_id is not None:
        rec = s.get(SyncRecordRow, (outbox.CONTACT, customer_id))
        if rec is not None and rec.error_code == "name_clash":
            records.clear_error(s, outbox.CONTACT, customer_id)
        return outbox.release(s, outbox.CONTACT, customer_id)
    n = outbox.release(s)
    for rec in s.exec(select(SyncRecordRow).where(col(SyncRecordRow.error_code).in_(
            ["validation", "number_clash", "name_clash", "contact", "payment", outbox.UNAVAILABLE,
             *credit_status.RETRIED_CODES]))).all():
        records.clear_error(s, rec.kind, rec.entity_id)
    return n


def renumber_invoice(s: Session, invoice_id: int, number: str, now: datetime, user: str = "",
                     time_zone: str = "Australia/Sydney"):
    """The fix for a number clash: give the invoice a free number; it is pushed with it on the next pass."""
    from tui.store.invoices import _check_number_free, set_status

    from tui.domain.errors import ValidationError
    from tui.domain.text import control_problem

    inv = get_invoice(s, invoice_id)
    number = number.strip()
    if (problem := control_problem(number, "number")) is not None:
        raise ValidationError({"number": problem})
    _check_number_free(s, number, invoice_id)
    inv.number = number
    set_status(s, inv, user or "sync", now, time_zone)  # writes the row and enqueues it
    records.clear_error(s, outbox.INVOICE, invoice_id)
    outbox.release(s, outbox.INVOICE, invoice_id)
    return inv


def calls_today(s: Session, tenant_id: str, today: date) -> int:
    state = s.get(SyncStateRow, tenant_id)
    return state.calls_today if state is not None and state.calls_day == today else 0
