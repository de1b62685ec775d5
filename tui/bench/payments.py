"""The payments part of ``python -m tui.bench sync``: one payment taken here on each invoice the first sync sent,
the pass that sends them (as the sandbox counts its calls), and a one-call-per-payment baseline on a sample."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from decimal import Decimal

PAYMENT_ACCOUNT = "090"  # the demo company's bank account
AMOUNT = Decimal("10.00")


@dataclass(frozen=True)
class PaymentsBench:
    payments: int
    calls: int
    baseline_per_payment: float
    ok: bool

    @property
    def target(self) -> int:
        return math.ceil(self.payments / 50) + 2


def take_payments(services, tenant_id: str, invoice_ids: list[int]) -> None:
    """A cash payment on each invoice, as the app records one (each with its sync queue entry)."""
    from tui.domain.payment import DEFAULT_METHOD, PaymentMethod, new_payment
    from tui.store.invoices import get_invoice
    from tui.store.payments import record_payment, set_payment_account

    now, today = services.now(), services.today()
    with services.session() as s:
        set_payment_account(s, tenant_id, DEFAULT_METHOD, PAYMENT_ACCOUNT, "Business Bank Account", "")
        for invoice_id in invoice_ids:
            inv = get_invoice(s, invoice_id)
            record_payment(s, new_payment(inv, AMOUNT, today, PaymentMethod.CASH, f"bench {invoice_id}"),
                           inv.version, "bench", now, "Australia/Sydney")


def bench_payments(sb, runner, services, tenant_id: str, invoice_ids: list[int], api_factory, sample: float,
                   total) -> PaymentsBench:
    """``total(counters)`` counts the sandbox's calls; ``sb`` resets and reads its counters."""
    from tui.store.tables import InvoiceRow
    from tui.xero import wire

    take_payments(services, tenant_id, invoice_ids)
    sb.reset()
    t0 = time.perf_counter()
    report = runner.run_once()
    wall = time.perf_counter() - t0
    counters = sb.counters()
    calls = total(counters)
    print(f"\npayments: sent {report.pushed} in {wall:.1f} s; errors {report.errors}; pending {report.pending}")
    for key, n in sorted(counters.get("requests", {}).items()):
        print(f"  {key:<44} {n:>6}")

    # The baseline: one PUT /Payments per payment, on a sample of the same invoices (a second payment each).
    sampled = invoice_ids[:max(1, int(len(invoice_ids) * sample))]
    with services.session() as s:
        links = [s.get(InvoiceRow, i).xero_invoice_id for i in sampled]
    sb.reset()
    with api_factory(tenant_id, "custom") as api:
        for n, xero_id in enumerate(links):
            api.put_payments([{"Invoice": {"InvoiceID": xero_id}, "Account": {"Code": PAYMENT_ACCOUNT},
                               "Date": wire.format_date(services.today()), "Amount": AMOUNT,
                               "Reference": "Cash: baseline"}], f"naive-p-{n}")
    per_payment = total(sb.counters()) / len(links)
    ok = report.ok and report.errors == 0 and report.pushed == len(invoice_ids) \
        and calls <= math.ceil(len(invoice_ids) / 50) + 2
    return PaymentsBench(len(invoice_ids), calls, per_payment, ok)
