"""An open invoice editor follows the sync: a change pulled from Xero shows in it, or (with unsaved edits) asks."""

from __future__ import annotations

from tests.syncui.conftest import (
    conflicted,
    make_invoice,
    next_pass,
    open_editor,
    screen_text,
    send,
    startup_pass,
    sync_app,
    wait_for,
)

SIZE = (100, 32)


def shown(editor, selector: str) -> str:
    widget = editor.query_one(selector)
    return widget.value if hasattr(widget, "value") else str(widget.render())


async def type_reference(pilot, editor, text: str) -> None:
    box = editor.query_one("#f-reference")
    box.focus()
    box.value = ""
    await pilot.press(*text)
    assert editor.dirty


def synced(c, number: str):
    inv = send(c.services, make_invoice(c.services, number=number))
    assert c.sync().ok
    return inv


async def asked(pilot, c, inv, change_in_xero):
    """The editor open on ``inv`` with "Mine" typed as its Reference; ``change_in_xero()``, then a pass: the editor
    asks what to keep. Returns the editor and its question."""
    await startup_pass(pilot)
    editor = await open_editor(pilot, inv.id)
    await type_reference(pilot, editor, "Mine")
    change_in_xero()
    await next_pass(pilot)
    banner = editor.query_one("#newer")
    await wait_for(pilot, lambda: banner.question, what="the question about Xero's change")
    assert shown(editor, "#f-reference") == "Mine"  # nothing typed is lost
    return editor, banner


async def test_an_invoice_paid_in_xero_shows_paid_in_its_open_editor(connected):
    c = connected
    inv = send(c.services, make_invoice(c.services, number="TC-0201"))
    app = sync_app(c.services)
    async with app.run_test(size=SIZE) as pilot:
        await startup_pass(pilot)
        editor = await open_editor(pilot, inv.id)
        assert shown(editor, "#status") == "Sent"
        c.sb.control.pay_invoice("TC-0201")
        await next_pass(pilot)
        await wait_for(pilot, lambda: shown(editor, "#status") == "Paid", what="the editor to show Paid")
        assert "This invoice is paid: Xero does not allow changes to a paid invoice" in screen_text(app)
        assert editor.query_one("#f-reference").disabled
        assert not editor.query_one("#newer").question  # nothing was typed: nothing to ask


async def test_unsaved_edits_ask_and_keep_mine_saves_over_xeros(connected):
    c = connected
    inv = synced(c, "TC-0202")
    app = sync_app(c.services)
    async with app.run_test(size=SIZE) as pilot:
        editor, banner = await asked(pilot, c, inv, lambda: c.sb.control.edit_invoice("TC-0202", Reference="Theirs"))
        assert banner.question.startswith("Xero changed TC-0202 at ") and "(now Sent)" in banner.question
        assert [str(b.label) for b in banner.query("Button")] == ["Keep mine", "Load Xero's"]

        await pilot.click("#keep-mine")
        await wait_for(pilot, lambda: not banner.question, what="the question to go")
        assert shown(editor, "#f-reference") == "Mine"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: c.services.invoice(inv.id).reference == "Mine", what="the save")
        await wait_for(pilot, lambda: c.xero_invoices("TC-0202")[0]["Reference"] == "Mine", what="pushed to Xero")
        assert c.services.sync.invoice_state(inv.id).state == "synced"


async def test_unsaved_edits_ask_and_load_xeros_replaces_them(connected):
    c = connected
    inv = synced(c, "TC-0203")
    app = sync_app(c.services)
    async with app.run_test(size=SIZE) as pilot:
        editor, banner = await asked(pilot, c, inv, lambda: c.sb.control.edit_invoice("TC-0203", Reference="Theirs"))
        await pilot.click("#load-newer")
        await wait_for(pilot, lambda: shown(editor, "#f-reference") == "Theirs", what="Xero's reference")
        assert not banner.question and not editor.dirty
        assert c.services.invoice(inv.id).reference == "Theirs"


async def test_unsaved_edits_on_an_invoice_paid_in_xero_offer_only_xeros(connected):
    c = connected
    inv = synced(c, "TC-0204")
    app = sync_app(c.services)
    async with app.run_test(size=SIZE) as pilot:
        editor, banner = await asked(pilot, c, inv, lambda: c.sb.control.pay_invoice("TC-0204"))
        assert "(now Paid)" in banner.question and "can no longer be edited" in banner.question
        assert [str(b.label) for b in banner.query("Button")] == ["Load Xero's"]
        await pilot.click("#load-newer")
        await wait_for(pilot, lambda: shown(editor, "#status") == "Paid", what="the editor to show Paid")
        assert shown(editor, "#f-reference") == "Job 1"


async def test_escape_after_resolving_a_conflict_shows_the_result_and_saves(connected):
    from tui.screens.sync.screen import SyncScreen
    from tui.screens.sync.conflict import ConflictScreen

    c = connected
    inv = conflicted(c, "TC-0205")
    app = sync_app(c.services)
    async with app.run_test(size=SIZE) as pilot:
        await startup_pass(pilot)
        editor = await open_editor(pilot, inv.id)
        assert shown(editor, "#f-reference") == "Ours"
        await pilot.press("ctrl+y")
        await wait_for(pilot, lambda: isinstance(app.screen, SyncScreen) and app.screen.view, what="Sync screen")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConflictScreen) and app.screen.conflicts)
        await pilot.press("x", "ctrl+s")  # take Xero's
        await wait_for(pilot, lambda: isinstance(app.screen, SyncScreen), what="back on the Sync screen")
        await wait_for(pilot, lambda: c.services.sync.invoice_state(inv.id).state == "synced", what="resolved")
        await pilot.press("escape")
        assert app.screen is editor
        await wait_for(pilot, lambda: shown(editor, "#f-reference") == "Theirs", what="Xero's reference")
        assert not editor.dirty

        await type_reference(pilot, editor, "After")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: c.services.invoice(inv.id).reference == "After", what="the save")
        assert "changed by" not in screen_text(app)
        await wait_for(pilot, lambda: c.xero_invoices("TC-0205")[0]["Reference"] == "After", what="pushed")
