"""The send's three steps in the store, and database errors as sentences (SQLite and PostgreSQL)."""

from __future__ import annotations

import socket
from decimal import Decimal

import pytest
from sqlalchemy import update

from tests.conftest import FIXED_NOW
from tui.domain.business import BusinessDetails
from tui.domain.customer import Customer
from tui.domain.invoice import InvoiceStatus, LineItem
from tui.store.errors import DuplicateError, SendClaimed, StoreError
from tui.store.tables import InvoiceRow


@pytest.fixture
def shop(env, monkeypatch, db_url):
    from tui import config
    from tui.services import Services

    monkeypatch.setenv("TRADIECORE_DATABASE_URL", db_url)
    services = Services(config.load(), now=lambda: FIXED_NOW, user="alice")
    services.save_business(BusinessDetails(name="Harbour City Plumbing", email="accounts@hcp.example"))
    services.customer_id = services.save_customer(Customer("Olivia Nguyen", "olivia@example.com")).id
    yield services
    services.close()


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return request.getfixturevalue("postgres_url")


def draft(services, number: str = ""):
    inv = services.new_invoice(services.customer_id)
    inv.lines = [LineItem("Blocked drain", Decimal("1"), Decimal("180.00"))]
    inv.number = number
    return services.save_invoice(inv)


def outbox(services) -> list:
    return sorted((services.cfg.outbox_dir / "new").iterdir())


def test_a_claimed_draft_is_neither_saved_nor_deleted_nor_sent_again(shop):
    from tui.store.sends import claim_send

    inv = draft(shop)
    with shop.session() as s:
        claim_send(s, inv.id, inv.version, "olivia@example.com", "bob", shop.now(), "Australia/Sydney")
    current = shop.invoice(inv.id)
    current.reference = "changed meanwhile"
    for attempt in (lambda: shop.save_invoice(current), lambda: shop.delete_invoice(current),
                    lambda: shop.send_invoice(current)):
        with pytest.raises(SendClaimed, match=r"^INV-0001 is being sent by bob \(since 10:00\)$"):
            attempt()
    assert not (shop.cfg.outbox_dir / "new").exists()


def test_sent_then_sent_by_someone_else_says_who_and_when(shop):
    inv = draft(shop)
    shop.send_invoice(inv)
    with pytest.raises(SendClaimed, match=r"^INV-0001 was sent by alice at 10:00$"):
        shop.send_invoice(inv)  # bob's copy, read before alice sent it
    assert len(outbox(shop)) == 1
    assert shop.send_again(inv.id).startswith("Saved to the outbox for olivia@example.com")  # send again still works
    assert len(outbox(shop)) == 2


def test_crash_after_the_email_before_done_is_not_mailed_twice_into_the_outbox(shop):
    """The email went into the outbox, then the process died before recording it: the retry finds the message by
    its Message-ID and only records the send."""
    from tui.store.sends import claim_send

    inv = draft(shop)
    with shop.session() as s:
        claim = claim_send(s, inv.id, inv.version, "olivia@example.com", "alice", shop.now(), "Australia/Sydney")
        s.execute(update(InvoiceRow).where(InvoiceRow.id == inv.id)
                  .values(send_holder=f"{socket.gethostname()}:999999999:gone"))  # a process that is no more
    from tui.mail.transport import make_mailer

    customer = shop.customer(shop.customer_id)
    make_mailer(shop.cfg).send(shop._invoice_email(shop.business(), customer, claim.invoice, send_id=claim.send_id))
    assert shop.resume_sends() == ["INV-0001, claimed by alice, sent: Already in the outbox for olivia@example.com"]
    assert len(outbox(shop)) == 1
    assert shop.invoice(inv.id).status is InvoiceStatus.SENT
    assert shop.resume_sends() == []


def test_a_duplicate_reaches_people_as_a_sentence_never_sql(shop):
    inv = draft(shop)
    with pytest.raises(DuplicateError) as caught:
        with shop.session() as s:  # as a save racing another with the same typed number reaches the insert
            row = s.get(InvoiceRow, inv.id)
            s.add(InvoiceRow(number=row.number, customer_id=row.customer_id, issue_date=row.issue_date,
                             due_date=row.due_date, updated_at=FIXED_NOW))
    assert caught.value.field == "number"
    assert str(caught.value) == ("That invoice number was just taken by another save: choose another, or clear it "
                                 "to take the next one")
    for word in ("SQL", "INSERT", "sqlite3", "psycopg", "UNIQUE", "constraint"):
        assert word not in str(caught.value)


def test_other_database_errors_are_sentences_too(shop):
    from sqlalchemy import text

    with pytest.raises(StoreError) as caught:
        with shop.session() as s:
            s.execute(text("SELECT * FROM no_such_table"))
    assert "nothing was saved" in str(caught.value) and "no_such_table" not in str(caught.value)
