"""kill -9 of the sync lease holder on the same machine: the sync service, running, holds the lease within 5 s,
and the app sessions, looking every second too, leave it to the service."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import time

from tests.connect.helpers import wait_for
from tests.sync.shop import SIZE, session_app
from tui.bench.soak import ROOT

HOLDER = """
import sys, time
from tui import config
from tui.credentials.user_store import FileSecretStore, secrets_file
from tui.connection.factory import api_factory
from tui.store.db import make_engine
from tui.sync.lease import session_label
from tui.sync.runner import SyncRunner

cfg = config.load()
engine = make_engine(cfg.database_url)
runner = SyncRunner(engine, api_factory=api_factory(cfg, FileSecretStore(secrets_file(cfg)), engine),
                    label=session_label("alex"), hands_over=True)
report = runner.run_once()
print("held" if report.ok else report.message, flush=True)
time.sleep(600)  # a session busy elsewhere: it serves no request until it is killed
"""


def _alex(shop) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", HOLDER], cwd=ROOT, env=shop.env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline().strip()
    assert line == "held", (line, proc.stderr.read() if proc.poll() is not None else "")
    return proc


async def _until(pilot, predicate, timeout: float, what: str) -> float:
    started = time.monotonic()
    await wait_for(pilot, predicate, timeout=timeout, what=what)
    return time.monotonic() - started


async def test_a_killed_session_holding_the_lease_is_replaced_by_the_running_service_within_5_s(sqlite_shop):
    shop = sqlite_shop
    alex = _alex(shop)  # an app session of alex's holds the lease
    try:
        app = session_app(shop)  # sam's session, looking every second like the service
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: app.sync_scheduler.passes >= 1, what="sam's start-up look")
            assert shop.holder().startswith("alex on ")
            with shop.start_loop() as loop:
                await wait_for(pilot, lambda: any("Sync runs in alex on " in line for line in loop.lines()),
                               timeout=30, what="the service waiting for the lease")
                await asyncio.sleep(1.5)  # the service stands by
                alex.send_signal(signal.SIGKILL)
                alex.wait(10)
                took = await _until(pilot, lambda: shop.holder() == loop.label, 10, "the service to hold it")
                assert took < 5, f"the service took the lease {took:.1f} s after the kill"
                await asyncio.sleep(2)  # sam's session does not take it from the service either
                assert shop.holder() == loop.label
                assert loop.stop() == 0
    finally:
        if alex.poll() is None:
            alex.kill()
            alex.wait(10)


async def test_a_restarted_service_gets_the_lease_from_the_session_within_5_s(sqlite_shop):
    """The service killed: sam's session syncs meanwhile; the service started again (systemd, 2 s later) asks
    for the lease and holds it within 5 s."""
    shop = sqlite_shop
    with shop.start_loop("first") as first:
        app = session_app(shop)
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: shop.holder() == first.label, timeout=30, what="the service holding it")
            first.proc.send_signal(signal.SIGKILL)
            first.proc.wait(10)
            await wait_for(pilot, lambda: shop.holder() == shop.session_label(), timeout=10,
                           what="sam's session taking over")
            with shop.start_loop("second") as second:
                took = await _until(pilot, lambda: shop.holder() == second.label, 30, "the new service to hold it")
                assert took < 5 + 2, f"the restarted service held the lease {took:.1f} s after starting"
                await asyncio.sleep(2)
                assert shop.holder() == second.label
                assert second.stop() == 0
