"""Credit notes (adjustment notes, for GST): a customer's credit, with lines and totals exactly as an invoice's.

States: DRAFT -> SENT (emailed) -> PART_ALLOCATED / ALLOCATED / REFUNDED as the credit is used, and SENT -> VOIDED
while none of it is used. A sent credit note's state follows from what is used: nothing (SENT), some with credit
left (PART_ALLOCATED), all of it (ALLOCATED, or REFUNDED when any of it went back as a refund). Removing an
allocation or a refund gives the credit back and the state follows. Drafts can be edited and deleted; a sent credit
note's lines are final (Xero refuses the change once anything is allocated, and the customer holds the note).

Numbers are the prefix and four digits (`CN-0001`); the prefix is the business's choice (:func:`prefix_problem`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from enum import Enum

from tui.domain.errors import TransitionError, ValidationError
from tui.domain.invoice import LineItem, Totals, document_problems, totals
from tui.domain.money import ZERO
from tui.domain.tax import LineAmountTypes

DEFAULT_PREFIX = "CN-"
MAX_PREFIX = 10
_PREFIX = re.compile(r"[A-Za-z][A-Za-z0-9]*[-/_]?")


class CreditNoteStatus(str, Enum):
    DRAFT = "DRAFT"
    SENT = "SENT"
    PART_ALLOCATED = "PART_ALLOCATED"
    ALLOCATED = "ALLOCATED"
    REFUNDED = "REFUNDED"
    VOIDED = "VOIDED"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()

    @property
    def xero_status(self) -> str:
        """The status Xero keeps: AUTHORISED while credit is left, PAID when none is."""
        return {"DRAFT": "DRAFT", "SENT": "AUTHORISED", "PART_ALLOCATED": "AUTHORISED", "ALLOCATED": "PAID",
                "REFUNDED": "PAID", "VOIDED": "VOIDED"}[self.value]


USED = (CreditNoteStatus.SENT, CreditNoteStatus.PART_ALLOCATED, CreditNoteStatus.ALLOCATED,
        CreditNoteStatus.REFUNDED)  # the states of a sent credit note, by how much of its credit is used


def prefix_problem(prefix: str) -> str | None:
    """Why ``prefix`` cannot number credit notes (None when it can): letters then letters or digits, at most one
    closing ``-``, ``/`` or ``_``, at most 10 characters, and not the invoices' ``INV-``."""
    if not prefix:
        return "Enter a prefix, like CN-"
    if len(prefix) > MAX_PREFIX:
        return f"At most {MAX_PREFIX} characters"
    if not _PREFIX.fullmatch(prefix) or prefix[-1].isdigit():
        return "Start with a letter; use letters and digits, ending with a letter or one of - / _ (like CN-)"
    if prefix.upper() == "INV-":
        return "INV- numbers invoices: choose another prefix for credit notes"
    return None


def format_number(prefix: str, n: int) -> str:
    return f"{prefix}{n:04d}"


def number_of(prefix: str, number: str) -> int | None:
    """The sequence number in ``number`` when it is ``prefix`` and digits (``CN-0012`` -> 12), else None."""
    match = re.fullmatch(re.escape(prefix) + r"(\d+)", number.strip())
    return int(match.group(1)) if match else None


def highest_number(prefix: str, numbers: list[str] | tuple[str, ...]) -> int:
    """The highest sequence number among ``numbers`` with ``prefix`` (0 when none has it)."""
    return max((n for number in numbers if (n := number_of(prefix, number)) is not None), default=0)


@dataclass
class CreditNote:
    customer_id: int | None
    issue_date: date
    lines: list[LineItem] = field(default_factory=list)
    number: str = ""
    reference: str = ""
    amounts: LineAmountTypes = LineAmountTypes.EXCLUSIVE
    status: CreditNoteStatus = CreditNoteStatus.DRAFT
    invoice_id: int | None = None  # the invoice it was made from, if any
    amount_allocated: Decimal = ZERO  # applied to invoices
    amount_refunded: Decimal = ZERO  # paid back to the customer
    sent_at: datetime | None = None
    sent_to: str = ""
    id: int | None = None
    version: int = 0

    @property
    def totals(self) -> Totals:
        return totals(self.lines, self.amounts)

    @property
    def remaining_credit(self) -> Decimal:
        """Credit not yet allocated or refunded: the customer's to use (none on a draft or a voided note)."""
        if self.status not in USED:
            return ZERO
        return self.totals.total - self.amount_allocated - self.amount_refunded

    @property
    def editable(self) -> bool:
        return self.status is CreditNoteStatus.DRAFT

    def problems(self) -> dict[str, str]:
        """A message for each bad field, none when the credit note is valid; line fields are keyed
        ``lines.N.field``."""
        errors: dict[str, str] = {}
        if self.customer_id is None:
            errors["customer"] = "Choose a customer"
        errors.update(document_problems(self.lines, self.number, self.reference, "A credit note"))
        if not errors and self.totals.total <= 0:
            errors["lines"] = "A credit note must credit more than $0.00"
        return errors

    def validate(self) -> None:
        """ValidationError naming each bad field (see :meth:`problems`)."""
        errors = self.problems()
        if errors:
            raise ValidationError(errors)

    def ensure_editable(self) -> None:
        if self.status is not CreditNoteStatus.DRAFT:
            raise TransitionError(f"This credit note is {self.status.label.lower()}: only a draft can be changed")

    def ensure_deletable(self) -> None:
        if self.status is not CreditNoteStatus.DRAFT:
            raise TransitionError("Only drafts can be deleted; void a sent credit note instead")

    def sent(self, to: str, at: datetime) -> "CreditNote":
        if self.status is not CreditNoteStatus.DRAFT:
            raise TransitionError(f"Only a draft can be sent; this credit note is {self.status.label.lower()}")
        self.validate()
        return replace(self, status=CreditNoteStatus.SENT, sent_to=to, sent_at=at)

    def voided(self) -> "CreditNote":
        if self.status not in USED:
            raise TransitionError(f"Only a sent credit note can be voided; this one is {self.status.label.lower()}")
        if self.amount_allocated > 0 or self.amount_refunded > 0:
            raise TransitionError("This credit note is allocated or refunded: remove those first, then void it")
        return replace(self, status=CreditNoteStatus.VOIDED)

    def with_credit_used(self, allocated: Decimal, refunded: Decimal) -> "CreditNote":
        """The sent credit note with ``allocated`` and ``refunded`` in all (from its allocations and refunds that
        are not removed), its state following. ValueError when they add up to more than its total."""
        if self.status not in USED:
            raise TransitionError(f"Only a sent credit note's credit can be used; this one is "
                                  f"{self.status.label.lower()}")
        total = self.totals.total
        if allocated < 0 or refunded < 0 or allocated + refunded > total:
            raise ValueError(f"{allocated} allocated and {refunded} refunded do not fit a credit of {total}")
        if allocated + refunded == 0:
            status = CreditNoteStatus.SENT
        elif allocated + refunded < total:
            status = CreditNoteStatus.PART_ALLOCATED
        else:
            status = CreditNoteStatus.REFUNDED if refunded > 0 else CreditNoteStatus.ALLOCATED
        return replace(self, amount_allocated=allocated, amount_refunded=refunded, status=status)
