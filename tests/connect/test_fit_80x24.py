"""Connect to Xero at 80x24: what has the focus, and every button, is in view, against the sandbox over HTTP."""

from __future__ import annotations

import asyncio

import pytest
from textual.app import App
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Button, Input, OptionList, Static

from tests.connect.helpers import connect_service, consent_to_picker, open_connect_dialog, screen_text, wait_for
from tests.fit import assert_focusables_on_screen, in_view, laid_out

SSH = "192.0.2.7 50122 192.0.2.10 22"


class _Overflowing(App):
    CSS = ("Screen { overflow: hidden; } #scroll { height: 9; } #bar { dock: bottom; height: 3; } "
           "Button { height: 1; border: none; }")

    def compose(self):
        with VerticalScroll(id="scroll"):
            yield from (Static(f"line {i}") for i in range(8))
            yield Button("Under the bar", id="under")
            yield from (Static(f"more {i}") for i in range(20))
            with Vertical(id="bar"):
                yield Button("In the bar", id="in-bar")
        yield Button("Below the screen", id="below")


async def test_the_fit_check_finds_buttons_under_a_docked_bar_and_below_the_screen():
    app = _Overflowing()
    async with app.run_test(size=(40, 9)) as pilot:
        app.query_one("#scroll").scroll_to(y=1, animate=False)  # the button scrolled to where the bar covers it
        app.set_focus(app.query_one("#under"), scroll_visible=False)
        await pilot.pause()
        with pytest.raises(AssertionError) as info:
            assert_focusables_on_screen(app)
    problems = str(info.value)
    assert "Button#under" in problems and "Button#below" in problems and "in-bar" not in problems


@pytest.mark.parametrize("where", ["ssh", "no display", "desktop"])
async def test_the_connect_dialog_fits_at_80x24(where, xservices, http_browser, monkeypatch):
    """The link, the focused paste field, the ssh -L line (over SSH), the feedback line and the buttons are all in
    view, before and after a refused paste, and when Close takes the focus."""
    from tui.app import TradieApp
    from tui.screens.xero.connect import ConnectScreen

    if where == "ssh":
        monkeypatch.setenv("SSH_CONNECTION", SSH)
    xero = xservices.connection
    opened: list[str] = []
    app = TradieApp(xservices)
    if where == "desktop":
        xero.open_browser = True
        monkeypatch.setattr(app, "open_url", opened.append)  # no browser is started by a test
    async with app.run_test(size=(80, 24)) as pilot:
        modal = await open_connect_dialog(pilot)
        field = modal.query_one("#connect-paste", Input)
        assert_focusables_on_screen(app)
        assert in_view(modal.query_one("#connect-url")) and in_view(modal.query_one("#connect-message"))
        assert modal.started.url in screen_text(app).replace("\n", "")
        command = modal.query_one("#connect-ssh-command", Static)
        assert command.display == (where != "desktop")  # no browser here: the laptop's browser needs the tunnel
        if command.display:
            assert in_view(modal.query_one("#connect-ssh-command"))
            assert str(command.render()).startswith("ssh -L")
        if where == "ssh":
            assert str(command.render()).endswith("@192.0.2.10")
        assert modal.query_one("#connect-open").display == (where == "desktop")
        assert opened == ([modal.started.url] if where == "desktop" else [])

        stale = await asyncio.to_thread(http_browser.consent, modal.started.url.replace(
            modal.started.url.split("state=")[1].split("&")[0], "not-this-sign-in"))
        field.insert_text_at_cursor(stale)
        await pilot.press("enter")
        message = modal.query_one("#connect-message", Static)
        await wait_for(pilot, lambda: "keeps waiting" in screen_text(app)
                       and app.screen.find_widget(message).region.height >= 2, what="the refusal laid out")
        assert app.focused is field
        assert_focusables_on_screen(app)
        assert in_view(modal.query_one("#connect-message"))

        modal.failed(RuntimeError("Xero did not answer."))  # the wait ends: Close takes the focus
        close = modal.query_one("#connect-cancel", Button)
        await wait_for(pilot, lambda: app.focused is close and app.screen.find_widget(message).region.height == 1,
                       what="Close focused, the one-line message laid out")
        assert_focusables_on_screen(app)
        await pilot.press("enter")
        await wait_for(pilot, lambda: not isinstance(app.screen, ConnectScreen), what="the dialog closed")


@pytest.mark.parametrize("where", ["no display", "ssh"])
async def test_the_demos_connect_dialog_shows_all_its_text_at_80x24(where, xservices, sandbox, monkeypatch):
    """tradiecore demo adds the sandbox's login: still nothing of the instructions (the ssh -L line and what to do
    through a jump host) is scrolled out of sight behind the paste field."""
    from dataclasses import replace

    from tui.app import TradieApp

    if where == "ssh":
        monkeypatch.setenv("SSH_CONNECTION", SSH)
    xservices.cfg = replace(xservices.cfg, demo_login=(sandbox.login_email, sandbox.login_password))
    app = TradieApp(xservices)
    async with app.run_test(size=(80, 24)) as pilot:
        modal = await open_connect_dialog(pilot)
        assert "Demo: log in to the sandbox as" in screen_text(app)
        note = modal.query_one("#connect-ssh-note", Static)
        assert note.display and "jump host" in str(note.render())
        dialog = modal.query_one("#connect-dialog")
        assert dialog.max_scroll_y == 0, dialog.virtual_size
        for part in ("#connect-status", "#connect-url", "#connect-ssh-command", "#connect-ssh-note"):
            assert in_view(modal.query_one(part)), part
        assert_focusables_on_screen(app)


async def test_the_organisation_picker_fits_at_80x24(xservices, http_browser, sandbox):
    from tui.app import TradieApp

    app = TradieApp(xservices)
    async with app.run_test(size=(80, 24)) as pilot:
        await consent_to_picker(pilot, http_browser)
        await wait_for(pilot, lambda: "Demo Company (AU)" in screen_text(app) and laid_out(app.screen),
                       what="organisations laid out")
        assert_focusables_on_screen(app)


async def _xero_screen(pilot, xservices, http_browser, reviewed=True):
    from tui.screens.xero.screen import XeroScreen
    from tui.screens.xero.flow import open_xero_screen

    await asyncio.to_thread(connect_service, xservices.connection, http_browser, reviewed=reviewed)
    open_xero_screen(pilot.app)
    screen = await wait_for(pilot, lambda: isinstance(pilot.app.screen, XeroScreen) and pilot.app.screen)
    await wait_for(pilot, lambda: screen.query_one("#revenue-accounts", OptionList).option_count and laid_out(screen),
                   what="the revenue accounts")
    return screen


def _no_screen_scroll(app) -> None:
    """The screen itself does not scroll: what does not fit scrolls inside its own list."""
    assert app.screen.max_scroll_y == 0 and app.screen.max_scroll_x == 0, app.screen.virtual_size


@pytest.mark.parametrize("reviewed", [False, True], ids=["new connection", "reviewed"])
async def test_the_xero_screen_fits_at_80x24(reviewed, xservices, http_browser):
    """Just connected (the first sync waits for the revenue accounts), and later. With Payment Accounts under the
    Revenue Accounts the screen scrolls at 80x24: every list and button can be scrolled to, the focused one is in
    view."""
    from tui.app import TradieApp

    app = TradieApp(xservices)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _xero_screen(pilot, xservices, http_browser, reviewed)
        assert "General Sales" in screen_text(app)
        assert screen.query_one("#xero-first-sync").display == (not reviewed)
        assert_focusables_on_screen(app)


def add_revenue_accounts(sandbox, count: int) -> None:
    """A longer chart than the demo's: ``count`` more revenue accounts, as a busy business keeps."""
    import dataclasses

    from tui.sandbox.journal import Journal

    s = sandbox.state
    with s.lock:
        org = s.organisation(None)
        sales = org.account_by_code("200")
        for n in range(count):
            account = dataclasses.replace(sales, account_id=f"00000000-0000-4000-8000-{n:012d}", code=f"2{n + 30}",
                                          name=f"Sales, region {n + 1}", system_account="")
            Journal(org).put("accounts", account.account_id, account)
        s.changed()


@pytest.mark.parametrize("typed", ["", "income", "no such account"])
async def test_the_chart_of_accounts_fits_at_80x24(typed, xservices, http_browser, sandbox):
    """The filter, the list (scrolling inside itself), what is chosen, the buttons and the message all in view:
    the whole chart, a filtered few, none; and with an account chosen (Update focused)."""
    from tui.app import TradieApp
    from tui.screens.xero.account_picker import AccountPickerScreen

    add_revenue_accounts(sandbox, 12)
    app = TradieApp(xservices)
    async with app.run_test(size=(80, 24)) as pilot:
        await _xero_screen(pilot, xservices, http_browser)
        await pilot.press("enter")  # General Sales
        picker = await wait_for(pilot, lambda: isinstance(app.screen, AccountPickerScreen) and app.screen.loaded
                                and app.screen, what="the chart of accounts")
        await pilot.press(*typed)
        accounts = picker.query_one("#accounts", OptionList)
        await wait_for(pilot, lambda: accounts.option_count == len(picker.shown) and laid_out(picker),
                       what="the filtered accounts")
        assert (accounts.option_count > accounts.size.height) == (typed == ""), "the whole chart scrolls in its list"
        for name in ("#account-filter", "#account-columns", "#account-chosen", "#account-message"):
            assert in_view(picker.query_one(name)), name
        assert in_view(accounts)
        assert_focusables_on_screen(app)
        _no_screen_scroll(app)
        if typed != "no such account":
            await pilot.press("down", "enter")
            await wait_for(pilot, lambda: app.focused is picker.query_one("#account-update") and laid_out(picker),
                           what="Update focused")
            assert "Chosen:" in screen_text(app)
            assert_focusables_on_screen(app)
            _no_screen_scroll(app)
