"""The naive baseline of ``python -m tui.bench sync``: what a simple integration does, measured in the same run on
a sample of invoices. Per invoice: look its contact up by name, create it if missing, then create the invoice,
one record per call (:class:`NaiveClient`)."""

from __future__ import annotations

import time
from decimal import Decimal
from typing import Callable

import httpx

from tui.bench.sandbox_child import REAL_MINUTE_LIMIT, print_counters, total
from tui.xero import wire


class NaiveClient:
    """Xero's accounting API one record per call, over plain HTTP: no batches, no limiter, no retries but the
    wait a 429 asks for. ``access_token``: a valid token each time it is called."""

    def __init__(self, api_url: str, tenant_id: str, access_token: Callable[[], str]):
        self.access_token = access_token
        self.http = httpx.Client(base_url=f"{api_url.rstrip('/')}/api.xro/2.0/", timeout=60,
                                 headers={"xero-tenant-id": tenant_id, "Accept": "application/json"})

    def __enter__(self) -> "NaiveClient":
        return self

    def __exit__(self, *exc) -> None:
        self.http.close()

    def contact_id(self, name: str) -> str | None:
        """``GET Contacts`` where the name is ``name``: the first one's id, if any."""
        found = self._call("GET", "Contacts", params={"where": wire.where_equals("Name", name)})["Contacts"]
        return found[0]["ContactID"] if found else None

    def create_contact(self, contact: dict) -> str:
        """``PUT Contacts`` with this one contact; its new id."""
        return self._call("PUT", "Contacts", {"Contacts": [contact]})["Contacts"][0]["ContactID"]

    def create_invoice(self, invoice: dict) -> dict:
        """``PUT Invoices`` with this one invoice (four-decimal unit prices); the invoice back."""
        return self._call("PUT", "Invoices", {"Invoices": [invoice]}, params={"unitdp": "4"})["Invoices"][0]

    def _call(self, method: str, path: str, body: dict | None = None, params: dict | None = None) -> dict:
        content = wire.dumps(body).encode("utf-8") if body is not None else None
        while True:
            response = self.http.request(method, path, params=params, content=content, headers={
                "Authorization": f"Bearer {self.access_token()}", "Content-Type": "application/json"})
            if response.status_code != 429:
                response.raise_for_status()
                return wire.loads(response.content)
            time.sleep(float(response.headers.get("Retry-After", "1")))


def bench_naive(sb, services, cfg, secrets, tenant_id: str, invoices: int, customers: int, sample: float) -> float:
    """Run the baseline on ``sample`` of ``invoices`` and ``customers`` (new ones, seeded here) and print its
    calls; the calls it takes per invoice."""
    from tui.sync.contact_view import create_body
    from tui.sync.mapping import invoice_to_xero
    from tui.connection.factory import token_manager

    n_sample = max(1, int(invoices * sample))
    c_sample = max(1, int(customers * sample))
    baseline_ids = seed_baseline(services, n_sample, c_sample)
    tokens = token_manager(cfg, tenant_id, "custom", secrets)
    sb.reset()
    t0 = time.perf_counter()
    try:
        with NaiveClient(cfg.xero.api_url, tenant_id, tokens.access_token) as client:
            codes = {}
            for inv_id in baseline_ids:
                inv = services.invoice(inv_id)
                cust = services.customer(inv.customer_id)
                contact_id = client.contact_id(cust.name) or client.create_contact(create_body(cust))
                client.create_invoice(invoice_to_xero(inv, contact_id, codes))
    finally:
        tokens.oauth.close()
    wall = time.perf_counter() - t0
    counters = sb.counters()
    per_invoice = total(counters) / n_sample
    print_counters(f"naive baseline on a {sample:.0%} sample ({n_sample} invoices, {c_sample} customers)", counters)
    print(f"  wall time: {wall:.1f} s; projected for {invoices}: {per_invoice * invoices:.0f} calls, "
          f"{per_invoice * invoices / REAL_MINUTE_LIMIT:.0f} min at {REAL_MINUTE_LIMIT}/min")
    return per_invoice


def seed_baseline(services, invoices: int, customers: int) -> list[int]:
    """``invoices`` sent invoices for ``customers`` new customers, kept out of the sync's queue."""
    from tui.domain.customer import Customer
    from tui.domain.invoice import Invoice, InvoiceStatus, LineItem, RevenueCategory
    from tui.store.customers import save_customer
    from tui.store.invoices import save_invoice
    from tui.sync import outbox

    now = services.now()
    today = services.today()
    with services.session() as s:
        ids = [save_customer(s, Customer(f"Naive Customer {i:04d}", f"naive{i:04d}@example.com"), "bench", now,
                             "Australia/Sydney").id for i in range(customers)]
        out = []
        for n in range(invoices):
            inv = Invoice(customer_id=ids[n % customers], issue_date=today, due_date=today,
                          lines=[LineItem(f"Job {n}", Decimal("1.5"), Decimal("95.00"), RevenueCategory.LABOUR)],
                          number=f"NB-{n + 1:05d}", status=InvoiceStatus.SENT, sent_to="x@example.com", sent_at=now)
            inv = save_invoice(s, inv, "bench", now, "Australia/Sydney")
            outbox.drop(s, outbox.INVOICE, inv.id)  # the baseline pushes these itself
            out.append(inv.id)
    return out
