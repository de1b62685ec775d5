"""The Connect dialog in a browser tab (`tradiecore serve`): Xero opens in a new tab beside it, and the address
that tab ends on is pasted; no ssh line."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.connect.helpers import screen_text, wait_for
from tests.connect.test_connect_snapshots import FIXED_URL, SIZES, FixedSignIn, settle_while_waiting
from tui.app import TradieApp
from tui.devtools.screenshots import make_services, settle


class BrowserTabSignIn(FixedSignIn):
    def start(self):
        return replace(super().start(), open_browser=False, remote=False, browser_tab=True)


@pytest.fixture
def snap_services(env, tmp_path):
    return make_services(tmp_path / "snap")


@SIZES
def test_connect_dialog_in_a_browser_tab(snap_compare, snap_services, size):
    from tui.screens.xero.connect import ConnectScreen

    fake = BrowserTabSignIn(snap_services)
    app = TradieApp(snap_services)
    opened = []
    app.open_url = opened.append  # in a browser tab textual-serve opens it in a new tab of the same browser

    async def run_before(pilot):
        await settle(pilot)
        pilot.app.goto("integrations")
        await settle(pilot)
        pilot.app.push_screen(ConnectScreen(fake))
        await wait_for(pilot, lambda: opened == [FIXED_URL] and "new tab of this browser" in screen_text(pilot.app))
        assert "ssh -L" not in screen_text(pilot.app)
        await settle_while_waiting(pilot)  # not for Xero's answer, which never comes here

    try:
        assert snap_compare(app, terminal_size=size, run_before=run_before)
    finally:
        fake.cancelled.set()
