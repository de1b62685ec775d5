"""Requests a stopped or killed pass left prepared (``sync_batch`` rows) are never sent as they were.

Such a request was built before the last pull: sent as it is, it would put back whatever someone changed in
Xero since. The rule is that no request body older than the last pull is ever sent. So at the start of a pass,
before the pull, :func:`settle_unfinished` looks in Xero for the creations such requests may have made (their
answer may have been lost):

- a contact, by the email and name it was sent with (:func:`~tui.sync.contacts.match_contact`, as for any
  unlinked customer);
- an invoice, by its number, contact and total (:func:`~tui.sync.invoice_numbers.is_ours`, as for any invoice to create).

One found is linked, with what was sent as its last synced version, so the pull that follows merges any change
made in Xero since against it; a customer edited here after the request was built is queued to be sent again.
An interrupted update may have reached Xero too: the pull takes a field Xero holds exactly as that request sent
it for our own write, not for a change made in Xero (:func:`~tui.sync.merge.with_our_unfinished_write`), so an
edit made here since is no false conflict.
Nothing else needs doing: a left request never completed its sync queue entries, so after the pull the push plans
every record afresh from what it is now. A request planned with the very same body as a left one takes that
one's Idempotency-Key (:func:`~tui.sync.batches.prepare`); :func:`discard_unfinished` drops the rest once the
push is through.
"""

from __future__ import annotations

import json

from sqlalchemy import delete
from sqlmodel import Session, col, select

from tui.domain.customer import Customer
from tui.store.invoices import get_invoice
from tui.store.sync_tables import SyncBatchRow
from tui.store.tables import CustomerRow, InvoiceRow
from tui.sync import outbox, records
from tui.sync.context import Context, loads
from tui.sync.mapping import apply_view, invoice_from_xero
from tui.sync.batches import unfinished_batches
from tui.sync.contact_view import FIELDS, view_of_body
from tui.sync.contacts import match_contact, read_contacts, requeue_if_changed
from tui.sync.invoice_numbers import is_ours, read_invoice_numbers


def settle_unfinished(ctx: Context) -> None:
    """Link what the creations of interrupted requests made in Xero, and note what their updates sent, for the
    pull (see the module's docstring)."""
    contacts, contact_updates = _elements(unfinished_batches(ctx, outbox.CONTACT), "ContactID")
    for customer_id, sent in contact_updates:
        ctx.unfinished_contacts[customer_id] = view_of_body(sent)
    invoices, updates = _elements(unfinished_batches(ctx, outbox.INVOICE), "InvoiceID")
    for invoice_id, sent in updates:
        ctx.unfinished_views[invoice_id] = invoice_from_xero(sent).view()
    if contacts or invoices:
        ctx.progress("Looking in Xero for what requests interrupted last time created")
    if contacts:
        _settle_contacts(ctx, contacts)
    if invoices:
        _settle_invoices(ctx, invoices)


def discard_unfinished(ctx: Context) -> None:
    """After a whole push: every request still left over was planned afresh (or found needless) and goes."""
    with ctx.session() as s:
        gone = s.execute(delete(SyncBatchRow).where(col(SyncBatchRow.tenant_id) == ctx.tenant_id)).rowcount
        if gone:
            records.log(s, ctx.now(), f"{gone} request{'s' if gone != 1 else ''} interrupted last time "
                                      "planned again from the records as they are now")


def _elements(batches: list[SyncBatchRow], id_field: str) -> tuple[list[tuple[int, dict]], list[tuple[int, dict]]]:
    """(entity id, element sent) of every element of ``batches``: those that create a record in Xero, and those
    that update one (they carry its ``id_field``)."""
    creations: list[tuple[int, dict]] = []
    updates: list[tuple[int, dict]] = []
    for batch in batches:
        for entry, element in zip(json.loads(batch.entries), loads(batch.body)):
            (updates if element.get(id_field) else creations).append((entry[1], element))
    return creations, updates


def _settle_contacts(ctx: Context, created: list[tuple[int, dict]]) -> None:
    index = read_contacts(ctx)
    now = ctx.now()
    with ctx.session() as s:
        for customer_id, sent in created:
            row = s.get(CustomerRow, customer_id)
            if row is None or row.xero_contact_id:
                continue
            as_sent = Customer(name=str(sent.get("Name") or ""), email=str(sent.get("EmailAddress") or ""),
                               id=customer_id)
            contact, _ = match_contact(as_sent, index)
            if contact is None:
                continue  # never created (or a clash): planned like any unlinked customer
            row.xero_contact_id = str(contact["ContactID"])
            s.add(row)
            # what was sent is the version Xero last had from us: the pull merges Xero's changes against it
            sent_view = {**dict.fromkeys(FIELDS, ""), **view_of_body(sent),
                         "number": str(sent.get("ContactNumber") or "")}
            records.record_synced(s, outbox.CONTACT, customer_id, ctx.tenant_id, row.xero_contact_id, None, sent_view,
                                  now)
            records.log(s, now, f"{as_sent.name} was created in Xero by a request interrupted last time; linked",
                        customer_id=customer_id)
            requeue_if_changed(s, customer_id, now)


def _settle_invoices(ctx: Context, created: list[tuple[int, dict]]) -> None:
    numbers = read_invoice_numbers(ctx)
    now = ctx.now()
    with ctx.session() as s:
        linked = _linked_ids(s)
        for invoice_id, sent in created:
            row = s.get(InvoiceRow, invoice_id)
            existing = numbers.get(str(sent.get("InvoiceNumber") or ""))
            if row is None or row.xero_invoice_id or existing is None or existing["InvoiceID"] in linked:
                continue
            view = invoice_from_xero(sent).view()
            as_sent = apply_view(get_invoice(s, invoice_id), view, ctx.codes)
            if not is_ours(as_sent, str((sent.get("Contact") or {}).get("ContactID") or ""), existing):
                continue  # not ours after all: the push reports the number clash
            row.xero_invoice_id = existing["InvoiceID"]
            s.add(row)
            linked.add(existing["InvoiceID"])
            # what was sent is the version Xero last had from us: the pull merges Xero's changes against it
            records.record_synced(s, outbox.INVOICE, invoice_id, ctx.tenant_id, existing["InvoiceID"], None, view,
                                  now)
            records.log(s, now, f"{row.number} was created in Xero by a request interrupted last time; linked",
                        invoice_id=invoice_id)
            # the pull must read it back even on a first pass (which otherwise starts after the numbers just read)
            ctx.xero_numbers_hwm = None


def _linked_ids(s: Session) -> set[str]:
    return set(s.exec(select(InvoiceRow.xero_invoice_id).where(col(InvoiceRow.xero_invoice_id).is_not(None))).all())
