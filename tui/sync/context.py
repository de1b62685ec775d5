"""What one sync pass works with: the database, one organisation's Xero API, the clock, the account mapping."""

from __future__ import annotations

import logging
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Callable

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from tui.clock import utc_now
from tui.domain.dates import business_today
from tui.domain.invoice import RevenueCategory
from tui.store.db import session
from tui.store.tables import AccountMappingRow, BusinessRow

log = logging.getLogger("tui.sync")


class StopSync(Exception):
    """This pass cannot go on (disconnected, rate limited, Xero unavailable); ``str`` is for the user."""

    def __init__(self, message: str, *, disconnected: bool = False, retry_after: float | None = None):
        super().__init__(message)
        self.disconnected = disconnected
        self.retry_after = retry_after


class CountingApi:
    """The Xero API with a count of calls made through it (per method), for status and the benchmark."""

    COUNTED = ("accounts", "contacts_page", "invoices_page", "put_contacts", "post_contacts", "post_invoices",
               "put_payments", "delete_payment")

    def __init__(self, api: Any):
        self._api = api
        self.calls: dict[str, int] = {}

    @property
    def total(self) -> int:
        return sum(self.calls.values())

    def __getattr__(self, name: str):
        attr = getattr(self._api, name)
        if name not in self.COUNTED:
            return attr

        def counted(*args, **kwargs):
            self.calls[name] = self.calls.get(name, 0) + 1
            return attr(*args, **kwargs)

        return counted


@dataclass
class Context:
    engine: Engine
    api: CountingApi
    tenant_id: str
    now: Callable[[], datetime] = utc_now
    batch_size: int = 50
    page_size: int = 1000  # Xero's maximum: one call reads up to 1,000 invoices or contacts
    codes: dict[RevenueCategory, str] = field(default_factory=dict)
    time_zone: str = "Australia/Sydney"
    xero_numbers: dict[str, dict] | None = None  # InvoiceNumber -> summary, read at most once a pass
    xero_numbers_hwm: datetime | None = None
    # invoice id -> merge view of what an interrupted request sent to update it (Xero may hold it, or not)
    unfinished_views: dict[int, dict] = field(default_factory=dict)
    # customer id -> contact view fields an interrupted update sent (Xero may hold them, or not)
    unfinished_contacts: dict[int, dict] = field(default_factory=dict)
    # contacts are read at most this often unless a change waits or Xero's webhook says one changed
    contacts_every: timedelta = timedelta(seconds=50)
    contacts_changed: bool = False
    # every contact, when this pass has read them all already (the first sync's preview): matching reuses them
    all_contacts: list[dict] | None = None
    # customer id -> seq of its queued change when contacts were read this pass: the updates this pass may send
    contacts_fresh: dict[int, int] = field(default_factory=dict)
    pushed: int = 0
    pulled: int = 0
    errors: int = 0
    conflicts: int = 0
    on_progress: Callable[[str], None] | None = None

    def session(self) -> AbstractContextManager[Session]:
        return session(self.engine)

    def load_settings(self) -> None:
        with self.session() as s:
            rows = s.exec(select(AccountMappingRow).where(AccountMappingRow.tenant_id == self.tenant_id)).all()
            self.codes = {}
            for r in rows:
                try:
                    self.codes[RevenueCategory(r.category)] = r.account_code
                except ValueError:
                    continue
            business = s.get(BusinessRow, 1)
            if business is not None:
                self.time_zone = business.time_zone

    def today(self):
        return business_today(self.now(), self.time_zone)

    def progress(self, message: str) -> None:
        log.info("%s", message)
        if self.on_progress is not None:
            self.on_progress(message)


def dumps(obj) -> str:
    from tui.xero import wire

    return wire.dumps(obj)


def loads(text: str):
    from tui.xero import wire

    return wire.loads(text)
