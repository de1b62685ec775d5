"""One member of staff's app session for the race tests: the real app (TradieApp, headless at 80x24) on the
business's database, doing what a person does on the invoice editor at an instant shared with another session.

``python -m tests.send.session MODE BARRIER_DIR NAME OTHER ARG...`` prints, as JSON, a list with what the person
saw in each trial (the invoice's status and number, the editor's banner and the toasts):

  send ID...       open each draft, Ctrl+E, and at the barrier answer the confirmation (Send)
  number CUSTOMER TRIALS
                   open a new invoice for the customer, type a line, and at the barrier press Ctrl+S
  start            only start (and so finish the sends a killed process left), and say what the toasts said

The barrier is a file per session and trial in BARRIER_DIR: each session writes its own and waits for the other's.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path

SIZE = (80, 24)
DEADLINE_S = 60.0


async def until(pilot, ready, what: str) -> None:
    deadline = time.monotonic() + DEADLINE_S
    while not ready():
        if time.monotonic() > deadline:
            raise SystemExit(f"session: gave up waiting for {what}")
        await pilot.pause(0.02)


def barrier(folder: Path, trial: int, me: str, other: str) -> None:
    """Both sessions leave here together (within a millisecond or so)."""
    (folder / f"{trial}.{me}").touch()
    deadline = time.monotonic() + DEADLINE_S
    while not (folder / f"{trial}.{other}").exists():
        if time.monotonic() > deadline:
            raise SystemExit(f"session: {other} never reached the barrier of trial {trial}")
        time.sleep(0.0005)


async def settled(pilot, editor) -> None:
    await until(pilot, lambda: not editor.busy, "the editor to finish")
    await settled_app(pilot)


async def settled_app(pilot) -> None:
    from textual.worker import WorkerCancelled

    for _ in range(3):
        try:
            await pilot.app.workers.wait_for_complete()
        except WorkerCancelled:
            continue
        await pilot.pause()


def seen(app, editor) -> dict:
    from textual.widgets import Input

    from tui.widgets.field_error import FieldError

    errors = [e.message for e in editor.query(FieldError) if e.id != "banner" and e.message]
    return {
        "status": str(editor.query_one("#status").render()),
        "number": editor.query_one("#f-number", Input).value,
        "banner": editor.query_one("#banner", FieldError).message,
        "toasts": [f"{n.title}: {n.message}" for n in app._notifications],
        "errors": errors,
    }


async def run(mode: str, folder: Path, me: str, other: str, args: list[str]) -> list[dict]:
    from tui import config
    from tui.app import TradieApp
    from tui.screens.invoices.editor import InvoiceEditorScreen
    from tui.screens.invoices.send import SendInvoiceModal
    from tui.services import Services

    services = Services(config.load())
    app = TradieApp(services, cursor_blink=False, background_sync=False)
    results = []
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app._started_up, "To Do's first rows")
        if mode == "start":
            await until(pilot, lambda: bool(app.business_name), "the store to be loaded")
            await settled_app(pilot)
            results.append({"toasts": [f"{n.title}: {n.message}" for n in app._notifications]})
        trials = [int(a) for a in args] if mode == "send" else range(int(args[1])) if mode == "number" else []
        for trial, invoice_id in enumerate(trials):
            app.clear_notifications()
            if mode == "send":
                app.open_invoice(invoice_id)
            else:
                app.open_invoice(None, customer_id=int(args[0]))
            await until(pilot, lambda: isinstance(app.screen, InvoiceEditorScreen) and app.screen.invoice is not None
                        and app.screen.form.rows, "the invoice to open")
            editor = app.screen
            await settled(pilot, editor)
            if mode == "send":
                await pilot.press("ctrl+e")
                await until(pilot, lambda: isinstance(app.screen, SendInvoiceModal), "the Send dialog")
                await pilot.pause()
                barrier(folder, trial, me, other)
                await pilot.press("y")
            else:
                row = editor.form.rows[0]
                for field, text in ((".description", f"Job {trial} by {me}"), (".quantity", "1"),
                                    (".unit_price", "95")):
                    box = row.query_one(field)
                    box.focus()
                    await pilot.press("ctrl+u", "ctrl+k", *text)
                await pilot.pause()
                barrier(folder, trial, me, other)
                await pilot.press("ctrl+s")
            await pilot.pause()
            await settled(pilot, editor)
            results.append(seen(app, editor))
            app.pop_screen()
            await pilot.pause()
    services.close()
    return results


if __name__ == "__main__":
    from tests.fixtures.keys import install

    install()
    mode, folder, me, other, *rest = sys.argv[1:]
    print(json.dumps(asyncio.run(run(mode, Path(folder), me, other, rest))))
