"""Push what uses credit notes' credit: allocations to invoices and refunds, and their removals.

Removals of allocations go before the invoices are updated (Xero edits no invoice with a credit note allocated:
see :mod:`tui.sync.order`), new allocations after the credit notes are created: all of a credit note's new
allocations in one ``PUT /CreditNotes/{id}/Allocations``, a removal one ``DELETE``. Refunds are payments against the
credit note out of the method's payment account, 50 to a ``PUT /Payments``; a removal ``POST /Payments/{id}`` with
``Status: DELETED``. Every request is written ahead with its Idempotency-Key and the key is on its records before it
goes, so the pull links what Xero made without our hearing back. A refund refused for the payments scope stops the
pass with :data:`tui.sync.payments.SCOPE_MESSAGE`, as a payment does.
"""

from __future__ import annotations

import json
from sqlalchemy import update
from sqlmodel import Session, col, select

from tui.domain.money import format_money
from tui.domain.payment import PaymentMethod, PaymentOrigin
from tui.store.credit_tables import CreditAllocationRow, CreditNoteRow, CreditRefundRow
from tui.store.payments import account_for, payment_accounts
from tui.store.sync_outbox import ALLOCATION, REFUND
from tui.store.sync_tables import SyncBatchRow, SyncOutboxRow
from tui.store.tables import InvoiceRow
from tui.sync import outbox, records
from tui.sync.batches import delete_batch, element_errors, prepare, transmit
from tui.sync.context import Context, StopSync, loads
from tui.sync.credit_calls import CREATE, DELETE, UPDATE
from tui.sync.payments import SCOPE_CODE, SCOPE_MESSAGE
from tui.xero import wire
from tui.xero.errors import MissingScope

TABLES = {ALLOCATION: CreditAllocationRow, REFUND: CreditRefundRow}
XERO_ID = {ALLOCATION: "xero_allocation_id", REFUND: "xero_payment_id"}


def remove_allocations(ctx: Context) -> None:
    """Send the removals of allocations that are in Xero (each its own request)."""
    for element, entry in _planned(ctx, ALLOCATION, removals=True):
        _send(ctx, ALLOCATION, DELETE, [(element, entry)])


def holds_allocations(s: Session, invoice_id: int) -> bool:
    """Xero still holds a credit note's allocation on this invoice as far as we know."""
    queued = set(s.exec(select(CreditAllocationRow.id)
                        .join(SyncOutboxRow, col(SyncOutboxRow.entity_id) == col(CreditAllocationRow.id))
                        .where(SyncOutboxRow.kind == ALLOCATION, CreditAllocationRow.invoice_id == invoice_id)).all())
    rows = s.exec(select(CreditAllocationRow).where(CreditAllocationRow.invoice_id == invoice_id,
                                                    col(CreditAllocationRow.xero_allocation_id).is_not(None))).all()
    return any(row.removed_at is None or row.id in queued for row in rows)


def push_credit_use(ctx: Context) -> None:
    """New allocations (one request per credit note), then refunds (50 to a request), then removals."""
    by_note: dict[str, list[tuple[dict, list]]] = {}
    for element, entry in _planned(ctx, ALLOCATION, removals=False):
        by_note.setdefault(element["CreditNote"]["CreditNoteID"], []).append((element, entry))
    for planned in by_note.values():
        _send(ctx, ALLOCATION, CREATE, planned)
    refunds = _planned(ctx, REFUND, removals=False)
    for start in range(0, len(refunds), ctx.batch_size):
        _send(ctx, REFUND, CREATE, refunds[start:start + ctx.batch_size])
    remove_allocations(ctx)
    for element, entry in _planned(ctx, REFUND, removals=True):
        _send(ctx, REFUND, UPDATE, [(element, entry)])


def _planned(ctx: Context, kind: str, removals: bool) -> list[tuple[dict, list]]:
    now = ctx.now()
    plan = _plan_allocation if kind == ALLOCATION else _plan_refund
    out = []
    with ctx.session() as s:
        accounts = payment_accounts(s, ctx.tenant_id)
        for e in outbox.ready(s, kind, now, 100_000):
            row = s.get(TABLES[kind], e.entity_id)
            if row is None or row.origin == PaymentOrigin.XERO.value:
                outbox.complete(s, e.id, e.seq)
                continue
            if (row.removed_at is not None) != removals:
                continue
            xero_id = getattr(row, XERO_ID[kind])
            if removals and not xero_id or not removals and xero_id:
                outbox.complete(s, e.id, e.seq)  # never reached Xero, or there already (a lost answer: the pull links)
                records.clear_error(s, kind, row.id)
                continue
            element = plan(ctx, s, row, accounts)
            if element is not None:
                out.append((element, [e.id, e.entity_id, e.seq]))
    return out


def _plan_allocation(ctx: Context, s: Session, row: CreditAllocationRow, _accounts) -> dict | None:
    note = s.get(CreditNoteRow, row.credit_note_id)
    if row.removed_at is not None:
        return {"CreditNote": {"CreditNoteID": note.xero_credit_note_id}, "AllocationID": row.xero_allocation_id}
    inv = s.get(InvoiceRow, row.invoice_id)
    if not note.xero_credit_note_id or inv is None or not inv.xero_invoice_id:
        waiting = "its credit note" if not note.xero_credit_note_id else "the invoice"
        records.record_error(s, ALLOCATION, row.id, ctx.tenant_id, "waiting",
                             f"{_what(s, ALLOCATION, row)}: waiting for {waiting} to reach Xero", ctx.now())
        return None  # stays ready: sent once both are in Xero
    return {"CreditNote": {"CreditNoteID": note.xero_credit_note_id}, "Invoice": {"InvoiceID": inv.xero_invoice_id},
            "Amount": row.amount, "Date": wire.format_date(row.date)}


def _plan_refund(ctx: Context, s: Session, row: CreditRefundRow, accounts) -> dict | None:
    if row.removed_at is not None:
        return {"PaymentID": row.xero_payment_id, "Status": "DELETED"}
    note = s.get(CreditNoteRow, row.credit_note_id)
    if not note.xero_credit_note_id:
        records.record_error(s, REFUND, row.id, ctx.tenant_id, "waiting",
                             f"{_what(s, REFUND, row)}: waiting for its credit note to reach Xero", ctx.now())
        return None
    method = PaymentMethod(row.method)
    account = account_for(accounts, method)
    if account is None:
        records.record_error(s, REFUND, row.id, ctx.tenant_id, "payment_account",
                             f"{_what(s, REFUND, row)}: no payment account for {method.value}; choose one under "
                             "Payment Accounts on the Xero screen", ctx.now())
        ctx.errors += 1
        return None
    reference = f"{method.value}: {row.reference}" if row.reference else method.value
    return {"CreditNote": {"CreditNoteID": note.xero_credit_note_id}, "Account": {"Code": account.account_code},
            "Date": wire.format_date(row.date), "Amount": row.amount, "Reference": reference}


def _what(s: Session, kind: str, row) -> str:
    """"The allocation of $50.00 from CN-0001": how one is named in problems and the sync log."""
    note = s.get(CreditNoteRow, row.credit_note_id)
    number = note.number if note is not None else "a credit note"
    if kind == ALLOCATION:
        return f"The allocation of {format_money(row.amount)} from {number}"
    return f"The refund of {format_money(row.amount)} from {number}"


def _send(ctx: Context, kind: str, method: str, planned: list[tuple[dict, list]]) -> None:
    batch = prepare(ctx, kind, method, [el for el, _ in planned], [en for _, en in planned])
    if method == CREATE:
        table = TABLES[kind]
        with ctx.session() as s:  # the key is on each record before the request goes
            ids = [entity_id for _, entity_id, _ in json.loads(batch.entries)]
            s.execute(update(table).where(col(table.id).in_(ids)).values(idempotency_key=batch.idempotency_key))
    ctx.progress(f"Sending {len(planned)} {kind}{'s' if len(planned) != 1 else ''} to Xero" if method == CREATE
                 else f"Removing a {kind} in Xero")
    try:
        elements = transmit(ctx, batch)
    except StopSync as exc:
        if kind == REFUND and isinstance(exc.__context__, MissingScope):
            _refused_for_scope(ctx, batch)
            raise StopSync(SCOPE_MESSAGE) from None
        raise
    if elements is not None:
        _record(ctx, kind, batch, elements)


def _refused_for_scope(ctx: Context, batch: SyncBatchRow) -> None:
    now = ctx.now()
    with ctx.session() as s:
        for _, refund_id, _ in json.loads(batch.entries):
            records.record_error(s, REFUND, refund_id, ctx.tenant_id, SCOPE_CODE, SCOPE_MESSAGE, now)
        records.log(s, now, SCOPE_MESSAGE, "error")
        delete_batch(s, batch)


def _gone_already(method: str, messages: list[str]) -> bool:
    """An earlier request of ours removed it: done."""
    return method != CREATE and any("already been deleted" in m or "not found" in m.lower() for m in messages)


def _record(ctx: Context, kind: str, batch: SyncBatchRow, elements: list[dict]) -> None:
    now = ctx.now()
    done = 0
    id_field = "AllocationID" if kind == ALLOCATION else "PaymentID"
    with ctx.session() as s:
        for (entry_id, entity_id, seq), element, sent in zip(json.loads(batch.entries), elements, loads(batch.body)):
            row = s.get(TABLES[kind], entity_id)
            what = _what(s, kind, row) if row is not None else f"A {kind}"
            messages = element_errors(element)
            if messages and not _gone_already(batch.method, messages):
                message = f"{what} was refused by Xero: {'; '.join(messages)}"
                records.record_error(s, kind, entity_id, ctx.tenant_id, kind, message, now)
                records.log(s, now, message, "error")
                outbox.hold(s, entry_id, seq, outbox.HELD_ERROR)
                ctx.errors += 1
                continue
            xero_id = str(element.get(id_field) or sent.get(id_field) or "")
            if row is not None and not getattr(row, XERO_ID[kind]):
                setattr(row, XERO_ID[kind], xero_id)
                s.add(row)
            records.record_synced(s, kind, entity_id, ctx.tenant_id, xero_id, None, None, now)
            outbox.complete(s, entry_id, seq)
            ctx.pushed += 1
            done += 1
        if done:
            records.log(s, now, f"{what} removed in Xero" if batch.method != CREATE
                        else f"Sent {done} {kind}{'s' if done != 1 else ''} to Xero")
        delete_batch(s, batch)

