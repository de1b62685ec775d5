"""Customers in the database, as domain objects."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from tui.domain.customer import Customer
from tui.store.errors import NotFound
from tui.store.schema import CONTACT
from tui.store.sync_tables import SyncRecordRow
from tui.store.tables import CustomerRow
from tui.store.versioned import bump_version

_FIELDS = ("name", "email", "phone", "address", "first_name", "last_name", "postal_address")


def _to_domain(row: CustomerRow, archived: bool | None = False) -> Customer:
    return Customer(
        **{f: getattr(row, f) for f in _FIELDS},
        id=row.id, version=row.version, xero_contact_id=row.xero_contact_id, archived=bool(archived),
    )


def is_archived(s: Session, customer_id: int) -> bool:
    """Archived (or merged away) in Xero, as the last sync found it."""
    rec = s.get(SyncRecordRow, (CONTACT, customer_id))
    return rec is not None and rec.archived


def set_archived(s: Session, customer_id: int, archived: bool, tenant_id: str = "") -> None:
    rec = s.get(SyncRecordRow, (CONTACT, customer_id)) or SyncRecordRow(kind=CONTACT, entity_id=customer_id,
                                                                         tenant_id=tenant_id)
    rec.archived = archived
    s.add(rec)


def get_customer(s: Session, customer_id: int) -> Customer:
    row = s.get(CustomerRow, customer_id)
    if row is None:
        raise NotFound("This customer no longer exists")
    return _to_domain(row, is_archived(s, customer_id))


def list_customers(s: Session, search: str = "", limit: int = 500) -> tuple[list[Customer], int]:
    """Customers whose name or email contains ``search``, by name; at most ``limit``, plus the full count."""
    query = select(CustomerRow, SyncRecordRow.archived).outerjoin(
        SyncRecordRow, (col(SyncRecordRow.kind) == CONTACT) & (col(SyncRecordRow.entity_id) == col(CustomerRow.id)))
    count = select(func.count()).select_from(CustomerRow)
    if search.strip():
        pattern = f"%{search.strip().lower()}%"
        name, email = col(CustomerRow.name), col(CustomerRow.email)
        # SQLite's LIKE ignores case already (ASCII, as far as its lower() goes), and scans 10,000 customers three
        # times faster without lower()
        if s.get_bind().dialect.name != "sqlite":
            name, email = func.lower(name), func.lower(email)
        cond = name.like(pattern) | email.like(pattern)
        query = query.where(cond)
        count = count.where(cond)
    rows = s.exec(query.order_by(func.lower(CustomerRow.name), col(CustomerRow.id)).limit(limit)).all()
    return [_to_domain(r, archived) for r, archived in rows], s.exec(count).one()


def save_customer(s: Session, customer: Customer, user: str, now: datetime, time_zone: str) -> Customer:
    """Insert a new customer or update one at the version it was read; validates first."""
    c = customer.validated()
    values = {f: getattr(c, f) for f in _FIELDS} | {"updated_at": now, "updated_by": user}
    if c.id is None:
        row = CustomerRow(**values, version=1)
        s.add(row)
        s.flush()
        return _to_domain(row)
    c.version = bump_version(s, CustomerRow, c.id, c.version, values, "customer", time_zone)
    row = s.get(CustomerRow, c.id)
    if row is not None and row.xero_contact_id:  # linked to a Xero contact: push the new details there too
        from tui.store.sync_outbox import enqueue_contact

        enqueue_contact(s, c.id, now)
    return c


def write_customer_from_xero(s: Session, customer: Customer, now: datetime, time_zone: str,
                             by: str = "Xero") -> Customer:
    """Write a change that came from Xero (pull or merge): no validation, no sync queue entry, version bumped.

    ``customer.version`` must be the version the change was computed from; an editor holding an older copy then
    gets "changed by Xero at HH:MM" when it saves."""
    values = {f: getattr(customer, f) for f in _FIELDS} | {"updated_at": now, "updated_by": by}
    customer.version = bump_version(s, CustomerRow, customer.id, customer.version, values, "customer", time_zone)
    if customer.archived != is_archived(s, customer.id):
        set_archived(s, customer.id, customer.archived)
    return customer


def add_customer_from_xero(s: Session, customer: Customer, now: datetime) -> Customer:
    """A customer made in Xero, linked to its contact (``customer.xero_contact_id``); nothing to push."""
    row = CustomerRow(**{f: getattr(customer, f) for f in _FIELDS},
                      xero_contact_id=customer.xero_contact_id, version=1, updated_at=now, updated_by="Xero")
    s.add(row)
    s.flush()
    return _to_domain(row)


def last_change(s: Session, customer_id: int) -> tuple[Customer, str, datetime]:
    """The customer as stored now, who saved it last and when (an open editor says who changed it)."""
    row = s.get(CustomerRow, customer_id)
    if row is None:
        raise NotFound("This customer no longer exists")
    return _to_domain(row), row.updated_by, row.updated_at
