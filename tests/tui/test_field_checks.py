"""Field messages follow the person: one appears when they leave a field they typed in, goes as soon as what the
field holds reads right (no save needed), and after a refused save the first field in error has the focus.
A form just opened says nothing about its empty fields; a message from a save that the form cannot check itself
(an invoice number already used) stays while the field holds what it was about."""

from __future__ import annotations

from tests.connect.helpers import wait_for
from tests.tui.screen_harness import ScreenApp, settle, type_into
from textual.widgets import Input

from tui.screens.settings.business import BusinessScreen
from tui.screens.customers.editor import CustomerEditorScreen
from tui.screens.invoices.editor import InvoiceEditorScreen
from tui.screens.payments.record import RecordPaymentScreen

SENT, DRAFT = 2, 6  # demo invoices: a sent one with nothing paid, and a draft


async def test_record_payment_checks_each_field_as_it_is_left_and_focuses_the_first_refused(demo_services):
    app = ScreenApp(demo_services, lambda: RecordPaymentScreen(SENT))
    async with app.run_test(size=(100, 32)) as pilot:
        dialog = await wait_for(pilot, lambda: app.screen.opened and app.screen, what="the dialog")
        error = dialog.query_one("#e-amount")
        await type_into(pilot, "#f-amount", "1_5")
        assert error.message == "", "no message while typing in a field"
        await pilot.press("tab")  # leave it
        await pilot.pause()
        assert error.message.startswith("'1_5' is not a number")
        assert dialog.query_one("#f-amount").has_class("-invalid")
        assert demo_services.payments(SENT) == []

        dialog.query_one("#f-amount").focus()
        await pilot.press("end", "backspace", "backspace")  # "1": right, so the message goes at once
        await pilot.pause()
        assert dialog.query_one("#f-amount", Input).value == "1"
        assert error.message == "" and not dialog.query_one("#f-amount").has_class("-invalid")

        await type_into(pilot, "#f-date", "01/01/9999")
        await type_into(pilot, "#f-amount", "1e30")
        dialog.query_one("#f-reference").focus()
        await pilot.pause()
        await pilot.press("ctrl+s")  # refused: both fields say why, the first has the focus
        await pilot.pause()
        assert error.message.startswith("'1e30' is not a number")
        assert "more than a year ahead" in dialog.query_one("#e-date").message
        assert app.focused is dialog.query_one("#f-amount")
        assert demo_services.payments(SENT) == []


async def test_a_line_message_goes_as_soon_as_the_line_is_fixed(demo_services):
    app = ScreenApp(demo_services, lambda: InvoiceEditorScreen(DRAFT))
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        screen = app.screen
        row = screen.form.rows[0]
        await type_into(pilot, row.query_one(".quantity", Input), "x")
        await pilot.press("tab")
        await pilot.pause()
        assert row.query_one("FieldError").message.startswith("Qty: 'x' is not a number")
        await type_into(pilot, row.query_one(".quantity", Input), "2")
        assert row.query_one("FieldError").message == "", "fixed: the line's message goes before any save"
        assert not row.query_one(".quantity").has_class("-invalid")

        await type_into(pilot, "#f-issue_date", "32/01/2026")
        await pilot.press("tab")
        await pilot.pause()
        assert screen.query_one("#e-issue_date").message == "'32/01/2026' is not a real date"
        await type_into(pilot, "#f-issue_date", "20/11/2026")
        assert screen.query_one("#e-issue_date").message == ""

        # Xero's answer a save comes back with stays while the field says the same, and goes with a change
        await type_into(pilot, "#f-number", "INV-0107")
        await pilot.press("ctrl+s")
        await settle(pilot)
        number = screen.query_one("#e-number")
        assert number.message == "Invoice number INV-0107 is already used"
        assert app.focused is screen.query_one("#f-number")
        await pilot.press("tab")
        await pilot.pause()
        assert number.message == "Invoice number INV-0107 is already used"
        await type_into(pilot, "#f-number", "INV-0199")
        assert number.message == ""


async def test_a_new_invoice_says_nothing_about_fields_not_typed_in(business_services):
    app = ScreenApp(business_services, InvoiceEditorScreen)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        screen = app.screen
        screen.form.rows[0].focus_field()
        await pilot.press("tab", "tab", "tab")  # through the description, quantity and unit price
        await pilot.pause()
        assert screen.form.rows[0].query_one("FieldError").message == ""
        assert screen.query_one("#e-customer").message == ""


async def test_customer_and_business_fields_are_checked_as_they_are_left(demo_services):
    app = ScreenApp(demo_services, lambda: CustomerEditorScreen(1))
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        screen = app.screen
        await type_into(pilot, "#f-email", "nope")
        await pilot.press("tab")
        await pilot.pause()
        assert screen.query_one("#e-email").message == "'nope' is not an email address"
        await type_into(pilot, "#f-email", "jo@example.com")
        assert screen.query_one("#e-email").message == ""
        assert not screen.query_one("#field-email").has_class("-invalid")

    app = ScreenApp(demo_services, BusinessScreen)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        screen = app.screen
        error = screen.query_one("#error-abn")
        await type_into(pilot, "#abn", "12 345 678 901")
        await pilot.press("tab")
        await pilot.pause()
        assert "not a valid ABN" in str(error.render()) and error.has_class("-shown")
        await type_into(pilot, "#abn", "53 004 085 616")
        assert not error.has_class("-shown")
        await type_into(pilot, "#name", "")
        await type_into(pilot, "#email", "x")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.focused is screen.query_one("#name"), "the first field in error"


import pytest  # noqa: E402


@pytest.fixture
def business_services(services):
    from tui.demo_data import BUSINESS

    services.save_business(BUSINESS)
    return services
