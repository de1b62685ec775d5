"""Pull: what changed in Xero since the stored high-water mark, applied here.

``GET Invoices`` with ``If-Modified-Since``, paged (1,000 a page), ACCREC only; an idle poll is one call.
Only invoices this business created or linked (known by InvoiceID) are applied; the rest are ignored.
Our own writes come back too: an UpdatedDateUTC not newer than the one recorded at push is skipped.

For a changed invoice with no local change waiting, Xero's version is applied (lines, dates, reference,
payments -> amount paid / PAID, voids). With a local change waiting, the two are merged field by field
against the last synced snapshot (:mod:`tui.sync.merge`); a true conflict is stored and the local change
held until the user chooses.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from tui.domain.invoice import InvoiceStatus
from tui.domain.money import format_money
from tui.domain.payment import after_payments
from tui.store.invoices import get_invoice, write_from_xero
from tui.store.numbering import record_xero_numbers
from tui.store.payments import apply_xero_payments
from tui.store.sync_tables import SyncConflictRow
from tui.store.tables import InvoiceRow
from tui.sync import outbox, records
from tui.sync.context import Context
from tui.sync.mapping import RemoteInvoice, apply_view, invoice_from_xero, invoice_view
from tui.sync.merge import three_way, with_our_unfinished_write
from tui.sync.batches import stops_on_xero_errors

# Ask from a second before the high-water mark: a change stamped in the same second as the last one seen is
# never missed, whatever precision the server compares at; what comes back twice is skipped as already applied.
PULL_OVERLAP = timedelta(seconds=1)


def pull_invoices(ctx: Context) -> None:
    with ctx.session() as s:
        state = records.get_state(s, ctx.tenant_id)
        hwm = state.high_water_mark
    if hwm is None and ctx.xero_numbers_hwm is not None:
        hwm = ctx.xero_numbers_hwm  # the first pass read every invoice already: start from there
    newest = hwm
    page = 1
    while True:
        since = hwm - PULL_OVERLAP if hwm is not None else None
        with stops_on_xero_errors(ctx):
            result = ctx.api.invoices_page(page, modified_since=since, where='Type=="ACCREC"',
                                          page_size=ctx.page_size)
        remotes = [invoice_from_xero(d) for d in result.items if d.get("Type", "ACCREC") == "ACCREC"]
        apply_page(ctx, remotes)
        for r in remotes:
            if r.updated_utc is not None and (newest is None or r.updated_utc > newest):
                newest = r.updated_utc
        if result.is_last or not result.items:
            break
        page += 1
    if newest is not None and newest != state.high_water_mark:
        with ctx.session() as s:
            row = records.get_state(s, ctx.tenant_id)
            row.high_water_mark = newest or hwm
            s.add(row)


def apply_page(ctx: Context, remotes: list[RemoteInvoice]) -> None:
    if not remotes:
        return
    now = ctx.now()
    with ctx.session() as s:
        ids = [r.xero_id for r in remotes]
        local = {
            xid: iid for iid, xid in s.exec(
                select(InvoiceRow.id, InvoiceRow.xero_invoice_id).where(col(InvoiceRow.xero_invoice_id).in_(ids))
            ).all()
        }
        for remote in remotes:
            invoice_id = local.get(remote.xero_id)
            if invoice_id is None:
                continue  # not ours
            apply_remote(ctx, s, invoice_id, remote, now)
        record_xero_numbers(s, [r.number for r in remotes])  # numbers taken here start above Xero's


def apply_remote(ctx: Context, s: Session, invoice_id: int, remote: RemoteInvoice, now: datetime) -> None:
    rec = records.get_record(s, outbox.INVOICE, invoice_id)
    if rec is not None and rec.xero_updated_utc is not None and remote.updated_utc is not None \
            and remote.updated_utc <= rec.xero_updated_utc:
        return  # our own write coming back, or already applied
    inv = get_invoice(s, invoice_id)
    remote_view = remote.view()
    local_view = invoice_view(inv, ctx.codes)
    base = records.snapshot_of(rec) or local_view
    sent = ctx.unfinished_views.get(invoice_id)
    if sent is not None:  # our interrupted request may have reached Xero: what it wrote is not Xero's change
        base = with_our_unfinished_write(base, sent, remote_view)
    entry = outbox.get_entry(s, outbox.INVOICE, invoice_id)
    local_changed = entry is not None and local_view != base

    if not local_changed:
        merged_view, conflicts = remote_view, []
    else:
        result = three_way(base, local_view, remote_view)
        merged_view, conflicts = result.merged, result.conflicts

    new = apply_view(inv, merged_view, ctx.codes)
    # Xero's payments, with ours that have not reached it yet (a payment sent from here and read back is the same)
    paid = apply_xero_payments(s, invoice_id, remote.payments, remote.amount_paid, now)
    if remote.status is InvoiceStatus.VOIDED:
        new.status, new.amount_paid = InvoiceStatus.VOIDED, paid
    else:
        new = after_payments(new, paid)
    changed = invoice_view(new, ctx.codes) != local_view or new.amount_paid != inv.amount_paid \
        or new.status is not inv.status
    if changed:
        try:
            write_from_xero(s, new, now, ctx.time_zone)
        except Exception as exc:  # e.g. Xero renumbered it to a number used here by another invoice
            records.record_error(s, outbox.INVOICE, invoice_id, ctx.tenant_id, "pull",
                                 f"A change made in Xero could not be applied here: {exc}", now)
            ctx.errors += 1
            return
    records.record_synced(s, outbox.INVOICE, invoice_id, ctx.tenant_id, remote.xero_id, remote.updated_utc,
                          remote_view, now, keep_error=bool(conflicts))
    ctx.pulled += 1
    what = _describe(inv, new, remote)
    if conflicts:
        _hold_conflicts(ctx, s, inv.number, invoice_id, conflicts, remote, now, held=entry is not None)
    else:
        if entry is not None and invoice_view(new, ctx.codes) == remote_view:
            outbox.drop(s, outbox.INVOICE, invoice_id)  # nothing of ours left to push
        records.log(s, now, f"{inv.number}: {what} in Xero", invoice_id=invoice_id)


def _hold_conflicts(ctx: Context, s: Session, number: str, invoice_id: int, conflicts: list, remote: RemoteInvoice,
                    now: datetime, *, held: bool) -> None:
    """Fields changed here and in Xero: the invoice's open conflicts replaced by these, shown on the invoice and
    in the log, and its change waiting here (``held``) held until the user chooses."""
    s.execute(update(SyncConflictRow)
              .where(col(SyncConflictRow.invoice_id) == invoice_id, col(SyncConflictRow.kind) == outbox.INVOICE,
                     col(SyncConflictRow.resolved_at).is_(None))
              .values(resolved_at=now, resolution="superseded"))
    for c in conflicts:
        s.add(SyncConflictRow(invoice_id=invoice_id, field=c.field, base=json.dumps(c.base),
                              local=json.dumps(c.local), remote=json.dumps(c.remote),
                              remote_updated_utc=remote.updated_utc, created_at=now))
    labels = ", ".join(c.label for c in conflicts)
    message = f"Changed here and in Xero: {labels}. Choose which to keep."
    records.record_error(s, outbox.INVOICE, invoice_id, ctx.tenant_id, "conflict", message, now)
    records.log(s, now, f"{number}: {message}", "warning", invoice_id=invoice_id)
    if held:
        outbox.hold_entity(s, outbox.INVOICE, invoice_id, outbox.HELD_CONFLICT)
    ctx.conflicts += 1


def _describe(before, after, remote: RemoteInvoice) -> str:
    if after.status is InvoiceStatus.VOIDED and before.status is not InvoiceStatus.VOIDED:
        return "voided"
    if after.status is InvoiceStatus.PAID and before.status is not InvoiceStatus.PAID:
        return "paid"
    if after.amount_paid != before.amount_paid:
        return f"part paid ({format_money(after.amount_paid)} of {format_money(remote.total)})"
    return "updated"
