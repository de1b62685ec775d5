"""Nothing is lost or half-done by a key pressed too soon: Ctrl+Q (and the palette's Quit) with unsaved invoice
edits asks, as Escape does; `p` on a draft in To Do says why and opens nothing; Send with the business details
still empty says what to fill in before any question, and To Do warns while they are empty."""

from __future__ import annotations

from tests.connect.helpers import wait_for
from tests.tui.screen_harness import ScreenApp, settle, text_of, type_into

from tui.app import TradieApp
from tui.domain.customer import Customer
from tui.domain.invoice import LineItem
from tui.screens.invoices.editor import InvoiceEditorScreen
from tui.screens.invoices.send import SendInvoiceModal
from tui.screens.todo import TodoScreen
from tui.widgets.column_list import ColumnList
from tui.widgets.confirm_modal import ConfirmModal

DRAFT = 6  # the demo's draft for Coastal Builders Pty Ltd
SIZE = (80, 24)


def toasts(app) -> list[str]:
    return [n.message for n in app._notifications]


async def edited_invoice(pilot) -> InvoiceEditorScreen:
    app = pilot.app
    editor = await wait_for(pilot, lambda: isinstance(app.screen, InvoiceEditorScreen) and app.screen.invoice
                            and app.screen, what="the invoice")
    await settle(pilot)
    await type_into(pilot, "#f-reference", "Stage 2")
    assert editor.dirty
    return editor


async def test_ctrl_q_with_unsaved_edits_asks_first(demo_services):
    app = ScreenApp(demo_services, lambda: InvoiceEditorScreen(DRAFT))
    async with app.run_test(size=SIZE) as pilot:
        editor = await edited_invoice(pilot)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        assert "Discard your unsaved changes to this invoice?" in text_of(app.screen.query_one("#question"))
        await pilot.press("escape")  # keep editing
        await pilot.pause()
        assert app.screen is editor and editor.dirty and app.is_running
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.press("y")  # discard and quit
        await pilot.pause()
        assert not app.is_running
    assert demo_services.invoice(DRAFT).reference != "Stage 2"


async def test_the_palettes_quit_with_unsaved_edits_asks_too(demo_services):
    app = ScreenApp(demo_services, lambda: InvoiceEditorScreen(DRAFT))
    async with app.run_test(size=SIZE) as pilot:
        await edited_invoice(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Quit")
        await settle(pilot)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), what="the question")
        assert "Discard your unsaved changes" in text_of(app.screen.query_one("#question"))
        assert app.is_running


async def test_ctrl_q_with_nothing_unsaved_quits_at_once(demo_services):
    app = ScreenApp(demo_services, lambda: InvoiceEditorScreen(DRAFT))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, InvoiceEditorScreen) and app.screen.invoice,
                       what="the invoice")
        await settle(pilot)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not app.is_running


async def test_p_on_a_draft_in_to_do_says_why_and_opens_nothing(demo_services):
    app = TradieApp(demo_services, cursor_blink=False, background_sync=False)
    async with app.run_test(size=SIZE) as pilot:
        todo = await wait_for(pilot, lambda: isinstance(app.screen, TodoScreen) and app.screen.loaded
                              and app.screen, what="To Do")
        rows = todo.query_one("#todo-list", ColumnList).rows
        rows.highlighted = next(i for i in range(rows.option_count)
                                if (rows.get_option_at_index(i).id or "").startswith(f"invoice:{DRAFT}:"))
        await pilot.press("p")
        await settle(pilot)
        assert app.screen is todo
        number = demo_services.invoice(DRAFT).number
        assert f"{number} is a draft: send it before recording a payment" in toasts(app)


def business_less(services) -> int:
    """A customer and a draft, the business details never filled in."""
    customer = services.save_customer(Customer("Olivia Nguyen", "olivia@example.com"))
    inv = services.new_invoice(customer.id)
    from decimal import Decimal

    inv.lines = [LineItem("Blocked drain", Decimal("1"), Decimal("180.00"))]
    return services.save_invoice(inv).id


async def test_send_without_business_details_says_so_before_asking(services):
    draft = business_less(services)
    app = ScreenApp(services, lambda: InvoiceEditorScreen(draft))
    async with app.run_test(size=SIZE) as pilot:
        editor = await wait_for(pilot, lambda: isinstance(app.screen, InvoiceEditorScreen) and app.screen.invoice
                                and app.screen, what="the invoice")
        await settle(pilot)
        await pilot.press("ctrl+e")
        await settle(pilot)
        assert not isinstance(app.screen, SendInvoiceModal)
        assert editor.query_one("#banner").message.startswith("Fill in the business details (Settings -> Business "
                                                              "details) to send invoices")
    assert not (services.cfg.outbox_dir / "new").exists()


async def test_to_do_warns_while_the_business_details_are_empty(services):
    business_less(services)
    app = TradieApp(services, cursor_blink=False, background_sync=False)
    async with app.run_test(size=SIZE) as pilot:
        todo = await wait_for(pilot, lambda: isinstance(app.screen, TodoScreen) and app.screen.loaded
                              and app.screen.query_one("#todo-warnings").display and app.screen,
                              what="To Do's warning")
        assert text_of(todo.query_one("#todo-warnings")) .strip() == (
            "⚠ Business details are empty: fill them in under Settings to send invoices")
