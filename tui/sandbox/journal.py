"""An undo log for one request's writes, so a batch that fails as a whole leaves nothing behind.

Stored records are never changed in place: a write puts a new object under its key, and the journal remembers
what was there first.
"""

from __future__ import annotations

from typing import Any

from tui.sandbox.models import Organisation

_MISSING = object()


class Journal:
    def __init__(self, org: Organisation) -> None:
        self.org = org
        self._before: dict[tuple[str, str], Any] = {}
        self._next_invoice_number = org.next_invoice_number

    def put(self, table: str, key: str, record: Any) -> None:
        """Store `record` under `key` in the organisation's `table` (accounts, contacts, invoices, payments)."""
        records = getattr(self.org, table)
        self._before.setdefault((table, key), records.get(key, _MISSING))
        records[key] = record

    @property
    def changed(self) -> bool:
        return bool(self._before) or self.org.next_invoice_number != self._next_invoice_number

    def rollback(self) -> None:
        for (table, key), record in self._before.items():
            records = getattr(self.org, table)
            if record is _MISSING:
                records.pop(key, None)
            else:
                records[key] = record
        self.org.next_invoice_number = self._next_invoice_number
        self._before.clear()
