"""Push: the outbox to Xero. Contacts first, then invoices, in batches of up to 50 with summarizeErrors=false.

Every write goes through a write-ahead batch (:mod:`.batches`). Each response is recorded (Xero IDs,
UpdatedDateUTC, the synced snapshot, per-element errors with Xero's own message) in one transaction that also
deletes the batch row; a record changed here after its request was built is queued again in that transaction
(the outbox entry's ``seq``, or for a customer the contact it would send now), so the newer version follows.

Contacts: a customer is linked to a Xero contact by ContactID; an unlinked one is matched against the
organisation's contacts (read once a pass, paged): by email, then by exact name. A different contact with
the same name is a clash the user resolves (link to it, or rename), never a duplicate.

Invoice numbers: before creating invoices the numbers Xero already has are read once a pass (voided and
deleted count). A number taken by an invoice that is evidently ours (same contact and total) is linked;
any other is a clash reported on the invoice with a free number to renumber to.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from tui.domain.customer import Customer
from tui.domain.invoice import Invoice, InvoiceStatus
from tui.domain.money import cents
from tui.store.customers import get_customer
from tui.store.errors import NotFound
from tui.store.invoices import get_invoice
from tui.store.sync_tables import SyncBatchRow, SyncRecordRow
from tui.store.tables import CustomerRow, InvoiceRow
from tui.sync import outbox, records
from tui.sync.batches import delete_batch, element_errors, prepare, stops_on_xero_errors, transmit
from tui.sync.context import Context, loads
from tui.sync.mapping import (
    contact_to_xero,
    invoice_from_xero,
    invoice_to_xero,
    invoice_view,
    totals_match,
)
from tui.xero import wire

ALL_STATUSES = ("DRAFT", "SUBMITTED", "AUTHORISED", "PAID", "VOIDED", "DELETED")


# -- contacts ---------------------------------------------------------------------------------------------------

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
    linked customers."""
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
        updates = [
            (e, get_customer(s, e.entity_id)) for e in contact_entries
            if (r := s.get(CustomerRow, e.entity_id)) is not None and r.xero_contact_id
        ]
        entry_for = {e.entity_id: e for e in contact_entries}

    to_create: list[tuple[Customer, outbox.Entry | None]] = []
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
                    records.record_synced(s, outbox.CONTACT, c.id, ctx.tenant_id, row.xero_contact_id, None, None, now)
                    records.log(s, now, f"Linked {c.name} to the existing Xero contact", customer_id=c.id)
                    if c.id in entry_for:  # push our details to the contact we just linked
                        updates.append((entry_for[c.id], get_customer(s, c.id)))
                elif clash:
                    records.record_error(s, outbox.CONTACT, c.id, ctx.tenant_id, "name_clash", clash, now)
                    records.log(s, now, f"{c.name}: {clash}", "error", customer_id=c.id)
                    ctx.errors += 1
                else:
                    to_create.append((c, entry_for.get(c.id)))
                    index.by_name[c.name] = {"Name": c.name}  # two customers with one name: the second clashes

    for i in range(0, len(to_create), ctx.batch_size):
        chunk = to_create[i:i + ctx.batch_size]
        elements = [contact_to_xero(c) for c, _ in chunk]
        entries = [[e.id if e else 0, c.id, e.seq if e else 0] for c, e in chunk]
        batch = prepare(ctx, outbox.CONTACT, "PUT", elements, entries)
        ctx.progress(f"Creating {len(chunk)} contacts in Xero")
        _record_contacts(ctx, batch, transmit(ctx, batch))

    for i in range(0, len(updates), ctx.batch_size):
        chunk = updates[i:i + ctx.batch_size]
        elements = [contact_to_xero(c, c.xero_contact_id) for _, c in chunk]
        entries = [[e.id, c.id, e.seq] for e, c in chunk]
        batch = prepare(ctx, outbox.CONTACT, "POST", elements, entries)
        ctx.progress(f"Updating {len(chunk)} contacts in Xero")
        _record_contacts(ctx, batch, transmit(ctx, batch))


def _has_unresolved_clash(s: Session, c: Customer) -> bool:
    """A name clash reported since the customer was last edited (a rename is the user's fix: try again)."""
    rec = s.get(SyncRecordRow, (outbox.CONTACT, c.id))
    if rec is None or rec.error_code != "name_clash" or rec.error_at is None:
        return False
    row = s.get(CustomerRow, c.id)
    return row is None or _utc(rec.error_at) >= _utc(row.updated_at)


def _utc(dt: datetime) -> datetime:
    from datetime import timezone

    return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)


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
            updated = element.get("UpdatedDateUTC")
            records.record_synced(s, outbox.CONTACT, customer_id, ctx.tenant_id, contact_id,
                                  wire.parse_datetime(updated) if updated else None, None, now)
            if entry_id:
                outbox.complete(s, entry_id, seq)
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
        outbox.enqueue_contact(s, customer_id, now)


# -- invoice numbers ----------------------------------------------------------------------------------------------

def read_invoice_numbers(ctx: Context) -> dict[str, dict]:
    """InvoiceNumber -> {InvoiceID, Status, Total, ContactID} of every ACCREC invoice in Xero, read once a pass."""
    if ctx.xero_numbers is not None:
        return ctx.xero_numbers
    numbers: dict[str, dict] = {}
    hwm = None
    page = 1
    while True:
        with stops_on_xero_errors(ctx):
            result = ctx.api.invoices_page(page, statuses=ALL_STATUSES, where='Type=="ACCREC"', summary_only=True,
                                           page_size=ctx.page_size)
        for inv in result.items:
            number = str(inv.get("InvoiceNumber") or "")
            if number:
                numbers[number] = {
                    "InvoiceID": str(inv.get("InvoiceID") or ""),
                    "Status": str(inv.get("Status") or ""),
                    "Total": inv.get("Total"),
                    "ContactID": str((inv.get("Contact") or {}).get("ContactID") or ""),
                    "ContactName": str((inv.get("Contact") or {}).get("Name") or ""),
                }
            if inv.get("UpdatedDateUTC"):
                updated = wire.parse_datetime(inv["UpdatedDateUTC"])
                hwm = updated if hwm is None or updated > hwm else hwm
        if result.is_last or not result.items:
            break
        page += 1
    ctx.xero_numbers = numbers
    ctx.xero_numbers_hwm = hwm
    return numbers


def free_number(taken: set[str], number: str) -> str:
    """The next number after ``number`` in its own pattern (INV-0042 -> INV-0043) not in ``taken``."""
    m = re.fullmatch(r"(.*?)(\d+)", number)
    prefix, digits = (m.group(1), m.group(2)) if m else (number + "-", "1")
    n = int(digits)
    while True:
        n += 1
        candidate = f"{prefix}{n:0{len(digits)}d}"
        if candidate not in taken:
            return candidate


def suggest_number(s: Session, xero_numbers: dict[str, dict], number: str) -> str:
    """A free number to renumber to: after the highest number of the same pattern here or in Xero."""
    taken = set(s.exec(select(InvoiceRow.number)).all()) | set(xero_numbers)
    pattern = re.compile(r"(.*?)(\d+)")
    m = pattern.fullmatch(number)
    prefix = m.group(1) if m else number + "-"
    same = [(int(mm.group(2)), n) for n in taken if (mm := pattern.fullmatch(n)) and mm.group(1) == prefix]
    highest = max(same)[1] if same else number
    return free_number(taken, highest)


def is_ours(inv: Invoice, contact_id: str | None, xero: dict) -> bool:
    """An existing Xero invoice with this number is the same invoice: same contact (when known) and total."""
    total = xero.get("Total")
    if total is None or cents(Decimal(str(total))) != cents(inv.totals.total):
        return False
    return not contact_id or not xero.get("ContactID") or xero.get("ContactID") == contact_id


# -- invoices -----------------------------------------------------------------------------------------------------

def push_invoices(ctx: Context) -> None:
    """Contacts the invoices need, then the invoices, 50 to a request; records each response as it comes.

    Works through the outbox a batch at a time (a few hundred objects alive, not thousands), so a big first
    sync neither holds the whole business in memory nor makes the UI thread wait on garbage collection.
    """
    now = ctx.now()
    with ctx.session() as s:
        entries = outbox.ready(s, outbox.INVOICE, now, 100_000)
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
                position += 1
                element = _plan_invoice(ctx, s, e, linked_ids, now)
                if element is not None:
                    elements.append((element, [e.id, e.entity_id, e.seq]))
        if not elements:
            continue
        batch = prepare(ctx, outbox.INVOICE, "POST", [el for el, _ in elements], [en for _, en in elements])
        ctx.progress(f"Sending {len(elements)} invoices to Xero")
        _record_invoices(ctx, batch, transmit(ctx, batch))


def _plan_invoice(ctx: Context, s: Session, e: outbox.Entry, linked_ids: set, now: datetime) -> dict | None:
    """The Invoice element to send for one outbox entry, or None (nothing to send, or a problem recorded)."""
    row = s.get(InvoiceRow, e.entity_id)
    rec = s.get(SyncRecordRow, (outbox.INVOICE, e.entity_id))
    if row is None or row.status == InvoiceStatus.DRAFT.value or (rec is not None and rec.excluded):
        outbox.complete(s, e.id, e.seq)
        return None
    inv = get_invoice(s, e.entity_id)
    if not row.xero_invoice_id and inv.status is not InvoiceStatus.SENT:
        outbox.complete(s, e.id, e.seq)  # voided or paid before it ever reached Xero: nothing to do
        records.log(s, now, f"{inv.number} was {inv.status.label.lower()} before it reached Xero; not sent",
                    invoice_id=inv.id)
        return None
    if row.xero_invoice_id and inv.status is InvoiceStatus.PAID:
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
            if messages and creations_refused and row is not None and not body.get("InvoiceID"):
                existing = (ctx.xero_numbers or {}).get(row.number)
                inv = get_invoice(s, invoice_id)
                contact_id = body.get("Contact", {}).get("ContactID")
                if existing is not None and existing["InvoiceID"] not in linked_ids \
                        and is_ours(inv, contact_id, existing):
                    _link_invoice(s, invoice_id, existing["InvoiceID"])
                    linked_ids.add(existing["InvoiceID"])
                    records.record_synced(s, outbox.INVOICE, invoice_id, ctx.tenant_id, existing["InvoiceID"],
                                          None, invoice_view(inv, ctx.codes), now)
                    records.log(s, now, f"{inv.number} was already in Xero (an earlier attempt); linked",
                                invoice_id=invoice_id)
                    outbox.complete(s, entry_id, seq)
                    ctx.pushed += 1
                    continue
            if messages:
                message = "; ".join(messages)
                clash = "must be unique" in message.lower()
                code = "number_clash" if clash else "validation"
                if clash and row is not None:
                    fix = suggest_number(s, ctx.xero_numbers or {}, row.number)
                    message = f"{message} Renumber this invoice (for example to {fix}) and it will be sent."
                records.record_error(s, outbox.INVOICE, invoice_id, ctx.tenant_id, code, message, now)
                records.log(s, now, f"Xero refused {row.number if row else 'an invoice'}: {message}", "error",
                            invoice_id=invoice_id)
                outbox.hold(s, entry_id, seq, outbox.HELD_CLASH if clash else outbox.HELD_ERROR)
                ctx.errors += 1
                continue
            remote = invoice_from_xero(element)
            if row is None:  # deleted here meanwhile (cannot happen to a sent invoice, but never crash on it)
                outbox.complete(s, entry_id, seq)
                continue
            if not row.xero_invoice_id:
                row.xero_invoice_id = remote.xero_id
                s.add(row)
            inv = get_invoice(s, invoice_id)
            keep_error = False
            if remote.status is not InvoiceStatus.VOIDED and not totals_match(inv, remote):
                keep_error = True
                records.record_error(
                    s, outbox.INVOICE, invoice_id, ctx.tenant_id, "totals",
                    f"Xero's total {remote.total} differs from ours {inv.totals.total}: check the tax rates and "
                    "account mapping", now)
                ctx.errors += 1
            records.record_synced(s, outbox.INVOICE, invoice_id, ctx.tenant_id, remote.xero_id, remote.updated_utc,
                                  remote.view() if remote.lines or remote.status is not InvoiceStatus.VOIDED
                                  else {**invoice_view(inv, ctx.codes), "status": "VOIDED"},
                                  now, keep_error=keep_error)
            outbox.complete(s, entry_id, seq)
            ctx.pushed += 1
        delete_batch(s, batch)
        records.log(s, now, f"Sent {len(elements)} invoice{'s' if len(elements) != 1 else ''} to Xero")
