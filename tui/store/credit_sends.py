"""Sending a credit note the first time, as invoices are sent (:mod:`tui.store.sends`): claim -> email -> done.

:func:`claim_credit_note_send` is a versioned write committed before the email; of two people sending the same
draft exactly one claims it, the other gets SendClaimed. :func:`finish_credit_note_send` records it sent, allocates
it to the invoice it was made from (what that invoice still owes, at most the credit) and queues both for Xero,
in one transaction; :func:`release_credit_note_send` leaves it a draft with the reason when the email failed.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from tui.domain.credit import allocation_on_send
from tui.domain.credit_note import CreditNote, CreditNoteStatus
from tui.domain.errors import TransitionError
from tui.store.credit_notes import claimed_error, get_credit_note
from tui.store.credit_tables import CreditNoteRow
from tui.store.credit_use import add_allocation, lock_for_use
from tui.store.errors import ConflictError, NotFound
from tui.store.invoices import get_invoice
from tui.store.sends import ABANDONED_AFTER, _gone, this_process
from tui.store.sync_outbox import CREDIT_NOTE, enqueue
from tui.store.versioned import local_hhmm


@dataclass(frozen=True)
class CreditClaim:
    """A credit note's send claimed in the database: the note as claimed (what the email shows), and to whom."""

    note: CreditNote
    send_id: str
    to: str
    by: str
    at: datetime


def claim_credit_note_send(s: Session, credit_note_id: int, version: int, to: str, user: str, now: datetime,
                           time_zone: str) -> CreditClaim:
    """Claim the first send of the draft read at ``version``. SendClaimed when someone else claimed it first,
    ConflictError when it was edited since, TransitionError when it is no longer a draft, ValidationError."""
    send_id = uuid.uuid4().hex
    result = s.execute(
        update(CreditNoteRow)
        .where(col(CreditNoteRow.id) == credit_note_id, col(CreditNoteRow.version) == version,
               col(CreditNoteRow.send_id) == "", col(CreditNoteRow.status) == CreditNoteStatus.DRAFT.value)
        .values(send_id=send_id, send_by=user, send_claimed_at=now, send_holder=this_process(), sent_to=to,
                send_error="", updated_at=now, updated_by=user, version=version + 1))
    if result.rowcount != 1:
        row = s.get(CreditNoteRow, credit_note_id)
        if row is None:
            raise NotFound("This credit note no longer exists")
        s.refresh(row)
        if row.send_id:
            raise claimed_error(row, time_zone)
        if row.status != CreditNoteStatus.DRAFT.value:
            raise TransitionError(f"Only a draft can be sent; this credit note is {row.status.title()}")
        raise ConflictError("credit note", row.updated_by, row.updated_at, local_hhmm(row.updated_at, time_zone))
    note = get_credit_note(s, credit_note_id)
    note.sent(to, now)  # ValidationError: the claim is rolled back with the rest of the transaction
    return CreditClaim(note, send_id, to, user, now)


def finish_credit_note_send(s: Session, claim: CreditClaim, now: datetime, time_zone: str) -> CreditNote:
    """The email went: DRAFT -> SENT, allocated to its invoice (what it owes, at most the credit), both queued."""
    result = s.execute(
        update(CreditNoteRow)
        .where(col(CreditNoteRow.id) == claim.note.id, col(CreditNoteRow.send_id) == claim.send_id,
               col(CreditNoteRow.status) == CreditNoteStatus.DRAFT.value)
        .values(status=CreditNoteStatus.SENT.value, sent_at=now, sent_to=claim.to, send_holder="", send_error="",
                updated_at=now, updated_by=claim.by, version=CreditNoteRow.version + 1))
    note = get_credit_note(s, claim.note.id)
    if result.rowcount != 1:
        return note
    enqueue(s, CREDIT_NOTE, note.id, now)
    if note.invoice_id is not None:
        lock_for_use(s, note.id, note.invoice_id)  # the note's row is this transaction's already: the invoice's
        invoice = get_invoice(s, note.invoice_id)
        amount = allocation_on_send(note, invoice)
        if amount > 0:
            note = add_allocation(s, note, invoice, amount, note.issue_date, claim.by, now, time_zone)
    return note


def release_credit_note_send(s: Session, claim: CreditClaim, error: str, now: datetime) -> int:
    """The email did not go: the draft stays a draft, with the reason; returns its version now."""
    s.execute(
        update(CreditNoteRow)
        .where(col(CreditNoteRow.id) == claim.note.id, col(CreditNoteRow.send_id) == claim.send_id,
               col(CreditNoteRow.status) == CreditNoteStatus.DRAFT.value)
        .values(send_id="", send_by="", send_claimed_at=None, send_holder="", sent_to="", send_error=error,
                updated_at=now, updated_by=claim.by, version=CreditNoteRow.version + 1))
    row = s.get(CreditNoteRow, claim.note.id)
    if row is None:
        raise NotFound("This credit note no longer exists")
    s.refresh(row)
    return row.version


def abandoned_credit_note_sends(s: Session, now: datetime) -> list[tuple[int, str, str]]:
    """(credit note id, send id, holder) of every claimed send whose process is gone."""
    rows = s.exec(select(CreditNoteRow.id, CreditNoteRow.send_id, CreditNoteRow.send_holder,
                         CreditNoteRow.send_claimed_at)
                  .where(col(CreditNoteRow.send_id) != "",
                         col(CreditNoteRow.status) == CreditNoteStatus.DRAFT.value)).all()
    return [(i, send_id, holder) for i, send_id, holder, at in rows
            if holder != this_process() and (_gone(holder) or at is None or now - at > ABANDONED_AFTER)]


def take_over_credit_note_send(s: Session, credit_note_id: int, send_id: str, holder: str,
                               now: datetime) -> CreditClaim | None:
    """Make this process the holder of an abandoned claim (None if another process took it first)."""
    result = s.execute(
        update(CreditNoteRow)
        .where(col(CreditNoteRow.id) == credit_note_id, col(CreditNoteRow.send_id) == send_id,
               col(CreditNoteRow.send_holder) == holder, col(CreditNoteRow.status) == CreditNoteStatus.DRAFT.value)
        .values(send_holder=this_process()))
    if result.rowcount != 1:
        return None
    row = s.get(CreditNoteRow, credit_note_id)
    s.refresh(row)
    return CreditClaim(get_credit_note(s, credit_note_id), send_id, row.sent_to, row.send_by,
                       row.send_claimed_at or now)
