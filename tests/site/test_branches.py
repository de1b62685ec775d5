"""Several shop servers (branches) on one PostgreSQL database: each has its own site dir (the same key file, copied
from the first server), and still exactly one process of all of them syncs the organisation; a session on one
server asks a service on another for its pass, and `tradiecore status` says the same on both. Real processes, the
sandbox over HTTP."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import time

import pytest

from tests.multiuser import ROOT, shared_tmp
from tests.site.conftest import GROUP, SitePaths
from tests.fixtures.postgres import throwaway_postgres


@pytest.fixture
def branches(site_paths, sandbox_server):
    sb = sandbox_server
    sb.reset()
    with throwaway_postgres() as url:
        first, second = site_paths, SitePaths(shared_tmp("tradiecore-branch-"))
        try:
            yield sb, url, first, second
        finally:
            shutil.rmtree(second.base, ignore_errors=True)


@pytest.fixture(scope="module")
def sandbox_server():
    from tui.sandbox.harness import run_sandbox

    with run_sandbox() as sb:
        yield sb


def _cli(paths: SitePaths, sb, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tui", *args], cwd=ROOT, env=paths.env(TRADIECORE_XERO_BASE=sb.base_url),
                          input=stdin, capture_output=True, text=True, timeout=120)


def _service(paths: SitePaths, sb, name: str) -> tuple[subprocess.Popen, object]:
    out = (paths.base / f"{name}.out").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "tui", "sync"], cwd=ROOT,
                            env=paths.env(TRADIECORE_XERO_BASE=sb.base_url), stdout=out,
                            stderr=subprocess.DEVNULL)
    return proc, out


def _holder(paths: SitePaths, sb) -> str | None:
    shown = _cli(paths, sb, "status", "--json")
    return json.loads(shown.stdout)["syncing"]


def _wait(check, what: str, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while not (found := check()):
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.3)
    return found


def test_two_branches_one_database_one_syncer(branches):
    from tests.fixtures.sync import make_invoice
    from tui import config
    from tui.domain.business import BusinessDetails
    from tui.services import Services
    from tui.sync.lease import holder_name

    sb, url, first, second = branches
    made = first.setup("--data-dir", str(first.data_dir), "--group", GROUP, "--db", url)
    assert made.returncode == 0, made.stderr
    # the second server: the first one's key (same mode and group), then its own setup on the same database
    second.site_dir.mkdir(parents=True)
    second.site_dir.chmod(0o755)
    shutil.copy2(first.key, second.key)
    shutil.copystat(first.key, second.key)
    shutil.chown(second.key, "root", GROUP)
    made = second.setup("--data-dir", str(second.data_dir), "--group", GROUP, "--db", url)
    assert made.returncode == 0, made.stderr + made.stdout

    connected = _cli(first, sb, "connect", "--custom", "--client-id", sb.custom_client_id,
                     stdin=sb.custom_client_secret + "\n")
    assert connected.returncode == 0, connected.stderr
    # the second server reads the same connection and the same token set: its client id comes with the business
    with second.config.open("a") as fh:
        fh.write(f'\n[xero]\nclient_id = "{sb.custom_client_id}"\n')
    owner = Services(config.load(env=second.env(TRADIECORE_XERO_BASE=sb.base_url)), user="owner")
    try:
        owner.save_business(BusinessDetails(name="Harbour City Plumbing", email="accounts@hcp.example"))
        owner.connection.accounts_reviewed()

        one, one_out = _service(first, sb, "first")
        two, two_out = _service(second, sb, "second")
        try:
            holder = _wait(lambda: _holder(first, sb), "a service to hold the sync")
            assert _holder(second, sb) == holder
            holding, other = (one, two) if f"(pid {one.pid})" in holder else (two, one)
            assert f"(pid {holding.pid})" in holder and other.poll() is None

            # a session on the second server asks; whichever service holds the sync runs the pass
            inv = make_invoice(owner, number="BR-1")
            owner.send_invoice(inv)
            asked = owner.sync.ask_for_pass(60)
            assert asked is not None and asked.done and asked.ok, asked
            assert asked.served_by == holder
            statuses = [_cli(p, sb, "status", "--json") for p in (first, second)]
            assert [s.returncode for s in statuses] == [0, 0], [s.stdout + s.stderr for s in statuses]
            assert json.loads(statuses[0].stdout) == json.loads(statuses[1].stdout)
            assert holder_name(holder) == "the sync service"

            # the holder stops: the other server's service takes over within a few seconds
            holding.send_signal(signal.SIGTERM)
            assert holding.wait(30) == 0
            taken = _wait(lambda: (h := _holder(second, sb)) and f"(pid {other.pid})" in h and h, "the other service")
            inv2 = make_invoice(owner, number="BR-2")
            owner.send_invoice(inv2)
            asked = owner.sync.ask_for_pass(60)
            assert asked.done and asked.ok and asked.served_by == taken
        finally:
            for proc in (one, two):
                if proc.poll() is None:
                    proc.kill()
                    proc.wait(10)
            one_out.close()
            two_out.close()
    finally:
        owner.engine.dispose()
    numbers = [i.get("InvoiceNumber") for org in sb.control.snapshot()["organisations"].values()
               for i in org["Invoices"]]
    assert sorted(n for n in numbers if n.startswith("BR-")) == ["BR-1", "BR-2"]
