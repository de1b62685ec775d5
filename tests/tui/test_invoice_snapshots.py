"""SVG snapshots of the customer and invoice screens on the demo data (fixed clock, size and data).

Update after an intended change: python -m pytest tests/tui/test_invoice_snapshots.py --snapshot-update
"""

from __future__ import annotations

import pytest
from tests.tui.screen_harness import ScreenApp, settle, type_into

from tui.screens.customers.editor import CustomerEditorScreen
from tui.screens.customers.screen import CustomersScreen
from tui.screens.invoices.editor import InvoiceEditorScreen
from tests.tui.test_fit import six_lines

SIZE = (100, 32)
SMALL = (80, 24)  # every screen works at 80x24
DRAFT, PAID = 6, 3


async def quiet(pilot) -> None:
    await settle(pilot)
    pilot.app.clear_notifications()
    await pilot.pause()


def test_customers(snap_compare, demo):
    assert snap_compare(ScreenApp(demo, CustomersScreen), terminal_size=SIZE, run_before=quiet)


def test_customers_80x24(snap_compare, demo):
    assert snap_compare(ScreenApp(demo, CustomersScreen), terminal_size=SMALL, run_before=quiet)


def test_customer_editor_80x24(snap_compare, demo):
    assert snap_compare(ScreenApp(demo, lambda: CustomerEditorScreen(1)), terminal_size=SMALL, run_before=quiet)


def test_customer_editor_with_errors(snap_compare, demo):
    async def run_before(pilot):
        await settle(pilot)
        await type_into(pilot, "#f-name", "")
        await type_into(pilot, "#f-email", "olivia@")
        await type_into(pilot, "#f-phone", "ring me")
        await pilot.press("ctrl+s")
        await quiet(pilot)

    assert snap_compare(ScreenApp(demo, lambda: CustomerEditorScreen(1)), terminal_size=SIZE, run_before=run_before)


def test_invoice_draft(snap_compare, demo):
    assert snap_compare(ScreenApp(demo, lambda: InvoiceEditorScreen(DRAFT)), terminal_size=SIZE, run_before=quiet)


def test_invoice_draft_80x24(snap_compare, demo):
    assert snap_compare(ScreenApp(demo, lambda: InvoiceEditorScreen(DRAFT)), terminal_size=(80, 24),
                        run_before=quiet)


def test_invoice_with_validation_errors(snap_compare, demo):
    async def run_before(pilot):
        await settle(pilot)
        screen = pilot.app.screen
        await type_into(pilot, "#f-issue_date", "31/02/2026")
        await type_into(pilot, screen.form.rows[0].query_one(".quantity"), "-3")
        await type_into(pilot, screen.form.rows[1].query_one(".unit_price"), "12.34567")
        await pilot.press("ctrl+s")
        await quiet(pilot)

    assert snap_compare(ScreenApp(demo, lambda: InvoiceEditorScreen(DRAFT)), terminal_size=SIZE,
                        run_before=run_before)


def test_invoice_paid_read_only(snap_compare, demo):
    assert snap_compare(ScreenApp(demo, lambda: InvoiceEditorScreen(PAID)), terminal_size=SIZE, run_before=quiet)


SENT = 4


async def ask_to_send_again(pilot) -> None:
    await quiet(pilot)
    await pilot.press("ctrl+e")
    await quiet(pilot)


def test_send_again_question(snap_compare, demo):
    assert snap_compare(ScreenApp(demo, lambda: InvoiceEditorScreen(SENT)), terminal_size=SIZE,
                        run_before=ask_to_send_again)


def test_send_again_question_80x24(snap_compare, demo):
    assert snap_compare(ScreenApp(demo, lambda: InvoiceEditorScreen(SENT)), terminal_size=(80, 24),
                        run_before=ask_to_send_again)


@pytest.mark.parametrize("size", [SIZE, SMALL], ids=["100x32", "80x24"])
def test_invoice_with_six_lines(snap_compare, demo, size):
    six_lines(demo)
    assert snap_compare(ScreenApp(demo, lambda: InvoiceEditorScreen(DRAFT)), terminal_size=size, run_before=quiet)


def pressing(*keys: str):
    async def run_before(pilot):
        await quiet(pilot)
        for key in keys:
            await pilot.press(key)
            await quiet(pilot)

    return run_before


@pytest.mark.parametrize("size", [SIZE, SMALL], ids=["100x32", "80x24"])
def test_send_invoice_question(snap_compare, demo, size):
    assert snap_compare(ScreenApp(demo, lambda: InvoiceEditorScreen(DRAFT)), terminal_size=size,
                        run_before=pressing("ctrl+e"))


@pytest.mark.parametrize("size", [SIZE, SMALL], ids=["100x32", "80x24"])
def test_delete_draft_question(snap_compare, demo, size):
    assert snap_compare(ScreenApp(demo, lambda: InvoiceEditorScreen(DRAFT)), terminal_size=size,
                        run_before=pressing("f8"))


@pytest.mark.parametrize("size", [SIZE, SMALL], ids=["100x32", "80x24"])
def test_customer_picker(snap_compare, demo, size):
    assert snap_compare(ScreenApp(demo, lambda: InvoiceEditorScreen(DRAFT)), terminal_size=size,
                        run_before=pressing("f2"))


def test_quit_with_unsaved_edits_80x24(snap_compare, demo):
    """Ctrl+Q with the invoice edited: the same question as Escape, before anything is thrown away."""

    async def run_before(pilot):
        await settle(pilot)
        await type_into(pilot, "#f-reference", "Stage 2")
        await pilot.press("ctrl+q")
        await quiet(pilot)

    assert snap_compare(ScreenApp(demo, lambda: InvoiceEditorScreen(DRAFT)), terminal_size=SMALL,
                        run_before=run_before)
