"""Push payments taken here to Xero, and their removals: removals before the invoices are updated (Xero refuses
to edit an invoice with a payment; see :mod:`tui.sync.order`), new payments after, so the invoice is in Xero first.

New payments go 50 to a ``PUT /Payments`` (each against its method's payment account), a removal is
``POST /Payments/{id}`` with ``Status: DELETED``. Every request is written ahead with its Idempotency-Key
(:mod:`.batches`), and the key is written on its payments before the request goes: a payment Xero made
without our hearing back is recognised by the next pull (:func:`tui.store.payments.apply_xero_payments`) as
the same payment, so it is never sent twice nor counted twice. A payment that came from Xero is never sent.

What Xero refuses (the invoice voided or paid in full in Xero meanwhile, an account that takes no payments)
is a sync problem on the payment with Xero's message; the payment stays here until the user removes it. A
method without a payment account sends nothing and says which mapping is missing. A connection made without
the ``accounting.payments`` scope stops the pass with :data:`SCOPE_MESSAGE` (Continue grants it).
"""

from __future__ import annotations

import json

from sqlalchemy import update
from sqlmodel import Session, col, select

from tui.domain.invoice import InvoiceStatus
from tui.domain.money import format_money
from tui.domain.payment import PaymentMethod, PaymentOrigin
from tui.store.payments import account_for, payment_accounts, payment_of
from tui.store.sync_tables import SyncBatchRow, SyncOutboxRow, SyncRecordRow
from tui.store.tables import InvoiceRow, PaymentRow
from tui.sync import outbox, records
from tui.sync.batches import delete_batch, element_errors, prepare, transmit
from tui.sync.context import Context, StopSync, loads
from tui.xero import wire
from tui.xero.errors import MissingScope

SCOPE_MESSAGE = "Xero needs your permission to record payments: select Continue"
SCOPE_CODE = "scope"  # the problem of a payment refused for the scope
CREATE, DELETE = "PUT", "POST"


def remove_payments(ctx: Context) -> None:
    """Send the removals of payments that are in Xero (each its own request)."""
    _push(ctx, DELETE)


def push_payments(ctx: Context) -> None:
    """Send the payments taken here, 50 to a request; then removals queued since :func:`remove_payments` ran."""
    _push(ctx, CREATE)
    _push(ctx, DELETE)


def holds_payments(s: Session, invoice_id: int) -> bool:
    """Xero still has a payment on this invoice as far as we know: one not removed here, or one whose removal
    has not reached Xero yet."""
    queued = set(s.exec(select(PaymentRow.id).join(SyncOutboxRow, col(SyncOutboxRow.entity_id) == col(PaymentRow.id))
                        .where(SyncOutboxRow.kind == outbox.PAYMENT, PaymentRow.invoice_id == invoice_id)).all())
    rows = s.exec(select(PaymentRow).where(PaymentRow.invoice_id == invoice_id,
                                           col(PaymentRow.xero_payment_id).is_not(None))).all()
    return any(row.removed_at is None or row.id in queued for row in rows)


def _push(ctx: Context, only: str) -> None:
    now = ctx.now()
    with ctx.session() as s:
        entries = outbox.ready(s, outbox.PAYMENT, now, 100_000)
        accounts = payment_accounts(s, ctx.tenant_id)
    position = 0
    while position < len(entries):
        creations: list[tuple[dict, list]] = []
        removals: list[tuple[dict, list]] = []
        with ctx.session() as s:
            while position < len(entries) and len(creations) < ctx.batch_size:
                e = entries[position]
                position += 1
                if (only == DELETE) != _is_removal(s, e):  # each kind in its own step of the pass
                    continue
                if e.backed_off and creations:  # one Xero failed on goes alone: it holds no other back
                    position -= 1
                    break
                planned = _plan(ctx, s, e, accounts)
                if planned is not None:
                    method, element = planned
                    (creations if method == CREATE else removals).append((element, [e.id, e.entity_id, e.seq]))
                    if e.backed_off and method == CREATE:
                        break
        if creations:
            _send(ctx, CREATE, creations)
        for removal in removals:
            _send(ctx, DELETE, [removal])


def _is_removal(s: Session, e: outbox.Entry) -> bool:
    row = s.get(PaymentRow, e.entity_id)
    return row is not None and row.removed_at is not None


def _plan(ctx: Context, s: Session, e: outbox.Entry, accounts) -> tuple[str, dict] | None:
    row = s.get(PaymentRow, e.entity_id)
    if row is None or row.origin == PaymentOrigin.XERO.value:
        outbox.complete(s, e.id, e.seq)
        return None
    if row.removed_at is not None:
        if not row.xero_payment_id:  # never reached Xero (if a lost answer says it did, the pull links it)
            outbox.complete(s, e.id, e.seq)
            records.clear_error(s, outbox.PAYMENT, row.id)
            return None
        return DELETE, {"PaymentID": row.xero_payment_id, "Status": "DELETED"}
    if row.xero_payment_id:  # in Xero already: a payment is never changed, only removed
        outbox.complete(s, e.id, e.seq)
        return None
    inv = s.get(InvoiceRow, row.invoice_id)
    what = _what(row, inv)
    if inv is None or not inv.xero_invoice_id:
        records.record_error(s, outbox.PAYMENT, row.id, ctx.tenant_id, "invoice",
                             f"{what}: waiting for the invoice to reach Xero", ctx.now())
        ctx.errors += 1
        return None  # stays ready: sent once the invoice is in Xero
    method = PaymentMethod(row.method)
    account = account_for(accounts, method)
    if account is None:
        records.record_error(s, outbox.PAYMENT, row.id, ctx.tenant_id, "payment_account",
                             f"{what}: no payment account for {method.value}; choose one under Payment Accounts on "
                             "the Xero screen", ctx.now())
        ctx.errors += 1
        return None  # stays ready: sent once the account is chosen
    return CREATE, {"Invoice": {"InvoiceID": inv.xero_invoice_id}, "Account": {"Code": account.account_code},
                    "Date": wire.format_date(row.date), "Amount": row.amount,
                    "Reference": payment_of(row).xero_reference}


def _what(row: PaymentRow, inv: InvoiceRow | None) -> str:
    """"The Cash payment of $50.00 on INV-0101": how a payment is named in problems and the sync log."""
    on = f" on {inv.number}" if inv is not None else ""
    return f"The {row.method or 'Xero'} payment of {format_money(row.amount)}{on}"


def _send(ctx: Context, method: str, planned: list[tuple[dict, list]]) -> None:
    batch = prepare(ctx, outbox.PAYMENT, method, [el for el, _ in planned], [en for _, en in planned])
    with ctx.session() as s:  # the key is on each payment before the request goes: see the module's docstring
        ids = [entity_id for _, entity_id, _ in json.loads(batch.entries)]
        s.execute(update(PaymentRow).where(col(PaymentRow.id).in_(ids)).values(idempotency_key=batch.idempotency_key))
    ctx.progress(f"Sending {len(planned)} payment{'s' if len(planned) != 1 else ''} to Xero"
                 if method == CREATE else "Removing a payment in Xero")
    try:
        elements = transmit(ctx, batch)
    except StopSync as exc:
        if isinstance(exc.__context__, MissingScope):
            _refused_for_scope(ctx, batch)
            raise StopSync(SCOPE_MESSAGE) from None
        raise
    if elements is not None:
        _record(ctx, batch, elements)


def _refused_for_scope(ctx: Context, batch: SyncBatchRow) -> None:
    """Nothing was done in Xero: the payments stay ready, each saying what the user must do."""
    now = ctx.now()
    with ctx.session() as s:
        for _, payment_id, _ in json.loads(batch.entries):
            records.record_error(s, outbox.PAYMENT, payment_id, ctx.tenant_id, SCOPE_CODE, SCOPE_MESSAGE, now)
        records.log(s, now, SCOPE_MESSAGE, "error")
        delete_batch(s, batch)


def needs_payments_scope(s: Session) -> bool:
    """A payment waits for the user to grant the payments scope (Continue on the Xero screen)."""
    return s.exec(select(SyncRecordRow.entity_id).where(
        SyncRecordRow.kind == outbox.PAYMENT, SyncRecordRow.error_code == SCOPE_CODE).limit(1)).first() is not None


def _record(ctx: Context, batch: SyncBatchRow, elements: list[dict]) -> None:
    now = ctx.now()
    done = 0
    with ctx.session() as s:
        for (entry_id, payment_id, seq), element, sent in zip(json.loads(batch.entries), elements, loads(batch.body)):
            row = s.get(PaymentRow, payment_id)
            inv = s.get(InvoiceRow, row.invoice_id) if row is not None else None
            what = _what(row, inv) if row is not None else "A payment"
            messages = element_errors(element)
            if messages and batch.method == DELETE and any("already been deleted" in m for m in messages):
                messages = []  # an earlier request of ours deleted it: done
            if messages:
                message = f"{what} was refused by Xero: {'; '.join(messages)}"
                if inv is not None and inv.status == InvoiceStatus.VOIDED.value:
                    message += ". The invoice is voided: remove this payment here"
                records.record_error(s, outbox.PAYMENT, payment_id, ctx.tenant_id, "payment", message, now)
                records.log(s, now, message, "error", invoice_id=inv.id if inv is not None else None)
                outbox.hold(s, entry_id, seq, outbox.HELD_ERROR)
                ctx.errors += 1
                continue
            xero_id = str(element.get("PaymentID") or sent.get("PaymentID") or "")
            if row is not None and not row.xero_payment_id:
                row.xero_payment_id = xero_id
                s.add(row)
            records.record_synced(s, outbox.PAYMENT, payment_id, ctx.tenant_id, xero_id, None, None, now)
            outbox.complete(s, entry_id, seq)
            ctx.pushed += 1
            done += 1
        if done:
            records.log(s, now, f"{what} removed in Xero" if batch.method == DELETE
                        else f"Sent {done} payment{'s' if done != 1 else ''} to Xero")
        delete_batch(s, batch)
