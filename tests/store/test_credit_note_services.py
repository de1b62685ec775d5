"""Credit notes through the services the screens call: a draft from a sent invoice, sent as an adjustment note
(emailed once, allocated to the invoice), credit left allocated to another invoice or refunded, removals, voids,
the numbers, and what the invoice shows ("Credited $110.00 by CN-0001")."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal as D
from email import policy
from email.parser import BytesParser

import pytest

from tui.domain.business import BusinessDetails
from tui.domain.dates import format_date
from tui.domain.credit import LinePick
from tui.domain.credit_note import CreditNoteStatus
from tui.domain.customer import Customer
from tui.domain.errors import TransitionError, ValidationError
from tui.domain.invoice import InvoiceStatus, LineItem
from tui.domain.payment import PaymentMethod
from tui.store.errors import SendClaimed
from tui.store.sync_outbox import ALLOCATION, CREDIT_NOTE, REFUND
from tui.store.sync_tables import SyncOutboxRow

S = CreditNoteStatus


@pytest.fixture
def shop(cfg, db_url):
    """Sam's business with one customer, on SQLite and on PostgreSQL."""
    from tests.conftest import FIXED_NOW
    from tui.config import DatabaseConfig
    from tui.services import Services

    services = Services(replace(cfg, database=DatabaseConfig(url=db_url)), now=lambda: FIXED_NOW, user="sam")
    services.save_business(BusinessDetails(name="Sam's Plumbing", abn="51 824 753 556", email="sam@example.com"))
    olivia = services.save_customer(Customer(name="Olivia Brown", email="olivia@example.com"))
    yield services, olivia.id
    services.close()


def sent_invoice(services, customer_id, lines=None):
    inv = services.new_invoice(customer_id)
    inv.lines = lines or [LineItem("Tap washer", D(2), D(10)), LineItem("Labour", D(1), D(80))]
    inv = services.save_invoice(inv)
    services.send_invoice(inv)
    return services.invoice(inv.id)


def queued(services, kind):
    from sqlmodel import select

    with services.session() as s:
        return sorted(s.exec(select(SyncOutboxRow.entity_id).where(SyncOutboxRow.kind == kind)).all())


def outbox_messages(services):
    return [BytesParser(policy=policy.default).parse(open(item.path, "rb")) for item in services.outbox()]


def test_a_full_credit_note_is_sent_as_an_adjustment_note_and_allocated_to_its_invoice(shop):
    services, customer_id = shop
    inv = sent_invoice(services, customer_id)  # $110.00 with GST
    note = services.save_credit_note(services.credit_note_from_invoice(inv.id))
    assert (note.number, note.status, note.totals.total) == ("CN-0001", S.DRAFT, D("110.00"))
    assert note.reference == f"Credit for {inv.number}"
    assert queued(services, CREDIT_NOTE) == []  # a draft never goes to Xero

    where = services.send_credit_note(note)
    assert "outbox" in where.lower()
    note = services.credit_note(note.id)
    assert (note.status, note.amount_allocated, note.remaining_credit) == (S.ALLOCATED, D("110.00"), D(0))
    inv = services.invoice(inv.id)
    assert (inv.status, inv.amount_credited, inv.amount_due) == (InvoiceStatus.PAID, D("110.00"), D(0))
    assert [c.label for c in services.invoice_credits(inv.id)] == ["Credited $110.00 by CN-0001"]
    assert queued(services, CREDIT_NOTE) == [note.id] and len(queued(services, ALLOCATION)) == 1

    mail = [m for m in outbox_messages(services) if "CN-0001" in m["Subject"]]
    assert len(mail) == 1 and mail[0]["Subject"] == "Adjustment Note CN-0001 from Sam's Plumbing"
    text = mail[0].get_body(preferencelist=("plain",)).get_content()
    assert "ADJUSTMENT NOTE CN-0001" in text and "ABN 51 824 753 556" in text
    assert f"reduces tax invoice {inv.number} of {format_date(inv.issue_date)} by $110.00, including GST of $10.00" \
        in text
    assert "Amount due" not in text
    attachment = next(mail[0].iter_attachments())
    assert attachment.get_filename() == "Adjustment-Note-CN-0001.pdf"


def test_the_pdf_says_adjustment_note(shop):
    from tests.mail.conftest import pdf_text

    services, customer_id = shop
    inv = sent_invoice(services, customer_id)
    note = services.save_credit_note(services.credit_note_from_invoice(inv.id, [LinePick(1)]))
    name, pdf = services.credit_note_pdf(note.id)
    words = pdf_text(pdf).replace("\n", " ")
    assert name == "Adjustment-Note-CN-0001.pdf"
    for expected in ("ADJUSTMENT NOTE", "51 824 753 556", "Adjustment note number", "CN-0001", "GST adjustment",
                     "$88.00", f"tax invoice {inv.number}"):
        assert expected in words, expected


def test_a_part_credit_note_then_the_rest_refunded(shop):
    services, customer_id = shop
    inv = sent_invoice(services, customer_id)
    services.record_payment(inv, D("110.00"), inv.issue_date, PaymentMethod.CARD)  # paid in full
    note = services.credit_note_from_invoice(inv.id, [LinePick(0, quantity=D(1))])  # one washer back: $11
    note = services.save_credit_note(note)
    services.send_credit_note(note)
    note = services.credit_note(note.id)
    assert (note.status, note.remaining_credit) == (S.SENT, D("11.00"))  # nothing owing: left as credit
    assert services.unused_credit(customer_id) == D("11.00")

    with pytest.raises(ValidationError) as err:
        services.refund_credit(note.id, D("12.00"), None, PaymentMethod.BANK_TRANSFER)
    assert err.value.errors == {"amount": "More than the credit left on CN-0001 ($11.00)"}
    note = services.refund_credit(note.id, D("11.00"), None, PaymentMethod.BANK_TRANSFER, "to BSB 062-000")
    assert (note.status, note.amount_refunded, note.remaining_credit) == (S.REFUNDED, D("11.00"), D(0))
    assert services.unused_credit(customer_id) == D(0)
    refund = services.credit_note_refunds(note.id)[0]
    assert len(queued(services, REFUND)) == 1
    note = services.remove_refund(refund.id)
    assert (note.status, note.remaining_credit) == (S.SENT, D("11.00"))


def test_credit_left_is_allocated_later_to_another_invoice_and_over_allocation_is_refused(shop):
    services, customer_id = shop
    first = sent_invoice(services, customer_id)
    services.record_payment(first, D("110.00"), first.issue_date, PaymentMethod.CASH)
    note = services.save_credit_note(services.credit_note_from_invoice(first.id, [LinePick(1)]))  # $88
    services.send_credit_note(note)
    second = sent_invoice(services, customer_id, [LineItem("Hot water service", D(1), D(50))])  # $55
    assert [i.id for i in services.invoices_to_credit(note.id)] == [second.id]

    assert services.check_allocation(note.id, second.id, D("60.00")) == {
        "amount": "More than the invoice still owes ($55.00)"}
    assert services.check_allocation(note.id, None, D("90.00")) == {
        "amount": "More than the credit left on CN-0001 ($88.00)"}
    with pytest.raises(ValidationError) as err:
        services.allocate_credit(note.id, second.id, D("60.00"))
    assert err.value.errors == {"amount": "More than the invoice still owes ($55.00)"}

    note = services.allocate_credit(note.id, second.id, D("55.00"))
    assert (note.status, note.remaining_credit) == (S.PART_ALLOCATED, D("33.00"))
    assert services.invoice(second.id).status is InvoiceStatus.PAID
    assert services.unused_credit(customer_id) == D("33.00")

    allocation = services.credit_note_allocations(note.id)[0]
    note = services.remove_allocation(allocation.id)
    assert (note.status, note.remaining_credit) == (S.SENT, D("88.00"))
    second = services.invoice(second.id)
    assert (second.status, second.amount_due, services.invoice_credits(second.id)) == (
        InvoiceStatus.SENT, D("55.00"), [])
    with pytest.raises(TransitionError, match="removed already"):
        services.remove_allocation(allocation.id)


def test_void_only_while_nothing_is_used(shop):
    services, customer_id = shop
    inv = sent_invoice(services, customer_id)
    note = services.save_credit_note(services.credit_note_from_invoice(inv.id, [LinePick(1, unit_price=D(20))]))
    services.send_credit_note(note)
    note = services.credit_note(note.id)
    assert note.status is S.ALLOCATED
    with pytest.raises(TransitionError, match="remove those first"):
        services.void_credit_note(note)
    services.remove_allocation(services.credit_note_allocations(note.id)[0].id)
    note = services.void_credit_note(services.credit_note(note.id))
    assert (note.status, services.unused_credit(customer_id)) == (S.VOIDED, D(0))
    assert services.invoice(inv.id).amount_due == D("110.00")


def test_a_draft_cannot_credit_more_than_the_invoice_can_still_be_credited(shop):
    services, customer_id = shop
    inv = sent_invoice(services, customer_id)
    first = services.save_credit_note(services.credit_note_from_invoice(inv.id, [LinePick(1)]))
    services.send_credit_note(first)  # $88 of the $110
    assert services.credit_note_limit(inv.id) == D("22.00")
    with pytest.raises(ValidationError) as err:
        services.credit_note_from_invoice(inv.id, [LinePick(1)])
    assert err.value.errors == {"lines": "Credits $88.00, more than the $22.00 the invoice can still be credited"}
    with pytest.raises(ValidationError) as err:
        services.credit_note_from_invoice(inv.id, [LinePick(0, quantity=D(3))])
    assert err.value.errors["lines.0.quantity"] == "More than the 2 on the invoice"


def test_numbers_follow_the_prefix_and_stay_clear_of_xeros(shop):
    from tui.store.credit_notes import record_xero_credit_note_numbers

    services, customer_id = shop
    inv = sent_invoice(services, customer_id)
    with services.session() as s:
        record_xero_credit_note_numbers(s, ["CN-0041", "INV-0099"])
    note = services.save_credit_note(services.credit_note_from_invoice(inv.id, [LinePick(0, quantity=D(1))]))
    assert note.number == "CN-0042"
    with pytest.raises(ValidationError) as err:
        services.set_credit_note_prefix("INV-")
    assert "prefix" in err.value.errors
    assert services.set_credit_note_prefix("ADJ-") == "ADJ-"
    assert services.next_credit_note_number() == "ADJ-0001"
    note2 = services.save_credit_note(services.credit_note_from_invoice(inv.id, [LinePick(0, quantity=D(1))]))
    assert note2.number == "ADJ-0001" and services.credit_note_prefix() == "ADJ-"


def test_a_draft_is_edited_and_deleted_but_a_sent_one_is_final(shop):
    services, customer_id = shop
    inv = sent_invoice(services, customer_id)
    note = services.save_credit_note(services.credit_note_from_invoice(inv.id, [LinePick(0)]))
    note.lines = [replace(note.lines[0], quantity=D(1))]
    note = services.save_credit_note(note)
    assert services.credit_note(note.id).totals.total == D("11.00") and note.version == 2
    services.send_credit_note(note)
    sent = services.credit_note(note.id)
    with pytest.raises(TransitionError, match="only a draft can be changed"):
        services.save_credit_note(sent)
    with pytest.raises(TransitionError, match="Only drafts can be deleted"):
        services.delete_credit_note(sent)
    draft = services.save_credit_note(services.credit_note_from_invoice(inv.id, [LinePick(0, quantity=D(1))]))
    services.delete_credit_note(draft)
    assert [n.number for n in services.credit_notes(customer_id)] == ["CN-0001"]


def test_two_people_send_the_same_draft_at_once_one_email(shop):
    from tui.services import Services

    services, customer_id = shop
    inv = sent_invoice(services, customer_id)
    note = services.save_credit_note(services.credit_note_from_invoice(inv.id))
    people = [Services(services.cfg, now=services.now, user=u) for u in ("alice", "bob")]
    for p in people:
        p.engine  # migrated before the race
    barrier = threading.Barrier(2)
    results: dict[str, object] = {}

    def send(person):
        barrier.wait()
        try:
            results[person.user] = person.send_credit_note(note)
        except SendClaimed as exc:
            results[person.user] = exc

    threads = [threading.Thread(target=send, args=(p,)) for p in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    lost = [r for r in results.values() if isinstance(r, SendClaimed)]
    assert len(results) == 2 and len(lost) == 1, results
    winner = next(u for u, r in results.items() if not isinstance(r, SendClaimed))
    assert str(lost[0]).startswith(f"CN-0001 was sent by {winner} at ") \
        or str(lost[0]).startswith(f"CN-0001 is being sent by {winner}")
    assert sum("CN-0001" in m["Subject"] for m in outbox_messages(services)) == 1
    assert services.credit_note(note.id).status is S.ALLOCATED
    assert len(services.credit_note_allocations(note.id)) == 1
    for p in people:
        p.close()


def test_sent_times_are_after_the_claim(shop):
    services, customer_id = shop
    inv = sent_invoice(services, customer_id)
    note = services.save_credit_note(services.credit_note_from_invoice(inv.id))
    services.send_credit_note(note)
    sent = services.credit_note(note.id)
    assert sent.sent_to == "olivia@example.com" and sent.sent_at - services.now() <= timedelta(0)


def test_to_do_shows_what_is_still_due_after_a_credit(shop):
    services, customer_id = shop
    inv = sent_invoice(services, customer_id)
    services.send_credit_note(services.save_credit_note(
        services.credit_note_from_invoice(inv.id, [LinePick(0, quantity=D(1))])))  # $11.00 of $110.00
    rows = [r for g in services.todo() for r in g.rows if r.id == inv.id]
    assert [r.amount_due for r in rows] == [D("99.00")]


def test_a_send_whose_process_died_after_the_claim_is_finished_once_at_start(shop):
    import socket

    from tui.store.credit_sends import claim_credit_note_send
    from tui.store.credit_tables import CreditNoteRow

    services, customer_id = shop
    inv = sent_invoice(services, customer_id)
    note = services.save_credit_note(services.credit_note_from_invoice(inv.id))
    with services.session() as s:  # claimed by a process that was killed before it emailed
        claim_credit_note_send(s, note.id, note.version, "olivia@example.com", "alice", services.now(), "UTC")
        s.get(CreditNoteRow, note.id).send_holder = f"{socket.gethostname()}:999999:dead"
    with pytest.raises(SendClaimed, match="CN-0001 is being sent by alice"):
        services.send_credit_note(services.credit_note(note.id))

    [line] = services.resume_sends()
    assert line.startswith("CN-0001, claimed by alice, sent: ")
    assert sum("CN-0001" in m["Subject"] for m in outbox_messages(services)) == 1
    assert services.credit_note(note.id).status is S.ALLOCATED
    assert services.resume_sends() == []  # once


def test_two_people_allocate_the_last_of_the_credit_at_once_only_one_does(shop):
    from tui.services import Services

    services, customer_id = shop
    first = sent_invoice(services, customer_id)
    services.record_payment(first, D("110.00"), first.issue_date, PaymentMethod.CASH)
    note = services.save_credit_note(services.credit_note_from_invoice(first.id, [LinePick(1)]))  # $88 as credit
    services.send_credit_note(note)
    a = sent_invoice(services, customer_id, [LineItem("Call-out", D(1), D(80))])  # $88 each
    b = sent_invoice(services, customer_id, [LineItem("Call-out", D(1), D(80))])
    people = [Services(services.cfg, now=services.now, user=u) for u in ("alice", "bob")]
    for p in people:
        p.engine
    barrier = threading.Barrier(2)
    results: dict[str, object] = {}

    def allocate(person, invoice_id):
        barrier.wait()
        try:
            results[person.user] = person.allocate_credit(note.id, invoice_id, D("88.00"))
        except TransitionError as exc:
            results[person.user] = exc

    threads = [threading.Thread(target=allocate, args=(p, i)) for p, i in zip(people, (a.id, b.id))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    refused = [r for r in results.values() if isinstance(r, TransitionError)]
    assert len(results) == 2 and len(refused) == 1, results
    assert str(refused[0]) == "CN-0001 has no credit left"
    note = services.credit_note(note.id)
    assert (note.status, note.amount_allocated, note.remaining_credit) == (S.ALLOCATED, D("88.00"), D(0))
    assert len(services.credit_note_allocations(note.id)) == 1
    assert sorted(services.invoice(i).amount_due for i in (a.id, b.id)) == [D(0), D("88.00")]
    for p in people:
        p.close()
