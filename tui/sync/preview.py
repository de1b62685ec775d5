"""First connection to an organisation that already has invoices: what the first sync would do, before it does.

For every local invoice already sent (from the "sync invoices sent from" date on): *create* it in Xero, *link*
it to the invoice Xero already has with the same number (same total, and same contact when known), or report
a *clash* (the number is taken by a different invoice: renumber). Xero's customer contacts are listed too: new
ones become customers here, those matching ours are linked (:mod:`tui.sync.contact_preview`). Invoices sent
before the date are left out of the sync for good. Nothing is pushed until the user confirms
(:func:`confirm_first_sync`); connecting never duplicates anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlmodel import Session, col, select

from tui.domain.dates import DEFAULT_TIME_ZONE, business_today
from tui.domain.invoice import InvoiceStatus
from tui.domain.money import cents
from tui.store.numbering import next_number
from tui.store.sync_tables import SyncRecordRow
from tui.store.tables import BusinessRow, CustomerRow, InvoiceRow
from tui.sync import outbox, records
from tui.sync.contact_preview import ContactsPreview, confirm_contacts, preview_contacts


@dataclass(frozen=True)
class LocalSent:
    invoice_id: int
    number: str
    customer: str
    issue_date: date
    total: Decimal
    status: str
    contact_id: str | None = None
    sent_on: date | None = None  # the day it was emailed (the "sync invoices sent from" date compares this)


@dataclass(frozen=True)
class PreviewItem:
    invoice_id: int
    number: str
    customer: str
    issue_date: date
    total: Decimal
    xero_invoice_id: str = ""
    xero_status: str = ""
    xero_contact: str = ""
    reason: str = ""


@dataclass
class FirstSyncPreview:
    create: list[PreviewItem] = field(default_factory=list)
    link: list[PreviewItem] = field(default_factory=list)
    clash: list[PreviewItem] = field(default_factory=list)
    excluded: list[PreviewItem] = field(default_factory=list)  # sent before sync_from: never synced
    skipped: list[PreviewItem] = field(default_factory=list)  # paid or voided here and not in Xero: left alone
    sync_from: date | None = None
    xero_invoice_count: int = 0
    xero_high_water: datetime | None = None  # newest UpdatedDateUTC seen: the first pull starts there
    contacts: ContactsPreview = field(default_factory=ContactsPreview)  # Xero's customers: new ones, matches
    next_number: str = ""  # the number the next new invoice here takes (above Xero's highest of the prefix)

    @property
    def needs_user(self) -> bool:
        """Something to decide: Xero already has invoices that match or clash with ours."""
        return bool(self.link or self.clash)


def build_preview(local: list[LocalSent], xero_numbers: dict[str, dict], sync_from: date | None) -> FirstSyncPreview:
    """Pure: sort the local sent invoices into create / link / clash / excluded / skipped."""
    preview = FirstSyncPreview(sync_from=sync_from, xero_invoice_count=len(xero_numbers))
    for inv in sorted(local, key=lambda i: (i.issue_date, i.number)):
        item = PreviewItem(inv.invoice_id, inv.number, inv.customer, inv.issue_date, inv.total)
        if sync_from is not None and (inv.sent_on or inv.issue_date) < sync_from:
            preview.excluded.append(item)
            continue
        existing = xero_numbers.get(inv.number)
        if existing is None:
            if inv.status == InvoiceStatus.SENT.value:
                preview.create.append(item)
            else:
                preview.skipped.append(PreviewItem(**{**item.__dict__, "reason": f"already {inv.status.lower()} here"}))
            continue
        detail = dict(xero_invoice_id=existing.get("InvoiceID", ""), xero_status=existing.get("Status", ""),
                      xero_contact=existing.get("ContactName", ""))
        same_total = existing.get("Total") is not None and cents(Decimal(str(existing["Total"]))) == cents(inv.total)
        same_contact = not inv.contact_id or not existing.get("ContactID") or existing["ContactID"] == inv.contact_id
        if same_total and same_contact and existing.get("Status") not in ("DELETED",):
            preview.link.append(PreviewItem(**{**item.__dict__, **detail, "reason": "same number and total"}))
        else:
            why = "different total" if not same_total else "different customer"
            if existing.get("Status") == "DELETED":
                why = "deleted in Xero (its number still counts)"
            preview.clash.append(PreviewItem(**{**item.__dict__, **detail, "reason": why}))
    return preview


def local_sent(s: Session) -> list[LocalSent]:
    """Sent, paid or voided invoices not yet linked to Xero and not left out of the sync."""
    excluded = set(s.exec(select(SyncRecordRow.entity_id).where(SyncRecordRow.kind == outbox.INVOICE,
                                                                SyncRecordRow.excluded == True)).all())  # noqa: E712
    rows = s.exec(
        select(InvoiceRow, CustomerRow)
        .join(CustomerRow, col(CustomerRow.id) == col(InvoiceRow.customer_id))
        .where(col(InvoiceRow.status) != InvoiceStatus.DRAFT.value, col(InvoiceRow.xero_invoice_id).is_(None))
        .order_by(col(InvoiceRow.issue_date), col(InvoiceRow.id))
    ).all()
    business = s.get(BusinessRow, 1)
    tz = business.time_zone if business else DEFAULT_TIME_ZONE
    return [
        LocalSent(inv.id, inv.number, cust.name, inv.issue_date, inv.total, inv.status, cust.xero_contact_id,
                  business_today(inv.sent_at, tz) if inv.sent_at else None)
        for inv, cust in rows if inv.id not in excluded
    ]


def preview_first_sync(ctx, sync_from: date | None = None) -> FirstSyncPreview:
    """Read Xero's invoice numbers (once) and sort our sent invoices. ``ctx``: a :class:`~tui.sync.context.Context`."""
    from tui.sync.invoice_numbers import read_invoice_numbers

    numbers = read_invoice_numbers(ctx)  # also keeps Xero's highest number, so the next number is above it
    with ctx.session() as s:
        preview = build_preview(local_sent(s), numbers, sync_from)
        preview.next_number = next_number(s)
    preview.xero_high_water = ctx.xero_numbers_hwm
    preview.contacts = preview_contacts(ctx)
    return preview


def confirm_first_sync(s: Session, tenant_id: str, preview: FirstSyncPreview, now: datetime,
                       by: str | None = None) -> None:
    """Do what the preview showed: link matches, leave out invoices before the date, queue the rest."""
    state = records.get_state(s, tenant_id)
    for item in preview.link:
        row = s.get(InvoiceRow, item.invoice_id)
        if row is not None and not row.xero_invoice_id:
            row.xero_invoice_id = item.xero_invoice_id
            s.add(row)
            records.record_synced(s, outbox.INVOICE, item.invoice_id, tenant_id, item.xero_invoice_id, None, None, now)
            outbox.drop(s, outbox.INVOICE, item.invoice_id)
            records.log(s, now, f"{item.number} linked to the same invoice already in Xero", invoice_id=item.invoice_id)
    for item in preview.excluded:
        rec = s.get(SyncRecordRow, (outbox.INVOICE, item.invoice_id)) or SyncRecordRow(
            kind=outbox.INVOICE, entity_id=item.invoice_id, tenant_id=tenant_id)
        rec.excluded = True
        s.add(rec)
        outbox.drop(s, outbox.INVOICE, item.invoice_id)
    for item in preview.create + preview.clash:
        outbox.enqueue_invoice(s, item.invoice_id, now)  # a clash is reported on the invoice at push time
    confirm_contacts(s, tenant_id, preview.contacts, now)
    state.confirmed_at = now
    state.sync_from = preview.sync_from
    if state.high_water_mark is None and preview.xero_high_water is not None:
        state.high_water_mark = preview.xero_high_water
    s.add(state)
    counts = (f"{len(preview.create)} to create, {len(preview.link)} linked, {len(preview.clash)} clashing, "
              f"{len(preview.excluded)} left out")
    records.log(s, now, f"First sync confirmed by {by}: {counts}" if by else
                f"First sync started: nothing in Xero needed a review; {counts}")
