"""The sync for the screens: one blocking method per user action or query, each in its own transaction.

Screens reach it as ``services.sync`` (see :class:`tui.services.Services`) and call it from thread workers,
never on the UI loop. The app's sync passes call :meth:`SyncService.run_once` every poll interval (or
``runner().run_once()``) and shows :meth:`SyncService.overview`'s ``header(now)`` in the header/footer.
"""

from __future__ import annotations

import logging
import threading
from contextlib import contextmanager
from datetime import date, datetime
from typing import TYPE_CHECKING, Callable, ContextManager

from sqlmodel import select

if TYPE_CHECKING:
    from sqlmodel import Session

    from tui.sync.runner import SyncRunner

log = logging.getLogger(__name__)


class SyncService:
    """The sync for the screens. It is handed what it works with: ``session`` (one transaction), ``now``, ``user``,
    ``time_zone`` (the business's, read when needed), ``request_sync`` (a pass wanted), ``make_runner`` (this
    process's :class:`~tui.sync.runner.SyncRunner`, made on first use) and ``identity`` (this session's label and
    holder id in the lease: what the looks and the status go by, with no runner made for them)."""

    def __init__(self, *, session: Callable[[], ContextManager[Session]], now: Callable[[], datetime], user: str,
                 time_zone: Callable[[], str], request_sync: Callable[[], None],
                 make_runner: Callable[[], SyncRunner], identity: Callable[[], tuple[str, str]]):
        self._session = session
        self._now = now
        self._user = user
        self._time_zone = time_zone
        self._request_sync = request_sync
        self._make_runner = make_runner
        self._identity = identity
        self._runner = None
        self._lock = threading.Lock()
        self._closing = threading.Event()  # ends a wait for another process's pass at exit

    # -- the engine ---------------------------------------------------------------------------------------------
    def runner(self):
        """The one :class:`~tui.sync.runner.SyncRunner` of this process (created on first use)."""
        with self._lock:
            if self._runner is None:
                self._runner = self._make_runner()
            return self._runner

    def run_once(self):
        """One pass: push what is pending, pull what changed. Returns a :class:`~tui.sync.report.SyncReport`."""
        return self.runner().run_once()

    def ask_for_pass(self, timeout: float = 60.0):
        """While another process holds the lease: ask it for a pass and wait for it (at most ``timeout`` s).

        The :class:`~tui.store.pass_requests.PassRequest` as last read (``done`` once answered), or None if
        there is nothing to ask (not connected). Should the holder quit meanwhile, this process syncs instead."""
        from tui.sync.pass_requests import ask_for_pass

        tenant = self._tenant()
        if tenant is None:
            return None
        runner = self.runner()
        return ask_for_pass(runner, tenant, runner.label, timeout, self._closing)

    def watch(self):
        """:class:`~tui.sync.pass_requests.Watch`: the lease, open requests and the last pass, in one cheap read
        (None when not connected)."""
        from tui.sync.pass_requests import watch

        tenant = self._tenant()
        if tenant is None:
            return None
        holder_id = self._me()[1]
        with self._session() as s:
            return watch(s, tenant, holder_id, self._now())

    def close(self) -> None:
        """At exit: release the lease so another process can take over at once."""
        self._closing.set()
        with self._lock:
            if self._runner is not None:
                self._runner.close()
                self._runner = None

    def _me(self) -> tuple[str, str]:
        """This session's label and holder id in the lease: its runner's, or, before one is made (or in an app
        whose passes run in its sync process), those the runner is made with."""
        runner = self._runner
        return (runner.label, runner.holder) if runner is not None else self._identity()

    def _tenant(self) -> str | None:
        from tui.store.xero_connections import active_connection

        with self._session() as s:
            conn = active_connection(s)
            return conn.tenant_id if conn is not None else None

    # -- queries ------------------------------------------------------------------------------------------------
    def connected(self) -> bool:
        """An active Xero connection (connected or disconnected): there is something to say about syncing."""
        return self._tenant() is not None

    def overview(self, session=None):
        """:class:`~tui.sync.status.Overview`: pending, errors, conflicts, last success, calls today, lease holder
        (``session``: read in that open transaction, with the connection's own status)."""
        from dataclasses import replace

        from tui.store.xero_connections import active_connection
        from tui.sync.status import overview

        if session is None:
            with self._session() as s:
                return self.overview(s)
        conn = active_connection(session)
        result = overview(session, conn.tenant_id if conn is not None else None, self._now())
        if result.held_by == self._me()[0]:  # this session: nobody else to name
            result = replace(result, held_by=None)
        return result

    def header(self) -> str:
        """"Synced 1 min ago", "3 pending · Synced just now", "2 sync errors · ..." (red when overview().is_error)."""
        return self.overview().header(self._now())

    def invoice_state(self, invoice_id: int):
        """:class:`~tui.sync.status.InvoiceSyncState` for the invoice editor."""
        from tui.sync.status import invoice_state

        with self._session() as s:
            return invoice_state(s, invoice_id)

    def invoice_states(self, invoice_ids: list[int]):
        from tui.sync.status import invoice_states

        with self._session() as s:
            return invoice_states(s, invoice_ids)

    def problems(self, limit: int = 200):
        """Sync errors for To Do's "sync problems" group and the Sync screen (:class:`~tui.sync.status.Problem`)."""
        from tui.sync.status import problems

        with self._session() as s:
            return problems(s, limit)

    def todo_group(self, limit: int = 200):
        """To Do's "Sync problems" group (also included by ``services.todo()`` when it has rows)."""
        from tui.sync.status import todo_group

        with self._session() as s:
            return todo_group(s, limit)

    def log(self, limit: int = 200):
        """Recent activity, newest first (rows with ``at``, ``level``, ``message``, ``invoice_id``)."""
        from tui.sync.status import recent_log

        with self._session() as s:
            return recent_log(s, limit)

    def conflicts(self, invoice_id: int | None = None, kind: str = "invoice"):
        """Open conflicts (:class:`~tui.sync.status.ConflictView`: field label, base / ours / Xero's) of an invoice,
        or with ``kind`` "contact" of a customer (``invoice_id`` is then the customer's id)."""
        from tui.sync.contact_conflicts import open_contact_conflicts
        from tui.sync.status import open_conflicts

        with self._session() as s:
            return open_contact_conflicts(s, invoice_id) if kind == "contact" else open_conflicts(s, invoice_id)

    # -- actions ------------------------------------------------------------------------------------------------
    def resolve_conflicts(self, invoice_id: int, choices: dict[str, str], kind: str = "invoice") -> None:
        """``choices``: conflict field -> "local" (keep ours, push it) or "remote" (take Xero's); ``kind`` "contact":
        a customer's (``invoice_id`` is then the customer's id)."""
        from tui.sync.contact_conflicts import resolve_contact_conflicts
        from tui.sync.status import resolve_conflicts

        tz = self._time_zone()
        with self._session() as s:
            if kind == "contact":
                resolve_contact_conflicts(s, invoice_id, choices, self._now(), tz)
            else:
                resolve_conflicts(s, invoice_id, choices, self._now(), tz)

    def retry(self, invoice_id: int | None = None, customer_id: int | None = None,
              payment_id: int | None = None, record: tuple[str, int] | None = None) -> int:
        """Retry one invoice, customer or payment, or one ``record`` (kind, id: a credit note's, an allocation's,
        a refund's); with no arguments, Retry all. Returns how many entries were released."""
        from tui.sync.status import retry

        with self._session() as s:
            return retry(s, invoice_id, customer_id, payment_id, record=record)

    def renumber(self, invoice_id: int, number: str):
        """The fix for an invoice-number clash (DuplicateError if the number is used here)."""
        from tui.sync.status import renumber_invoice

        tz = self._time_zone()
        with self._session() as s:
            return renumber_invoice(s, invoice_id, number, self._now(), self._user, tz)

    def clashing_contact(self, customer_id: int) -> dict | None:
        """The Xero contact whose name a customer's clashes with (one call), to offer linking to it."""
        from tui.store.tables import CustomerRow
        from tui.xero.wire import where_equals

        with self._session() as s:
            customer = s.get(CustomerRow, customer_id)
            name = customer.name if customer else ""
        with self._counted_context() as ctx:
            found = ctx.api.contacts(where=where_equals("Name", name), include_archived=True)
        return found[0] if found else None

    def link_customer(self, customer_id: int, contact_id: str) -> None:
        """The fix for a contact name clash: this customer is that Xero contact."""
        from tui.sync.contacts import link_customer

        tenant = self._tenant() or ""
        with self._session() as s:
            link_customer(s, customer_id, contact_id, tenant, self._now())

    def first_sync_preview(self, sync_from: date | None = None):
        """What the first sync would do (reads Xero's invoice numbers: one call). Needs a connection."""
        from tui.sync.preview import preview_first_sync

        with self._counted_context() as ctx:
            return preview_first_sync(ctx, sync_from)

    @contextmanager
    def _counted_context(self):
        """A context for calls made outside a pass; they count in "calls used today" like a pass's."""
        from tui.sync import records

        ctx = self._context()
        try:
            yield ctx
        finally:
            try:
                with self._session() as s:
                    records.add_calls(s, ctx.tenant_id, ctx.api.total, ctx.today())
            except Exception:  # a count is not worth hiding the lookup's own result or error for
                log.warning("Could not count the Xero calls just made", exc_info=True)

    def _context(self):
        """A sync context (Xero API, database) for the active organisation."""
        from tui.store.tables import XeroConnectionRow

        tenant = self._tenant()
        if tenant is None:
            raise RuntimeError("Connect to Xero first")
        with self._session() as s:
            kind = s.exec(select(XeroConnectionRow.kind).where(XeroConnectionRow.tenant_id == tenant)).first() or "oauth"
        return self.runner().context(tenant, kind)

    def confirm_first_sync(self, preview) -> None:
        from tui.sync.preview import confirm_first_sync

        tenant = self._tenant()
        if tenant is None:
            raise RuntimeError("Connect to Xero first")
        with self._session() as s:
            confirm_first_sync(s, tenant, preview, self._now(), by=self._user)
        self._request_sync()  # the first sync may go now
