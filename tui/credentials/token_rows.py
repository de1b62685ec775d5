"""The encrypted Xero token set's row in the database, for machines that share one PostgreSQL database.

Only ciphertext is stored here (see :class:`tui.xero.tokens.EncryptedTokenStore`); the key stays in each
machine's secrets store.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager, nullcontext
from datetime import datetime, timezone

from sqlalchemy import bindparam, text

from tui.store.column_types import UTCDateTime

_WHEN = bindparam("u", type_=UTCDateTime())  # stored like every other time (see tui.store.column_types)


class DatabaseTokenRow:
    """One organisation's row of ``xero_token_set`` (see :class:`tui.xero.tokens.TokenRow`).

    ``lock()`` holds a transaction for the whole refresh: on PostgreSQL an advisory transaction lock per
    organisation, on SQLite the database's write lock. Reads and writes inside it use that transaction.
    """

    def __init__(self, engine, tenant_id: str):
        self.engine = engine
        self.tenant_id = tenant_id
        self._local = threading.local()

    def __repr__(self) -> str:
        return f"<DatabaseTokenRow {self.tenant_id}>"

    def _tx(self):
        conn = getattr(self._local, "conn", None)
        return nullcontext(conn) if conn is not None else self.engine.begin()

    def read(self) -> bytes | None:
        with self._tx() as c:
            row = c.execute(text("SELECT blob FROM xero_token_set WHERE tenant_id = :t"), {"t": self.tenant_id}).first()
        return bytes(row[0]) if row else None

    def write(self, blob: bytes) -> None:
        values = {"t": self.tenant_id, "b": blob, "u": datetime.now(timezone.utc)}
        with self._tx() as c:
            updated = c.execute(text("UPDATE xero_token_set SET blob = :b, updated_at = :u WHERE tenant_id = :t")
                                .bindparams(_WHEN), values).rowcount
            if not updated:
                c.execute(text("INSERT INTO xero_token_set (tenant_id, blob, updated_at) VALUES (:t, :b, :u)")
                          .bindparams(_WHEN), values)

    def delete(self) -> None:
        with self._tx() as c:
            c.execute(text("DELETE FROM xero_token_set WHERE tenant_id = :t"), {"t": self.tenant_id})

    def lock(self):
        @contextmanager
        def held():
            if getattr(self._local, "conn", None) is not None:  # already held by this thread
                yield
                return
            with self.engine.begin() as c:
                if c.dialect.name == "postgresql":
                    c.execute(text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": f"xero-tokens:{self.tenant_id}"})
                else:  # SQLite: a write statement takes the database's write lock until the transaction ends
                    c.execute(text("UPDATE xero_token_set SET tenant_id = tenant_id WHERE tenant_id = :t"),
                              {"t": self.tenant_id})
                self._local.conn = c
                try:
                    yield
                finally:
                    self._local.conn = None

        return held()
