"""A fresh sandbox: "Demo Company (AU)" and a second organisation, each with an Australian chart of accounts and
GST tax rates; contacts and invoices in the demo company; a login user, a PKCE app and a custom connection.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import timedelta
from decimal import Decimal

from tui.sandbox.journal import Journal
from tui.sandbox.models import Account, Client, Connection, Contact, Organisation, TaxRate, User
from tui.sandbox.invoices import save_invoice
from tui.sandbox.payments import save_payment
from tui.sandbox.state import SandboxState

# code, name, type, tax type, status, system account
CHART = [
    ("090", "Business Bank Account", "BANK", "BASEXCLUDED", "ACTIVE", ""),
    ("091", "Business Savings Account", "BANK", "BASEXCLUDED", "ACTIVE", ""),
    ("120", "Accounts Receivable", "CURRENT", "BASEXCLUDED", "ACTIVE", "DEBTORS"),
    ("130", "Prepayments", "CURRENT", "BASEXCLUDED", "ACTIVE", ""),
    ("140", "Inventory", "INVENTORY", "BASEXCLUDED", "ACTIVE", ""),
    ("150", "Office Equipment", "FIXED", "INPUT", "ACTIVE", ""),
    ("151", "Less Accumulated Depreciation on Office Equipment", "FIXED", "BASEXCLUDED", "ACTIVE", ""),
    ("160", "Computer Equipment", "FIXED", "INPUT", "ACTIVE", ""),
    ("170", "Tools and Equipment", "FIXED", "INPUT", "ACTIVE", ""),
    ("200", "Sales", "REVENUE", "OUTPUT", "ACTIVE", ""),
    ("210", "Labour Income", "REVENUE", "OUTPUT", "ACTIVE", ""),
    ("220", "Materials Income", "REVENUE", "OUTPUT", "ACTIVE", ""),
    ("250", "Sales - Old Price List", "REVENUE", "OUTPUT", "ARCHIVED", ""),
    ("260", "Other Revenue", "REVENUE", "OUTPUT", "ACTIVE", ""),
    ("270", "Interest Income", "REVENUE", "EXEMPTOUTPUT", "ACTIVE", ""),
    ("310", "Cost of Goods Sold", "DIRECTCOSTS", "INPUT", "ACTIVE", ""),
    ("320", "Subcontractors", "DIRECTCOSTS", "INPUT", "ACTIVE", ""),
    ("400", "Advertising", "EXPENSE", "INPUT", "ACTIVE", ""),
    ("404", "Bank Fees", "EXPENSE", "EXEMPTEXPENSES", "ACTIVE", ""),
    ("408", "Cleaning", "EXPENSE", "INPUT", "ACTIVE", ""),
    ("412", "Consulting & Accounting", "EXPENSE", "INPUT", "ACTIVE", ""),
    ("416", "Depreciation", "DEPRECIATN", "BASEXCLUDED", "ACTIVE", ""),
    ("420", "Entertainment", "EXPENSE", "BASEXCLUDED", "ACTIVE", ""),
    ("429", "General Expenses", "EXPENSE", "INPUT", "ACTIVE", ""),
    ("433", "Insurance", "EXPENSE", "INPUT", "ACTIVE", ""),
    ("445", "Light, Power, Heating", "EXPENSE", "INPUT", "ACTIVE", ""),
    ("449", "Motor Vehicle Expenses", "EXPENSE", "INPUT", "ACTIVE", ""),
    ("455", "Motor Vehicle Leasing (old)", "EXPENSE", "INPUT", "ARCHIVED", ""),
    ("461", "Printing & Stationery", "EXPENSE", "INPUT", "ACTIVE", ""),
    ("469", "Rent", "OVERHEADS", "INPUT", "ACTIVE", ""),
    ("473", "Repairs and Maintenance", "EXPENSE", "INPUT", "ACTIVE", ""),
    ("477", "Wages and Salaries", "EXPENSE", "BASEXCLUDED", "ACTIVE", ""),
    ("485", "Subscriptions", "EXPENSE", "INPUT", "ACTIVE", ""),
    ("489", "Telephone & Internet", "EXPENSE", "INPUT", "ACTIVE", ""),
    ("493", "Travel - National", "EXPENSE", "INPUT", "ACTIVE", ""),
    ("800", "Accounts Payable", "CURRLIAB", "BASEXCLUDED", "ACTIVE", "CREDITORS"),
    ("820", "GST", "CURRLIAB", "BASEXCLUDED", "ACTIVE", "GST"),
    ("825", "PAYG Withholdings Payable", "CURRLIAB", "BASEXCLUDED", "ACTIVE", ""),
    ("900", "Loan", "TERMLIAB", "BASEXCLUDED", "ACTIVE", ""),
    ("960", "Retained Earnings", "EQUITY", "BASEXCLUDED", "ACTIVE", "RETAINEDEARNINGS"),
    ("970", "Owner A Share Capital", "EQUITY", "BASEXCLUDED", "ACTIVE", ""),
]

ALL_CLASSES = ["ASSET", "EQUITY", "EXPENSE", "LIABILITY", "REVENUE"]
# name, tax type, report tax type, rate %, classes it applies to
TAX_RATES = [
    ("GST on Income", "OUTPUT", "OUTPUT", "10.0000", ["REVENUE", "LIABILITY", "ASSET"]),
    ("GST on Expenses", "INPUT", "INPUT", "10.0000", ["EXPENSE", "ASSET", "LIABILITY"]),
    ("GST Free Income", "EXEMPTOUTPUT", "EXEMPTOUTPUT", "0.0000", ["REVENUE", "LIABILITY", "ASSET"]),
    ("GST Free Expenses", "EXEMPTEXPENSES", "EXEMPTEXPENSES", "0.0000", ["EXPENSE", "ASSET", "LIABILITY"]),
    ("GST on Capital", "CAPEXINPUT", "CAPEXINPUT", "10.0000", ["ASSET", "EXPENSE"]),
    ("GST Free Capital", "EXEMPTCAPITAL", "EXEMPTCAPITAL", "0.0000", ["ASSET", "EXPENSE"]),
    ("GST on Imports", "GSTONIMPORTS", "GSTONIMPORTS", "0.0000", ["EXPENSE", "ASSET", "LIABILITY"]),
    ("Input Taxed", "INPUTTAXED", "INPUTTAXED", "0.0000", ["REVENUE", "EXPENSE", "ASSET", "LIABILITY"]),
    ("BAS Excluded", "BASEXCLUDED", "BASEXCLUDED", "0.0000", ALL_CLASSES),
    ("GST Free Exports", "EXEMPTEXPORT", "EXEMPTEXPORT", "0.0000", ["REVENUE"]),
]

DEMO_CONTACTS = [
    ("Bayside Club", "Bayside", "Club", "secretarybob@bsclub.co", "0412 555 301"),
    ("Marine Systems", "Ana", "Ruiz", "accounts@marinesystems.com.au", "02 9555 0192"),
    ("Ridgeway University", "Dean", "Hart", "ap@ridgeway.edu.au", "03 9555 0110"),
    ("Boom FM", "Jordan", "Lee", "finance@boomfm.com.au", "07 3555 0147"),
    ("City Agency", "Priya", "Shah", "priya@cityagency.com.au", "08 8555 0133"),
    ("Hamilton Smith Ltd", "Ross", "Hamilton", "ross@hamiltonsmith.com.au", ""),
]


def _organisation(state: SandboxState, name: str, short_code: str, *, is_demo: bool) -> Organisation:
    now = state.clock.now()
    org = Organisation(
        organisation_id=str(uuid.uuid4()), name=name, short_code=short_code, created=now - timedelta(days=400),
        legal_name=name, tax_number="12 345 678 901" if is_demo else "98 765 432 109", is_demo=is_demo,
    )
    for code, acc_name, acc_type, tax_type, status, system in CHART:
        account = Account(
            account_id=str(uuid.uuid4()), code=code, name=acc_name, type=acc_type, tax_type=tax_type,
            updated=now - timedelta(days=30), status=status, system_account=system,
            bank_account_number="062-000 1234 5678" if acc_type == "BANK" else "",
        )
        org.accounts[account.account_id] = account
    org.tax_rates = [TaxRate(n, t, r, Decimal(rate), classes) for n, t, r, rate, classes in TAX_RATES]
    state.organisations[org.organisation_id] = org
    return org


def _demo_books(state: SandboxState, org: Organisation) -> None:
    now = state.clock.now()
    for name, first, last, email, phone in DEMO_CONTACTS:
        contact = Contact(
            contact_id=str(uuid.uuid4()), name=name, updated=now - timedelta(days=20), first_name=first,
            last_name=last, email=email, status="ARCHIVED" if name == "Hamilton Smith Ltd" else "ACTIVE",
            phones=[{"PhoneType": "DEFAULT", "PhoneNumber": phone}] if phone else [],
        )
        org.contacts[contact.contact_id] = contact
    day = now.date()
    invoices = [
        ("Bayside Club", "AUTHORISED", "Annual backflow testing", "2", "180.00", "210", -30, -16),
        ("Marine Systems", "AUTHORISED", "Switchboard upgrade", "1", "2450.00", "200", -10, 4),
        ("Ridgeway University", "DRAFT", "Replace hot water unit", "1", "1890.50", "200", -2, 12),
        ("Boom FM", "AUTHORISED", "After-hours call out", "3", "95.00", "210", -45, -31),
        ("City Agency", "AUTHORISED", "Lighting fit-out", "1", "730.00", "200", -60, -46),
    ]
    journal = Journal(org)
    created = []
    for contact, status, desc, qty, unit, code, issued, due in invoices:
        invoice, errors = save_invoice(journal, {
            "Type": "ACCREC", "Contact": {"Name": contact}, "Status": status,
            "Date": (day + timedelta(days=issued)).isoformat(), "DueDate": (day + timedelta(days=due)).isoformat(),
            "LineAmountTypes": "Exclusive",
            "LineItems": [{"Description": desc, "Quantity": qty, "UnitAmount": unit, "AccountCode": code}],
        }, now=now - timedelta(days=1), unitdp=2, create_only=True)
        assert invoice is not None, errors
        created.append(invoice)
    bank = org.account_by_code("090")
    _, errors = save_payment(journal, {
        "Invoice": {"InvoiceID": created[3].invoice_id}, "Account": {"AccountID": bank.account_id},
        "Amount": str(created[3].total), "Date": (day - timedelta(days=20)).isoformat(), "Reference": "EFT",
    }, now=now - timedelta(hours=12))
    assert not errors, errors
    voided = org.invoices[created[4].invoice_id]
    save_invoice(journal, {"Status": "VOIDED"}, now=now - timedelta(hours=6), unitdp=2, create_only=False,
                 existing=voided)


def seed(state: SandboxState, *, redirect_uris: list[str] | tuple[str, ...] = ()) -> SandboxState:
    """Fill an empty state with the standard organisations, user and apps."""
    demo = _organisation(state, "Demo Company (AU)", "!Dm7Qx", is_demo=True)
    _organisation(state, "Smith Plumbing & Gas Pty Ltd", "!Sp4Kw", is_demo=False)
    _demo_books(state, demo)
    user = User(user_id=str(uuid.uuid4()), email="demo@sandbox.example", password=secrets.token_urlsafe(9),
                name="Demo User", tenant_ids=list(state.organisations))
    state.users[user.user_id] = user
    pkce = Client(client_id=secrets.token_hex(16).upper(), name="tradiecore", kind="pkce",
                  redirect_uris=list(redirect_uris))
    custom = Client(client_id=secrets.token_hex(16).upper(), name="tradiecore (custom connection)", kind="custom",
                    secret=secrets.token_urlsafe(36), tenant_id=demo.organisation_id)
    state.clients[pkce.client_id] = pkce
    state.clients[custom.client_id] = custom
    now = state.clock.now()
    conn = Connection(connection_id=str(uuid.uuid4()), client_id=custom.client_id, user_id=None,
                      tenant_id=demo.organisation_id, auth_event_id=str(uuid.uuid4()), created=now, updated=now)
    state.connections[conn.connection_id] = conn
    return state
