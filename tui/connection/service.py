"""The :class:`XeroConnection` service object: one business's Xero connection, for the screens. Its steps live
in :mod:`~tui.connection.consent`, :mod:`~tui.connection.accounts` and :mod:`~tui.connection.status`; what it
builds to talk to Xero comes from :mod:`tui.connection.factory`, what it stores goes through
:mod:`tui.store.xero_connections`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Callable, ContextManager

from tui.connection.accounts import AccountSteps
from tui.connection.consent import ConsentSteps
from tui.connection.factory import CLIENT_SECRET_KEY, api_with, oauth_for, organisation_store, token_manager
from tui.connection.payment_accounts import PaymentAccountSteps
from tui.connection.status import StatusSteps
from tui.xero.errors import Disconnected, NotConfigured

if TYPE_CHECKING:
    from sqlmodel import Session

    from tui.config import Config
    from tui.credentials.user_store import SecretStore
    from tui.sync.status import Overview


@dataclass(frozen=True)
class Wiring:
    """What the connection works with, handed to it by whoever builds it (the app's services). Each is read when
    it is used: the configuration, the secrets store and the clock may be changed under it."""

    config: Callable[[], Config]
    set_config: Callable[[Config], None]  # a custom connection's client id, just written to config.toml
    secrets: Callable[[], SecretStore]
    engine: Callable[[], Any]  # the business's database (migrated on first use)
    session: Callable[[], ContextManager[Session]]  # one transaction, committed at its end
    now: Callable[[], datetime]
    user: str
    sync_overview: Callable[[Session], Overview]  # the sync's state, read in the same transaction


class XeroConnection(ConsentSteps, AccountSteps, PaymentAccountSteps, StatusSteps):
    """One business's Xero connection, for the screens (``services.connection``). All methods block."""

    def __init__(self, wiring: Wiring, *, wait_timeout: float | None = None):
        from tui.xero.browser import can_open_browser, in_browser_tab, is_remote_session
        from tui.xero.callback import DEFAULT_TIMEOUT_S

        self._wiring = wiring
        self.user = wiring.user
        self.session = wiring.session
        self.sync_overview = wiring.sync_overview
        self.wait_timeout = DEFAULT_TIMEOUT_S if wait_timeout is None else wait_timeout
        self.remote = is_remote_session()
        self.open_browser = can_open_browser()
        self.browser_tab = in_browser_tab()

    def __repr__(self) -> str:
        return f"<XeroConnection {self.cfg.xero.api_url}>"

    # -- configuration --------------------------------------------------------------------------------
    @property
    def cfg(self) -> Config:
        return self._wiring.config()

    @cfg.setter
    def cfg(self, cfg: Config) -> None:
        self._wiring.set_config(cfg)

    @property
    def secrets(self) -> SecretStore:
        return self._wiring.secrets()

    @property
    def engine(self):
        return self._wiring.engine()

    def now(self) -> datetime:
        return self._wiring.now()

    @property
    def configured(self) -> bool:
        """A client id is set (a PKCE app registered at Xero), or a custom connection is set up."""
        return bool(self.cfg.xero.client_id) or self.has_custom()

    @property
    def redirect_uri(self) -> str:
        from tui.xero.oauth import redirect_uri

        return redirect_uri(self.cfg.xero)

    @property
    def config_file(self) -> str:
        return str(self.cfg.config_dir / "config.toml")

    def has_custom(self) -> bool:
        try:
            return bool(self.secrets.get(CLIENT_SECRET_KEY))
        except Exception:  # an unreadable secrets store: not set up, as far as this question goes
            return False

    # -- what talks to Xero ---------------------------------------------------------------------------
    def _oauth(self, kind: str = "oauth"):
        return oauth_for(self.cfg, self.secrets, kind)

    def _store(self, tenant_id: str, create_key: bool = False):
        return organisation_store(self.cfg, tenant_id, self.secrets, self.engine,
                                  create_key=create_key)

    def _manager(self, row):
        return token_manager(self.cfg, row.tenant_id, row.kind, self.secrets, self.engine)

    def _active_row(self):
        from tui.store.xero_connections import active_connection

        with self.session() as s:
            return active_connection(s)

    def api(self):
        """An :class:`~tui.xero.api.XeroApi` for the business's organisation; closing it closes its OAuth client."""
        row = self._active_row()
        if row is None:
            raise NotConfigured("Xero is not connected. Select Settings → Integrations → Connect to Xero.")
        if row.status == "disconnected":
            raise Disconnected(row.reason or "the connection was lost")
        return api_with(self.cfg, self._manager(row), row.tenant_id)
