"""The connection's one status: what is stored (:class:`XeroOverview`, what Integrations, the Xero screen and
To Do show), asking Xero whether it still holds, recording a lost connection, and disconnecting. Methods of
:class:`~tui.connection.XeroConnection`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from tui.connection.accounts import MappedAccount
from tui.xero.errors import Disconnected, NotConfigured, XeroError
from tui.xero_factory import api_with

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


def _sentence(text: str) -> str:
    """The reason as a sentence, without the client's advice to reconnect (the screens give that)."""
    text = (text or "Xero ended the connection").strip()
    for advice in ("; select Continue to reconnect", "; connect again"):
        text = text.replace(advice, "")
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


class StatusSteps:
    """Status, check and disconnect (mixed into :class:`~tui.connection.XeroConnection`)."""

    def overview(self) -> XeroOverview:
        """The connection as stored (no network)."""
        from tui.store.xero_connections import active_connection

        with self.services.session() as s:
            row = active_connection(s)
            if row is None:
                return XeroOverview("not connected")
            mappings = self.mapped_accounts(s, row.tenant_id)
            payment_accounts = self.mapped_payment_accounts(s, row.tenant_id)
            from tui.sync.payments import needs_payments_scope

            needs_scope = needs_payments_scope(s)
        disconnected = row.status == "disconnected"
        return XeroOverview(
            state="disconnected" if disconnected else "connected",
            tenant_id=row.tenant_id,
            organisation=row.tenant_name,
            tenant_type=row.tenant_type,
            kind=row.kind,
            reason=row.reason if disconnected else "",
            since=row.disconnected_at if disconnected else row.connected_at,
            mappings=mappings,
            payment_accounts=payment_accounts,
            needs_payments_scope=needs_scope,
            accounts_pending=row.accounts_pending,
        )

    def accounts_reviewed(self) -> XeroOverview:
        """The user has been through the revenue accounts after connecting: the sync may send from now on."""
        from tui.store.xero_connections import active_connection

        with self.services.session() as s:
            row = active_connection(s)
            if row is not None and row.accounts_pending:
                row.accounts_pending = False
                s.add(row)
                log.info("Xero: revenue accounts reviewed for %s; the sync may start", row.tenant_name)
        return self.overview()

    def mark_disconnected(self, reason: str) -> XeroOverview:
        """Record that Xero no longer accepts the connection: why and when (Integrations shows it red)."""
        from tui.store import xero_connections

        with self.services.session() as s:
            row = xero_connections.active_connection(s)
            if row is not None and row.status != "disconnected":
                xero_connections.mark_disconnected(s, row, _sentence(reason), self.services.now())
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
        with self.services.session() as s:
            xero_connections.forget(s, row.tenant_id, f"Disconnected in tradiecore by {self.services.user}.",
                                    self.services.now())
        log.info("Xero: disconnected from %s by %s", row.tenant_name, self.services.user)
        return self.overview()

    def todo_warnings(self) -> list[str]:
        """Lines for To Do: an archived mapped account, a connection near its refresh-token expiry. No network."""
        overview = self.overview()
        if overview.state != "connected":
            return []
        by_account: dict[str, list[str]] = {}
        pending = ["Nothing goes to Xero until you have chosen the revenue accounts: Settings → Integrations → "
                   "Xero, then Back."] if overview.accounts_pending else []
        for m in overview.archived:
            by_account.setdefault(m.label, []).append(m.category)
        lines = pending + [
            f"Xero account {label} (used for {', '.join(categories)}) is archived in Xero: choose another under "
            "Settings → Integrations → Xero."
            for label, categories in by_account.items()
        ]
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
