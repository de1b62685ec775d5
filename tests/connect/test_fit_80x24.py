"""Connect to Xero at 80x24: what has the focus, and every button, is in view, against the sandbox over HTTP."""

from __future__ import annotations

import asyncio

import pytest
from textual.app import App
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Button, Input, Static

from tests.connect.helpers import consent_to_picker, open_connect_dialog, screen_text, wait_for
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
    from tui.screens.xero_connect import ConnectScreen

    if where == "ssh":
        monkeypatch.setenv("SSH_CONNECTION", SSH)
    xero = xservices.xero
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


async def test_the_organisation_picker_fits_at_80x24(xservices, http_browser, sandbox):
    from tui.app import TradieApp

    app = TradieApp(xservices)
    async with app.run_test(size=(80, 24)) as pilot:
        await consent_to_picker(pilot, http_browser)
        await wait_for(pilot, lambda: "Demo Company (AU)" in screen_text(app) and laid_out(app.screen),
                       what="organisations laid out")
        assert_focusables_on_screen(app)
