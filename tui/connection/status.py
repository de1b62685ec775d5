"""The connection's one status: what is stored (:class:`XeroOverview`), the connection and its sync together
(:class:`XeroStatus`, what the header, To Do, Integrations, the Xero screen and the Sync screen say), asking
Xero whether it still holds, recording a lost connection, and disconnecting. Methods of
:class:`~tui.connection.XeroConnection`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from tui.connection.accounts import MappedAccount
from tui.xero.errors import Disconnected, NotConfigured, XeroError
from tui.connection.factory import api_with

if TYPE_CHECKING:
    from tui.sync.status import Overview

log = logging.getLogger("tui.connection")


@dataclass(frozen=True)
class XeroOverview:
    """The connection as stored locally: what the Integrations and Xero screens show."""

    state: str  # "not connected" | "connected" | "disconnected"
    tenant_id: str = ""
    organisation: str = ""
    tenant_type: str = ""
    kind: str = "oauth"
    reason: str = ""
    since: datetime | None = None  # connected at, or disconnected at
    mappings: tuple[MappedAccount, ...] = ()
    payment_accounts: tuple[MappedAccount, ...] = ()  # per payment method ("Default" first)
    needs_payments_scope: bool = False  # a payment waits for Continue to grant Xero's payments scope
    accounts_pending: bool = False  # just connected: the sync waits until the revenue accounts are reviewed

    @property
    def archived(self) -> tuple[MappedAccount, ...]:
        return tuple(m for m in self.mappings if m.archived)


def _changes(n: int) -> str:
    return f"{n:,} change{'s' if n != 1 else ''} {'waits' if n == 1 else 'wait'}"


@dataclass(frozen=True)
class XeroStatus:
    """The connection and its sync, read in one transaction: every screen's words about Xero come from here, so
    none can say something another contradicts. Plain text; each screen only styles and lays it out."""

    connection: XeroOverview
    sync: Overview
    now: datetime

    @property
    def state(self) -> str:
        return self.connection.state

    @property
    def waits_for_accounts(self) -> bool:
        return self.state == "connected" and self.connection.accounts_pending

    @property
    def header(self) -> str:
        """The header's sync slot: nothing without Xero; "Xero disconnected"; else the sync's own line
        ("1 pending · Synced just now · by the sync service")."""
        if self.state == "not connected":
            return ""
        from tui.sync.lease import holder_name

        if self.state == "disconnected":
            return "Xero disconnected"
        text = self.sync.header(self.now)
        return f"{text} · by {holder_name(self.sync.held_by)}" if self.sync.held_by else text

    @property
    def is_error(self) -> bool:
        """Red: the connection is lost, or the sync has errors, conflicts or a failed pass."""
        return self.state == "disconnected" or (self.state == "connected" and self.sync.is_error)

    @property
    def syncing(self) -> str:
        """What a connected connection does for the business now (Integrations' card, the Xero screen)."""
        if self.connection.accounts_pending:
            return "Nothing goes to Xero until you have chosen the revenue accounts."
        return "Invoices sync both ways."

    @property
    def nothing_to_fix(self) -> str:
        """The Sync screen's "Needs attention" when there is no problem: and whether anything still waits."""
        if self.state == "not connected":
            return "Nothing to sync yet."
        pending = self.sync.pending
        if not pending:
            return "Nothing: every change reached Xero."
        if self.state == "disconnected":
            return f"Nothing to fix here: {_changes(pending)} until Xero is reconnected."
        if self.connection.accounts_pending:
            return f"Nothing to fix here: {_changes(pending)} for the revenue accounts."
        return f"Nothing to fix here: {_changes(pending)} for the next pass."

    @property
    def todo_lines(self) -> list[str]:
        """To Do's warnings about the connection (the token set's own warning is added by the service)."""
        c = self.connection
        if c.state == "disconnected":
            return [f"Xero disconnected: {c.reason} Nothing goes to Xero until you reconnect: Settings → "
                    "Integrations → Xero, then Continue."]
        if c.state != "connected":
            return []
        lines = ["Nothing goes to Xero until you have chosen the revenue accounts: Settings → Integrations → "
                 "Xero, then Back."] if c.accounts_pending else []
        by_account: dict[str, list[str]] = {}
        for m in c.archived:
            by_account.setdefault(m.label, []).append(m.category)
        return lines + [
            f"Xero account {label} (used for {', '.join(categories)}) is archived in Xero: choose another under "
            "Settings → Integrations → Xero."
            for label, categories in by_account.items()
        ]


class StatusSteps:
    """Status, check and disconnect (mixed into :class:`~tui.connection.XeroConnection`)."""

    def overview(self) -> XeroOverview:
        """The connection as stored (no network)."""
        with self.session() as s:
            return self._overview_in(s)

    def status(self) -> XeroStatus:
        """The connection and its sync as stored, in one transaction (no network)."""
        with self.session() as s:
            connection = self._overview_in(s)
            sync = self.sync_overview(s)
        return XeroStatus(connection, sync, self.now())

    def _overview_in(self, s) -> XeroOverview:
        from tui.store.xero_connections import active_connection
        from tui.sync.payments import needs_payments_scope
        from tui.sync.records import reason_sentence

        row = active_connection(s)
        if row is None:
            return XeroOverview("not connected")
        disconnected = row.status == "disconnected"
        return XeroOverview(
            state="disconnected" if disconnected else "connected",
            tenant_id=row.tenant_id,
            organisation=row.tenant_name,
            tenant_type=row.tenant_type,
            kind=row.kind,
            reason=reason_sentence(row.reason) if disconnected else "",
            since=row.disconnected_at if disconnected else row.connected_at,
            mappings=self.mapped_accounts(s, row.tenant_id),
            payment_accounts=self.mapped_payment_accounts(s, row.tenant_id),
            needs_payments_scope=needs_payments_scope(s),
            accounts_pending=row.accounts_pending,
        )

    def accounts_reviewed(self) -> XeroOverview:
        """The user has been through the revenue accounts after connecting: the sync may send from now on."""
        from tui.store.xero_connections import active_connection
        from tui.sync import records

        with self.session() as s:
            row = active_connection(s)
            if row is not None and row.accounts_pending:
                row.accounts_pending = False
                s.add(row)
                records.log(s, self.now(), f"Revenue accounts for {row.tenant_name} reviewed by "
                                                    f"{self.user}; the sync may send")
                log.info("Xero: revenue accounts reviewed for %s; the sync may start", row.tenant_name)
        return self.overview()

    def mark_disconnected(self, reason: str) -> XeroOverview:
        """Record that Xero no longer accepts the connection: why and when (Integrations shows it red)."""
        from tui.store import xero_connections
        from tui.sync import records

        with self.session() as s:
            row = xero_connections.active_connection(s)
            if row is not None and row.status != "disconnected":
                records.connection_lost(s, row, reason, self.now())
                log.warning("Xero: %s is disconnected: %s", row.tenant_name, reason)
        return self.overview()

    def check(self) -> XeroOverview:
        """Ask Xero whether the connection still works (``GET /connections``); mark it Disconnected if not.

        Also refreshes the token set when it has not been refreshed for a week, so an idle connection never
        reaches Xero's 60-day limit. A network problem leaves the stored state as it is.
        """
        row = self._active_row()
        if row is None or row.status == "disconnected":
            return self.overview()
        try:
            if self._store(row.tenant_id).load() is None:
                # Tokens are kept on the machine that connected; elsewhere there is nothing to check with, and
                # no Xero answer to go by: leave the business's connection as it is.
                log.info("Xero: no token set on this machine for %s; connection not checked", row.tenant_name)
                return self.overview()
            manager = self._manager(row)
            with api_with(self.cfg, manager, row.tenant_id) as api:
                manager.keep_alive()
                connected = api.connections()
        except Disconnected as exc:
            return self.mark_disconnected(exc.reason)
        except XeroError as exc:
            log.warning("Xero: connection not checked: %s", exc)
            return self.overview()
        if not any(str(c.get("tenantId")) == row.tenant_id for c in connected):
            reason = "the organisation was disconnected from tradiecore in Xero"
            manager.mark_disconnected(reason, row.tenant_id)  # every process (sync too) stops using the set
            return self.mark_disconnected(reason)
        return self.overview()

    def refresh(self) -> XeroOverview:
        """What the Xero screen shows on opening: :meth:`check`, then the archived flags of mapped accounts."""
        overview = self.check()
        if overview.state == "connected":
            try:
                self.chart_of_accounts()
            except XeroError as exc:
                log.warning("Xero: chart of accounts not checked: %s", exc)
            overview = self.overview()
        return overview

    def disconnect(self) -> XeroOverview:
        """Delete the connection at Xero, revoke the token set, forget it; mappings stay for a later reconnect."""
        from tui.store import xero_connections
        from tui.sync import records

        row = self._active_row()
        if row is None:
            return self.overview()
        try:
            manager = self._manager(row)
        except NotConfigured:
            manager = None
        if manager is not None:
            with api_with(self.cfg, manager, row.tenant_id) as api:
                if row.status != "disconnected" and row.connection_id:
                    try:
                        api.delete_connection(row.connection_id)
                    except XeroError as exc:
                        log.warning("Xero: the connection was not deleted at Xero: %s", exc)
                manager.disconnect()
        else:
            self._store(row.tenant_id).clear()
        with self.session() as s:
            xero_connections.forget(s, row.tenant_id, f"Disconnected in tradiecore by {self.user}.",
                                    self.now())
            records.log(s, self.now(), f"Disconnected from {row.tenant_name} by {self.user}")
        log.info("Xero: disconnected from %s by %s", row.tenant_name, self.user)
        return self.overview()

    def todo_warnings(self) -> list[str]:
        """Lines for To Do: :attr:`XeroStatus.todo_lines`, and a connection near its refresh-token expiry.
        No network."""
        status = self.status()
        lines = status.todo_lines
        if status.state != "connected":
            return lines
        try:
            row = self._active_row()
            manager = self._manager(row)
            try:
                warning = manager.expiry_warning()
            finally:
                manager.oauth.close()
        except XeroError as exc:
            warning = None if isinstance(exc, NotConfigured) else str(exc)
        except Exception as exc:  # an unreadable secrets store: say so rather than hide the connection's state
            warning = f"The Xero tokens could not be read: {exc}"
        if warning:
            lines.append(warning)
        return lines
