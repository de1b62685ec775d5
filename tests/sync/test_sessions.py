"""Several processes of one business: the `tradiecore sync` service, app sessions and cron's `--once`.

Real processes on one database (a SQLite file, or PostgreSQL), the sandbox over HTTP: while the service holds the
sync lease, an app session asks it for passes instead of syncing; `--once` waits for the pass it asked for; when
the holder quits, another process takes the lease over within a few seconds.
"""

from __future__ import annotations

import asyncio
import re
import signal
import subprocess
import sys
import time

import pytest

from tests.connect.helpers import screen_text, wait_for
from tests.fixtures.sync import make_invoice, send
from tests.sync.shop import SIZE, session_app
from tui.bench.childenv import ROOT
from tui.services import Services

STAMP = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d"


def _wait(predicate, what: str, timeout: float = 15.0, every: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out waiting for {what}")


async def test_session_asks_the_service_and_shows_its_pass(shop):
    """The service holds the lease; the session does not sync but its Sync now is done by the service, at once."""
    from tui.screens.sync.screen import SyncScreen

    with shop.start_loop() as loop:
        _wait(lambda: shop.holder() == loop.label, "the service to hold the lease", timeout=30)
        _wait(lambda: any(" Synced" in line for line in loop.lines()), "the service's first pass")
        inv = send(shop.services, make_invoice(shop.services, number="TC-2001"))
        app = session_app(shop)
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: app.sync_scheduler.passes >= 1, what="the start-up look")
            assert shop.holder() == loop.label  # the session did not take the lease
            await pilot.press("y")
            await wait_for(pilot, lambda: isinstance(app.screen, SyncScreen) and app.screen.view, what="Sync")
            assert f"Synced by             {loop.label}\n" in screen_text(app)
            started = time.monotonic()
            await pilot.press("s")  # Sync now: asked of the service
            await wait_for(pilot, lambda: shop.xero_invoices(inv.number), timeout=10, what="the invoice in Xero")
            assert time.monotonic() - started < 5  # not at the service's next poll, a minute later
            await wait_for(pilot, lambda: "Sync finished: Synced just now · by the sync service"
                           in screen_text(app), what="the service's pass on the Sync screen")
            assert str(app.sync_status) == "Synced just now · by the sync service"
            assert shop.holder() == loop.label
        assert loop.stop() == 0
    assert len(shop.xero_invoices(inv.number)) == 1
    served = [line for line in loop.lines() if re.fullmatch(rf"{STAMP} Synced: sent 1 \(pending 0, calls \d+\)",
                                                            line)]
    assert served, loop.lines()  # one line a pass on stdout, plain text
    assert "\x1b" not in loop.out.read_text()
    assert loop.err.read_text() == ""  # nothing went wrong (on PostgreSQL: it listened for requests)
    assert loop.lines()[-1].endswith(" Stopped")


def test_sync_once_while_the_service_runs_waits_for_its_pass(shop):
    with shop.start_loop() as loop:
        _wait(lambda: shop.holder() == loop.label, "the service to hold the lease", timeout=30)
        _wait(lambda: any(" Synced" in line for line in loop.lines()), "the service's first pass")
        inv = send(shop.services, make_invoice(shop.services, number="TC-2002"))
        started = time.monotonic()
        proc = shop.sync_once()
        took = time.monotonic() - started
        assert proc.returncode == 0, proc.stderr
        assert proc.stderr == ""  # cron mails nothing but the one line
        assert re.fullmatch(rf"{STAMP} Synced: sent 1 \(pending 0, calls \d+\) by {re.escape(loop.label)}\n",
                            proc.stdout), proc.stdout
        assert len(shop.xero_invoices(inv.number)) == 1
        assert took < 15  # the request was noticed at once, not at the service's next poll (60 s)
        assert shop.holder() == loop.label
        assert loop.stop() == 0
        assert loop.err.read_text() == ""


def test_sync_once_says_why_when_the_holders_pass_fails(sqlite_shop):
    shop = sqlite_shop
    with shop.start_loop() as loop:
        _wait(lambda: shop.holder() == loop.label, "the service to hold the lease", timeout=30)
        send(shop.services, make_invoice(shop.services, number="TC-2003"))
        shop.sb.control.inject("503", 1000, path="/api.xro/2.0/invoices", methods=["GET"])
        proc = shop.sync_once()
        assert proc.returncode == 1
        assert proc.stdout == "" and len(proc.stderr.splitlines()) == 1, proc.stderr
        assert proc.stderr.startswith(f"tradiecore sync: the pass run by {loop.label} failed: Xero is offline")
        assert "Traceback" not in proc.stderr
        shop.sb.control.clear_faults()
        assert loop.stop() == 0


def test_sync_once_gives_up_after_wait_when_the_holder_does_not_answer(sqlite_shop):
    """A holder that never looks at requests (here: a lease taken and kept, no loop): one line, exit 1."""
    from tui.sync.lease import Lease

    shop = sqlite_shop
    stuck = Lease(shop.services.engine, shop.tenant_id, "alex on workshop (pid 4242)")
    assert stuck.acquire()
    started = time.monotonic()
    proc = shop.sync_once("--wait", "2")
    assert proc.returncode == 1
    assert proc.stderr == "tradiecore sync: alex on workshop (pid 4242) did not run the pass asked of it " \
                          "within 2 s\n"
    assert 2 <= time.monotonic() - started < 30
    bad = shop.sync_once("--wait", "soon")
    assert bad.returncode == 2 and "'soon' is not a number of seconds" in bad.stderr
    loop = subprocess.run([sys.executable, "-m", "tui", "sync", "--wait", "5"], cwd=ROOT, env=shop.env,
                          capture_output=True, text=True, timeout=60)
    assert (loop.returncode, loop.stdout) == (2, "")
    assert loop.stderr == "tradiecore: --wait goes with --once (how long to wait for the pass asked of another " \
                          "process)\n"


async def test_session_syncing_serves_sync_once_then_hands_the_lease_to_the_service(sqlite_shop):
    """No service: the first session syncs, and serves `--once`. A service started later asks the session for the
    lease; the session hands it over after one more pass and from then on shows the service's passes."""
    shop = sqlite_shop
    inv = send(shop.services, make_invoice(shop.services, number="TC-2004"))
    app = session_app(shop)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.sync_scheduler.passes >= 1, what="the start-up pass")
        await wait_for(pilot, lambda: shop.xero_invoices(inv.number), what="the invoice in Xero")
        assert shop.holder() == shop.session_label()
        assert str(app.sync_status) == "Synced just now"  # this session syncs: no "by"

        elsewhere = Services(shop.services.cfg, user="sam")  # not this session: its sends ask it for a pass
        second = send(elsewhere, make_invoice(elsewhere, number="TC-2005"))
        proc = await asyncio.to_thread(shop.sync_once)
        assert proc.returncode == 0, proc.stderr
        assert re.fullmatch(rf"{STAMP} Synced: sent 1 \(pending 0, calls \d+\) by "
                            rf"{re.escape(shop.session_label())}\n", proc.stdout), proc.stdout
        assert len(shop.xero_invoices(second.number)) == 1

        with shop.start_loop() as loop:
            await wait_for(pilot, lambda: any(f"Sync runs in {shop.session_label()}" in line
                                              for line in loop.lines()), timeout=30, what="the service starting")
            asked = time.monotonic()
            await wait_for(pilot, lambda: shop.holder() == loop.label, timeout=10, what="the handover")
            assert time.monotonic() - asked < 3
            await wait_for(pilot, lambda: str(app.sync_status) == "Synced just now · by the sync service",
                           what="the service's pass in the session's header")
            third = send(shop.services, make_invoice(shop.services, number="TC-2006"))
            app.sync_now()  # what sending in the editor does: asked of the service now
            await wait_for(pilot, lambda: shop.xero_invoices(third.number), timeout=5, what="the third invoice")
            assert shop.holder() == loop.label
            assert loop.stop() == 0
        assert [line for line in loop.lines() if "Synced: sent 1 " in line], loop.lines()


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL])
async def test_service_stopped_the_session_takes_over_within_3_s(sqlite_shop, how):
    """Stopped, the service releases the lease; killed, its lease is void at once on this machine."""
    shop = sqlite_shop
    with shop.start_loop() as loop:
        _wait(lambda: shop.holder() == loop.label, "the service to hold the lease", timeout=30)
        app = session_app(shop)
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: app.sync_scheduler.passes >= 1, what="the start-up look")
            await wait_for(pilot, lambda: str(app.sync_status).endswith(" · by the sync service"),
                           what="the service named in the header")
            loop.proc.send_signal(how)
            assert loop.proc.wait(30) == (0 if how == signal.SIGTERM else -signal.SIGKILL)
            stopped = time.monotonic()
            await wait_for(pilot, lambda: shop.holder() == shop.session_label(), timeout=10,
                           what="the session to take the lease")
            assert time.monotonic() - stopped < 3
            inv = send(shop.services, make_invoice(shop.services, number="TC-2007"))
            app.sync_now()  # what sending in the editor does: this session syncs it now
            await wait_for(pilot, lambda: shop.xero_invoices(inv.number), what="the invoice in Xero")
            await wait_for(pilot, lambda: str(app.sync_status) == "Synced just now", what="the header")


@pytest.mark.postgres
def test_postgres_request_wakes_the_holder_through_notify(postgres_url):
    """LISTEN/NOTIFY: the listener hears a request the moment another connection commits it (no polling)."""
    from sqlmodel import Session

    from tui.clock import utc_now
    from tui.store.db import make_engine, migrate, session
    from tui.store.pass_requests import request_pass
    from tui.sync.pass_requests import has_open, listener_for

    engine, other = make_engine(postgres_url), make_engine(postgres_url)
    migrate(engine)
    listener = listener_for(engine)
    try:
        assert listener is not None
        assert not listener.wait(0.2)  # nothing asked yet
        with session(other) as s:
            request_pass(s, "tenant-1", "sam on shop (pid 1)", utc_now())
        started = time.monotonic()
        assert listener.wait(5)
        assert time.monotonic() - started < 1
        with Session(engine) as s:
            assert has_open(s, "tenant-1")
    finally:
        listener.close()
        engine.dispose()
        other.dispose()


@pytest.mark.postgres
def test_postgres_listener_cut_off_looks_by_the_clock_then_listens_again(postgres_url, caplog):
    """The server ends the listening connection: the wait goes on by the clock, then listens on a new one."""
    from sqlalchemy import text

    from tui.clock import utc_now
    from tui.store.db import make_engine, migrate, session
    from tui.store.pass_requests import request_pass
    from tui.sync.pass_requests import listener_for

    engine, other = make_engine(postgres_url), make_engine(postgres_url)
    migrate(engine)
    listener = listener_for(engine)
    listener.RECONNECT_S = 0  # reconnect at the next wait, not 30 s later
    try:
        with other.connect() as c:
            killed = c.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                    "WHERE datname = current_database() AND query LIKE 'LISTEN %' "
                                    "AND pid <> pg_backend_pid()")).scalars().all()
        assert killed == [True]
        assert not listener.wait(1)
        assert "Lost the connection listening for sync requests" in caplog.text
        assert not listener.wait(0.2)  # listening again
        with session(other) as s:
            request_pass(s, "tenant-1", "sam on shop (pid 1)", utc_now())
        assert listener.wait(5)
    finally:
        listener.close()
        engine.dispose()
        other.dispose()


async def test_session_says_when_the_holder_does_not_answer(sqlite_shop, monkeypatch):
    """A holder that never serves requests: Sync now gives up after its wait and says so, in red."""
    from tui.sync.lease import Lease
    from tui.shell import sync_pass

    shop = sqlite_shop
    monkeypatch.setattr(sync_pass, "ASK_TIMEOUT_S", 1.0)
    stuck = Lease(shop.services.engine, shop.tenant_id, "alex on workshop (pid 4242)")
    assert stuck.acquire()
    app = session_app(shop)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: str(app.sync_status) == "Not synced yet · by alex", what="the holder named")
        app.sync_now()
        await wait_for(pilot, lambda: str(app.sync_status) == "No pass from alex within 1 s", what="the give-up")
        assert "red" in str(app.sync_status.style)
        assert shop.holder() == "alex on workshop (pid 4242)"


def test_a_request_made_during_a_pass_is_answered_by_the_next_pass(connected):
    """A pass answers what was asked before it started; a request made while it runs waits for the next one."""
    import threading

    from tui.store.pass_requests import get_request, request_pass

    c = connected
    c.sb.control.inject("hold", 1, path="/api.xro/2.0/invoices", methods=["GET"])
    runner = c.runner(label="the sync service on shop (pid 1)")
    try:
        with c.services.session() as s:
            early = request_pass(s, c.tenant_id, "sam on shop (pid 2)", c.services.now())
        first = threading.Thread(target=runner.run_once)
        first.start()
        assert c.sb.control.wait_for_held(1, timeout=30)  # the pass is pulling
        with c.services.session() as s:
            late = request_pass(s, c.tenant_id, "sam on shop (pid 2)", c.services.now())
        c.sb.control.release_holds()
        first.join(30)
        with c.services.session() as s:
            answered, waiting = get_request(s, early), get_request(s, late)
        assert answered.done and answered.ok and answered.served_by == "the sync service on shop (pid 1)"
        assert answered.message.startswith("Synced")
        assert not waiting.done
        inv = send(c.services, make_invoice(c.services, number="TC-2100"))
        runner.run_once()
        with c.services.session() as s:
            waiting = get_request(s, late)
        assert waiting.done and waiting.ok and waiting.message.startswith("Synced: sent 1 (pending 0, calls ")
        assert len(c.xero_invoices(inv.number)) == 1
    finally:
        runner.close()
