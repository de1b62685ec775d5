"""Faults: partial batch errors, 5xx, dropped responses, 429 storms, token expiry, revoked grants, two syncers."""

from __future__ import annotations

from sqlmodel import select

from tests.fixtures.sync import make_invoice, pkce_tokens, send
from tui.sync import outbox


def _pending(c) -> int:
    with c.services.session() as s:
        return outbox.pending_count(s)


def _numbers(c, prefix="TC-") -> list[str]:
    return sorted(i["InvoiceNumber"] for i in c.xero_invoices() if i["InvoiceNumber"].startswith(prefix))


def test_partial_batch_error_keeps_xeros_message_on_that_invoice_only(connected):
    from tui.store.tables import AccountMappingRow
    from tui.sync.status import invoice_state, problems

    c = connected
    with c.services.session() as s:
        row = s.get(AccountMappingRow, (c.tenant_id, "Materials"))
        row.account_code = "250"  # archived in Xero since the mapping was chosen
        s.add(row)
    good = send(c.services, make_invoice(c.services, number="TC-0100"))
    bad = send(c.services, make_invoice(c.services, number="TC-0101", lines=(("Pipe", "1", "10.00", "Materials"),)))
    report = c.sync()
    assert report.pushed == 1 and report.errors == 1
    assert _numbers(c) == ["TC-0100"]
    with c.services.session() as s:
        assert invoice_state(s, good.id).state == "synced"
        state = invoice_state(s, bad.id)
        assert state.state == "error" and "250" in state.error or "archived" in state.error.lower()
        assert [p.entity_id for p in problems(s)] == [bad.id]
    [group, *_] = c.services.todo()
    assert (group.key, group.title, group.count, [r.id for r in group.rows]) == ("sync", "Sync problems", 1, [bad.id])
    requests = c.requests()
    assert c.sync().ok  # a held error is not retried every pass
    assert c.requests().get("POST /api.xro/2.0/invoices") == requests.get("POST /api.xro/2.0/invoices")


def test_5xx_then_success_leaves_exactly_one_invoice(connected):
    c = connected
    send(c.services, make_invoice(c.services, number="TC-0200"))
    c.sb.control.inject("500", 2, path="/api.xro/2.0/invoices", methods=["POST"])
    report = c.sync()
    assert report.ok, report.message
    assert _numbers(c) == ["TC-0200"]


def test_response_dropped_after_commit_leaves_exactly_one_invoice(connected):
    c = connected
    send(c.services, make_invoice(c.services, number="TC-0300"))
    send(c.services, make_invoice(c.services, number="TC-0301"))
    c.sb.control.inject("close", 1, path="/api.xro/2.0/invoices", methods=["POST"])
    report = c.sync()
    if not report.ok:  # the client may give up for this pass; the next pass replays the same request
        report = c.sync()
    assert report.ok, report.message
    assert _numbers(c) == ["TC-0300", "TC-0301"]
    assert _pending(c) == 0


def test_dropped_every_time_then_next_pass_replays_with_the_same_key(connected):
    c = connected
    send(c.services, make_invoice(c.services, number="TC-0310"))
    c.sb.control.inject("close", 50, path="/api.xro/2.0/invoices", methods=["POST"])
    report = c.sync()
    assert not report.ok
    c.sb.control.clear_faults()
    assert len(c.xero_invoices("TC-0310")) == 1  # committed by the first try
    report = c.sync()
    assert report.ok, report.message
    assert len(c.xero_invoices("TC-0310")) == 1 and _pending(c) == 0


class VirtualClock:
    """The client's rate-limit clock in virtual time: a wait moves the sandbox's clock instead of sleeping."""

    def __init__(self, sb):
        import time

        self.sb = sb
        self.offset = 0.0
        self.slept: list[float] = []
        self._time = time

    def monotonic(self) -> float:
        return self._time.monotonic() + self.offset

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            self.slept.append(seconds)
            self.offset += seconds
            self.sb.control.advance_clock(seconds)
            self._time.sleep(0.001)


def test_rate_limit_storm_completes(connected):
    from tui.connection.factory import make_api
    from tui.xero.ratelimit import Backoff, RateLimiter

    c = connected
    c.sb.control.configure(minute_limit=10)
    for i in range(30):
        send(c.services, make_invoice(c.services, number=f"TC-04{i:02d}"))
    c.sb.control.inject("429", 4, seconds=7)
    clock = VirtualClock(c.sb)
    factory = lambda tenant, kind: make_api(c.cfg, tenant, kind, c.services.secrets,  # noqa: E731
                                            limiter=RateLimiter(clock=clock), backoff=Backoff(base=0.01, cap=0.05))
    report = c.sync(api_factory=factory, batch_size=1)
    assert report.ok, report.message
    assert _numbers(c) == [f"TC-04{i:02d}" for i in range(30)]
    assert clock.slept  # it did have to wait
    assert _pending(c) == 0


def test_token_expiry_mid_run(connected):
    c = connected
    for i in range(3):
        send(c.services, make_invoice(c.services, number=f"TC-050{i}", customer_name=f"Customer {i}",
                                      email=f"c{i}@example.com"))
    moved = []

    def progress(message):
        if not moved:
            moved.append(c.sb.control.advance_clock(3600))  # every access token is now expired at the sandbox

    report = c.sync(on_progress=progress, batch_size=1)
    assert report.ok, report.message
    assert moved and _numbers(c) == ["TC-0500", "TC-0501", "TC-0502"]
    assert c.sb.control.counters()["token_requests"].get("refresh_token", 0) >= 1


def test_revoked_connection_disconnects_keeps_the_outbox_and_continue_drains_it(connected):
    from tui.store.tables import XeroConnectionRow
    from tui.xero.oauth import XeroOAuth
    from tui.xero.tokens import TokenManager, secret_token_store

    c = connected
    send(c.services, make_invoice(c.services, number="TC-0600"))
    c.sb.control.revoke_connection()
    report = c.sync()
    assert report.disconnected and not report.ok
    assert "Disconnected" in report.message
    with c.services.session() as s:
        assert s.get(XeroConnectionRow, c.tenant_id).status == "disconnected"
    assert _pending(c) == 1 and _numbers(c) == []
    assert c.sync().disconnected  # no calls while disconnected

    # Continue: the consent flow again, same organisation
    TokenManager(secret_token_store(c.cfg, c.tenant_id, c.services.secrets), XeroOAuth(c.cfg.xero)).save(
        pkce_tokens(c.sb))
    with c.services.session() as s:
        row = s.get(XeroConnectionRow, c.tenant_id)
        row.status, row.reason = "connected", ""
        s.add(row)
    report = c.sync()
    assert report.ok, report.message
    assert _numbers(c) == ["TC-0600"] and _pending(c) == 0


def test_two_syncers_on_one_database_one_works(connected):
    c = connected
    send(c.services, make_invoice(c.services, number="TC-0700"))
    a = c.runner(label="sam@server (pid 1)")
    b = c.runner(label="alex@laptop (pid 2)")
    try:
        assert a._lease(c.tenant_id).acquire()
        report = b.run_once()
        assert not report.ok and report.held_by == "sam@server (pid 1)"
        assert "sam@server" in report.message
        assert _numbers(c) == []
        from tui.sync.status import overview

        with c.services.session() as s:
            assert overview(s, c.tenant_id, c.services.now()).held_by == "sam@server (pid 1)"
        assert a.run_once().ok
        assert _numbers(c) == ["TC-0700"]
    finally:
        a.close()
    report = b.run_once()  # a released its lease
    b.close()
    assert report.ok, report.message


def test_replay_after_the_idempotency_key_expired_links_instead_of_duplicating(connected):
    """A batch left in flight whose key Xero no longer remembers: it is not sent again; the invoice Xero already
    has with its number (ours, same contact and total) is linked; nothing is duplicated."""
    import json

    from sqlalchemy import delete

    from tui.store.sync_tables import SyncBatchRow, SyncRecordRow
    from tui.store.tables import CustomerRow, InvoiceRow
    from tui.sync.mapping import invoice_to_xero
    from tui.sync.status import invoice_state
    from tui.xero import wire

    c = connected
    inv = send(c.services, make_invoice(c.services, number="TC-0800"))
    assert c.sync().ok and len(c.xero_invoices("TC-0800")) == 1
    # rewind our side to "request sent, answer lost, key forgotten by Xero"
    with c.services.session() as s:
        row = s.get(InvoiceRow, inv.id)
        row.xero_invoice_id = None
        s.add(row)
        s.execute(delete(SyncRecordRow).where(SyncRecordRow.entity_id == inv.id))
        outbox.enqueue_invoice(s, inv.id, c.services.now())
        entry = outbox.get_entry(s, "invoice", inv.id)
        contact = s.get(CustomerRow, inv.customer_id).xero_contact_id
        body = invoice_to_xero(c.services.invoice(inv.id), contact, {})
        s.add(SyncBatchRow(tenant_id=c.tenant_id, kind="invoice", method="POST", idempotency_key="tradiecore-new-key",
                           body=wire.dumps([body]), entries=json.dumps([[entry.id, inv.id, entry.seq]]),
                           created_at=c.services.now()))
    writes = c.writes()
    report = c.sync()
    assert report.ok and report.errors == 0, report.message
    assert len(c.xero_invoices("TC-0800")) == 1 and c.writes() == writes
    assert c.services.invoice(inv.id) and _pending(c) == 0
    with c.services.session() as s:
        assert invoice_state(s, inv.id).state == "synced"
        assert s.get(InvoiceRow, inv.id).xero_invoice_id == c.xero_invoices("TC-0800")[0]["InvoiceID"]


def test_archived_mapped_account_is_flagged_at_most_hourly(connected):
    from tui.store.tables import AccountMappingRow

    c = connected
    c.sb.control.archive_account("220")
    report = c.sync()
    assert report.calls_by_endpoint.get("accounts") == 1
    with c.services.session() as s:
        assert s.get(AccountMappingRow, (c.tenant_id, "Materials")).archived
        assert not s.get(AccountMappingRow, (c.tenant_id, "Labour")).archived
    assert "accounts" not in c.sync().calls_by_endpoint  # not again within the hour


def test_renumbered_mapped_account_is_not_flagged_archived(connected):
    """The hourly check finds a mapped account as the Xero screen does, by its AccountID before its code: an
    account whose code was changed in Xero since it was chosen is the same, active account. Nothing is flagged
    archived, and neither the Xero screen nor To Do warns about it."""
    from tui.store.tables import AccountMappingRow

    c = connected
    accounts = c.sb.control.snapshot()["organisations"][c.tenant_id]["Accounts"]
    sales = next(a for a in accounts if a["Code"] == "200")
    assert not any(a["Code"] == "201" for a in accounts)
    with c.services.session() as s:  # chosen while the account's code was 201; Xero has it as 200 now
        mapping = s.get(AccountMappingRow, (c.tenant_id, "General Sales"))
        mapping.account_id, mapping.account_code = sales["AccountID"], "201"
        s.add(mapping)
    report = c.sync()
    assert report.ok and report.calls_by_endpoint.get("accounts") == 1, report.message
    assert c.services.connection.overview().archived == ()
    assert not any("archived" in line for line in c.services.connection.todo_warnings())
    with c.services.session() as s:
        assert not s.get(AccountMappingRow, (c.tenant_id, "General Sales")).archived


def test_a_record_xero_keeps_failing_on_backs_off_longer_each_time(connected):
    """5xx on every try: the record waits 1, 2, 4, 8 minutes between passes (not retried on each pass), the
    problem says when it is tried next, and once Xero takes it again it goes through."""
    from datetime import timedelta

    from tui.store.sync_tables import SyncOutboxRow
    from tui.sync.status import problems

    c = connected
    inv = send(c.services, make_invoice(c.services, number="TC-0210"))
    c.sb.control.inject("500", 10_000, path="/api.xro/2.0/invoices", methods=["POST"])
    now = [c.services.now()]

    def posts() -> int:
        return c.requests().get("POST /api.xro/2.0/invoices", 0)

    def entry() -> SyncOutboxRow:
        with c.services.session() as s:
            return s.exec(select(SyncOutboxRow).where(SyncOutboxRow.kind == outbox.INVOICE,
                                                      SyncOutboxRow.entity_id == inv.id)).one()

    waits = []
    for _ in range(4):
        before = posts()
        report = c.sync(now=lambda: now[0])
        assert not report.ok and "Xero had a problem (HTTP 500)" in report.message
        assert posts() > before  # tried (with the client's own quick retries)
        at = entry().next_attempt_at
        waits.append(at - now[0])
        with c.services.session() as s:
            [problem] = problems(s)
        assert (problem.entity_id, problem.code, problem.next_try) == (inv.id, "unavailable", at)
        now[0] = at - timedelta(seconds=1)  # not yet: a pass leaves it alone
        before = posts()
        assert c.sync(now=lambda: now[0]).ok
        assert posts() == before
        now[0] = at
    assert waits == [timedelta(minutes=m) for m in (1, 2, 4, 8)]

    c.sb.control.clear_faults()
    report = c.sync(now=lambda: now[0])
    assert report.ok and report.errors == 0, report.message
    assert _numbers(c) == ["TC-0210"] and _pending(c) == 0
    with c.services.session() as s:
        assert problems(s) == []


def test_the_backoff_grows_to_an_hour_at_most():
    from datetime import timedelta

    assert [outbox.retry_delay(n) for n in (1, 2, 3, 6, 7, 8, 100)] == [timedelta(minutes=m) for m in
                                                                       (1, 2, 4, 32, 60, 60, 60)]


def test_a_record_xero_failed_on_goes_alone_and_holds_no_other_back(connected):
    from datetime import timedelta

    c = connected
    first = send(c.services, make_invoice(c.services, number="TC-0220"))
    c.sb.control.inject("500", 5, path="/api.xro/2.0/invoices", methods=["POST"])  # one pass's tries
    now = [c.services.now()]
    assert not c.sync(now=lambda: now[0]).ok
    send(c.services, make_invoice(c.services, number="TC-0221"))
    report = c.sync(now=lambda: now[0])  # TC-0220 waits; TC-0221 goes
    assert report.ok and _numbers(c) == ["TC-0221"]
    now[0] += timedelta(minutes=1)
    assert c.sync(now=lambda: now[0]).ok and _numbers(c) == ["TC-0220", "TC-0221"]
    assert c.services.sync.invoice_state(first.id).state == "synced"
