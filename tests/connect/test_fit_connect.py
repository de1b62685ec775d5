"""The connect dialog fits 80x24 (tests/fit.py): opened from Integrations as a user does, against the sandbox."""

from __future__ import annotations

import pytest

from tests.connect.helpers import wait_for
from tests.fit import assert_focusables_on_screen
from tui.devtools.screenshots import settle


@pytest.mark.xfail(strict=True, reason="the connect dialog is fitted on its own")
async def test_every_focusable_of_the_connect_dialog_is_on_screen_at_80x24(xservices):
    from tui.app import TradieApp
    from tui.screens.xero_connect import ConnectScreen

    app = TradieApp(xservices, background_sync=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s", "i")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "IntegrationsScreen", what="Integrations")
        await settle(pilot)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConnectScreen) and app.screen.started,
                       what="the connect dialog")
        await pilot.pause()  # (its worker waits for Xero's answer: no settling)
        try:
            assert_focusables_on_screen(app)
        finally:
            await pilot.press("escape")
