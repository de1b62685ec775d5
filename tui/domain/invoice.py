"""Invoices: lines, totals with Xero's per-line tax rounding, validation and the state machine.

States: DRAFT -> SENT (emailed) -> PAID, and SENT -> VOIDED. Drafts can be edited and deleted; sent invoices
can be edited (the sync pushes the change) or voided; paid and voided invoices are final.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from enum import Enum

from tui.domain.errors import TransitionError, ValidationError
from tui.domain.money import ZERO, cents, parse_decimal
from tui.domain.tax import DEFAULT_TAX_RATE, LineAmountTypes, line_tax, tax_rate
from tui.domain.text import control_problem, control_problems

MAX_QUANTITY = Decimal("100000")
MAX_UNIT_PRICE = Decimal("10000000")
MAX_LINES = 200
MAX_DESCRIPTION = 4000
QUANTITY_PLACES = 4  # Xero keeps a line's quantity and unit price to 4 decimal places
PRICE_PLACES = 4


def parse_quantity(text: str) -> Decimal:
    """A typed quantity: no commas, at most 4 decimal places. ValueError with a message for beside the field."""
    return parse_decimal(text, places=QUANTITY_PLACES, what="quantity")


def parse_unit_price(text: str) -> Decimal:
    """A typed unit price: "$1,500.00" reads; at most 4 decimal places. ValueError with a message as above."""
    return parse_decimal(text, places=PRICE_PLACES, what="unit price", thousands=True)


class InvoiceStatus(str, Enum):
    DRAFT = "DRAFT"
    SENT = "SENT"
    PAID = "PAID"
    VOIDED = "VOIDED"

    @property
    def label(self) -> str:
        return self.value.title()


class RevenueCategory(str, Enum):
    """What a line earns: each maps to one account in Xero's chart of accounts."""

    GENERAL_SALES = "General Sales"
    MATERIALS = "Materials"
    LABOUR = "Labour"


@dataclass(frozen=True)
class LineItem:
    description: str
    quantity: Decimal
    unit_price: Decimal
    category: RevenueCategory = RevenueCategory.GENERAL_SALES
    tax_type: str = DEFAULT_TAX_RATE.tax_type

    @property
    def line_amount(self) -> Decimal:
        """Quantity x unit price, rounded to the cent (Xero's LineAmount)."""
        return cents(self.quantity * self.unit_price)

    def tax(self, amounts: LineAmountTypes) -> Decimal:
        return line_tax(self.line_amount, tax_rate(self.tax_type), amounts)


@dataclass(frozen=True)
class Totals:
    subtotal: Decimal
    tax: Decimal
    total: Decimal


def totals(lines: list[LineItem] | tuple[LineItem, ...], amounts: LineAmountTypes) -> Totals:
    """Subtotal, GST and total exactly as Xero computes them: tax rounded per line, then summed."""
    line_sum = sum((line.line_amount for line in lines), ZERO)
    tax = sum((line.tax(amounts) for line in lines), ZERO)
    subtotal = line_sum - tax if amounts is LineAmountTypes.INCLUSIVE else line_sum
    return Totals(subtotal=subtotal, tax=tax, total=subtotal + tax)


@dataclass
class Invoice:
    customer_id: int | None
    issue_date: date
    due_date: date
    lines: list[LineItem] = field(default_factory=list)
    number: str = ""
    reference: str = ""
    amounts: LineAmountTypes = LineAmountTypes.EXCLUSIVE
    status: InvoiceStatus = InvoiceStatus.DRAFT
    amount_paid: Decimal = ZERO
    amount_credited: Decimal = ZERO  # credit notes allocated to it
    sent_at: datetime | None = None
    sent_to: str = ""
    id: int | None = None
    version: int = 0

    @property
    def totals(self) -> Totals:
        return totals(self.lines, self.amounts)

    @property
    def amount_due(self) -> Decimal:
        return self.totals.total - self.amount_paid - self.amount_credited

    @property
    def editable(self) -> bool:
        return self.status in (InvoiceStatus.DRAFT, InvoiceStatus.SENT)

    def is_overdue(self, today: date) -> bool:
        return self.status is InvoiceStatus.SENT and self.due_date < today and self.amount_due > 0

    def validate(self) -> None:
        """ValidationError naming each bad field (see :meth:`problems`)."""
        errors = self.problems()
        if errors:
            raise ValidationError(errors)

    def problems(self) -> dict[str, str]:
        """A message for each bad field, none when the invoice is valid; line fields are keyed ``lines.N.field``."""
        errors: dict[str, str] = {}
        if self.customer_id is None:
            errors["customer"] = "Choose a customer"
        if self.due_date < self.issue_date:
            errors["due_date"] = "The due date is before the issue date"
        errors.update(document_problems(self.lines, self.number, self.reference, "An invoice"))
        return errors

    def ensure_editable(self) -> None:
        if self.status is InvoiceStatus.PAID:
            raise TransitionError("This invoice is paid: Xero does not allow changes to a paid invoice")
        if self.status is InvoiceStatus.VOIDED:
            raise TransitionError("This invoice is voided and cannot be changed")
        if self.status is InvoiceStatus.SENT and self.amount_paid > 0:
            raise TransitionError("This invoice has a payment: remove the payment before editing")
        if self.status is InvoiceStatus.SENT and self.amount_credited > 0:
            raise TransitionError("This invoice has a credit note allocated: remove the allocation before editing")

    def sent(self, to: str, at: datetime) -> "Invoice":
        if self.status is not InvoiceStatus.DRAFT:
            raise TransitionError(f"Only a draft can be sent; this invoice is {self.status.label}")
        self.validate()
        return replace(self, status=InvoiceStatus.SENT, sent_to=to, sent_at=at)

    def ensure_can_send_again(self) -> None:
        """A sent or paid invoice may be emailed again (a lost email, a copy for the records); it stays as it is."""
        if self.status is InvoiceStatus.DRAFT:
            raise TransitionError("This invoice is a draft: send it first (Ctrl+E)")
        if self.status is InvoiceStatus.VOIDED:
            raise TransitionError("This invoice is voided: it cannot be sent again")

    def voided(self) -> "Invoice":
        if self.status is not InvoiceStatus.SENT:
            raise TransitionError(f"Only a sent invoice can be voided; this invoice is {self.status.label}")
        if self.amount_paid > 0:
            raise TransitionError("This invoice has payments: remove them before voiding")
        if self.amount_credited > 0:
            raise TransitionError("This invoice has credit notes allocated: remove them before voiding")
        return replace(self, status=InvoiceStatus.VOIDED)

    def ensure_deletable(self) -> None:
        if self.status is not InvoiceStatus.DRAFT:
            raise TransitionError("Only drafts can be deleted; void a sent invoice instead")

    def with_payment(self, amount_paid: Decimal) -> "Invoice":
        """A payment seen in Xero: fully paid moves the invoice to PAID."""
        paid = replace(self, amount_paid=amount_paid)
        if paid.status is InvoiceStatus.SENT and paid.amount_due <= 0:
            paid = replace(paid, status=InvoiceStatus.PAID)
        return paid


def document_problems(lines: list[LineItem], number: str, reference: str, what: str) -> dict[str, str]:
    """The lines' (keyed ``lines.N.field``), number's and reference's problems, shared by invoices and credit notes;
    ``what`` names the document ("An invoice")."""
    errors: dict[str, str] = {}
    if not lines:
        errors["lines"] = "Add at least one line"
    if len(lines) > MAX_LINES:
        errors["lines"] = f"{what} can have at most {MAX_LINES} lines"
    for i, line in enumerate(lines):
        errors.update({f"lines.{i}.{k}": v for k, v in line_errors(line).items()})
    if len(reference) > 255:
        errors["reference"] = "The reference can be at most 255 characters"
    errors.update(control_problems({"number": (number, "number"), "reference": (reference, "reference")}))
    return errors


def line_errors(line: LineItem) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not line.description.strip():
        errors["description"] = "Describe the work or item"
    elif (problem := control_problem(line.description, "description")) is not None:
        errors["description"] = problem
    elif len(line.description) > MAX_DESCRIPTION:
        errors["description"] = f"At most {MAX_DESCRIPTION} characters"
    if line.quantity <= 0:
        errors["quantity"] = "The quantity must be more than zero"
    elif line.quantity > MAX_QUANTITY:
        errors["quantity"] = f"A quantity over {MAX_QUANTITY:,} looks like a typo"
    if line.unit_price < 0:
        errors["unit_price"] = "Prices can't be negative"
    elif line.unit_price > MAX_UNIT_PRICE:
        errors["unit_price"] = f"A price over ${MAX_UNIT_PRICE:,} looks like a typo"
    try:
        tax_rate(line.tax_type)
    except KeyError:
        errors["tax_type"] = f"Unknown tax rate {line.tax_type}"
    return errors
