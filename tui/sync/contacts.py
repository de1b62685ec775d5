"""Contacts: a customer is linked to a Xero contact by ContactID; an unlinked one is matched against the
organisation's contacts (read once a pass, paged): by the ContactNumber carrying its id ("TC-42"), then by
email, then by exact name. A different contact with the same name is a clash the user resolves (link to it, or
rename), never a duplicate. A contact just matched is read whole and merged field by field with the customer
(:func:`tui.sync.contact_pull.apply_contact`): what only one side holds is kept, differing values are a conflict.

An update sends only the fields changed here since Xero last confirmed the contact (:mod:`.contact_view`), so a
value changed in Xero is never overwritten by an older one, and fields we do not hold are never blanked.
Creations and updates go through write-ahead batches (:mod:`.batches`); each response is recorded in one
transaction that also deletes the batch row; the answer to an update is merged like a pulled contact (a field
changed in Xero while the update was in flight is taken here), and a customer whose contact would now read
differently from what was sent is queued again (:func:`requeue_if_changed`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, select

from tui.domain.customer import Customer
from tui.store.customers import get_customer
from tui.store.errors import NotFound
from tui.store.sync_tables import SyncBatchRow, SyncRecordRow
from tui.store.tables import CustomerRow, InvoiceRow
from tui.sync import outbox, records
from tui.sync.batches import delete_batch, element_errors, prepare, stops_on_xero_errors, transmit
from tui.sync.contact_pull import apply_contact, snapshot
from tui.sync.contact_view import (changed_fields, contact_number, create_body, customer_id_of, customer_view,
                                   update_body, view_of_body)
from tui.sync.context import Context, loads
from tui.xero import wire


@dataclass
class ContactIndex:
    by_email: dict[str, list[dict]]
    by_name: dict[str, dict]
    by_folded_name: dict[str, dict]
    by_number: dict[int, dict] = field(default_factory=dict)  # customer id (from "TC-42") -> contact


def read_contacts(ctx: Context) -> ContactIndex:
    """The organisation's contacts, every page read once (archived included: their names are taken too), unless
    this pass has read them all already."""
    if ctx.all_contacts is not None:
        return index_contacts(ctx.all_contacts)
    contacts: list[dict] = []
    page = 1
    while True:
        with stops_on_xero_errors(ctx):
            result = ctx.api.contacts_page(page, include_archived=True, summary_only=True,
                                           page_size=ctx.page_size)
        contacts.extend(result.items)
        if result.is_last or not result.items:
            break
        page += 1
    return index_contacts(contacts)


def index_contacts(contacts: list[dict]) -> ContactIndex:
    """Contacts by email (active ones), name, name ignoring case, and the customer id their ContactNumber names."""
    index = ContactIndex({}, {}, {}, {})
    for c in contacts:
        name = str(c.get("Name") or "")
        email = str(c.get("EmailAddress") or "").strip().lower()
        if email and c.get("ContactStatus", "ACTIVE") == "ACTIVE":
            index.by_email.setdefault(email, []).append(c)
        if name:
            index.by_name[name] = c
            index.by_folded_name[name.casefold()] = c
        ours = customer_id_of(c.get("ContactNumber"))
        if ours is not None and not c.get("MergedToContactID"):
            index.by_number[ours] = c
    return index


def match_contact(customer: Customer, index: ContactIndex) -> tuple[dict | None, str]:
    """(contact to link, "") or (None, clash message) or (None, "") when a new contact must be created."""
    numbered = index.by_number.get(customer.id) if customer.id is not None else None
    if numbered is not None and same_party(customer, numbered):
        return numbered, ""
    # a contact carrying another of our customers' numbers is that customer's, whatever its email or name says
    # (two customers may share an accounts email)
    others = {c.get("ContactID") for number, c in index.by_number.items() if number != customer.id}
    email = customer.email.strip().lower()
    by_email = [c for c in index.by_email.get(email, []) if c.get("ContactID") not in others] if email else []
    if len(by_email) == 1:
        return by_email[0], ""
    if len(by_email) > 1:
        exact = [c for c in by_email if c.get("Name") == customer.name]
        if len(exact) == 1:
            return exact[0], ""
    same = index.by_name.get(customer.name) or index.by_folded_name.get(customer.name.casefold())
    if same is None:
        return None, ""
    their_email = str(same.get("EmailAddress") or "").strip().lower()
    if same.get("Name") == customer.name and (not their_email or not email or their_email == email) \
            and same.get("ContactStatus", "ACTIVE") == "ACTIVE" and same.get("ContactID") not in others:
        return same, ""
    what = f" ({their_email})" if their_email else ""
    archived = " (archived)" if same.get("ContactStatus") == "ARCHIVED" else ""
    return None, (
        f"Xero already has a different contact named \"{same.get('Name')}\"{what}{archived}. "
        "Link this customer to it on the Sync screen if it is the same customer, or change the customer's "
        "name here so Xero can tell them apart."
    )


def same_party(customer: Customer, contact: dict) -> bool:
    """A contact carrying this customer's number is taken as it when its name or email agrees too (another
    database of the business numbers its customers from 1 as well)."""
    email = customer.email.strip().lower()
    return str(contact.get("Name") or "").casefold() == customer.name.casefold() or \
        bool(email and str(contact.get("EmailAddress") or "").strip().lower() == email)


def link_customer(s: Session, customer_id: int, contact_id: str, tenant_id: str, now: datetime) -> None:
    """Link a customer to an existing Xero contact (the fix for a name clash); its invoices become ready."""
    row = s.get(CustomerRow, customer_id)
    if row is None:
        raise NotFound("This customer no longer exists")
    row.xero_contact_id = contact_id
    s.add(row)
    records.record_synced(s, outbox.CONTACT, customer_id, tenant_id, contact_id, None, None, now)
    invoice_ids = s.exec(select(InvoiceRow.id).where(InvoiceRow.customer_id == customer_id)).all()
    for invoice_id in invoice_ids:
        rec = s.get(SyncRecordRow, (outbox.INVOICE, invoice_id))
        if rec is not None and rec.error_code == "contact":
            records.clear_error(s, outbox.INVOICE, invoice_id)
            outbox.release(s, outbox.INVOICE, invoice_id)
    records.log(s, now, f"Customer linked to Xero contact {contact_id}", customer_id=customer_id)


def push_contacts(ctx: Context, needed: set[int]) -> None:
    """Link or create the contacts of customers ``needed`` by invoices about to be pushed, and push edits of
    linked customers (only the fields changed here since Xero last confirmed them)."""
    now = ctx.now()
    with ctx.session() as s:
        contact_entries = outbox.ready(s, outbox.CONTACT, now, 10_000)
        customer_ids = {e.entity_id for e in contact_entries}
        unlinked = [
            get_customer(s, cid) for cid in sorted(needed | customer_ids)
            if (r := s.get(CustomerRow, cid)) is not None and not r.xero_contact_id
        ]
        # a clash the user has not resolved stays put until they link or rename
        unlinked = [c for c in unlinked if not _has_unresolved_clash(s, c)]
        linked_entries = [e for e in contact_entries
                          if (r := s.get(CustomerRow, e.entity_id)) is not None and r.xero_contact_id]
        entry_for = {e.entity_id: e for e in contact_entries}

    with ctx.session() as s:  # linked without a version both sides share (linked by hand, or before contacts
        # were pulled): read and merged field by field before anything is sent over Xero's values
        unshared = {e.entity_id: s.get(CustomerRow, e.entity_id).xero_contact_id for e in linked_entries
                    if records.snapshot_of(records.get_record(s, outbox.CONTACT, e.entity_id)) is None}
    if unshared:
        _merge_matched(ctx, unshared)
        with ctx.session() as s:
            linked_entries = [e for e in linked_entries if e.entity_id not in unshared] + \
                [e for e in outbox.ready(s, outbox.CONTACT, ctx.now(), 10_000) if e.entity_id in unshared]
        ctx.contacts_fresh.update({e.entity_id: e.seq for e in linked_entries if e.entity_id in unshared})

    to_create: list[tuple[Customer, outbox.Entry | None]] = []
    if unlinked:
        to_create, merged = _match_unlinked(ctx, unlinked, entry_for)
        linked_entries += merged

    for i in range(0, len(to_create), ctx.batch_size):
        chunk = to_create[i:i + ctx.batch_size]
        elements = [create_body(c) for c, _ in chunk]
        entries = [[e.id if e else 0, c.id, e.seq if e else 0] for c, e in chunk]
        batch = prepare(ctx, outbox.CONTACT, "PUT", elements, entries)
        ctx.progress(f"Creating {len(chunk)} contacts in Xero")
        _record_contacts(ctx, batch, transmit(ctx, batch))

    updates = _plan_updates(ctx, linked_entries)
    for i in range(0, len(updates), ctx.batch_size):
        chunk = updates[i:i + ctx.batch_size]
        batch = prepare(ctx, outbox.CONTACT, "POST", [body for _, _, body in chunk],
                        [[e.id, cid, e.seq] for e, cid, _ in chunk])
        ctx.progress(f"Updating {len(chunk)} contacts in Xero")
        _record_contacts(ctx, batch, transmit(ctx, batch))


def _match_unlinked(ctx: Context, unlinked: list[Customer], entry_for: dict[int, outbox.Entry]) \
        -> tuple[list[tuple[Customer, outbox.Entry | None]], list[outbox.Entry]]:
    """Customers not linked yet, against Xero's contacts read now: each evidently the same as one is linked and
    merged with it, one whose name another contact holds is a clash shown on it, the rest are to create.
    Returns those to create (with their queue entry) and the entries the merges left to send."""
    to_create: list[tuple[Customer, outbox.Entry | None]] = []
    index = read_contacts(ctx)
    matched: dict[int, str] = {}
    now = ctx.now()
    with ctx.session() as s:
        for c in unlinked:
            contact, clash = match_contact(c, index)
            if contact is not None:
                row = s.get(CustomerRow, c.id)
                row.xero_contact_id = str(contact["ContactID"])
                s.add(row)
                records.record_synced(s, outbox.CONTACT, c.id, ctx.tenant_id, row.xero_contact_id, None, None, now)
                records.log(s, now, f"Linked {c.name} to the existing Xero contact", customer_id=c.id)
                matched[c.id] = row.xero_contact_id
            elif clash:
                records.record_error(s, outbox.CONTACT, c.id, ctx.tenant_id, "name_clash", clash, now)
                records.log(s, now, f"{c.name}: {clash}", "error", customer_id=c.id)
                ctx.errors += 1
            else:
                to_create.append((c, entry_for.get(c.id)))
                index.by_name[c.name] = {"Name": c.name}  # two customers with one name: the second clashes
    merged: list[outbox.Entry] = []
    if matched:
        _merge_matched(ctx, matched)
        with ctx.session() as s:  # what the merge left to send (those contacts were just read)
            merged = [e for e in outbox.ready(s, outbox.CONTACT, ctx.now(), 10_000) if e.entity_id in matched]
        ctx.contacts_fresh.update({e.entity_id: e.seq for e in merged})
    return to_create, merged


def _merge_matched(ctx: Context, matched: dict[int, str]) -> None:
    """Customers just linked to contacts Xero had: read those contacts whole (one call) and merge each."""
    with stops_on_xero_errors(ctx):
        contacts = ctx.api.contacts_page(1, ids=sorted(set(matched.values())), include_archived=True,
                                         page_size=1000).items
    by_id = {str(d.get("ContactID")): d for d in contacts}
    now = ctx.now()
    with ctx.session() as s:
        for customer_id, contact_id in matched.items():
            d = by_id.get(contact_id)
            if d is not None:
                result = apply_contact(s, ctx.tenant_id, customer_id, d, now, ctx.time_zone, force=True, fresh=True)
                ctx.conflicts += int(bool(result.conflicts))


def _plan_updates(ctx: Context, entries: list[outbox.Entry]) -> list[tuple[outbox.Entry, int, dict]]:
    """(entry, customer id, body) for each linked customer with something changed here before this pass read the
    contacts (a later change waits for the next pass's read); entries with nothing to send are done."""
    out = []
    with ctx.session() as s:
        for e in entries:
            if ctx.contacts_fresh.get(e.entity_id) != e.seq:
                continue
            try:
                c = get_customer(s, e.entity_id)
            except NotFound:
                outbox.complete(s, e.id, e.seq)
                continue
            base = records.snapshot_of(records.get_record(s, outbox.CONTACT, c.id))
            changes = changed_fields(customer_view(c), base)
            number = contact_number(c.id) if base is None or not base.get("number") else None
            if not changes and not number:
                outbox.complete(s, e.id, e.seq)  # Xero has it all already
                continue
            out.append((e, c.id, update_body(c.xero_contact_id or "", changes, number)))
    return out


def _has_unresolved_clash(s: Session, c: Customer) -> bool:
    """A name clash reported since the customer was last edited (a rename is the user's fix: try again)."""
    rec = s.get(SyncRecordRow, (outbox.CONTACT, c.id))
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
                records.record_error(s, outbox.CONTACT, customer_id, ctx.tenant_id, code, message, now)
                records.log(s, now, f"Xero refused the contact: {message}", "error", customer_id=customer_id)
                if entry_id:
                    outbox.hold(s, entry_id, seq, outbox.HELD_ERROR)
                ctx.errors += 1
                continue
            contact_id = str(element.get("ContactID") or "")
            row = s.get(CustomerRow, customer_id)
            if row is not None and not row.xero_contact_id:
                row.xero_contact_id = contact_id
                s.add(row)
            if entry_id:
                outbox.complete(s, entry_id, seq)
            if batch.method == "POST" and row is not None:
                # Xero's answer is the contact as it is now: a field changed there while this was in flight is
                # merged like any pulled change (what we sent is not Xero's change)
                rec = records.get_record(s, outbox.CONTACT, customer_id)
                base = {**(records.snapshot_of(rec) or {}), **view_of_body(body)}
                merged = apply_contact(s, ctx.tenant_id, customer_id, element, now, ctx.time_zone, base=base,
                                       force=True)
                ctx.conflicts += int(bool(merged.conflicts))
            else:
                updated = element.get("UpdatedDateUTC")
                records.record_synced(s, outbox.CONTACT, customer_id, ctx.tenant_id, contact_id,
                                      wire.parse_datetime(updated) if updated else None, snapshot(element), now)
            requeue_if_changed(s, customer_id, now)
        delete_batch(s, batch)


def requeue_if_changed(s: Session, customer_id: int, now: datetime) -> None:
    """The customer reads differently from its contact as Xero last confirmed it (edited while a request for it was
    in flight, or while it was not linked yet, which queued nothing of its own): queue it, so the next pass sends
    the difference."""
    try:
        customer = get_customer(s, customer_id)
    except NotFound:
        return
    base = records.snapshot_of(records.get_record(s, outbox.CONTACT, customer_id))
    if base is not None and changed_fields(customer_view(customer), base):
        outbox.enqueue_contact(s, customer_id, now)
