"""Credit notes from the keyboard: a part credit of a sent invoice made, sent as an adjustment note and allocated to
it; a quantity over the invoice's refused at its field; a credit refunded (too much refused at the field) and the
refund removed; a credit allocated to another of the customer's invoices (over-allocation refused at the field);
a credit note voided. What the screens show, and what the services saved and emailed."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from tests.connect.helpers import wait_for
from tests.store.test_credit_note_services import queued
from tests.tui.screen_harness import ScreenApp, text_of, type_into

from tui.domain.credit import LinePick
from tui.domain.credit_note import CreditNoteStatus
from tui.domain.invoice import LineItem
from tui.screens.credit_notes.allocate import AllocateCreditScreen
from tui.screens.credit_notes.editor import CreditNoteEditorScreen
from tui.screens.credit_notes.refund import RefundCreditScreen
from tui.screens.credit_notes.remove_use import RemoveCreditUseScreen
from tui.store.sync_outbox import ALLOCATION, CREDIT_NOTE, REFUND
from tui.widgets.confirm_modal import ConfirmModal

SENT, PAID = 1, 3  # demo data: INV-0101 (Olivia Nguyen, two lines, nothing paid); INV-0103 (Sunrise Strata, paid)


def flat(text: str) -> str:
    return " ".join(text.split())


async def editor_at(pilot, status: CreditNoteStatus) -> CreditNoteEditorScreen:
    app = pilot.app
    return await wait_for(pilot, lambda: isinstance(app.screen, CreditNoteEditorScreen) and app.screen.note
                          and app.screen.note.status is status and app.screen._clean is not None
                          and not app.screen.busy and app.screen,
                          what=f"the credit note editor showing a {status.label.lower()} note")


async def dialog(pilot, kind: type):
    app = pilot.app
    return await wait_for(pilot, lambda: isinstance(app.screen, kind) and getattr(app.screen, "note", True)
                          and app.screen, what=kind.__name__)


def credit_left_on(services, invoice_id: int) -> int:
    """A credit note from the invoice, sent: with nothing owing on a paid invoice, all its credit is left."""
    note = services.save_credit_note(services.credit_note_from_invoice(invoice_id, [LinePick(0)]))
    services.send_credit_note(note)
    return note.id


async def test_a_part_credit_is_sent_as_an_adjustment_note_and_allocated(demo_services):
    invoice = demo_services.invoice(SENT)
    app = ScreenApp(demo_services, lambda: CreditNoteEditorScreen(invoice_id=SENT))
    async with app.run_test(size=(100, 32)) as pilot:
        editor = await editor_at(pilot, CreditNoteStatus.DRAFT)
        assert "Credits INV-0101 · Olivia Nguyen · up to $2,003.65 can be credited" in text_of(editor.query_one("#about"))
        first, second = editor.rows
        await pilot.press("space")  # the first line is left out
        await type_into(pilot, second.query_one(".unit_price"), "1000")
        totals = flat(text_of(editor.query_one("#totals")))
        assert "Subtotal $1,000.00 GST $100.00 Total credit $1,100.00" in totals
        assert text_of(first.query_one(".amount")) == ""
        await pilot.press("ctrl+e")
        ask = await dialog(pilot, ConfirmModal)
        assert "Send adjustment note CN-0001 for $1,100.00" in flat(text_of(ask.query_one("#question")))
        assert "$1,100.00 of it is taken off what INV-0101 owes" in flat(text_of(ask.query_one("#question")))
        await pilot.press("y")
        editor = await editor_at(pilot, CreditNoteStatus.ALLOCATED)
        assert "25/11/2026 Allocated to INV-0101 $1,100.00" in flat(text_of(editor.query_one("#uses")))
        assert "Credit left $0.00" in flat(text_of(editor.query_one("#totals")))

    [note] = demo_services.credit_notes()
    assert (note.number, note.status, note.totals.total) == ("CN-0001", CreditNoteStatus.ALLOCATED, Decimal("1100.00"))
    assert [(line.description, line.quantity, line.unit_price) for line in note.lines] == \
        [("Rheem 315L electric hot water unit", Decimal("1"), Decimal("1000"))]
    assert demo_services.invoice(SENT).amount_due == invoice.amount_due - Decimal("1100.00")
    assert [item.subject for item in demo_services.outbox()][0] == \
        "Adjustment Note CN-0001 from Harbour City Plumbing Pty Ltd"
    assert queued(demo_services, CREDIT_NOTE) == [note.id]  # for Xero: the credit note, then its allocation
    assert len(queued(demo_services, ALLOCATION)) == 1


async def test_more_than_the_invoice_is_refused_at_the_field_and_nothing_saved(demo_services):
    app = ScreenApp(demo_services, lambda: CreditNoteEditorScreen(invoice_id=SENT))
    async with app.run_test(size=(80, 24)) as pilot:
        editor = await editor_at(pilot, CreditNoteStatus.DRAFT)
        second = editor.rows[1]
        await type_into(pilot, second.query_one(".quantity"), "2")
        await type_into(pilot, second.query_one(".unit_price"), "1500")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: len(second.errors) == 2, what="both of the line's messages")
        shown = text_of(second.query_one("FieldError"))
        assert "Qty: More than the 1 on the invoice" in shown
        assert "Unit price: More than the invoice's price of $1,489.00" in shown
        assert editor.focused is second.query_one(".quantity")
        for row in editor.rows:  # every line left out: nothing to credit
            row.focus_field("picked")
            await pilot.press("space")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: text_of(editor.query_one("#e-lines")), what="the lines' message")
        assert text_of(editor.query_one("#e-lines")) == "Tick a line to credit (Space)"
    assert demo_services.credit_notes() == []


async def test_refund_refused_over_the_credit_then_made_and_removed(demo_services):
    note_id = credit_left_on(demo_services, PAID)  # $528.00 x 1.1 = $580.80 of credit left
    app = ScreenApp(demo_services, lambda: CreditNoteEditorScreen(note_id))
    async with app.run_test(size=(80, 24)) as pilot:
        await editor_at(pilot, CreditNoteStatus.SENT)
        await pilot.press("f6")
        refund = await dialog(pilot, RefundCreditScreen)
        assert refund.query_one("#f-amount").value == "580.80"
        await type_into(pilot, "#f-amount", "600")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: text_of(refund.query_one("#e-amount")), what="the amount's message")
        assert text_of(refund.query_one("#e-amount")) == "More than the credit left on CN-0001 ($580.80)"
        assert demo_services.credit_note_refunds(note_id) == []
        await type_into(pilot, "#f-amount", "80.80")
        await type_into(pilot, "#f-reference", "EFT 4471")
        await pilot.press("ctrl+s")
        editor = await editor_at(pilot, CreditNoteStatus.PART_ALLOCATED)
        assert "Refunded · Bank transfer $80.80 EFT 4471" in flat(text_of(editor.query_one("#uses")))
        assert "Credit left $500.00" in flat(text_of(editor.query_one("#totals")))
        [made] = demo_services.credit_note_refunds(note_id)
        assert (made.amount, made.reference) == (Decimal("80.80"), "EFT 4471")
        assert queued(demo_services, REFUND) == [made.id]

        await pilot.press("f7")
        await dialog(pilot, RemoveCreditUseScreen)
        await pilot.press("enter")
        ask = await dialog(pilot, ConfirmModal)
        assert "Remove the refund of $80.80 from CN-0001?" in flat(text_of(ask.query_one("#question")))
        await pilot.press("y")
        editor = await editor_at(pilot, CreditNoteStatus.SENT)
        assert not editor.query_one("#uses").display
    assert demo_services.credit_note_refunds(note_id) == []


async def test_credit_allocated_to_another_invoice_not_more_than_it_owes(demo_services):
    note_id = credit_left_on(demo_services, PAID)
    customer = demo_services.invoice(PAID).customer_id
    other = demo_services.save_invoice(replace(demo_services.new_invoice(customer),
                                               lines=[LineItem("Backflow valve service", Decimal(1), Decimal(200))]))
    demo_services.send_invoice(other)  # owes $220.00
    app = ScreenApp(demo_services, lambda: CreditNoteEditorScreen(note_id))
    async with app.run_test(size=(80, 24)) as pilot:
        await editor_at(pilot, CreditNoteStatus.SENT)
        await pilot.press("f4")
        allocate = await dialog(pilot, AllocateCreditScreen)
        await wait_for(pilot, lambda: allocate.invoices, what="the invoices owing")
        assert allocate.query_one("#f-amount").value == "220.00"  # what the invoice owes, less than the credit
        await type_into(pilot, "#f-amount", "220.01")
        await pilot.press("tab")
        await wait_for(pilot, lambda: text_of(allocate.query_one("#e-amount")), what="the amount's message")
        assert text_of(allocate.query_one("#e-amount")) == "More than the invoice still owes ($220.00)"
        await type_into(pilot, "#f-amount", "220")
        await pilot.press("ctrl+s")
        editor = await editor_at(pilot, CreditNoteStatus.PART_ALLOCATED)
        assert f"Allocated to {other.number} $220.00" in flat(text_of(editor.query_one("#uses")))
    assert demo_services.invoice(other.id).amount_due == Decimal("0.00")
    [allocation] = demo_services.credit_note_allocations(note_id)
    assert allocation.amount == Decimal("220.00") and allocation.id in queued(demo_services, ALLOCATION)


async def test_void_a_credit_note_with_nothing_used(demo_services):
    note_id = credit_left_on(demo_services, PAID)
    app = ScreenApp(demo_services, lambda: CreditNoteEditorScreen(note_id))
    async with app.run_test(size=(80, 24)) as pilot:
        await editor_at(pilot, CreditNoteStatus.SENT)
        await pilot.press("f8")
        await dialog(pilot, ConfirmModal)
        await pilot.press("y")
        editor = await editor_at(pilot, CreditNoteStatus.VOIDED)
        assert text_of(editor.query_one("#status")) == "Voided"
    assert demo_services.credit_note(note_id).status is CreditNoteStatus.VOIDED


async def test_a_saved_draft_opens_with_its_lines_ticked_and_priced(demo_services):
    draft = demo_services.save_credit_note(
        demo_services.credit_note_from_invoice(SENT, [LinePick(1, unit_price=Decimal("1000"))]))
    app = ScreenApp(demo_services, lambda: CreditNoteEditorScreen(draft.id))
    async with app.run_test(size=(80, 24)) as pilot:
        editor = await editor_at(pilot, CreditNoteStatus.DRAFT)
        assert [row.values() for row in editor.rows] == [(False, "3.5", "95.00"), (True, "1", "1000.00")]
        assert text_of(editor.query_one("#heading-text")) == "Credit note CN-0001"
        assert "Total credit $1,100.00" in flat(text_of(editor.query_one("#totals")))
        await pilot.press("space")  # the first line ticked too: unsaved, so Esc asks
        await pilot.press("escape")
        await dialog(pilot, ConfirmModal)
        await pilot.press("n")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: len(demo_services.credit_note(draft.id).lines) == 2, what="the draft saved")
    assert demo_services.credit_note(draft.id).totals.total == Decimal("1465.75")  # (332.50 + 1000) x 1.1


async def test_f4_and_the_palette_open_a_credit_note_and_the_invoice_shows_its_credit(demo_services):
    from tui.screens.invoices.editor import InvoiceEditorScreen

    app = ScreenApp(demo_services, lambda: InvoiceEditorScreen(2))  # INV-0102, sent, can still be edited
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, InvoiceEditorScreen) and app.screen.invoice,
                       what="the invoice editor")
        await pilot.press("f4")  # not in the footer here (Save and Add line fill it), but F4 works
        editor = await editor_at(pilot, CreditNoteStatus.DRAFT)
        assert editor.data.invoice.number == "INV-0102"
        await type_into(pilot, editor.rows[0].query_one(".unit_price"), "100")
        await pilot.press("ctrl+e")
        await dialog(pilot, ConfirmModal)
        await pilot.press("y")
        await editor_at(pilot, CreditNoteStatus.ALLOCATED)
        await pilot.press("escape")
        invoice_editor = await wait_for(pilot, lambda: isinstance(app.screen, InvoiceEditorScreen)
                                        and app.screen.query_one("#credits").display and app.screen,
                                        what="the invoice editor listing its credit")
        assert "Credited $110.00 by CN-0001" in flat(text_of(invoice_editor.query_one("#credits")))
        assert "Credited $110.00 Amount due $313.50" in flat(text_of(invoice_editor.query_one("#totals")))

        await pilot.press("ctrl+p")
        await pilot.press(*"credit note")
        await wait_for(pilot, lambda: "Credit note for INV-0102" in str(app.screen.query("CommandList").first().
                                                                         get_option_at_index(0).prompt),
                       what="the palette's credit note command")
        await pilot.press("enter")
        editor = await editor_at(pilot, CreditNoteStatus.DRAFT)
        assert "up to $313.50 can be credited" in text_of(editor.query_one("#about"))


async def test_to_do_and_the_customer_list_credit_notes_with_credit_left(demo_services):
    from tui.devtools.screenshots import credit_note_in_use
    from tui.screens.customers.editor import CustomerEditorScreen
    from tui.screens.todo import TodoScreen

    note_id = credit_note_in_use(demo_services)  # CN-0001, $400.00 of credit left
    customer = demo_services.invoice(PAID).customer_id
    app = ScreenApp(demo_services, lambda: CustomerEditorScreen(customer))
    async with app.run_test(size=(80, 24)) as pilot:
        credit = await wait_for(pilot, lambda: app.screen.query("CustomerCredit") and
                                app.screen.query_one("CustomerCredit").display and app.screen.query_one("CustomerCredit"),
                                what="the customer's credit")
        assert text_of(credit.query_one("#credit-heading")) == "Credit notes · unused credit $400.00"
        credit.query_one("OptionList").focus()
        await pilot.press("enter")
        editor = await editor_at(pilot, CreditNoteStatus.PART_ALLOCATED)
        assert editor.note.id == note_id
        await pilot.press("escape", "escape")
        todo = await wait_for(pilot, lambda: isinstance(app.screen, TodoScreen) and app.screen.credit_rows
                              and app.screen, what="To Do listing the credit note")
        [entry] = [e for e in todo.query_one("#todo-list").entries if e.id == f"credit_note:{note_id}"]
        assert entry.values[:4] == ("CN-0001", "Sunrise Strata Management", "25/11/2026", "$400.00")
        await pilot.press("end", "enter")
        await editor_at(pilot, CreditNoteStatus.PART_ALLOCATED)
