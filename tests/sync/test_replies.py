"""Replies Xero should never send, met by a sync pass, by `tradiecore sync --once` and by the long-running loop:
a sync problem with the status and an excerpt in the sync log, never a traceback, and the next pass catches up."""

from __future__ import annotations

import threading
import time

import pytest

from tests.fixtures.sync import make_invoice, send
from tests.sync.test_kill import run_sync_once
from tui.sync import outbox

#: where each malformed reply is met: (path, methods, what the message names)
WHERE = {
    "GET Invoices": ("/api.xro/2.0/invoices", ["GET"], "GET Invoices"),
    "GET Contacts": ("/api.xro/2.0/contacts", ["GET"], "GET Contacts"),
    "PUT/POST Invoices": ("/api.xro/2.0/invoices", ["PUT", "POST"], "POST Invoices"),
    "PUT Contacts": ("/api.xro/2.0/contacts", ["PUT"], "PUT Contacts"),
}
#: how each kind of reply is described, and the start of its body as the message shows it
KINDS = {
    "html": ("not JSON", "<!DOCTYPE html> <html> <head><title>Scheduled maintenance"),
    "json_list": ("an array, not an object", '[{"Status":"OK"}]'),
    "no_collection": ('no "{key}" list', '{"Id":"'),
}
DEADLINE_S = 60


def expected(where: str, kind: str) -> tuple[str, str]:
    """The start of the sync problem's message, and the excerpt it ends with."""
    what = WHERE[where][2]
    problem, body = KINDS[kind]
    return f"Unexpected reply from Xero to {what} (HTTP 200, {problem.format(key=what.split()[1])}): ", body


def _pending(c) -> int:
    with c.services.session() as s:
        return outbox.pending_count(s)


def _sync_log(c) -> list[tuple[str, str]]:
    from tui.sync.status import recent_log

    with c.services.session() as s:
        return [(row.level, row.message) for row in recent_log(s)]


def _one_sent_invoice(c, number: str):
    return send(c.services, make_invoice(c.services, customer_name="Marina Pty Ltd", email="m@example.com",
                                         number=number))


def _caught_up(c, number: str) -> bool:
    return _pending(c) == 0 and len(c.xero_invoices(number)) == 1


def _wait(condition, what: str, timeout: float = DEADLINE_S) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("where", list(WHERE))
def test_a_pass_meeting_an_unusable_reply_is_a_sync_problem_then_the_next_catches_up(connected, where, kind):
    c = connected
    _one_sent_invoice(c, "TC-0500")
    path, methods, _ = WHERE[where]
    c.sb.control.inject(kind, path=path, methods=methods)
    report = c.sync()
    start, body = expected(where, kind)
    assert not report.ok and report.message.startswith(start) and body in report.message, report.message
    assert ("error", report.message) in _sync_log(c)
    assert c.sb.control.pending_faults() == []  # the reply was met
    assert _pending(c) == 1

    report = c.sync()
    assert report.ok, report.message
    assert _caught_up(c, "TC-0500")  # sent once, whichever request met the bad reply


#: one subprocess per place, each with another kind of reply (they cost a second or two apiece)
CLI_CASES = [("GET Invoices", "html"), ("GET Contacts", "json_list"), ("PUT/POST Invoices", "no_collection"),
             ("PUT Contacts", "html")]


@pytest.mark.parametrize("where,kind", CLI_CASES)
def test_sync_once_exits_1_with_one_clear_line(connected, tmp_path, where, kind):
    c = connected
    _one_sent_invoice(c, "TC-0600")
    path, methods, _ = WHERE[where]
    c.sb.control.inject(kind, path=path, methods=methods)
    log = tmp_path / "sync.log"
    proc = run_sync_once(c, log)
    text = log.read_text()
    assert proc.returncode == 1, proc.stderr + text
    assert "Traceback" not in proc.stderr and "Traceback" not in text, proc.stderr + text
    start, body = expected(where, kind)
    lines = [ln for ln in text.splitlines() if start in ln]
    assert any("(sent " in ln for ln in lines), text  # the pass's outcome says it
    assert all(" WARNING " in ln and body in ln for ln in lines), text
    assert "Bearer" not in text and "access_token" not in text and "refresh_token" not in text

    proc = run_sync_once(c, log)
    assert proc.returncode == 0, proc.stderr + log.read_text()
    assert _caught_up(c, "TC-0600")


class Loop:
    """`tradiecore sync` (the long-running loop, `tui.ops.sync.main`) in a thread, logging to a file."""

    def __init__(self, c, log, interval: float = 0.2):
        from tui.ops.sync import main

        self.log = log
        self.stop = threading.Event()
        self.code: list[int] = []
        self.thread = threading.Thread(target=lambda: self.code.append(
            main(c.cfg, once=False, log_file=str(log), interval=interval, stop=self.stop)), daemon=True)

    def text(self) -> str:
        return self.log.read_text() if self.log.exists() else ""

    def __enter__(self) -> "Loop":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join(30)


@pytest.mark.parametrize("where,kind", CLI_CASES)
def test_the_long_running_loop_keeps_going_after_an_unusable_reply(connected, tmp_path, where, kind):
    c = connected
    _one_sent_invoice(c, "TC-0700")
    path, methods, _ = WHERE[where]
    c.sb.control.inject(kind, path=path, methods=methods)
    start, _ = expected(where, kind)
    with Loop(c, tmp_path / "sync.log") as loop:
        _wait(lambda: start in loop.text() or not loop.thread.is_alive(), "the pass that meets the reply")
        _wait(lambda: _caught_up(c, "TC-0700") or not loop.thread.is_alive(), "a later pass to catch up")
        assert loop.thread.is_alive(), loop.text()
    assert loop.code == [0] and "Traceback" not in loop.text()


def test_the_loop_survives_a_pass_that_fails_in_an_unforeseen_way(connected, tmp_path):
    """Not Xero at all: the database loses a table mid-run. The pass fails, is logged on one line, the loop
    goes on, and once the table is back the next pass sends what waited."""
    from sqlalchemy import text

    c = connected
    with Loop(c, tmp_path / "sync.log") as loop:
        _wait(lambda: "Synced" in loop.text(), "the first pass")
        with c.engine.begin() as db:
            db.execute(text("ALTER TABLE sync_outbox RENAME TO sync_outbox_away"))
        _wait(lambda: "sync_outbox" in loop.text() or not loop.thread.is_alive(), "a pass that fails")
        with c.engine.begin() as db:
            db.execute(text("ALTER TABLE sync_outbox_away RENAME TO sync_outbox"))
        _one_sent_invoice(c, "TC-0800")
        _wait(lambda: _caught_up(c, "TC-0800") or not loop.thread.is_alive(), "a later pass to catch up")
        assert loop.thread.is_alive(), loop.text()
    assert loop.code == [0] and "Traceback" not in loop.text()
    lines = [ln for ln in loop.text().splitlines() if "sync_outbox" in ln]
    assert lines and all("Sync pass failed: OperationalError: " in ln for ln in lines), loop.text()
    assert any(" ERROR " in ln for ln in lines)
    assert any(level == "error" and "sync_outbox" in message for level, message in _sync_log(c))


@pytest.mark.parametrize("where", ["PUT/POST Invoices", "PUT Contacts"])
def test_a_write_answered_with_fewer_records_than_sent_is_a_sync_problem(connected, where):
    """Each record's outcome is read from its own element of the reply: a reply short of one leaves none unread."""
    c = connected
    _one_sent_invoice(c, "TC-0510")
    path, methods, what = WHERE[where]
    c.sb.control.inject("empty_collection", path=path, methods=methods)
    report = c.sync()
    key = what.split()[1]
    assert not report.ok
    assert report.message.startswith(f"Unexpected reply from Xero to {what} (HTTP 200, 0 {key} in reply to 1): ")
    assert ("error", report.message) in _sync_log(c)
    assert _pending(c) == 1  # the invoice still waits to be sent

    report = c.sync()
    assert report.ok, report.message
    assert _caught_up(c, "TC-0510")


def test_a_reply_over_the_size_cap_is_a_sync_problem(connected):
    """A reply larger than the cap (20 MB; 2,000 bytes here) ends the pass as a problem in the sync log, read only
    up to the cap; the next pass, with the usual cap, catches up."""
    from tui.connection.factory import make_api

    c = connected
    _one_sent_invoice(c, "TC-0990")
    small = c.runner(api_factory=lambda tenant, kind: make_api(c.cfg, tenant, kind, c.services.secrets,
                                                               max_reply_bytes=2_000))
    try:
        report = small.run_once()
    finally:
        small.close()
    assert not report.ok
    assert report.message.startswith("Unexpected reply from Xero to GET /api.xro/2.0/Invoices (HTTP 200, ")
    assert "over the 2,000-byte limit" in report.message
    assert ("error", report.message) in _sync_log(c)
    assert c.sync().ok and _caught_up(c, "TC-0990")
