"""The sandbox's records: organisations and their books, and the identity service's users, apps and grants.

Plain dataclasses; money is Decimal, instants are aware UTC datetimes. Secrets that clients present later
(access, refresh and authorisation codes) are kept only as SHA-256 digests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

ACCOUNT_CLASS = {
    "BANK": "ASSET", "CURRENT": "ASSET", "FIXED": "ASSET", "INVENTORY": "ASSET", "NONCURRENT": "ASSET",
    "PREPAYMENT": "ASSET", "CURRLIAB": "LIABILITY", "LIABILITY": "LIABILITY", "TERMLIAB": "LIABILITY",
    "PAYG": "LIABILITY", "EQUITY": "EQUITY", "REVENUE": "REVENUE", "SALES": "REVENUE",
    "OTHERINCOME": "REVENUE", "EXPENSE": "EXPENSE", "DIRECTCOSTS": "EXPENSE", "OVERHEADS": "EXPENSE",
    "DEPRECIATN": "EXPENSE",
}


@dataclass
class Account:
    account_id: str
    code: str
    name: str
    type: str
    tax_type: str
    updated: datetime
    status: str = "ACTIVE"
    description: str = ""
    bank_account_number: str = ""
    system_account: str = ""
    enable_payments: bool = False

    @property
    def account_class(self) -> str:
        return ACCOUNT_CLASS[self.type]


@dataclass
class TaxRate:
    name: str
    tax_type: str
    report_tax_type: str
    rate: Decimal
    applies_to: list[str]  # account classes: REVENUE, EXPENSE, ASSET, LIABILITY, EQUITY
    status: str = "ACTIVE"


@dataclass
class Contact:
    contact_id: str
    name: str
    updated: datetime
    status: str = "ACTIVE"
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    contact_number: str = ""
    account_number: str = ""
    tax_number: str = ""
    is_customer: bool = False
    is_supplier: bool = False
    addresses: list[dict] = field(default_factory=list)
    phones: list[dict] = field(default_factory=list)
    merged_to: str = ""  # MergedToContactID: merged in Xero into that contact (this one is archived)


@dataclass
class LineItem:
    line_item_id: str
    description: str
    quantity: Decimal
    unit_amount: Decimal  # kept to 4 decimals; shown to 2 unless the request says unitdp=4
    account_code: str
    tax_type: str
    line_amount: Decimal
    tax_amount: Decimal
    item_code: str = ""
    discount_rate: Decimal | None = None


@dataclass
class Invoice:
    invoice_id: str
    type: str
    contact_id: str
    number: str
    status: str
    line_amount_types: str
    updated: datetime
    date: date | None = None
    due_date: date | None = None
    reference: str = ""
    currency_code: str = "AUD"
    sent_to_contact: bool = False
    line_items: list[LineItem] = field(default_factory=list)
    sub_total: Decimal = Decimal("0.00")
    total_tax: Decimal = Decimal("0.00")
    total: Decimal = Decimal("0.00")
    amount_paid: Decimal = Decimal("0.00")
    payment_ids: list[str] = field(default_factory=list)
    fully_paid_on: date | None = None
    amount_credited: Decimal = Decimal("0.00")  # credit notes allocated to it (`tui.sandbox.allocations`)

    @property
    def amount_due(self) -> Decimal:
        if self.status in ("VOIDED", "DELETED"):
            return Decimal("0.00")
        return self.total - self.amount_paid - self.amount_credited


@dataclass
class CreditNote:
    """A credit note: lines and totals as an invoice's; its credit goes to invoices (allocations) or back to the
    contact (payments, i.e. refunds)."""

    credit_note_id: str
    type: str  # ACCRECCREDIT or ACCPAYCREDIT
    contact_id: str
    number: str
    status: str
    line_amount_types: str
    updated: datetime
    date: date | None = None
    due_date: date | None = None
    reference: str = ""
    currency_code: str = "AUD"
    sent_to_contact: bool = False
    line_items: list[LineItem] = field(default_factory=list)
    sub_total: Decimal = Decimal("0.00")
    total_tax: Decimal = Decimal("0.00")
    total: Decimal = Decimal("0.00")
    amount_allocated: Decimal = Decimal("0.00")
    amount_paid: Decimal = Decimal("0.00")  # refunded
    allocation_ids: list[str] = field(default_factory=list)
    payment_ids: list[str] = field(default_factory=list)
    fully_paid_on: date | None = None

    @property
    def remaining_credit(self) -> Decimal:
        if self.status in ("VOIDED", "DELETED"):
            return Decimal("0.00")
        return self.total - self.amount_allocated - self.amount_paid


@dataclass
class Allocation:
    """Part of a credit note's credit applied to an invoice of the same contact."""

    allocation_id: str
    credit_note_id: str
    invoice_id: str
    amount: Decimal
    date: date
    updated: datetime
    deleted: bool = False


@dataclass
class Payment:
    payment_id: str
    invoice_id: str
    account_id: str
    date: date
    amount: Decimal
    updated: datetime
    reference: str = ""
    status: str = "AUTHORISED"
    credit_note_id: str = ""  # a refund: paid out against this credit note (invoice_id is then empty)


@dataclass
class Organisation:
    organisation_id: str
    name: str
    short_code: str
    created: datetime
    legal_name: str = ""
    tax_number: str = ""
    timezone: str = "AUSEASTERNSTANDARDTIME"
    is_demo: bool = False
    accounts: dict[str, Account] = field(default_factory=dict)
    tax_rates: list[TaxRate] = field(default_factory=list)
    contacts: dict[str, Contact] = field(default_factory=dict)
    invoices: dict[str, Invoice] = field(default_factory=dict)
    payments: dict[str, Payment] = field(default_factory=dict)
    credit_notes: dict[str, CreditNote] = field(default_factory=dict)
    allocations: dict[str, Allocation] = field(default_factory=dict)
    next_invoice_number: int = 1

    def account_by_code(self, code: str) -> Account | None:
        return next((a for a in self.accounts.values() if a.code == code), None)

    def tax_rate(self, tax_type: str) -> TaxRate | None:
        return next((t for t in self.tax_rates if t.tax_type == tax_type), None)


@dataclass
class User:
    user_id: str
    email: str
    password: str
    name: str
    tenant_ids: list[str]


@dataclass
class Client:
    """An app registered with the identity service: a PKCE app (no secret) or a custom connection."""

    client_id: str
    name: str
    kind: str  # "pkce" or "custom"
    secret: str | None = None
    redirect_uris: list[str] = field(default_factory=list)
    tenant_id: str | None = None  # a custom connection's one organisation


@dataclass
class Connection:
    connection_id: str
    client_id: str
    user_id: str | None
    tenant_id: str
    auth_event_id: str
    created: datetime
    updated: datetime


@dataclass
class Grant:
    """One authorisation (an auth event): what a user allowed an app, and the refresh tokens descended from it."""

    grant_id: str
    client_id: str
    user_id: str | None
    scopes: list[str]
    created: datetime
    revoked: bool = False


@dataclass
class AuthCode:
    digest: str
    grant_id: str
    client_id: str
    redirect_uri: str
    code_challenge: str
    expires: datetime
    used: bool = False


@dataclass
class AccessToken:
    digest: str
    grant_id: str
    client_id: str
    expires: datetime
    tenant_id: str | None = None  # set for custom connections
    scopes: list[str] | None = None  # what this token may do, when less than its grant (client credentials)


@dataclass
class RefreshToken:
    digest: str
    grant_id: str
    expires: datetime
    superseded: datetime | None = None  # when a newer token replaced it; usable for the grace period after
