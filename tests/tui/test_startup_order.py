"""What start-up does first: To Do's rows, before the background sync and before the demo's sandbox is up."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import textwrap
import threading

from tests.multiuser import ROOT
from tests.tui.test_shell import GatedServices
from tui.app import TradieApp
from tui.devtools.screenshots import screen_text


async def wait_until(pilot, condition, timeout: float = 20.0) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not condition():
        assert loop.time() < end, "timed out"
        await pilot.pause(0.02)


async def test_the_background_sync_starts_once_to_do_has_its_rows(demo_services):
    """The sync's imports (the Xero client, the engine) never compete with To Do's first query."""
    asked = []

    def xero_setup(cfg):
        asked.append(app.screen.loaded)  # the first use of Xero: was To Do loaded by then?
        return cfg

    services = GatedServices(demo_services.cfg, now=demo_services.now, user="sam", xero_setup=xero_setup)
    app = TradieApp(services, sync_interval=None)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause(0.3)
        assert "Loading" in screen_text(app)
        assert asked == [] and app.sync_scheduler.passes == 0  # no pass while To Do waits for its rows
        services.gate.set()
        await wait_until(pilot, lambda: app.sync_scheduler.passes >= 1)
        assert asked == [True]
        assert "INV-0" in screen_text(app)


async def test_the_demo_draws_to_do_while_its_sandbox_starts(demo_services):
    """The demo's Xero settings arrive when its sandbox is up (``xero_setup`` returns); To Do is drawn before."""
    sandbox_up = threading.Event()
    sandbox_cfg = demo_services.cfg.with_xero_base("http://127.0.0.1:9")

    def xero_setup(cfg):
        sandbox_up.wait(20)
        return sandbox_cfg

    services = type(demo_services)(demo_services.cfg, now=demo_services.now, user="sam", xero_setup=xero_setup)
    app = TradieApp(services, demo=True, sync_interval=None)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: "INV-0" in screen_text(app))  # To Do's rows, while the sandbox is not up
        assert "To Do" in screen_text(app)
        assert app.sync_scheduler.passes == 0 and services.cfg is demo_services.cfg
        sandbox_up.set()
        await wait_until(pilot, lambda: app.sync_scheduler.passes >= 1)
        assert services.cfg is sandbox_cfg  # the sync and the Xero screens use the sandbox's settings


HEAVY = ("sqlalchemy", "sqlmodel", "alembic", "httpx", "authlib", "fpdf", "keyring", "cryptography")


def test_the_first_rows_of_to_do_import_no_database_layer_nor_xero_client(demo_services, tmp_path):
    """What a start needs before To Do's rows are on screen, in a fresh interpreter: Textual, the app, and the
    stdlib's sqlite3 on the (current) database file."""
    demo_services.close()
    script = textwrap.dedent(f"""
        import sys
        from tui import config
        from tui.app import TradieApp
        from tui.screens.todo import TodoScreen
        from tui.services import Services

        groups = Services(config.load(), user="sam").todo()
        print(sum(g.count for g in groups), sorted({{m.split(".")[0] for m in sys.modules}} & set({HEAVY!r})))
    """)
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr[-2000:]
    count, heavy = done.stdout.split(" ", 1)
    assert int(count) > 0 and heavy.strip() == "[]"
