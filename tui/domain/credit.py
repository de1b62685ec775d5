"""Using a credit note's credit: allocations to the customer's invoices, refunds, and the customer's unused credit;
and a draft credit note made from an invoice's lines.

The rules:
- An allocation moves credit from a sent credit note to a sent invoice of the same customer: no more than the
  credit note has left, and no more than the invoice still owes (Xero refuses either).
- A credit note made from an invoice credits at most what the invoice still owes plus what was paid on it (which
  goes back as a refund or stays as the customer's credit): never more than the sale, less the credit notes made
  from it already. Each line credits at most the invoice line's quantity, at no more than its price.
- Sending such a note allocates to its invoice what the invoice still owes (:func:`allocation_on_send`); the
  rest is refunded (a payment out of a payment account) or left as the customer's credit for a later invoice.
- A removed allocation or refund no longer counts; its credit is the customer's again.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Iterable

from tui.domain.credit_note import USED, CreditNote, CreditNoteStatus
from tui.domain.errors import TransitionError, ValidationError
from tui.domain.invoice import Invoice, InvoiceStatus, LineItem
from tui.domain.money import CENT, ZERO, format_money
from tui.domain.payment import PaymentMethod, PaymentOrigin, reference_problem


@dataclass
class Allocation:
    credit_note_id: int
    invoice_id: int
    amount: Decimal
    date: date
    origin: PaymentOrigin = PaymentOrigin.LOCAL  # made here, or in Xero and read back
    xero_allocation_id: str | None = None
    removed_at: datetime | None = None
    id: int | None = None

    @property
    def removed(self) -> bool:
        return self.removed_at is not None


@dataclass
class Refund:
    """Credit paid back to the customer: a payment out of the method's payment account, against the credit note."""

    credit_note_id: int
    amount: Decimal
    date: date
    method: PaymentMethod | None = PaymentMethod.BANK_TRANSFER  # None: made in Xero
    reference: str = ""
    origin: PaymentOrigin = PaymentOrigin.LOCAL
    xero_payment_id: str | None = None
    removed_at: datetime | None = None
    id: int | None = None

    @property
    def removed(self) -> bool:
        return self.removed_at is not None


def _amount_problem(amount: Decimal) -> str | None:
    if amount <= ZERO:
        return "The amount must be more than zero"
    if amount.quantize(CENT) != amount:
        return "Use at most 2 decimal places for the amount"
    return None


def ensure_has_credit(note: CreditNote) -> None:
    """TransitionError unless ``note`` is sent and has credit left to use."""
    if note.status not in USED:
        raise TransitionError(f"Only a sent credit note's credit can be used; this one is {note.status.label.lower()}")
    if note.remaining_credit <= 0:
        raise TransitionError(f"{note.number or 'This credit note'} has no credit left")


def allocation_problems(note: CreditNote, invoice: Invoice, amount: Decimal | None = None,
                        on: date | None = None) -> dict[str, str]:
    """A message for each bad field of allocating ``amount`` of ``note`` to ``invoice`` (a field left None is not
    checked): the invoice is a sent one of the same customer; the amount fits both the credit left and the
    amount the invoice owes."""
    errors: dict[str, str] = {}
    if invoice.customer_id != note.customer_id:
        errors["invoice"] = "That invoice is another customer's"
    elif invoice.status is not InvoiceStatus.SENT:
        errors["invoice"] = f"Only a sent invoice takes credit; this invoice is {invoice.status.label}"
    if amount is not None:
        if (problem := _amount_problem(amount)) is not None:
            errors["amount"] = problem
        elif amount > note.remaining_credit:
            errors["amount"] = f"More than the credit left on {note.number} ({format_money(note.remaining_credit)})"
        elif "invoice" not in errors and amount > invoice.amount_due:
            errors["amount"] = f"More than the invoice still owes ({format_money(invoice.amount_due)})"
    if on is not None and on < note.issue_date:
        errors["date"] = "The date is before the credit note's date"
    return errors


def new_allocation(note: CreditNote, invoice: Invoice, amount: Decimal, on: date) -> Allocation:
    """An allocation made here: TransitionError when the note has no credit to use, ValidationError naming each
    bad field."""
    ensure_has_credit(note)
    errors = allocation_problems(note, invoice, amount, on)
    if errors:
        raise ValidationError(errors)
    return Allocation(credit_note_id=note.id, invoice_id=invoice.id, amount=amount, date=on)


def refund_problems(note: CreditNote, amount: Decimal | None = None, on: date | None = None,
                    method: PaymentMethod = PaymentMethod.BANK_TRANSFER,
                    reference: str | None = None) -> dict[str, str]:
    """A message for each bad field of a refund of ``note``'s credit (a field left None is not checked)."""
    errors: dict[str, str] = {}
    if amount is not None:
        if (problem := _amount_problem(amount)) is not None:
            errors["amount"] = problem
        elif amount > note.remaining_credit:
            errors["amount"] = f"More than the credit left on {note.number} ({format_money(note.remaining_credit)})"
    if on is not None and on < note.issue_date:
        errors["date"] = "The date is before the credit note's date"
    if (problem := reference_problem(reference, method)) is not None:
        errors["reference"] = problem
    return errors


def new_refund(note: CreditNote, amount: Decimal, on: date, method: PaymentMethod, reference: str = "") -> Refund:
    ensure_has_credit(note)
    errors = refund_problems(note, amount, on, method, reference)
    if errors:
        raise ValidationError(errors)
    return Refund(credit_note_id=note.id, amount=amount, date=on, method=method, reference=reference.strip())


def ensure_removable(record: Allocation | Refund) -> None:
    if record.removed:
        raise TransitionError("This was removed already")
    if record.origin is PaymentOrigin.XERO:
        raise TransitionError("This was made in Xero: remove it there")


def after_use(note: CreditNote, allocations: Iterable[Allocation], refunds: Iterable[Refund]) -> CreditNote:
    """The sent credit note with its allocations and refunds that are not removed counted, its state following."""
    allocated = sum((a.amount for a in allocations if not a.removed), ZERO)
    refunded = sum((r.amount for r in refunds if not r.removed), ZERO)
    return note.with_credit_used(allocated, refunded)


def unused_credit(notes: Iterable[CreditNote]) -> Decimal:
    """What a customer's sent credit notes have left to use (voided notes and drafts hold none)."""
    return sum((n.remaining_credit for n in notes if n.status not in (CreditNoteStatus.DRAFT,
                                                                       CreditNoteStatus.VOIDED)), ZERO)


def creditable(invoice: Invoice, credited_before: Decimal = ZERO) -> Decimal:
    """The most a credit note made from ``invoice`` can credit: what it still owes plus what was paid on it (to be
    refunded or kept as credit), less ``credited_before`` by earlier credit notes made from it that are not
    allocated to it (those allocated to it are in its amount due already)."""
    return max(ZERO, invoice.amount_due + invoice.amount_paid - credited_before)


def allocation_on_send(note: CreditNote, invoice: Invoice) -> Decimal:
    """What sending a credit note made from ``invoice`` allocates to it: the credit, up to what the invoice owes."""
    if invoice.status is not InvoiceStatus.SENT or invoice.customer_id != note.customer_id:
        return ZERO
    return min(note.totals.total, invoice.amount_due)


@dataclass(frozen=True)
class LinePick:
    """One invoice line to credit: its index on the invoice, and the quantity and price to credit (None: as on
    the invoice)."""

    index: int
    quantity: Decimal | None = None
    unit_price: Decimal | None = None


def draft_from_invoice(invoice: Invoice, issue_date: date, picks: list[LinePick] | None = None, *,
                       credited_before: Decimal = ZERO) -> CreditNote:
    """A draft credit note for the invoice's customer with the picked lines (all of them when ``picks`` is None),
    or ValidationError naming each bad field (``lines.N.quantity`` and ``lines.N.unit_price`` by the pick's
    place). TransitionError unless the invoice is sent or paid."""
    if invoice.status not in (InvoiceStatus.SENT, InvoiceStatus.PAID):
        raise TransitionError(f"Only a sent or paid invoice can be credited; this invoice is {invoice.status.label}")
    picks = [LinePick(i) for i in range(len(invoice.lines))] if picks is None else picks
    errors: dict[str, str] = {}
    lines = []
    for place, pick in enumerate(picks):
        if not 0 <= pick.index < len(invoice.lines):
            errors[f"lines.{place}"] = f"The invoice has no line {pick.index + 1}"
            continue
        original = invoice.lines[pick.index]
        line = replace(original, quantity=original.quantity if pick.quantity is None else pick.quantity,
                       unit_price=original.unit_price if pick.unit_price is None else pick.unit_price)
        errors.update(_pick_problems(place, line, original))
        lines.append(line)
    note = CreditNote(customer_id=invoice.customer_id, issue_date=issue_date, lines=lines, amounts=invoice.amounts,
                      invoice_id=invoice.id, reference=f"Credit for {invoice.number}" if invoice.number else "")
    errors.update(note.problems())
    most = creditable(invoice, credited_before)
    if not errors and note.totals.total > most:
        errors["lines"] = (f"Credits {format_money(note.totals.total)}, more than the {format_money(most)} the "
                           f"invoice can still be credited")
    if errors:
        raise ValidationError(errors)
    return note


def _pick_problems(place: int, line: LineItem, original: LineItem) -> dict[str, str]:
    errors = {}
    if line.quantity > original.quantity:
        errors[f"lines.{place}.quantity"] = f"More than the {original.quantity.normalize():f} on the invoice"
    if line.unit_price > original.unit_price:
        errors[f"lines.{place}.unit_price"] = (f"More than the invoice's price of "
                                               f"{format_money(original.unit_price)}")
    return errors
