"""``python -m tui.bench sync [--invoices 1000] [--customers 300]``: the first sync's calls and the UI's stalls.

It seeds N sent invoices for C new customers in a fresh demo database, starts a fresh sandbox in its own process
(the seeded demo organisation, 50 ms latency a call, the per-minute limit scaled to 600/min), runs the first
sync as the app does, in TradieApp itself in a fresh process (:mod:`tui.bench.stall`: To Do on screen, every
import and client inside the measured window, the worst and 99th-percentile lateness of a 10 ms timer),
prints the calls by endpoint as the sandbox counted them, then an idle poll, then the pass that sends a payment
taken on each invoice (:mod:`tui.bench.payments`, with its one-call-per-payment baseline), then the customers'
contacts changed in Xero read back and the calls of an idle day (:mod:`tui.bench.contacts`), then a naive
baseline (per invoice: look the contact up, create it if missing, PUT the invoice) on a sample
(:mod:`tui.bench.naive`).
"""

from __future__ import annotations

import math
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from tui.bench.childenv import child_env, home_dirs
from tui.bench.contacts import ContactsBench, bench_contacts
from tui.bench.credit_notes import bench_credit_notes
from tui.bench.naive import bench_naive
from tui.bench.payments import PaymentsBench, bench_payments
from tui.bench.sandbox_child import REAL_MINUTE_LIMIT, Sandbox, print_counters, total
from tui.bench.seeding import connect_custom, seed
from tui.bench.stall import run_in_terminal
from tui.bench.targets import Target, verdict

STALL_WORST_MS, STALL_P99_MS = 50, 16  # a frame at 60 Hz is 16 ms
DAY_LIMITS = {"standard": 5000, "Starter": 1000}


@dataclass(frozen=True)
class FirstSync:
    calls: int
    floor: int  # the fewest writes the invoices and customers take
    app: dict  # what TradieApp measured (:func:`tui.bench.stall.run_in_terminal`)


def _idle_polls(sb: Sandbox, runner, polls: int = 2) -> tuple[list[tuple[int, int]], list]:
    """Passes with nothing to send: each one's calls and what it pulled, and its report."""
    idle, reports = [], []
    for _ in range(polls):
        sb.reset()
        report = runner.run_once()
        reports.append(report)
        idle.append((total(sb.counters()), report.pulled))
    return idle, reports


def bench_sync(invoices: int, customers: int, sample: float, say=print) -> int:
    tmp = Path(tempfile.mkdtemp(prefix="tradiecore-bench-"))
    os.environ.update(child_env(home_dirs(tmp), TRADIECORE_SECRETS_STORE="file"))
    from tui import config
    from tui.credentials.user_store import FileSecretStore, secrets_file
    from tui.services import Services
    from tui.sync.runner import SyncRunner
    from tui.xero.ratelimit import Limits, RateLimiter
    from tui.connection.factory import make_api

    sb = Sandbox()
    try:
        sb.control("POST", "settings", {"latency": 0.05, "minute_limit": 600})
        env = {**os.environ, "TRADIECORE_XERO_BASE": sb.base_url,
               "TRADIECORE_XERO_CLIENT_ID": sb.info["custom_client_id"]}
        cfg = config.load(env)
        secrets = FileSecretStore(secrets_file(cfg))
        services = Services(cfg, user="bench", secrets=secrets)

        t0 = time.perf_counter()
        invoice_ids = seed(services, invoices, customers)
        print(f"seeded {invoices} sent invoices for {customers} new customers in {time.perf_counter() - t0:.1f} s")

        tenant_id = connect_custom(services, cfg, secrets, sb.info["custom_client_secret"])

        def factory(tenant, kind):
            return make_api(cfg, tenant, kind, secrets, limiter=RateLimiter(Limits(per_minute=600)))

        services.close()  # the app's process opens the database itself
        first = _first_sync(sb, env, invoices, customers)
        runner = SyncRunner(services.engine, api_factory=factory, label="bench")
        idle, idle_reports = _idle_polls(sb, runner)
        paid = bench_payments(sb, runner, services, tenant_id, invoice_ids, factory, sample, total)
        credited = bench_credit_notes(sb, runner, services, tenant_id, invoice_ids, factory, sample, total)
        runner.close()
        contacts = bench_contacts(sb, services.engine, factory, total, customers)
        first_idle = idle_reports[0]
        print(f"  after it: errors {first_idle.errors}; pending {first_idle.pending}")
        print(f"\nidle polls: {', '.join(f'{n} call(s), {p} pulled' for n, p in idle)}")
        per_invoice = bench_naive(sb, services, cfg, secrets, tenant_id, invoices, customers, sample)
        _summary(first, per_invoice, idle[-1][0], paid, contacts, sample)
        credited.print_summary(sample)
        return verdict([
            Target("first sync calls", first.calls, first.floor + 6),
            Target("first sync left pending", first_idle.pending + (0 if first_idle.ok else 1), 0),
            Target("idle poll calls", idle[-1][0], 1),
            Target("payments calls", paid.calls if paid.ok else float("inf"), paid.target),
            Target("credit notes calls", credited.calls if credited.ok else float("inf"), credited.target),
            Target("contacts pulled calls", contacts.calls if contacts.ok else float("inf"),
                   math.ceil(contacts.changed / 100) + 1),
            Target("idle day calls", contacts.idle_day_calls, 500),
            Target("ui stall worst", int(first.app["stall worst ms"]), STALL_WORST_MS, "ms"),
            Target("ui stall p99", int(first.app["stall p99 ms"]), STALL_P99_MS, "ms"),
        ], say)
    finally:
        sb.close()


def _first_sync(sb: Sandbox, env: dict, invoices: int, customers: int) -> FirstSync:
    """The first sync, in TradieApp in a fresh process; its calls by endpoint and what they project to."""
    sb.reset()
    t0 = time.perf_counter()
    app = run_in_terminal(env)
    wall = time.perf_counter() - t0
    counters = sb.counters()
    calls = total(counters)
    print_counters("first sync: calls by endpoint (sandbox counters)", counters)
    print(f"  in TradieApp: To Do showing {app['to do rows']} rows; after the pass the header says "
          f"{app['first pass']!r}")
    print(f"  wall time: {wall:.1f} s for the app's process, {app['window s']} s from To Do's rows to the "
          f"pass's end (50 ms latency a call)")
    print(f"  calls per invoice: {calls / max(invoices, 1):.3f}")
    floor = math.ceil(customers / 50) + math.ceil(invoices / 50)
    print(f"  floor: {floor} writes + 2 reads = {floor + 2}")
    print(f"  projected at Xero's {REAL_MINUTE_LIMIT}/min: {calls / REAL_MINUTE_LIMIT:.1f} min; "
          + "; ".join(f"{name} daily limit {limit}: {calls / limit:.1%} of a day"
                      for name, limit in DAY_LIMITS.items()))
    return FirstSync(calls, floor, app)


def _summary(first: FirstSync, per_invoice: float, idle_calls: int, paid: PaymentsBench, contacts: ContactsBench,
             sample: float) -> None:
    print()
    print(f"total calls: {first.calls}")
    print(f"baseline calls per invoice: {per_invoice:.2f}")
    print(f"idle poll calls: {idle_calls}")
    print(f"ui stall ms: {first.app['stall worst ms']}")
    print(f"ui stall p99 ms: {first.app['stall p99 ms']}")
    print(f"ui cpu s: {first.app['ui cpu s']} in the {first.app['window s']} s of the first pass")
    print(f"payments: {paid.calls} calls for {paid.payments} payments (target {paid.target})")
    print(f"payments baseline: {paid.baseline_per_payment:.2f} calls per payment "
          f"({paid.baseline_per_payment * paid.payments:.0f} calls for {paid.payments} payments, projected from "
          f"a one-call-per-payment client measured on a {sample:.0%} sample)")
    print(f"contacts pulled: {contacts.pulled} in {contacts.calls} calls")
    print(f"  {contacts.changed} changed in Xero; target {math.ceil(contacts.changed / 100) + 1} calls")
    print(f"idle day calls: {contacts.idle_day_calls}")
    print(f"  {contacts.idle_pass_calls} calls a pass (invoices and contacts read: "
          + ", ".join(f"{k} {n}" for k, n in sorted(contacts.idle_pass_endpoints.items()))
          + ") as the cadence polls with no session open, plus the hourly accounts check; target 500")
