"""The app as ``tradiecore`` runs it syncs in a process of its own: the pass reaches Xero from there, the header
says what it did, a killed sync process is replaced, and none outlives the app."""

from __future__ import annotations

import os
import signal
import sys
import time

import pytest

from tests.syncui.conftest import wait_for

SIZE = (100, 30)


@pytest.fixture
def on_disk(tmp_path, monkeypatch):
    """A business on disk (config, data and file secrets in the test's dirs, the environment pointing there, as a
    sync process sees it) with three sent invoices, connected to a sandbox's organisation; (services, sandbox)."""
    from tui import config
    from tui.bench.childenv import child_env, home_dirs
    from tui.bench.sandbox_child import Sandbox
    from tui.bench.seeding import connect_custom, seed
    from tui.credentials.user_store import FileSecretStore, secrets_file
    from tui.services import Services

    env = child_env(home_dirs(tmp_path), TRADIECORE_SECRETS_STORE="file")
    for name in [n for n in os.environ if n.startswith("TRADIECORE_") and n not in env]:
        monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    sandbox = Sandbox()
    monkeypatch.setenv("TRADIECORE_XERO_BASE", sandbox.base_url)
    monkeypatch.setenv("TRADIECORE_XERO_CLIENT_ID", sandbox.info["custom_client_id"])
    cfg = config.load()
    services = Services(cfg, user="sam")
    seed(services, 3, 2)
    connect_custom(services, cfg, FileSecretStore(secrets_file(cfg)), sandbox.info["custom_client_secret"])
    try:
        yield services, sandbox
    finally:
        services.close()
        sandbox.close()


def _invoice_numbers(sandbox) -> set[str]:
    orgs = sandbox.control("GET", "state")["organisations"].values()
    return {inv["InvoiceNumber"] for org in orgs for inv in org["Invoices"]}


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat", encoding="ascii") as f:
        return f.read().rsplit(")", 1)[1].split()[0] != "Z"


async def _pass(pilot, app) -> None:
    done = app.sync_scheduler.passes
    app.sync_now()
    await wait_for(pilot, lambda: app.sync_scheduler.passes > done, what="a sync pass", timeout=60)


async def test_the_sync_process_pushes_is_replaced_when_killed_and_ends_with_the_app(on_disk):
    from tui.app import TradieApp

    services, sandbox = on_disk
    ours = {"TC-00001", "TC-00002", "TC-00003"}
    assert not ours & _invoice_numbers(sandbox)
    app = TradieApp(services, sync_interval=None, sync_process=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.sync_scheduler.passes >= 1, what="the start-up pass", timeout=60)
        assert str(app.sync_status) == "Synced just now"
        assert ours <= _invoice_numbers(sandbox)  # pushed by the sync process
        first = app.sync_scheduler.process.pid
        assert first is not None and first != os.getpid()
        look = services.sync.watch()  # the process holds the lease as this session: no "by ..." in the header
        assert look.mine and look.held_by == services.sync_identity()[0]

        os.kill(first, signal.SIGKILL)
        await _pass(pilot, app)
        assert str(app.sync_status).startswith("Sync failed: the sync process stopped")
        assert "red" in str(app.sync_status.style)

        await _pass(pilot, app)
        assert str(app.sync_status) == "Synced just now"
        second = app.sync_scheduler.process.pid
        assert second not in (None, first) and _alive(second)
    assert not _alive(second)  # it ended with the app, and let go of the lease
    assert _lease_holders(services) == []


def test_the_sync_process_dies_with_a_killed_app(on_disk):
    """``tradiecore`` killed outright: its sync process does not live on (nor hold the lease)."""
    from tui.bench.childenv import ROOT
    from tui.bench.pty_run import PtySession

    services, _sandbox = on_disk
    session = PtySession([sys.executable, "-m", "tui"], dict(os.environ), cwd=str(ROOT))
    try:
        assert session.wait_for(["Synced just now"])["Synced just now"] is not None
        children = _children(session.proc.pid)
        assert len(children) == 1
        os.kill(session.proc.pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while _alive(children[0]) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(children[0])
    finally:
        session.close()
    assert _lease_holders(services) == []  # the sync process let go of the lease as it ended


def _lease_holders(services) -> list[str]:
    from sqlmodel import select

    from tui.store.sync_tables import SyncLeaseRow

    with services.session() as s:
        return [row.holder for row in s.exec(select(SyncLeaseRow)).all() if row.holder]


def _children(pid: int) -> list[int]:
    out: list[int] = []
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as f:
            out += [int(p) for p in f.read().split()]
    return out
