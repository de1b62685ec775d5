"""Sending an invoice from the editor: a real SMTP server (aiosmtpd), a closed port, and the local outbox."""

from __future__ import annotations

import re
from email import message_from_bytes, policy

from tests.conftest import FIXED_NOW
from tests.fixtures.net import free_port
from tests.tui.screen_harness import ScreenApp, settle, text_of, type_into
from textual.widgets import DataTable

from tui.demo_data import seed_demo
from tui.domain.invoice import InvoiceStatus
from tui.screens.invoices.editor import InvoiceEditorScreen
from tui.screens.invoices.outbox import OutboxScreen
from tui.screens.invoices.send import SendInvoiceModal
from tui.services import Services

DRAFT = 6  # the demo's draft for Coastal Builders Pty Ltd
TO = "ap@coastalbuilders.example"


def services_mailing_to(env, monkeypatch, port: int | None) -> Services:
    """Demo data, mail by SMTP on a loopback port (None: the local outbox folder)."""
    from tui import config

    if port is not None:
        monkeypatch.setenv("TRADIECORE_MAIL_HOST", "127.0.0.1")
        monkeypatch.setenv("TRADIECORE_MAIL_PORT", str(port))
        monkeypatch.setenv("TRADIECORE_MAIL_STARTTLS", "false")
    services = Services(config.load(), now=lambda: FIXED_NOW, user="sam")
    seed_demo(services)
    return services


def toasts(app) -> list[str]:
    return [f"{n.title}: {n.message}" for n in app._notifications]


async def send(pilot) -> None:
    await pilot.press("ctrl+e")
    await settle(pilot)
    assert isinstance(pilot.app.screen, SendInvoiceModal)
    assert f"Coastal Builders Pty Ltd <{TO}>" in text_of(pilot.app.screen.query_one("#question"))
    await pilot.press("y")
    await settle(pilot)


async def test_send_by_smtp_saves_first_then_moves_draft_to_sent(env, monkeypatch, smtp_server):
    port, inbox = smtp_server
    services = services_mailing_to(env, monkeypatch, port)
    app = ScreenApp(services, lambda: InvoiceEditorScreen(DRAFT))
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        screen = app.screen
        await type_into(pilot, "#f-reference", "Lot 12 Mayfield, stage 1")
        await send(pilot)
        assert app.screen is screen
        assert text_of(screen.query_one("#status")) == "Sent"
        assert any(t.startswith(f"Sent to {TO}") for t in toasts(app))
        assert not screen.dirty
    assert len(inbox.envelopes) == 1
    envelope = inbox.envelopes[0]
    assert envelope.rcpt_tos == [TO]
    message = message_from_bytes(envelope.content, policy=policy.default)
    assert "Tax Invoice" in message["Subject"]
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "tax invoice inv-0106" in text.lower() and "$2,979.24" in text
    stored = services.invoice(DRAFT)
    assert stored.status is InvoiceStatus.SENT
    assert stored.sent_to == TO
    assert stored.reference == "Lot 12 Mayfield, stage 1"


async def test_send_to_a_closed_port_leaves_a_draft_with_the_reason(env, monkeypatch):
    services = services_mailing_to(env, monkeypatch, free_port())  # nothing listens there
    app = ScreenApp(services, lambda: InvoiceEditorScreen(DRAFT))
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await send(pilot)
        screen = app.screen
        assert text_of(screen.query_one("#status")) == "Draft"
        banner = screen.query_one("#banner").message
        assert banner.startswith("Not sent: ") and "127.0.0.1" in banner
        assert any(t.startswith("Not sent: the invoice is still a draft") for t in toasts(app))
        # still a draft: it can be edited and saved
        await type_into(pilot, "#f-reference", "Resend later")
        await pilot.press("ctrl+s")
        await settle(pilot)
        # opened again later, the draft still says why it was not sent
        app.push_screen(InvoiceEditorScreen(DRAFT))
        await settle(pilot)
        banner = app.screen.query_one("#banner").message
        assert banner.startswith("Not sent yet: the last attempt failed: ") and "127.0.0.1" in banner
    stored = services.invoice(DRAFT)
    assert stored.status is InvoiceStatus.DRAFT
    assert stored.reference == "Resend later"
    assert "127.0.0.1" in services.send_error(DRAFT)


async def test_send_into_the_outbox_then_read_it_there(env, monkeypatch):
    services = services_mailing_to(env, monkeypatch, None)
    app = ScreenApp(services, lambda: InvoiceEditorScreen(DRAFT))
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await send(pilot)
        assert text_of(app.screen.query_one("#status")) == "Sent"
        assert list((services.cfg.outbox_dir / "new").iterdir())
        app.push_screen(OutboxScreen())
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        assert table.row_count == 1
        when, to, subject = map(str, table.get_row_at(0))
        assert re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d", when)  # the message's Date, in Sydney time
        assert TO in to and "Tax Invoice" in subject
        await pilot.press("enter")
        await settle(pilot)
        text = text_of(app.screen.query_one("#message-text"))
        assert "tax invoice inv-0106" in text.lower()
    assert services.invoice(DRAFT).status is InvoiceStatus.SENT


async def test_a_stored_email_xero_would_refuse_stops_the_send_at_the_customer_field(env, monkeypatch):
    """A customer saved before emails were checked at the field: the send says so there and delivers nothing."""
    import sqlalchemy as sa

    services = services_mailing_to(env, monkeypatch, None)
    customer_id = services.invoice(DRAFT).customer_id
    with services.session() as s:
        s.execute(sa.text("UPDATE customer SET email = :e WHERE id = :i"), {"e": f"<{TO}>", "i": customer_id})
    app = ScreenApp(services, lambda: InvoiceEditorScreen(DRAFT))
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+e")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert app.screen.query_one("#e-customer").message == (
            "Coastal Builders Pty Ltd's email address needs fixing before sending: "
            "Enter just the address, like name@example.com (no name, spaces, quotes or < >)")
    assert not (services.cfg.outbox_dir / "new").exists() or not list((services.cfg.outbox_dir / "new").iterdir())
    assert services.invoice(DRAFT).status is InvoiceStatus.DRAFT
