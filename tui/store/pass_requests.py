"""Passes asked of the sync lease holder: the half that asks (an app session, ``tradiecore sync --once``) and
reads the answer.

A process that does not hold an organisation's sync lease does not sync; it writes a request row and the holder
runs a pass for it: the holder checks for open requests at least every second, and on PostgreSQL it is woken
at once by a ``NOTIFY`` on :data:`CHANNEL`, sent when the request commits. The half that claims and answers
requests is the sync's (:mod:`tui.sync.pass_requests`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import text
from sqlmodel import Session

from tui.store.sync_tables import SyncRequestRow

CHANNEL = "tradiecore_sync"  # PostgreSQL LISTEN/NOTIFY channel; the payload is the organisation's tenant id


@dataclass(frozen=True)
class PassRequest:
    id: int
    requested_at: datetime
    started_at: datetime | None
    done_at: datetime | None
    ok: bool | None
    message: str  # the pass's line, e.g. "Synced: sent 2 (pending 0, calls 3)"
    served_by: str  # the holder's lease label

    @property
    def done(self) -> bool:
        return self.done_at is not None


def request_pass(s: Session, tenant_id: str, requested_by: str, now: datetime, handover: bool = False) -> int:
    """Ask the holder of ``tenant_id``'s lease for a pass; its id, to wait on with :func:`get_request`. Inside the
    caller's transaction: the holder is notified (PostgreSQL) when it commits. ``handover`` (the sync service
    asking an app session): and then let go of the lease, for the asker to take."""
    row = SyncRequestRow(tenant_id=tenant_id, requested_at=now, requested_by=requested_by, handover=handover)
    s.add(row)
    s.flush()
    if s.get_bind().dialect.name == "postgresql":
        s.execute(text("SELECT pg_notify(:channel, :tenant)"), {"channel": CHANNEL, "tenant": tenant_id})
    return row.id


def get_request(s: Session, request_id: int) -> PassRequest | None:
    row = s.get(SyncRequestRow, request_id)
    if row is None:
        return None
    return PassRequest(row.id, row.requested_at, row.started_at, row.done_at, row.ok, row.message, row.served_by)
