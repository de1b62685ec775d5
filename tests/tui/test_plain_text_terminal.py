"""A customer whose name holds terminal control sequences (as Xero or an older row may hand over) is drawn as
text on every screen that shows customers: the real ``tradiecore run`` in a pseudo-terminal, its output read
byte for byte. Before the app's line filter, To Do alone wrote ``ESC]0;...`` (which retitles the window) raw."""

from __future__ import annotations

import os
import sqlite3
import sys

from tui.bench.pty_run import PtySession

# OSC 0 (set the window title), C1 CSI (reverse video), NUL: none may reach the terminal as they are
HOSTILE = "Aardvark\x1b]0;PWNED\x07 Plumbing \x9b7m\x00Co"
RAW = {"OSC 0": b"\x1b]0;PWNED", "C1 CSI": b"\xc2\x9b", "NUL": b"\x00"}
SHOWN = "Aardvark]0;PWNED Plumbing"  # the name on screen, less its control characters (a list may cut its end)

ENTER, ESC, F2, F6, CTRL_E, CTRL_O = b"\r", b"\x1b", b"\x1bOQ", b"\x1b[17~", b"\x05", b"\x0f"


def _raw_in(output: bytes) -> list[str]:
    return [name for name, raw in RAW.items() if raw in output]


def test_a_hostile_customer_name_is_text_on_every_screen(demo_services, cfg):
    first = next(group.rows[0] for group in demo_services.todo() if group.rows)
    customer_id = demo_services.invoice(first.id).customer_id
    with sqlite3.connect(cfg.database_url.removeprefix("sqlite:///")) as db:  # as a pull from Xero could store it
        db.execute("UPDATE customer SET name = ? WHERE id = ?", (HOSTILE, customer_id))
    session = PtySession([sys.executable, "-m", "tui", "run"], dict(os.environ), cols=100, rows=30)
    editor = f"Invoice {first.number}"
    steps = [  # (a key, a text the screen it leads to shows, a text the one before showed that a screen (not a
        # dialog over it) hides, what that screen is: None for one that shows no customer)
        (b"", "Drafts to send", "", "To Do's list"),
        (b"c", "8 customers", "Drafts to send", "Customers"),
        (ENTER, "Ctrl+S saves; Escape goes back", "8 customers", "the customer editor"),
        (ESC, "8 customers", "Ctrl+S saves", "Customers again"),
        (b"i", "Prices entered", "8 customers", "a new invoice for the customer"),
        (F2, "Type to filter by name or email", "", "the customer picker"),
        (ESC, "Prices entered", "Type to filter", "the new invoice again"),
        (ESC, "8 customers", "Prices entered", "Customers once more"),
        (ESC, "Drafts to send", "8 customers", "To Do again"),
        (ENTER, editor, "Drafts to send", "the invoice editor"),
        (F6, "Record a payment on", "", "the record payment dialog"),
        (ESC, editor, "Record a payment on", "the invoice editor again"),
        (CTRL_E, "again to", "", "the send again dialog"),
        (b"y", "Sent again to", "The same invoice and PDF as before", "the invoice editor, sent again"),
        (ESC, "Drafts to send", "Prices entered", "To Do once more"),
        (b"s", "Enter opens the highlighted setting", "Drafts to send", None),  # on the way to the outbox
        (b"e", "SMTP password", "Enter opens the highlighted setting", None),
        (CTRL_O, "Outbox folder:", "SMTP password", "the outbox, the email to the customer listed"),
        (ENTER, "Subject: Tax Invoice", "Press Enter to read one", "the email, read"),
    ]
    try:
        for key, shows, gone, what in steps:
            before = len(session.output)
            if key:
                session.send(key)
            seen = session.wait_until(lambda screen, shows=shows, gone=gone, what=what: screen.shows(shows) and (
                what is None or screen.shows(SHOWN)) and not (gone and screen.shows(gone)), timeout=30)
            assert seen is not None, f"{what}: not shown, or the name not as text:\n" + "\n".join(
                session.screen.lines())
            wrote = _raw_in(bytes(session.output[before:]))
            assert not wrote, f"{what} wrote {wrote} raw to the terminal"
    finally:
        session.close()
    assert not _raw_in(bytes(session.output))


def test_log_lines_and_status_write_control_characters_as_signs(services, caplog):
    import logging
    import subprocess
    from datetime import datetime, timezone

    from tui.store.tables import XeroConnectionRow
    from tui.ops.sync import PlainFormatter

    record = logging.LogRecord("tui.sync", logging.WARNING, __file__, 1, "Xero refused %s", (HOSTILE,), None)
    line = PlainFormatter("%(levelname)s %(message)s").format(record)
    assert line == "WARNING Xero refused Aardvark\u241b]0;PWNED\u2407 Plumbing \ufffd7m\u2400Co"

    services.business()  # the database, migrated
    with services.session() as s:  # an organisation's name as Xero could send it
        s.add(XeroConnectionRow(tenant_id="t-1", tenant_name=HOSTILE, kind="custom",
                                connected_at=datetime.now(timezone.utc)))
        s.commit()
    out = subprocess.run([sys.executable, "-m", "tui", "status"], capture_output=True, env=dict(os.environ),
                         timeout=60)
    assert b"Aardvark\xe2\x90\x9b]0;PWNED" in out.stdout, out.stdout  # ␛ in UTF-8
    assert not _raw_in(out.stdout + out.stderr)
