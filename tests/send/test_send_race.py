"""Two real app sessions (alice's and bob's processes) on one database do the same thing at the same instant.

Sending the same draft: exactly one email goes (counted at a real SMTP server), the invoice is Sent once, and the
session that lost the claim says who sent it and never says it sent it. Saving a new invoice: two numbers, no error.
"""

from __future__ import annotations

import os
from collections import Counter

import pytest
from sqlmodel import select

from tests.send.conftest import finished
from tui.domain.invoice import InvoiceStatus
from tui.store.tables import InvoiceRow

FULL = int(os.environ.get("TRADIECORE_RACE_TRIALS", "20"))  # fewer only to try a change quickly
pytestmark = pytest.mark.timeout(900)  # 20 trials of two real app sessions: minutes on a busy machine


@pytest.fixture(params=[pytest.param(1, id="1-trial"), pytest.param(FULL, id="full", marks=pytest.mark.slow)])
def trials(request) -> int:
    """One race in the quick tier (each at a barrier, so it is a race every time); the full 20 in the slow one."""
    return request.param


def test_two_sessions_send_the_same_draft_at_once_one_email(shop, smtp_inbox, tmp_path, trials):
    ids = [str(i) for i in shop.drafts(trials)]
    barrier = tmp_path / "barrier"
    barrier.mkdir()
    alice = shop.session("alice", "send", str(barrier), "alice", "bob", *ids)
    bob = shop.session("bob", "send", str(barrier), "bob", "alice", *ids)
    seen = {"alice": finished(alice), "bob": finished(bob)}

    numbers = [shop.services.invoice(int(i)).number for i in ids]
    assert Counter(smtp_inbox.numbers()) == Counter(numbers)  # one email for each invoice, none twice
    for trial, invoice_id in enumerate(ids):
        inv = shop.services.invoice(int(invoice_id))
        assert inv.status is InvoiceStatus.SENT
        with shop.services.session() as s:
            sender = s.get(InvoiceRow, inv.id).send_by
        assert sender in ("alice", "bob")
        loser = "bob" if sender == "alice" else "alice"
        won, lost = seen[sender][trial], seen[loser][trial]
        assert any(t.startswith("Sent to olivia@example.com") for t in won["toasts"]), won
        assert won["status"] == "Sent"
        assert not any(t.startswith("Sent to") for t in lost["toasts"]), lost
        assert f"{inv.number} was sent by {sender} at " in lost["banner"] \
            or f"{inv.number} is being sent by {sender} (since " in lost["banner"], lost
        assert lost["banner"].startswith("Not sent from here: ")


def test_two_sessions_save_new_invoices_at_once_distinct_numbers(shop, tmp_path, trials):
    barrier = tmp_path / "barrier"
    barrier.mkdir()
    args = (str(shop.customer_id), str(trials))
    alice = shop.session("alice", "number", str(barrier), "alice", "bob", *args)
    bob = shop.session("bob", "number", str(barrier), "bob", "alice", *args)
    seen = finished(alice) + finished(bob)

    for trial in seen:
        assert trial["banner"] == "" and trial["errors"] == [], trial
        assert not any("wrong" in t or "Not saved" in t or "SQL" in t for t in trial["toasts"]), trial
        assert any(t.startswith("Invoice saved: Saved INV-") for t in trial["toasts"]), trial
    numbers = [t["number"] for t in seen]
    assert len(set(numbers)) == 2 * trials
    assert sorted(numbers) == [f"INV-{n:04d}" for n in range(1, 2 * trials + 1)]
    with shop.services.session() as s:  # every one is in the database under its number
        assert sorted(s.exec(select(InvoiceRow.number)).all()) == sorted(numbers)
