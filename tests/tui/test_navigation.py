"""Getting around by keyboard: To Do -> Settings -> Integrations, Escape, the command palette, help, remapped keys."""

from __future__ import annotations

import sys

import pytest

from tui.app import TradieApp
from tui.shell.commands import DESTINATIONS, GoToCommands
from tui.devtools.screenshots import screen_text, settle


def screen_name(app) -> str:
    return type(app.screen).__name__


async def press(pilot, *keys: str) -> str:
    """Press ``keys`` one at a time, each one's screen settled; the name of the screen they lead to."""
    for key in keys:
        await pilot.press(key)
        await settle(pilot)
    return screen_name(pilot.app)


async def test_todo_settings_integrations_by_keyboard(demo_services):
    app = TradieApp(demo_services)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        assert screen_name(app) == "TodoScreen"
        assert await press(pilot, "s") == "SettingsScreen"
        text = screen_text(app)
        assert "Business details" in text and "Email" in text and "Integrations" in text
        assert await press(pilot, "down", "down", "enter") == "IntegrationsScreen"
        text = screen_text(app)
        assert "Available Connections" in text
        assert "Xero  Not connected" in text
        assert "tradiecore › Integrations" in text
        assert "Harbour City Plumbing Pty Ltd" in text  # the header's business name


async def test_settings_letters_go_straight_to_a_setting(demo_services):
    app = TradieApp(demo_services)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        for key, expected in (("b", "BusinessScreen"), ("e", "EmailSettingsScreen"), ("i", "IntegrationsScreen")):
            assert await press(pilot, "s", key) == expected
            assert await press(pilot, "escape", "escape") == "TodoScreen"


async def test_escape_goes_back_and_stops_at_todo(demo_services):
    app = TradieApp(demo_services)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        assert await press(pilot, "s", "b") == "BusinessScreen"
        assert type(app.focused).__name__ == "Input"  # Escape works from inside a text field too
        assert await press(pilot, "escape") == "SettingsScreen"
        assert await press(pilot, "escape") == "TodoScreen"
        assert await press(pilot, "escape") == "TodoScreen"
        assert len(app.screen_stack) == 1
        assert "esc Back" not in screen_text(app)  # nothing to go back to from home


async def test_enter_on_a_row_opens_that_invoice(demo_services):
    app = TradieApp(demo_services)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        todo = app.screen
        first = todo.highlighted_invoice_id
        overdue = next(g for g in todo.groups if g.key == "overdue")
        assert first == overdue.rows[0].id  # the cursor starts on the first row, skipping the heading
        await pilot.press("down")
        second = todo.highlighted_invoice_id
        assert second == overdue.rows[1].id
        assert await press(pilot, "enter") == "InvoiceEditorScreen"
        assert (app.screen.invoice_id, app.screen.customer_id) == (second, None)


async def test_todo_keys_for_new_invoice_and_customers(demo_services):
    app = TradieApp(demo_services)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        assert await press(pilot, "n") == "InvoiceEditorScreen"
        assert (app.screen.invoice_id, app.screen.customer_id) == (None, None)
        app.goto("todo")
        await settle(pilot)
        assert await press(pilot, "c") == "CustomersScreen"


EXPECTED_SCREENS = {
    "todo": "TodoScreen",
    "customers": "CustomersScreen",
    "new_invoice": "InvoiceEditorScreen",
    "settings": "SettingsScreen",
    "business": "BusinessScreen",
    "email": "EmailSettingsScreen",
    "integrations": "IntegrationsScreen",
    "numbers": "NumbersScreen",
    "outbox": "OutboxScreen",
    "sync": "SyncScreen",
    "help": "HelpScreen",
}


async def test_command_palette_go_to_by_typing(demo_services):
    app = TradieApp(demo_services)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        assert await press(pilot, "ctrl+p") == "CommandPalette"
        await pilot.press(*"integr")
        await settle(pilot)
        assert "Go to Integrations" in screen_text(app)
        assert await press(pilot, "enter") == "IntegrationsScreen"
        assert await press(pilot, "escape") == "TodoScreen"


async def test_command_palette_has_go_to_for_every_screen(demo_services):
    assert set(EXPECTED_SCREENS) == set(DESTINATIONS)
    app = TradieApp(demo_services)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        provider = GoToCommands(app.screen)
        hits = [hit async for hit in provider.discover()]
        assert [h.display for h in hits] == [f"Go to {title}" for title in DESTINATIONS.values()]
        for name, hit in zip(DESTINATIONS, hits):
            search = [h async for h in provider.search(DESTINATIONS[name])]
            assert max(search, key=lambda h: h.score).text == hit.text  # the screen's name finds its Go to
            hit.command()
            await settle(pilot)
            assert screen_name(app) == EXPECTED_SCREENS[name], name
            app.goto("todo")
            await settle(pilot)
            assert screen_name(app) == "TodoScreen"
            assert len(app.screen_stack) == 1


async def test_help_on_f1_and_question_mark_lists_this_screens_keys(demo_services):
    app = TradieApp(demo_services)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        for key in ("f1", "question_mark"):
            assert await press(pilot, key) == "HelpScreen"
            text = screen_text(app)
            assert "On To Do" in text
            for line in ("New invoice", "Customers", "Settings", "Open", "Go to any screen", "Back to the previous"):
                assert line in text
            assert await press(pilot, "escape") == "TodoScreen"


async def test_question_mark_types_in_a_text_field(demo_services):
    app = TradieApp(demo_services)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        app.goto("business")
        await settle(pilot)
        field = app.screen.query_one("#address")
        field.focus()
        field.value = ""
        assert await press(pilot, "question_mark") == "BusinessScreen"
        assert field.value == "?"
        assert await press(pilot, "f1") == "HelpScreen"


@pytest.mark.parametrize("environ, settings_key", [({}, "f2"), ({"TRADIECORE_KEYS_SETTINGS": "f3"}, "f3")],
                         ids=["config.toml", "the environment wins"])
async def test_keys_can_be_remapped(demo_services, monkeypatch, environ, settings_key):
    cfg_dir = demo_services.cfg.config_dir
    cfg_dir.mkdir(parents=True, exist_ok=True)
    (cfg_dir / "config.toml").write_text('[keys]\nsettings = "f2"\nhelp = "f10"\n', encoding="utf-8")
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    app = TradieApp(demo_services)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        assert f"{settings_key} Settings" in screen_text(app)  # the footer shows the new key
        for old_key in {"s", "f2"} - {settings_key}:
            assert await press(pilot, old_key) == "TodoScreen"
        assert await press(pilot, settings_key) == "SettingsScreen"
        assert await press(pilot, "f10") == "HelpScreen"
        assert settings_key not in screen_text(app)  # help lists Settings' keys, not To Do's


async def test_a_broken_keys_table_is_reported_not_fatal(demo_services):
    cfg_dir = demo_services.cfg.config_dir
    cfg_dir.mkdir(parents=True, exist_ok=True)
    (cfg_dir / "config.toml").write_text('keys = "oops"\n', encoding="utf-8")
    app = TradieApp(demo_services)
    async with app.run_test(size=(100, 32), notifications=True) as pilot:
        await settle(pilot)
        assert screen_name(app) == "TodoScreen"
        assert any("[keys]" in n.message for n in app._notifications)


async def test_a_screen_that_cannot_be_imported_fails_loudly(demo_services, monkeypatch):
    """A broken import is a bug to see at once, not a toast saying the screen is "not part of this build"."""
    monkeypatch.setitem(sys.modules, "tui.screens.customers.screen", None)  # importing it now raises ImportError
    app = TradieApp(demo_services)
    with pytest.raises(ImportError):
        async with app.run_test(size=(100, 32)) as pilot:
            await settle(pilot)
            await pilot.press("c")
            await settle(pilot)
