"""Payments from the keyboard: recorded in the invoice editor (an amount above the amount due refused at the
field), shown under the totals, removed again; recorded from To Do, where a fully paid invoice leaves the list."""

from __future__ import annotations

from decimal import Decimal

from tests.connect.helpers import wait_for
from tests.tui.screen_harness import ScreenApp, text_of, type_into

from tui.app import TradieApp
from tui.domain.invoice import InvoiceStatus
from tui.domain.money import format_money
from tui.screens.invoices.editor import InvoiceEditorScreen
from tui.screens.payments.record import RecordPaymentScreen
from tui.screens.payments.remove import RemovePaymentScreen
from tui.screens.todo import TodoScreen
from tui.widgets.column_list import ColumnList
from tui.widgets.confirm_modal import ConfirmModal

SENT = 2  # demo data: a sent invoice, nothing paid


async def open_dialog(pilot, key: str) -> RecordPaymentScreen:
    await pilot.press(key)
    app = pilot.app
    return await wait_for(pilot, lambda: isinstance(app.screen, RecordPaymentScreen) and app.screen.opened
                          and app.screen, what="the record payment dialog")


async def editor_showing(pilot, payments: list[str]) -> InvoiceEditorScreen:
    """The invoice editor, loaded, listing payments with these labels."""
    app = pilot.app
    return await wait_for(pilot, lambda: isinstance(app.screen, InvoiceEditorScreen) and app.screen.invoice
                          and [p.label for p in app.screen.payments] == payments and app.screen,
                          what=f"the editor listing {payments}")


async def test_record_a_part_payment_in_the_editor_then_remove_it(demo_services):
    inv = demo_services.invoice(SENT)
    due = inv.amount_due
    app = ScreenApp(demo_services, lambda: InvoiceEditorScreen(SENT))
    async with app.run_test(size=(100, 32)) as pilot:
        editor = await editor_showing(pilot, [])
        assert not editor.query_one("#payments").display
        dialog = await open_dialog(pilot, "f6")
        assert dialog.query_one("#f-amount").value == f"{due:,.2f}"
        assert dialog.query_one("#f-date").value == "25/11/2026"

        await type_into(pilot, "#f-amount", f"{due + Decimal('0.01')}")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: text_of(dialog.query_one("#e-amount")), what="the amount's error")
        assert text_of(dialog.query_one("#e-amount")) == f"More than the amount due of {format_money(due)}"
        assert demo_services.payments(SENT) == []

        await type_into(pilot, "#f-amount", "50")
        await type_into(pilot, "#f-reference", "receipt 7")
        await pilot.press("ctrl+s")
        editor = await editor_showing(pilot, ["Cash"])
        shown = text_of(editor.query_one("#payments"))
        assert "Cash" in shown and "receipt 7" in shown and "$50.00" in shown
        lines = [" ".join(line.split()) for line in shown.splitlines()]
        assert "25/11/2026 Cash $50.00 receipt 7" in lines
        totals = " ".join(text_of(editor.query_one("#totals")).split())
        assert f"Amount paid $50.00 Amount due {format_money(due - 50)}" in totals
        [payment] = demo_services.payments(SENT)
        assert (payment.amount, payment.reference) == (Decimal("50.00"), "receipt 7")

        await pilot.press("f7")
        await wait_for(pilot, lambda: isinstance(app.screen, RemovePaymentScreen), what="which payment")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), what="the question")
        await pilot.press("y")
        editor = await editor_showing(pilot, [])
        assert not editor.query_one("#payments").display
        after = demo_services.invoice(SENT)
        assert (after.status, after.amount_paid) == (InvoiceStatus.SENT, 0)


async def test_paid_in_full_from_to_do_leaves_the_list(demo_services):
    app = TradieApp(demo_services, cursor_blink=False)
    async with app.run_test(size=(100, 32)) as pilot:
        todo = await wait_for(pilot, lambda: isinstance(app.screen, TodoScreen) and app.screen.loaded
                              and app.screen, what="To Do")
        rows = todo.query_one("#todo-list", ColumnList).rows
        rows.highlighted = next(i for i in range(rows.option_count)
                                if (rows.get_option_at_index(i).id or "").startswith(f"invoice:{SENT}:"))
        await open_dialog(pilot, "p")
        await pilot.press("ctrl+s")  # the whole amount due, today, cash
        await wait_for(pilot, lambda: app.screen is todo and not any(
            (rows.get_option_at_index(i).id or "").startswith(f"invoice:{SENT}:") for i in range(rows.option_count)),
            what="the paid invoice gone from To Do")
        assert demo_services.invoice(SENT).status is InvoiceStatus.PAID
