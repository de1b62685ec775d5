"""The sync screens and their dialogs fit 80x24 (tests/fit.py): against the sandbox, problems of every kind."""

from __future__ import annotations

import pytest

from tests.fit import assert_focusables_on_screen
from tests.syncui.conftest import conflicted, make_invoice, send, sync_app, wait_for
from tests.syncui.test_sync_snapshots import error_and_conflict
from tui.devtools.screenshots import settle

SIZE = (80, 24)


def every_problem(c, set_account_code) -> None:
    """A refused invoice and a conflict (as the snapshots have them), a number Xero has, a name Xero has."""
    error_and_conflict(c, set_account_code)
    send(c.services, make_invoice(c.services, number="INV-0001", customer_name="Jack Wilson"))
    send(c.services, make_invoice(c.services, customer_name="Boom FM", email="someone.else@example.com",
                                  number="TC-0400"))


async def sync_screen_with(pilot, problems: int):
    pilot.app.goto("sync")
    await wait_for(pilot, lambda: pilot.app.screen.view is not None
                   and len(pilot.app.screen.view.problems) >= problems, what="the Sync screen with its problems")
    await settle(pilot)


async def sync_screen(pilot):
    await sync_screen_with(pilot, 4)


async def problem(pilot, code: str):
    await sync_screen(pilot)
    screen = pilot.app.screen
    screen.query_one("#sync-problems").highlighted = next(
        i for i, p in enumerate(screen.view.problems) if p.code == code)
    await pilot.press("enter")
    await wait_for(pilot, lambda: pilot.app.screen is not screen, what=f"the {code} dialog")
    await settle(pilot)


#: where -> (the screen it shows, how a user gets there)
WALK = {
    "sync screen with problems": ("SyncScreen", sync_screen),
    "conflict": ("ConflictScreen", lambda pilot: problem(pilot, "conflict")),
    "new number prompt": ("PromptModal", lambda pilot: problem(pilot, "number_clash")),
    "link customer question": ("ConfirmModal", lambda pilot: problem(pilot, "name_clash")),
}


@pytest.mark.parametrize("where", list(WALK))
async def test_every_focusable_is_on_screen_at_80x24(where, connected, set_account_code):
    every_problem(connected, set_account_code)
    app = sync_app(connected.services)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.sync_scheduler.passes >= 1, what="the start-up pass")
        await settle(pilot)
        shows, steps = WALK[where]
        await steps(pilot)
        assert type(app.screen).__name__ == shows
        assert_focusables_on_screen(app)


async def test_the_first_sync_preview_fits_80x24(sandbox, xservices, xero_cfg):
    from tests.fixtures.sync import connect_business
    from tui.domain.business import BusinessDetails
    from tui.screens.sync.preview import FirstSyncPreviewScreen

    xservices.save_business(BusinessDetails(name="Harbour City Plumbing", email="accounts@hcp.example"))
    c = connect_business(sandbox, xservices, xero_cfg, confirm=False)
    send(c.services, make_invoice(c.services, number="INV-0001"))
    send(c.services, make_invoice(c.services, number="TC-0900"))
    app = sync_app(c.services)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, FirstSyncPreviewScreen) and app.screen.preview,
                       what="the first-sync preview")
        await settle(pilot)
        assert_focusables_on_screen(app)


async def test_the_editor_asking_about_xeros_change_fits_80x24(connected):
    from tests.syncui.test_editor_follows import asked, synced

    c = connected
    inv = synced(c, "TC-0206")
    app = sync_app(c.services)
    async with app.run_test(size=SIZE) as pilot:
        editor, _ = await asked(pilot, c, inv, lambda: c.sb.control.edit_invoice("TC-0206", Reference="Theirs"))
        editor.query_one("#keep-mine").focus()
        await settle(pilot)
        assert_focusables_on_screen(app)


async def test_a_long_conflicting_value_is_shown_whole_at_80x24(connected):
    from tui.devtools.screenshots import screen_text as terminal_text
    from tui.screens.sync.conflict import ConflictScreen

    c = connected
    ours = "Bathroom reno, stage 2: tiling, waterproofing and the vanity unit (Unit 4)"
    theirs = "Bathroom reno, stage 2: tiling and waterproofing only, vanity on the next invoice"
    conflicted(c, "TC-0207", ours, theirs)
    app = sync_app(c.services)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.sync_scheduler.passes >= 1, what="the start-up pass")
        await sync_screen_with(pilot, 1)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConflictScreen) and app.screen.conflicts)
        await settle(pilot)
        shown = " ".join(terminal_text(app).split())
        for value in (ours, theirs):
            assert all(word in shown for word in value.split()), value
        assert_focusables_on_screen(app)
