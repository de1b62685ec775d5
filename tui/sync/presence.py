"""What the sync service's cadence (:mod:`tui.sync.cadence`) reads from the database: the app sessions open (each
renews its row at every poll, about once a minute) and the last change: one queued here, a pass asked for, or a
pass that moved something."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from tui.store.sync_tables import AppPresenceRow, SyncOutboxRow, SyncRequestRow, SyncStateRow
from tui.sync.cadence import Activity

STALE = timedelta(minutes=3)  # a session that has not renewed its row for this long has gone (killed, cut off)


def here(s: Session, holder: str, label: str, now: datetime) -> bool:
    """Renew this session's row; True when the session was not open before (it just opened)."""
    row = s.get(AppPresenceRow, holder)
    opened = row is None or now - row.seen_at > STALE
    if row is None:
        row = AppPresenceRow(holder=holder, label=label, seen_at=now)
    row.label, row.seen_at = label, now
    s.add(row)
    return opened


def gone(s: Session, holder: str) -> None:
    s.execute(delete(AppPresenceRow).where(col(AppPresenceRow.holder) == holder))


def activity(s: Session, now: datetime) -> Activity:
    sessions = s.exec(select(func.count()).select_from(AppPresenceRow).where(
        col(AppPresenceRow.seen_at) > now - STALE)).one()
    times = [s.exec(select(func.max(SyncStateRow.last_change_at))).one(),
             s.exec(select(func.max(SyncOutboxRow.updated_at))).one(),
             s.exec(select(func.max(SyncRequestRow.requested_at))).one()]
    known = [t for t in times if t is not None]
    return Activity(sessions, max(known) if known else None)


def heartbeat(engine, tenant_id: str | None, holder: str, label: str, now: datetime) -> None:
    """An app session's poll: renew its row; a session that just opened asks the sync for a pass at once."""
    from tui.store.db import session
    from tui.store.pass_requests import request_pass

    with session(engine) as s:
        if here(s, holder, label, now) and tenant_id:
            request_pass(s, tenant_id, label, now)


def next_wait(engine, now: datetime) -> tuple[float, str]:
    """The sync service's wait before its next pass, and the cadence's word for it."""
    from tui.store.db import session
    from tui.store.tables import BusinessRow
    from tui.sync.cadence import interval, mode

    with session(engine) as s:
        seen = activity(s, now)
        business = s.get(BusinessRow, 1)
        tz = business.time_zone if business else "Australia/Sydney"
    return interval(now, seen, tz), mode(now, seen, tz)
