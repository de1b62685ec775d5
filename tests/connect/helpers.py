"""Shared steps for the connect tests: waiting on the app under Pilot, and connecting through the service."""

from __future__ import annotations

import asyncio
import threading
import time


async def wait_for(pilot, predicate, timeout: float = 20.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = predicate()
        except Exception:
            value = None
        if value:
            return value
        await pilot.pause(0.05)
    raise AssertionError(f"timed out waiting for {what}; screen is {pilot.app.screen!r}")


def screen_text(app) -> str:
    """Everything the current screen shows, as plain text (for assertions)."""
    from textual.widgets import Button, OptionList, Static

    parts = []
    for widget in app.screen.query("*"):
        if isinstance(widget, Static) and not isinstance(widget, Button):
            parts.append(str(widget.render()))
        elif isinstance(widget, OptionList):
            parts.extend(str(widget.get_option_at_index(i).prompt) for i in range(widget.option_count))
        elif isinstance(widget, Button):
            parts.append(str(widget.label))
    return "\n".join(parts)


def connect_service(xero, http_browser, organisation=None, choose=None, reviewed=True):
    """Connect through the service, the browser's part over plain HTTP (set-up for screen tests).

    ``reviewed``: and leave the Xero screen, as a user does after checking the revenue accounts (the sync
    waits until then)."""
    started = xero.start()
    location = http_browser.consent(started.url, organisation=organisation)
    code = xero.code_from_paste(started, location)
    pending = xero.finish(started, code)
    org = next(o for o in pending.organisations if o.name == (choose or organisation or o.name))
    overview = xero.choose(pending, org)
    return xero.accounts_reviewed() if reviewed else overview


async def http_consent_in_thread(http_browser, url, **kw):
    """Answer the consent over HTTP and follow the redirect to the app's listener, off the event loop."""

    def run():
        location = http_browser.consent(url, **kw)
        return http_browser.follow(location)

    return await asyncio.to_thread(run)


async def open_connect_dialog(pilot, what: str = "waiting modal"):
    """In the app: start Connect to Xero and wait for the dialog's sign-in, with the paste field focused."""
    from tests.fit import laid_out
    from tui.screens.xero.connect import ConnectScreen
    from tui.screens.xero.flow import start_connect_flow

    app = pilot.app
    before = app.screen
    start_connect_flow(app)
    modal = await wait_for(pilot, lambda: isinstance(app.screen, ConnectScreen) and app.screen is not before
                           and app.screen.started and app.screen, what=what)
    field = modal.query_one("#connect-paste")
    await wait_for(pilot, lambda: app.focused is field and laid_out(modal), what="the paste field focused")
    return modal


async def consent_to_picker(pilot, http_browser, **flow) -> None:
    """In the app: start Connect to Xero (``flow``: start_connect_flow's keywords), answer the consent in the
    browser, and wait for the organisation picker."""
    from tui.screens.xero.connect import ConnectScreen
    from tui.screens.xero.flow import start_connect_flow
    from tui.screens.xero.orgs import OrganisationsScreen

    app = pilot.app
    start_connect_flow(app, **flow)
    modal = await wait_for(pilot, lambda: isinstance(app.screen, ConnectScreen) and app.screen.started
                           and app.screen)
    await http_consent_in_thread(http_browser, modal.started.url)
    await wait_for(pilot, lambda: isinstance(app.screen, OrganisationsScreen), what="organisations")


def connect_second_organisation(sandbox):
    """Give the sandbox user an existing connection to the second organisation (an earlier consent)."""
    from tui.sandbox import oauth

    s = sandbox.state
    with s.lock:
        oauth.connect(s, client=s.pkce_client, user_id=s.login_user.user_id, tenant_ids=[sandbox.second_tenant_id],
                      scopes=["offline_access", "accounting.settings.read"], redirect_uri="", code_challenge="")


__all__ = ["connect_second_organisation", "connect_service", "consent_to_picker", "http_consent_in_thread",
           "open_connect_dialog", "screen_text", "wait_for", "threading"]
