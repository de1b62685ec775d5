"""`tradiecore demo`: the Connect dialog shows the sandbox's login, learnt from what the sandbox printed.

The sandbox runs as the demo runs it (a subprocess started by `tui.demo.start_sandbox`), here with its state
file outside the demo data dir: the app must not need to look into the sandbox's files to know the login.
"""

from __future__ import annotations

import re
from types import SimpleNamespace

from tests.fixtures.connect import HttpBrowser
from tests.connect.helpers import http_consent_in_thread, screen_text, wait_for


async def test_the_connect_dialog_shows_the_login_the_demo_sandbox_printed(env, tmp_path):
    from tui import config
    from tui.app import TradieApp
    from tui.demo import demo_xero_config, free_port, start_sandbox
    from tui.screens.xero.connect import ConnectScreen
    from tui.screens.xero.orgs import OrganisationsScreen
    from tui.services import Services

    cfg = config.load(demo=True)
    cfg.data_dir.mkdir(parents=True)
    port = free_port()
    (tmp_path / "sandbox").mkdir()
    sandbox = start_sandbox(tmp_path / "sandbox" / "state.json", [f"http://localhost:{port}/callback"],
                            tmp_path / "sandbox" / "log")
    try:
        app = TradieApp(Services(demo_xero_config(cfg, sandbox, port)), demo=True, background_sync=False)
        async with app.run_test(size=(100, 32)) as pilot:
            app.goto("integrations")
            await wait_for(pilot, lambda: "Not connected" in screen_text(app), what="Integrations")
            await pilot.press("x")
            modal = await wait_for(pilot, lambda: isinstance(app.screen, ConnectScreen) and app.screen.started
                                   and app.screen, what="waiting dialog")
            shown = re.search(r"Demo: log in to the sandbox as (\S+), password (\S+)",
                              screen_text(app))
            assert shown, screen_text(app)
            assert shown.groups() == (sandbox.info["login_email"], sandbox.info["login_password"])
            person = HttpBrowser(SimpleNamespace(login_email=shown[1], login_password=shown[2]))
            try:  # the login shown is one that works
                await http_consent_in_thread(person, modal.started.url)
            finally:
                person.close()
            await wait_for(pilot, lambda: isinstance(app.screen, OrganisationsScreen), what="organisations")
            assert "Demo Company (AU)" in screen_text(app)
    finally:
        sandbox.stop()
