"""SVG snapshots of payments on the demo data (fixed clock, size and data): the record payment dialog, and an
invoice with two payments, at the usual size and at 80x24.

Update after an intended change: python -m pytest tests/tui/test_payment_snapshots.py --snapshot-update
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from tests.tui.screen_harness import ScreenApp, settle, type_into
from tests.tui.test_invoice_snapshots import SIZE, quiet

from tui.domain.payment import PaymentMethod
from tui.screens.invoices.editor import InvoiceEditorScreen

SENT = 2


async def dialog_with_too_much(pilot) -> None:
    await settle(pilot)
    await pilot.press("f6")
    await settle(pilot)
    await type_into(pilot, "#f-amount", "5000")
    await type_into(pilot, "#f-reference", "receipt 7")
    await pilot.press("ctrl+s")
    await quiet(pilot)


@pytest.mark.parametrize("size", [SIZE, (80, 24)], ids=["usual", "80x24"])
def test_record_payment_dialog(snap_compare, demo, size):
    assert snap_compare(ScreenApp(demo, lambda: InvoiceEditorScreen(SENT)), terminal_size=size,
                        run_before=dialog_with_too_much)


@pytest.mark.parametrize("size", [SIZE, (80, 24)], ids=["usual", "80x24"])
def test_invoice_with_payments(snap_compare, demo, size):
    inv = demo.invoice(SENT)
    inv = demo.record_payment(inv, Decimal("100.00"), demo.today(), PaymentMethod.CASH)
    demo.record_payment(inv, Decimal("50.00"), demo.today(), PaymentMethod.CARD, "receipt 1182")

    async def run_before(pilot):
        await quiet(pilot)
        pilot.app.screen.query_one("#form").scroll_end(animate=False)
        await quiet(pilot)

    assert snap_compare(ScreenApp(demo, lambda: InvoiceEditorScreen(SENT)), terminal_size=size,
                        run_before=run_before)
