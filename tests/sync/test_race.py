"""Nothing lost when the app, Xero and the sync race: interrupted passes, edits during a write, a lost lease.

Each scenario runs over real HTTP against the sandbox; the interrupted ones run `tradiecore sync --once` as a
subprocess on the on-disk SQLite database and stop it with SIGTERM or SIGKILL at a point the sandbox shows.
"""

from __future__ import annotations

import signal
import threading
import time
from datetime import datetime, timedelta, timezone

from sqlalchemy import update
from sqlmodel import Session

from tests.fixtures.sync import make_invoice, send
from tests.sync.test_kill import _start, kill_at_held_write, run_sync_once
from tui.sync import outbox
from tui.xero import wire

INVOICES = "/api.xro/2.0/invoices"
CONTACTS = "/api.xro/2.0/contacts"


def _count(c, method: str, path: str) -> int:
    return c.requests().get(f"{method} {path}", 0)


def _wait_for(what, timeout: float = 30.0, every: float = 0.02) -> None:
    deadline = time.monotonic() + timeout
    while not what():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(every)


def _pending(c) -> int:
    with c.services.session() as s:
        return outbox.pending_count(s)


def _sync_once_ok(c, log) -> None:
    """`tradiecore sync --once` to the end; it must succeed."""
    proc = run_sync_once(c, log)
    assert proc.returncode == 0, proc.stderr + log.read_text()


def _synced_then_edited_here(c, number: str):
    """An invoice in Xero, then its reference edited here (a sync queue entry waits to be pushed)."""
    inv = send(c.services, make_invoice(c.services, number=number))
    assert c.sync().ok
    inv = c.services.invoice(inv.id)
    inv.reference = "Edited here"
    return c.services.save_invoice(inv)


def _xero_edit_survives_and_ours_arrives(c, inv, log) -> None:
    """A Xero user moves the due date while the sync is down; the next run keeps it and sends our reference."""
    c.sb.control.edit_invoice(inv.number, DueDate="2030-01-31")
    _sync_once_ok(c, log)
    [x] = c.xero_invoices(inv.number)
    assert wire.parse_date(x["DueDate"]).isoformat() == "2030-01-31", "the change made in Xero was overwritten"
    assert x["Reference"] == "Edited here"
    local = c.services.invoice(inv.id)
    assert local.due_date.isoformat() == "2030-01-31" and local.reference == "Edited here"
    assert _pending(c) == 0


def test_sigterm_during_the_pull_does_not_replay_a_stale_body_over_a_xero_edit(connected, tmp_path):
    c = connected
    inv = _synced_then_edited_here(c, "TC-1100")
    gets = _count(c, "GET", INVOICES)
    c.sb.control.inject("latency", 1, path=INVOICES, methods=["GET"], seconds=3)
    log = tmp_path / "sync.log"
    proc = _start(c, log)
    _wait_for(lambda: _count(c, "GET", INVOICES) > gets)  # the slow pull is under way
    proc.send_signal(signal.SIGTERM)
    proc.communicate(timeout=30)
    _xero_edit_survives_and_ours_arrives(c, inv, log)


def test_sigkill_while_waiting_after_a_503_does_not_replay_a_stale_body(connected, tmp_path):
    c = connected
    inv = _synced_then_edited_here(c, "TC-1200")
    posts = _count(c, "POST", INVOICES)
    c.sb.control.inject("503", 4, path=INVOICES, methods=["POST"])
    log = tmp_path / "sync.log"
    proc = _start(c, log)
    _wait_for(lambda: _count(c, "POST", INVOICES) > posts)  # refused with 503: the client waits to retry
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=10)
    c.sb.control.clear_faults()
    _xero_edit_survives_and_ours_arrives(c, inv, log)


def test_sigterm_mid_pass_exits_0(connected, tmp_path):
    c = connected
    send(c.services, make_invoice(c.services, number="TC-1250"))
    c.sb.control.inject("latency", 1, path=INVOICES, methods=["GET"], seconds=3)
    log = tmp_path / "sync.log"
    proc = _start(c, log)
    _wait_for(lambda: _count(c, "GET", INVOICES) > 0)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err.decode() + log.read_text()
    assert "Stopping" in log.read_text()


def test_customer_edited_while_its_contact_is_created_reaches_xero(connected):
    c = connected
    inv = send(c.services, make_invoice(c.services, customer_name="Rosa Race", email="rosa@example.com",
                                        number="TC-1300"))
    c.sb.control.inject("hold", 1, path=CONTACTS, methods=["PUT"])
    reports = []
    pass_ = threading.Thread(target=lambda: reports.append(c.sync()))
    pass_.start()
    try:
        assert c.sb.control.wait_for_held(1, timeout=30), "the contact was never created"
        customer = c.services.customer(inv.customer_id)
        customer.phone = "0400 111 222"
        customer.email = "rosa.new@example.com"
        c.services.save_customer(customer)
    finally:
        c.sb.control.release_holds()
        pass_.join(60)
    assert reports and reports[0].ok, reports

    def new_details_in_xero() -> bool:
        [contact] = c.xero_contacts("Rosa Race")
        return contact["EmailAddress"] == "rosa.new@example.com" and \
            [p["PhoneNumber"] for p in contact.get("Phones", []) if p["PhoneType"] == "DEFAULT"] == ["0400 111 222"]

    deadline = time.monotonic() + 30
    while not new_details_in_xero():
        assert time.monotonic() < deadline, "the edit made during the create never reached Xero"
        assert c.sync().ok
    assert len(c.xero_contacts("Rosa Race")) == 1 and len(c.xero_invoices("TC-1300")) == 1
    assert _pending(c) == 0


def _waiting_out_a_429(c, number: str, retry_after: int):
    """A runner (lease of 2 s) in a thread, stuck behind a 429 on creating its contact for ``retry_after`` s."""
    send(c.services, make_invoice(c.services, customer_name="Lee Lease", email="lee@example.com", number=number))
    c.sb.control.inject("429", 1, path=CONTACTS, methods=["PUT"], seconds=retry_after)
    runner = c.runner(label="sam@server (pid 1)", lease_ttl=timedelta(seconds=2))
    reports = []
    thread = threading.Thread(target=lambda: reports.append(runner.run_once()))
    thread.start()
    _wait_for(lambda: _count(c, "PUT", CONTACTS) == 1)  # answered 429: the runner waits
    return runner, thread, reports


def test_lease_is_renewed_while_waiting_out_a_429(connected):
    from tui.sync.lease import Lease

    c = connected
    runner, thread, reports = _waiting_out_a_429(c, "TC-1400", retry_after=30)
    other = Lease(c.engine, c.tenant_id, "alex@laptop (pid 2)")
    try:
        end = time.monotonic() + 5  # well past the 2 s lease
        while time.monotonic() < end:
            assert thread.is_alive()
            assert not other.acquire(), "the lease expired while its holder waited"
            time.sleep(0.2)
    finally:
        runner.stop.set()  # as SIGTERM does: the wait ends at once
        thread.join(10)
        runner.close()
    [report] = reports
    assert not report.ok and report.message == "Sync stopped"
    assert _count(c, "PUT", CONTACTS) == 1 and c.xero_invoices("TC-1400") == []
    assert other.acquire()  # released as it stopped


def test_a_syncer_that_lost_its_lease_while_waiting_writes_nothing(connected):
    from tui.store.sync_tables import SyncLeaseRow
    from tui.sync.lease import Lease

    c = connected
    runner, thread, reports = _waiting_out_a_429(c, "TC-1500", retry_after=4)
    other = Lease(c.engine, c.tenant_id, "alex@laptop (pid 2)")
    try:
        now = datetime.now(timezone.utc)
        with Session(c.engine) as s:  # its lease expired and another syncer took it over
            s.execute(update(SyncLeaseRow).where(SyncLeaseRow.tenant_id == c.tenant_id).values(
                holder=other.holder, holder_label=other.label, acquired_at=now, expires_at=now + other.ttl))
            s.commit()
        thread.join(60)
    finally:
        runner.close()
    [report] = reports
    assert not report.ok and report.message == "Another process took over the sync"
    assert _count(c, "PUT", CONTACTS) == 1 and _count(c, "POST", CONTACTS) == 0
    assert _count(c, "POST", INVOICES) == 0 and _count(c, "PUT", INVOICES) == 0
    assert c.xero_contacts("Lee Lease") == [] and c.xero_invoices("TC-1500") == []
    assert other.renew(), "the old syncer released a lease that was no longer its own"


def test_customer_edited_after_its_create_lost_its_answer_reaches_xero(connected, tmp_path):
    """Killed while Xero creates the contact; the customer edited while the sync is down: the next run finds
    the contact it created (no second one, no name clash) and sends the new details to it."""
    c = connected
    inv = send(c.services, make_invoice(c.services, customer_name="Kim Killed", email="kim@example.com",
                                        number="TC-1600"))
    log = tmp_path / "sync.log"
    kill_at_held_write(c, log, CONTACTS, ["PUT"], "the contact")
    customer = c.services.customer(inv.customer_id)
    customer.phone = "0400 333 444"
    c.services.save_customer(customer)

    _sync_once_ok(c, log)
    [contact] = c.xero_contacts("Kim Killed")
    assert [p["PhoneNumber"] for p in contact.get("Phones", []) if p["PhoneType"] == "DEFAULT"] == ["0400 333 444"]
    [x] = c.xero_invoices("TC-1600")
    assert x["Contact"]["ContactID"] == contact["ContactID"]
    assert c.services.sync.problems() == [] and _pending(c) == 0


def test_invoice_created_by_a_killed_pass_keeps_a_later_xero_edit(connected, tmp_path):
    """Killed while Xero creates the invoice; meanwhile it is edited in Xero and here: both edits stay, and
    the invoice exists once."""
    c = connected
    inv = send(c.services, make_invoice(c.services, number="TC-1700"))
    log = tmp_path / "sync.log"
    kill_at_held_write(c, log, INVOICES, ["POST"], "the invoice")
    inv = c.services.invoice(inv.id)
    inv.reference = "Edited here"
    inv = c.services.save_invoice(inv)
    _xero_edit_survives_and_ours_arrives(c, inv, log)
    assert len(c.xero_invoices("TC-1700")) == 1


def test_update_that_reached_xero_unanswered_then_edited_again_here_is_no_conflict(connected, tmp_path):
    """Killed after Xero did our update but before its answer came; the same field edited here again while the
    sync is down: what Xero holds is our own earlier write, so the newer edit goes out, with no conflict."""
    c = connected
    inv = _synced_then_edited_here(c, "TC-1800")
    log = tmp_path / "sync.log"
    kill_at_held_write(c, log, INVOICES, ["POST"], "the update")
    assert c.xero_invoices("TC-1800")[0]["Reference"] == "Edited here"  # Xero did it; nobody heard
    inv = c.services.invoice(inv.id)
    inv.reference = "Edited here again"
    c.services.save_invoice(inv)

    _sync_once_ok(c, log)
    [x] = c.xero_invoices("TC-1800")
    assert x["Reference"] == "Edited here again"
    assert c.services.sync.problems() == [] and _pending(c) == 0
