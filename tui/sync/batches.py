"""Write-ahead batches: each write request is committed (body + Idempotency-Key) before it is sent.

:func:`prepare` commits the request, taking the place and the key of a request with the very same body that
an interrupted pass left (:mod:`.unfinished`); :func:`transmit` sends it and returns one element per record.
The caller records the answer and deletes the row in one transaction (:func:`delete_batch`). Xero's errors
end the pass (:func:`stops_on_xero_errors`); a lost connection is recorded first.
"""

from __future__ import annotations

import json
import uuid
from contextlib import contextmanager
from typing import Iterator

from sqlmodel import Session, col, select

from tui.store.sync_tables import SyncBatchRow
from tui.store.tables import XeroConnectionRow
from tui.sync import outbox, records
from tui.sync.context import Context, StopSync, dumps, loads
from tui.xero import wire
from tui.xero.errors import Disconnected, RateLimited, Unavailable, ValidationFailed, XeroError


def new_key(ctx: Context, kind: str) -> str:
    return f"tradiecore-{kind}-{ctx.tenant_id[:8]}-{uuid.uuid4().hex}"


def prepare(ctx: Context, kind: str, method: str, elements: list[dict], entries: list[list]) -> SyncBatchRow:
    """Commit the request before sending it. It takes the place (and the Idempotency-Key) of a request with the
    very same body that an interrupted pass left, which may have reached Xero."""
    body = dumps(elements)
    with ctx.session() as s:
        left = s.exec(select(SyncBatchRow).where(
            SyncBatchRow.tenant_id == ctx.tenant_id, SyncBatchRow.kind == kind, SyncBatchRow.method == method,
            col(SyncBatchRow.body) == body,
        )).first()
        key = new_key(ctx, kind)
        if left is not None:
            key = left.idempotency_key
            s.delete(left)
        row = SyncBatchRow(
            tenant_id=ctx.tenant_id, kind=kind, method=method, idempotency_key=key,
            body=body, entries=json.dumps(entries), created_at=ctx.now(),
        )
        s.add(row)
        s.flush()
        return row


def transmit(ctx: Context, batch: SyncBatchRow) -> list[dict] | None:
    """Send a prepared batch. Returns one element per record, or None when the whole request was refused
    (the messages are then recorded on every record of the batch and the batch is dropped)."""
    elements = loads(batch.body)
    call = {
        ("contact", "PUT"): ctx.api.put_contacts,
        ("contact", "POST"): ctx.api.post_contacts,
        ("invoice", "POST"): ctx.api.post_invoices,
        ("payment", "PUT"): ctx.api.put_payments,
        ("payment", "POST"): lambda elements, key: [ctx.api.delete_payment(elements[0]["PaymentID"], key)],
    }[(batch.kind, batch.method)]
    with stops_on_xero_errors(ctx):
        try:
            return call(elements, batch.idempotency_key)
        except ValidationFailed as exc:
            if exc.elements and len(exc.elements) == len(elements):
                return list(exc.elements)
            _refused(ctx, batch, str(exc))
            return None
        except Unavailable as exc:
            if exc.status is not None and exc.status >= 500 and exc.status != 503:  # 503: the whole organisation
                _back_off(ctx, batch, str(exc))
            raise


def _back_off(ctx: Context, batch: SyncBatchRow, message: str) -> None:
    """Xero failed on this request even after the client's retries: each record in it waits longer and longer
    before it is tried again (and then alone, so one record Xero cannot take holds no other back). The request
    itself stays written ahead: the next pass settles it like any interrupted one (:mod:`.unfinished`)."""
    now = ctx.now()
    with ctx.session() as s:
        for entry_id, entity_id, _seq in json.loads(batch.entries):
            if entry_id and outbox.retry_later(s, entry_id, now) is not None:
                records.record_error(s, batch.kind, entity_id, ctx.tenant_id, outbox.UNAVAILABLE, message, now)
                ctx.errors += 1


def _refused(ctx: Context, batch: SyncBatchRow, message: str) -> None:
    now = ctx.now()
    with ctx.session() as s:
        for entry_id, entity_id, seq in json.loads(batch.entries):
            records.record_error(s, batch.kind, entity_id, ctx.tenant_id, "validation", message, now)
            if entry_id:
                outbox.hold(s, entry_id, seq, outbox.HELD_ERROR)
            ctx.errors += 1
        records.log(s, now, f"Xero refused a batch of {batch.kind}s: {message}", "error")
        delete_batch(s, batch)


def delete_batch(s: Session, batch: SyncBatchRow) -> None:
    row = s.get(SyncBatchRow, batch.id)
    if row is not None:
        s.delete(row)


def unfinished_batches(ctx: Context, kind: str) -> list[SyncBatchRow]:
    with ctx.session() as s:
        return list(s.exec(
            select(SyncBatchRow)
            .where(SyncBatchRow.kind == kind, SyncBatchRow.tenant_id == ctx.tenant_id)
            .order_by(col(SyncBatchRow.id))
        ).all())


@contextmanager
def stops_on_xero_errors(ctx: Context) -> Iterator[None]:
    """The Xero client's errors end this pass (StopSync); a lost connection is recorded first."""
    try:
        yield
    except Disconnected as exc:
        mark_disconnected(ctx, exc.reason)
        raise StopSync(str(exc), disconnected=True) from None
    except RateLimited as exc:
        raise StopSync(str(exc), retry_after=exc.retry_after) from None
    except XeroError as exc:
        raise StopSync(str(exc)) from None


def mark_disconnected(ctx: Context, reason: str) -> None:
    with ctx.session() as s:
        row = s.get(XeroConnectionRow, ctx.tenant_id)
        if row is not None:
            records.connection_lost(s, row, reason, ctx.now())


def element_errors(element: dict) -> list[str]:
    messages = wire.validation_messages(element)
    if not messages and (element.get("HasErrors") or element.get("StatusAttributeString") == "ERROR"):
        messages = ["Xero did not accept this record without saying why."]
    return messages
