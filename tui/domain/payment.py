"""Payments against sent invoices: taken here (cash, card, bank transfer, cheque) or made in Xero.

A payment taken here is kept with its method (a label that reaches Xero in the payment's Reference) and goes
to Xero against the payment account chosen for its method. Part payments are fine; a payment above the amount
due is refused, with the amount due in the message. Removing a payment (a mistake) is a state of its own, so the
removal can reach Xero; a removed payment no longer counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum

from tui.domain.errors import TransitionError, ValidationError
from tui.domain.invoice import Invoice, InvoiceStatus
from tui.domain.money import CENT, ZERO, format_money, parse_decimal
from tui.domain.text import control_problem

MAX_REFERENCE = 255  # Xero's Reference
DEFAULT_METHOD = "Default"  # the payment account of every method without its own


class PaymentMethod(str, Enum):
    CASH = "Cash"
    CARD = "Card"
    BANK_TRANSFER = "Bank transfer"
    CHEQUE = "Cheque"


class PaymentOrigin(str, Enum):
    LOCAL = "local"  # taken here: this app sends it to Xero
    XERO = "xero"  # made in Xero and read back: never sent


def parse_amount(text: str) -> Decimal:
    """A typed payment amount: "$1,500.00" reads; cents at most. ValueError with a message for beside the field."""
    return parse_decimal(text, places=2, what="amount", thousands=True)


@dataclass
class Payment:
    invoice_id: int
    amount: Decimal
    date: date
    method: PaymentMethod | None = PaymentMethod.CASH  # None: made in Xero
    reference: str = ""
    origin: PaymentOrigin = PaymentOrigin.LOCAL
    xero_payment_id: str | None = None
    removed_at: datetime | None = None
    id: int | None = None

    @property
    def removed(self) -> bool:
        return self.removed_at is not None

    @property
    def label(self) -> str:
        """What the invoice lists: "Cash", "Card", or "Paid in Xero"."""
        return self.method.value if self.method is not None else "Paid in Xero"

    @property
    def xero_reference(self) -> str:
        """The Reference sent to Xero: the method, then the user's reference ("Card: receipt 1182")."""
        label = self.method.value if self.method is not None else ""
        return f"{label}: {self.reference}" if self.reference else label


def new_payment(inv: Invoice, amount: Decimal, on: date, method: PaymentMethod, reference: str = "") -> Payment:
    """A payment taken here on ``inv``: ValidationError naming each bad field (amount above the amount due
    refused with the amount due shown), TransitionError when the invoice takes no payments."""
    ensure_takes_payments(inv)
    errors = payment_problems(inv, amount=amount, on=on, method=method, reference=reference)
    if errors:
        raise ValidationError(errors)
    return Payment(invoice_id=inv.id, amount=amount, date=on, method=method, reference=reference.strip())


def payment_problems(inv: Invoice, *, amount: Decimal | None = None, on: date | None = None,
                     method: PaymentMethod = PaymentMethod.CASH, reference: str | None = None) -> dict[str, str]:
    """A message for each bad field of a payment on ``inv`` among those given (a field left None is not checked:
    a dialog checks each field as the person leaves it)."""
    errors: dict[str, str] = {}
    due = inv.amount_due
    if amount is None:
        pass
    elif amount <= ZERO:
        errors["amount"] = "The amount must be more than zero"
    elif amount.quantize(CENT) != amount:
        errors["amount"] = "Use at most 2 decimal places for the amount"
    elif amount > due:
        errors["amount"] = f"More than the amount due of {format_money(due)}"
    if on is not None and on < inv.issue_date:
        errors["date"] = "The payment date is before the invoice's issue date"
    if (problem := reference_problem(reference, method)) is not None:
        errors["reference"] = problem
    return errors


def reference_problem(reference: str | None, method: PaymentMethod) -> str | None:
    """Why a payment's (or a refund's) reference cannot go to Xero after its method's label; None when it can."""
    reference = (reference or "").strip()
    limit = MAX_REFERENCE - len(method.value) - 2
    if (problem := control_problem(reference, "reference")) is not None:
        return problem
    if len(reference) > limit:
        return f"The reference can be at most {limit} characters"
    return None


def ensure_takes_payments(inv: Invoice) -> None:
    if inv.status is not InvoiceStatus.SENT:
        raise TransitionError(f"Only a sent invoice takes payments; this invoice is {inv.status.label}")


def ensure_removable(payment: Payment) -> None:
    if payment.removed:
        raise TransitionError("This payment was removed already")
    if payment.origin is PaymentOrigin.XERO:
        raise TransitionError("This payment was made in Xero: remove it there")


def after_payments(inv: Invoice, amount_paid: Decimal) -> Invoice:
    """The invoice with ``amount_paid`` from its payments: PAID when nothing is due, SENT again when a removal
    leaves something due."""
    out = inv.with_payment(amount_paid)
    if out.status is InvoiceStatus.PAID and out.amount_due > 0:
        out.status = InvoiceStatus.SENT
    return out
