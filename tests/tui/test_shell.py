"""The app shell and its screens with Pilot: To Do groups, start-up, Business details, Email, Integrations."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import datetime, timezone

from textual.widgets import Input

from tui.app import TradieApp
from tui.domain.business import BusinessDetails
from tui.devtools.screenshots import screen_text, set_xero_connection, settle
from tui.services import SMTP_PASSWORD_KEY, Services


# -- start-up ---------------------------------------------------------------------------------------------
class GatedServices(Services):
    """Holds To Do's query until the test lets it go: what a slow database looks like."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.gate = threading.Event()

    def todo(self, limit: int = 200):
        self.gate.wait(10)
        return super().todo(limit)


async def test_first_screen_paints_before_the_data_arrives(demo_services):
    services = GatedServices(demo_services.cfg, now=demo_services.now, user="sam")
    app = TradieApp(services)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        assert type(app.screen).__name__ == "TodoScreen"
        assert app.screen.query_one("#todo-list").loading  # a loading indicator while the query runs
        assert "Loading" in screen_text(app)
        services.gate.set()
        await settle(pilot)
        assert not app.screen.query_one("#todo-list").loading
        assert "INV-0101" in screen_text(app)


# -- To Do ----------------------------------------------------------------------------------------------
async def test_todo_groups_counts_and_rows(demo_services):
    app = TradieApp(demo_services)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "Overdue 2  ·  Drafts to send 3  ·  Awaiting payment 2" in text
        groups = {g.key: g for g in app.screen.groups}
        assert [g.key for g in app.screen.groups] == ["overdue", "drafts", "awaiting"]
        assert (groups["overdue"].count, groups["drafts"].count, groups["awaiting"].count) == (2, 3, 2)
        lines = [line.strip() for line in text.splitlines()]
        assert "Overdue  2 invoices" in lines
        assert "Drafts to send  3 invoices" in lines
        assert "Awaiting payment  2 invoices" in lines
        # number, customer, due date (DD/MM/YYYY), amount due (right-aligned), status
        row = next(line for line in text.splitlines() if "INV-0101" in line)
        assert "Olivia Nguyen" in row and "30/10/2026" in row and "$2,003.65  Overdue" in row
        assert "INV-0108" in text and "St Brigid's Primary School" in text
        assert "INV-0103" not in text  # paid: nothing to do
        heading = next(line for line in text.splitlines() if "Amount due" in line)
        assert heading.index("Amount due") + len("Amount due") == row.index("$2,003.65") + len("$2,003.65")


async def test_todo_empty_state(services):
    services.save_business(BusinessDetails(name="Fresh Start Electrical"))
    app = TradieApp(services)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "Nothing to do" in text
        assert "Overdue 0  ·  Drafts to send 0  ·  Awaiting payment 0" in text
        assert "Fresh Start Electrical" in text


async def test_todo_reloads_after_a_save_elsewhere(demo_services):
    app = TradieApp(demo_services)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        draft = next(g for g in app.screen.groups if g.key == "drafts").rows[0]
        demo_services.delete_invoice(demo_services.invoice(draft.id))  # as the invoice editor would
        app.records_changed()
        await settle(pilot)
        assert "Drafts to send 2" in screen_text(app)
        assert draft.number not in screen_text(app)


async def test_todo_follows_the_width_at_80_columns(demo_services):
    app = TradieApp(demo_services)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        row = next(line for line in text.splitlines() if "INV-0101" in line)
        assert "$2,003.65" in row and "Overdue" in row
        assert all(len(line) <= 80 for line in text.splitlines())
        await pilot.resize_terminal(120, 30)
        await settle(pilot)
        wide = next(line for line in screen_text(app).splitlines() if "INV-0101" in line)
        assert wide.rstrip().endswith("Overdue") and len(wide.rstrip()) > len(row.rstrip())


async def test_todos_footer_keeps_its_keys_whole_with_the_command_palette_open_at_80_columns(demo_services):
    """The palette over To Do adds no Back (there is nothing to go back to), so f1 Help is not cut to "f1";
    Escape closes the palette and stays on To Do."""
    from textual.command import CommandPalette

    app = TradieApp(demo_services)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        footer = screen_text(app).splitlines()[-1]
        assert "f1 Help" in footer and "Back" not in footer
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert isinstance(app.screen, CommandPalette)
        assert screen_text(app).splitlines()[-1] == footer
        await pilot.press("escape")
        await settle(pilot)
        assert type(app.screen).__name__ == "TodoScreen"


# -- Business details -------------------------------------------------------------------------------------
async def _open_business(app, pilot):
    app.goto("business")
    await settle(pilot)
    assert type(app.screen).__name__ == "BusinessScreen"
    return app.screen


async def test_business_details_invalid_abn_and_email_are_shown_and_nothing_is_saved(demo_services):
    before = demo_services.business()
    app = TradieApp(demo_services)
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await _open_business(app, pilot)
        screen.query_one("#abn", Input).value = "12 345 678 901"
        screen.query_one("#email", Input).value = "accounts at harbour"
        screen.query_one("#phone", Input).value = "02 9555 9999"  # a good change, saved with nothing else
        await pilot.press("ctrl+s")
        await settle(pilot)
        text = screen_text(app)
        assert "That is not a valid ABN" in text
        assert "'accounts at harbour' is not an email address" in text
        abn_error = screen.query_one("#error-abn")
        assert abn_error.display and screen.query_one("#field-abn").has_class("-invalid")
        assert not screen.query_one("#error-name").display
        # the message sits right under its field
        assert abn_error.region.y == screen.query_one("#abn").region.y + 1
        assert app.focused is screen.query_one("#abn")
    assert demo_services.business() == before


async def test_business_details_blank_name_and_terms(demo_services):
    before = demo_services.business()
    app = TradieApp(demo_services)
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await _open_business(app, pilot)
        screen.query_one("#payment_terms_days", Input).value = ""
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Enter the number of days" in screen_text(app)
        screen.query_one("#payment_terms_days", Input).value = "400"
        screen.query_one("#name", Input).value = "  "
        await pilot.press("ctrl+s")
        await settle(pilot)
        text = screen_text(app)
        assert "Enter the business name" in text and "The number of days must be 0 to 365, not 400" in text
    assert demo_services.business() == before


async def test_business_details_save(demo_services):
    app = TradieApp(demo_services)
    async with app.run_test(size=(100, 32), notifications=True) as pilot:
        screen = await _open_business(app, pilot)
        screen.query_one("#name", Input).value = "Harbour City Plumbing & Gas"
        screen.query_one("#abn", Input).value = "51824753556"
        screen.query_one("#payment_terms_days", Input).value = "30"
        screen.query_one("#prices_include_gst").value = True
        screen.query_one("#time_zone").value = "Australia/Perth"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert any(n.message == "Business details saved" for n in app._notifications)
        assert screen.query_one("#abn", Input).value == "51 824 753 556"  # shown as saved
        assert "Harbour City Plumbing & Gas" in screen_text(app)  # the header follows
    saved = demo_services.business()
    assert saved.name == "Harbour City Plumbing & Gas"
    assert saved.abn == "51 824 753 556"
    assert (saved.payment_terms_days, saved.prices_include_gst, saved.time_zone) == (30, True, "Australia/Perth")
    assert saved.email == "accounts@harbourcityplumbing.example"  # untouched fields stay


# -- Email ------------------------------------------------------------------------------------------------
async def test_email_settings_describe_the_outbox_and_how_to_change(demo_services):
    app = TradieApp(demo_services)
    async with app.run_test(size=(100, 40)) as pilot:
        app.goto("email")
        await settle(pilot)
        text = screen_text(app)
        assert "Invoices are sent by: Local outbox folder" in text
        assert "[mail]" in text and "TRADIECORE_MAIL_HOST" in text
        assert str(demo_services.cfg.config_dir / "config.toml") in text.replace("\n", "")
        assert "No password saved" in text


async def test_email_settings_with_smtp(demo_services):
    from tui.config import MailConfig

    cfg = replace(demo_services.cfg, mail=MailConfig(host="smtp.example.com", port=2525, starttls=True, user="sam"))
    services = Services(cfg, now=demo_services.now, user="sam")
    app = TradieApp(services)
    async with app.run_test(size=(100, 40)) as pilot:
        app.goto("email")
        await settle(pilot)
        assert "Invoices are sent by: SMTP smtp.example.com:2525 with STARTTLS as sam" in screen_text(app)


async def test_smtp_password_is_saved_masked_and_cleared(demo_services, memory_keyring):
    secret = "hunter2-Plumb!"
    app = TradieApp(demo_services)
    async with app.run_test(size=(100, 40)) as pilot:
        app.goto("email")
        await settle(pilot)
        field = app.screen.query_one("#password", Input)
        assert field.password
        field.focus()
        await pilot.press(*secret)
        assert secret not in screen_text(app)  # masked as it is typed
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert demo_services.secrets.get(SMTP_PASSWORD_KEY) == secret
        assert field.value == ""
        text = screen_text(app)
        assert "A password is saved in keyring" in text and secret not in text
        await pilot.press("ctrl+d")
        await settle(pilot)
        assert demo_services.secrets.get(SMTP_PASSWORD_KEY) is None
        assert "No password saved" in screen_text(app)


async def test_saving_an_empty_smtp_password_says_so(demo_services):
    app = TradieApp(demo_services)
    async with app.run_test(size=(100, 40)) as pilot:
        app.goto("email")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Type the password first" in screen_text(app)
        assert demo_services.secrets.get(SMTP_PASSWORD_KEY) is None


async def test_email_settings_open_the_outbox(demo_services, monkeypatch):
    app = TradieApp(demo_services)
    opened = []
    monkeypatch.setattr(app, "show_outbox", lambda: opened.append(True))
    async with app.run_test(size=(100, 40)) as pilot:
        app.goto("email")
        await settle(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert opened == [True]


# -- Settings and Integrations -----------------------------------------------------------------------------
async def test_settings_says_where_secrets_are_kept(demo_services):
    app = TradieApp(demo_services)
    async with app.run_test(size=(100, 32)) as pilot:
        app.goto("settings")
        await settle(pilot)
        assert f"are kept in: {demo_services.secrets.name}" in screen_text(app).replace("\n", " ")


async def test_integrations_connected(demo_services):
    set_xero_connection(demo_services, "connected", organisation="Harbour City Plumbing (Demo)")
    # The connection row alone, with no token set: a sync pass would (rightly) find nothing to sign in with.
    app = TradieApp(demo_services, background_sync=False)
    async with app.run_test(size=(100, 32)) as pilot:
        app.goto("integrations")
        await settle(pilot)
        text = screen_text(app)
        assert "Xero  Connected  Harbour City Plumbing (Demo)" in text
        assert "since 03/11/2026 09:40" in text  # in the business's time zone


async def test_integrations_disconnected_shows_reason_and_when(demo_services):
    when = datetime(2026, 11, 20, 3, 15, tzinfo=timezone.utc)
    set_xero_connection(demo_services, "disconnected", reason="Access was removed in Xero", when=when)
    app = TradieApp(demo_services)
    async with app.run_test(size=(100, 32)) as pilot:
        app.goto("integrations")
        await settle(pilot)
        text = screen_text(app)
        assert "Xero  Disconnected" in text
        assert "Access was removed in Xero. (20/11/2026 14:15)" in text
        assert "Select Xero to reconnect" in text


async def test_selecting_xero_runs_connect_xero(demo_services):
    app = TradieApp(demo_services)
    async with app.run_test(size=(100, 32)) as pilot:
        app.goto("integrations")
        await settle(pilot)
        calls = []
        screen = app.screen
        original = screen.connect_xero
        screen.connect_xero = lambda status: (calls.append(status), original(status))
        await pilot.press("enter")
        await settle(pilot)
        assert [c.state for c in calls] == ["not connected"]
        # no client id in these settings: the connect flow opens the screen saying what to register at Xero
        assert "Set up Xero" in screen_text(app)
        app.pop_screen()
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        assert len(calls) == 2


# -- no blinking under tests ------------------------------------------------------------------------------
async def test_text_cursors_do_not_blink_under_tests(demo_services):
    app = TradieApp(demo_services)
    assert app.cursor_blink is False  # TEXTUAL_ANIMATIONS=none (conftest)
    async with app.run_test(size=(100, 32)) as pilot:
        app.goto("business")
        await settle(pilot)
        assert isinstance(app.focused, Input) and app.focused.cursor_blink is False
        await pilot.press("tab")
        assert app.focused.cursor_blink is False
    assert TradieApp(demo_services, cursor_blink=True).cursor_blink is True


# -- running it -------------------------------------------------------------------------------------------
def test_run_app_builds_services_and_runs(cfg, monkeypatch):
    from tui import app as app_module

    ran = []

    def fake_run(self, *args, **kwargs):
        ran.append((self.services.cfg, self.demo))

    monkeypatch.setattr(app_module.TradieApp, "run", fake_run)
    assert app_module.run_app(cfg) == 0
    assert ran == [(cfg, False)]


async def test_demo_is_marked_in_the_header(demo_services):
    app = TradieApp(demo_services, demo=True)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        assert "DEMO DATA" in screen_text(app).splitlines()[0]


async def test_header_gives_way_with_the_business_name_first(demo_services):
    from rich.text import Text

    app = TradieApp(demo_services, background_sync=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.sync_status = Text("4 sync errors · 4 pending · Synced just now", style="bold red")
        app.show_settings()
        await settle(pilot)
        header = screen_text(app).splitlines()[0]
        assert header.startswith(" tradiecore › Settings ")
        assert header.rstrip().endswith("4 sync errors · 4 pending · Synced just now")
        assert "Harbour C…" in header and "Harbour City Plumbing Pty Ltd" not in header
        await pilot.resize_terminal(120, 24)
        await settle(pilot)
        assert "Harbour City Plumbing Pty Ltd" in screen_text(app).splitlines()[0]


async def test_email_settings_on_a_site_install_name_the_site_config_that_root_edits(demo_services, tmp_path):
    from pathlib import Path

    from tests.connect.helpers import screen_text as widget_text
    from tui.credentials.user_store import FileSecretStore

    cfg = replace(demo_services.cfg, is_site=True, site_dir=Path("/etc/tradiecore"))
    services = Services(cfg, now=demo_services.now, user="bob", secrets=FileSecretStore(tmp_path / "secrets.json"))
    app = TradieApp(services)
    async with app.run_test(size=(100, 40)) as pilot:
        app.goto("email")
        await settle(pilot)
        text = widget_text(app).replace("\n", "")  # every widget's text, scrolled out of sight or not
        assert "root adds to the site config /etc/tradiecore/config.toml (every member's sessions use it)" in text
        assert ".config/tradiecore" not in text and str(cfg.config_dir) not in text
