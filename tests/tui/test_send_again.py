"""Sending a sent (or paid) invoice again: the same email, a note in the activity log, nothing for Xero."""

from __future__ import annotations

import re
from email import message_from_bytes, policy

import pytest
from tests.tui.screen_harness import ScreenApp, settle, text_of
from tests.fixtures.net import free_port
from tests.tui.test_send_invoice import DRAFT, TO, services_mailing_to, toasts

from tui.domain.errors import TransitionError, ValidationError
from tui.domain.invoice import InvoiceStatus
from tui.mail.errors import MailError
from tui.screens.invoices.editor import InvoiceEditorScreen
from tui.screens.invoices.send import SendAgainModal

SENT, PAID = 4, 3  # the demo's INV-0104 (Bondi Beach Cafe) and INV-0103, paid
SENT_TO = "owner@bondibeachcafe.example"


def queue_state(services, invoice_id: int):
    from tui.sync.outbox import get_entry, pending_count

    with services.session() as s:
        return pending_count(s), get_entry(s, "invoice", invoice_id)


def activity(services) -> list[str]:
    return [row.message for row in services.sync.log()]


def parts(envelope):
    message = message_from_bytes(envelope.content, policy=policy.default)
    pdf = next(p for p in message.iter_attachments() if p.get_content_type() == "application/pdf")
    return message["Subject"], message.get_body(preferencelist=("plain",)).get_content(), pdf.get_content()


def test_send_again_mails_the_same_invoice_and_pdf_logs_it_and_leaves_xero_alone(env, monkeypatch, smtp_server):
    port, inbox = smtp_server
    services = services_mailing_to(env, monkeypatch, port)
    first = services.invoice(DRAFT)
    services.send_invoice(first)
    sent = services.invoice(DRAFT)
    before = queue_state(services, DRAFT)

    services.send_again(DRAFT)

    assert len(inbox.envelopes) == 2
    assert inbox.envelopes[1].rcpt_tos == [TO]
    subject1, text1, pdf1 = parts(inbox.envelopes[0])
    subject2, text2, pdf2 = parts(inbox.envelopes[1])
    assert subject2 == subject1 and "tax invoice inv-0106" in text2.lower()
    assert pdf2 == pdf1
    assert activity(services)[0] == f"INV-0106 sent again to {TO} by sam"
    assert queue_state(services, DRAFT) == before  # no new sync queue entry, the pending one untouched
    after = services.invoice(DRAFT)
    assert after.status is InvoiceStatus.SENT
    assert (after.version, after.sent_to, after.sent_at) == (sent.version, sent.sent_to, sent.sent_at)


def test_a_paid_invoice_can_be_sent_again_as_a_copy(env, monkeypatch, smtp_server):
    port, inbox = smtp_server
    services = services_mailing_to(env, monkeypatch, port)
    services.send_again(PAID)
    assert len(inbox.envelopes) == 1
    assert "inv-0103" in parts(inbox.envelopes[0])[1].lower()
    assert services.invoice(PAID).status is InvoiceStatus.PAID
    assert activity(services)[0].startswith("INV-0103 sent again to ")


def test_a_voided_or_draft_invoice_is_not_sent_again(env, monkeypatch, smtp_server):
    port, inbox = smtp_server
    services = services_mailing_to(env, monkeypatch, port)
    services.void_invoice(services.invoice(SENT))
    with pytest.raises(TransitionError, match="voided"):
        services.send_again(SENT)
    with pytest.raises(TransitionError, match="draft"):
        services.send_again(DRAFT)
    assert inbox.envelopes == []
    assert not any("sent again" in m for m in activity(services))


def test_a_failed_resend_saves_nothing(env, monkeypatch):
    services = services_mailing_to(env, monkeypatch, free_port())  # nothing listens there
    before = services.invoice(SENT)
    queued = queue_state(services, SENT)
    with pytest.raises(MailError):
        services.send_again(SENT)
    after = services.invoice(SENT)
    assert (after.version, after.status) == (before.version, InvoiceStatus.SENT)
    assert services.send_error(SENT) == ""
    assert queue_state(services, SENT) == queued
    assert not any("sent again" in m for m in activity(services))


def test_no_email_on_the_customer_says_so(env, monkeypatch):
    import sqlalchemy as sa

    services = services_mailing_to(env, monkeypatch, None)
    with services.session() as s:
        s.execute(sa.text("UPDATE customer SET email = '' WHERE id = :i"), {"i": services.invoice(SENT).customer_id})
    with pytest.raises(ValidationError, match="has no email address"):
        services.send_again(SENT)


# -- the editor -----------------------------------------------------------------------------------------------
async def open_sent(pilot) -> InvoiceEditorScreen:
    await settle(pilot)
    screen = pilot.app.screen
    await pilot.press("ctrl+e")
    await settle(pilot)
    assert isinstance(pilot.app.screen, SendAgainModal)
    assert text_of(pilot.app.screen.query_one("#question")).startswith(
        f"Send INV-0104 again to Bondi Beach Cafe <{SENT_TO}>?")
    return screen


# key on the question, the mail server listening, the banner after (a regex), the activity log's line
ANSWERS = {
    "enter sends again": ("enter", True, "", f"INV-0104 sent again to {SENT_TO} by sam"),
    "escape cancels": ("escape", True, "", None),
    "a failure is said in the banner": ("enter", False, r"Not sent again: .*127\.0\.0\.1.*", None),
}


@pytest.mark.parametrize("key, listening, banner, logged", ANSWERS.values(), ids=ANSWERS.keys())
async def test_ctrl_e_on_a_sent_invoice_asks_first(env, monkeypatch, smtp_server, key, listening, banner, logged):
    port, inbox = smtp_server
    services = services_mailing_to(env, monkeypatch, port if listening else free_port())  # else nothing listens
    app = ScreenApp(services, lambda: InvoiceEditorScreen(SENT))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_sent(pilot)
        await pilot.press(key)
        await settle(pilot)
        assert app.screen is screen
        assert text_of(screen.query_one("#status")) == "Sent"
        assert re.fullmatch(banner, screen.query_one("#banner").message)
        assert any(t.startswith(f"Sent again to {SENT_TO}") for t in toasts(app)) == bool(logged)
    assert [e.rcpt_tos for e in inbox.envelopes] == ([[SENT_TO]] if logged else [])
    assert [m for m in activity(services) if "sent again" in m] == ([logged] if logged else [])


REFUSALS = {  # voided before the editor opens, typed into it unsaved, the banner after Ctrl+E
    "voided": (True, "", "This invoice is voided: it cannot be sent again"),
    "unsaved changes": (False, "Changed",
                        "Save your changes first (Ctrl+S): what is sent again is the invoice as saved"),
}


@pytest.mark.parametrize("voided, typed, banner", REFUSALS.values(), ids=REFUSALS.keys())
async def test_ctrl_e_that_cannot_send_again_says_why_and_sends_nothing(env, monkeypatch, smtp_server, voided, typed,
                                                                          banner):
    from tests.tui.screen_harness import type_into

    port, inbox = smtp_server
    services = services_mailing_to(env, monkeypatch, port)
    if voided:
        services.void_invoice(services.invoice(SENT))
    app = ScreenApp(services, lambda: InvoiceEditorScreen(SENT))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        if typed:
            await type_into(pilot, "#f-reference", typed)
        await pilot.press("ctrl+e")
        await settle(pilot)
        assert isinstance(app.screen, InvoiceEditorScreen)
        assert app.screen.query_one("#banner").message == banner
    assert inbox.envelopes == []
    assert not any("sent again" in m for m in activity(services))
