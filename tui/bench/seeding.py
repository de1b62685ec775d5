"""What the benchmarks and the soak start from: a business with sent invoices, connected to a sandbox's organisation."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import datetime, timezone
from decimal import Decimal


def seed(services, invoices: int, customers: int, prefix: str = "TC-") -> list[int]:
    from tui.demo_data import BUSINESS
    from tui.domain.customer import Customer
    from tui.domain.invoice import Invoice, InvoiceStatus, LineItem, RevenueCategory
    from tui.store.customers import save_customer
    from tui.store.invoices import save_invoice

    services.save_business(BUSINESS)
    now = services.now()
    today = services.today()
    cats = list(RevenueCategory)
    with services.session() as s:
        ids = [save_customer(s, Customer(f"Bench Customer {i:04d} & Co", f"bench{i:04d}@example.com",
                                         "0400 555 000"), "bench", now, BUSINESS.time_zone).id
               for i in range(customers)]
        out = []
        for n in range(invoices):
            inv = Invoice(
                customer_id=ids[n % customers], issue_date=today, due_date=today,
                lines=[LineItem(f"Job {n} labour", Decimal("1.5"), Decimal("95.00"), RevenueCategory.LABOUR),
                       LineItem("Fittings", Decimal("3"), Decimal("12.3450"), cats[n % 3])],
                number=f"{prefix}{n + 1:05d}", reference=f"Job {n}", status=InvoiceStatus.SENT,
                sent_to="x@example.com", sent_at=now,
            )
            out.append(save_invoice(s, inv, "bench", now, BUSINESS.time_zone).id)
    return out


def connect_custom(services, cfg, secrets, client_secret: str) -> str:
    """Connect the business to the first organisation of a custom connection (client credentials), with the
    default revenue accounts mapped; returns its tenant id. The token set goes where every process finds it."""
    from tui.store.tables import AccountMappingRow, XeroConnectionRow
    from tui.xero.api import XeroApi
    from tui.xero.oauth import XeroOAuth
    from tui.xero.tokens import MemoryTokenStore, TokenManager, TokenSet
    from tui.xero_factory import CLIENT_SECRET_KEY, organisation_store

    secrets.set(CLIENT_SECRET_KEY, client_secret)
    oauth = XeroOAuth(cfg.xero, client_secret=client_secret)
    tokens = TokenSet.from_response(oauth.client_credentials(), now=time.time(), grant="client_credentials")
    with XeroApi(cfg.xero, TokenManager(MemoryTokenStore(), oauth)) as api:
        api.tokens.save(tokens)
        tenant_id = api.connections()[0]["tenantId"]
    TokenManager(organisation_store(cfg, tenant_id, secrets, services.engine, create_key=True), oauth).save(
        replace(tokens, tenant_ids=(tenant_id,)))
    with services.session() as s:
        s.add(XeroConnectionRow(tenant_id=tenant_id, tenant_name="Demo Company (AU)", kind="custom",
                                connected_at=datetime.now(timezone.utc)))
        for category, code in {"General Sales": "200", "Materials": "220", "Labour": "210"}.items():
            s.add(AccountMappingRow(tenant_id=tenant_id, category=category, account_code=code))
    return tenant_id
