"""Every screen and dialog fits 80x24: each focusable widget and each button can be seen whole (tests/fit.py).

Demo data, the app as a user runs it; the Xero and sync screens are walked in tests/syncui/test_fit_sync.py.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.fit import assert_focusables_on_screen
from tui.app import TradieApp
from tui.devtools.screenshots import DEMO_SMTP, make_services, settle

SIZE = (80, 24)
DRAFT, SENT = 6, 4


def six_lines(services) -> None:
    """Demo draft DRAFT with six lines (a usual day's invoice)."""
    from tui.domain.invoice import LineItem, RevenueCategory

    inv = services.invoice(DRAFT)
    jobs = [("Call-out fee", "1", "95.00", RevenueCategory.LABOUR), ("Labour (hours)", "3.5", "110.00",
            RevenueCategory.LABOUR), ("Copper pipe 15 mm (m)", "12", "8.40", RevenueCategory.MATERIALS),
            ("Ball valve 15 mm", "2", "24.50", RevenueCategory.MATERIALS), ("Hot water tempering valve", "1",
            "189.00", RevenueCategory.MATERIALS), ("Disposal of old unit", "1", "60.00", RevenueCategory.GENERAL_SALES)]
    inv.lines = [LineItem(d, Decimal(q), Decimal(p), c) for d, q, p, c in jobs]
    services.save_invoice(inv)


async def go(pilot, *names: str) -> None:
    for name in names:
        pilot.app.goto(name)
        await settle(pilot)


async def keys(pilot, *pressed: str) -> None:
    for key in pressed:
        await pilot.press(key)
        await settle(pilot)


async def invoice(pilot, invoice_id: int, *pressed: str) -> None:
    pilot.app.open_invoice(invoice_id)
    await settle(pilot)
    await keys(pilot, *pressed)


async def dirty_then_escape(pilot) -> None:
    await invoice(pilot, DRAFT)
    pilot.app.screen.query_one("#f-reference").value = "Changed"
    await keys(pilot, "escape")


#: where -> (the screen it shows, how a user gets there from To Do)
WALK = {
    "todo": ("TodoScreen", lambda pilot: go(pilot)),
    "customers": ("CustomersScreen", lambda pilot: go(pilot, "customers")),
    "customer editor": ("CustomerEditorScreen", lambda pilot: keys(pilot, "c", "enter")),
    "new customer": ("CustomerEditorScreen", lambda pilot: keys(pilot, "c", "n")),
    "new invoice": ("InvoiceEditorScreen", lambda pilot: go(pilot, "new_invoice")),
    "invoice with six lines": ("InvoiceEditorScreen", lambda pilot: invoice(pilot, DRAFT)),
    "customer picker": ("CustomerPicker", lambda pilot: invoice(pilot, DRAFT, "f2")),
    "send invoice dialog": ("SendInvoiceModal", lambda pilot: invoice(pilot, DRAFT, "ctrl+e")),
    "send again dialog": ("SendAgainModal", lambda pilot: invoice(pilot, SENT, "ctrl+e")),
    "delete draft question": ("ConfirmModal", lambda pilot: invoice(pilot, DRAFT, "f8")),
    "void question": ("ConfirmModal", lambda pilot: invoice(pilot, SENT, "f8")),
    "discard question": ("ConfirmModal", dirty_then_escape),
    "outbox": ("OutboxScreen", lambda pilot: go(pilot, "outbox")),
    "settings": ("SettingsScreen", lambda pilot: go(pilot, "settings")),
    "business details": ("BusinessScreen", lambda pilot: go(pilot, "business")),
    "email settings": ("EmailSettingsScreen", lambda pilot: go(pilot, "email")),
    "numbers": ("NumbersScreen", lambda pilot: go(pilot, "numbers")),
    "integrations": ("IntegrationsScreen", lambda pilot: go(pilot, "integrations")),
    "help": ("HelpScreen", lambda pilot: go(pilot, "help")),
    "command palette": ("CommandPalette", lambda pilot: keys(pilot, "ctrl+p")),
}


@pytest.mark.parametrize("where", list(WALK))
async def test_every_focusable_is_on_screen_at_80x24(where, env, tmp_path):
    services = make_services(tmp_path / "fit", mail=DEMO_SMTP)
    six_lines(services)
    app = TradieApp(services, cursor_blink=False, background_sync=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        shows, steps = WALK[where]
        await steps(pilot)
        assert type(app.screen).__name__ == shows
        assert_focusables_on_screen(app)
