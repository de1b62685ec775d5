"""The header after a pass that failed says what went wrong: a reply Xero should never send, or a first pass
that met Xero's 500/503 (not "first sync needs review", which no review could answer yet)."""

from __future__ import annotations

import pytest

from tests.syncui.conftest import header, header_is_red, next_pass, screen_text, startup_pass, sync_app, wait_for

SIZE = (100, 32)


async def _sync_screen(pilot):
    from tui.screens.sync.screen import SyncScreen

    app = pilot.app
    app.goto("sync")
    await wait_for(pilot, lambda: isinstance(app.screen, SyncScreen) and app.screen.view, what="Sync screen")
    await app.workers.wait_for_complete()
    await pilot.pause()
    return app.screen


@pytest.mark.parametrize("kind,problem,body", [
    ("html", "not JSON", "<!DOCTYPE html> <html> <head><title>Scheduled"),
    ("no_collection", 'no "Invoices" list', '{"Id":"'),  # was read as "no invoices": "Synced just now"
])
async def test_an_unusable_reply_is_the_header_and_on_the_sync_screen(connected, kind, problem, body):
    c = connected
    expected = f"Unexpected reply from Xero to GET Invoices (HTTP 200, {problem})"
    app = sync_app(c.services)
    async with app.run_test(size=SIZE) as pilot:
        await startup_pass(pilot)
        assert header(app) == "Synced just now"

        c.sb.control.inject(kind, path="/api.xro/2.0/invoices", methods=["GET"])
        await next_pass(pilot)
        assert header(app) == expected and header_is_red(app)
        screen = await _sync_screen(pilot)
        assert f"{expected}: {body}" in screen_text(app)  # the Last pass line
        log = screen.query_one("#sync-log")
        assert any(str(log.get_row_at(i)[2]).startswith(f"{expected}: {body}") for i in range(log.row_count))

        await next_pass(pilot)
        assert header(app) == "Synced just now" and not header_is_red(app)


@pytest.mark.parametrize("status,problem", [("500", "Xero had a problem (HTTP 500)"),
                                            ("503", "Xero is offline (for maintenance or an outage)")])
async def test_a_first_pass_that_meets_5xx_says_so_not_review(sandbox, xservices, xero_cfg, status, problem):
    from tests.syncui.test_sync_ui import _unconfirmed

    c, _, _ = await _unconfirmed(sandbox, xservices, xero_cfg)
    c.services.sync._runner = c.runner(now=lambda: c.services.now())  # retries wait milliseconds
    c.sb.control.inject(status, 50, path="/api.xro/2.0/invoices", methods=["GET"])
    app = sync_app(c.services)
    async with app.run_test(size=SIZE) as pilot:
        await startup_pass(pilot)
        assert header(app) == f"2 pending · {problem}" and header_is_red(app)
        await _sync_screen(pilot)
        text = screen_text(app)
        assert "waiting for your review" not in text and problem in text

        c.sb.control.clear_faults()
        await next_pass(pilot)
        assert header(app) == "2 pending · first sync needs review"
