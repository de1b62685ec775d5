"""The sync in the app: background passes, the header, the Sync screen, the first-sync preview, the editor line."""

from __future__ import annotations

from tests.syncui.conftest import (
    conflicted,
    header,
    header_is_red,
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


async def test_send_in_app_pushes_then_payment_in_xero_shows_paid(connected):
    from tui.screens.invoices.send import SendInvoiceModal
    from tui.screens.todo import TodoScreen

    c = connected
    inv = make_invoice(c.services, number="TC-0101")
    app = sync_app(c.services)
    async with app.run_test(size=SIZE) as pilot:
        await startup_pass(pilot)  # the start-up pass
        writes = c.writes()
        await open_editor(pilot, inv.id)
        assert "Xero:" not in screen_text(app)  # a draft says nothing about Xero
        await pilot.press("ctrl+e")
        await wait_for(pilot, lambda: isinstance(app.screen, SendInvoiceModal), what="send question")
        await pilot.press("y")
        await wait_for(pilot, lambda: c.xero_invoices("TC-0101"), what="invoice in the sandbox")
        await wait_for(pilot, lambda: "Xero: synced at" in screen_text(app), what="editor sync line")
        assert c.writes() == writes + 2  # the contact and the invoice
        assert c.xero_invoices("TC-0101")[0]["Status"] == "AUTHORISED"
        assert header(app) == "Synced just now" and not header_is_red(app)

        c.sb.control.pay_invoice("TC-0101")
        await next_pass(pilot)
        app.show_todo()
        await wait_for(pilot, lambda: isinstance(app.screen, TodoScreen) and app.screen.loaded)
        await app.workers.wait_for_complete()
        assert "TC-0101" not in screen_text(app)  # nothing left to chase
        await open_editor(pilot, inv.id)
        assert app.screen.query_one("#status").render().plain == "Paid"
    with c.services.session() as s:  # the app released the sync lease at exit
        from tui.sync.lease import lease_holder

        assert lease_holder(s, c.tenant_id, c.services.now()) is None


async def test_validation_error_shown_then_retry_after_fixing_pushes_it(connected, set_account_code):
    from tui.screens.sync.screen import SyncScreen

    c = connected
    set_account_code(c.services, c.tenant_id, "Labour", "999")
    inv = send(c.services, make_invoice(c.services, number="TC-0102"))
    app = sync_app(c.services)
    async with app.run_test(size=SIZE) as pilot:
        await startup_pass(pilot)
        assert header(app) == "1 sync error · 1 pending · Synced just now" and header_is_red(app)
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, SyncScreen) and app.screen.view, what="Sync screen")
        text = screen_text(app)
        assert "TC-0102 Olivia Nguyen" in text and "Account code '999' is not a valid code" in text
        assert c.xero_invoices("TC-0102") == []

        set_account_code(c.services, c.tenant_id, "Labour", "210")
        await pilot.press("r")  # Retry the highlighted one
        await wait_for(pilot, lambda: c.xero_invoices("TC-0102"), what="pushed after retry")
        await wait_for(pilot, lambda: "Nothing: every change reached Xero." in screen_text(app))
        assert c.services.sync.invoice_state(inv.id).state == "synced"
        log = app.screen.query_one("#sync-log")
        assert any("Xero refused TC-0102" in str(log.get_row_at(i)[2]) for i in range(log.row_count))


async def test_conflict_resolved_on_the_sync_screen(connected):
    from tui.screens.sync.screen import SyncScreen
    from tui.screens.sync.conflict import ConflictScreen

    c = connected
    inv = conflicted(c, "TC-0103")
    app = sync_app(c.services)
    async with app.run_test(size=SIZE) as pilot:
        await startup_pass(pilot)
        assert header(app).startswith("1 conflict") and header_is_red(app)
        await wait_for(pilot, lambda: _todo_line(app, "TC-0103").endswith("Conflict"), what="the To Do row")
        app.goto("sync")
        await wait_for(pilot, lambda: isinstance(app.screen, SyncScreen) and app.screen.view)
        await pilot.press("enter")
        screen = await wait_for(pilot, lambda: isinstance(app.screen, ConflictScreen) and app.screen.conflicts
                                and app.screen)
        table = screen.query_one("#conflict-fields")
        assert [str(v) for v in table.get_row_at(0)] == ["Reference", "Ours", "Theirs", "Keep ours"]
        await pilot.press("x", "ctrl+s")  # take Xero's
        await wait_for(pilot, lambda: isinstance(app.screen, SyncScreen))
        await wait_for(pilot, lambda: header(app) == "Synced just now", what="the pass after resolving")
        assert c.services.invoice(inv.id).reference == "Theirs"
        assert c.xero_invoices("TC-0103")[0]["Reference"] == "Theirs"
        assert c.services.sync.invoice_state(inv.id).state == "synced"
        assert header(app) == "Synced just now"


async def _unconfirmed(sandbox, xservices, xero_cfg):
    from tests.fixtures.sync import connect_business
    from tui.domain.business import BusinessDetails

    xservices.save_business(BusinessDetails(name="Harbour City Plumbing", email="accounts@hcp.example"))
    c = connect_business(sandbox, xservices, xero_cfg, confirm=False)
    clash = send(c.services, make_invoice(c.services, number="INV-0001",
                                          lines=(("Other job", "1", "1.00", "General Sales"),)))
    new = send(c.services, make_invoice(c.services, number="TC-0900"))
    return c, clash, new


async def test_first_sync_preview_escape_pushes_nothing(sandbox, xservices, xero_cfg):
    from tui.screens.sync.preview import FirstSyncPreviewScreen

    c, _, _ = await _unconfirmed(sandbox, xservices, xero_cfg)
    writes = c.writes()
    app = sync_app(c.services)
    async with app.run_test(size=SIZE) as pilot:
        await startup_pass(pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, FirstSyncPreviewScreen) and app.screen.preview,
                       what="first-sync preview")
        text = screen_text(app)
        assert "Nothing has been sent yet" in text and "1 to create" in text and "1 clash" in text
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, FirstSyncPreviewScreen))
        await next_pass(pilot)
        assert not isinstance(app.screen, FirstSyncPreviewScreen)  # offered once, not at every pass
        assert "first sync needs review" in header(app)
    assert c.writes() == writes and c.xero_invoices("TC-0900") == []


async def test_first_sync_preview_confirm_syncs(sandbox, xservices, xero_cfg):
    from tui.screens.sync.preview import FirstSyncPreviewScreen

    c, clash, _ = await _unconfirmed(sandbox, xservices, xero_cfg)
    app = sync_app(c.services)
    async with app.run_test(size=SIZE) as pilot:
        await startup_pass(pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, FirstSyncPreviewScreen) and app.screen.preview)
        await pilot.click("#preview-sync-from")
        await pilot.press(*"01/01/2020", "enter")
        await wait_for(pilot, lambda: app.screen.preview and app.screen.preview.sync_from is not None)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: c.xero_invoices("TC-0900"), what="created after confirming")
        await wait_for(pilot, lambda: header(app) == "1 sync error · 1 pending · Synced just now", what="header")
        assert len(c.xero_invoices("INV-0001")) == 1  # the clash is reported, never duplicated
        assert c.services.sync.invoice_state(clash.id).error_code == "number_clash"
        assert [e.message for e in c.services.sync.log() if e.message.startswith("First sync")] == [
            f"First sync confirmed by {c.services.user}: 1 to create, 0 linked, 1 clashing, 0 left out"]


async def test_first_sync_review_waits_until_the_user_is_back_on_todo(sandbox, xservices, xero_cfg):
    """A pass that needs the review never pushes a screen over one the user is working in."""
    from tui.screens.settings.screen import SettingsScreen
    from tui.screens.sync.preview import FirstSyncPreviewScreen
    from tui.screens.todo import TodoScreen

    app = sync_app(xservices)
    async with app.run_test(size=SIZE) as pilot:
        await startup_pass(pilot)  # not connected yet
        app.show_settings()
        await wait_for(pilot, lambda: isinstance(app.screen, SettingsScreen))
        c, _, _ = await _unconfirmed(sandbox, xservices, xero_cfg)
        await next_pass(pilot)
        assert isinstance(app.screen, SettingsScreen)
        assert any("first sync waits for your review" in n.message for n in app._notifications)
        assert "first sync needs review" in header(app)
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, FirstSyncPreviewScreen) and app.screen.preview,
                       what="the review, once back on To Do")
        assert "1 clash" in screen_text(app)
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, TodoScreen))
        await next_pass(pilot)
        assert isinstance(app.screen, TodoScreen)  # offered once
    assert c.xero_invoices("TC-0900") == []


async def test_number_clash_renumbered_from_the_sync_screen(connected):
    from tui.screens.sync.screen import SyncScreen
    from tui.widgets.prompt_modal import PromptModal

    c = connected
    inv = send(c.services, make_invoice(c.services, number="INV-0001"))
    app = sync_app(c.services)
    async with app.run_test(size=SIZE) as pilot:
        await startup_pass(pilot)
        await wait_for(pilot, lambda: _todo_line(app, "INV-0001").endswith("Renumber"), what="the To Do row")
        app.goto("sync")
        await wait_for(pilot, lambda: isinstance(app.screen, SyncScreen) and app.screen.view)
        assert "Number taken in Xero" in screen_text(app)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, PromptModal))
        await pilot.press(*"TC-0555", "enter")
        await wait_for(pilot, lambda: c.xero_invoices("TC-0555"), what="renumbered invoice pushed")
        assert c.services.invoice(inv.id).number == "TC-0555"


async def test_sync_now_on_the_sync_screen_says_when_the_pass_is_done(connected):
    from tui.screens.sync.screen import SyncScreen

    c = connected
    app = sync_app(c.services)
    async with app.run_test(size=SIZE) as pilot:
        await startup_pass(pilot)
        app.goto("sync")
        await wait_for(pilot, lambda: isinstance(app.screen, SyncScreen) and app.screen.view)
        send(c.services, make_invoice(c.services, number="TC-0321"))
        done = app.sync_scheduler.passes
        await pilot.press("s")  # says "Syncing…" until the pass ends
        await wait_for(pilot, lambda: app.sync_scheduler.passes > done, what="the pass")
        await wait_for(pilot, lambda: "Sync finished: Synced just now" in screen_text(app), what="the message")
        assert "Syncing…" not in screen_text(app)
    assert len(c.xero_invoices("TC-0321")) == 1


async def test_revoked_connection_turns_the_header_red(connected):
    c = connected
    send(c.services, make_invoice(c.services, number="TC-0104"))
    c.sb.control.revoke_connection()
    app = sync_app(c.services)
    async with app.run_test(size=SIZE) as pilot:
        await startup_pass(pilot)
        assert header(app) == "Xero disconnected" and header_is_red(app)
        assert "Xero disconnected" in screen_text(app)
    assert c.xero_invoices("TC-0104") == []


async def test_contact_name_clash_linked_from_the_sync_screen(connected):
    from tui.screens.sync.screen import SyncScreen
    from tui.widgets.confirm_modal import ConfirmModal

    c = connected
    send(c.services, make_invoice(c.services, customer_name="Boom FM", email="someone.else@example.com",
                                  number="TC-0400"))
    [boom] = c.xero_contacts("Boom FM")
    before = len(c.xero_contacts())
    app = sync_app(c.services)
    async with app.run_test(size=SIZE) as pilot:
        await startup_pass(pilot)
        app.goto("sync")
        screen = await wait_for(pilot, lambda: isinstance(app.screen, SyncScreen) and app.screen.view and app.screen)
        assert "Name taken in Xero: Enter to link" in screen_text(app)
        screen.query_one("#sync-problems").highlighted = next(
            i for i, p in enumerate(screen.view.problems) if p.code == "name_clash")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), what="link question")
        assert "someone.else@example.com" not in screen_text(app)  # Xero's contact's own address is shown
        await pilot.press("y")
        await wait_for(pilot, lambda: c.xero_invoices("TC-0400"), what="invoice pushed to the linked contact")
    assert c.xero_invoices("TC-0400")[0]["Contact"]["ContactID"] == boom["ContactID"]
    assert len(c.xero_contacts()) == before


async def test_demo_first_sync_sends_its_invoices_and_a_sent_draft_follows_in_one_pass(sandbox, xservices, xero_cfg):
    """The demo business against the demo company: no preview to untangle, its sent invoices go straight up."""
    from tests.fixtures.sync import connect_business
    from tui.demo_data import seed_demo
    from tui.screens.sync.preview import FirstSyncPreviewScreen

    seed_demo(xservices)
    c = connect_business(sandbox, xservices, xero_cfg, confirm=False)
    app = sync_app(c.services)
    async with app.run_test(size=SIZE) as pilot:
        await startup_pass(pilot)  # the start-up pass is the first sync
        assert not isinstance(app.screen, FirstSyncPreviewScreen)
        assert header(app) == "Synced just now" and not header_is_red(app)
        sent = {n: c.xero_invoices(n) for n in ("INV-0101", "INV-0102", "INV-0103", "INV-0104", "INV-0105")}
        assert {n: len(found) for n, found in sent.items()} == {
            "INV-0101": 1, "INV-0102": 1, "INV-0103": 0, "INV-0104": 1, "INV-0105": 1}  # 0103 was paid before
        assert c.xero_invoices("INV-0106") == []  # drafts stay here
        assert [e.message for e in c.services.sync.log() if e.message.startswith("First sync")] == [
            "First sync started: nothing in Xero needed a review; 4 to create, 0 linked, 0 clashing, 0 left out"]
        assert len(c.xero_invoices()) == 5 + 4  # the demo company's own five, and ours

        send(c.services, c.services.invoice(_invoice_id(c.services, "INV-0106")))
        await next_pass(pilot)  # the pass a send asks for
        created = c.xero_invoices("INV-0106")
        assert len(created) == 1 and created[0]["Status"] == "AUTHORISED" and created[0]["SentToContact"] is True


def _todo_line(app, number: str) -> str:
    """The first To Do line with that invoice number (the Sync problems group comes first)."""
    return next((line.rstrip() for line in screen_text(app).splitlines() if number in line), "")


def _invoice_id(services, number: str) -> int:
    from sqlmodel import select

    from tui.store.tables import InvoiceRow

    with services.session() as s:
        return s.exec(select(InvoiceRow.id).where(InvoiceRow.number == number)).one()


async def test_a_record_xero_fails_on_shows_its_next_try(connected):
    from tests.conftest import FIXED_NOW
    from tui.screens.sync.screen import SyncScreen

    c = connected
    send(c.services, make_invoice(c.services, number="TC-0230"))
    c.sb.control.inject("500", 5, path="/api.xro/2.0/invoices", methods=["POST"])
    assert not c.sync(now=lambda: FIXED_NOW).ok
    app = sync_app(c.services)
    async with app.run_test(size=SIZE) as pilot:
        await startup_pass(pilot)  # the record waits: this pass leaves it alone
        app.goto("sync")
        await wait_for(pilot, lambda: isinstance(app.screen, SyncScreen) and app.screen.view, what="Sync screen")
        text = screen_text(app)
        assert "TC-0230 Olivia Nguyen  Xero failed on it" in text
        assert "Xero had a problem (HTTP 500); sync will try again later." in text
        assert "Next try 25/11 10:01" in text  # a minute after the failure, in the business's time zone
        assert c.requests().get("POST /api.xro/2.0/invoices") == 5
        await pilot.press("r")  # Retry: now, not at the next try
        await wait_for(pilot, lambda: c.xero_invoices("TC-0230"), what="sent on Retry")
        await wait_for(pilot, lambda: "Nothing: every change reached Xero." in screen_text(app))
