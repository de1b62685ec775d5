"""One syncer per organisation: a lease row in the shared database, renewed while the holder works.

Any process (the app's background worker on each staff member's terminal, ``tradiecore sync`` on the
server, on one machine or several sharing PostgreSQL) may try; exactly one holds the lease at a time. The
others read who holds it (to show "by the sync service" or "by sam" in their header) and ask the holder for a
pass (:mod:`tui.sync.requests`). A holder that quits releases the lease and the others take it over within a
second or two; one that dies stops renewing, and its lease expires after ``ttl`` (at once, for a process on the
same machine that is gone).

The label says who syncs: :func:`service_label` ("the sync service on shop-server (pid 4711)") for
``tradiecore sync``, :func:`session_label` ("sam on shop-server (pid 4711)") for an app session.
"""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from tui.clock import utc_now
from tui.store.sync_tables import SyncLeaseRow

DEFAULT_TTL = timedelta(seconds=90)


@dataclass(frozen=True)
class LeaseHolder:
    holder: str
    label: str
    acquired_at: datetime
    expires_at: datetime


SERVICE = "the sync service"


def service_label() -> str:
    """The lease label of ``tradiecore sync``: "the sync service on HOST (pid N)"."""
    return f"{SERVICE} on {socket.gethostname()} (pid {os.getpid()})"


def session_label(user: str = "") -> str:
    """The lease label of an app session: "sam on HOST (pid N)"."""
    return f"{user or 'someone'} on {socket.gethostname()} (pid {os.getpid()})"


def holder_name(label: str) -> str:
    """Who, without where: "the sync service", "sam" (a label of another form loses only its "(pid N)")."""
    if " on " in label:
        return label.split(" on ", 1)[0]
    return label.split(" (pid ", 1)[0]


class Lease:
    """``acquire()`` / ``renew()`` / ``release()`` on one organisation's lease row, each its own transaction."""

    def __init__(self, engine, tenant_id: str, label: str | None = None, ttl: timedelta = DEFAULT_TTL, now=None):
        self.engine = engine
        self.tenant_id = tenant_id
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex}"
        self.label = label or session_label()
        self.ttl = ttl
        self.now = now or utc_now

    def acquire(self) -> bool:
        """Take the lease if it is free, expired or already ours; False if another live syncer holds it."""
        now = self.now()
        with Session(self.engine) as s:
            result = s.execute(
                update(SyncLeaseRow)
                .where(
                    col(SyncLeaseRow.tenant_id) == self.tenant_id,
                    (col(SyncLeaseRow.holder) == self.holder) | (col(SyncLeaseRow.expires_at) < now),
                )
                .values(holder=self.holder, holder_label=self.label, acquired_at=now, expires_at=now + self.ttl)
            )
            if result.rowcount == 1:
                s.commit()
                return True
            current = s.get(SyncLeaseRow, self.tenant_id)
            if current is not None:
                if _dead_here(current.holder):  # a syncer on this machine that was killed: take over now
                    result = s.execute(
                        update(SyncLeaseRow)
                        .where(col(SyncLeaseRow.tenant_id) == self.tenant_id,
                               col(SyncLeaseRow.holder) == current.holder)
                        .values(holder=self.holder, holder_label=self.label, acquired_at=now,
                                expires_at=now + self.ttl)
                    )
                    s.commit()
                    return result.rowcount == 1
                s.rollback()
                return False
            s.add(SyncLeaseRow(tenant_id=self.tenant_id, holder=self.holder, holder_label=self.label,
                               acquired_at=now, expires_at=now + self.ttl))
            try:
                s.commit()
            except IntegrityError:  # another process inserted it first
                s.rollback()
                return False
            return True

    def renew(self) -> bool:
        """Extend our lease; False if we lost it (expired and taken over): stop writing."""
        now = self.now()
        with Session(self.engine) as s:
            result = s.execute(
                update(SyncLeaseRow)
                .where(col(SyncLeaseRow.tenant_id) == self.tenant_id, col(SyncLeaseRow.holder) == self.holder)
                .values(expires_at=now + self.ttl)
            )
            s.commit()
            return result.rowcount == 1

    def release(self) -> None:
        with Session(self.engine) as s:
            s.execute(
                delete(SyncLeaseRow).where(
                    col(SyncLeaseRow.tenant_id) == self.tenant_id, col(SyncLeaseRow.holder) == self.holder
                )
            )
            s.commit()


def _dead_here(holder: str) -> bool:
    """The holder ran on this machine and its process is gone (killed, crashed): its lease is void."""
    parts = holder.split(":")
    if len(parts) != 3 or parts[0] != socket.gethostname() or not parts[1].isdigit():
        return False
    pid = int(parts[1])
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return _is_zombie(pid)


def _is_zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return False


def lease_holder(s: Session, tenant_id: str, now: datetime) -> LeaseHolder | None:
    """Who syncs this organisation now (None if nobody holds a live lease: none, expired, or its holder's
    process on this machine is gone)."""
    row = s.get(SyncLeaseRow, tenant_id)
    if row is None or row.expires_at < now or _dead_here(row.holder):
        return None
    return LeaseHolder(row.holder, row.holder_label, row.acquired_at, row.expires_at)
