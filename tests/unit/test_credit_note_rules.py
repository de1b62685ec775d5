"""Credit notes' rules: totals and GST per line as invoices have them, numbers with a prefix, the states as credit
is allocated, refunded and given back, voids, the limits on allocations (the credit left, what the invoice owes),
drafts made from an invoice's lines, and a customer's unused credit."""

from datetime import date, datetime
from decimal import Decimal as D

import pytest

from tui.domain.credit import (
    Allocation,
    LinePick,
    Refund,
    after_use,
    allocation_on_send,
    allocation_problems,
    creditable,
    draft_from_invoice,
    ensure_removable,
    new_allocation,
    new_refund,
    unused_credit,
)
from tui.domain.credit_note import (
    CreditNote,
    CreditNoteStatus,
    format_number,
    highest_number,
    number_of,
    prefix_problem,
)
from tui.domain.errors import TransitionError, ValidationError
from tui.domain.invoice import Invoice, InvoiceStatus, LineItem, totals
from tui.domain.payment import PaymentMethod, PaymentOrigin
from tui.domain.tax import LineAmountTypes

ON = date(2026, 11, 20)
AT = datetime(2026, 11, 20, 9, 30)
S = CreditNoteStatus


def invoice(**kw) -> Invoice:  # $110.00 + $22.00 = $132.00 with GST
    base = dict(customer_id=1, issue_date=date(2026, 11, 1), due_date=date(2026, 11, 15), number="INV-0007",
                lines=[LineItem("Service call", D("1"), D("100")), LineItem("Washers", D("4"), D("5"))],
                status=InvoiceStatus.SENT, id=7)
    return Invoice(**(base | kw))


def note(status=S.SENT, **kw) -> CreditNote:  # $33.00 with GST
    base = dict(customer_id=1, issue_date=ON, lines=[LineItem("Goodwill", D("1"), D("30"))], number="CN-0003",
                status=status, id=3)
    return CreditNote(**(base | kw))


def test_totals_and_gst_per_line_are_the_invoices():
    lines = [LineItem("Returned tap", D("3"), D("33.33")), LineItem("Cartridge", D("1"), D("0.05"))]
    for amounts in LineAmountTypes:
        credit = note(lines=lines, amounts=amounts)
        assert credit.totals == totals(lines, amounts)
    assert note(lines=lines).totals.tax == D("10.00") + D("0.01")  # each line's GST rounded on its own


def test_numbers_with_a_prefix():
    assert format_number("CN-", 12) == "CN-0012" and format_number("ADJ/", 3) == "ADJ/0003"
    assert number_of("CN-", "CN-0012") == 12 and number_of("CN-", "INV-0012") is None
    assert highest_number("CN-", ["CN-0009", "CN-0011", "INV-0500", "CN-x"]) == 11
    assert highest_number("CN-", []) == 0
    assert prefix_problem("CN-") is None and prefix_problem("ADJ") is None
    assert prefix_problem("") == "Enter a prefix, like CN-"
    assert prefix_problem("inv-") == "INV- numbers invoices: choose another prefix for credit notes"
    assert prefix_problem("C N") is not None and prefix_problem("CN1") is not None
    assert prefix_problem("CREDITNOTE-") == "At most 10 characters"


def test_validation_names_each_bad_field():
    bad = CreditNote(customer_id=None, issue_date=ON, lines=[LineItem(" ", D("0"), D("-1"))], reference="x" * 256)
    with pytest.raises(ValidationError) as exc:
        bad.validate()
    assert set(exc.value.errors) == {"customer", "lines.0.description", "lines.0.quantity", "lines.0.unit_price",
                                     "reference"}
    assert CreditNote(customer_id=1, issue_date=ON).problems() == {"lines": "Add at least one line"}
    free = CreditNote(customer_id=1, issue_date=ON, lines=[LineItem("Nothing", D("1"), D("0"))])
    assert free.problems() == {"lines": "A credit note must credit more than $0.00"}


def test_send_then_states_follow_the_credit_used():
    draft = note(status=S.DRAFT)
    assert draft.remaining_credit == 0 and draft.editable
    sent = draft.sent("jo@example.com", AT)
    assert (sent.status, sent.remaining_credit, sent.sent_to) == (S.SENT, D("33.00"), "jo@example.com")
    with pytest.raises(TransitionError):
        sent.sent("jo@example.com", AT)
    with pytest.raises(TransitionError):
        sent.ensure_editable()
    part = sent.with_credit_used(D("10.00"), D("0"))
    assert (part.status, part.remaining_credit, part.status.xero_status) == (S.PART_ALLOCATED, D("23.00"),
                                                                            "AUTHORISED")
    assert part.with_credit_used(D("33.00"), D("0")).status is S.ALLOCATED
    refunded = part.with_credit_used(D("10.00"), D("23.00"))
    assert (refunded.status, refunded.remaining_credit, refunded.status.xero_status) == (S.REFUNDED, 0, "PAID")
    assert refunded.with_credit_used(D("0"), D("0")).status is S.SENT  # both removed: the credit is back
    with pytest.raises(ValueError):
        sent.with_credit_used(D("30.00"), D("3.01"))
    assert S.PART_ALLOCATED.label == "Part allocated"


def test_void_only_while_nothing_is_used():
    with pytest.raises(TransitionError, match="remove those first"):
        note().with_credit_used(D("1.00"), D("0")).voided()
    voided = note().voided()
    assert (voided.status, voided.remaining_credit, voided.status.xero_status) == (S.VOIDED, 0, "VOIDED")
    with pytest.raises(TransitionError):
        note(status=S.DRAFT).voided()
    with pytest.raises(TransitionError):
        voided.voided()
    note(status=S.DRAFT).ensure_deletable()
    with pytest.raises(TransitionError):
        note().ensure_deletable()


def test_an_allocation_fits_the_credit_left_and_what_the_invoice_owes():
    owes_little = invoice(amount_paid=D("120.00"))  # owes 12.00
    assert allocation_problems(note(), owes_little, D("12.01")) == {
        "amount": "More than the invoice still owes ($12.00)"}
    assert allocation_problems(note(), invoice(), D("33.01")) == {
        "amount": "More than the credit left on CN-0003 ($33.00)"}
    assert allocation_problems(note(), invoice(), D("0")) == {"amount": "The amount must be more than zero"}
    assert allocation_problems(note(), invoice(), D("1.005")) == {
        "amount": "Use at most 2 decimal places for the amount"}
    assert allocation_problems(note(), invoice(customer_id=2)) == {"invoice": "That invoice is another customer's"}
    assert allocation_problems(note(), invoice(status=InvoiceStatus.PAID)) == {
        "invoice": "Only a sent invoice takes credit; this invoice is Paid"}
    assert allocation_problems(note(), invoice(), on=date(2026, 11, 19)) == {
        "date": "The date is before the credit note's date"}
    made = new_allocation(note(), invoice(), D("33.00"), ON)
    assert (made.credit_note_id, made.invoice_id, made.amount, made.origin) == (3, 7, D("33.00"),
                                                                               PaymentOrigin.LOCAL)
    with pytest.raises(TransitionError, match="no credit left"):
        new_allocation(note().with_credit_used(D("33.00"), D("0")), invoice(), D("1.00"), ON)
    with pytest.raises(TransitionError):
        new_allocation(note(status=S.DRAFT), invoice(), D("1.00"), ON)


def test_the_invoice_owes_less_as_credit_is_allocated():
    credited = invoice(amount_credited=D("33.00"))
    assert credited.amount_due == D("99.00")
    with pytest.raises(TransitionError, match="credit note allocated"):
        credited.ensure_editable()
    with pytest.raises(TransitionError, match="credit notes allocated"):
        credited.voided()
    assert credited.with_payment(D("99.00")).status is InvoiceStatus.PAID


def test_part_allocated_the_rest_refunded_then_removals():
    credit = note(lines=[LineItem("Returned pump", D("1"), D("200"))])  # $220.00
    owed = invoice()  # owes $132.00
    assert allocation_on_send(credit, owed) == D("132.00")
    allocation = new_allocation(credit, owed, D("132.00"), ON)
    part = after_use(credit, [allocation], [])
    assert (part.status, part.remaining_credit) == (S.PART_ALLOCATED, D("88.00"))
    with pytest.raises(ValidationError) as exc:
        new_refund(part, D("88.01"), ON, PaymentMethod.BANK_TRANSFER)
    assert exc.value.errors == {"amount": "More than the credit left on CN-0003 ($88.00)"}
    refund = new_refund(part, D("88.00"), ON, PaymentMethod.BANK_TRANSFER, " BSB 062-000 ")
    assert refund.reference == "BSB 062-000"
    done = after_use(part, [allocation], [refund])
    assert (done.status, done.remaining_credit) == (S.REFUNDED, 0)
    allocation.removed_at = AT
    assert after_use(done, [allocation], [refund]).status is S.PART_ALLOCATED
    with pytest.raises(TransitionError, match="removed already"):
        ensure_removable(allocation)
    with pytest.raises(TransitionError, match="made in Xero"):
        ensure_removable(Refund(3, D("1.00"), ON, method=None, origin=PaymentOrigin.XERO))


def test_unused_credit_of_a_customer():
    notes = [note(), note().with_credit_used(D("10.00"), D("0")), note(status=S.DRAFT), note().voided(),
             note().with_credit_used(D("33.00"), D("0"))]
    assert unused_credit(notes) == D("56.00")
    assert unused_credit([]) == 0


def test_draft_from_all_of_an_invoices_lines():
    draft = draft_from_invoice(invoice(), ON)
    assert (draft.status, draft.customer_id, draft.invoice_id, draft.reference) == (S.DRAFT, 1, 7,
                                                                                   "Credit for INV-0007")
    assert draft.lines == invoice().lines and draft.totals.total == D("132.00")


def test_draft_from_some_lines_with_quantity_and_price_changed():
    draft = draft_from_invoice(invoice(), ON, [LinePick(1, quantity=D("2")), LinePick(0, unit_price=D("40"))])
    assert [(li.description, li.quantity, li.unit_price) for li in draft.lines] == [
        ("Washers", D("2"), D("5")), ("Service call", D("1"), D("40"))]
    assert draft.totals.total == D("55.00")
    with pytest.raises(ValidationError) as exc:
        draft_from_invoice(invoice(), ON, [LinePick(1, quantity=D("5"), unit_price=D("5.01")), LinePick(9)])
    assert exc.value.errors == {"lines.0.quantity": "More than the 4 on the invoice",
                                "lines.0.unit_price": "More than the invoice's price of $5.00",
                                "lines.1": "The invoice has no line 10"}
    with pytest.raises(ValidationError) as exc:
        draft_from_invoice(invoice(), ON, [LinePick(0, quantity=D("0"))])
    assert exc.value.errors == {"lines.0.quantity": "The quantity must be more than zero"}


def test_credit_from_an_invoice_never_exceeds_what_it_owes_plus_what_was_paid():
    paid_part = invoice(amount_paid=D("100.00"))  # owes 32.00, paid 100.00: 132.00 can be credited
    assert creditable(paid_part) == D("132.00")
    credited = invoice(amount_paid=D("100.00"), amount_credited=D("22.00"))  # owes 10.00
    assert creditable(credited) == D("110.00")
    with pytest.raises(ValidationError) as exc:
        draft_from_invoice(credited, ON)
    assert exc.value.errors == {"lines": "Credits $132.00, more than the $110.00 the invoice can still be credited"}
    assert creditable(invoice(), credited_before=D("132.00")) == 0  # an earlier note credited it all
    with pytest.raises(TransitionError, match="this invoice is Draft"):
        draft_from_invoice(invoice(status=InvoiceStatus.DRAFT), ON)
    assert allocation_on_send(note(), invoice(amount_paid=D("120.00"))) == D("12.00")


def test_allocation_and_refund_records():
    allocation = Allocation(credit_note_id=3, invoice_id=7, amount=D("5.00"), date=ON)
    assert not allocation.removed and allocation.xero_allocation_id is None
    assert Refund(credit_note_id=3, amount=D("5.00"), date=ON).method is PaymentMethod.BANK_TRANSFER
