"""Signing in to Xero, below the screens: consent in a browser, code back, tokens, organisations, saved set.

The UI drives it from a thread worker::

    consent = Consent(XeroOAuth(cfg.xero))          # starts the loopback listener on the registered port
    show(consent.url)                               # or webbrowser.open when browser.can_open_browser()
    code = consent.wait()                           # or consent.code_from_paste(pasted) over SSH; cancel()
    tokens = consent.finish(code)                   # exchanges the code (PKCE verifier)
    orgs = organisations(cfg.xero, tokens, oauth)   # the user picks one (name, type)
    save_connection(secret_token_store(cfg, org.tenant_id), tokens, org, oauth)

A custom connection skips the browser: ``tokens = connect_custom(oauth)``; it has exactly one organisation.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

from tui.config import XeroConfig
from tui.xero.api import XeroApi
from tui.xero.callback import DEFAULT_TIMEOUT_S, CallbackListener, parse_pasted_redirect
from tui.xero.errors import AuthFailed, NotThisSignIn
from tui.xero.oauth import XeroOAuth
from tui.xero.tokens import MemoryTokenStore, TokenManager, TokenSet, TokenStore


@dataclass(frozen=True)
class Organisation:
    """One connected Xero organisation, from ``GET /connections``."""

    tenant_id: str
    name: str
    tenant_type: str
    connection_id: str  # what ``DELETE /connections/{id}`` takes


class Consent:
    """One sign-in: the authorize URL, its loopback listener, and the code exchange."""

    def __init__(self, oauth: XeroOAuth, listen: bool = True):
        self.oauth = oauth
        self.request = oauth.start()
        self.listener = CallbackListener(oauth.config.redirect_port, self.request.state) if listen else None

    def __repr__(self) -> str:
        return f"<Consent redirect={self.request.redirect_uri}>"

    @property
    def url(self) -> str:
        return self.request.url

    def wait(self, timeout: float = DEFAULT_TIMEOUT_S) -> str:
        """The code from the browser's redirect (see :meth:`CallbackListener.wait` for the errors)."""
        if self.listener is None:
            raise RuntimeError("this consent was started without a listener; use code_from_paste")
        return self.listener.wait(timeout)

    def code_from_paste(self, url: str) -> str:
        """The code from an address pasted by the user. This sign-in's answer (a code, or Xero's error) ends the
        sign-in: the listener stops and :meth:`wait` raises ``Cancelled``. Anything else raises ``NotThisSignIn``
        and the listener keeps waiting."""
        try:
            code = parse_pasted_redirect(url, self.request.state, self.request.redirect_uri)
        except NotThisSignIn:
            raise
        except AuthFailed:
            self.cancel()
            raise
        self.cancel()
        return code

    def cancel(self) -> None:
        if self.listener is not None:
            self.listener.cancel()

    def finish(self, code: str) -> TokenSet:
        """Exchange the code for a token set (not stored yet: the organisation is chosen first)."""
        return TokenSet.from_response(self.oauth.exchange(self.request, code), now=time.time())


def connect_custom(oauth: XeroOAuth) -> TokenSet:
    """A token set for a custom connection (client credentials; no browser)."""
    return TokenSet.from_response(oauth.client_credentials(), now=time.time(), grant="client_credentials")


def organisations(config: XeroConfig, tokens: TokenSet, oauth: XeroOAuth) -> list[Organisation]:
    """The organisations a fresh token set may use."""
    with XeroApi(config, TokenManager(MemoryTokenStore(tokens), oauth)) as api:
        return [
            Organisation(
                tenant_id=str(c["tenantId"]),
                name=str(c.get("tenantName") or ""),
                tenant_type=str(c.get("tenantType") or ""),
                connection_id=str(c.get("id") or ""),
            )
            for c in api.connections()
        ]


def forget_new_connections(config: XeroConfig, tokens: TokenSet, oauth: XeroOAuth) -> int:
    """For a consent the user then left unused: delete the connections it created, and only those.

    A connection this consent merely renewed (the organisation was connected to this app before, by this
    Xero user, perhaps for another business) was created earlier than it was last updated: it stays.
    Returns how many were deleted.
    """
    deleted = 0
    with XeroApi(config, TokenManager(MemoryTokenStore(tokens), oauth)) as api:
        for c in api.connections():
            created = c.get("createdDateUtc")
            if created and created == c.get("updatedDateUtc") and c.get("id"):
                api.delete_connection(str(c["id"]))
                deleted += 1
    return deleted


def save_connection(store: TokenStore, tokens: TokenSet, org: Organisation, oauth: XeroOAuth) -> TokenManager:
    """Store the token set as the one set of ``org`` (replacing a disconnected one) and manage it from now on."""
    manager = TokenManager(store, oauth)
    manager.save(replace(tokens, tenant_ids=(org.tenant_id,)))
    return manager
