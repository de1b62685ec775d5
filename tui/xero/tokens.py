"""The one Xero token set per organisation, shared by every process of the business.

Xero rotates the refresh token on every use, so two processes holding their own copies would knock each
other out. There is therefore exactly one stored :class:`TokenSet` per connection, and
:class:`TokenManager` refreshes it under a cross-process lock: take the lock, re-read the stored set
(another process may just have refreshed it), refresh only if still needed, and save the rotated refresh
token *before* the new access token is used. A refresh whose response is lost leaves the stored set as it
was; the next attempt sends the same refresh token again, which Xero accepts within its 30-minute grace
period. ``invalid_grant`` means the connection is gone: :class:`~tui.xero.errors.Disconnected`. No stored set
(or a store this process cannot read) is :class:`~tui.credentials.user_store.TokenStoreUnreadable`: only Xero ends a connection.

Where the set is stored (the secrets store, or an encrypted database row) is :mod:`tui.xero.token_stores`; the
set itself is :class:`~tui.xero.token_set.TokenSet`. Both are importable from here too.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import replace
from typing import Callable

from tui.credentials.user_store import TokenStoreUnreadable
from tui.xero.errors import AuthFailed, Disconnected, Unavailable, XeroError
from tui.xero.oauth import XeroOAuth
from tui.xero.ratelimit import Backoff
from tui.xero.token_set import REFRESH_TOKEN_LIFETIME_S, TokenSet
from tui.xero.token_stores import (
    TOKEN_KEY_SECRET,
    EncryptedTokenStore,
    MemoryTokenStore,
    SecretTokenStore,
    TokenCipher,
    TokenKeyError,
    TokenRow,
    TokenStore,
    secret_token_store,
    token_secret_name,
)

__all__ = [
    "EXPIRY_WARNING_S", "KEEPALIVE_S", "REFRESH_LEEWAY_S", "REFRESH_TOKEN_LIFETIME_S", "TOKEN_KEY_SECRET",
    "EncryptedTokenStore", "MemoryTokenStore", "SecretTokenStore", "TokenCipher", "TokenKeyError", "TokenManager",
    "TokenRow", "TokenSet", "TokenStore", "secret_token_store", "token_secret_name",
]

log = logging.getLogger(__name__)

REFRESH_LEEWAY_S = 120.0  # refresh an access token this long before it expires
KEEPALIVE_S = 7 * 86_400.0  # refresh at least weekly while connected
EXPIRY_WARNING_S = 14 * 86_400.0  # warn on To Do when the refresh token has less than this left


class TokenManager:
    """Hands out a valid access token for one connection; refreshes the shared set when it must.

    Thread-safe within a process, and safe across processes through the store's lock.
    """

    def __init__(
        self,
        store: TokenStore,
        oauth: XeroOAuth,
        *,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
        backoff: Backoff | None = None,
        leeway: float = REFRESH_LEEWAY_S,
    ):
        self.store = store
        self.oauth = oauth
        self.clock = clock
        self.sleep = sleep
        self.backoff = backoff or Backoff(attempts=4)
        self.leeway = leeway
        self._cached: TokenSet | None = None
        self._mutex = threading.Lock()

    def __repr__(self) -> str:
        return f"<TokenManager {self.store!r}>"

    def save(self, tokens: TokenSet) -> None:
        """Store a fresh token set from the connect flow (replacing any old one)."""
        with self.store.lock():
            self.store.save(tokens)
        self._cached = tokens

    def _missing(self) -> TokenStoreUnreadable:
        """No token set where this process looks: not Xero's word, so no reason to mark anything Disconnected."""
        return TokenStoreUnreadable(f"the Xero token set is not in {self.store.where}; {self.store.if_missing}")

    def current(self) -> TokenSet:
        """The stored token set, read again; :class:`Disconnected` when Xero ended it, and
        :class:`~tui.credentials.user_store.TokenStoreUnreadable` when there is none here (this process may just be looking in
        the wrong place: another user's keyring): never a reason to mark the connection Disconnected."""
        tokens = self.store.load()
        if tokens is None:
            raise self._missing()
        if tokens.disconnected:
            raise Disconnected(tokens.disconnected)
        self._cached = tokens
        return tokens

    def access_token(self) -> str:
        """A valid access token, refreshing first when it is about to expire."""
        tokens = self._cached or self.current()
        if tokens.expires_within(self.leeway, self.clock()):
            tokens = self.refresh()
        return tokens.access_token

    def refresh(self, rejected: str | None = None) -> TokenSet:
        """Refresh the shared set if it still needs it, and return the set to use.

        ``rejected``: an access token Xero just answered 401 to; the set is refreshed unless the stored one
        already carries a different access token (another process refreshed meanwhile).
        """

        def needed(stored: TokenSet, now: float) -> bool:
            if rejected is not None:
                return stored.access_token == rejected
            return stored.expires_within(self.leeway, now)

        return self._refresh_if(needed)[0]

    def keep_alive(self) -> bool:
        """Refresh when the last refresh is a week old, so an idle connection never reaches 60 days.

        True when this call refreshed. The sync engine calls it now and then while connected.
        """
        stored = self.current()
        if not stored.refresh_token or self.clock() - stored.refreshed_at < KEEPALIVE_S:
            return False
        return self._refresh_if(lambda again, now: now - again.refreshed_at >= KEEPALIVE_S)[1]

    def _refresh_if(self, needed: Callable[[TokenSet, float], bool]) -> tuple[TokenSet, bool]:
        """Under the cross-process lock: re-read the stored set, renew it if ``needed`` still says so.

        When Xero says the grant is gone, the set is marked Disconnected under the lock and the lock is left
        normally, so a store whose lock is a database transaction commits the mark; only then is
        :class:`Disconnected` raised (raising inside would roll the mark back).
        """
        with self._mutex:
            with self.store.lock():
                stored = self.store.load()
                if stored is None:
                    raise self._missing()
                if stored.disconnected:
                    raise Disconnected(stored.disconnected)
                now = self.clock()
                if not needed(stored, now):
                    self._cached = stored
                    return stored, False
                try:
                    fresh = self._renew(stored, now)
                except Disconnected as exc:
                    self._mark(stored, exc.reason)
                    lost = exc
                else:
                    self.store.save(fresh)  # the rotated refresh token is safe before the access token is used
                    self._cached = fresh
                    log.info("Xero tokens refreshed (access token valid for %d s)", int(fresh.expires_at - now))
                    return fresh, True
            raise lost

    def expiry_warning(self) -> str | None:
        """A sentence for To Do when the connection dies soon unless used, else None."""
        stored = self.current()
        dies = stored.refresh_token_expires_at
        if dies is None:
            return None
        left = dies - self.clock()
        if left > EXPIRY_WARNING_S:
            return None
        if left <= 0:
            return "The Xero connection has expired; select Xero, then Continue, to reconnect."
        return f"The Xero connection expires in {max(int(left // 86_400), 0)} days unless it is used; sync to keep it."

    def disconnect(self) -> None:
        """Revoke the refresh token at Xero (best effort) and forget the token set."""
        with self._mutex, self.store.lock():
            stored = self.store.load()
            if stored is not None and stored.refresh_token:
                try:
                    self.oauth.revoke(stored.refresh_token)
                except XeroError as exc:
                    log.warning("Xero did not confirm the revocation: %s", exc)
            self.store.clear()
            self._cached = None

    def mark_disconnected(self, reason: str, tenant_id: str) -> None:
        """Record that Xero no longer lets this connection reach ``tenant_id`` (its organisation), for every
        process, until the user reconnects. A set that was never for that tenant is left alone."""
        with self._mutex, self.store.lock():
            stored = self.store.load()
            if stored is not None and not stored.disconnected and tenant_id in stored.tenant_ids:
                self._mark(stored, reason)

    def _mark(self, stored: TokenSet, reason: str) -> None:
        marked = replace(stored, access_token="", refresh_token=None, disconnected=reason, disconnected_at=self.clock())
        self.store.save(marked)
        self._cached = None
        log.warning("Xero connection lost: %s", reason)

    def _with_retries(self, fn: Callable[[], dict]) -> dict:
        attempt = 1
        while True:
            try:
                return fn()
            except Unavailable:
                if attempt >= self.backoff.attempts:
                    raise
                self.sleep(self.backoff.delay(attempt))
                attempt += 1

    def _renew(self, stored: TokenSet, now: float) -> TokenSet:
        if stored.grant == "client_credentials":
            try:
                response = self._with_retries(self.oauth.client_credentials)
            except AuthFailed as exc:  # the custom connection's id or secret is no longer accepted
                raise Disconnected(str(exc)) from None
            fresh = TokenSet.from_response(response, now, grant="client_credentials")
            return replace(fresh, tenant_ids=stored.tenant_ids)
        if not stored.refresh_token:
            raise Disconnected("there is no refresh token; connect again")
        # A lost response (network error, 5xx) leaves the stored set untouched; the same refresh token is
        # sent again, which Xero honours within its 30-minute grace period.
        refresh_token = stored.refresh_token
        response = self._with_retries(lambda: self.oauth.refresh(refresh_token))
        fresh = TokenSet.from_response(response, now, tenant_ids=stored.tenant_ids)
        if not fresh.scopes:
            fresh = replace(fresh, scopes=stored.scopes)
        return fresh
