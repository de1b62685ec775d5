"""The sync screens under Pilot against the sandbox over HTTP (tests/fixtures/sync.py: one server, reset per test)."""

from __future__ import annotations

import pytest

from tests.connect.helpers import screen_text, wait_for
from tests.fixtures.sync import connect_business, make_invoice, send


# A pass asked for while one runs starts when that one ends, and beside two CPU burners (the slow tier's
# tests/syncui/test_reconnect_under_load.py) a pass with the Xero screen checking the connection meanwhile has
# taken seconds: wait for it as long as Sync now itself waits for a pass (tui.shell.sync_pass.ASK_TIMEOUT_S).
PASS_WAIT_S = 60.0


def sync_app(services):
    """The app with no poll timer: passes run at start-up and when nudged (``app.sync_now()``)."""
    from tui.app import TradieApp

    return TradieApp(services, sync_interval=None)


async def next_pass(pilot) -> None:
    """Ask for a pass now and wait until it, and any pass still running, has its result on screen."""
    app = pilot.app
    done = app.sync_scheduler.passes
    app.sync_now()
    try:
        await wait_for(pilot, lambda: app.sync_scheduler.passes > done, timeout=PASS_WAIT_S, what="a sync pass")
    except AssertionError as exc:
        raise AssertionError(f"{exc}\n{scheduler_state(app)}") from None
    await settled(pilot)


def scheduler_state(app) -> str:
    """Where the passes stand and what every thread is doing: what a pass that never came was waiting on."""
    import sys
    import threading
    import traceback

    scheduler = app.sync_scheduler
    lines = [f"passes {scheduler.passes}, a pass under way {scheduler._in_pass}, asked again {scheduler._again}",
             "workers: " + ", ".join(f"{w.name} ({w.group}) {w.state.name}" for w in app.workers)]
    names = {t.ident: t.name for t in threading.enumerate()}
    for ident, frame in sys._current_frames().items():
        lines.append(f"-- thread {names.get(ident, ident)}:\n" + "".join(traceback.format_stack(frame)[-8:]))
    return "\n".join(lines)


async def settled(pilot) -> None:
    """Every worker done; one cancelled meanwhile (a screen reloading for a newer change) is waited past."""
    from textual.worker import WorkerCancelled

    for _ in range(100):
        try:
            await pilot.app.workers.wait_for_complete()
            break
        except WorkerCancelled:
            continue
    await pilot.pause()


async def startup_pass(pilot) -> None:
    """Wait until the pass the app runs at start-up has its result on screen (however early it finished)."""
    app = pilot.app
    await wait_for(pilot, lambda: app.sync_scheduler.passes >= 1, what="the start-up sync pass")
    await settled(pilot)


def conflicted(c, number: str, ours: str = "Ours", theirs: str = "Theirs"):
    """An invoice sent and synced, then its Reference changed here (``ours``) and in Xero (``theirs``)."""
    inv = send(c.services, make_invoice(c.services, number=number))
    assert c.sync().ok
    inv = c.services.invoice(inv.id)
    inv.reference = ours
    c.services.save_invoice(inv)
    c.sb.control.edit_invoice(number, Reference=theirs)
    return inv


async def open_editor(pilot, invoice_id: int):
    """The invoice editor on ``invoice_id``, loaded and with its workers done."""
    from tui.screens.invoices.editor import InvoiceEditorScreen

    app = pilot.app
    app.open_invoice(invoice_id)
    editor = await wait_for(pilot, lambda: isinstance(app.screen, InvoiceEditorScreen) and app.screen.invoice
                            and app.screen, what="invoice editor")
    await app.workers.wait_for_complete()
    await pilot.pause()
    return editor


def header(app) -> str:
    return str(app.sync_status)


def header_is_red(app) -> bool:
    status = app.sync_status
    return "red" in str(getattr(status, "style", ""))


@pytest.fixture
def set_account_code():
    def set_code(services, tenant_id: str, category: str, code: str) -> None:
        from sqlmodel import select

        from tui.store.tables import AccountMappingRow

        with services.session() as s:
            row = s.exec(select(AccountMappingRow).where(AccountMappingRow.tenant_id == tenant_id,
                                                         AccountMappingRow.category == category)).one()
            row.account_code = code
            s.add(row)

    return set_code


__all__ = ["conflicted", "connect_business", "header", "header_is_red", "make_invoice", "next_pass", "open_editor",
           "screen_text", "startup_pass", "send", "sync_app", "wait_for"]
