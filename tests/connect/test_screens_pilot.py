"""The connect screens under Pilot against the sandbox (the browser's part over plain HTTP)."""

from __future__ import annotations

from tests.connect.helpers import (connect_service, consent_to_picker, http_consent_in_thread, open_connect_dialog,
                                   screen_text, wait_for)


def app_for(services):
    from tui.app import TradieApp

    return TradieApp(services)


async def test_connect_by_keyboard_then_update_persists_across_restart(xservices, http_browser, sandbox):
    from tui.screens.xero.account_picker import AccountPickerScreen
    from tui.screens.xero.screen import XeroScreen
    from tui.screens.xero.connect import ConnectScreen
    from tui.screens.xero.orgs import OrganisationsScreen

    app = app_for(xservices)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("s")
        await pilot.press("i")
        await wait_for(pilot, lambda: "Not connected" in screen_text(app), what="Integrations")
        await pilot.press("enter")
        modal = await wait_for(pilot, lambda: isinstance(app.screen, ConnectScreen) and app.screen.started
                               and app.screen, what="waiting modal")
        assert modal.started.url in screen_text(app).replace("\n", "")
        await http_consent_in_thread(http_browser, modal.started.url)
        await wait_for(pilot, lambda: isinstance(app.screen, OrganisationsScreen), what="organisations")
        assert "Demo Company (AU)" in screen_text(app)
        await pilot.press("enter")  # Ok, let's go
        await wait_for(pilot, lambda: isinstance(app.screen, XeroScreen) and app.screen.overview, what="Xero")
        await wait_for(pilot, lambda: "Checking" not in screen_text(app), what="checked")
        text = screen_text(app)
        assert "Demo Company (AU)" in text and "Connected" in text
        assert "General Sales" in text and "200 Sales" in text
        await pilot.press("down", "down", "enter")  # Labour
        picker = await wait_for(pilot, lambda: isinstance(app.screen, AccountPickerScreen) and app.screen.loaded
                                and app.screen, what="chart of accounts")
        assert picker.mapping.category == "Labour"
        await pilot.press(*"labour")
        assert [a.code for a in picker.shown] == ["210"]
        await pilot.press("enter")  # choose
        await pilot.press("enter")  # Update
        await wait_for(pilot, lambda: isinstance(app.screen, XeroScreen) and "210 Labour Income" in screen_text(app),
                       what="saved mapping")

    again = app_for(type(xservices)(xservices.cfg, now=xservices.now, user="sam"))
    async with again.run_test(size=(100, 32)) as pilot:
        from tui.screens.xero.flow import open_xero_screen

        open_xero_screen(again)
        await wait_for(pilot, lambda: "210 Labour Income" in screen_text(again), what="mapping after restart")


async def test_escape_in_picker_changes_nothing(xservices, xero, http_browser):
    from tui.screens.xero.account_picker import AccountPickerScreen
    from tui.screens.xero.screen import XeroScreen
    from tui.screens.xero.flow import open_xero_screen

    connect_service(xero, http_browser)
    app = app_for(xservices)
    async with app.run_test(size=(100, 32)) as pilot:
        open_xero_screen(app)
        await wait_for(pilot, lambda: isinstance(app.screen, XeroScreen) and app.screen.overview, what="Xero")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, AccountPickerScreen) and app.screen.loaded)
        await pilot.press(*"260", "enter", "escape")
        await wait_for(pilot, lambda: isinstance(app.screen, XeroScreen))
    assert {m.category: m.code for m in xero.overview().mappings}["General Sales"] == "200"


async def test_disconnect_asks_first_then_revokes(xservices, xero, http_browser, sandbox):
    from tui.screens.xero.screen import ConfirmScreen, XeroScreen
    from tui.screens.xero.flow import open_xero_screen

    connect_service(xero, http_browser)
    app = app_for(xservices)
    async with app.run_test(size=(100, 32)) as pilot:
        open_xero_screen(app)
        await wait_for(pilot, lambda: isinstance(app.screen, XeroScreen) and app.screen.overview)
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("escape")  # keep connected
        await wait_for(pilot, lambda: isinstance(app.screen, XeroScreen))
        assert xero.overview().state == "connected"
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("tab", "enter")  # Disconnect
        await wait_for(pilot, lambda: "Disconnected from Demo Company" in screen_text(app), what="disconnected")
    assert xero.overview().state == "not connected"
    assert not [c for c in sandbox.control.snapshot()["connections"] if c["clientId"] == sandbox.pkce_client_id]


async def test_missing_client_id_opens_setup_screen(xservices):
    from dataclasses import replace

    from tui.screens.xero.flow import start_connect_flow
    from tui.screens.xero.setup import XeroSetupScreen

    xservices.cfg = replace(xservices.cfg, xero=replace(xservices.cfg.xero, client_id=""))
    app = app_for(xservices)
    async with app.run_test(size=(100, 32)) as pilot:
        start_connect_flow(app)
        await wait_for(pilot, lambda: isinstance(app.screen, XeroSetupScreen) and "client_id" in screen_text(app))
        text = screen_text(app)
        assert f"http://localhost:{xservices.cfg.xero.redirect_port}/callback" in text
        assert "TRADIECORE_XERO_CLIENT_ID" in text and "client_id" in text


async def test_custom_connection_from_setup_screen(xservices, sandbox):
    from dataclasses import replace

    from tui.screens.xero.screen import XeroScreen
    from tui.screens.xero.flow import start_connect_flow
    from tui.screens.xero.orgs import OrganisationsScreen

    xservices.cfg = replace(xservices.cfg, xero=replace(xservices.cfg.xero, client_id=""))
    app = app_for(xservices)
    async with app.run_test(size=(100, 32)) as pilot:
        start_connect_flow(app)
        await wait_for(pilot, lambda: app.screen.query("#custom-client-id"))
        app.screen.query_one("#custom-client-id").value = sandbox.custom_client_id
        await pilot.click("#custom-client-secret")
        app.screen.query_one("#custom-client-secret").value = sandbox.custom_client_secret
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, OrganisationsScreen), what="organisations")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, XeroScreen) and app.screen.overview
                       and app.screen.overview.state == "connected", what="Xero screen")
        assert "Custom connection" in screen_text(app)
        # Connect to Xero again (e.g. from the command palette): no browser for a custom connection
        start_connect_flow(app)
        await wait_for(pilot, lambda: isinstance(app.screen, OrganisationsScreen), what="organisations again")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, XeroScreen) and app.screen.overview
                       and app.screen.overview.state == "connected", what="Xero screen again")


async def test_reconnect_to_another_organisation_is_refused(xservices, xero, http_browser, sandbox):
    from tui.screens.xero.connect import ConnectScreen
    from tui.screens.xero.flow import start_connect_flow
    from tui.screens.xero.orgs import OrganisationsScreen

    first = connect_service(xero, http_browser)
    sandbox.control.revoke_connection()
    assert xero.check().state == "disconnected"
    app = app_for(xservices)
    async with app.run_test(size=(100, 32)) as pilot:
        start_connect_flow(app)
        modal = await wait_for(pilot, lambda: isinstance(app.screen, ConnectScreen) and app.screen.started
                               and app.screen)
        assert "Reconnect Demo Company (AU)" in modal.query_one("#connect-dialog").border_title
        await http_consent_in_thread(http_browser, modal.started.url, organisation="Smith Plumbing & Gas Pty Ltd")
        await wait_for(pilot, lambda: isinstance(app.screen, OrganisationsScreen))
        await pilot.press("enter")
        await wait_for(pilot, lambda: "Nothing was changed" in screen_text(app), what="refusal")
        assert "You chose Smith Plumbing & Gas Pty Ltd" in screen_text(app)
    overview = xero.overview()
    assert overview.state == "disconnected" and overview.tenant_id == first.tenant_id


async def test_leaving_the_organisation_picker_removes_the_new_connection(xservices, xero, http_browser, sandbox):
    from tui.screens.settings.integrations import IntegrationsScreen

    def ours():
        return [c for c in sandbox.control.snapshot()["connections"] if c["clientId"] == sandbox.pkce_client_id]

    app = app_for(xservices)
    async with app.run_test(size=(100, 32)) as pilot:
        app.goto("integrations")
        await wait_for(pilot, lambda: isinstance(app.screen, IntegrationsScreen))
        await consent_to_picker(pilot, http_browser)
        assert len(ours()) == 1  # Xero recorded the consent
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, IntegrationsScreen))
        await app.workers.wait_for_complete()
        await wait_for(pilot, lambda: ours() == [], what="the unused connection removed")
    assert xero.overview().state == "not connected"


async def test_waiting_modal_times_out_with_a_message(xservices, xero):
    from tui.screens.xero.flow import start_connect_flow

    xero.wait_timeout = 0.3
    app = app_for(xservices)
    async with app.run_test(size=(100, 32)) as pilot:
        start_connect_flow(app)
        await wait_for(pilot, lambda: "No answer came back from Xero" in screen_text(app), what="timeout")


async def test_command_palette_opens_xero_account_preferences(xservices, xero, http_browser):
    from tui.screens.xero.screen import XeroScreen

    connect_service(xero, http_browser)
    app = app_for(xservices)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause(0.2)
        await pilot.press(*"Xero account preferences")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, XeroScreen) and app.screen.overview, what="Xero")
        assert "Demo Company (AU)" in screen_text(app)


async def test_chart_of_accounts_says_why_it_is_empty(xservices, xero, http_browser, sandbox):
    from tui.screens.xero.account_picker import AccountPickerScreen
    from tui.screens.xero.screen import XeroScreen
    from tui.screens.xero.flow import open_xero_screen

    connect_service(xero, http_browser)
    for code in ("200", "210", "220", "260", "270"):
        sandbox.control.archive_account(code)
    app = app_for(xservices)
    async with app.run_test(size=(100, 32)) as pilot:
        open_xero_screen(app)
        await wait_for(pilot, lambda: isinstance(app.screen, XeroScreen) and app.screen.overview
                       and "archived in Xero" in screen_text(app), what="archived flag")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, AccountPickerScreen) and app.screen.loaded)
        assert "no active revenue accounts" in screen_text(app)
        await pilot.press("ctrl+s")  # Update with nothing to choose: says so, saves nothing
        await wait_for(pilot, lambda: "Choose an account first" in screen_text(app))


async def test_pasted_address_elsewhere_than_the_redirect_uri_is_refused_in_the_dialog(xservices, http_browser):
    """Only an address on the registered redirect URI is taken; the dialog says what was refused, and the
    genuine address still works afterwards."""
    import asyncio
    from urllib.parse import urlsplit

    from textual.widgets import Input

    from tui.screens.xero.connect import ConnectScreen
    from tui.screens.xero.flow import start_connect_flow
    from tui.screens.xero.orgs import OrganisationsScreen

    app = app_for(xservices)
    async with app.run_test(size=(100, 32)) as pilot:
        start_connect_flow(app)
        modal = await wait_for(pilot, lambda: isinstance(app.screen, ConnectScreen) and app.screen.started
                               and app.screen, what="waiting modal")
        location = await asyncio.to_thread(http_browser.consent, modal.started.url)
        genuine = urlsplit(location)
        registered = f"http://localhost:{genuine.port}/callback"
        assert location.startswith(registered + "?")
        field = app.screen.query_one("#connect-paste", Input)
        for elsewhere in (f"http://127.0.0.1:{genuine.port}/callback", f"https://localhost:{genuine.port}/callback",
                          f"http://evil.example:{genuine.port}/callback", f"http://localhost:{genuine.port}/x"):
            field.focus()
            field.insert_text_at_cursor(location.replace(registered, elsewhere))
            await pilot.press("enter")
            await wait_for(pilot, lambda: f"That address goes to {elsewhere}, not to {registered}"
                           in screen_text(app).replace("\n", ""), what=f"refusal of {elsewhere}")
            assert "code=" not in screen_text(app)
            assert isinstance(app.screen, ConnectScreen)
        field.focus()
        field.insert_text_at_cursor(location)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, OrganisationsScreen), what="organisations")


async def test_the_dialog_opens_with_the_paste_field_focused_at_80x24(xservices, xero, http_browser):
    """"Paste it here": the first thing typed or pasted lands in the field, with no click or Tab first; Enter on
    an empty field says what to do instead of doing nothing, and an answer that comes to nothing leaves Close
    focused."""
    import asyncio

    from textual.widgets import Button

    from tui.screens.xero.connect import ConnectScreen
    from tui.screens.xero.flow import start_connect_flow
    from tui.screens.xero.orgs import OrganisationsScreen

    app = app_for(xservices)
    async with app.run_test(size=(80, 24)) as pilot:
        modal = await open_connect_dialog(pilot)
        await pilot.press("enter")
        await wait_for(pilot, lambda: "Paste the whole address from the browser's address bar first"
                       in screen_text(app).replace("\n", " "), what="the empty paste refused")
        assert isinstance(app.screen, ConnectScreen)
        location = await asyncio.to_thread(http_browser.consent, modal.started.url)
        app.focused.insert_text_at_cursor(location)  # a paste, straight into the focused field
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, OrganisationsScreen), what="organisations")

    xero.wait_timeout = 0.3  # no answer comes back from Xero
    app = app_for(xservices)
    async with app.run_test(size=(80, 24)) as pilot:
        start_connect_flow(app)
        await wait_for(pilot, lambda: "No answer came back from Xero" in screen_text(app), what="timeout")
        modal = app.screen
        close = modal.query_one("#connect-cancel", Button)
        assert str(close.label) == "Close"
        await wait_for(pilot, lambda: app.focused is close, what="Close focused")
        await pilot.press("enter")
        await wait_for(pilot, lambda: not isinstance(app.screen, ConnectScreen), what="the dialog closed")


async def test_a_stale_pasted_address_is_refused_and_the_same_sign_in_still_finishes(xservices, http_browser, sandbox):
    """The answer to an earlier, cancelled sign-in pasted into a new one: the dialog says it is not this sign-in's
    and keeps waiting (nothing is exchanged at Xero, the listener stays up), and this sign-in then finishes
    through the listener as the message promised."""
    import asyncio
    from urllib.parse import parse_qs, urlsplit

    from textual.widgets import Button, Input

    from tui.sandbox.oauth import digest
    from tui.screens.xero.connect import ConnectScreen
    from tui.screens.xero.orgs import OrganisationsScreen

    app = app_for(xservices)
    async with app.run_test(size=(80, 24)) as pilot:
        first = await open_connect_dialog(pilot, what="the first sign-in")
        stale = await asyncio.to_thread(http_browser.consent, first.started.url)
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, ConnectScreen), what="the first sign-in cancelled")

        modal = await open_connect_dialog(pilot, what="the second sign-in")
        field = modal.query_one("#connect-paste", Input)
        field.insert_text_at_cursor(stale)
        await pilot.press("enter")
        await wait_for(pilot, lambda: "answer to another sign-in" in screen_text(app).replace("\n", " "),
                       what="the stale address refused")
        said = screen_text(app).replace("\n", " ")
        assert "tradiecore keeps waiting" in said and "Start Connect to Xero again" not in said
        assert "code=" not in said
        assert str(modal.query_one("#connect-cancel", Button).label) == "Cancel" and app.focused is field
        stale_code = parse_qs(urlsplit(stale).query)["code"][0]
        with sandbox.state.lock:
            assert not sandbox.state.codes[digest(stale_code)].used  # never sent to Xero

        answer = await http_consent_in_thread(http_browser, modal.started.url)  # this sign-in, through the listener
        assert answer.status_code == 200
        await wait_for(pilot, lambda: isinstance(app.screen, OrganisationsScreen), what="organisations")


def _hyperlinked_lines(app, widget) -> list[str]:
    """Each line of ``widget`` as the terminal receives it, for those that carry an OSC 8 hyperlink."""
    lines = [widget.render_line(y).render(app.console) for y in range(widget.size.height)]
    return [line for line in lines if "\x1b]8;" in line]


async def test_the_link_is_a_hyperlink_copy_keeps_it_and_link_alone_shows_nothing_else(xservices, monkeypatch):
    """At 80x24 over SSH: every line of the wrapped link is an OSC 8 hyperlink to the whole URL; Copy link puts it
    on the clipboard (OSC 52) and says so in view; Ctrl+L shows the bare URL from the top left corner of an
    otherwise empty screen, and Escape goes back to the waiting dialog."""
    from textual.widgets import Input, Static

    from tests.fit import assert_focusables_on_screen
    from tui.screens.xero.connect import LinkScreen

    monkeypatch.setenv("SSH_CONNECTION", "192.0.2.7 50122 192.0.2.10 22")
    app = app_for(xservices)
    async with app.run_test(size=(80, 24)) as pilot:
        modal = await open_connect_dialog(pilot)
        url = modal.started.url
        link = modal.query_one("#connect-url", Static)
        await wait_for(pilot, lambda: link.size.height > 1, what="the link wrapped")
        lines = _hyperlinked_lines(app, link)
        assert len(lines) == link.size.height  # every line of it
        assert all(f";{url}\x1b\\" in line for line in lines)

        await pilot.press("ctrl+y")
        await wait_for(pilot, lambda: "Link copied" in screen_text(app), what="copied")
        assert app.clipboard == url
        assert_focusables_on_screen(app)

        await pilot.press("ctrl+l")
        alone = await wait_for(pilot, lambda: isinstance(app.screen, LinkScreen) and app.screen, what="link alone")
        shown = alone.query_one("#link-alone", Static)
        await wait_for(pilot, lambda: shown.region.height > 1, what="the bare link laid out")
        assert [w for w in alone.query("*") if w.display] == [shown]
        assert shown.region.offset == (0, 0) and shown.region.width == 80
        text = ["".join(s.text for s in shown.render_line(y)) for y in range(shown.region.height)]
        assert "".join(line.rstrip() for line in text) == url  # no border, no padding, nothing else
        assert all(f";{url}\x1b\\" in line for line in _hyperlinked_lines(app, shown))

        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is modal, what="back at the dialog")
        await wait_for(pilot, lambda: app.focused is modal.query_one("#connect-paste", Input), what="paste field")
