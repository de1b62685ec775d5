"""The Outbox screen over a Maildir with known messages: the list, reading one, and its snapshot."""

from __future__ import annotations

import mailbox
from email.message import EmailMessage

import pytest
from tests.tui.screen_harness import ScreenApp, settle, text_of
from textual.widgets import DataTable

from tui.mail.transport import list_outbox
from tui.screens.invoices.outbox import OutboxScreen
from tui.devtools.screenshots import make_services

MESSAGES = [
    ("Mon, 23 Nov 2026 09:15:00 +1100", "Olivia Nguyen <olivia.nguyen@example.com>", "Tax Invoice INV-0012",
     "Hi Olivia,\n\nPlease find Tax Invoice INV-0012 for $1,210.00 attached.\n"),
    ("Wed, 25 Nov 2026 08:40:00 +1100", "Coastal Builders Pty Ltd <ap@coastalbuilders.example>",
     "Tax Invoice INV-0006", "Hello,\n\nTax Invoice INV-0006\nTotal $2,979.24 due 06/12/2026.\n"),
]


@pytest.fixture
def outbox_services(tmp_path):
    """Demo services whose outbox is a Maildir in tmp_path holding MESSAGES (shown under the usual path)."""
    folder = tmp_path / "outbox"
    box = mailbox.Maildir(folder, create=True)
    for date, to, subject, body in MESSAGES:
        msg = EmailMessage()
        msg["From"] = "Harbour City Plumbing <accounts@harbourcityplumbing.example>"
        msg["To"], msg["Subject"], msg["Date"] = to, subject, date
        msg.set_content(body)
        msg.add_alternative(f"<p>{body}</p>", subtype="html")
        box.add(msg)
    services = make_services(tmp_path / "demo")
    services.outbox = lambda: list_outbox(folder)
    return services


async def test_lists_newest_first_and_shows_the_text_part(outbox_services):
    app = ScreenApp(outbox_services, OutboxScreen)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        assert [[str(v) for v in table.get_row_at(i)] for i in range(table.row_count)] == [
            ["25/11/2026 08:40", "Coastal Builders Pty Ltd <ap@coastalbuilders.example>", "Tax Invoice INV-0006"],
            ["23/11/2026 09:15", "Olivia Nguyen <olivia.nguyen@example.com>", "Tax Invoice INV-0012"],
        ]
        await pilot.press("down", "enter")
        await settle(pilot)
        assert text_of(app.screen.query_one("#message-text")) == (
            "Date: 23/11/2026 09:15\nTo: Olivia Nguyen <olivia.nguyen@example.com>\nSubject: Tax Invoice INV-0012\n\n"
            + MESSAGES[0][3])


async def test_empty_outbox_says_so(tmp_path):
    app = ScreenApp(make_services(tmp_path / "demo"), OutboxScreen)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        assert text_of(app.screen.query_one("#message-text")).startswith("The outbox is empty.")


async def read_first(pilot) -> None:
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)


@pytest.mark.parametrize("size", [(100, 32), (80, 24)], ids=["100x32", "80x24"])
def test_outbox_snapshot(snap_compare, outbox_services, size):
    assert snap_compare(ScreenApp(outbox_services, OutboxScreen), terminal_size=size, run_before=read_first)
