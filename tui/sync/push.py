"""Push: the sync queue to Xero. Contacts first (:mod:`.contacts`), then invoices, in batches of up to 50 with
summarizeErrors=false.

Every write goes through a write-ahead batch (:mod:`.batches`). Each response is recorded (Xero IDs,
UpdatedDateUTC, the synced snapshot, per-element errors with Xero's own message) in one transaction that also
deletes the batch row; a record changed here after its request was built is queued again in that transaction
(the sync queue's entry's ``seq``, or for a customer the contact it would send now), so the newer version follows.

An invoice to create is checked against the numbers Xero already has (:mod:`.invoice_numbers`): one taken by an
invoice that is evidently ours is linked, any other is a clash reported on the invoice.
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from tui.domain.invoice import InvoiceStatus
from tui.store.invoices import get_invoice
from tui.store.payments import has_local_payments
from tui.store.sync_tables import SyncBatchRow, SyncRecordRow
from tui.store.tables import CustomerRow, InvoiceRow
from tui.sync import outbox, records
from tui.sync.batches import delete_batch, element_errors, prepare, transmit
from tui.sync.contacts import push_contacts
from tui.sync.context import Context, loads
from tui.sync.mapping import invoice_from_xero, invoice_to_xero, invoice_view, totals_match
from tui.sync.invoice_numbers import is_ours, read_invoice_numbers, suggest_number


ALLOCATED = "allocated"  # the problem of an update Xero refused because a payment (or credit note) is on the invoice
ALLOCATED_MESSAGE = "has a payment or credit note allocated"  # in Xero's message for that refusal


def push_invoices(ctx: Context, only: set[int] | None = None) -> None:
    """Contacts the invoices need, then the invoices, 50 to a request; records each response as it comes.
    ``only``: just these invoices (by id), e.g. those sent again in the same pass (:mod:`tui.sync.order`).

    Works through the sync queue a batch at a time (a few hundred objects alive, not thousands), so a big first
    sync neither holds the whole business in memory nor makes the UI thread wait on garbage collection.
    """
    now = ctx.now()
    with ctx.session() as s:
        entries = [e for e in outbox.ready(s, outbox.INVOICE, now, 100_000) if only is None or e.entity_id in only]
        ids = [e.entity_id for e in entries]
        customer_ids: set[int] = set()
        for i in range(0, len(ids), 500):
            customer_ids.update(s.exec(select(InvoiceRow.customer_id).where(
                col(InvoiceRow.id).in_(ids[i:i + 500]), col(InvoiceRow.status) != InvoiceStatus.DRAFT.value)).all())
        linked_ids = set(s.exec(select(InvoiceRow.xero_invoice_id).where(
            col(InvoiceRow.xero_invoice_id).is_not(None))).all())
    push_contacts(ctx, customer_ids)
    with ctx.session() as s:  # invoices to create whose customer is in Xero: their numbers must be checked
        to_create = 0
        for i in range(0, len(ids), 500):
            to_create += s.exec(
                select(func.count()).select_from(InvoiceRow)
                .join(CustomerRow, col(CustomerRow.id) == col(InvoiceRow.customer_id))
                .where(col(InvoiceRow.id).in_(ids[i:i + 500]), col(InvoiceRow.xero_invoice_id).is_(None),
                       col(CustomerRow.xero_contact_id).is_not(None))
            ).one()
    if to_create:
        read_invoice_numbers(ctx)

    position = 0
    while position < len(entries):
        elements: list[tuple[dict, list]] = []
        with ctx.session() as s:
            while position < len(entries) and len(elements) < ctx.batch_size:
                e = entries[position]
                if e.backed_off and elements:  # one Xero failed on goes alone: it holds no other back
                    break
                position += 1
                element = _plan_invoice(ctx, s, e, linked_ids, now)
                if element is not None:
                    elements.append((element, [e.id, e.entity_id, e.seq]))
                    if e.backed_off:
                        break
        if not elements:
            continue
        batch = prepare(ctx, outbox.INVOICE, "POST", [el for el, _ in elements], [en for _, en in elements])
        ctx.progress(f"Sending {len(elements)} invoices to Xero")
        _record_invoices(ctx, batch, transmit(ctx, batch))


def _plan_invoice(ctx: Context, s: Session, e: outbox.Entry, linked_ids: set, now: datetime) -> dict | None:
    """The Invoice element to send for one sync queue entry, or None (nothing to send, or a problem recorded)."""
    row = s.get(InvoiceRow, e.entity_id)
    rec = s.get(SyncRecordRow, (outbox.INVOICE, e.entity_id))
    if row is None or row.status == InvoiceStatus.DRAFT.value or (rec is not None and rec.excluded):
        outbox.complete(s, e.id, e.seq)
        return None
    inv = get_invoice(s, e.entity_id)
    # paid here (on the spot): the invoice goes to Xero as it is, then its payments (tui.sync.payments)
    paid_here = inv.status is InvoiceStatus.PAID and has_local_payments(s, inv.id)
    if not row.xero_invoice_id and inv.status is not InvoiceStatus.SENT and not paid_here:
        outbox.complete(s, e.id, e.seq)  # voided or paid before it ever reached Xero: nothing to do
        records.log(s, now, f"{inv.number} was {inv.status.label.lower()} before it reached Xero; not sent",
                    invoice_id=inv.id)
        return None
    if row.xero_invoice_id and inv.status is InvoiceStatus.PAID and not paid_here:
        outbox.complete(s, e.id, e.seq)  # paid in Xero: nothing of ours to push
        return None
    customer = s.get(CustomerRow, inv.customer_id)
    if customer is None or not customer.xero_contact_id:
        crec = s.get(SyncRecordRow, (outbox.CONTACT, inv.customer_id))
        why = crec.error if crec is not None and crec.error else "the customer is not in Xero yet"
        records.record_error(s, outbox.INVOICE, inv.id, ctx.tenant_id, "contact", f"Waiting for the customer: {why}",
                             now)
        ctx.errors += 1
        return None  # stays ready: sent as soon as the customer is linked or renamed
    contact_id = customer.xero_contact_id
    xero_id = row.xero_invoice_id
    if not xero_id:
        existing = (ctx.xero_numbers or {}).get(inv.number)
        if existing is not None:
            if existing["InvoiceID"] not in linked_ids and is_ours(inv, contact_id, existing):
                xero_id = existing["InvoiceID"]  # created by an earlier attempt, or typed into Xero
                _link_invoice(s, inv.id, xero_id)
                linked_ids.add(xero_id)
                records.log(s, now, f"{inv.number} matched the same invoice already in Xero; linked",
                            invoice_id=inv.id)
            else:
                fix = suggest_number(s, ctx.xero_numbers or {}, inv.number)
                status = existing.get("Status", "").lower()
                message = (f"Invoice number {inv.number} is already used in Xero"
                           f"{f' by a {status} invoice' if status else ''}"
                           f"{' for ' + existing['ContactName'] if existing.get('ContactName') else ''}. "
                           f"Renumber this invoice (for example to {fix}) and it will be sent.")
                records.record_error(s, outbox.INVOICE, inv.id, ctx.tenant_id, "number_clash", message, now)
                records.log(s, now, message, "error", invoice_id=inv.id)
                outbox.hold(s, e.id, e.seq, outbox.HELD_CLASH)
                ctx.errors += 1
                return None
    return invoice_to_xero(inv, contact_id, ctx.codes, xero_id)


def _link_invoice(s: Session, invoice_id: int, xero_id: str) -> None:
    s.execute(update(InvoiceRow).where(col(InvoiceRow.id) == invoice_id).values(xero_invoice_id=xero_id))


def _record_invoices(ctx: Context, batch: SyncBatchRow, elements: list[dict] | None) -> None:
    if elements is None:
        return
    sent = loads(batch.body)
    creations_refused = any(
        "must be unique" in "; ".join(element_errors(el)).lower() and not body.get("InvoiceID")
        for el, body in zip(elements, sent)
    )
    if creations_refused:
        # A create refused because the number exists may be our own earlier create whose answer was lost
        # (e.g. sent again under a new key): read the numbers again and link what is evidently ours.
        ctx.xero_numbers = None
        read_invoice_numbers(ctx)
    now = ctx.now()
    with ctx.session() as s:
        linked_ids = set(s.exec(select(InvoiceRow.xero_invoice_id).where(
            col(InvoiceRow.xero_invoice_id).is_not(None))).all()) if creations_refused else set()
        for (entry_id, invoice_id, seq), element, body in zip(json.loads(batch.entries), elements, sent):
            messages = element_errors(element)
            row = s.get(InvoiceRow, invoice_id)
            if messages and creations_refused and row is not None and not body.get("InvoiceID") \
                    and _link_if_ours(ctx, s, row, body, linked_ids, now):
                outbox.complete(s, entry_id, seq)
                ctx.pushed += 1
            elif messages:
                _record_refusal(ctx, s, invoice_id, row, messages, now)
                clash = "must be unique" in "; ".join(messages).lower()
                outbox.hold(s, entry_id, seq, outbox.HELD_CLASH if clash else outbox.HELD_ERROR)
                ctx.errors += 1
            elif row is None:  # deleted here meanwhile (cannot happen to a sent invoice, but never crash on it)
                outbox.complete(s, entry_id, seq)
            else:
                _record_accepted(ctx, s, row, element, now)
                outbox.complete(s, entry_id, seq)
                ctx.pushed += 1
        delete_batch(s, batch)
        records.log(s, now, f"Sent {len(elements)} invoice{'s' if len(elements) != 1 else ''} to Xero")


def _link_if_ours(ctx: Context, s: Session, row: InvoiceRow, body: dict, linked_ids: set, now: datetime) -> bool:
    """A create refused for its number: when the invoice in Xero with that number is evidently this one (an
    earlier attempt whose answer was lost), link it and record it synced. True when it did."""
    existing = (ctx.xero_numbers or {}).get(row.number)
    inv = get_invoice(s, row.id)
    contact_id = body.get("Contact", {}).get("ContactID")
    if existing is None or existing["InvoiceID"] in linked_ids or not is_ours(inv, contact_id, existing):
        return False
    _link_invoice(s, row.id, existing["InvoiceID"])
    linked_ids.add(existing["InvoiceID"])
    records.record_synced(s, outbox.INVOICE, row.id, ctx.tenant_id, existing["InvoiceID"], None,
                          invoice_view(inv, ctx.codes), now)
    records.log(s, now, f"{inv.number} was already in Xero (an earlier attempt); linked", invoice_id=row.id)
    return True


def _record_refusal(ctx: Context, s: Session, invoice_id: int, row: InvoiceRow | None, messages: list[str],
                    now: datetime) -> None:
    """Xero refused this invoice: its messages on the invoice, with a new number to try for a clash."""
    message = "; ".join(messages)
    clash = "must be unique" in message.lower()
    code = "number_clash" if clash else ALLOCATED if ALLOCATED_MESSAGE in message else "validation"
    if clash and row is not None:
        fix = suggest_number(s, ctx.xero_numbers or {}, row.number)
        message = f"{message} Renumber this invoice (for example to {fix}) and it will be sent."
    records.record_error(s, outbox.INVOICE, invoice_id, ctx.tenant_id, code, message, now)
    records.log(s, now, f"Xero refused {row.number if row else 'an invoice'}: {message}", "error",
                invoice_id=invoice_id)


def _record_accepted(ctx: Context, s: Session, row: InvoiceRow, element: dict, now: datetime) -> None:
    """Xero took this invoice: its id and what it holds now, with an error kept when its total differs."""
    remote = invoice_from_xero(element)
    if not row.xero_invoice_id:
        row.xero_invoice_id = remote.xero_id
        s.add(row)
    inv = get_invoice(s, row.id)
    keep_error = False
    if remote.status is not InvoiceStatus.VOIDED and not totals_match(inv, remote):
        keep_error = True
        records.record_error(
            s, outbox.INVOICE, row.id, ctx.tenant_id, "totals",
            f"Xero's total {remote.total} differs from ours {inv.totals.total}: check the tax rates and "
            "account mapping", now)
        ctx.errors += 1
    records.record_synced(s, outbox.INVOICE, row.id, ctx.tenant_id, remote.xero_id, remote.updated_utc,
                          remote.view() if remote.lines or remote.status is not InvoiceStatus.VOIDED
                          else {**invoice_view(inv, ctx.codes), "status": "VOIDED"},
                          now, keep_error=keep_error)
