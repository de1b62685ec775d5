"""`tradiecore sync --once` killed with SIGKILL in the middle of a batch, restarted: 0 duplicates, 0 lost changes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from tui.bench.childenv import ROOT, config_dirs
from tui.bench.soak import start_sync, sync_env
from tui.sync import outbox


def seed_sent(services, invoices: int, customers: int, prefix: str = "TC-"):
    """Sent invoices written the way the app writes them (each with its sync queue entry), quickly."""
    from tui.domain.customer import Customer
    from tui.domain.invoice import Invoice, InvoiceStatus, LineItem, RevenueCategory
    from tui.store.customers import save_customer
    from tui.store.invoices import save_invoice

    now = services.now()
    today = services.today()
    with services.session() as s:
        ids = [save_customer(s, Customer(f"Customer {i:03d} & Sons", f"c{i:03d}@example.com"), "sam", now,
                             "Australia/Sydney").id for i in range(customers)]
        out = []
        for n in range(invoices):
            inv = Invoice(customer_id=ids[n % customers], issue_date=today, due_date=today,
                          lines=[LineItem(f"Job {n}", Decimal("1.5"), Decimal("95.00") + n, RevenueCategory.LABOUR),
                                 LineItem("Parts", Decimal("2"), Decimal("12.3450"), RevenueCategory.MATERIALS)],
                          number=f"{prefix}{n + 1:05d}", status=InvoiceStatus.SENT, sent_to="x@example.com",
                          sent_at=now)
            out.append(save_invoice(s, inv, "sam", now, "Australia/Sydney").id)
    return out


def _env(c) -> dict:
    return sync_env(c.sb.base_url, c.sb.pkce_client_id, config_dirs(c.cfg))


def _start(c, log: Path) -> subprocess.Popen:
    return start_sync(_env(c), log)


def run_sync_once(c, log: Path) -> subprocess.CompletedProcess:
    """`tradiecore sync --once` to the end (at most 120 s); its stdout and stderr as text."""
    return subprocess.run([sys.executable, "-m", "tui", "sync", "--once", "--log-file", str(log)], cwd=ROOT,
                          env=_env(c), capture_output=True, text=True, timeout=120)


def kill_at_held_write(c, log: Path, path: str, methods: list[str], what: str) -> None:
    """Start `tradiecore sync --once`, SIGKILL it once Xero holds the answer to its first matching write, then let
    Xero finish that write: the dead process never hears that it was done."""
    c.sb.control.inject("hold", 1, path=path, methods=methods)
    proc = _start(c, log)
    try:
        assert c.sb.control.wait_for_held(1, timeout=60), f"{what} never reached Xero"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=10)
    c.sb.control.release_holds()


def _check_all_in_xero_once(c, ids):
    counts = Counter(i["InvoiceNumber"] for i in c.xero_invoices() if i["InvoiceNumber"].startswith("TC-"))
    local = {c.services.invoice(i).number for i in ids}
    assert set(counts) == local  # nothing lost
    assert all(n == 1 for n in counts.values()), [k for k, n in counts.items() if n > 1]  # nothing duplicated
    names = Counter(x["Name"] for x in c.xero_contacts())
    assert all(n == 1 for n in names.values()), [k for k, n in names.items() if n > 1]
    with c.services.session() as s:
        assert outbox.pending_count(s) == 0


KILL_POINTS = {
    "first contacts batch": dict(path="/api.xro/2.0/contacts", methods=["PUT"], skip=0),
    "first invoices batch": dict(path="/api.xro/2.0/invoices", methods=["POST"], skip=0),
    "second invoices batch": dict(path="/api.xro/2.0/invoices", methods=["POST"], skip=1),
}


@pytest.mark.parametrize("point", list(KILL_POINTS))
def test_sigkill_mid_batch_then_restart(connected, tmp_path, point):
    c = connected
    ids = seed_sent(c.services, invoices=120, customers=30)
    where = KILL_POINTS[point]
    if where["skip"]:
        c.sb.control.inject("latency", where["skip"], path=where["path"], methods=where["methods"], seconds=0)
    log = tmp_path / "sync.log"
    kill_at_held_write(c, log, where["path"], where["methods"], "the held request")
    c.sb.control.clear_faults()

    # a change made while the syncer was dead, to an invoice that may be in the killed batch
    inv = c.services.invoice(ids[0])
    inv.reference = "Changed while sync was down"
    c.services.save_invoice(inv)

    proc = _start(c, log)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err.decode() + log.read_text()
    _check_all_in_xero_once(c, ids)
    assert c.xero_invoices(inv.number)[0]["Reference"] == "Changed while sync was down"
    text = log.read_text()
    assert "Bearer" not in text and "refresh_token" not in text and "access_token" not in text


def test_sigterm_exits_cleanly(connected, tmp_path):
    c = connected
    log = tmp_path / "sync.log"
    proc = start_sync(_env(c), log, once=False)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and "Synced" not in (log.read_text() if log.exists() else ""):
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    proc.communicate(timeout=15)
    assert proc.returncode == 0
    assert "Stopping" in log.read_text()


def test_cli_sync_once_without_a_connection_says_so(env, tmp_path):
    proc = subprocess.run([sys.executable, "-m", "tui", "sync", "--once"], cwd=ROOT, capture_output=True, text=True,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)), timeout=60)
    assert proc.returncode == 2
    assert "Not connected to Xero" in proc.stderr
