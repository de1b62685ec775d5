"""Contacts: a customer is linked to a Xero contact by ContactID; an unlinked one is matched against the
organisation's contacts (read once a pass, paged): by email, then by exact name. A different contact with
the same name is a clash the user resolves (link to it, or rename), never a duplicate.

Creations and updates go through write-ahead batches (:mod:`.batches`); each response is recorded in one
transaction that also deletes the batch row, and a customer whose contact would now read differently from what
was sent is queued again (:func:`requeue_if_changed`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from tui.domain.customer import Customer
from tui.store.customers import get_customer
from tui.store.errors import NotFound
from tui.store.sync_tables import SyncBatchRow, SyncRecordRow
from tui.store.tables import CustomerRow, InvoiceRow
from tui.sync import queue, records
from tui.sync.batches import delete_batch, element_errors, prepare, stops_on_xero_errors, transmit
from tui.sync.context import Context, loads
from tui.sync.mapping import contact_to_xero
from tui.xero import wire


@dataclass
class ContactIndex:
    by_email: dict[str, list[dict]]
    by_name: dict[str, dict]
    by_folded_name: dict[str, dict]


def read_contacts(ctx: Context) -> ContactIndex:
    """The organisation's contacts, every page read once (archived included: their names are taken too)."""
    by_email: dict[str, list[dict]] = {}
    by_name: dict[str, dict] = {}
    folded: dict[str, dict] = {}
    page = 1
    while True:
        with stops_on_xero_errors(ctx):
            result = ctx.api.contacts_page(page, include_archived=True, summary_only=True,
                                           page_size=ctx.page_size)
        for c in result.items:
            name = str(c.get("Name") or "")
            email = str(c.get("EmailAddress") or "").strip().lower()
            if email and c.get("ContactStatus", "ACTIVE") == "ACTIVE":
                by_email.setdefault(email, []).append(c)
            if name:
                by_name[name] = c
                folded[name.casefold()] = c
        if result.is_last or not result.items:
            break
        page += 1
    return ContactIndex(by_email, by_name, folded)


def match_contact(customer: Customer, index: ContactIndex) -> tuple[dict | None, str]:
    """(contact to link, "") or (None, clash message) or (None, "") when a new contact must be created."""
    email = customer.email.strip().lower()
    if email and len(index.by_email.get(email, [])) == 1:
        return index.by_email[email][0], ""
    if email and len(index.by_email.get(email, [])) > 1:
        exact = [c for c in index.by_email[email] if c.get("Name") == customer.name]
        if len(exact) == 1:
            return exact[0], ""
    same = index.by_name.get(customer.name) or index.by_folded_name.get(customer.name.casefold())
    if same is None:
        return None, ""
    their_email = str(same.get("EmailAddress") or "").strip().lower()
    if same.get("Name") == customer.name and (not their_email or not email or their_email == email) \
            and same.get("ContactStatus", "ACTIVE") == "ACTIVE":
        return same, ""
    what = f" ({their_email})" if their_email else ""
    archived = " (archived)" if same.get("ContactStatus") == "ARCHIVED" else ""
    return None, (
        f"Xero already has a different contact named \"{same.get('Name')}\"{what}{archived}. "
        "Link this customer to it on the Sync screen if it is the same customer, or change the customer's "
        "name here so Xero can tell them apart."
    )


def link_customer(s: Session, customer_id: int, contact_id: str, tenant_id: str, now: datetime) -> None:
    """Link a customer to an existing Xero contact (the fix for a name clash); its invoices become ready."""
    row = s.get(CustomerRow, customer_id)
    if row is None:
        raise NotFound("This customer no longer exists")
    row.xero_contact_id = contact_id
    s.add(row)
    records.record_synced(s, queue.CONTACT, customer_id, tenant_id, contact_id, None, None, now)
    invoice_ids = s.exec(select(InvoiceRow.id).where(InvoiceRow.customer_id == customer_id)).all()
    for invoice_id in invoice_ids:
        rec = s.get(SyncRecordRow, (queue.INVOICE, invoice_id))
        if rec is not None and rec.error_code == "contact":
            records.clear_error(s, queue.INVOICE, invoice_id)
            queue.release(s, queue.INVOICE, invoice_id)
    records.log(s, now, f"Customer linked to Xero contact {contact_id}", customer_id=customer_id)


def push_contacts(ctx: Context, needed: set[int]) -> None:
    """Link or create the contacts of customers ``needed`` by invoices about to be pushed, and push edits of
    linked customers."""
    now = ctx.now()
    with ctx.session() as s:
        contact_entries = queue.ready(s, queue.CONTACT, now, 10_000)
        customer_ids = {e.entity_id for e in contact_entries}
        unlinked = [
            get_customer(s, cid) for cid in sorted(needed | customer_ids)
            if (r := s.get(CustomerRow, cid)) is not None and not r.xero_contact_id
        ]
        # a clash the user has not resolved stays put until they link or rename
        unlinked = [c for c in unlinked if not _has_unresolved_clash(s, c)]
        updates = [
            (e, get_customer(s, e.entity_id)) for e in contact_entries
            if (r := s.get(CustomerRow, e.entity_id)) is not None and r.xero_contact_id
        ]
        entry_for = {e.entity_id: e for e in contact_entries}

    to_create: list[tuple[Customer, queue.Entry | None]] = []
    if unlinked:
        index = read_contacts(ctx)
        now = ctx.now()
        with ctx.session() as s:
            for c in unlinked:
                contact, clash = match_contact(c, index)
                if contact is not None:
                    row = s.get(CustomerRow, c.id)
                    row.xero_contact_id = str(contact["ContactID"])
                    s.add(row)
                    records.record_synced(s, queue.CONTACT, c.id, ctx.tenant_id, row.xero_contact_id, None, None, now)
                    records.log(s, now, f"Linked {c.name} to the existing Xero contact", customer_id=c.id)
                    if c.id in entry_for:  # push our details to the contact we just linked
                        updates.append((entry_for[c.id], get_customer(s, c.id)))
                elif clash:
                    records.record_error(s, queue.CONTACT, c.id, ctx.tenant_id, "name_clash", clash, now)
                    records.log(s, now, f"{c.name}: {clash}", "error", customer_id=c.id)
                    ctx.errors += 1
                else:
                    to_create.append((c, entry_for.get(c.id)))
                    index.by_name[c.name] = {"Name": c.name}  # two customers with one name: the second clashes

    for i in range(0, len(to_create), ctx.batch_size):
        chunk = to_create[i:i + ctx.batch_size]
        elements = [contact_to_xero(c) for c, _ in chunk]
        entries = [[e.id if e else 0, c.id, e.seq if e else 0] for c, e in chunk]
        batch = prepare(ctx, queue.CONTACT, "PUT", elements, entries)
        ctx.progress(f"Creating {len(chunk)} contacts in Xero")
        _record_contacts(ctx, batch, transmit(ctx, batch))

    for i in range(0, len(updates), ctx.batch_size):
        chunk = updates[i:i + ctx.batch_size]
        elements = [contact_to_xero(c, c.xero_contact_id) for _, c in chunk]
        entries = [[e.id, c.id, e.seq] for e, c in chunk]
        batch = prepare(ctx, queue.CONTACT, "POST", elements, entries)
        ctx.progress(f"Updating {len(chunk)} contacts in Xero")
        _record_contacts(ctx, batch, transmit(ctx, batch))


def _has_unresolved_clash(s: Session, c: Customer) -> bool:
    """A name clash reported since the customer was last edited (a rename is the user's fix: try again)."""
    rec = s.get(SyncRecordRow, (queue.CONTACT, c.id))
    if rec is None or rec.error_code != "name_clash" or rec.error_at is None:
        return False
    row = s.get(CustomerRow, c.id)
    return row is None or rec.error_at >= row.updated_at


def _record_contacts(ctx: Context, batch: SyncBatchRow, elements: list[dict] | None) -> None:
    if elements is None:
        return
    now = ctx.now()
    sent = loads(batch.body)
    with ctx.session() as s:
        for (entry_id, customer_id, seq), element, body in zip(json.loads(batch.entries), elements, sent):
            messages = element_errors(element)
            if messages:
                message = "; ".join(messages)
                code = "name_clash" if "already assigned" in message else "validation"
                records.record_error(s, queue.CONTACT, customer_id, ctx.tenant_id, code, message, now)
                records.log(s, now, f"Xero refused the contact: {message}", "error", customer_id=customer_id)
                if entry_id:
                    queue.hold(s, entry_id, seq, queue.HELD_ERROR)
                ctx.errors += 1
                continue
            contact_id = str(element.get("ContactID") or "")
            row = s.get(CustomerRow, customer_id)
            if row is not None and not row.xero_contact_id:
                row.xero_contact_id = contact_id
                s.add(row)
            updated = element.get("UpdatedDateUTC")
            records.record_synced(s, queue.CONTACT, customer_id, ctx.tenant_id, contact_id,
                                  wire.parse_datetime(updated) if updated else None, None, now)
            if entry_id:
                queue.complete(s, entry_id, seq)
            requeue_if_changed(s, customer_id, body, now)
        delete_batch(s, batch)


def requeue_if_changed(s: Session, customer_id: int, sent: dict, now: datetime) -> None:
    """The customer was edited after ``sent`` (its contact as last sent to Xero) was built: queue the newer
    details (an edit made while the customer was not linked yet queued nothing of its own)."""
    try:
        customer = get_customer(s, customer_id)
    except NotFound:
        return
    if contact_to_xero(customer, sent.get("ContactID")) != sent:
        queue.enqueue_contact(s, customer_id, now)

