"""Payment Accounts on the Xero screen, against the sandbox: Enter on a method opens the chart of accounts
filtered to the accounts Xero takes payments into, Update saves; snapshots at the usual size and at 80x24.

Update after an intended change: python -m pytest tests/connect/test_payment_accounts.py --snapshot-update
"""

from __future__ import annotations

import pytest

from tests.connect.helpers import screen_text, wait_for
from tests.connect.test_connect_snapshots import SIZE, _connected
from tests.tui.screen_harness import settle
from tui.app import TradieApp


async def open_payment_accounts(pilot) -> None:
    from tui.screens.xero.flow import open_xero_screen

    await settle(pilot)
    open_xero_screen(pilot.app)
    await settle(pilot)
    pilot.app.screen.query_one("#payment-accounts").focus()
    await settle(pilot)


async def test_choose_the_cash_account_from_the_accounts_xero_takes_payments_into(sandboxed, http_browser):
    from tui.screens.xero.account_picker import PaymentAccountPickerScreen
    from tui.screens.xero.screen import XeroScreen

    xero = _connected(sandboxed, http_browser)
    app = TradieApp(sandboxed)
    async with app.run_test(size=SIZE) as pilot:
        await open_payment_accounts(pilot)
        text = screen_text(app)
        assert "Payment Accounts" in text
        assert "Default         Not chosen: payments wait until you choose an account" in text
        await pilot.press("down", "enter")  # Cash
        picker = await wait_for(pilot, lambda: isinstance(app.screen, PaymentAccountPickerScreen)
                                and app.screen.loaded and app.screen)
        assert [a.code for a in picker.accounts] == ["090", "091"]  # bank accounts; no revenue account
        assert "Cash: choose a payment account" in screen_text(app)
        await pilot.press(*"savings", "enter", "enter")  # 091, Update
        await wait_for(pilot, lambda: isinstance(app.screen, XeroScreen)
                       and "Cash            091 Business Savings Account" in screen_text(app), what="saved")
    cash = next(m for m in xero.overview().payment_accounts if m.category == "Cash")
    assert (cash.code, cash.name) == ("091", "Business Savings Account")


@pytest.mark.parametrize("size", [SIZE, (80, 24)], ids=["usual", "80x24"])
def test_xero_screen_payment_accounts(snap_compare, sandboxed, http_browser, size):
    xero = _connected(sandboxed, http_browser)
    bank = next(a for a in xero.payment_chart() if a.code == "090")
    xero.save_payment_account("Default", bank)
    savings = next(a for a in xero.payment_chart() if a.code == "091")
    xero.save_payment_account("Cheque", savings)
    assert snap_compare(TradieApp(sandboxed), terminal_size=size, run_before=open_payment_accounts)
