"""The Xero connection as the screens see it: connect, choose the organisation, map revenue accounts, check,
disconnect and reconnect. Every method blocks (network, database, keyring): screens call them from thread
workers. Nothing here imports Textual.

The flow, as the screens drive it::

    xero = xero_connection(services)
    started = xero.start()                 # authorize URL, loopback listener, how to reach it over SSH
    code = xero.wait(started)              # or xero.code_from_paste(started, pasted_url); xero.cancel(started)
    pending = xero.finish(started, code)   # tokens (held in memory) and the organisations they may use
    overview = xero.choose(pending, org)   # stores the one token set, the organisation, default mappings

A reconnect (the stored connection is Disconnected) must end on the same organisation: choosing another raises
:class:`OtherOrganisation` and nothing changes. A custom connection (client id + secret, no browser) is
``xero.setup_custom(client_id, secret)`` followed by the same ``choose``.
"""

from __future__ import annotations

import functools
import logging
import threading
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from tui.config import ConfigError, write_client_id
from tui.token_stores import token_store_for, uses_database_tokens
from tui.xero.errors import AuthFailed, Disconnected, NotConfigured, XeroError

if TYPE_CHECKING:  # keep the Xero client's imports (authlib, httpx) off the app's start-up path
    from tui.services import Services
    from tui.xero.connect import Consent, Organisation
    from tui.xero.tokens import TokenSet

log = logging.getLogger(__name__)

#: The revenue categories an invoice line posts to, in the order the Xero screen lists them.
CATEGORIES: tuple[str, ...] = ("General Sales", "Materials", "Labour")
DEFAULT_ACCOUNT_CODE = "200"
DEFAULT_ACCOUNT_NAME = "Sales"
REVENUE_WHERE = 'Class=="REVENUE"'
#: A custom connection's client secret in the secrets store (the name the Xero client and sync use too). Its
#: client id is the app's ``[xero] client_id``, which the setup screen writes into config.toml when it is empty.
CUSTOM_CLIENT_SECRET = "xero.client-secret"
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


class OtherOrganisation(XeroError):
    """A reconnect chose a different organisation from the one this business keeps its invoices in."""


@dataclass(frozen=True)
class Account:
    """One account of the organisation's chart of accounts."""

    account_id: str
    code: str
    name: str
    tax_type: str
    status: str = "ACTIVE"

    @property
    def label(self) -> str:
        return f"{self.code} {self.name}".strip()


@dataclass(frozen=True)
class MappedAccount:
    """Which Xero account a revenue category posts to ("" code: not chosen yet)."""

    category: str
    code: str = ""
    name: str = ""
    account_id: str = ""
    archived: bool = False

    @property
    def label(self) -> str:
        return f"{self.code} {self.name}".strip() if self.code else "Not chosen"


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
    accounts_pending: bool = False  # just connected: the sync waits until the revenue accounts are reviewed

    @property
    def archived(self) -> tuple[MappedAccount, ...]:
        return tuple(m for m in self.mappings if m.archived)


@dataclass
class Started:
    """One sign-in under way: the URL for the browser and the ways the answer can come back."""

    consent: "Consent" = field(repr=False)
    url: str = field(repr=False)
    redirect_uri: str
    port: int
    listening: bool  # False: the port was busy; only paste-back can finish this sign-in
    open_browser: bool  # a graphical browser can open here (not over SSH, a display is present)
    remote: bool  # an SSH session
    forward_command: str  # ssh -L ... for the laptop's browser (callback port, and a loopback sandbox)
    problem: str = ""  # why the listener is not running, if it is not
    demo_login: tuple[str, str] | None = None  # tradiecore demo: the sandbox's login, as the sandbox printed it


@dataclass
class PendingConnection:
    """Tokens from a consent, not stored yet: the user chooses the organisation first."""

    tokens: "TokenSet" = field(repr=False)
    organisations: list["Organisation"]
    kind: str = "oauth"
    keep_tenant_id: str = ""  # a reconnect must end on this organisation
    keep_name: str = ""
    client_id: str = ""  # custom connection's client id

    @property
    def suggested(self) -> int:
        """Index of the organisation to highlight first: the one being reconnected, else the first."""
        for i, org in enumerate(self.organisations):
            if org.tenant_id == self.keep_tenant_id:
                return i
        return 0


def _utc(dt: datetime | None) -> datetime | None:
    if dt is not None and dt.tzinfo is None:
        return dt.replace(tzinfo=timezone.utc)
    return dt


def loopback_port(url: str) -> int | None:
    """The port of a URL on this machine (the demo's sandbox), which the laptop needs forwarded too."""
    parts = urlsplit(url)
    if parts.hostname in LOOPBACK_HOSTS and parts.port:
        return parts.port
    return None


class XeroConnection:
    """One business's Xero connection, for the screens and the sync engine. All methods block."""

    def __init__(self, services: "Services", *, wait_timeout: float | None = None):
        from tui.xero.browser import can_open_browser, is_remote_session
        from tui.xero.callback import DEFAULT_TIMEOUT_S

        self.services = services
        self.wait_timeout = DEFAULT_TIMEOUT_S if wait_timeout is None else wait_timeout
        self.remote = is_remote_session()
        self.open_browser = can_open_browser()
        self._lock = threading.RLock()

    def __repr__(self) -> str:
        return f"<XeroConnection {self.cfg.xero.api_url}>"

    # -- configuration --------------------------------------------------------------------------------
    @property
    def cfg(self):
        return self.services.cfg

    @property
    def configured(self) -> bool:
        """A client id is set (a PKCE app registered at Xero), or a custom connection is set up."""
        return bool(self.cfg.xero.client_id) or self.has_custom()

    @property
    def redirect_uri(self) -> str:
        return f"http://localhost:{self.cfg.xero.redirect_port}/callback"

    @property
    def config_file(self) -> str:
        return str(self.cfg.config_dir / "config.toml")

    def has_custom(self) -> bool:
        try:
            return bool(self.services.secrets.get(CUSTOM_CLIENT_SECRET))
        except Exception:  # an unreadable secrets store: not set up, as far as this question goes
            return False

    def _oauth(self, kind: str = "oauth"):
        from tui.xero.oauth import XeroOAuth

        if kind == "custom":
            secret = self.services.secrets.get(CUSTOM_CLIENT_SECRET) or ""
            if not self.cfg.xero.client_id or not secret:
                raise NotConfigured("The custom connection's client id or secret is missing; set it up again "
                                    "under Settings → Integrations.")
            return XeroOAuth(self.cfg.xero, client_secret=secret)
        return XeroOAuth(self.cfg.xero)

    def forward_command(self) -> str:
        """``ssh -L`` for the laptop: the callback port, plus the sign-in server's port when it is local."""
        from tui.xero.browser import ssh_forward_command

        ports = [self.cfg.xero.redirect_port]
        for url in (self.cfg.xero.login_url, self.cfg.xero.identity_url):
            port = loopback_port(url)
            if port:
                ports.append(port)
        return ssh_forward_command(ports)

    # -- consent ----------------------------------------------------------------------------------------
    def start(self) -> Started:
        """A new sign-in: authorize URL (PKCE + state) and the loopback listener on the registered port."""
        from tui.xero.connect import Consent

        if not self.cfg.xero.client_id:
            raise NotConfigured(
                f"No Xero client id is set. Register a PKCE app at developer.xero.com with the redirect URI "
                f"{self.redirect_uri} and put its client id under [xero] client_id in {self.config_file} "
                "(or TRADIECORE_XERO_CLIENT_ID)."
            )
        oauth = self._oauth()
        problem = ""
        try:
            consent = Consent(oauth)
            listening = True
        except AuthFailed as exc:  # the port is busy: the pasted address can still finish the sign-in
            consent = Consent(oauth, listen=False)
            listening, problem = False, str(exc)
        return Started(
            consent=consent,
            url=consent.url,
            redirect_uri=oauth.redirect_uri,
            port=self.cfg.xero.redirect_port,
            listening=listening,
            open_browser=self.open_browser,
            remote=self.remote,
            forward_command=self.forward_command(),
            problem=problem,
            demo_login=self.cfg.demo_login,
        )

    def wait(self, started: Started) -> str:
        """Block until the browser comes back to the listener; the code (AccessDenied, CallbackTimeout...)."""
        if not started.listening:
            raise AuthFailed(started.problem or "Nothing is listening for Xero's answer; paste the address instead.")
        return started.consent.wait(self.wait_timeout)

    def code_from_paste(self, started: Started, pasted: str) -> str:
        """The code from the address the user pasted (state checked); stops the listener and ends :meth:`wait`
        (which then raises ``Cancelled``). A wrong address leaves the listener waiting."""
        code = started.consent.code_from_paste(pasted)
        started.consent.cancel()
        return code

    def cancel(self, started: Started) -> None:
        """Stop waiting: the listener's port is free again, the sign-in's HTTP client closed."""
        if started.consent is not None:
            started.consent.cancel()
            started.consent.oauth.close()

    def finish(self, started: Started, code: str) -> PendingConnection:
        """Exchange the code and list the organisations the new tokens may use."""
        from tui.xero.connect import organisations

        try:
            tokens = started.consent.finish(code)
            orgs = organisations(self.cfg.xero, tokens, started.consent.oauth)
        finally:
            started.consent.oauth.close()
        if not orgs:
            raise AuthFailed("Xero connected no organisation. Start again and choose an organisation in Xero.")
        return self._pending(tokens, orgs, "oauth")

    def _pending(self, tokens, orgs, kind: str, client_id: str = "") -> PendingConnection:
        row = self._active_row()
        return PendingConnection(
            tokens=tokens,
            organisations=list(orgs),
            kind=kind,
            keep_tenant_id=row.tenant_id if row is not None else "",
            keep_name=row.tenant_name if row is not None else "",
            client_id=client_id,
        )

    # -- custom connection ------------------------------------------------------------------------------
    def setup_custom(self, client_id: str, client_secret: str) -> PendingConnection:
        """Store the custom connection's client id and secret (secrets store) and connect without a browser."""
        from tui.xero.connect import connect_custom, organisations

        client_id, client_secret = client_id.strip(), client_secret.strip()
        if not client_id or not client_secret:
            raise NotConfigured("Enter both the client id and the client secret of the custom connection.")
        configured = self.cfg.xero.client_id
        if configured and configured != client_id:
            raise NotConfigured(
                f"This computer is already set up with the Xero client id {configured} (config.toml [xero] "
                "client_id or TRADIECORE_XERO_CLIENT_ID). A custom connection uses its own app's client id: "
                "put that one there instead, then try again.")
        if not configured:
            try:
                write_client_id(self.cfg.config_dir / "config.toml", client_id)
            except ConfigError as exc:
                raise NotConfigured(str(exc)) from None
            self.services.cfg = replace(self.cfg, xero=replace(self.cfg.xero, client_id=client_id))
        self.services.secrets.set(CUSTOM_CLIENT_SECRET, client_secret)
        with self._oauth("custom") as oauth:
            tokens = connect_custom(oauth)
            orgs = organisations(self.cfg.xero, tokens, oauth)
        if not orgs:
            raise AuthFailed("The custom connection has no organisation; finish setting it up in Xero.")
        return self._pending(tokens, orgs[:1], "custom", client_id)

    def connect_custom_again(self) -> PendingConnection:
        """Connect (or reconnect) the custom connection with the stored client id and secret."""
        from tui.xero.connect import connect_custom, organisations

        with self._oauth("custom") as oauth:
            tokens = connect_custom(oauth)
            orgs = organisations(self.cfg.xero, tokens, oauth)
        if not orgs:
            raise AuthFailed("The custom connection has no organisation; finish setting it up in Xero.")
        return self._pending(tokens, orgs[:1], "custom", self.cfg.xero.client_id)

    # -- choosing the organisation --------------------------------------------------------------------
    def choose(self, pending: PendingConnection, org: "Organisation") -> XeroOverview:
        """Store the token set for ``org`` and make it the business's organisation; default mappings."""
        from tui.store.tables import XeroConnectionRow
        from tui.xero.connect import save_connection

        if pending.keep_tenant_id and org.tenant_id != pending.keep_tenant_id:
            raise OtherOrganisation(
                f"You chose {org.name}, but tradiecore keeps this business's invoices in "
                f"{pending.keep_name or 'another organisation'}. Choose {pending.keep_name or 'that organisation'} "
                "to reconnect. To move to another organisation, Disconnect Xero first. Nothing was changed."
            )
        with self._oauth(pending.kind) as oauth:
            save_connection(self._store(org.tenant_id, create_key=True), pending.tokens, org, oauth)
        now = self.services.now()
        with self.services.session() as s:
            for other in s.exec(_active_rows()).all():
                if other.tenant_id != org.tenant_id:
                    other.active = False
                    s.add(other)
            row = s.get(XeroConnectionRow, org.tenant_id) or XeroConnectionRow(tenant_id=org.tenant_id)
            row.tenant_name = org.name
            row.tenant_type = org.tenant_type
            row.connection_id = org.connection_id
            row.kind = pending.kind
            row.status = "connected"
            row.reason = ""
            row.connected_at = now
            row.disconnected_at = None
            row.active = True
            # A new connection sends nothing until the user has seen the revenue accounts; a reconnect of the
            # same organisation keeps its accounts and carries on.
            row.accounts_pending = not pending.keep_tenant_id
            s.add(row)
        log.info("Xero: connected to organisation %s (%s)", org.name, pending.kind)
        try:
            self.chart_of_accounts()  # default mappings and archived flags
        except XeroError as exc:
            log.warning("Xero: chart of accounts not loaded after connecting: %s", exc)
        return self.overview()

    def abandon(self, pending: PendingConnection) -> None:
        """The user left the organisation picker: nothing is stored, and the connections this consent created
        at Xero are deleted again (best effort), so no organisation stays connected to an app that keeps no
        tokens for it. Connections that existed before the consent are left alone, and so is everything on a
        reconnect.
        """
        from tui.xero.connect import forget_new_connections

        if pending.kind != "oauth" or pending.keep_tenant_id:
            return
        try:
            with self._oauth("oauth") as oauth:
                deleted = forget_new_connections(self.cfg.xero, pending.tokens, oauth)
            log.info("Xero: no organisation chosen; %d new connection(s) removed again", deleted)
        except Exception as exc:  # best effort, off the UI loop: say why in the log, never in a traceback
            log.warning("Xero: the unused connections were not removed: %s", exc)

    # -- what is stored --------------------------------------------------------------------------------
    def _active_row(self):
        with self.services.session() as s:
            return s.exec(_active_rows()).first()

    def _store(self, tenant_id: str, create_key: bool = False):
        engine = self.services.engine if uses_database_tokens(self.cfg) else None
        return token_store_for(self.cfg, tenant_id, self.services.secrets, engine, create_key=create_key)

    def _manager(self, row):
        from tui.xero.tokens import TokenManager

        return TokenManager(self._store(row.tenant_id), self._oauth(row.kind))

    def api(self):
        """An :class:`~tui.xero.api.XeroApi` for the business's organisation (for the sync engine too)."""

        row = self._active_row()
        if row is None:
            raise NotConfigured("Xero is not connected. Select Settings → Integrations → Connect to Xero.")
        if row.status == "disconnected":
            raise Disconnected(row.reason or "the connection was lost")
        return _OwnedApi(self.cfg.xero, self._manager(row), row.tenant_id)

    def overview(self) -> XeroOverview:
        from sqlmodel import select

        from tui.store.tables import AccountMappingRow

        with self.services.session() as s:
            row = s.exec(_active_rows()).first()
            if row is None:
                return XeroOverview("not connected")
            stored = {m.category: m for m in s.exec(
                select(AccountMappingRow).where(AccountMappingRow.tenant_id == row.tenant_id)).all()}
        mappings = tuple(
            MappedAccount(c, stored[c].account_code, stored[c].account_name, stored[c].account_id,
                          stored[c].archived) if c in stored else MappedAccount(c)
            for c in CATEGORIES
        )
        disconnected = row.status == "disconnected"
        return XeroOverview(
            state="disconnected" if disconnected else "connected",
            tenant_id=row.tenant_id,
            organisation=row.tenant_name,
            tenant_type=row.tenant_type,
            kind=row.kind,
            reason=row.reason if disconnected else "",
            since=_utc(row.disconnected_at if disconnected else row.connected_at),
            mappings=mappings,
            accounts_pending=row.accounts_pending,
        )

    def accounts_reviewed(self) -> XeroOverview:
        """The user has been through the revenue accounts after connecting: the sync may send from now on."""
        with self.services.session() as s:
            row = s.exec(_active_rows()).first()
            if row is not None and row.accounts_pending:
                row.accounts_pending = False
                s.add(row)
                log.info("Xero: revenue accounts reviewed for %s; the sync may start", row.tenant_name)
        return self.overview()

    # -- chart of accounts and mappings ----------------------------------------------------------------
    def chart_of_accounts(self) -> list[Account]:
        """The organisation's active revenue accounts (code order); refreshes the archived flags and fills
        a category's default (the account named "Sales", else code 200) when it has none."""
        from sqlmodel import select

        from tui.store.tables import AccountMappingRow

        with self.api() as api:
            try:
                raw = api.accounts(REVENUE_WHERE)
            except Disconnected as exc:
                self.mark_disconnected(exc.reason)
                raise
        accounts = [
            Account(
                account_id=str(a.get("AccountID") or ""),
                code=str(a.get("Code") or ""),
                name=str(a.get("Name") or ""),
                tax_type=str(a.get("TaxType") or ""),
                status=str(a.get("Status") or "ACTIVE"),
            )
            for a in raw
            if str(a.get("Class") or "REVENUE") == "REVENUE"
        ]
        active = sorted((a for a in accounts if a.status == "ACTIVE"), key=lambda a: (a.code, a.name))
        by_id = {a.account_id: a for a in accounts if a.account_id}
        by_code = {a.code: a for a in accounts if a.code}
        default = next((a for a in active if a.name.lower() == DEFAULT_ACCOUNT_NAME.lower()), None) or next(
            (a for a in active if a.code == DEFAULT_ACCOUNT_CODE), None)
        row = self._active_row()
        with self.services.session() as s:
            stored = {m.category: m for m in s.exec(
                select(AccountMappingRow).where(AccountMappingRow.tenant_id == row.tenant_id)).all()}
            for category in CATEGORIES:
                mapping = stored.get(category)
                if mapping is None:
                    if default is not None:
                        s.add(AccountMappingRow(tenant_id=row.tenant_id, category=category, account_code=default.code,
                                                account_name=default.name, account_id=default.account_id))
                    continue
                current = by_id.get(mapping.account_id) or by_code.get(mapping.account_code)
                archived = current is None or current.status != "ACTIVE"
                if archived != mapping.archived or (current and current.name != mapping.account_name):
                    mapping.archived = archived
                    if current is not None:
                        mapping.account_name = current.name
                    s.add(mapping)
        return active

    def save_mapping(self, category: str, account: Account) -> XeroOverview:
        """Post ``category`` to ``account`` from now on (stored locally, per organisation)."""
        from tui.store.tables import AccountMappingRow

        if category not in CATEGORIES:
            raise ValueError(f"unknown revenue category {category!r}")
        if account.status != "ACTIVE":
            raise XeroError(f"{account.label} is archived in Xero; choose an active account.")
        row = self._active_row()
        if row is None:
            raise NotConfigured("Xero is not connected.")
        with self.services.session() as s:
            mapping = s.get(AccountMappingRow, (row.tenant_id, category)) or AccountMappingRow(
                tenant_id=row.tenant_id, category=category, account_code=account.code)
            mapping.account_code = account.code
            mapping.account_name = account.name
            mapping.account_id = account.account_id
            mapping.archived = False
            s.add(mapping)
        return self.overview()

    # -- status, disconnect ----------------------------------------------------------------------------
    def mark_disconnected(self, reason: str) -> XeroOverview:
        """Record that Xero no longer accepts the connection: why and when (Integrations shows it red)."""
        with self.services.session() as s:
            row = s.exec(_active_rows()).first()
            if row is not None and row.status != "disconnected":
                row.status = "disconnected"
                row.reason = _sentence(reason)
                row.disconnected_at = self.services.now()
                s.add(row)
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
            with _OwnedApi(self.cfg.xero, manager, row.tenant_id) as api:
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
        from tui.store.tables import XeroConnectionRow

        row = self._active_row()
        if row is None:
            return self.overview()
        try:
            manager = self._manager(row)
        except NotConfigured:
            manager = None
        if manager is not None:
            with _OwnedApi(self.cfg.xero, manager, row.tenant_id) as api:
                if row.status != "disconnected" and row.connection_id:
                    try:
                        api.delete_connection(row.connection_id)
                    except XeroError as exc:
                        log.warning("Xero: the connection was not deleted at Xero: %s", exc)
                manager.disconnect()
        else:
            self._store(row.tenant_id).clear()
        with self.services.session() as s:
            stored = s.get(XeroConnectionRow, row.tenant_id)
            stored.status = "disconnected"
            stored.reason = f"Disconnected in tradiecore by {self.services.user}."
            stored.disconnected_at = self.services.now()
            stored.active = False
            s.add(stored)
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


@functools.lru_cache(maxsize=None)
def _owned_api_class():
    from tui.xero.api import XeroApi

    class OwnedApi(XeroApi):
        """An API whose token manager's OAuth client is closed with it."""

        def close(self) -> None:
            super().close()
            self.tokens.oauth.close()

    return OwnedApi


def _OwnedApi(*args, **kwargs):  # noqa: N802 - used like a class; built lazily to keep httpx off start-up
    return _owned_api_class()(*args, **kwargs)


def _active_rows():
    from sqlmodel import select

    from tui.store.tables import XeroConnectionRow

    return select(XeroConnectionRow).where(XeroConnectionRow.active == True)  # noqa: E712


def _sentence(text: str) -> str:
    """The reason as a sentence, without the client's advice to reconnect (the screens give that)."""
    text = (text or "Xero ended the connection").strip()
    for advice in ("; select Continue to reconnect", "; connect again"):
        text = text.replace(advice, "")
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


_instances_lock = threading.Lock()


def xero_connection(services: "Services") -> XeroConnection:
    """The one :class:`XeroConnection` of a Services object (tests may set ``services.xero_connection``)."""
    existing = getattr(services, "xero_connection", None)
    if existing is not None:
        return existing
    with _instances_lock:
        existing = getattr(services, "xero_connection", None)
        if existing is None:
            existing = XeroConnection(services)
            services.xero_connection = existing
        return existing


__all__ = [
    "Account",
    "CATEGORIES",
    "MappedAccount",
    "OtherOrganisation",
    "PendingConnection",
    "Started",
    "XeroConnection",
    "XeroOverview",
    "xero_connection",
]
