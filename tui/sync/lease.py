"""One syncer per organisation: a lease row in the shared database, renewed while the holder works.

Any process (the app's sync process on each staff member's terminal, ``tradiecore sync`` on the
server, on one machine or several sharing PostgreSQL) may try; exactly one holds the lease at a time. The
others read who holds it (to show "by the sync service" or "by sam" in their header) and ask the holder for a
pass (:mod:`tui.sync.pass_requests`). A holder that quits releases the lease and the others take it over within a
second or two; one that dies stops renewing, and its lease expires after ``ttl`` (at once, for a process on the
same machine that is gone: the holder id names the machine, the process and when it started, so a process id
used again by another process is not mistaken for the holder).

The sync service comes first. While it waits for the lease (an app session holds it, handing it over after
one more pass; or a holder was just killed) it stands by: its id in the row's ``standby`` for the next few
seconds, renewed at each look. A free, expired or dead lease goes to a live standby only, and a holder that
lets go leaves it to the standby; so the service holds the lease within a second or two of a holder dying or
handing over, and app sessions never race it for it.

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
STANDBY_FOR = timedelta(seconds=5)  # a standby not renewed for this long no longer holds anyone back


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


def _process_id(pid: int) -> str | None:
    """This boot and the process's start time (``/proc``): the same for one process, never for two; None
    where ``/proc`` does not say."""
    try:
        with open("/proc/sys/kernel/random/boot_id", encoding="ascii") as f:
            boot = f.read().strip()
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            started = f.read().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None
    return f"{boot}/{started}"


def holder_id() -> str:
    """This process's id in a lease row: "HOST:PID:RANDOM:BOOT/START"."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex}:{_process_id(os.getpid()) or ''}"


class Lease:
    """``acquire()`` / ``renew()`` / ``release()`` on one organisation's lease row, each its own transaction;
    ``stand_by()`` for the sync service while another process holds it."""

    def __init__(self, engine, tenant_id: str, label: str | None = None, ttl: timedelta = DEFAULT_TTL, now=None,
                 holder: str | None = None):
        """``holder``: the id to hold it as (:func:`holder_id`; an app session's sync process holds it as its app)."""
        self.engine = engine
        self.tenant_id = tenant_id
        self.holder = holder or holder_id()
        self.label = label or session_label()
        self.ttl = ttl
        self.now = now or utc_now

    def acquire(self) -> bool:
        """Take the lease if it is free, expired or already ours (or its holder on this machine is gone), unless
        the sync service stands by for it; False if another live syncer holds it, or it is the service's turn."""
        now = self.now()
        with Session(self.engine) as s:
            current = s.get(SyncLeaseRow, self.tenant_id)
            if current is None:
                s.add(SyncLeaseRow(tenant_id=self.tenant_id, holder=self.holder, holder_label=self.label,
                                   acquired_at=now, expires_at=now + self.ttl))
                try:
                    s.commit()
                except IntegrityError:  # another process inserted it first
                    s.rollback()
                    return False
                return True
            held = current.holder
            if held != self.holder:
                if held and current.expires_at >= now and not _dead_here(held):
                    return False  # a live holder
                if _standing_by(current, now) and current.standby != self.holder:
                    return False  # the sync service's turn
            result = s.execute(  # only if nobody changed the row meanwhile
                update(SyncLeaseRow)
                .where(col(SyncLeaseRow.tenant_id) == self.tenant_id, col(SyncLeaseRow.holder) == held)
                .values(holder=self.holder, holder_label=self.label, acquired_at=now, expires_at=now + self.ttl,
                        **({"standby": "", "standby_label": "", "standby_until": None}
                           if current.standby == self.holder else {}))
            )
            s.commit()
            return result.rowcount == 1

    def stand_by(self) -> None:
        """The sync service waits for this lease: for the next few seconds, a free one is left for it."""
        now = self.now()
        with Session(self.engine) as s:
            s.execute(update(SyncLeaseRow).where(col(SyncLeaseRow.tenant_id) == self.tenant_id,
                                                 col(SyncLeaseRow.holder) != self.holder)
                      .values(standby=self.holder, standby_label=self.label, standby_until=now + STANDBY_FOR))
            s.commit()
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
        """Let go: the row is deleted, or, while the sync service stands by, left free for it alone."""
        now = self.now()
        mine = (col(SyncLeaseRow.tenant_id) == self.tenant_id, col(SyncLeaseRow.holder) == self.holder)
        with Session(self.engine) as s:
            s.execute(update(SyncLeaseRow).where(*mine, col(SyncLeaseRow.standby_until) >= now)
                      .values(holder="", holder_label="", expires_at=now))
            s.execute(delete(SyncLeaseRow).where(*mine))
            s.commit()


def _standing_by(row: SyncLeaseRow, now: datetime) -> bool:
    return bool(row.standby) and row.standby_until is not None and row.standby_until >= now \
        and not _dead_here(row.standby)


def _dead_here(holder: str) -> bool:
    """The holder ran on this machine and its process is gone (killed, crashed; its pid perhaps another
    process's by now): its lease is void."""
    parts = holder.split(":")
    if len(parts) not in (3, 4) or parts[0] != socket.gethostname() or not parts[1].isdigit():
        return False
    pid = int(parts[1])
    if pid == os.getpid():
        return False
    if len(parts) == 4 and parts[3]:
        now_there = _process_id(pid)
        if now_there is not None:
            return now_there != parts[3] or _is_zombie(pid)
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
    if row is None or not row.holder or row.expires_at < now or _dead_here(row.holder):
        return None
    return LeaseHolder(row.holder, row.holder_label, row.acquired_at, row.expires_at)


def standby(s: Session, tenant_id: str, now: datetime) -> tuple[str, str] | None:
    """The sync service standing by for this lease (its holder id and label), if one is."""
    row = s.get(SyncLeaseRow, tenant_id)
    return (row.standby, row.standby_label) if row is not None and _standing_by(row, now) else None
