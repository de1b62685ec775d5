"""Customers list and editor, driven by keyboard through Pilot; every outcome checked in the database too."""

from __future__ import annotations

import re

import pytest
from tests.conftest import FIXED_NOW
from tests.tui.screen_harness import ScreenApp, settle, text_of, type_into
from textual.widgets import OptionList

from tui.devtools.screenshots import screen_text
from tui.domain.customer import Customer
from tui.screens.customers.editor import CustomerEditorScreen
from tui.screens.customers.screen import CustomersScreen
from tui.screens.invoices.editor import InvoiceEditorScreen
from tui.services import Services


def rows(app) -> list[str]:
    """The Name column of each row, as the list shows it."""
    options = app.screen.query_one("#customers OptionList", OptionList).options
    return [re.split(r" {2,}", option.prompt.plain)[0] for option in options]


async def test_list_filters_as_you_type(demo_services):
    app = ScreenApp(demo_services, CustomersScreen)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        assert len(rows(app)) == 8
        assert rows(app)[0] == "Bondi Beach Cafe"  # by name
        assert text_of(app.screen.query_one("#count")) == "8 customers"
        await pilot.press("slash", *"sharma")
        await settle(pilot)
        assert rows(app) == ["Priya Sharma"]
        assert text_of(app.screen.query_one("#count")) == "1 customer matching 'sharma'"
        await pilot.press("enter")  # back to the list, then Enter edits the one shown
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CustomerEditorScreen)
        assert app.screen.query_one("#f-name").value == "Priya Sharma"


async def test_list_caps_rows_and_says_how_many_more(demo_services, monkeypatch):
    monkeypatch.setattr("tui.screens.customers.screen.SHOWN", 3)
    app = ScreenApp(demo_services, CustomersScreen)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        assert len(rows(app)) == 3
        assert text_of(app.screen.query_one("#count")) == "8 customers, 5 more not shown: type to narrow the list"


async def test_at_80_columns_long_names_and_emails_end_in_an_ellipsis_and_phones_are_whole(demo_services):
    name, email = "Abbotsford Heritage Restorations Pty Ltd", "accounts.payable@abbotsfordheritage.example"
    demo_services.save_customer(Customer(name, email, "02 9555 0199"))
    app = ScreenApp(demo_services, CustomersScreen)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = screen_text(app).splitlines()
    heading = next(line for line in screen if "Name" in line and "Phone" in line)
    line = next(line for line in screen if "02 9555 0199" in line)  # the first row, by name
    name_cell, email_cell, phone = re.split(r" {2,}", line.strip())
    assert name_cell.endswith("…") and name.startswith(name_cell[:-1])
    assert email_cell.endswith("…") and email.startswith(email_cell[:-1])
    assert phone == "02 9555 0199"
    assert [line.index(cell) for cell in (name_cell, email_cell, phone)] == \
        [heading.index(title) for title in ("Name", "Email", "Phone")]


async def test_new_invoice_for_the_highlighted_customer(demo_services):
    app = ScreenApp(demo_services, CustomersScreen)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.press("down", "i")  # the second row: Coastal Builders Pty Ltd
        await settle(pilot)
        assert isinstance(app.screen, InvoiceEditorScreen)
        assert app.screen.customer.name == "Coastal Builders Pty Ltd"
        assert app.screen.invoice_id is None


async def test_new_customer_saved_and_listed(demo_services):
    app = ScreenApp(demo_services, CustomersScreen)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, CustomerEditorScreen)
        await pilot.press(*"Zoe Tran", "tab", *"Zoe", "tab", *"Tran", "tab", *"zoe@example.com", "tab",
                          *"0400 111 222", "tab", *"1 Pitt St, Sydney", "tab", *"PO Box 7, Sydney")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CustomersScreen)
        assert "Zoe Tran" in rows(app)
        assert app.screen.selected_id == demo_services.customers("zoe")[0][0].id  # the cursor is on it
    found, total = demo_services.customers("zoe")
    assert total == 1
    assert (found[0].email, found[0].phone, found[0].address) == ("zoe@example.com", "0400 111 222", "1 Pitt St, Sydney")
    assert (found[0].first_name, found[0].last_name, found[0].postal_address) == ("Zoe", "Tran", "PO Box 7, Sydney")


async def test_invalid_customer_shows_errors_at_fields_and_saves_nothing(demo_services):
    app = ScreenApp(demo_services, CustomerEditorScreen)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.press("tab", *"A" * 256, "tab", "tab", *"not an email", "tab", *"call me", "ctrl+s")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CustomerEditorScreen)
        assert screen.query_one("#e-name").message == "Enter the customer's name"
        assert screen.query_one("#e-email").message == "'not an email' is not an email address"
        assert screen.query_one("#e-phone").message == "Phone numbers use digits, spaces, + ( ) and -"
        assert screen.query_one("#e-first_name").message == "First names can be at most 255 characters"
        assert screen.query_one("#e-address").message == ""
        assert screen.query_one("#e-postal_address").message == ""
        assert screen.focused.id == "f-name"
        # typing in a field clears its message
        await pilot.press(*"Ann")
        assert screen.query_one("#e-name").message == ""
    assert demo_services.customers()[1] == 8


EMAIL_CASES = [  # what Xero refuses for a contact's EmailAddress, and what the field says
    ("<x>@y.com", "Enter just the address, like name@example.com (no name, spaces, quotes or < >)"),
    ("Jo Smith <jo@example.com>", "Enter just the address, like name@example.com (no name, spaces, quotes or < >)"),
    ("jo@bücher.de", "Xero accepts only plain ASCII email addresses (no accents or other scripts)"),
    ("a" * 290 + "@example.com", "Email addresses can be at most 255 characters (this one has 302)"),
    ("jo@localhost", "'localhost' is not an email domain (like example.com)"),
]


async def test_an_email_xero_would_refuse_is_refused_at_the_field_and_nothing_is_saved(demo_services):
    before = demo_services.customers()[0][0]
    app = ScreenApp(demo_services, lambda: CustomerEditorScreen(before.id))
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        screen = app.screen
        box = screen.query_one("#f-email")
        for text, message in EMAIL_CASES:
            if len(text) > 40:
                box.focus()
                box.value = text  # pasted
                await pilot.pause()
            else:
                await type_into(pilot, box, text)
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert isinstance(app.screen, CustomerEditorScreen), text
            assert screen.query_one("#e-email").message == message, text
            assert screen.query_one("#field-email").has_class("-invalid"), text
            assert screen.focused is box, text
            assert demo_services.customer(before.id) == before, text
    assert demo_services.customer(before.id) == before


async def test_second_save_from_a_stale_copy_is_refused(demo_services, cfg):
    olivia = demo_services.customers("olivia")[0][0]
    app = ScreenApp(demo_services, lambda: CustomerEditorScreen(olivia.id))
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await type_into(pilot, "#f-phone", "0499 999 999")  # an editor with nothing typed would follow alex's save
        alex = Services(cfg, now=lambda: FIXED_NOW, user="alex")
        theirs = alex.customer(olivia.id)
        theirs.phone = "0412 000 000"
        alex.save_customer(theirs)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CustomerEditorScreen)
        banner = app.screen.query_one("#banner").message
        assert "This customer was changed by alex at 10:00" in banner
    assert demo_services.customer(olivia.id).phone == "0412 000 000"


@pytest.mark.parametrize("discard", [False, True])
async def test_escape_asks_before_discarding_changes(demo_services, discard):
    c = demo_services.save_customer(Customer("Ben Ito", "ben@example.com"))
    app = ScreenApp(demo_services, CustomersScreen)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        app.push_screen(CustomerEditorScreen(c.id))
        await settle(pilot)
        await pilot.press("escape")  # nothing changed yet: leaves at once
        await settle(pilot)
        assert isinstance(app.screen, CustomersScreen)
        app.push_screen(CustomerEditorScreen(c.id))
        await settle(pilot)
        await pilot.press(*" Jr", "escape")
        await settle(pilot)
        assert "Discard" in text_of(app.screen.query_one("#question"))
        await pilot.press("y" if discard else "n")
        await settle(pilot)
        assert isinstance(app.screen, CustomersScreen if discard else CustomerEditorScreen)
    assert demo_services.customer(c.id).name == "Ben Ito"
