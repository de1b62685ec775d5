"""Invoice editor driven by keyboard: create, totals (exclusive and inclusive), validation, conflicts, states."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from tests.conftest import FIXED_NOW
from tests.tui.screen_harness import ScreenApp, settle, text_of, type_into
from textual.widgets import Input, Select

from tui.demo_data import BUSINESS
from tui.domain.customer import Customer
from tui.domain.invoice import InvoiceStatus, RevenueCategory
from tui.screens.invoices.editor import InvoiceEditorScreen
from tui.services import Services
from tui.store.errors import NotFound
from tui.widgets.confirm_modal import ConfirmModal

# Demo invoices (ids in demo_data.INVOICES order): 2 is sent, 3 paid, 6 a draft for Coastal Builders.
SENT, PAID, DRAFT = 2, 3, 6


def editor(app) -> InvoiceEditorScreen:
    assert isinstance(app.screen, InvoiceEditorScreen), app.screen
    return app.screen


def totals(app) -> dict[str, str]:
    """The totals block as {label: amount}."""
    text = text_of(editor(app).query_one("#totals"))
    return dict(line.strip().rsplit(None, 1) for line in text.strip().splitlines())


async def fill_line(pilot, index: int, description: str, quantity: str, price: str) -> None:
    row = editor(pilot.app).form.rows[index]
    await type_into(pilot, row.query_one(".description", Input), description)
    await type_into(pilot, row.query_one(".quantity", Input), quantity)
    await type_into(pilot, row.query_one(".unit_price", Input), price)


async def choose(pilot, select: Select, downs: int) -> None:
    select.focus()
    await pilot.press("enter", *["down"] * downs, "enter")
    await pilot.pause()


@pytest.fixture
def business(services):
    services.save_business(BUSINESS)
    return services


@pytest.fixture
def olivia(business):
    return business.save_customer(Customer("Olivia Nguyen", "olivia.nguyen@example.com"))


async def test_create_invoice_by_keyboard(olivia, business):
    app = ScreenApp(business, InvoiceEditorScreen)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        screen = editor(app)
        assert screen.focused.id == "customer"
        assert text_of(screen.query_one("#amounts")) == "Prices entered excluding GST"
        await pilot.press("enter", *"oliv")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert screen.customer.name == "Olivia Nguyen"
        assert screen.focused.id == "f-issue_date"
        await pilot.press("tab", "tab", *"Job 77", "tab")
        await pilot.press(*"HWS labour", "tab", *"3.5", "tab", *"95")
        await choose(pilot, screen.form.rows[0].query_one(".category", Select), 2)  # Labour
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert len(screen.form.rows) == 2
        assert screen.focused is screen.form.rows[1].query_one(".description")
        await pilot.press(*"Rheem", "tab", "tab", *"1489.1234")
        await choose(pilot, screen.form.rows[1].query_one(".category", Select), 1)  # Materials
        assert totals(app) == {"Subtotal": "$1,821.62", "GST": "$182.16", "Total": "$2,003.78",
                               "Amount paid": "$0.00", "Amount due": "$2,003.78"}
        assert text_of(screen.form.rows[0].query_one(".amount")) == "$332.50"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert screen.title == "Invoice INV-0001"
        assert screen.query_one("#f-number", Input).value == "INV-0001"
        assert not screen.dirty
    saved = business.invoice(screen.invoice_id)
    assert saved.status is InvoiceStatus.DRAFT
    assert (saved.number, saved.customer_id, saved.reference) == ("INV-0001", olivia.id, "Job 77")
    assert [(li.description, li.quantity, li.unit_price, li.category) for li in saved.lines] == [
        ("HWS labour", Decimal("3.5"), Decimal("95"), RevenueCategory.LABOUR),
        ("Rheem", Decimal("1"), Decimal("1489.1234"), RevenueCategory.MATERIALS),
    ]
    assert saved.totals.total == Decimal("2003.78")


async def test_picker_can_add_a_customer_on_the_way(business):
    app = ScreenApp(business, InvoiceEditorScreen)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.press("f2", *"zzz")
        await settle(pilot)
        assert text_of(app.screen.query_one("#picker-count")) == "No customers match 'zzz'"
        await pilot.press("ctrl+n")
        await settle(pilot)
        await pilot.press(*"Zed Ltd", "tab", *"ap@zed.example", "ctrl+s")
        await settle(pilot)
        screen = editor(app)
        assert screen.customer.name == "Zed Ltd"
        assert str(screen.query_one("#customer").label) == "Zed Ltd"
    assert business.customers("zed")[1] == 1


async def test_totals_round_tax_per_line(olivia, business):
    app = ScreenApp(business, lambda: InvoiceEditorScreen(customer_id=olivia.id))
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        for i in range(3):
            if i:
                await pilot.press("ctrl+n")
            await fill_line(pilot, i, f"W{i}", "1", "0.15")
        # 1.5 cents of GST on each line rounds up to 2 cents: 6 cents, where 10% of 45 cents would be 5
        assert totals(app) == {"Subtotal": "$0.45", "GST": "$0.06", "Total": "$0.51", "Amount paid": "$0.00",
                               "Amount due": "$0.51"}
        await pilot.press("ctrl+r")  # remove the line being edited
        await pilot.pause()
        assert len(editor(app).form.rows) == 2
        assert totals(app)["Total"] == "$0.34"


async def test_totals_with_prices_including_gst(services):
    services.save_business(replace(BUSINESS, prices_include_gst=True))
    c = services.save_customer(Customer("Liam Walker", "liam.walker@example.com"))
    app = ScreenApp(services, lambda: InvoiceEditorScreen(customer_id=c.id))
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        assert text_of(editor(app).query_one("#amounts")) == "Prices entered including GST"
        await fill_line(pilot, 0, "Service call", "1", "110")
        await pilot.press("ctrl+n")
        await fill_line(pilot, 1, "Washer", "1", "0.15")
        assert totals(app) == {"Subtotal": "$100.14", "Includes GST": "$10.01", "Total": "$110.15",
                               "Amount paid": "$0.00", "Amount due": "$110.15"}
        await pilot.press("ctrl+s")
        await settle(pilot)
        invoice_id = editor(app).invoice_id
    saved = services.invoice(invoice_id)
    assert (saved.totals.subtotal, saved.totals.tax, saved.totals.total) == (
        Decimal("100.14"), Decimal("10.01"), Decimal("110.15"))


# (field as typed into, text, where the message shows, the message)
CASES = [
    ("description", "", "line", "Description: Describe the work or item"),
    ("quantity", "abc", "line", "Qty: 'abc' is not a number: use the digits 0-9 and a full stop, like 1,500.50"),
    ("quantity", "-2", "line", "Qty: The quantity cannot be negative ('-2')"),
    ("quantity", "250000", "line", "Qty: A quantity over 100,000 looks like a typo"),
    ("quantity", "1.23456", "line", "Qty: Use at most 4 decimal places for the quantity ('1.23456')"),
    ("quantity", "1,5", "line", "Qty: Use a full stop for decimals ('1.5', not '1,5')"),
    ("quantity", "1,500", "line", "Qty: Type the quantity without commas, a full stop for decimals ('1,500')"),
    ("unit_price", "", "line", "Unit price: Enter the unit price"),
    ("unit_price", "-5", "line", "Unit price: The unit price cannot be negative ('-5')"),
    ("unit_price", "12,000,000", "line", "Unit price: A price over $10,000,000 looks like a typo"),
    ("unit_price", "9.99999", "line", "Unit price: Use at most 4 decimal places for the unit price ('9.99999')"),
    ("unit_price", "ten", "line",
     "Unit price: 'ten' is not a number: use the digits 0-9 and a full stop, like 1,500.50"),
    ("unit_price", "95,50", "line", "Unit price: Use a full stop for decimals ('95.50', not '95,50')"),
    ("issue_date", "31/02/2026", "#e-issue_date", "'31/02/2026' is not a real date"),
    ("issue_date", "", "#e-issue_date", "Enter a date"),
    ("due_date", "next week", "#e-due_date", "'next week' is not a date: use DD/MM/YYYY"),
    ("due_date", "01/11/2026", "#e-due_date", "The due date is before the issue date"),
    ("number", "INV-0107", "#e-number", "Invoice number INV-0107 is already used"),
]


async def test_each_bad_value_shows_its_message_at_the_field_and_nothing_is_saved(demo_services):
    """One editor session for all CASES (an app start each would triple the time): after each case the
    database is checked to be untouched and the field gets its original text back."""
    before = demo_services.invoice(DRAFT)
    app = ScreenApp(demo_services, lambda: InvoiceEditorScreen(DRAFT))
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        screen = editor(app)
        for field, text, where, message in CASES:
            case = f"{field}={text!r}"
            box = screen.form.rows[0].query_one(f".{field}") if where == "line" else screen.query_one(f"#f-{field}")
            original = box.value
            await type_into(pilot, box, text)
            await pilot.press("ctrl+s")
            await settle(pilot)
            shown = screen.form.rows[0].query_one("FieldError") if where == "line" else screen.query_one(where)
            assert shown.message == message, case
            assert box.has_class("-invalid"), case
            assert screen.focused is box, case
            assert demo_services.invoice(DRAFT) == before, case
            box.value = original
            await pilot.pause()
            assert shown.message == "", case  # the field reads right again: its message goes at once
    assert demo_services.invoice(DRAFT) == before


async def test_new_invoice_shows_every_problem_at_once_and_saves_nothing(business):
    app = ScreenApp(business, InvoiceEditorScreen)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+s")  # no customer, and a blank line
        await settle(pilot)
        screen = editor(app)
        assert screen.query_one("#e-customer").message == "Choose a customer"
        assert screen.form.rows[0].query_one("FieldError").message == (
            "Description: Describe the work or item\nUnit price: Enter the unit price")
        assert screen.focused.id == "customer"
        screen.form.rows[0].focus_field()
        await pilot.press("ctrl+r", "ctrl+s")  # remove the blank line, then try again
        await settle(pilot)
        assert screen.query_one("#e-lines").message == "Add at least one line"
        assert screen.invoice_id is None
    with pytest.raises(NotFound):
        business.invoice(1)


async def test_second_save_from_a_stale_copy_is_refused(demo_services, cfg):
    app = ScreenApp(demo_services, lambda: InvoiceEditorScreen(DRAFT))
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await type_into(pilot, "#f-reference", "Sam's change")  # an editor with nothing typed would follow alex
        alex = Services(cfg, now=lambda: FIXED_NOW, user="alex")
        theirs = alex.invoice(DRAFT)
        theirs.reference = "Alex's change"
        alex.save_invoice(theirs)
        await pilot.press("ctrl+s")
        await settle(pilot)
        banner = editor(app).query_one("#banner").message
        assert banner.startswith("This invoice was changed by alex at 10:00.")
    assert demo_services.invoice(DRAFT).reference == "Alex's change"


async def test_delete_draft_after_confirming(demo_services):
    app = ScreenApp(demo_services, lambda: InvoiceEditorScreen(DRAFT))
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.press("f8")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("n")  # changed their mind
        await settle(pilot)
        demo_services.invoice(DRAFT)
        await pilot.press("f8")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert not isinstance(app.screen, InvoiceEditorScreen)
    with pytest.raises(NotFound):
        demo_services.invoice(DRAFT)


async def test_sent_invoice_can_be_edited_then_voided(demo_services):
    app = ScreenApp(demo_services, lambda: InvoiceEditorScreen(SENT))
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        screen = editor(app)
        assert text_of(screen.query_one("#status")) == "Sent"
        assert demo_services.cfg.mail.host == ""  # the local outbox: nothing was emailed, and nothing says so
        assert text_of(screen.query_one("#amounts")) == (
            "Sent 26/10/2026 to obriens@example.com · Prices entered excluding GST")
        await type_into(pilot, "#f-reference", "Job 2291 (revised)")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert demo_services.invoice(SENT).reference == "Job 2291 (revised)"
        await pilot.press("f8")
        await settle(pilot)
        assert "Void INV-0102?" in text_of(app.screen.query_one("#question"))
        await pilot.press("y")
        await settle(pilot)
        assert text_of(screen.query_one("#status")) == "Voided"
        assert screen.query_one("#banner").message == "This invoice is voided and cannot be changed"
        assert screen.query_one("#f-reference").disabled
    assert demo_services.invoice(SENT).status is InvoiceStatus.VOIDED


async def test_paid_invoice_is_read_only_with_the_reason(demo_services):
    before = demo_services.invoice(PAID)
    app = ScreenApp(demo_services, lambda: InvoiceEditorScreen(PAID))
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        screen = editor(app)
        assert text_of(screen.query_one("#status")) == "Paid"
        assert screen.query_one("#banner").message == (
            "This invoice is paid: Xero does not allow changes to a paid invoice")
        assert all(box.is_disabled for box in screen.query(Input))
        assert totals(app) == {"Subtotal": "$603.00", "GST": "$60.30", "Total": "$663.30", "Amount paid": "$663.30",
                               "Amount due": "$0.00"}
        active = {b.binding.id for b in screen.active_bindings.values()}
        assert "save" not in active and "void" not in active and "send" not in active
        await pilot.press("ctrl+s", "f8")
        await settle(pilot)
        assert app.screen is screen
        await pilot.press("ctrl+e")  # a paid invoice may be sent again as a copy: it asks first
        await settle(pilot)
        assert "Send INV-0103 again to " in text_of(app.screen.query_one("#question"))
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        await pilot.press("escape")  # nothing to lose: leaves without asking
        await settle(pilot)
        assert app.screen is not screen
    assert demo_services.invoice(PAID) == before


async def test_escape_asks_before_discarding_unsaved_lines(demo_services):
    app = ScreenApp(demo_services, lambda: InvoiceEditorScreen(DRAFT))
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n", *"Extra fitting")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("n")
        await settle(pilot)
        assert len(editor(app).form.rows) == 3
        await pilot.press("escape", "y")
        await settle(pilot)
        assert not isinstance(app.screen, InvoiceEditorScreen)
    assert len(demo_services.invoice(DRAFT).lines) == 2


@pytest.mark.parametrize("opened", ["draft", "sent", "new for a customer"])
async def test_a_key_typed_on_opening_never_replaces_the_issue_date(demo_services, opened):
    """The editor opens with no text selected where a typed key could silently replace it."""
    make = {"draft": lambda: InvoiceEditorScreen(DRAFT), "sent": lambda: InvoiceEditorScreen(SENT),
            "new for a customer": lambda: InvoiceEditorScreen(customer_id=1)}[opened]
    app = ScreenApp(demo_services, make)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        screen = editor(app)
        date_before = screen.query_one("#f-issue_date", Input).value
        await pilot.press("7")
        await settle(pilot)
        assert screen.query_one("#f-issue_date", Input).value == date_before
        if opened == "new for a customer":  # the first line's description, empty, is where typing starts
            assert screen.focused is screen.form.rows[0].query_one(".description")
            assert screen.form.rows[0].query_one(".description", Input).value == "7"
        else:  # the customer: nothing to type over; Tab moves on to the fields
            assert screen.focused.id == "customer"
            assert not screen.dirty


@pytest.mark.parametrize("size", [(80, 24), (130, 32)], ids=["two-line rows", "one-line rows"])
async def test_quantities_and_prices_are_right_aligned_under_their_headings(demo_services, size):
    """As the headings and the amounts: each number (an empty price's placeholder too) ends where its heading
    ends, one cell short of the field's edge (the cursor's cell), focused or not; a click lands on the digit under
    the mouse."""
    from tui.devtools.screenshots import screen_text
    from tui.widgets.line_items import LineHeader

    app = ScreenApp(demo_services, lambda: InvoiceEditorScreen(DRAFT))
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        screen = editor(app)
        await pilot.press("ctrl+n")
        await settle(pilot)
        rows = screen.form.rows
        await type_into(pilot, rows[-1].query_one(".quantity", Input), "12.5")
        rows[0].query_one(".description", Input).focus()
        await settle(pilot)

        def shown(widget) -> str:
            r = widget.region
            return screen_text(app).splitlines()[r.y][r.x:r.right]

        headings = {str(h.render()): h for h in screen.query_one(LineHeader).query(".right")}
        for field, heading in (("quantity", "Qty"), ("unit_price", "Unit price")):
            assert shown(headings[heading]).endswith(f"{heading} ")
            for row in rows:
                field_input = row.query_one(f".{field}", Input)
                text = field_input.value or field_input.placeholder
                assert shown(field_input).endswith(f"{text} ") and shown(field_input).strip() == text, (field, text)
                assert field_input.region.right == headings[heading].region.right

        quantity = rows[-1].query_one(".quantity", Input)
        before = shown(quantity)
        await pilot.click(quantity, offset=(quantity.region.width - 4, 0))  # on the "2" of "12.5"
        await settle(pilot)
        assert app.focused is quantity and quantity.cursor_position == 1
        assert shown(quantity) == before  # the number stays put as the field takes the focus


async def test_six_lines_at_80x24_show_each_tax_rate_whole(demo_services):
    """Six lines make the editor scroll at 80x24: beside the scrollbar each tax rate still shows whole (10%)."""
    from tests.tui.test_fit import six_lines
    from tui.devtools.screenshots import screen_text

    six_lines(demo_services)
    app = ScreenApp(demo_services, lambda: InvoiceEditorScreen(DRAFT))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        form = editor(app).query_one("#form")
        assert form.max_scroll_y > 0  # the scrollbar is there
        for row in editor(app).form.rows:
            form.scroll_to_widget(row, animate=False)
            await settle(pilot)
            tax = row.query_one(".tax_type", Select)
            r = tax.region
            shown = screen_text(app).splitlines()[r.y][r.x:r.right]
            assert "GST on Income 10%" in shown, shown
