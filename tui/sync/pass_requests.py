"""Passes asked of the sync lease holder: the half that serves them, and the asker's wait.

The lease holder (``tradiecore sync``'s loop, or the app session that holds the lease) checks for open requests
at every sync look (a quarter of a second unless :func:`tui.config.sync_look_seconds` says otherwise:
:func:`has_open`, or a :class:`Listener` woken by PostgreSQL's ``NOTIFY``); each pass claims the open ones as
it starts (:func:`claim`: what was sent before the request is in that pass) and answers them as it ends
(:func:`answer`). The sync service, finding an app session holding the lease, asks for a pass
with ``handover``: the session lets go of the lease after it, and the service takes it. A process that does not
hold the lease asks and waits (:func:`ask_for_pass`); if the holder quits meanwhile, the asker takes the lease
and runs the pass itself. The asking half, writing the request, is the store's (:mod:`tui.store.pass_requests`).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from tui.config import sync_look_seconds
from tui.store.db import session
from tui.store.pass_requests import CHANNEL, PassRequest, get_request, request_pass
from tui.store.sync_tables import SyncRequestRow, SyncStateRow
from tui.store.xero_connections import active_connection
from tui.sync.lease import lease_holder, standby

log = logging.getLogger("tui.sync")

KEEP_ANSWERED = timedelta(days=1)  # answered requests are deleted after this


def has_open(s: Session, tenant_id: str) -> bool:
    """A pass is asked for and not answered yet."""
    return s.exec(select(SyncRequestRow.id).where(SyncRequestRow.tenant_id == tenant_id,
                                                  col(SyncRequestRow.done_at).is_(None)).limit(1)).first() is not None


@dataclass(frozen=True)
class Claim:
    """The requests a pass answers, and whether the sync service asked for the lease (a handover)."""

    ids: list[int]
    handover: bool


def claim(s: Session, tenant_id: str, now: datetime) -> Claim:
    """At the start of a pass: the open requests this pass answers (those a killed holder had claimed too)."""
    rows = s.exec(select(SyncRequestRow.id, SyncRequestRow.handover).where(
        SyncRequestRow.tenant_id == tenant_id, col(SyncRequestRow.done_at).is_(None))).all()
    ids = [r[0] for r in rows]
    if ids:
        s.execute(update(SyncRequestRow).where(col(SyncRequestRow.id).in_(ids)).values(started_at=now))
    return Claim(ids, any(r[1] for r in rows))


def answer(s: Session, ids: list[int], ok: bool, message: str, served_by: str, now: datetime) -> None:
    """At the end of the pass: the requests it claimed are done, with its line; old answers are deleted."""
    if ids:
        s.execute(update(SyncRequestRow).where(col(SyncRequestRow.id).in_(ids))
                  .values(done_at=now, ok=ok, message=message, served_by=served_by))
    s.execute(delete(SyncRequestRow).where(col(SyncRequestRow.done_at) < now - KEEP_ANSWERED))


@dataclass(frozen=True)
class Watch:
    """What a process that may sync looks at every second or so."""

    mine: bool  # this process holds the lease
    held_by: str | None  # the holder's label (None: nobody holds a live lease)
    open_requests: bool
    last_run_at: datetime | None  # the last pass, by whoever ran it
    last_error: str
    standby: str = ""  # the holder id of the sync service standing by for the lease, if one is


def watch(s: Session, tenant_id: str, holder_id: str, now: datetime) -> Watch:
    """One cheap read: the lease row, whether a request is open, and the organisation's last pass."""
    holder = lease_holder(s, tenant_id, now)
    state = s.get(SyncStateRow, tenant_id)
    waiting = standby(s, tenant_id, now)
    return Watch(holder is not None and holder.holder == holder_id, holder.label if holder else None,
                 has_open(s, tenant_id), state.last_run_at if state else None, state.last_error if state else "",
                 waiting[0] if waiting else "")


def ask_for_pass(runner, tenant_id: str, requested_by: str, timeout: float,
                 stop: threading.Event | None = None, every: float = 0.2) -> PassRequest | None:
    """Ask the lease holder for a pass and wait (blocking) until it is answered or ``timeout`` seconds pass.

    The request as last read: ``done`` if answered (``ok``, ``message``, ``served_by``), else the wait ended
    first. Should the lease fall free meanwhile (the holder quit), ``runner`` takes it and runs the pass itself,
    answering the request; if it cannot (Xero disconnected, ...), the request is returned done and failed, with
    the reason.
    """
    stop = stop or threading.Event()
    with session(runner.engine) as s:
        request_id = request_pass(s, tenant_id, requested_by, runner.now())
    deadline = time.monotonic() + timeout
    while True:
        with Session(runner.engine) as s:
            request = get_request(s, request_id)
            holder = lease_holder(s, tenant_id, runner.now())
        if request is None or request.done or time.monotonic() >= deadline or stop.is_set():
            return request
        if holder is None:  # the holder quit: sync here
            report = runner.run_once()
            if report.not_connected or report.disconnected or report.accounts_pending:  # no pass: its reason
                return replace(request, done_at=runner.now(), ok=False, message=report.message,
                               served_by=runner.label)
        stop.wait(every)


class Listener:
    """PostgreSQL: a connection of its own listening (``LISTEN``) for requests, so a holder hears one at once.
    Should that connection drop, it waits by the clock (the holder still looks four times a second) and reconnects."""

    RECONNECT_S = 30.0

    def __init__(self, engine):
        self._engine = engine
        self._conn = None
        self._retry_at = 0.0
        self._connect()

    def _connect(self) -> None:
        raw = self._engine.raw_connection()
        conn = raw.driver_connection
        raw.detach()  # autocommit below: this connection never goes back to the pool
        conn.autocommit = True
        conn.execute(f"LISTEN {CHANNEL}")
        self._conn = conn

    def wait(self, timeout: float) -> bool:
        """Block up to ``timeout`` seconds; True if a request was notified."""
        if self._conn is None and time.monotonic() >= self._retry_at:
            try:
                self._connect()
            except Exception:
                self._retry_at = time.monotonic() + self.RECONNECT_S
        if self._conn is None:
            time.sleep(timeout)
            return False
        try:
            return any(True for _ in self._conn.notifies(timeout=timeout, stop_after=1))
        except Exception as exc:
            log.warning("Lost the connection listening for sync requests (looking four times a second instead): %s",
                        type(exc).__name__)
            self.close()
            self._retry_at = time.monotonic() + self.RECONNECT_S
            return False

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            conn.close()
        except Exception:  # the server may be gone; nothing to hand back
            log.debug("could not close the request listener", exc_info=True)


def listener_for(engine) -> Listener | None:
    """A :class:`Listener` on PostgreSQL; None elsewhere (SQLite: the holder polls four times a second)."""
    if engine.dialect.name != "postgresql":
        return None
    try:
        return Listener(engine)
    except Exception as exc:  # polling still works: slower to notice, never wrong
        log.warning("Cannot listen for sync requests (polling instead): %s", exc)
        return None


def wait_for_work(runner, seconds: float, wake: threading.Event, listener: Listener | None = None) -> str:
    """The sync loop's wait between passes: up to ``seconds``, cut short by ``wake`` (SIGTERM, a webhook), by a
    request while ``runner`` holds the lease, or by the lease falling free while another process held it (its
    holder quit, handed it over or died). While another process holds it, ``runner`` stands by for it
    (:meth:`~tui.sync.lease.Lease.stand_by`), so no app session takes it first.

    Returns why it ended: "wake", "request", "lease free" or "time".
    """
    deadline = time.monotonic() + seconds
    held_by_other = False
    while True:
        remaining = deadline - time.monotonic()
        if wake.is_set():
            return "wake"
        if remaining <= 0:
            return "time"
        try:
            with Session(runner.engine) as s:
                conn = active_connection(s)
                look = watch(s, conn.tenant_id, runner.holder_id(conn.tenant_id), runner.now()) if conn else None
        except Exception as exc:  # the database is unreachable: the next pass says so; wait on
            log.debug("could not look for sync requests: %s", exc)
        else:
            if look is not None and look.mine and look.open_requests:
                return "request"
            held = look is not None and look.held_by is not None
            if look is not None and not held and (held_by_other or look.standby == runner.holder_id(conn.tenant_id)):
                return "lease free"
            held_by_other = held and not look.mine
            if held_by_other:
                try:
                    runner.stand_by(conn.tenant_id)
                except Exception as exc:  # looked at again in a second
                    log.debug("could not stand by for the sync lease: %s", exc)
        slice_ = min(sync_look_seconds(), remaining)  # how often a holder, or one waiting for the lease, looks
        if listener is not None:
            listener.wait(slice_)  # a request notified: checked at once, above
        else:
            wake.wait(slice_)
