"""Push credit notes sent here to Xero, then what uses their credit (:mod:`tui.sync.credit_use`).

A draft never goes. A sent credit note goes as ``ACCRECCREDIT``, ``AUTHORISED``, 50 to a ``PUT /CreditNotes``; a
void is ``POST /CreditNotes/{id}`` with ``Status: VOIDED``. Every request is written ahead with its Idempotency-Key
(:mod:`.batches`), and the key is written on its credit notes before it goes: a credit note Xero made without our
hearing back is found by the pull (:mod:`tui.sync.credit_pull`, by its number) and linked, never sent twice. What
Xero refuses is a sync problem on the credit note with Xero's message, held until it is retried.
"""

from __future__ import annotations

import json

from sqlalchemy import update
from sqlmodel import Session, col

from tui.domain.credit_note import CreditNoteStatus
from tui.domain.invoice import Invoice
from tui.domain.payment import PaymentOrigin
from tui.store.credit_notes import get_credit_note
from tui.store.credit_tables import CreditNoteRow
from tui.store.sync_tables import SyncBatchRow
from tui.store.tables import CustomerRow
from tui.sync import outbox, records
from tui.sync.batches import delete_batch, element_errors, prepare, transmit
from tui.sync.context import Context, loads
from tui.sync.credit_calls import CREATE, UPDATE
from tui.sync.mapping import invoice_to_xero
from tui.store.sync_outbox import CREDIT_NOTE
from tui.xero import wire


def push_credit_notes(ctx: Context) -> None:
    """Creations 50 to a request, then voids (each its own request)."""
    now = ctx.now()
    with ctx.session() as s:
        entries = outbox.ready(s, CREDIT_NOTE, now, 100_000)
    creations: list[tuple[dict, list]] = []
    voids: list[tuple[dict, list]] = []
    with ctx.session() as s:
        for e in entries:
            planned = _plan(ctx, s, e)
            if planned is not None:
                method, element = planned
                (creations if method == CREATE else voids).append((element, [e.id, e.entity_id, e.seq]))
    for start in range(0, len(creations), ctx.batch_size):
        _send(ctx, CREATE, creations[start:start + ctx.batch_size])
    for void in voids:
        _send(ctx, UPDATE, [void])


def _plan(ctx: Context, s: Session, e: outbox.Entry) -> tuple[str, dict] | None:
    row = s.get(CreditNoteRow, e.entity_id)
    if row is None or row.origin == PaymentOrigin.XERO.value or row.status == CreditNoteStatus.DRAFT.value:
        outbox.complete(s, e.id, e.seq)
        return None
    if row.status == CreditNoteStatus.VOIDED.value:
        if not row.xero_credit_note_id:  # never reached Xero (a lost answer that did is linked, then voided)
            outbox.complete(s, e.id, e.seq)
            return None
        return UPDATE, {"CreditNoteID": row.xero_credit_note_id, "Status": "VOIDED"}
    if row.xero_credit_note_id:  # in Xero already: a sent credit note never changes
        outbox.complete(s, e.id, e.seq)
        return None
    customer = s.get(CustomerRow, row.customer_id)
    if customer is None or not customer.xero_contact_id:
        records.record_error(s, CREDIT_NOTE, row.id, ctx.tenant_id, "contact",
                             f"{row.number}: waiting for {customer.name if customer else 'its customer'} to reach "
                             "Xero", ctx.now())
        ctx.errors += 1
        return None  # stays ready: sent once the contact is in Xero
    return CREATE, credit_note_to_xero(s, ctx, row.id, customer.xero_contact_id)


def credit_note_to_xero(s: Session, ctx: Context, credit_note_id: int, contact_id: str) -> dict:
    """The CreditNote element to PUT: ACCRECCREDIT, AUTHORISED, its lines as an invoice's."""
    note = get_credit_note(s, credit_note_id)
    as_invoice = Invoice(customer_id=note.customer_id, issue_date=note.issue_date, due_date=note.issue_date,
                         lines=note.lines, number=note.number, reference=note.reference, amounts=note.amounts)
    body = invoice_to_xero(as_invoice, contact_id, ctx.codes)
    return {"Type": "ACCRECCREDIT", "Contact": body["Contact"], "CreditNoteNumber": note.number,
            "Reference": note.reference, "Date": wire.format_date(note.issue_date),
            "LineAmountTypes": note.amounts.value, "Status": "AUTHORISED", "SentToContact": True,
            "LineItems": body["LineItems"]}


def _send(ctx: Context, method: str, planned: list[tuple[dict, list]]) -> None:
    batch = prepare(ctx, CREDIT_NOTE, method, [el for el, _ in planned], [en for _, en in planned])
    if method == CREATE:
        with ctx.session() as s:  # the key is on each credit note before the request goes (see the docstring)
            ids = [entity_id for _, entity_id, _ in json.loads(batch.entries)]
            s.execute(update(CreditNoteRow).where(col(CreditNoteRow.id).in_(ids))
                      .values(idempotency_key=batch.idempotency_key))
    n = len(planned)
    ctx.progress(f"Sending {n} credit note{'s' if n != 1 else ''} to Xero" if method == CREATE
                 else "Voiding a credit note in Xero")
    elements = transmit(ctx, batch)
    if elements is not None:
        _record(ctx, batch, elements)


def _record(ctx: Context, batch: SyncBatchRow, elements: list[dict]) -> None:
    now = ctx.now()
    done = 0
    with ctx.session() as s:
        for (entry_id, note_id, seq), element, sent in zip(json.loads(batch.entries), elements, loads(batch.body)):
            row = s.get(CreditNoteRow, note_id)
            number = row.number if row is not None else "A credit note"
            messages = element_errors(element)
            if messages and batch.method == UPDATE and any("already" in m and "void" in m.lower() for m in messages):
                messages = []  # an earlier request of ours voided it: done
            if messages:
                message = f"{number} was refused by Xero: {'; '.join(messages)}"
                records.record_error(s, CREDIT_NOTE, note_id, ctx.tenant_id, "credit_note", message, now)
                records.log(s, now, message, "error")
                outbox.hold(s, entry_id, seq, outbox.HELD_ERROR)
                ctx.errors += 1
                continue
            xero_id = str(element.get("CreditNoteID") or sent.get("CreditNoteID") or "")
            updated = element.get("UpdatedDateUTC")
            if row is not None and not row.xero_credit_note_id:
                row.xero_credit_note_id = xero_id
                s.add(row)
            records.record_synced(s, CREDIT_NOTE, note_id, ctx.tenant_id, xero_id,
                                  wire.parse_datetime(updated) if updated else None, None, now)
            outbox.complete(s, entry_id, seq)
            ctx.pushed += 1
            done += 1
        if done:
            records.log(s, now, "A credit note voided in Xero" if batch.method == UPDATE
                        else f"Sent {done} credit note{'s' if done != 1 else ''} to Xero")
        delete_batch(s, batch)
