"""What changed: every committed write to the business's records is announced to every process that shows them.

Each transaction that writes a record people look at (the business, a customer, an invoice or its lines, a
payment, a sync problem, the Xero connection) announces it as it commits, in the same transaction:

- SQLite: a row in ``change_log`` (kind, record id). Writers take turns on SQLite, so ids grow in commit order;
  a reader polls ``max(id)`` (a read of one index page) and reads what is newer (:class:`ChangeFeed`).
- PostgreSQL: a ``NOTIFY`` on :data:`CHANNEL` whose payload names the kinds and ids, delivered when the
  transaction commits and never if it rolls back; a reader ``LISTEN``\\ s on a connection of its own.

Nothing calls this by hand: SQLAlchemy's session events see every ORM flush and every ``UPDATE``/``DELETE``/
``INSERT`` run through a session, so a new write path cannot forget. After the commit the session's
``info[COMMITTED]`` holds the :class:`Changes` it announced, for the caller (the services ask the syncer for a
pass when one of them waits for Xero).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Iterable

from sqlalchemy import Column, Integer, delete, event, func, insert, select, text
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.sql import visitors
from sqlalchemy.sql.elements import BinaryExpression, BindParameter
from sqlmodel import Field, SQLModel

from tui.clock import utc_now
from tui.store.column_types import UTCDateTime

log = logging.getLogger("tui.store")

CHANNEL = "tradiecore_changes"  # PostgreSQL LISTEN/NOTIFY channel of committed changes
PENDING = "tradiecore.changes.pending"
COMMITTED = "tradiecore.changes.committed"
KEEP_ROWS = 2000  # change_log keeps this many rows: a reader further behind reloads everything
MAX_IDS = 50  # more records than this changed at once: the kind alone ("some invoices")

#: table -> the kind of record people see it as
KINDS = {
    "business": "business",
    "customer": "customer",
    "invoice": "invoice",
    "line_item": "invoice",
    "payment": "payment",
    "credit_note": "credit_note",
    "credit_note_line": "credit_note",
    "credit_allocation": "credit_note",
    "credit_refund": "credit_note",
    "credit_note_numbering": "credit_note",
    "sync_conflict": "sync",
    "sync_outbox": "sync",
    "xero_connection": "xero",
    "account_mapping": "xero",
    "payment_account": "xero",
}
#: tables whose writes wait for a sync pass to reach Xero (a send, an edit of a sent invoice, a payment, a
#: conflict settled, the revenue accounts reviewed or remapped, a problem retried, a reconnect)
XERO_BOUND = {"sync_outbox", "payment", "sync_conflict", "xero_connection", "account_mapping", "payment_account"}
#: the column that names the record a row belongs to, where it is not ``id``
_RECORD_COLUMN = {"line_item": "invoice_id", "credit_note_line": "credit_note_id",
                  "credit_allocation": "credit_note_id", "credit_refund": "credit_note_id"}


class ChangeRow(SQLModel, table=True):
    """One committed change (SQLite), for the other processes to notice: see the module's docstring."""

    __tablename__ = "change_log"
    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True, autoincrement=True))
    kind: str
    record_id: int | None = None
    at: datetime = Field(sa_type=UTCDateTime)


@dataclass
class Changes:
    """Kinds of record changed, and which ones (a kind with ``None`` for ids: some, not said which)."""

    ids: dict[str, set[int] | None] = field(default_factory=dict)
    xero_bound: bool = False  # something now waits for a sync pass

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset(self.ids)

    def add(self, kind: str, record_ids: Iterable[int] | None) -> None:
        if kind in self.ids and self.ids[kind] is None:
            return
        if record_ids is None:
            self.ids[kind] = None
            return
        known = self.ids.setdefault(kind, set())
        known.update(i for i in record_ids if isinstance(i, int))
        if len(known) > MAX_IDS:
            self.ids[kind] = None

    def merge(self, other: "Changes") -> None:
        for kind, ids in other.ids.items():
            self.add(kind, ids)
        self.xero_bound = self.xero_bound or other.xero_bound

    def __bool__(self) -> bool:
        return bool(self.ids) or self.xero_bound

    # -- PostgreSQL's NOTIFY payload (at most 8000 bytes) ---------------------------------------------------------
    def payload(self) -> str:
        body = json.dumps({k: (sorted(v) if v is not None else None) for k, v in self.ids.items()})
        return body if len(body) < 7000 else json.dumps({k: None for k in self.ids})

    @classmethod
    def from_payload(cls, payload: str) -> "Changes":
        changes = cls()
        try:
            for kind, ids in json.loads(payload).items():
                changes.add(str(kind), ids)
        except (ValueError, AttributeError):
            changes.ids = {kind: None for kind in set(KINDS.values())}
        return changes

    @classmethod
    def everything(cls) -> "Changes":
        return cls({kind: None for kind in set(KINDS.values())})


def _pending(s) -> Changes:
    return s.info.setdefault(PENDING, Changes())


def _note(s, table: str, record_ids: Iterable[int] | None) -> None:
    kind = KINDS.get(table)
    if kind is None and table not in XERO_BOUND:
        return
    pending = _pending(s)
    if kind is not None:
        pending.add(kind, record_ids)
    if table in XERO_BOUND:
        pending.xero_bound = True


def _ids_in(statement, column: str) -> list[int] | None:
    """The record ids a statement's WHERE names (``id = 3``, ``id IN (...)``), else None."""
    where = getattr(statement, "whereclause", None)
    if where is None:
        return None
    for node in visitors.iterate(where):
        if isinstance(node, BinaryExpression) and getattr(node.left, "name", None) == column \
                and isinstance(node.right, BindParameter):
            value = node.right.effective_value
            if isinstance(value, int):
                return [value]
            if isinstance(value, (list, tuple)) and all(isinstance(v, int) for v in value):
                return list(value)
    return None


@event.listens_for(OrmSession, "do_orm_execute")
def _statement(state) -> None:
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    table = getattr(getattr(state.statement, "table", None), "name", None)
    if table is None:
        return
    column = _RECORD_COLUMN.get(table, "id")
    _note(state.session, table, None if state.is_insert else _ids_in(state.statement, column))


@event.listens_for(OrmSession, "after_flush")
def _flushed(s, _context) -> None:
    for obj in (*s.new, *s.dirty, *s.deleted):
        table = getattr(getattr(obj, "__table__", None), "name", None)
        if table is None or (table not in KINDS and table not in XERO_BOUND):
            continue
        if obj in s.dirty and not s.is_modified(obj, include_collections=False):
            continue
        record_id = getattr(obj, _RECORD_COLUMN.get(table, "id"), None)
        _note(s, table, [record_id] if isinstance(record_id, int) else None)
        if table == "payment" and isinstance(getattr(obj, "invoice_id", None), int):
            _note(s, "invoice", [obj.invoice_id])


@event.listens_for(OrmSession, "before_commit")
def _announce(s) -> None:
    if s.new or s.dirty or s.deleted:
        s.flush()  # what the commit is about to flush is announced too
    pending: Changes | None = s.info.pop(PENDING, None)
    if not pending:
        return
    if pending.ids:
        bind = s.get_bind()
        if bind.dialect.name == "postgresql":
            s.execute(text("SELECT pg_notify(:channel, :payload)"), {"channel": CHANNEL, "payload": pending.payload()})
        else:
            now = utc_now()
            rows = [{"kind": kind, "record_id": i, "at": now}
                    for kind, ids in pending.ids.items() for i in (sorted(ids) if ids else [None])]
            s.execute(insert(ChangeRow), rows)
            newest = s.execute(select(func.max(ChangeRow.id))).scalar_one()
            s.execute(delete(ChangeRow).where(ChangeRow.id <= newest - KEEP_ROWS))
        s.info.pop(PENDING, None)  # the inserts above are not changes to announce
    s.info.setdefault(COMMITTED, Changes()).merge(pending)


@event.listens_for(OrmSession, "after_rollback")
def _rolled_back(s) -> None:
    s.info.pop(PENDING, None)


def committed(s) -> Changes:
    """What the session's commits announced (and forget it)."""
    return s.info.pop(COMMITTED, None) or Changes()


class ChangeFeed:
    """What other processes (and this one) committed since the last look; one per reader, in one thread.

    :meth:`wait` blocks up to ``timeout`` seconds and returns the :class:`Changes` seen (empty when none).
    SQLite polls every ``poll`` seconds; PostgreSQL is woken by ``NOTIFY`` at once (and should its listening
    connection drop, it reconnects and reports everything as changed, since it may have missed some).
    """

    POLL_S = 0.2
    RECONNECT_S = 5.0

    def __init__(self, engine, poll: float = POLL_S):
        self._engine = engine
        self._poll = poll
        self._postgres = engine.dialect.name == "postgresql"
        self._conn = None
        self._retry_at = 0.0
        self._last_id = 0
        if self._postgres:
            self._listen()
        else:
            self._last_id = self._newest()

    def _newest(self) -> int:
        with self._engine.connect() as c:
            return c.execute(select(func.coalesce(func.max(ChangeRow.id), 0))).scalar_one()

    def _listen(self) -> None:
        raw = self._engine.raw_connection()
        conn = raw.driver_connection
        raw.detach()  # autocommit, never back in the pool
        conn.autocommit = True
        conn.execute(f"LISTEN {CHANNEL}")
        self._conn = conn

    def wait(self, timeout: float, wake: threading.Event | None = None) -> Changes:
        """``wake``: set it to have SQLite look again at once (a commit in this process)."""
        return self._wait_postgres(timeout) if self._postgres else self._wait_sqlite(timeout, wake)

    def _wait_sqlite(self, timeout: float, wake: threading.Event | None) -> Changes:
        deadline = time.monotonic() + timeout
        wake = wake or threading.Event()
        while True:
            wake.clear()
            changes = self._read_sqlite()
            if changes or time.monotonic() >= deadline:
                return changes
            wake.wait(min(self._poll, max(0.0, deadline - time.monotonic())))

    def _read_sqlite(self) -> Changes:
        changes = Changes()
        with self._engine.connect() as c:
            newest = c.execute(select(func.coalesce(func.max(ChangeRow.id), 0))).scalar_one()
            if newest <= self._last_id:
                if newest < self._last_id:  # the database was replaced (a restore): start again
                    self._last_id = newest
                return changes
            oldest = c.execute(select(func.min(ChangeRow.id))).scalar_one()
            if oldest is None or oldest > self._last_id + 1:  # fell too far behind
                self._last_id = newest
                return Changes.everything()
            for kind, record_id in c.execute(select(ChangeRow.kind, ChangeRow.record_id)
                                             .where(ChangeRow.id > self._last_id, ChangeRow.id <= newest)):
                changes.add(kind, None if record_id is None else [record_id])
        self._last_id = newest
        return changes

    def _wait_postgres(self, timeout: float) -> Changes:
        changes = Changes()
        if self._conn is None:
            if time.monotonic() < self._retry_at:
                time.sleep(timeout)
                return changes
            try:
                self._listen()
            except Exception:
                self._retry_at = time.monotonic() + self.RECONNECT_S
                time.sleep(timeout)
                return changes
            return Changes.everything()  # what was notified while not listening is unknown
        try:
            for note in self._conn.notifies(timeout=timeout, stop_after=1):
                changes.merge(Changes.from_payload(note.payload))
            if changes:
                for note in self._conn.notifies(timeout=0.01):  # the rest of a burst, as one
                    changes.merge(Changes.from_payload(note.payload))
        except Exception as exc:
            log.warning("Lost the connection listening for changes (reconnecting): %s", type(exc).__name__)
            self.close()
            self._retry_at = time.monotonic() + self.RECONNECT_S
        return changes

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except Exception:
                log.debug("could not close the change listener", exc_info=True)
