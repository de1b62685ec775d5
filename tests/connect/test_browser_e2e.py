"""End to end with a real headless Chromium: the app under Pilot, the browser at the URL the app shows, the
sandbox's login and "Xero Organisational Data" pages, and the redirect back to the app's loopback listener."""

from __future__ import annotations

import asyncio

import pytest

from tests.connect.helpers import connect_second_organisation, screen_text, wait_for

pytestmark = pytest.mark.browser


def app_for(services):
    from tui.app import TradieApp

    return TradieApp(services)


async def open_connect_modal(pilot):
    from tui.screens.xero.connect import ConnectScreen

    app = pilot.app
    await pilot.press("s", "i")  # To Do -> Settings -> Integrations
    await wait_for(pilot, lambda: "Available Connections" in screen_text(app) and "Xero" in screen_text(app))
    await pilot.press("enter")  # Xero: Connect
    modal = await wait_for(pilot, lambda: isinstance(app.screen, ConnectScreen) and app.screen.started
                           and app.screen, what="the waiting modal")
    shown = screen_text(app).replace("\n", "")
    assert modal.started.url in shown  # the link the user opens is the one on screen
    return modal.started.url


async def browser(chromium, sandbox, url, **kw):
    return await asyncio.to_thread(chromium, url, sandbox.login_email, sandbox.login_password, **kw)


async def test_connect_allow_access_shows_xero_screen(xservices, sandbox, chromium):
    from tui.screens.xero.screen import XeroScreen
    from tui.screens.xero.orgs import OrganisationsScreen

    app = app_for(xservices)
    async with app.run_test(size=(100, 32)) as pilot:
        url = await open_connect_modal(pilot)
        final = await browser(chromium, sandbox, url)
        assert "/callback" in final
        await wait_for(pilot, lambda: isinstance(app.screen, OrganisationsScreen), what="Ok, let's go")
        assert "Ok, let's go" in screen_text(app)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, XeroScreen) and app.screen.overview, what="Xero")
        text = screen_text(app)
        assert "Demo Company (AU)" in text and "Connected" in text and "Revenue Accounts" in text
    assert xservices.connection.overview().organisation == "Demo Company (AU)"


async def test_cancel_on_consent_page_changes_nothing(xservices, sandbox, chromium):
    from tui.screens.settings.integrations import IntegrationsScreen
    from tui.screens.xero.connect import ConnectScreen

    app = app_for(xservices)
    async with app.run_test(size=(100, 32)) as pilot:
        url = await open_connect_modal(pilot)
        await browser(chromium, sandbox, url, decision="cancel")
        await wait_for(pilot, lambda: "Access was not allowed" in screen_text(app), what="access denied")
        assert isinstance(app.screen, ConnectScreen)
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, IntegrationsScreen))
        assert "Not connected" in screen_text(app)
    assert xservices.connection.overview().state == "not connected"


async def test_paste_back_of_the_redirect_address(xservices, sandbox, chromium):
    from textual.widgets import Input

    from tui.screens.xero.orgs import OrganisationsScreen

    app = app_for(xservices)
    async with app.run_test(size=(100, 32)) as pilot:
        url = await open_connect_modal(pilot)
        redirect = await browser(chromium, sandbox, url, capture_callback=True)
        assert "code=" in redirect
        field = app.screen.query_one("#connect-paste", Input)
        assert field.password  # the address holds the one-time code: never shown
        field.focus()
        field.insert_text_at_cursor(redirect)  # as a terminal paste does
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, OrganisationsScreen), what="organisations")
        await pilot.press("enter")
        await wait_for(pilot, lambda: xservices.connection.overview().state == "connected", what="stored")


async def test_two_organisations_picker(xservices, sandbox, chromium):
    from tui.screens.xero.screen import XeroScreen
    from tui.screens.xero.orgs import OrganisationsScreen

    connect_second_organisation(sandbox)
    app = app_for(xservices)
    async with app.run_test(size=(100, 32)) as pilot:
        url = await open_connect_modal(pilot)
        await browser(chromium, sandbox, url)
        await wait_for(pilot, lambda: isinstance(app.screen, OrganisationsScreen), what="picker")
        text = screen_text(app)
        assert "Choose your Xero organisation" in text
        assert "Demo Company (AU)" in text and "Smith Plumbing & Gas Pty Ltd" in text
        names = [o.name for o in app.screen.pending.organisations]
        await pilot.press(*(["down"] * names.index("Smith Plumbing & Gas Pty Ltd")), "enter", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, XeroScreen) and app.screen.overview, what="Xero")
        assert "Smith Plumbing & Gas Pty Ltd" in screen_text(app)
    assert xservices.connection.overview().organisation == "Smith Plumbing & Gas Pty Ltd"


async def test_reconnect_after_revoke_keeps_tenant_and_mappings(xservices, xero, sandbox, chromium):
    from tui.screens.settings.integrations import IntegrationsScreen
    from tui.screens.xero.screen import XeroScreen
    from tui.screens.xero.connect import ConnectScreen
    from tui.screens.xero.orgs import OrganisationsScreen

    app = app_for(xservices)
    async with app.run_test(size=(100, 32)) as pilot:
        url = await open_connect_modal(pilot)
        await browser(chromium, sandbox, url)
        await wait_for(pilot, lambda: isinstance(app.screen, OrganisationsScreen))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, XeroScreen) and app.screen.overview)
        tenant = xero.overview().tenant_id
        labour = next(a for a in await asyncio.to_thread(xero.chart_of_accounts) if a.code == "210")
        await asyncio.to_thread(xero.save_mapping, "Labour", labour)

        sandbox.control.revoke_connection()  # Disconnect in Xero's Connected Apps
        app.pop_screen()  # back to Integrations
        await wait_for(pilot, lambda: isinstance(app.screen, IntegrationsScreen))
        app.screen.check_xero()
        await wait_for(pilot, lambda: "Disconnected" in screen_text(app), what="red Disconnected")
        assert "Select Xero to reconnect" in screen_text(app)
        await pilot.press("enter")  # Xero
        await wait_for(pilot, lambda: isinstance(app.screen, XeroScreen) and app.screen.overview
                       and "Continue" in screen_text(app), what="Continue")
        await pilot.press("c")
        modal = await wait_for(pilot, lambda: isinstance(app.screen, ConnectScreen) and app.screen.started
                               and app.screen)
        await browser(chromium, sandbox, modal.started.url)
        await wait_for(pilot, lambda: isinstance(app.screen, OrganisationsScreen))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, XeroScreen) and app.screen.overview
                       and app.screen.overview.state == "connected", what="connected again")
        assert "210 Labour Income" in screen_text(app)
    overview = xero.overview()
    assert overview.tenant_id == tenant
    assert {m.category: m.code for m in overview.mappings}["Labour"] == "210"
