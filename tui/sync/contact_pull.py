"""Pull contacts: what changed in Xero since the contacts' high-water mark, merged into our customers.

``GET Contacts`` with ``If-Modified-Since`` and ``includeArchived``, pages of 100 (an idle read is one call). Each
changed contact linked to a customer is merged field by field against the last synced view
(:mod:`tui.sync.contact_view`), exactly as invoices are: a field changed only in Xero is taken here, one changed
only here is left for the push, one changed differently on both sides is a conflict on the Sync screen (both
values kept; the customer's push waits for the user's choice). Our own writes come back too: an UpdatedDateUTC not
newer than the one recorded at push is skipped.

Archived in Xero: the customer is marked archived (kept, with its invoices). Merged in Xero
(``MergedToContactID``): the customer follows the surviving contact, or, when another customer is already that
contact, its invoices move to that customer and it is archived. A contact not linked yet is linked when its
ContactNumber names one of our customers ("TC-42"); a new customer contact made in Xero (``IsCustomer``) becomes a
customer here, once the first read has set the baseline (the contacts Xero had before are listed by the
first-sync preview, :mod:`tui.sync.preview`, and taken when it is confirmed).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from tui.domain.customer import Customer
from tui.store.customers import add_customer_from_xero, get_customer, set_archived, write_customer_from_xero
from tui.store.errors import ConflictError, NotFound
from tui.store.sync_tables import SyncConflictRow
from tui.store.tables import CustomerRow, InvoiceRow
from tui.sync import outbox, records
from tui.sync.batches import stops_on_xero_errors
from tui.sync.contact_view import FIELDS, LABELS, contact_view, customer_id_of, customer_view
from tui.sync.context import Context
from tui.sync.merge import FieldConflict, with_our_unfinished_write
from tui.xero import wire

CONTACTS_PAGE_SIZE = 100
PULL_OVERLAP = timedelta(seconds=1)
_UNKNOWN = object()  # no common version known for a field: differing values on both sides are a conflict


@dataclass
class Applied:
    changed: bool = False  # something was written here
    conflicts: list[FieldConflict] = field(default_factory=list)
    failed: str = ""


def contacts_due(s: Session, ctx: Context) -> bool:
    """Contacts are read when a customer's change waits to be pushed (so no push carries a value older than the
    last pull), when Xero said a contact changed (its webhook), or once ``ctx.contacts_every`` has passed since
    the last read: a pass right after another reads invoices alone."""
    state = records.get_state(s, ctx.tenant_id)
    if ctx.contacts_changed or state.contacts_read_at is None or outbox.pending_count(s, outbox.CONTACT):
        return True
    return ctx.now() - state.contacts_read_at >= ctx.contacts_every


def pull_contacts(ctx: Context) -> None:
    """Read the contacts changed since the high-water mark (every page) and apply them, when due. The customers'
    changes waiting at that moment are the ones this pass may push (``ctx.contacts_fresh``): one made after the
    read waits for the next pass, which reads first, so no push carries a value older than the last pull."""
    with ctx.session() as s:
        if not contacts_due(s, ctx):
            return
        state = records.get_state(s, ctx.tenant_id)
        hwm = state.contacts_high_water_mark
        ctx.contacts_fresh = {e.entity_id: e.seq for e in outbox.ready(s, outbox.CONTACT, ctx.now(), 100_000)}
    contacts: list[dict] = []
    page = 1
    while True:
        with stops_on_xero_errors(ctx):
            result = ctx.api.contacts_page(page, modified_since=hwm - PULL_OVERLAP if hwm is not None else None,
                                           include_archived=True, page_size=CONTACTS_PAGE_SIZE)
        contacts.extend(result.items)
        if result.is_last or not result.items:
            break
        page += 1
    failed = apply_contacts(ctx, contacts, import_after=hwm)
    newest = hwm
    for d in contacts:
        updated = _updated(d)
        if updated is not None and (newest is None or updated > newest):
            newest = updated
    with ctx.session() as s:
        row = records.get_state(s, ctx.tenant_id)
        if not failed:  # a contact that could not be applied is read again next time
            row.contacts_high_water_mark = newest
        row.contacts_read_at = ctx.now()
        s.add(row)


def apply_contacts(ctx: Context, contacts: list[dict], *, import_after: datetime | None) -> bool:
    """Merged contacts first (their survivors may come earlier in the list); True if any could not be applied.
    New customer contacts changed after ``import_after`` become customers (none on the first read: the baseline)."""
    ordered = sorted(contacts, key=lambda d: not d.get("MergedToContactID"))
    failed = False
    now = ctx.now()
    with ctx.session() as s:
        linked = _linked(s, [str(d.get("ContactID") or "") for d in ordered])
        for d in ordered:
            contact_id = str(d.get("ContactID") or "")
            customer_id = linked.get(contact_id)
            if customer_id is None:
                customer_id = _link_by_number(ctx, s, d, now)
            fresh = False
            if customer_id is None:
                updated = _updated(d)
                if import_after is None or updated is None or updated <= import_after or not _is_new_customer(s, d):
                    continue
                customer_id = _link_unlinked(s, ctx.tenant_id, d, now)  # ours, not linked yet: never a duplicate
                if customer_id is None:
                    import_contact(s, ctx.tenant_id, d, now)
                    ctx.pulled += 1
                    continue
                fresh = True
            result = apply_contact(s, ctx.tenant_id, customer_id, d, now, ctx.time_zone,
                                   unfinished=ctx.unfinished_contacts.get(customer_id), fresh=fresh)
            if d.get("MergedToContactID") and result.changed:  # the survivor is one of ours now
                linked.update(_linked(s, [str(d["MergedToContactID"])]))
            if result.failed:
                failed = True
                ctx.errors += 1
            ctx.pulled += int(result.changed)
            ctx.conflicts += int(bool(result.conflicts))
    return failed


def _updated(d: dict) -> datetime | None:
    value = d.get("UpdatedDateUTC")
    return wire.parse_datetime(value) if value else None


def _linked(s: Session, contact_ids: list[str]) -> dict[str, int]:
    ids = [c for c in contact_ids if c]
    if not ids:
        return {}
    return {xid: cid for cid, xid in s.exec(select(CustomerRow.id, CustomerRow.xero_contact_id).where(
        col(CustomerRow.xero_contact_id).in_(ids))).all()}


def _link_by_number(ctx: Context, s: Session, d: dict, now: datetime) -> int | None:
    """A contact carrying one of our customers' ids (a creation whose answer was lost): link it."""
    customer_id = customer_id_of(d.get("ContactNumber"))
    row = s.get(CustomerRow, customer_id) if customer_id is not None else None
    if row is None or row.xero_contact_id or d.get("MergedToContactID"):
        return None
    view = contact_view(d)
    same_email = bool(row.email) and view["email"].lower() == row.email.lower()
    if view["name"].casefold() != row.name.casefold() and not same_email:
        return None  # another database's customer of the same number
    row.xero_contact_id = str(d["ContactID"])
    s.add(row)
    records.record_synced(s, outbox.CONTACT, row.id, ctx.tenant_id, row.xero_contact_id, None, None, now)
    records.log(s, now, f"{row.name} linked to its Xero contact (found by its contact number)", customer_id=row.id)
    return row.id


def _link_unlinked(s: Session, tenant_id: str, d: dict, now: datetime) -> int | None:
    """A customer of ours not linked yet with this contact's email, else its exact name: linked to it."""
    view = contact_view(d)
    unlinked = col(CustomerRow.xero_contact_id).is_(None)
    row = None
    if view["email"]:
        row = s.exec(select(CustomerRow).where(unlinked, func.lower(CustomerRow.email) == view["email"].lower())
                     .order_by(col(CustomerRow.id))).first()
    if row is None and view["name"]:
        row = s.exec(select(CustomerRow).where(unlinked, CustomerRow.name == view["name"])
                     .order_by(col(CustomerRow.id))).first()
    if row is None:
        return None
    row.xero_contact_id = str(d["ContactID"])
    s.add(row)
    records.record_synced(s, outbox.CONTACT, row.id, tenant_id, row.xero_contact_id, None, None, now)
    records.log(s, now, f"{row.name} linked to the contact made for it in Xero", customer_id=row.id)
    return row.id


def _is_new_customer(s: Session, d: dict) -> bool:
    return bool(d.get("IsCustomer")) and d.get("ContactStatus", "ACTIVE") == "ACTIVE" \
        and not d.get("MergedToContactID") and bool(d.get("ContactID"))


def import_contact(s: Session, tenant_id: str, d: dict, now: datetime) -> Customer:
    """A customer contact made in Xero becomes a customer here, linked to it."""
    view = contact_view(d)
    customer = add_customer_from_xero(s, Customer(**view, xero_contact_id=str(d["ContactID"])), now)
    records.record_synced(s, outbox.CONTACT, customer.id, tenant_id, str(d["ContactID"]), _updated(d), snapshot(d),
                          now)
    records.log(s, now, f"{customer.name}: a customer made in Xero, added here", customer_id=customer.id)
    return customer


def snapshot(d: dict) -> dict:
    """What is kept of a contact as Xero confirmed it: its view, and its ContactNumber (written once from here)."""
    return {**contact_view(d), "number": str(d.get("ContactNumber") or "")}


def apply_contact(s: Session, tenant_id: str, customer_id: int, d: dict, now: datetime, time_zone: str, *,
                  unfinished: dict | None = None, base: dict | None = None, force: bool = False,
                  fresh: bool = False) -> Applied:
    """Merge one contact as Xero has it into its customer (see the module's docstring). ``base``: the view Xero
    last confirmed, when not the stored one (an answer to our own write); ``force``: apply even if not newer;
    ``fresh``: just linked, no version shared yet: merged field by field even with nothing queued here."""
    rec = records.get_record(s, outbox.CONTACT, customer_id)
    updated = _updated(d)
    if not force and rec is not None and rec.xero_updated_utc is not None and updated is not None \
            and updated <= rec.xero_updated_utc:
        return Applied()  # our own write coming back, or already applied
    try:
        customer = get_customer(s, customer_id)
    except NotFound:
        return Applied()
    if d.get("MergedToContactID"):
        return _follow_merge(s, tenant_id, customer, str(d["MergedToContactID"]), now, time_zone)
    remote = contact_view(d)
    local = customer_view(customer)
    if base is None:
        base = records.snapshot_of(rec)
    if base is not None and unfinished is not None:  # what our interrupted write set is not Xero's change
        base = with_our_unfinished_write(base, unfinished, remote)
    entry = outbox.get_entry(s, outbox.CONTACT, customer_id)
    conflicts: list[FieldConflict] = []
    if entry is None and not fresh:
        merged = dict(remote)
    else:
        merged = {}
        for name in FIELDS:
            # no base, or one kept before this field was held: guessed
            b = base[name] if base is not None and name in base else _guess_base(local[name], remote[name])
            merged[name] = _pick(name, b, local[name], remote[name], conflicts)
    archived = d.get("ContactStatus") == "ARCHIVED"
    result = Applied(conflicts=conflicts)
    if merged != local or archived != customer.archived:
        new = replace(customer, **merged, archived=archived)
        try:
            write_customer_from_xero(s, new, now, time_zone)
        except ConflictError as exc:
            records.record_error(s, outbox.CONTACT, customer_id, tenant_id, "pull",
                                 f"A change made in Xero could not be applied here: {exc}", now)
            return Applied(failed=str(exc))
        result.changed = True
    records.record_synced(s, outbox.CONTACT, customer_id, tenant_id, str(d.get("ContactID") or ""), updated,
                          snapshot(d), now, keep_error=bool(conflicts))
    if conflicts:
        _store_conflicts(s, tenant_id, customer, conflicts, updated, now)
    else:
        if entry is not None and merged == remote:
            outbox.drop(s, outbox.CONTACT, customer_id)  # nothing of ours left to push
        elif fresh and merged != remote:
            outbox.enqueue_contact(s, customer_id, now)  # what only we hold goes to Xero
        if result.changed:
            what = [LABELS[k] for k in FIELDS if merged[k] != local[k]]
            if archived != customer.archived:
                what.append("archived" if archived else "active again")
            records.log(s, now, f"{customer.name}: {', '.join(what).lower()} changed in Xero",
                        customer_id=customer_id)
    return result


def _guess_base(local: str, remote: str):
    """No version both sides shared: equal is agreed, a blank side is the one that has not changed."""
    if local == remote:
        return local
    if not local or not remote:
        return ""
    return _UNKNOWN


def _pick(name: str, base, local, remote, conflicts: list[FieldConflict]):
    if local == remote or remote == base:
        return local
    if local == base:
        return remote
    conflicts.append(FieldConflict(name, None if base is _UNKNOWN else base, local, remote))
    return local


def _store_conflicts(s: Session, tenant_id: str, customer: Customer, conflicts: list[FieldConflict],
                     updated: datetime | None, now: datetime) -> None:
    s.execute(update(SyncConflictRow)
              .where(col(SyncConflictRow.kind) == outbox.CONTACT, col(SyncConflictRow.invoice_id) == customer.id,
                     col(SyncConflictRow.resolved_at).is_(None))
              .values(resolved_at=now, resolution="superseded"))
    for c in conflicts:
        s.add(SyncConflictRow(kind=outbox.CONTACT, invoice_id=customer.id, field=c.field, base=json.dumps(c.base),
                              local=json.dumps(c.local), remote=json.dumps(c.remote), remote_updated_utc=updated,
                              created_at=now))
    labels = ", ".join(LABELS[c.field] for c in conflicts)
    message = f"Changed here and in Xero: {labels}. Choose which to keep."
    records.record_error(s, outbox.CONTACT, customer.id, tenant_id, "conflict", message, now)
    records.log(s, now, f"{customer.name}: {message}", "warning", customer_id=customer.id)
    outbox.hold_entity(s, outbox.CONTACT, customer.id, outbox.HELD_CONFLICT)


def _follow_merge(s: Session, tenant_id: str, customer: Customer, survivor: str, now: datetime,
                  time_zone: str) -> Applied:
    """Merged in Xero into ``survivor``: the customer follows it, or gives its invoices to the customer that is it."""
    other = s.exec(select(CustomerRow).where(CustomerRow.xero_contact_id == survivor,
                                             CustomerRow.id != customer.id)).first()
    row = s.get(CustomerRow, customer.id)
    if other is not None:
        s.execute(update(InvoiceRow).where(col(InvoiceRow.customer_id) == customer.id)
                  .values(customer_id=other.id))
        set_archived(s, customer.id, True, tenant_id)
        row.version += 1
        row.updated_at, row.updated_by = now, "Xero"
        s.add(row)
        outbox.drop(s, outbox.CONTACT, customer.id)
        records.record_synced(s, outbox.CONTACT, customer.id, tenant_id, row.xero_contact_id or "", None, None, now)
        records.log(s, now, f"{customer.name} was merged into {other.name} in Xero: its invoices are now "
                            f"{other.name}'s", customer_id=customer.id)
        return Applied(changed=True)
    row.xero_contact_id = survivor
    row.version += 1
    row.updated_at, row.updated_by = now, "Xero"
    s.add(row)
    rec = records.get_record(s, outbox.CONTACT, customer.id)
    if rec is not None:
        rec.xero_updated_utc, rec.snapshot = None, ""  # the survivor's own details come with this read or the next
        s.add(rec)
    records.record_synced(s, outbox.CONTACT, customer.id, tenant_id, survivor, None, None, now)
    records.log(s, now, f"{customer.name} was merged into another contact in Xero: it and its invoices follow it",
                customer_id=customer.id)
    return Applied(changed=True)
