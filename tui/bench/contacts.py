"""The contacts part of ``python -m tui.bench sync``: contacts changed in Xero read back in pages of 100, and the
calls of a day with no session open and nothing changed, from the cadence (:mod:`tui.sync.cadence`) and the
calls of an idle pass measured here (invoices and contacts read, nothing to send)."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from tui.sync.cadence import idle_day_passes

IDLE_DAY_TARGET = 500


@dataclass(frozen=True)
class ContactsBench:
    changed: int
    pulled: int
    calls: int  # GET Contacts of the pass that read them
    idle_pass_calls: int  # calls of an idle pass that reads contacts too
    idle_day_calls: int
    idle_pass_endpoints: dict

    @property
    def ok(self) -> bool:
        return self.pulled == self.changed and self.calls <= math.ceil(self.pulled / 100) + 1 \
            and self.idle_day_calls <= IDLE_DAY_TARGET


def bench_contacts(sb, engine, factory, total, count: int = 300) -> ContactsBench:
    """``count`` customers' contacts edited in Xero (their phone), then one pass; then an idle pass an hour on."""
    from sqlalchemy import func
    from sqlmodel import col, select

    from tui.store.tables import CustomerRow
    from tui.sync.runner import SyncRunner

    with engine.connect() as conn:
        linked = [row[0] for row in conn.execute(select(CustomerRow.xero_contact_id).where(
            col(CustomerRow.xero_contact_id).is_not(None)).order_by(col(CustomerRow.id)).limit(count))]
    for i, contact_id in enumerate(linked):
        sb.control("POST", f"contacts/{contact_id}/edit",
                   {"fields": {"Phones": [{"PhoneType": "DEFAULT", "PhoneNumber": f"02 9{i:03d} 0000"}]}})
    start = datetime.now(timezone.utc)

    def runner_at(minutes: float) -> SyncRunner:
        return SyncRunner(engine, api_factory=factory, label="bench contacts",
                          now=lambda: datetime.now(timezone.utc) + timedelta(minutes=minutes))

    runner = runner_at(2)  # a minute after the last read: contacts are due
    try:
        sb.reset()
        runner.run_once()
        calls = sb.counters().get("requests", {}).get("GET /api.xro/2.0/contacts", 0)
    finally:
        runner.close()
    with engine.connect() as conn:  # the customers whose phone is Xero's new one
        pulled = conn.execute(select(func.count()).select_from(CustomerRow).where(
            col(CustomerRow.phone).like("02 9% 0000"))).scalar_one()
    # The day's last change, a second later: a read asks from a second before its newest change (what changed in
    # that second comes back again, already applied), so this is the day's last second, not the 300 edits'.
    time.sleep(1.1)
    sb.control("POST", f"contacts/{linked[0]}/edit", {"fields": {"EmailAddress": "last.change@example.com"}})
    idle_calls = 0
    for minutes in (10, 30):  # the first reads that change; the second is a pass of a day when nothing changes
        runner = runner_at(minutes)  # within the hour of the revenue accounts' check: that is counted apart
        try:
            sb.reset()
            runner.run_once()
            idle_calls = total(sb.counters())
            by_endpoint = dict(sb.counters().get("requests", {}))
        finally:
            runner.close()
    day = idle_day_passes(start.replace(hour=13, minute=0, second=0, microsecond=0), "Australia/Sydney")
    return ContactsBench(len(linked), pulled, calls, idle_calls, day * idle_calls + 24, by_endpoint)
