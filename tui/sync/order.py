"""The order of writes to one invoice within a pass.

Xero refuses to edit an invoice that has a payment (or a credit note) allocated to it: "This document cannot be
edited as it has a payment or credit note allocated to it." So what the user removed from an invoice goes to Xero
before the invoice's update, and new payments after it (onto the invoice as updated). An update refused all the
same (a removal made while the pass was sending) is sent again in the same pass once the removal has gone.

Each kind of allocation is one entry of :data:`ALLOCATIONS`: how to send its removals, and whether Xero still
holds one against an invoice. Credit-note allocations join the list when they exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from sqlmodel import Session, col, select

from tui.store.sync_tables import SyncOutboxRow, SyncRecordRow
from tui.sync import payments, outbox
from tui.sync.context import Context
from tui.sync.push import ALLOCATED, push_invoices


@dataclass(frozen=True)
class Allocation:
    remove: Callable[[Context], None]  # sends the removals queued
    holds: Callable[[Session, int], bool]  # Xero still holds one against the invoice (by local id)


ALLOCATIONS = (Allocation(payments.remove_payments, payments.holds_payments),)


def push_in_order(ctx: Context) -> None:
    """Removals, then the invoices (again, for those refused only for an allocation now removed), then new
    payments."""
    for allocation in ALLOCATIONS:
        allocation.remove(ctx)
    earlier = _refused_for_allocations(ctx)  # refused in an earlier pass: sent again below if now free
    push_invoices(ctx)
    refused = _refused_for_allocations(ctx)
    if refused:
        for allocation in ALLOCATIONS:
            allocation.remove(ctx)
        with ctx.session() as s:
            again = {i for i in refused if not any(a.holds(s, i) for a in ALLOCATIONS)}
            for invoice_id in again:
                outbox.release(s, outbox.INVOICE, invoice_id)
        if again:
            ctx.errors -= len(again - earlier)  # this pass's refusals; counted again if Xero refuses once more
            push_invoices(ctx, only=again)
    payments.push_payments(ctx)


def _refused_for_allocations(ctx: Context) -> set[int]:
    with ctx.session() as s:
        return set(s.exec(
            select(SyncRecordRow.entity_id)
            .join(SyncOutboxRow, (col(SyncOutboxRow.kind) == col(SyncRecordRow.kind))
                  & (col(SyncOutboxRow.entity_id) == col(SyncRecordRow.entity_id)))
            .where(SyncRecordRow.kind == outbox.INVOICE, SyncRecordRow.error_code == ALLOCATED,
                   SyncOutboxRow.held == outbox.HELD_ERROR)).all())

