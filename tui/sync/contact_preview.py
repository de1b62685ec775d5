"""The first sync's contacts: Xero's customer contacts that will become customers here, and those that match
one of ours (by the ContactNumber carrying its id, its email, or its exact name) and will be linked to it.

Listed by the first-sync preview (:mod:`tui.sync.preview`) and done when it is confirmed; the read sets the
baseline of the contacts pull (:mod:`tui.sync.contact_pull`), which later adds only contacts made after it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, col, select

from tui.store.customers import get_customer
from tui.store.tables import BusinessRow, CustomerRow
from tui.sync import outbox, records
from tui.sync.batches import stops_on_xero_errors
from tui.sync.contact_pull import CONTACTS_PAGE_SIZE, apply_contact, import_contact
from tui.sync.contacts import index_contacts, match_contact
from tui.xero import wire


@dataclass(frozen=True)
class ContactItem:
    name: str
    email: str
    contact_id: str
    customer_id: int | None = None  # ours it matches
    customer: str = ""
    contact: dict = field(default_factory=dict, compare=False, repr=False)  # as Xero returned it


@dataclass
class ContactsPreview:
    new: list[ContactItem] = field(default_factory=list)
    match: list[ContactItem] = field(default_factory=list)
    high_water: datetime | None = None


def preview_contacts(ctx) -> ContactsPreview:
    """Read every contact (pages of 100) and sort Xero's customers into new ones and matches with ours."""
    contacts: list[dict] = []
    page = 1
    while True:
        with stops_on_xero_errors(ctx):
            result = ctx.api.contacts_page(page, include_archived=True, page_size=CONTACTS_PAGE_SIZE)
        contacts.extend(result.items)
        if result.is_last or not result.items:
            break
        page += 1
    ctx.all_contacts = contacts  # the pass's matching of new customers needs no second read
    out = ContactsPreview()
    for d in contacts:
        updated = d.get("UpdatedDateUTC")
        at = wire.parse_datetime(updated) if updated else None
        if at is not None and (out.high_water is None or at > out.high_water):
            out.high_water = at
    customers = [d for d in contacts if d.get("IsCustomer") and d.get("ContactStatus", "ACTIVE") == "ACTIVE"
                 and not d.get("MergedToContactID") and d.get("ContactID")]
    with ctx.session() as s:
        linked = set(s.exec(select(CustomerRow.xero_contact_id).where(
            col(CustomerRow.xero_contact_id).is_not(None))).all())
        ours = [get_customer(s, cid) for cid in s.exec(select(CustomerRow.id).where(
            col(CustomerRow.xero_contact_id).is_(None)).order_by(col(CustomerRow.id))).all()]
    index = index_contacts([d for d in contacts if str(d["ContactID"]) not in linked])
    taken: set[str] = set(linked)
    for customer in ours:
        contact, _ = match_contact(customer, index)
        if contact is not None and str(contact.get("ContactID")) not in taken and contact.get("IsCustomer"):
            taken.add(str(contact["ContactID"]))
            out.match.append(ContactItem(str(contact.get("Name") or ""), str(contact.get("EmailAddress") or ""),
                                         str(contact["ContactID"]), customer.id, customer.name, contact))
    for d in customers:
        if str(d["ContactID"]) not in taken:
            out.new.append(ContactItem(str(d.get("Name") or ""), str(d.get("EmailAddress") or ""),
                                       str(d["ContactID"]), contact=d))
    out.new.sort(key=lambda i: i.name.casefold())
    return out


def confirm_contacts(s: Session, tenant_id: str, preview: ContactsPreview, now: datetime) -> None:
    """Link the matches (merged field by field: differing values are conflicts) and add the new customers."""
    business = s.get(BusinessRow, 1)
    tz = business.time_zone if business else "Australia/Sydney"
    for item in preview.match:
        row = s.get(CustomerRow, item.customer_id)
        if row is None or row.xero_contact_id:
            continue
        row.xero_contact_id = item.contact_id
        s.add(row)
        records.record_synced(s, outbox.CONTACT, row.id, tenant_id, item.contact_id, None, None, now)
        records.log(s, now, f"Linked {row.name} to the existing Xero contact {item.name}", customer_id=row.id)
        apply_contact(s, tenant_id, row.id, item.contact, now, tz, force=True, fresh=True)
    for item in preview.new:
        import_contact(s, tenant_id, item.contact, now)
    if preview.new or preview.match:
        records.log(s, now, f"Xero's customers at the first sync: {len(preview.new)} added here, "
                            f"{len(preview.match)} linked to ours")
    state = records.get_state(s, tenant_id)
    if state.contacts_high_water_mark is None and preview.high_water is not None:
        state.contacts_high_water_mark = preview.high_water
        state.contacts_read_at = now  # read just now: the pass goes on without reading them again
        s.add(state)
