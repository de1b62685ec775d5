"""Two of ``python -m tui.bench sessions``'s lines: how soon a change reaches everyone.

- ``change seen by the other session: p50 X ms, max Y ms`` (targets: max 1,000 ms on SQLite, 100 ms on
  PostgreSQL): one process saves a customer through the services, as the Customers screen does; the other is a
  real app (TradieApp, headless) on its Customers screen, and the time is until the name is in its list, with
  no key pressed.
- ``sent to in Xero: p50 X ms, p95 Y ms`` (target p95 2,000 ms): a session sends an invoice (the services, and
  what the app does when they ask for a pass); ``tradiecore sync``, the sync service, runs beside it against a
  sandbox adding 50 ms to every call; the time is until the sandbox holds the invoice.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import statistics
import threading
import time
from pathlib import Path

from tui.bench.targets import Target

SEEN_TRIALS = 20
SENT_TRIALS = 10
SEEN_TARGET_MS = {"SQLite": 1000, "PostgreSQL": 100}
SENT_TARGET_MS = 2000


def _name(i: int) -> str:
    return f"Seen Customer {i:03d}"


def _watching_session(shop, trials: int, ready, seen) -> None:
    """The other person's app, on its Customers screen: each new name's arrival time goes on ``seen``."""

    async def run() -> None:
        from tui.app import TradieApp
        from tui.screens.customers.screen import CustomersScreen

        services = shop.services("bob")
        app = TradieApp(services, cursor_blink=False, background_sync=False)
        async with app.run_test(size=(80, 24)) as pilot:
            while app.change_watcher is None:
                await pilot.pause(0.05)
            app.show_customers()
            while not isinstance(app.screen, CustomersScreen) or not app.screen._customers:  # the first rows
                await pilot.pause(0.05)
            await pilot.pause(0.5)
            ready.set()
            screen = app.screen
            for i in range(trials):
                names = set()
                while _name(i) not in names:
                    await asyncio.sleep(0.002)
                    names = {c.name for c in screen._customers.values()}
                seen.put((i, time.time()))
        services.close()

    asyncio.run(run())


def change_seen(shop) -> tuple[str, Target]:
    from tui.domain.customer import Customer

    ctx = multiprocessing.get_context("spawn")
    ready, seen = ctx.Event(), ctx.Queue()
    trials = max(3, min(shop.trials, SEEN_TRIALS))
    proc = ctx.Process(target=_watching_session, args=(shop, trials, ready, seen))
    proc.start()
    services = shop.services("alice")
    took = []
    try:
        if not ready.wait(120):
            return ("change seen by the other session: the other session did not start",
                    Target("change seen max", float("inf"), SEEN_TARGET_MS.get(shop.label, 1000), "ms"))
        for i in range(trials):
            time.sleep(0.15)  # apart, so each is a change of its own
            started = time.time()
            services.save_customer(Customer(_name(i), f"seen{i}@example.com"))
            _, at = seen.get(timeout=30)
            took.append((at - started) * 1000)
    finally:
        services.close()
        proc.join(timeout=60)
        if proc.is_alive():
            proc.kill()
    target = SEEN_TARGET_MS.get(shop.label, 1000)
    line = (f"change seen by the other session: p50 {statistics.median(took):.0f} ms, max {max(took):.0f} ms "
            f"(target max {target:,} ms)")
    return line, Target("change seen max", round(max(took)), target, "ms")


def sent_to_xero(shop) -> tuple[str, Target]:
    from tui.bench.childenv import config_dirs
    from tui.bench.soak import start_sync, sync_env
    from tui.sandbox.harness import run_sandbox
    from tui.shell.sync_pass import run_pass

    with run_sandbox() as sb:
        sb.control.configure(latency=0.05, minute_limit=100_000, day_limit=1_000_000)
        services = shop.services("owner")
        _connect(services, sb)
        env = sync_env(sb.base_url, sb.custom_client_id, config_dirs(services.cfg), TRADIECORE_DATABASE_URL=shop.url)
        service = start_sync(env, Path(shop.work) / "sync.log", once=False)
        took = []
        try:
            if not _service_started(services, service):
                return ("sent to in Xero: the sync service did not start",
                        Target("sent to in Xero p95", float("inf"), SENT_TARGET_MS, "ms"))
            # what the app does when the services ask for a pass: ask the service for one (a thread)
            services.on_sync_wanted = lambda: threading.Thread(target=run_pass, args=(services, True),
                                                               daemon=True).start()
            for n in range(-1, max(3, min(shop.trials, SENT_TRIALS))):  # -1: a first one, not counted, that
                # waits for the service's first pass (what the earlier lines sent goes with it)
                draft = services.invoice(_draft(services, shop.customer_id, 1000 + n))
                time.sleep(0.2)
                started = time.perf_counter()
                services.send_invoice(draft)
                number = services.invoice(draft.id).number
                while not _in_xero(sb, number):
                    if time.perf_counter() - started > 60:
                        return (f"sent to in Xero: {number} not in Xero after 60 s",
                                Target("sent to in Xero p95", float("inf"), SENT_TARGET_MS, "ms"))
                    time.sleep(0.01)
                if n >= 0:
                    took.append((time.perf_counter() - started) * 1000)
        finally:
            services.on_sync_wanted = None
            service.terminate()
            service.wait(30)
            services.close()
    p95 = statistics.quantiles(took, n=20)[-1] if len(took) > 1 else took[0]
    line = (f"sent to in Xero: p50 {statistics.median(took):.0f} ms, p95 {p95:.0f} ms "
            f"(target p95 {SENT_TARGET_MS:,} ms; 50 ms a call)")
    return line, Target("sent to in Xero p95", round(p95), SENT_TARGET_MS, "ms")


def _connect(services, sb) -> None:
    """The business connected to the sandbox's organisation (a custom connection), its first sync confirmed."""
    from dataclasses import replace

    from tui.bench.seeding import connect_custom
    from tui.config import XeroConfig
    from tui.credentials.user_store import FileSecretStore, secrets_file

    cfg = replace(services.cfg, xero=replace(XeroConfig(), client_id=sb.custom_client_id)).with_xero_base(sb.base_url)
    services.cfg = cfg
    secrets = FileSecretStore(secrets_file(cfg))
    services._secrets = secrets
    connect_custom(services, cfg, secrets, sb.custom_client_secret)
    # the earlier lines' sent invoices clash with the sandbox's own numbers: the first sync is reviewed and
    # confirmed as a person would on its preview (the clashes wait on the Sync screen; new numbers are clear)
    services.sync.confirm_first_sync(services.sync.first_sync_preview())


def _service_started(services, service) -> bool:
    """Whether ``tradiecore sync`` (``service``) holds the organisation's lease within two minutes."""
    from tui.store.xero_connections import active_connection
    from tui.sync.lease import SERVICE, lease_holder

    deadline = time.monotonic() + 120
    while True:
        with services.session() as s:
            conn = active_connection(s)
            held = lease_holder(s, conn.tenant_id, services.now()) if conn else None
        if held is not None and held.label.startswith(SERVICE):
            return True
        if time.monotonic() > deadline or service.poll() is not None:
            return False
        time.sleep(0.1)


def _draft(services, customer_id: int, n: int) -> int:
    from decimal import Decimal

    from tui.domain.invoice import LineItem

    inv = services.new_invoice(customer_id)
    inv.lines = [LineItem(f"Blocked drain {n}", Decimal("1"), Decimal("180.00"))]
    return services.save_invoice(inv).id


def _in_xero(sb, number: str) -> bool:
    for org in sb.control.snapshot()["organisations"].values():
        if any(i.get("InvoiceNumber") == number for i in org.get("Invoices", [])):
            return True
    return False
