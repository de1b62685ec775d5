"""Realistic Australian demo data: a plumbing business, its customers and a spread of invoices.

Dates are relative to the business's today, so the To Do screen always has overdue, draft and awaiting work.
Used by `tradiecore demo` and, with a fixed clock, by the snapshot tests.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo
from decimal import Decimal

from tui.domain.business import BusinessDetails
from tui.domain.customer import Customer
from tui.domain.invoice import Invoice, InvoiceStatus, LineItem, RevenueCategory

BUSINESS = BusinessDetails(
    name="Harbour City Plumbing Pty Ltd",
    abn="53 004 085 616",
    address="14 Wattle Street, Ultimo NSW 2007",
    email="accounts@harbourcityplumbing.example",
    phone="02 9555 0142",
    prices_include_gst=False,
    time_zone="Australia/Sydney",
    payment_terms_days=14,
)

CUSTOMERS = [
    Customer("Olivia Nguyen", "olivia.nguyen@example.com", "0412 555 018", "3/21 Glebe Point Road, Glebe NSW 2037",
             first_name="Olivia", last_name="Nguyen"),
    Customer("Jack & Mia O'Brien", "obriens@example.com", "0433 555 271", "8 Fern Avenue, Marrickville NSW 2204"),
    Customer("Sunrise Strata Management", "levies@sunrisestrata.example", "02 9555 7720",
             "Level 4, 88 George Street, Parramatta NSW 2150", postal_address="PO Box 412, Parramatta NSW 2124"),
    Customer("Bondi Beach Cafe", "owner@bondibeachcafe.example", "02 9555 3311", "112 Campbell Parade, Bondi Beach NSW 2026"),
    Customer("Priya Sharma", "priya.sharma@example.com", "0421 555 904", "56 Railway Parade, Kogarah NSW 2217"),
    Customer("Coastal Builders Pty Ltd", "ap@coastalbuilders.example", "02 4555 6100", "2 Industrial Drive, Mayfield NSW 2304"),
    Customer("Liam Walker", "liam.walker@example.com", "0400 555 377", "19 Banksia Crescent, Cronulla NSW 2230"),
    Customer("St Brigid's Primary School", "office@stbrigids.example", "02 9555 2440", "1 Church Street, Ryde NSW 2112"),
]

# The business has traded for a while: its numbers carry on from INV-0100, clear of the invoices the Xero
# demo company already holds (INV-0001...), so the demo's first sync has nothing to untangle.
FIRST_NUMBER = 101

L, M, G = RevenueCategory.LABOUR, RevenueCategory.MATERIALS, RevenueCategory.GENERAL_SALES

# (customer index, days before today issued, status, lines, reference)
INVOICES = [
    (0, 40, InvoiceStatus.SENT, [("Replace hot water system - labour", "3.5", "95.00", L),
                                 ("Rheem 315L electric hot water unit", "1", "1489.00", M)], "HWS replacement"),
    (1, 30, InvoiceStatus.SENT, [("Blocked drain - CCTV inspection and jetting", "1", "385.00", G)], "Job 2291"),
    (2, 21, InvoiceStatus.PAID, [("Quarterly backflow prevention testing", "6", "88.00", G),
                                 ("Test certificates lodged with Sydney Water", "6", "12.50", G)], "Strata plan 44120"),
    (3, 9, InvoiceStatus.SENT, [("Grease trap pump-out", "1", "420.00", G),
                                ("Emergency call-out (after hours)", "1", "165.00", L)], ""),
    (4, 5, InvoiceStatus.SENT, [("Install kitchen mixer tap", "1.5", "95.00", L),
                                ("Methven Minimalist mixer", "1", "289.9500", M)], "Kitchen reno"),
    (5, 3, InvoiceStatus.DRAFT, [("Rough-in plumbing, Lot 12", "16", "92.00", L),
                                 ("PEX pipe and fittings", "1", "1236.40", M)], "Lot 12 Mayfield"),
    (6, 1, InvoiceStatus.DRAFT, [("Leaking toilet cistern - repair", "1", "180.00", L),
                                 ("Cistern inlet valve", "1", "34.2750", M)], ""),
    (7, 0, InvoiceStatus.DRAFT, [("Bubbler replacement, junior playground", "2", "145.00", L),
                                 ("Stainless drinking fountain", "2", "612.00", M)], "PO 7781"),
]


def demo_invoices(customer_ids: list[int], today) -> list[Invoice]:
    """The demo invoices for customers already saved (their ids, in CUSTOMERS order)."""
    result = []
    for n, (idx, days_ago, status, lines, reference) in enumerate(INVOICES):
        issued = today - timedelta(days=days_ago)
        inv = Invoice(
            customer_id=customer_ids[idx],
            issue_date=issued,
            due_date=issued + timedelta(days=BUSINESS.payment_terms_days),
            lines=[LineItem(d, Decimal(q), Decimal(p), c) for d, q, p, c in lines],
            number=f"INV-{FIRST_NUMBER + n:04d}",
            reference=reference,
            amounts=BUSINESS.line_amount_types,
        )
        inv.status = status
        if status is not InvoiceStatus.DRAFT:
            inv.sent_to = CUSTOMERS[idx].email
            inv.sent_at = datetime.combine(issued, time(9, 30), ZoneInfo(BUSINESS.time_zone))
        if status is InvoiceStatus.PAID:
            inv.amount_paid = inv.totals.total
        result.append(inv)
    return result


def seed_demo_if_new(services) -> None:
    """Seed a new demo database; a demo database that already has its business is left as the user left it."""
    if not services.business().name:
        seed_demo(services)


def seed_demo(services) -> None:
    """Write the demo business, customers and invoices through the same services the screens use."""
    services.save_business(BUSINESS)
    ids = [services.save_customer(replace(c)).id for c in CUSTOMERS]
    for inv in demo_invoices(ids, services.today()):
        services.save_invoice(inv)
