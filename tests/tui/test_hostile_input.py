"""Hostile values typed or pasted into the real fields, on SQLite and on PostgreSQL: numbers in another script or
with Python's underscores, exponents, dates centuries away and control characters are refused at the field with
what was typed, and nothing is stored (on PostgreSQL a NUL used to end in a raw database error)."""

from __future__ import annotations

import pytest
from tests.conftest import FIXED_NOW
from tests.connect.helpers import wait_for
from tests.tui.screen_harness import ScreenApp, settle, type_into
from textual import events
from textual.widgets import Input

from tui.demo_data import seed_demo
from tui.screens.settings.business import BusinessScreen
from tui.screens.customers.editor import CustomerEditorScreen
from tui.screens.invoices.editor import InvoiceEditorScreen
from tui.screens.payments.record import RecordPaymentScreen
from tui.services import Services

SENT, DRAFT = 2, 6  # demo invoices: a sent one with nothing paid, and a draft


@pytest.fixture(params=["sqlite", "postgres"])
def shop(request, env):
    """The demo business on a fresh SQLite file, or on a throw-away PostgreSQL database."""
    from tui import config

    overrides = {"database_url": request.getfixturevalue("postgres_url")} if request.param == "postgres" else {}
    services = Services(config.load(overrides=overrides), now=lambda: FIXED_NOW, user="sam")
    seed_demo(services)
    yield services
    services.close()


async def enter(pilot, box: Input | str, text: str) -> Input:
    """Put ``text`` in a field as a person would: typed key by key, or pasted when it holds what no key types."""
    if isinstance(box, str):
        box = pilot.app.screen.query_one(box, Input)
    if text.isprintable():
        await type_into(pilot, box, text)
        return box
    box.focus()
    await pilot.pause()
    await pilot.press("ctrl+u", "ctrl+k")
    box.post_message(events.Paste(text))
    await pilot.pause()
    assert box.value == text.splitlines()[0]
    return box


HOSTILE_NUMBERS = [
    ("1_5", "'1_5' is not a number"),  # Python's Decimal reads 15
    ("\u0661\u0662", "'\u0661\u0662' is not a number: type the digits 0-9"),  # Arabic-Indic 12
    ("\uff11\uff12", "'\uff11\uff12' is not a number: type the digits 0-9"),  # full-width 12
    ("1e30", "'1e30' is not a number"),  # was "[<class 'decimal.InvalidOperation'>]"
    ("1\x005", "'1\u24005' is not a number"),
]


async def test_record_payment_refuses_hostile_amounts_dates_and_references(shop):
    due = shop.invoice(SENT).amount_due
    cases = [("amount", text, message) for text, message in HOSTILE_NUMBERS] + [
        ("date", "01/01/9999", "'01/01/9999' is more than a year ahead: a date up to 25/11/2027"),
        ("date", "\u0662\u0665/11/2026", "is not a date: use DD/MM/YYYY"),
        ("reference", "receipt\x00 7", "The reference holds a control character (NUL) at character 8"),
        ("reference", "\x1b]0;owned\x07", "The reference holds a control character (ESC) at character 1"),
    ]
    app = ScreenApp(shop, lambda: RecordPaymentScreen(SENT))
    async with app.run_test(size=(100, 32)) as pilot:
        dialog = await wait_for(pilot, lambda: app.screen.opened and app.screen, what="the dialog")
        for field, text, message in cases:
            box = await enter(pilot, f"#f-{field}", text)
            await pilot.press("ctrl+s")
            error = await wait_for(pilot, lambda: dialog.query_one(f"#e-{field}").message, what=f"{field} {text!r}")
            assert message in error, (text, error)
            assert "\x00" not in error and "\x1b" not in error
            assert shop.payments(SENT) == [], text
            box.value = {"amount": f"{due:,.2f}", "date": "25/11/2026", "reference": ""}[field]
            await pilot.pause()
    assert shop.payments(SENT) == []


async def test_invoice_editor_refuses_hostile_quantities_prices_and_text(shop):
    before = shop.invoice(DRAFT)
    cases = [("quantity", text, f"Qty: {message}") for text, message in HOSTILE_NUMBERS] + [
        ("unit_price", text, f"Unit price: {message}") for text, message in HOSTILE_NUMBERS] + [
        ("description", "Tap\x00washer", "Description: The description holds a control character (NUL)"),
        ("description", "\x1b[2J\x1b]0;owned\x07Tap", "Description: The description holds a control character (ESC)"),
        ("reference", "PO\x9b1", "The reference holds a control character (U+009B) at character 3"),
        ("issue_date", "01/01/9999", "'01/01/9999' is more than a year ahead"),
        ("due_date", "01/01/9999", "'01/01/9999' is more than 2 years ahead: a date up to 25/11/2028"),
    ]
    app = ScreenApp(shop, lambda: InvoiceEditorScreen(DRAFT))
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        screen = app.screen
        for field, text, message in cases:
            on_line = field in ("quantity", "unit_price", "description")
            box = screen.form.rows[0].query_one(f".{field}", Input) if on_line else screen.query_one(f"#f-{field}",
                                                                                                     Input)
            original = box.value
            await enter(pilot, box, text)
            await pilot.press("ctrl+s")
            await settle(pilot)
            shown = screen.form.rows[0].query_one("FieldError") if on_line else screen.query_one(f"#e-{field}")
            assert message in shown.message, (text, shown.message)
            assert shop.invoice(DRAFT) == before, text
            box.value = original
            await pilot.pause()
    assert shop.invoice(DRAFT) == before


async def test_customer_editor_refuses_control_characters(shop):
    before = shop.customer(1)
    cases = [("name", "Jo\x00Smith", "The name holds a control character (NUL) at character 3"),
             ("address", "1 Main St\x1b]0;owned\x07", "The address holds a control character (ESC) at character 10"),
             ("phone", "0412\x9b555", "The phone number holds a control character (U+009B)"),
             ("last_name", "Ng\tuyen", "The last name holds a control character (tab) at character 3"),
             ("postal_address", "PO Box 1\x00", "The postal address holds a control character (NUL) at character 9")]
    app = ScreenApp(shop, lambda: CustomerEditorScreen(1))
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        screen = app.screen
        for field, text, message in cases:
            box = screen.query_one(f"#f-{field}", Input)
            original = box.value
            await enter(pilot, box, text)
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert message in screen.query_one(f"#e-{field}").message, text
            assert not screen.query_one("#banner").message, "no database error"
            assert shop.customer(1) == before
            box.value = original
            await pilot.pause()


async def test_business_details_refuse_control_characters(shop):
    before = shop.business()
    app = ScreenApp(shop, BusinessScreen)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await enter(pilot, "#name", "Acme\x07Plumbing")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "The business name holds a control character (BEL)" in str(app.screen.query_one("#error-name").render())
        assert shop.business() == before


def test_a_new_number_for_a_clash_refuses_control_characters(shop):
    """The Sync screen's answer to a number clash (a free-text prompt) is refused with the others."""
    from tui.domain.errors import ValidationError

    before = shop.invoice(SENT)
    with pytest.raises(ValidationError, match=r"The number holds a control character \(NUL\) at character 5"):
        shop.sync.renumber(SENT, "INV-\x000199")
    assert shop.invoice(SENT) == before
