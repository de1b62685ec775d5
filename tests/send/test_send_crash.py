"""kill -9 between a send's claim and its email: the email is never lost and never sent twice.

A real app session claims the send and stops there (TRADIECORE_TEST_PAUSE_AFTER_CLAIM) until it is killed. While
it lives, a second session leaves its claim alone; once it is dead, two sessions starting at the same moment
finish it between them exactly once, with the Message-ID made from the claim's send id.
"""

from __future__ import annotations

import os
import signal
import time

import pytest

from tests.send.conftest import finished
from tui.domain.invoice import InvoiceStatus
from tui.store.tables import InvoiceRow

pytestmark = pytest.mark.timeout(600)


def wait_for_file(path, proc, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert proc.poll() is None, proc.communicate()[1][-3000:]
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.05)


def test_killed_between_claim_and_email_sent_once_after_restart(shop, smtp_inbox, tmp_path):
    invoice_id = shop.drafts(1)[0]
    marker = tmp_path / "claimed"
    alice = shop.session("alice", "send", str(tmp_path), "alice", "alice", str(invoice_id),
                         TRADIECORE_TEST_PAUSE_AFTER_CLAIM=str(marker))
    try:
        wait_for_file(marker, alice)
        with shop.services.session() as s:
            row = s.get(InvoiceRow, invoice_id)
            send_id, holder = row.send_id, row.send_holder
        assert send_id and holder.split(":")[1] == str(alice.pid) and row.status == "DRAFT"

        # alice's process is alive (her send may be under way): bob's session leaves it alone
        assert finished(shop.session("bob", "start", str(tmp_path), "bob", "bob"))[0]["toasts"] == []
        assert smtp_inbox.envelopes == []
    finally:
        os.kill(alice.pid, signal.SIGKILL)
        alice.wait(timeout=30)
    assert smtp_inbox.envelopes == []  # killed after the claim, before the email
    assert shop.services.invoice(invoice_id).status is InvoiceStatus.DRAFT

    # restart: two sessions at once; one of them finishes alice's send, once
    bob = shop.session("bob", "start", str(tmp_path), "bob", "bob")
    carol = shop.session("carol", "start", str(tmp_path), "carol", "carol")
    toasts = finished(bob)[0]["toasts"] + finished(carol)[0]["toasts"]

    inv = shop.services.invoice(invoice_id)
    assert inv.status is InvoiceStatus.SENT and inv.sent_to == "olivia@example.com"
    assert len(smtp_inbox.envelopes) == 1
    message = smtp_inbox.messages()[0]
    assert message["Message-ID"] == f"<{send_id}.{inv.number}@hcp.example>"
    assert [t for t in toasts if t.startswith("An interrupted send, finished: ")] == [
        f"An interrupted send, finished: {inv.number}, claimed by alice, sent: Sent to olivia@example.com via "
        f"127.0.0.1:{smtp_inbox.port}"]
    with shop.services.session() as s:
        row = s.get(InvoiceRow, invoice_id)
        assert (row.send_id, row.send_by, row.send_holder) == (send_id, "alice", "")
