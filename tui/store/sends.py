"""Sending an invoice the first time, as three steps that each commit: claim -> email -> done.

1. :func:`claim_send` is a versioned write (``WHERE version = ? AND send_id = ''``) that records who sends, when,
   a new send id and the process doing it. Of two people sending the same draft at once, exactly one claim is
   written; the other is refused with who claimed it (:class:`~tui.store.errors.SendClaimed`) before any email.
2. The email goes, its Message-ID made from the send id, so a retry of the same send is the same message.
3. :func:`finish_send` records it sent (DRAFT -> SENT, and the sync queue entry for Xero) in one transaction;
   :func:`release_send`, when the email failed, leaves it a draft with the reason.

While a claim is open the draft is neither saved nor deleted. A process killed between 1 and 3 leaves its claim
open: :func:`abandoned_sends` finds claims whose process is gone (on this machine, at once) or that are older than
:data:`ABANDONED_AFTER` (a process on another machine), and :func:`take_over_send` moves one to the process that
will finish it, compare-and-set on the old holder, so two processes starting at once never both send it.
"""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from tui.domain.errors import TransitionError
from tui.domain.invoice import Invoice, InvoiceStatus
from tui.store.errors import ConflictError, NotFound
from tui.store.invoices import claimed_error, get_invoice
from tui.store.sync_outbox import enqueue_invoice
from tui.store.tables import InvoiceRow
from tui.store.versioned import local_hhmm

#: A claim this old whose process cannot be seen (another machine) is taken over: a send takes seconds (the mail
#: server's timeouts are 20 s), so nothing alive still holds it.
ABANDONED_AFTER = timedelta(minutes=10)

_token: tuple[int, str] | None = None


def this_process() -> str:
    """"host:pid:token" of this process (a fresh token after a fork): what a claim records as its holder."""
    global _token
    if _token is None or _token[0] != os.getpid():
        _token = (os.getpid(), f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:12]}")
    return _token[1]


@dataclass(frozen=True)
class Claim:
    """A send claimed in the database: the invoice as it was claimed (what the email shows), and to whom."""

    invoice: Invoice
    send_id: str
    to: str
    by: str
    at: datetime
    version: int


def claim_send(s: Session, invoice_id: int, version: int, to: str, user: str, now: datetime,
               time_zone: str) -> Claim:
    """Claim the first send of the draft read at ``version`` (the transaction's first statement, so SQLite starts
    it holding the write lock). SendClaimed when someone else claimed it first, ConflictError when it was edited
    since ``version``, TransitionError when it is no longer a draft, ValidationError when it cannot be sent."""
    send_id = uuid.uuid4().hex
    result = s.execute(
        update(InvoiceRow)
        .where(col(InvoiceRow.id) == invoice_id, col(InvoiceRow.version) == version, col(InvoiceRow.send_id) == "",
               col(InvoiceRow.status) == InvoiceStatus.DRAFT.value)
        .values(send_id=send_id, send_by=user, send_claimed_at=now, send_holder=this_process(), sent_to=to,
                send_error="", updated_at=now, updated_by=user, version=version + 1)
    )
    if result.rowcount != 1:
        row = s.get(InvoiceRow, invoice_id)
        if row is None:
            raise NotFound("This invoice no longer exists")
        s.refresh(row)
        if row.send_id:
            raise claimed_error(row, time_zone)
        if row.status != InvoiceStatus.DRAFT.value:
            raise TransitionError(f"Only a draft can be sent; this invoice is {row.status.title()}")
        raise ConflictError("invoice", row.updated_by, row.updated_at, local_hhmm(row.updated_at, time_zone))
    inv = get_invoice(s, invoice_id)
    inv.sent(to, now)  # ValidationError: the claim is rolled back with the rest of the transaction
    return Claim(inv, send_id, to, user, now, version + 1)


def finish_send(s: Session, claim: Claim, now: datetime) -> Invoice:
    """The email went: DRAFT -> SENT (by the claimant), queued for Xero, the claim's process cleared."""
    result = s.execute(
        update(InvoiceRow)
        .where(col(InvoiceRow.id) == claim.invoice.id, col(InvoiceRow.send_id) == claim.send_id,
               col(InvoiceRow.status) == InvoiceStatus.DRAFT.value)
        .values(status=InvoiceStatus.SENT.value, sent_at=now, sent_to=claim.to, send_holder="", send_error="",
                updated_at=now, updated_by=claim.by, version=InvoiceRow.version + 1)
    )
    inv = get_invoice(s, claim.invoice.id)
    if result.rowcount == 1:
        enqueue_invoice(s, inv.id, now)
    return inv


def release_send(s: Session, claim: Claim, error: str, now: datetime) -> int:
    """The email did not go: the draft stays a draft, with the reason; returns its version now."""
    s.execute(
        update(InvoiceRow)
        .where(col(InvoiceRow.id) == claim.invoice.id, col(InvoiceRow.send_id) == claim.send_id,
               col(InvoiceRow.status) == InvoiceStatus.DRAFT.value)
        .values(send_id="", send_by="", send_claimed_at=None, send_holder="", sent_to="", send_error=error,
                updated_at=now, updated_by=claim.by, version=InvoiceRow.version + 1)
    )
    row = s.get(InvoiceRow, claim.invoice.id)
    if row is None:
        raise NotFound("This invoice no longer exists")
    s.refresh(row)
    return row.version


def abandoned_sends(s: Session, now: datetime) -> list[tuple[int, str, str]]:
    """(invoice id, send id, holder) of every claimed send whose process is gone: dead on this machine, or
    claimed more than :data:`ABANDONED_AFTER` ago."""
    rows = s.exec(select(InvoiceRow.id, InvoiceRow.send_id, InvoiceRow.send_holder, InvoiceRow.send_claimed_at)
                  .where(col(InvoiceRow.send_id) != "", col(InvoiceRow.status) == InvoiceStatus.DRAFT.value)).all()
    return [(i, send_id, holder) for i, send_id, holder, at in rows
            if holder != this_process() and (_gone(holder) or at is None or now - at > ABANDONED_AFTER)]


def take_over_send(s: Session, invoice_id: int, send_id: str, holder: str, now: datetime) -> Claim | None:
    """Make this process the holder of an abandoned claim (None if another process took it first); the send id,
    and so the email's Message-ID, stay the claim's."""
    result = s.execute(
        update(InvoiceRow)
        .where(col(InvoiceRow.id) == invoice_id, col(InvoiceRow.send_id) == send_id,
               col(InvoiceRow.send_holder) == holder, col(InvoiceRow.status) == InvoiceStatus.DRAFT.value)
        .values(send_holder=this_process())
    )
    if result.rowcount != 1:
        return None
    row = s.get(InvoiceRow, invoice_id)
    s.refresh(row)
    inv = get_invoice(s, invoice_id)
    return Claim(inv, send_id, row.sent_to, row.send_by, row.send_claimed_at or now, row.version)


def _gone(holder: str) -> bool:
    """The claim's process ran on this machine and is no longer running (killed, crashed)."""
    parts = holder.split(":")
    if len(parts) != 3 or parts[0] != socket.gethostname() or not parts[1].isdigit():
        return False
    pid = int(parts[1])
    if pid == os.getpid():
        return True  # an earlier process with this pid (this one's token differs): it is gone
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # another user's live process
        return False
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return False
