"""SQLModel tables. Money columns are exact decimals, times aware UTC (:mod:`tui.store.column_types`); every editable row
carries a version for safe saves."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Column, Index, LargeBinary, UniqueConstraint
from sqlalchemy import false as sa_false
from sqlmodel import Field, SQLModel

from tui.store.column_types import ExactDecimal, UTCDateTime


def _money(**kw):
    return Field(default=Decimal("0"), sa_column=Column(ExactDecimal(), nullable=False, **kw))


class BusinessRow(SQLModel, table=True):
    __tablename__ = "business"
    id: int = Field(default=1, primary_key=True)
    name: str = ""
    abn: str = ""
    address: str = ""
    email: str = ""
    phone: str = ""
    prices_include_gst: bool = False
    time_zone: str = "Australia/Sydney"
    payment_terms_days: int = 14


class CustomerRow(SQLModel, table=True):
    __tablename__ = "customer"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(index=True, max_length=255)
    email: str = ""
    phone: str = ""
    address: str = ""
    first_name: str = ""
    last_name: str = ""
    postal_address: str = ""
    version: int = 1
    updated_at: datetime = Field(sa_type=UTCDateTime)
    updated_by: str = ""
    xero_contact_id: str | None = Field(default=None, index=True)


class InvoiceRow(SQLModel, table=True):
    __tablename__ = "invoice"
    __table_args__ = (
        UniqueConstraint("number", name="uq_invoice_number"),
        Index("ix_invoice_status_due", "status", "due_date"),
    )
    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=255)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    issue_date: date
    due_date: date
    reference: str = ""
    amounts: str = "Exclusive"  # Xero's LineAmountTypes
    status: str = "DRAFT"
    total: Decimal = _money()  # kept with the lines, so lists never load lines
    amount_paid: Decimal = _money()
    amount_credited: Decimal = _money(server_default="0")  # credit notes allocated to it
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    sent_to: str = ""
    send_error: str = ""
    # the send under way or done (:mod:`tui.store.sends`): its id (the email's Message-ID comes from it), who
    # claimed it and when, and the process doing it ("host:pid:token"; empty once the send is recorded done)
    send_id: str = Field(default="", sa_column_kwargs={"server_default": ""})
    send_by: str = Field(default="", sa_column_kwargs={"server_default": ""})
    send_claimed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    send_holder: str = Field(default="", sa_column_kwargs={"server_default": ""})
    version: int = 1
    updated_at: datetime = Field(sa_type=UTCDateTime)
    updated_by: str = ""
    xero_invoice_id: str | None = Field(default=None, index=True)


class InvoiceNumberingRow(SQLModel, table=True):
    """Per number prefix ("INV-"): the row a new invoice's number is taken under (``taken`` counts them, and the
    update locks the row until the insert commits), and the highest number Xero holds with that prefix."""

    __tablename__ = "invoice_numbering"
    prefix: str = Field(primary_key=True)
    xero_highest: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    taken: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class LineItemRow(SQLModel, table=True):
    __tablename__ = "line_item"
    id: int | None = Field(default=None, primary_key=True)
    invoice_id: int = Field(foreign_key="invoice.id", index=True, ondelete="CASCADE")
    position: int
    description: str
    quantity: Decimal = _money()
    unit_price: Decimal = _money()
    category: str = "General Sales"
    tax_type: str = "OUTPUT"


class XeroConnectionRow(SQLModel, table=True):
    """One row per Xero organisation this business has connected. Tokens are never stored here in plain text."""

    __tablename__ = "xero_connection"
    tenant_id: str = Field(primary_key=True)
    tenant_name: str = ""
    tenant_type: str = "ORGANISATION"
    connection_id: str = ""
    kind: str = "oauth"  # oauth | custom
    status: str = "connected"  # connected | disconnected
    reason: str = ""
    connected_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    disconnected_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    active: bool = True  # the organisation the business syncs with
    # Just connected: the sync sends nothing until the user has been through the revenue accounts (Xero screen).
    accounts_pending: bool = Field(default=False, sa_column_kwargs={"server_default": sa_false()})


class AccountMappingRow(SQLModel, table=True):
    """Which Xero revenue account each revenue category posts to, per organisation."""

    __tablename__ = "account_mapping"
    tenant_id: str = Field(primary_key=True)
    category: str = Field(primary_key=True)
    account_code: str
    account_name: str = ""
    account_id: str = ""
    archived: bool = False


class PaymentRow(SQLModel, table=True):
    """A payment against an invoice: taken here (``origin`` local, sent to Xero) or read back from Xero.
    ``idempotency_key`` is the key of the request that last carried it to Xero (written before the request);
    a removed payment keeps its row until Xero has the removal too."""

    __tablename__ = "payment"
    id: int | None = Field(default=None, primary_key=True)
    invoice_id: int = Field(foreign_key="invoice.id", index=True)
    amount: Decimal = _money()
    date: date
    method: str = ""  # PaymentMethod's value; empty for a payment made in Xero
    reference: str = ""
    origin: str = "local"  # local | xero
    xero_payment_id: str | None = Field(default=None, index=True)
    idempotency_key: str = ""
    created_at: datetime = Field(sa_type=UTCDateTime)
    created_by: str = ""
    removed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    removed_by: str = ""


class PaymentAccountRow(SQLModel, table=True):
    """Which Xero account (a bank account, or one with payments enabled) takes each payment method's payments,
    per organisation; ``method`` "Default" takes those of every method without its own."""

    __tablename__ = "payment_account"
    tenant_id: str = Field(primary_key=True)
    method: str = Field(primary_key=True)
    account_code: str
    account_name: str = ""
    account_id: str = ""


from tui.store.sync_tables import (  # noqa: E402,F401  (the sync engine's tables, on the same metadata)
    SyncBatchRow, SyncConflictRow, SyncLeaseRow, SyncLogRow, SyncOutboxRow, SyncRecordRow, SyncStateRow,
)


class XeroTokenSetRow(SQLModel, table=True):
    """A Fernet-encrypted token set, for machines sharing one PostgreSQL database; the key never is in the DB."""

    __tablename__ = "xero_token_set"
    tenant_id: str = Field(primary_key=True)
    blob: bytes = Field(sa_column=Column(LargeBinary(), nullable=False))
    updated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class SharedSecretRow(SQLModel, table=True):
    """A Fernet-encrypted secret of a site install (SMTP password, client secret...); the key never is in the DB."""

    __tablename__ = "shared_secret"
    name: str = Field(primary_key=True)
    blob: bytes = Field(sa_column=Column(LargeBinary(), nullable=False))
    updated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


from tui.store.credit_tables import (  # noqa: E402,F401  (credit notes, on the same metadata)
    CreditAllocationRow, CreditNoteLineRow, CreditNoteNumberingRow, CreditNoteRow, CreditRefundRow,
)
from tui.store.serve_access import ServeLinkRow, ServeSessionRow  # noqa: E402,F401  (`tradiecore serve`'s sign-ins)
