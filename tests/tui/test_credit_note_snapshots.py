"""SVG snapshots of credit notes on the demo data (fixed clock, size and data), each at the usual size and at 80x24:
the editor on a new draft (a line left out, a price lowered), with refused lines, asking to send, and a sent credit
note with a refund and an allocation; the refund and allocate dialogs refusing too much; removing an allocation; an invoice listing its credit.

Update after an intended change: python -m pytest tests/tui/test_credit_note_snapshots.py --snapshot-update
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from tests.connect.helpers import wait_for
from tests.tui.screen_harness import ScreenApp, type_into
from tests.tui.test_invoice_snapshots import SIZE, SMALL, quiet

from tui.devtools.screenshots import credit_note_in_use
from tui.domain.credit import LinePick
from tui.screens.credit_notes.allocate import AllocateCreditScreen
from tui.screens.credit_notes.editor import CreditNoteEditorScreen
from tui.screens.credit_notes.refund import RefundCreditScreen
from tui.screens.credit_notes.remove_use import RemoveCreditUseScreen
from tui.screens.invoices.editor import InvoiceEditorScreen
from tui.widgets.confirm_modal import ConfirmModal

SENT = 1  # INV-0101: Olivia Nguyen, two lines, nothing paid
SIZES = pytest.mark.parametrize("size", [SIZE, SMALL], ids=["usual", "80x24"])


async def shown(pilot, ready) -> None:
    """Until ``ready(screen)`` holds of the screen in front, then quiet: no snapshot of a half-way state."""
    await wait_for(pilot, lambda: ready(pilot.app.screen), what="the screen to be ready")
    await quiet(pilot)


def editor_loaded(screen) -> bool:
    return isinstance(screen, CreditNoteEditorScreen) and screen._clean is not None and not screen.busy


def dialog_loaded(kind: type):
    return lambda screen: isinstance(screen, kind) and screen.note is not None and not screen.query_one("#ok").disabled


def refused(field: str):
    return lambda screen: bool(screen.query_one(f"#e-{field}").message)


async def part_credit(pilot) -> None:
    await shown(pilot, editor_loaded)
    editor = pilot.app.screen
    await pilot.press("space")
    await type_into(pilot, editor.rows[1].query_one(".unit_price"), "1000")
    await quiet(pilot)


@SIZES
def test_new_credit_note(snap_compare, demo, size):
    assert snap_compare(ScreenApp(demo, lambda: CreditNoteEditorScreen(invoice_id=SENT)), terminal_size=size,
                        run_before=part_credit)


@SIZES
def test_credit_note_lines_refused(snap_compare, demo, size):
    async def run_before(pilot):
        await shown(pilot, editor_loaded)
        second = pilot.app.screen.rows[1]
        await type_into(pilot, second.query_one(".quantity"), "2")
        await type_into(pilot, second.query_one(".unit_price"), "1500")
        await pilot.press("ctrl+s")
        await shown(pilot, lambda screen: len(second.errors) == 2)

    assert snap_compare(ScreenApp(demo, lambda: CreditNoteEditorScreen(invoice_id=SENT)), terminal_size=size,
                        run_before=run_before)


@SIZES
def test_send_credit_note_question(snap_compare, demo, size):
    async def run_before(pilot):
        await part_credit(pilot)
        await pilot.press("ctrl+e")
        await shown(pilot, lambda screen: isinstance(screen, ConfirmModal) and screen.is_current)

    assert snap_compare(ScreenApp(demo, lambda: CreditNoteEditorScreen(invoice_id=SENT)), terminal_size=size,
                        run_before=run_before)


@SIZES
def test_sent_credit_note_refunded_in_part(snap_compare, demo, size):
    note_id = credit_note_in_use(demo)
    assert snap_compare(ScreenApp(demo, lambda: CreditNoteEditorScreen(note_id)), terminal_size=size,
                        run_before=lambda pilot: shown(pilot, editor_loaded))


@SIZES
def test_refund_dialog_refuses_more_than_the_credit(snap_compare, demo, size):
    note_id = credit_note_in_use(demo)

    async def run_before(pilot):
        await shown(pilot, editor_loaded)
        await pilot.press("f6")
        await shown(pilot, dialog_loaded(RefundCreditScreen))
        await type_into(pilot, "#f-amount", "600")
        await pilot.press("ctrl+s")
        await shown(pilot, refused("amount"))

    assert snap_compare(ScreenApp(demo, lambda: CreditNoteEditorScreen(note_id)), terminal_size=size,
                        run_before=run_before)


@SIZES
def test_allocate_dialog_refuses_more_than_the_invoice_owes(snap_compare, demo, size):
    note_id = credit_note_in_use(demo)

    async def run_before(pilot):
        await shown(pilot, editor_loaded)
        await pilot.press("f4")
        await shown(pilot, lambda screen: dialog_loaded(AllocateCreditScreen)(screen) and screen.invoices)
        await type_into(pilot, "#f-amount", "300")
        await pilot.press("ctrl+s")
        await shown(pilot, refused("amount"))

    assert snap_compare(ScreenApp(demo, lambda: CreditNoteEditorScreen(note_id)), terminal_size=size,
                        run_before=run_before)


@SIZES
def test_remove_an_allocation(snap_compare, demo, size):
    note_id = credit_note_in_use(demo)

    async def run_before(pilot):
        await shown(pilot, editor_loaded)
        await pilot.press("f7")
        await shown(pilot, lambda screen: isinstance(screen, RemoveCreditUseScreen))
        await pilot.press("enter")
        await shown(pilot, lambda screen: isinstance(screen, ConfirmModal) and screen.is_current)

    assert snap_compare(ScreenApp(demo, lambda: CreditNoteEditorScreen(note_id)), terminal_size=size,
                        run_before=run_before)


@SIZES
def test_invoice_with_a_credit(snap_compare, demo, size):
    note = demo.save_credit_note(demo.credit_note_from_invoice(2, [LinePick(0, unit_price=Decimal("100"))]))
    demo.send_credit_note(note)

    async def run_before(pilot):
        await shown(pilot, lambda screen: isinstance(screen, InvoiceEditorScreen) and screen.invoice is not None)
        pilot.app.screen.query_one("#form").scroll_end(animate=False)
        await quiet(pilot)

    assert snap_compare(ScreenApp(demo, lambda: InvoiceEditorScreen(2)), terminal_size=size, run_before=run_before)
