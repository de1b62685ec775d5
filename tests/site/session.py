"""One staff member's app session on the shop server, run as that Unix user by the shop-server tests.

``python session.py ACTION [ARG]``: the real app (``TradieApp`` on the business the site config names, headless
at 80x24) does one thing the way its screens do it, then quits and prints, as JSON, what the person saw: the
header's sync status, who holds the sync lease, the invoices on the business's books.

Actions:
  set-up                 the business's details saved (Settings, Business details) and the Xero screen's revenue
                         accounts reviewed (as Back on that screen does)
  send NUMBER            a customer and an invoice NUMBER saved and sent (as the invoice editor's Send does)
  sync-now               Sync now, then wait for the pass it asked for
  take-over              wait until this session holds the sync lease and has run a pass of its own
"""

from __future__ import annotations

import asyncio
import json
import re
import sys
import time
from decimal import Decimal

SIZE = (80, 24)
DEADLINE_S = 90.0


async def _until(pilot, ready, what: str) -> None:
    deadline = time.monotonic() + DEADLINE_S
    while not ready():
        if time.monotonic() > deadline:
            raise SystemExit(f"session: gave up waiting for {what}")
        await pilot.pause(0.1)


def _holder(services) -> str | None:
    from tui.store.xero_connections import active_connection
    from tui.sync.lease import lease_holder

    with services.session() as s:
        conn = active_connection(s)
        held = lease_holder(s, conn.tenant_id, services.now()) if conn is not None else None
    return held.label if held else None


def _send(services, number: str) -> None:
    from tui.domain.customer import Customer
    from tui.domain.invoice import LineItem, RevenueCategory

    customer = services.save_customer(Customer(f"Customer of {number}", "olivia@example.com"))
    inv = services.new_invoice(customer.id)
    inv.lines = [LineItem("Labour", Decimal("2"), Decimal("95.00"), RevenueCategory.LABOUR)]
    inv.number = number
    inv.reference = "Blocked drain"
    services.send_invoice(services.save_invoice(inv))


async def run(action: str, arg: str) -> dict:
    from tests.connect.helpers import screen_text
    from tui import config
    from tui.app import TradieApp
    from tui.domain.business import BusinessDetails
    from tui.services import Services
    from tui.sync.lease import session_label

    services = Services(config.load())
    app = TradieApp(services)
    mine = session_label(services.user)
    async with app.run_test(size=SIZE) as pilot:
        scheduler = app.sync_scheduler
        await _until(pilot, lambda: scheduler.passes >= 1, "the start-up pass")
        await app.workers.wait_for_complete()
        if action == "set-up":
            await asyncio.to_thread(services.save_business, BusinessDetails(name="Harbour City Plumbing",
                                                                            email="accounts@hcp.example"))
            await asyncio.to_thread(services.connection.accounts_reviewed)
            action = "sync-now"  # what the Xero screen does once the accounts are reviewed
        elif action == "send":
            await asyncio.to_thread(_send, services, arg)
        if action in ("send", "sync-now"):
            done = scheduler.passes
            app.sync_now()
            await _until(pilot, lambda: scheduler.passes > done, "the pass asked for")
        elif action == "take-over":
            await _until(pilot, lambda: _holder(services) == mine and not scheduler._running,
                         "this session to hold the lease")
            done = scheduler.passes
            app.sync_now()
            await _until(pilot, lambda: scheduler.passes > done, "a pass of this session's")
        await app.workers.wait_for_complete()
        await pilot.pause()
        app.records_changed()  # To Do reloads, as after any pass that changed something
        await app.workers.wait_for_complete()
        await pilot.pause()
        return {"header": str(app.sync_status), "holder": await asyncio.to_thread(_holder, services), "me": mine,
                "invoices": sorted(set(re.findall(r"SHOP-\d+", screen_text(app))))}


if __name__ == "__main__":
    print(json.dumps(asyncio.run(run(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else ""))))
