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


def seed_home(home, invoices: int, customers: int, env: dict[str, str] | None = None) -> dict[str, str]:
    """A business with ``invoices`` sent invoices for ``customers`` customers in its own config and data dirs under
    ``home`` (seeded through the store up to 1,000 and 300, copied in SQL beyond); the environment to run
    ``tradiecore`` on it (its own config, data and site dirs). This process's environment points there too."""
    import os

    from tui import config
    from tui.bench.childenv import child_env, home_dirs
    from tui.services import Services

    env = child_env(home_dirs(home), **(env or {}), TRADIECORE_SECRETS_STORE="file")
    os.environ.update(env)
    services = Services(config.load(), user="bench")
    try:
        seed(services, min(invoices, 1000), min(customers, 300))
        if invoices > 1000 or customers > 300:
            multiply(services, invoices, customers)
    finally:
        services.close()
    return env


def connect_custom(services, cfg, secrets, client_secret: str) -> str:
    """Connect the business to the first organisation of a custom connection (client credentials), with the
    default revenue accounts mapped; returns its tenant id. The token set goes where every process finds it."""
    from tui.store.tables import AccountMappingRow, XeroConnectionRow
    from tui.xero.api import XeroApi
    from tui.xero.oauth import XeroOAuth
    from tui.xero.tokens import MemoryTokenStore, TokenManager, TokenSet
    from tui.connection.factory import CLIENT_SECRET_KEY, organisation_store

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


def multiply(services, invoices: int, customers: int) -> None:
    """Copy the seeded customers and invoices (with their lines) in SQL until there are ``customers`` and
    ``invoices`` of them: new names, emails and numbers, due dates spread over three months either side of
    today (overdue and awaiting payment alike). For the scale benchmark, where the ORM would take minutes."""
    from sqlalchemy import inspect

    engine = services.engine
    columns = {table: [c["name"] for c in inspect(engine).get_columns(table) if c["name"] != "id"]
               for table in ("customer", "invoice", "line_item")}
    with engine.begin() as conn:
        run = conn.exec_driver_sql
        base_c = run("SELECT max(id) FROM customer").scalar()
        base_i = run("SELECT max(id) FROM invoice").scalar()
        for k in range(1, -(-customers // base_c)):
            n = min(base_c, customers - k * base_c)
            values = {"name": f"name || ' {k}'", "email": f"replace(email, '@', '+{k}@')"}
            _copy(run, "customer", columns["customer"], values, f"id <= {n}")
        for k in range(1, -(-invoices // base_i)):
            n = min(base_i, invoices - k * base_i)
            values = {"number": f"'TC-' || substr('0000000' || (id + {k * base_i}), -7)",
                      "customer_id": f"1 + (id + {k * base_i} - 1) % {customers}",
                      "due_date": f"date(due_date, ((id + {k}) % 181 - 90) || ' days')"}
            _copy(run, "invoice", columns["invoice"], values, f"id <= {n}")
            _copy(run, "line_item", columns["line_item"], {"invoice_id": f"invoice_id + {k * base_i}"},
                  f"invoice_id <= {n}")


def _copy(run, table: str, columns: list[str], values: dict[str, str], where: str) -> None:
    picked = ", ".join(values.get(c, c) for c in columns)
    run(f"INSERT INTO {table} ({', '.join(columns)}) SELECT {picked} FROM {table} WHERE {where} ORDER BY id")
