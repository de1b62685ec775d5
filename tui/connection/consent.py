"""Connecting: start a sign-in, wait for the browser or take the pasted address, finish it, set up a custom
connection, choose the organisation (or abandon the choice). Methods of :class:`~tui.connection.XeroConnection`.

A reconnect (the stored connection is Disconnected) must end on the same organisation: choosing another raises
:class:`OtherOrganisation` and nothing changes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from tui.config import ConfigError, write_client_id
from tui.xero.errors import AuthFailed, NotConfigured, XeroError
from tui.connection.factory import CLIENT_SECRET_KEY

if TYPE_CHECKING:  # keep the Xero client's imports (authlib, httpx) off the app's start-up path
    from tui.connection.status import XeroOverview
    from tui.xero.sign_in import Consent, Organisation
    from tui.xero.tokens import TokenSet

log = logging.getLogger("tui.connection")

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


class OtherOrganisation(XeroError):
    """A reconnect chose a different organisation from the one this business keeps its invoices in."""


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
    forward_host: str = ""  # the server's name in forward_command (the user replaces it behind a jump host)
    problem: str = ""  # why the listener is not running, if it is not
    demo_login: tuple[str, str] | None = None  # tradiecore demo: the sandbox's login, as the sandbox printed it
    browser_tab: bool = False  # the app is in a browser tab (tradiecore serve): Xero opens in a new tab beside it


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
    def next_step(self) -> str:
        """What happens once an organisation is chosen (as :meth:`ConsentSteps.choose` does it): a new connection
        waits for the revenue accounts; a reconnect keeps them and carries on."""
        if self.keep_tenant_id:
            return "Then what waited goes to Xero; the revenue accounts stay as you chose them."
        return "Next, choose the revenue accounts your invoices post to."

    @property
    def suggested(self) -> int:
        """Index of the organisation to highlight first: the one being reconnected, else the first."""
        for i, org in enumerate(self.organisations):
            if org.tenant_id == self.keep_tenant_id:
                return i
        return 0


def loopback_port(url: str) -> int | None:
    """The port of a URL on this machine (the demo's sandbox), which the laptop needs forwarded too."""
    parts = urlsplit(url)
    if parts.hostname in LOOPBACK_HOSTS and parts.port:
        return parts.port
    return None


class ConsentSteps:
    """The sign-in and the organisation choice (mixed into :class:`~tui.connection.XeroConnection`)."""

    def forward_command(self) -> str:
        """``ssh -L`` for the laptop: the callback port, plus the sign-in server's port when it is local; to the
        host :meth:`forward_host` names."""
        from tui.xero.browser import ssh_forward_command

        ports = [self.cfg.xero.redirect_port]
        for url in (self.cfg.xero.login_url, self.cfg.xero.identity_url):
            port = loopback_port(url)
            if port:
                ports.append(port)
        return ssh_forward_command(ports, host=self.forward_host())

    def forward_host(self) -> str:
        """The server's name in the ``ssh -L`` line: ``[site] ssh_host``, else the SSH session's address."""
        from tui.xero.browser import ssh_host

        return ssh_host(self.cfg.site.ssh_host)

    def start(self) -> Started:
        """A new sign-in: authorize URL (PKCE + state) and the loopback listener on the registered port."""
        from tui.xero.sign_in import Consent

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
            forward_host=self.forward_host(),
            problem=problem,
            demo_login=self.cfg.demo_login,
            browser_tab=self.browser_tab,
        )

    def wait(self, started: Started) -> str:
        """Block until the browser comes back to the listener; the code (AccessDenied, CallbackTimeout...)."""
        if not started.listening:
            raise AuthFailed(started.problem or "Nothing is listening for Xero's answer; paste the address instead.")
        return started.consent.wait(self.wait_timeout)

    def code_from_paste(self, started: Started, pasted: str) -> str:
        """The code from the address the user pasted (state checked); this sign-in's answer stops the listener
        and ends :meth:`wait` (which then raises ``Cancelled``). An address that is not this sign-in's answer
        raises ``NotThisSignIn`` and leaves the listener waiting."""
        return started.consent.code_from_paste(pasted)

    def cancel(self, started: Started) -> None:
        """Stop waiting: the listener's port is free again, the sign-in's HTTP client closed."""
        if started.consent is not None:
            started.consent.cancel()
            started.consent.oauth.close()

    def finish(self, started: Started, code: str) -> PendingConnection:
        """Exchange the code and list the organisations the new tokens may use."""
        from tui.xero.sign_in import organisations

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
        """Connect with a custom connection's client id and secret (no browser); only once Xero has accepted
        them are they kept: the client id in config.toml (a site install's: the site config), the secret in the
        secrets store (a site install's: the shared store)."""
        client_id, client_secret = client_id.strip(), client_secret.strip()
        if not client_id or not client_secret:
            raise NotConfigured("Enter both the client id and the client secret of the custom connection.")
        configured = self.cfg.xero.client_id
        if configured and configured != client_id:
            raise NotConfigured(
                f"This computer is already set up with the Xero client id {configured} (config.toml [xero] "
                "client_id or TRADIECORE_XERO_CLIENT_ID). A custom connection uses its own app's client id: "
                "put that one there instead, then try again.")
        from tui.xero.oauth import XeroOAuth

        pending = self._connect_custom(
            XeroOAuth(replace(self.cfg.xero, client_id=client_id), client_secret=client_secret), client_id)
        if not configured:
            # a site install's custom connection is everybody's (the sync service's too): the site config
            path = self.cfg.site_config_path if self.cfg.is_site else self.cfg.config_dir / "config.toml"
            try:
                write_client_id(path, client_id)
            except ConfigError as exc:
                raise NotConfigured(str(exc)) from None
            except PermissionError:
                raise NotConfigured(
                    f"The client id goes into {path} for everyone on this server, and only root may change it: "
                    f'ask your administrator to add client_id = "{client_id}" under [xero] there, then try again.'
                ) from None
            self.cfg = replace(self.cfg, xero=replace(self.cfg.xero, client_id=client_id))
        self.secrets.set(CLIENT_SECRET_KEY, client_secret)
        return pending

    def connect_custom_again(self) -> PendingConnection:
        """Connect (or reconnect) the custom connection with the stored client id and secret."""
        return self._connect_custom(self._oauth("custom"), self.cfg.xero.client_id)

    def _connect_custom(self, oauth, client_id: str) -> PendingConnection:
        from tui.xero.sign_in import connect_custom, organisations

        with oauth:
            tokens = connect_custom(oauth)
            orgs = organisations(self.cfg.xero, tokens, oauth)
        if not orgs:
            raise AuthFailed("The custom connection has no organisation; finish setting it up in Xero.")
        return self._pending(tokens, orgs[:1], "custom", client_id)

    # -- choosing the organisation --------------------------------------------------------------------
    def choose(self, pending: PendingConnection, org: "Organisation") -> "XeroOverview":
        """Store the token set for ``org`` and make it the business's organisation; default mappings."""
        from tui.store import xero_connections
        from tui.sync import records
        from tui.xero.sign_in import save_connection

        if pending.keep_tenant_id and org.tenant_id != pending.keep_tenant_id:
            raise OtherOrganisation(
                f"You chose {org.name}, but tradiecore keeps this business's invoices in "
                f"{pending.keep_name or 'another organisation'}. Choose {pending.keep_name or 'that organisation'} "
                "to reconnect. To move to another organisation, Disconnect Xero first. Nothing was changed."
            )
        with self._oauth(pending.kind) as oauth:
            save_connection(self._store(org.tenant_id, create_key=True), pending.tokens, org, oauth)
        now = self.now()
        with self.session() as s:
            # A new connection sends nothing until the user has seen the revenue accounts; a reconnect of the
            # same organisation keeps its accounts and carries on.
            xero_connections.mark_connected(
                s, tenant_id=org.tenant_id, name=org.name, tenant_type=org.tenant_type,
                connection_id=org.connection_id, kind=pending.kind, now=now,
                accounts_pending=not pending.keep_tenant_id)
            records.log(s, now, f"{'Reconnected to' if pending.keep_tenant_id else 'Connected to'} {org.name} by "
                                f"{self.user}")
        log.info("Xero: connected to organisation %s (%s)", org.name, pending.kind)
        try:
            self.chart_of_accounts()  # default mappings and archived flags
        except XeroError as exc:
            log.warning("Xero: chart of accounts not loaded after connecting: %s", exc)
        try:
            self.xero_invoice_numbers()
        except XeroError as exc:  # the first pass reads them again before it creates anything
            log.warning("Xero: invoice numbers not read after connecting: %s", exc)
        return self.overview()

    def xero_invoice_numbers(self) -> str:
        """Read the invoice numbers the organisation holds (voided and deleted count) and keep the highest of the
        business's prefix, so the next invoice numbered here is above it, before anything is emailed. Returns that
        next number."""
        from tui.store.numbering import next_number, record_xero_numbers
        from tui.sync.invoice_numbers import ALL_STATUSES

        with self.api() as api:
            found = api.invoices(statuses=ALL_STATUSES, where='Type=="ACCREC"', summary_only=True)
        with self.session() as s:
            record_xero_numbers(s, (str(i.get("InvoiceNumber") or "") for i in found))
            return next_number(s)

    def abandon(self, pending: PendingConnection) -> None:
        """The user left the organisation picker: nothing is stored, and the connections this consent created
        at Xero are deleted again (best effort), so no organisation stays connected to an app that keeps no
        tokens for it. Connections that existed before the consent are left alone, and so is everything on a
        reconnect.
        """
        from tui.xero.sign_in import forget_new_connections

        if pending.kind != "oauth" or pending.keep_tenant_id:
            return
        try:
            with self._oauth("oauth") as oauth:
                deleted = forget_new_connections(self.cfg.xero, pending.tokens, oauth)
            log.info("Xero: no organisation chosen; %d new connection(s) removed again", deleted)
        except Exception as exc:  # best effort, off the UI loop: say why in the log, never in a traceback
            log.warning("Xero: the unused connections were not removed: %s", exc)
