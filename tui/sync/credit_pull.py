"""Pull credit notes: what changed in Xero since the stored high-water mark (``GET /CreditNotes`` with
``If-Modified-Since``, paged, ``ACCRECCREDIT`` only; an idle pass is one call).

A credit note of ours is known by its CreditNoteID, or (a creation whose answer was lost: the Idempotency-Key was
written on it before the request) by its number, and linked. One made in Xero for one of our customers is added
here (origin Xero: never sent back). Then each credit note's allocations to our invoices and its refunds are folded
in (:func:`fold_allocations`, :func:`fold_refunds`): one Xero has that we sent is the same one, linked; one made in
Xero is added; one of ours Xero no longer lists was removed there. The credit notes' and invoices' amounts follow
(an invoice's amount due and Paid), and the numbers Xero holds keep ours clear of them.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlmodel import Session, col, select

from tui.domain.credit_note import CreditNoteStatus
from tui.domain.invoice import LineItem
from tui.domain.money import format_money
from tui.domain.payment import PaymentOrigin
from tui.store.credit_notes import record_xero_credit_note_numbers, write_lines
from tui.store.credit_tables import CreditAllocationRow, CreditNoteRow, CreditRefundRow
from tui.store.credit_use import recount_credit_note, recount_invoice
from tui.store.sync_outbox import ALLOCATION, CREDIT_NOTE, REFUND, enqueue
from tui.store.tables import CustomerRow, InvoiceRow
from tui.sync import outbox, records
from tui.sync.batches import stops_on_xero_errors
from tui.sync.context import Context
from tui.sync.mapping import category_for, dec
from tui.sync.pull import PULL_OVERLAP
from tui.xero import wire

READ_EVERY = timedelta(hours=1)  # with nothing else to say they changed, credit notes are read this often
_STATUS = {"AUTHORISED": CreditNoteStatus.SENT, "PAID": CreditNoteStatus.SENT, "VOIDED": CreditNoteStatus.VOIDED}


def credit_notes_due(s: Session, ctx: Context) -> bool:
    """Credit notes are read when something of theirs is ready to be pushed (the pull links what a lost answer
    made first; one held for a refusal costs no read a pass), when an invoice read back has credit allocated in
    Xero that is not ours yet, when Xero's webhook woke the pass, or (once this business has credit notes) every
    :data:`READ_EVERY`: otherwise a pass costs no call for them."""
    state = records.get_state(s, ctx.tenant_id)
    if ctx.credit_notes_changed or ctx.contacts_changed \
            or any(outbox.ready(s, kind, ctx.now(), 1) for kind in (CREDIT_NOTE, ALLOCATION, REFUND)):
        return True
    if state.credit_notes_read_at is None:
        return s.exec(select(CreditNoteRow.id).limit(1)).first() is not None
    return ctx.now() - state.credit_notes_read_at >= READ_EVERY


def pull_credit_notes(ctx: Context) -> None:
    """Read the credit notes changed since the high-water mark (every page) and apply them, when due."""
    with ctx.session() as s:
        if not credit_notes_due(s, ctx):
            return
        hwm = records.get_state(s, ctx.tenant_id).credit_notes_high_water_mark
    newest = hwm
    page = 1
    while True:
        with stops_on_xero_errors(ctx):
            result = ctx.api.credit_notes_page(page, modified_since=hwm - PULL_OVERLAP if hwm else None,
                                               where='Type=="ACCRECCREDIT"', page_size=ctx.page_size)
        apply_credit_notes(ctx, result.items)
        for item in result.items:
            if item.get("UpdatedDateUTC"):
                updated = wire.parse_datetime(item["UpdatedDateUTC"])
                newest = updated if newest is None or updated > newest else newest
        if result.is_last or not result.items:
            break
        page += 1
    with ctx.session() as s:
        state = records.get_state(s, ctx.tenant_id)
        state.credit_notes_high_water_mark = newest
        state.credit_notes_read_at = ctx.now()
        s.add(state)


def apply_credit_notes(ctx: Context, items: list[dict]) -> None:
    if not items:
        return
    now = ctx.now()
    with ctx.session() as s:
        for item in items:
            if item.get("Type", "ACCRECCREDIT") != "ACCRECCREDIT":
                continue
            row = _ours(s, item, now) or _made_in_xero(ctx, s, item, now)
            if row is None:
                continue
            _apply(ctx, s, row, item, now)
        record_xero_credit_note_numbers(s, [str(i.get("CreditNoteNumber") or "") for i in items])


def _ours(s: Session, item: dict, now: datetime) -> CreditNoteRow | None:
    xero_id = str(item.get("CreditNoteID") or "")
    row = s.exec(select(CreditNoteRow).where(CreditNoteRow.xero_credit_note_id == xero_id)).first()
    if row is not None:
        return row
    number = str(item.get("CreditNoteNumber") or "")
    row = s.exec(select(CreditNoteRow).where(CreditNoteRow.number == number,
                                             col(CreditNoteRow.xero_credit_note_id).is_(None),
                                             CreditNoteRow.origin == PaymentOrigin.LOCAL.value)).first() \
        if number else None
    if row is None or not row.idempotency_key:
        return None  # a number of ours never sent: the push's refusal names the clash
    row.xero_credit_note_id = xero_id
    s.add(row)
    if row.status == CreditNoteStatus.VOIDED.value and item.get("Status") != "VOIDED":
        enqueue(s, CREDIT_NOTE, row.id, now)  # voided while its request was out
    return row


def _made_in_xero(ctx: Context, s: Session, item: dict, now: datetime) -> CreditNoteRow | None:
    contact_id = str((item.get("Contact") or {}).get("ContactID") or "")
    customer = s.exec(select(CustomerRow).where(CustomerRow.xero_contact_id == contact_id)).first() \
        if contact_id else None
    status = _STATUS.get(str(item.get("Status") or ""))
    if customer is None or status is None or not item.get("Date"):
        return None
    number = str(item.get("CreditNoteNumber") or "")
    if not number or s.exec(select(CreditNoteRow.id).where(CreditNoteRow.number == number)).first() is not None:
        number = f"{number or 'CN'} (Xero {str(item['CreditNoteID'])[:8]})"
    row = CreditNoteRow(number=number, customer_id=customer.id, issue_date=wire.parse_date(item["Date"]),
                        reference=str(item.get("Reference") or ""), amounts=str(item.get("LineAmountTypes")
                                                                                   or "Exclusive"),
                        status=status.value, total=dec(item.get("Total")), origin=PaymentOrigin.XERO.value,
                        updated_at=now, updated_by="Xero", xero_credit_note_id=str(item["CreditNoteID"]))
    s.add(row)
    s.flush()
    write_lines(s, row.id, [LineItem(description=str(li.get("Description") or ""),
                                     quantity=dec(li.get("Quantity") if li.get("Quantity") is not None else 1),
                                     unit_price=dec(li.get("UnitAmount")),
                                     category=category_for(str(li.get("AccountCode") or ""), ctx.codes),
                                     tax_type=str(li.get("TaxType") or "OUTPUT"))
                            for li in item.get("LineItems") or []])
    records.log(s, now, f"{number} for {customer.name} ({format_money(row.total)}) was made in Xero",
                customer_id=customer.id)
    return row


def _apply(ctx: Context, s: Session, row: CreditNoteRow, item: dict, now: datetime) -> None:
    updated = wire.parse_datetime(item["UpdatedDateUTC"]) if item.get("UpdatedDateUTC") else None
    rec = records.get_record(s, CREDIT_NOTE, row.id)
    if rec is not None and rec.xero_id and rec.xero_updated_utc is not None and updated is not None \
            and updated <= rec.xero_updated_utc:
        return  # already applied
    if item.get("Status") == "VOIDED" and row.status != CreditNoteStatus.VOIDED.value:
        row.status, row.updated_at, row.updated_by, row.version = CreditNoteStatus.VOIDED.value, now, "Xero", \
            row.version + 1
        s.add(row)
        records.log(s, now, f"{row.number}: voided in Xero")
    invoices = fold_allocations(s, row, item.get("Allocations") or [], now)
    row.amount_elsewhere = _elsewhere(s, item.get("Allocations") or [])
    fold_refunds(s, row, item.get("Payments") or [], now)
    s.flush()
    for invoice_id in invoices:
        recount_invoice(s, invoice_id, "Xero", now)
    recount_credit_note(s, row.id, "Xero", now)
    records.record_synced(s, CREDIT_NOTE, row.id, ctx.tenant_id, row.xero_credit_note_id or "", updated, None, now)
    ctx.pulled += 1


def _remote_allocations(s: Session, listed: list[dict]) -> list[tuple[str, int, Decimal, date]]:
    """(AllocationID, our invoice id, amount, date) of the allocations Xero lists to invoices of ours."""
    out = []
    for a in listed:
        invoice_xero_id = str((a.get("Invoice") or {}).get("InvoiceID") or "")
        invoice_id = s.exec(select(InvoiceRow.id).where(InvoiceRow.xero_invoice_id == invoice_xero_id)).first() \
            if invoice_xero_id else None
        if invoice_id is not None and a.get("AllocationID") and a.get("Date") and not a.get("IsDeleted"):
            out.append((str(a["AllocationID"]), invoice_id, dec(a.get("Amount")), wire.parse_date(a["Date"])))
    return out


def _elsewhere(s: Session, listed: list[dict]) -> Decimal:
    """What Xero lists allocated to invoices that are not ours (the credit note's, used where we cannot see)."""
    ours = {a for a, *_ in _remote_allocations(s, listed)}
    return sum((dec(a.get("Amount")) for a in listed
                if a.get("AllocationID") and not a.get("IsDeleted") and str(a["AllocationID"]) not in ours), Decimal(0))


def fold_allocations(s: Session, note: CreditNoteRow, listed: list[dict], now: datetime) -> set[int]:
    """Fold the allocations Xero lists on a credit note into ours; the ids of the invoices they touch."""
    rows = list(s.exec(select(CreditAllocationRow).where(CreditAllocationRow.credit_note_id == note.id)).all())
    by_id = {r.xero_allocation_id: r for r in rows if r.xero_allocation_id}
    in_flight = [r for r in rows if not r.xero_allocation_id and r.idempotency_key]
    remote = _remote_allocations(s, listed)
    touched: set[int] = set()
    for allocation_id, invoice_id, amount, on in remote:
        if allocation_id in by_id:
            continue
        mine = next((r for r in in_flight if (r.invoice_id, r.amount, r.date) == (invoice_id, amount, on)), None)
        if mine is not None:  # sent by a request whose answer was lost: the same allocation
            in_flight.remove(mine)
            mine.xero_allocation_id = allocation_id
            s.add(mine)
            if mine.removed_at is not None:
                enqueue(s, ALLOCATION, mine.id, now)
            by_id[allocation_id] = mine
            continue
        row = CreditAllocationRow(credit_note_id=note.id, invoice_id=invoice_id, amount=amount, date=on,
                                  origin=PaymentOrigin.XERO.value, xero_allocation_id=allocation_id, created_at=now,
                                  created_by="Xero")
        s.add(row)
        by_id[allocation_id] = row
        touched.add(invoice_id)
        s.flush()
        records.log(s, now, f"{note.number}: {format_money(amount)} allocated in Xero", invoice_id=invoice_id)
    listed_ids = {a for a, *_ in remote}
    for allocation_id, row in by_id.items():
        if allocation_id not in listed_ids and row.removed_at is None:
            row.removed_at, row.removed_by = now, "Xero"
            s.add(row)
            touched.add(row.invoice_id)
            records.log(s, now, f"{note.number}: an allocation of {format_money(row.amount)} removed in Xero",
                        invoice_id=row.invoice_id)
    return touched


def fold_refunds(s: Session, note: CreditNoteRow, listed: list[dict], now: datetime) -> None:
    """Fold the payments (refunds) Xero lists on a credit note into ours, as :func:`fold_allocations`."""
    rows = list(s.exec(select(CreditRefundRow).where(CreditRefundRow.credit_note_id == note.id)).all())
    by_id = {r.xero_payment_id: r for r in rows if r.xero_payment_id}
    in_flight = [r for r in rows if not r.xero_payment_id and r.idempotency_key]
    remote = [(str(p["PaymentID"]), dec(p.get("Amount")), wire.parse_date(p["Date"]), str(p.get("Reference") or ""))
              for p in listed if p.get("PaymentID") and p.get("Date")]
    for payment_id, amount, on, reference in remote:
        if payment_id in by_id:
            continue
        mine = next((r for r in in_flight if (r.amount, r.date) == (amount, on)), None)
        if mine is not None:
            in_flight.remove(mine)
            mine.xero_payment_id = payment_id
            s.add(mine)
            if mine.removed_at is not None:
                enqueue(s, REFUND, mine.id, now)
            by_id[payment_id] = mine
            continue
        row = CreditRefundRow(credit_note_id=note.id, amount=amount, date=on, reference=reference,
                              origin=PaymentOrigin.XERO.value, xero_payment_id=payment_id, created_at=now,
                              created_by="Xero")
        s.add(row)
        by_id[payment_id] = row
    listed_ids = {p for p, *_ in remote}
    for payment_id, row in by_id.items():
        if payment_id not in listed_ids and row.removed_at is None:
            row.removed_at, row.removed_by = now, "Xero"
            s.add(row)
