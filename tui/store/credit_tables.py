"""Tables of credit notes: the notes and their lines, their allocations to invoices, their refunds, and their
numbering. Money columns are exact decimals, times aware UTC; a credit note carries a version for safe saves and
the columns of a send under way, as an invoice does (:mod:`tui.store.credit_sends`)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Column, UniqueConstraint
from sqlalchemy import false as sa_false
from sqlmodel import Field, SQLModel

from tui.store.column_types import ExactDecimal, UTCDateTime


def _money():
    return Field(default=Decimal("0"), sa_column=Column(ExactDecimal(), nullable=False))


class CreditNoteRow(SQLModel, table=True):
    """A credit note: made here (``origin`` local, sent to Xero once sent) or read back from Xero."""

    __tablename__ = "credit_note"
    __table_args__ = (UniqueConstraint("number", name="uq_credit_note_number"),)
    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=255)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    invoice_id: int | None = Field(default=None, foreign_key="invoice.id", index=True)  # made from it
    issue_date: date
    reference: str = ""
    amounts: str = "Exclusive"
    status: str = "DRAFT"
    total: Decimal = _money()
    amount_allocated: Decimal = _money()
    amount_refunded: Decimal = _money()
    amount_elsewhere: Decimal = _money()  # allocated in Xero to invoices that are not this app's
    origin: str = "local"  # local | xero
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    sent_to: str = ""
    send_error: str = ""
    send_id: str = ""
    send_by: str = ""
    send_claimed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    send_holder: str = ""
    version: int = 1
    updated_at: datetime = Field(sa_type=UTCDateTime)
    updated_by: str = ""
    xero_credit_note_id: str | None = Field(default=None, index=True)
    idempotency_key: str = ""  # of the request that last carried its creation to Xero (written before it)


class CreditNoteLineRow(SQLModel, table=True):
    __tablename__ = "credit_note_line"
    id: int | None = Field(default=None, primary_key=True)
    credit_note_id: int = Field(foreign_key="credit_note.id", index=True, ondelete="CASCADE")
    position: int
    description: str
    quantity: Decimal = _money()
    unit_price: Decimal = _money()
    category: str = "General Sales"
    tax_type: str = "OUTPUT"


class CreditAllocationRow(SQLModel, table=True):
    """Credit from a credit note applied to an invoice; a removed one keeps its row until Xero has the removal."""

    __tablename__ = "credit_allocation"
    id: int | None = Field(default=None, primary_key=True)
    credit_note_id: int = Field(foreign_key="credit_note.id", index=True)
    invoice_id: int = Field(foreign_key="invoice.id", index=True)
    amount: Decimal = _money()
    date: date
    origin: str = "local"  # local | xero
    xero_allocation_id: str | None = Field(default=None, index=True)
    idempotency_key: str = ""
    created_at: datetime = Field(sa_type=UTCDateTime)
    created_by: str = ""
    removed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    removed_by: str = ""


class CreditRefundRow(SQLModel, table=True):
    """Credit paid back to the customer: a payment out of a payment account, against the credit note."""

    __tablename__ = "credit_refund"
    id: int | None = Field(default=None, primary_key=True)
    credit_note_id: int = Field(foreign_key="credit_note.id", index=True)
    amount: Decimal = _money()
    date: date
    method: str = ""  # PaymentMethod's value; empty for one made in Xero
    reference: str = ""
    origin: str = "local"
    xero_payment_id: str | None = Field(default=None, index=True)
    idempotency_key: str = ""
    created_at: datetime = Field(sa_type=UTCDateTime)
    created_by: str = ""
    removed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    removed_by: str = ""


class CreditNoteNumberingRow(SQLModel, table=True):
    """Per credit note number prefix: the row a new number is taken under (the update locks it until the insert
    commits), the highest number Xero holds with it, and whether it is the prefix in use (one row is)."""

    __tablename__ = "credit_note_numbering"
    prefix: str = Field(primary_key=True)
    xero_highest: int = 0
    taken: int = 0
    in_use: bool = Field(default=False, sa_column_kwargs={"server_default": sa_false()})
