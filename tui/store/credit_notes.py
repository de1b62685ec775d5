"""Credit notes and their lines in the database, as domain objects; their numbers (CN-0001...), taken inside the
insert's transaction and clear of Xero's, as invoice numbers are (:mod:`tui.store.numbering`).

:func:`take_credit_note_number` first updates the prefix's row of ``credit_note_numbering``: that locks the row (on
SQLite, the database), so two saves at once get two numbers. The row keeps the highest number Xero holds with the
prefix (:func:`record_xero_credit_note_numbers`, at every pull of credit notes), so a number here is above both.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, update
from sqlmodel import Session, col, select

from tui.domain.credit_note import (
    DEFAULT_PREFIX,
    CreditNote,
    CreditNoteStatus,
    format_number,
    highest_number,
    prefix_problem,
)
from tui.domain.errors import TransitionError, ValidationError
from tui.domain.invoice import LineItem, RevenueCategory
from tui.domain.tax import LineAmountTypes
from tui.store.credit_tables import CreditNoteLineRow, CreditNoteNumberingRow, CreditNoteRow
from tui.store.errors import DuplicateError, NotFound, SendClaimed
from tui.store.sync_tables import SyncStateRow
from tui.store.tables import CustomerRow
from tui.store.versioned import bump_version, local_hhmm


def _to_domain(row: CreditNoteRow, lines: list[CreditNoteLineRow]) -> CreditNote:
    return CreditNote(
        customer_id=row.customer_id, issue_date=row.issue_date,
        lines=[LineItem(description=li.description, quantity=li.quantity, unit_price=li.unit_price,
                        category=RevenueCategory(li.category), tax_type=li.tax_type)
               for li in sorted(lines, key=lambda li: li.position)],
        number=row.number, reference=row.reference, amounts=LineAmountTypes(row.amounts),
        status=CreditNoteStatus(row.status), invoice_id=row.invoice_id, amount_allocated=row.amount_allocated,
        amount_refunded=row.amount_refunded, sent_at=row.sent_at, sent_to=row.sent_to, id=row.id,
        version=row.version,
    )


def get_credit_note(s: Session, credit_note_id: int) -> CreditNote:
    row = s.get(CreditNoteRow, credit_note_id)
    if row is None:
        raise NotFound("This credit note no longer exists")
    lines = s.exec(select(CreditNoteLineRow).where(CreditNoteLineRow.credit_note_id == credit_note_id)).all()
    return _to_domain(row, list(lines))


def list_credit_notes(s: Session, customer_id: int | None = None, limit: int = 500) -> list[CreditNote]:
    """Credit notes, newest first (one customer's when ``customer_id`` is given)."""
    query = select(CreditNoteRow)
    if customer_id is not None:
        query = query.where(CreditNoteRow.customer_id == customer_id)
    rows = s.exec(query.order_by(col(CreditNoteRow.issue_date).desc(), col(CreditNoteRow.id).desc())
                  .limit(limit)).all()
    lines: dict[int, list[CreditNoteLineRow]] = {r.id: [] for r in rows}
    if rows:
        for li in s.exec(select(CreditNoteLineRow).where(col(CreditNoteLineRow.credit_note_id).in_(list(lines)))):
            lines[li.credit_note_id].append(li)
    return [_to_domain(r, lines[r.id]) for r in rows]


def newer_credit_note(s: Session, credit_note_id: int, version: int) -> CreditNote | None:
    """The stored credit note when it moved on from ``version``; None while that is still the latest."""
    row = s.get(CreditNoteRow, credit_note_id)
    if row is None:
        raise NotFound("This credit note no longer exists")
    return None if row.version == version else get_credit_note(s, credit_note_id)


def claimed_error(row: CreditNoteRow, time_zone: str) -> SendClaimed:
    at = row.send_claimed_at or row.sent_at or row.updated_at
    return SendClaimed(row.number, row.send_by or row.updated_by, at, local_hhmm(at, time_zone),
                       done=row.status != CreditNoteStatus.DRAFT.value)


def _row_values(note: CreditNote) -> dict:
    return {"number": note.number, "customer_id": note.customer_id, "invoice_id": note.invoice_id,
            "issue_date": note.issue_date, "reference": note.reference.strip(), "amounts": note.amounts.value,
            "status": note.status.value, "total": note.totals.total, "amount_allocated": note.amount_allocated,
            "amount_refunded": note.amount_refunded, "sent_at": note.sent_at, "sent_to": note.sent_to}


def write_lines(s: Session, credit_note_id: int, lines: list[LineItem]) -> None:
    s.execute(delete(CreditNoteLineRow).where(col(CreditNoteLineRow.credit_note_id) == credit_note_id))
    for position, line in enumerate(lines):
        s.add(CreditNoteLineRow(credit_note_id=credit_note_id, position=position,
                                description=line.description.strip(), quantity=line.quantity,
                                unit_price=line.unit_price, category=line.category.value, tax_type=line.tax_type))


def save_credit_note(s: Session, note: CreditNote, user: str, now: datetime, time_zone: str) -> CreditNote:
    """Insert or update a draft (at the version it was read) after validating; lines are replaced whole. A blank
    number takes the next one as the transaction's first statement."""
    note.validate()
    number = note.number.strip() or take_credit_note_number(s)
    if note.id is not None:
        stored = s.get(CreditNoteRow, note.id)
        if stored is None:
            raise NotFound("This credit note no longer exists")
        if stored.send_id and stored.status == CreditNoteStatus.DRAFT.value:
            raise claimed_error(stored, time_zone)
        get_credit_note(s, note.id).ensure_editable()
    if s.get(CustomerRow, note.customer_id) is None:
        raise ValidationError({"customer": "That customer no longer exists"})
    note.number = number
    clash = s.exec(select(CreditNoteRow.id).where(CreditNoteRow.number == number)).first()
    if clash is not None and clash != note.id:
        raise DuplicateError("number", f"Credit note number {number} is already used")
    values = _row_values(note) | {"updated_at": now, "updated_by": user}
    if note.id is None:
        row = CreditNoteRow(**values, version=1)
        s.add(row)
        s.flush()
        note.id, note.version = row.id, 1
    else:
        note.version = bump_version(s, CreditNoteRow, note.id, note.version, values, "credit note", time_zone)
    write_lines(s, note.id, note.lines)
    return note


def set_state(s: Session, note: CreditNote, user: str, now: datetime, time_zone: str) -> CreditNote:
    """Write a sent credit note's state (credit used, voided) at the version it was read."""
    values = {"status": note.status.value, "amount_allocated": note.amount_allocated,
              "amount_refunded": note.amount_refunded, "updated_at": now, "updated_by": user}
    note.version = bump_version(s, CreditNoteRow, note.id, note.version, values, "credit note", time_zone)
    return note


def delete_credit_note(s: Session, note: CreditNote, time_zone: str) -> None:
    row = s.get(CreditNoteRow, note.id)
    if row is None:
        raise NotFound("This credit note no longer exists")
    if row.send_id and row.status == CreditNoteStatus.DRAFT.value:
        raise claimed_error(row, time_zone)
    get_credit_note(s, note.id).ensure_deletable()
    if row.version != note.version:
        raise TransitionError("This credit note was changed since you opened it; open it again before deleting")
    s.execute(delete(CreditNoteLineRow).where(col(CreditNoteLineRow.credit_note_id) == note.id))
    s.execute(delete(CreditNoteRow).where(col(CreditNoteRow.id) == note.id))


# -- numbers ----------------------------------------------------------------------------------------------------

def credit_note_prefix(s: Session) -> str:
    return s.exec(select(CreditNoteNumberingRow.prefix).where(col(CreditNoteNumberingRow.in_use))).first() \
        or DEFAULT_PREFIX


def set_credit_note_prefix(s: Session, prefix: str) -> str:
    """Number the next credit notes with ``prefix``. A new prefix also makes the next pull of credit notes read
    them all (no high-water mark), so the highest number Xero holds with it is known."""
    prefix = prefix.strip()
    if (problem := prefix_problem(prefix)) is not None:
        raise ValidationError({"prefix": problem})
    if prefix != credit_note_prefix(s):
        s.execute(update(SyncStateRow).values(credit_notes_high_water_mark=None, credit_notes_read_at=None))
    s.execute(update(CreditNoteNumberingRow).values(in_use=False))
    row = s.get(CreditNoteNumberingRow, prefix) or CreditNoteNumberingRow(prefix=prefix)
    row.in_use = True
    s.add(row)
    return prefix


def _highest_here(s: Session, prefix: str) -> int:
    numbers = s.exec(select(CreditNoteRow.number).where(col(CreditNoteRow.number).startswith(prefix, autoescape=True))
                     .order_by(func.length(CreditNoteRow.number).desc(), col(CreditNoteRow.number).desc())
                     .limit(20)).all()
    return highest_number(prefix, list(numbers))


def _xero_highest(s: Session, prefix: str) -> int:
    return s.exec(select(CreditNoteNumberingRow.xero_highest)
                  .where(CreditNoteNumberingRow.prefix == prefix)).first() or 0


def take_credit_note_number(s: Session) -> str:
    """The next number, taken in the caller's transaction (as its first statement): one more than the highest
    here and the highest Xero holds with the prefix in use."""
    locked = s.execute(update(CreditNoteNumberingRow).where(col(CreditNoteNumberingRow.in_use))
                       .values(taken=CreditNoteNumberingRow.taken + 1))
    if locked.rowcount == 0:
        s.add(CreditNoteNumberingRow(prefix=DEFAULT_PREFIX, taken=1, in_use=True))
        s.flush()
    return next_credit_note_number(s)


def next_credit_note_number(s: Session) -> str:
    prefix = credit_note_prefix(s)
    return format_number(prefix, max(_highest_here(s, prefix), _xero_highest(s, prefix)) + 1)


def record_xero_credit_note_numbers(s: Session, numbers: list[str]) -> None:
    """Xero holds these credit note numbers: keep the highest of the prefix in use (never lowered)."""
    prefix = credit_note_prefix(s)
    highest = highest_number(prefix, numbers)
    if not highest:
        return
    row = s.get(CreditNoteNumberingRow, prefix)
    if row is None:
        s.add(CreditNoteNumberingRow(prefix=prefix, xero_highest=highest, in_use=prefix == DEFAULT_PREFIX))
    elif row.xero_highest < highest:
        row.xero_highest = highest
        s.add(row)
