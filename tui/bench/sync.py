"""``python -m tui.bench sync [--invoices 1000] [--customers 300]``: the first sync's calls and the UI's stalls.

It seeds N sent invoices for C new customers in a fresh demo database, starts a fresh sandbox in its own process
(the seeded demo organisation, 50 ms latency a call, the per-minute limit scaled to 600/min), runs the first
sync as the app does, in TradieApp itself in a fresh process (:mod:`tui.bench.stall`: To Do on screen, every
import and client inside the measured window, the worst and 99th-percentile lateness of a 10 ms timer),
prints the calls by endpoint as the sandbox counted them, then an idle poll, then the pass that sends a payment
taken on each invoice (:mod:`tui.bench.payments`, with its one-call-per-payment baseline), then the customers'
contacts changed in Xero read back and the calls of an idle day (:mod:`tui.bench.contacts`), then a naive
baseline (per invoice: look the contact up, create it if missing, PUT the invoice) on a sample.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import httpx

from tui.bench.childenv import child_env, home_dirs
from tui.bench.contacts import bench_contacts
from tui.bench.payments import bench_payments
from tui.bench.seeding import connect_custom, seed
from tui.bench.stall import run_in_terminal
from tui.bench.targets import Target, verdict

REAL_MINUTE_LIMIT = 60
STALL_WORST_MS, STALL_P99_MS = 50, 16  # a frame at 60 Hz is 16 ms
DAY_LIMITS = {"standard": 5000, "Starter": 1000}


def _die_with_parent() -> None:
    """Linux: the sandbox child gets SIGTERM if the benchmark dies, so no server is left behind."""
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except Exception:
        pass


class Sandbox:
    """``tradiecore sandbox --control`` in a child process (so its work never competes with ours for the GIL)."""

    def __init__(self):
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tui", "sandbox", "--control", "--port", "0"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, preexec_fn=_die_with_parent,
        )
        self.info: dict[str, str] = {}
        while len(self.info) < 6:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError("the sandbox did not start")
            key, _, value = line.strip().partition(": ")
            self.info[key] = value
        self.base_url = self.info["base_url"]
        self.http = httpx.Client(base_url=self.base_url, timeout=30)

    def control(self, method: str, path: str, body: dict | None = None):
        r = self.http.request(method, f"/_sandbox/{path}", json=body)
        r.raise_for_status()
        return r.json()

    def counters(self) -> dict:
        return self.control("GET", "counters")

    def reset(self) -> None:
        self.control("POST", "counters/reset")

    def close(self) -> None:
        self.http.close()
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def _total(counters: dict) -> int:
    return sum(counters.get("requests", {}).values())


def _print_counters(title: str, counters: dict) -> None:
    print(f"\n{title}")
    for key, n in sorted(counters.get("requests", {}).items()):
        print(f"  {key:<44} {n:>6}")
    tokens = counters.get("token_requests", {})
    if tokens:
        print("  token requests (not API calls): " + ", ".join(f"{k} {v}" for k, v in sorted(tokens.items())))


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

        sb.reset()
        services.close()  # the app's process opens the database itself
        t0 = time.perf_counter()
        app = run_in_terminal(env)
        wall = time.perf_counter() - t0
        counters = sb.counters()
        total = _total(counters)
        _print_counters("first sync: calls by endpoint (sandbox counters)", counters)
        print(f"  in TradieApp: To Do showing {app['to do rows']} rows; after the pass the header says "
              f"{app['first pass']!r}")
        print(f"  wall time: {wall:.1f} s for the app's process, {app['window s']} s from To Do's rows to the "
              f"pass's end (50 ms latency a call)")
        print(f"  calls per invoice: {total / max(invoices, 1):.3f}")
        floor = math.ceil(customers / 50) + math.ceil(invoices / 50)
        print(f"  floor: {floor} writes + 2 reads = {floor + 2}")
        print(f"  projected at Xero's {REAL_MINUTE_LIMIT}/min: {total / REAL_MINUTE_LIMIT:.1f} min; "
              + "; ".join(f"{name} daily limit {limit}: {total / limit:.1%} of a day"
                          for name, limit in DAY_LIMITS.items()))

        runner = SyncRunner(services.engine, api_factory=factory, label="bench")
        idle, idle_reports = [], []
        for _ in range(2):
            sb.reset()
            r = runner.run_once()
            idle_reports.append(r)
            idle.append((_total(sb.counters()), r.pulled))
        paid = bench_payments(sb, runner, services, tenant_id, invoice_ids, factory, sample, _total)
        runner.close()
        contacts = bench_contacts(sb, services.engine, factory, _total, customers)
        first_idle = idle_reports[0]
        print(f"  after it: errors {first_idle.errors}; pending {first_idle.pending}")
        print(f"\nidle polls: {', '.join(f'{n} call(s), {p} pulled' for n, p in idle)}")

        # The naive baseline: per invoice, look the contact up by name, create it if missing, PUT the invoice.
        from tui.sync.contact_view import create_body
        from tui.sync.mapping import invoice_to_xero
        from tui.xero import wire

        n_sample = max(1, int(invoices * sample))
        c_sample = max(1, int(customers * sample))
        baseline_ids = seed_baseline(services, n_sample, c_sample)
        sb.reset()
        t0 = time.perf_counter()
        with factory(tenant_id, "custom") as api:
            codes = {}
            for inv_id in baseline_ids:
                inv = services.invoice(inv_id)
                cust = services.customer(inv.customer_id)
                found = api.contacts_page(1, where=wire.where_equals("Name", cust.name)).items
                if found:
                    contact_id = found[0]["ContactID"]
                else:
                    contact_id = api.put_contacts([create_body(cust)], f"naive-c-{inv_id}")[0]["ContactID"]
                api.put_invoices([invoice_to_xero(inv, contact_id, codes)], f"naive-i-{inv_id}")
        base_wall = time.perf_counter() - t0
        base_counters = sb.counters()
        base_total = _total(base_counters)
        per_invoice = base_total / n_sample
        _print_counters(f"naive baseline on a {sample:.0%} sample ({n_sample} invoices, {c_sample} customers)",
                        base_counters)
        print(f"  wall time: {base_wall:.1f} s; projected for {invoices}: {per_invoice * invoices:.0f} calls, "
              f"{per_invoice * invoices / REAL_MINUTE_LIMIT:.0f} min at {REAL_MINUTE_LIMIT}/min")

        print()
        print(f"total calls: {total}")
        print(f"baseline calls per invoice: {per_invoice:.2f}")
        print(f"idle poll calls: {idle[-1][0]}")
        print(f"ui stall ms: {app['stall worst ms']}")
        print(f"ui stall p99 ms: {app['stall p99 ms']}")
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
        return verdict([
            Target("first sync calls", total, floor + 6),
            Target("first sync left pending", first_idle.pending + (0 if first_idle.ok else 1), 0),
            Target("idle poll calls", idle[-1][0], 1),
            Target("payments calls", paid.calls if paid.ok else float("inf"), paid.target),
            Target("contacts pulled calls", contacts.calls if contacts.ok else float("inf"),
                   math.ceil(contacts.changed / 100) + 1),
            Target("idle day calls", contacts.idle_day_calls, 500),
            Target("ui stall worst", int(app["stall worst ms"]), STALL_WORST_MS, "ms"),
            Target("ui stall p99", int(app["stall p99 ms"]), STALL_P99_MS, "ms"),
        ], say)
    finally:
        sb.close()


def seed_baseline(services, invoices: int, customers: int) -> list[int]:
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
