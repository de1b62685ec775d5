"""The one Xero token set per organisation, shared by every process of the business.

Xero rotates the refresh token on every use, so two processes holding their own copies would knock each
other out. There is therefore exactly one stored :class:`TokenSet` per connection, and
:class:`TokenManager` refreshes it under a cross-process lock: take the lock, re-read the stored set
(another process may just have refreshed it), refresh only if still needed, and save the rotated refresh
token *before* the new access token is used. A refresh whose response is lost leaves the stored set as it
was; the next attempt sends the same refresh token again, which Xero accepts within its 30-minute grace
period. ``invalid_grant`` means the connection is gone: :class:`~tui.xero.errors.Disconnected`. No stored set
(or a store this process cannot read) is :class:`~tui.credentials.user_store.TokenStoreUnreadable`: only Xero ends a connection.

Two storage backends behind one :class:`TokenStore` protocol:

* :class:`SecretTokenStore` (all processes run as one OS user on one server): the token set is a secret in
  the secrets module (keyring, else the 0600 file), the lock a :class:`filelock.FileLock` in the config dir.
* :class:`EncryptedTokenStore` (a site install, where several Unix users share the business; or processes on
  several machines sharing a PostgreSQL database): the token set is a Fernet-encrypted blob in a database row
  (a :class:`TokenRow` the store layer provides, locked with ``SELECT ... FOR UPDATE``). A site install's key
  is the site's key file (:mod:`tui.credentials.site_store`); otherwise the key is a secret in each machine's secrets
  store. To install that key on a second machine, copy it from the first: ``tradiecore`` keeps it under
  :data:`TOKEN_KEY_SECRET`; put the same value under the same name in the new machine's keyring (or
  ``secrets.json``). Without the key the row cannot be read, so the database alone never gives the tokens away.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Callable, Mapping, Protocol

from cryptography.fernet import Fernet, InvalidToken
from filelock import FileLock

from tui.config import Config
from tui.credentials.user_store import SecretStore, TokenStoreUnreadable, open_store
from tui.xero.errors import AuthFailed, Disconnected, Unavailable, XeroError
from tui.xero.oauth import XeroOAuth
from tui.xero.ratelimit import Backoff

log = logging.getLogger(__name__)

TOKEN_KEY_SECRET = "xero.token-key"  # the Fernet key of the database backend, in each machine's secrets store
REFRESH_LEEWAY_S = 120.0  # refresh an access token this long before it expires
REFRESH_TOKEN_LIFETIME_S = 60 * 86_400.0  # Xero: a refresh token unused for 60 days dies
KEEPALIVE_S = 7 * 86_400.0  # refresh at least weekly while connected
EXPIRY_WARNING_S = 14 * 86_400.0  # warn on To Do when the refresh token has less than this left


@dataclass(frozen=True)
class TokenSet:
    """One organisation's tokens. ``repr`` and ``str`` never show a token."""

    access_token: str = field(repr=False)
    refresh_token: str | None = field(repr=False)  # None for a custom connection (client credentials)
    expires_at: float  # epoch seconds when the access token expires
    scopes: tuple[str, ...] = ()
    tenant_ids: tuple[str, ...] = ()
    refreshed_at: float = 0.0  # epoch seconds of the last token response (sets the refresh token's life)
    grant: str = "authorization_code"  # or "client_credentials"
    disconnected: str = ""  # why Xero stopped accepting this set (then no process tries it again)
    disconnected_at: float = 0.0  # epoch seconds when that was found

    @classmethod
    def from_response(
        cls, token: Mapping, now: float, tenant_ids: tuple[str, ...] = (), grant: str = "authorization_code"
    ) -> "TokenSet":
        """Build from an OAuth token response (authlib's dict)."""
        # from expires_in on the caller's clock (authlib's own expires_at uses the wall clock)
        if token.get("expires_in") is not None:
            expires_at = now + float(token["expires_in"])
        else:
            expires_at = float(token.get("expires_at") or now + 1800)
        scope = token.get("scope") or ""
        return cls(
            access_token=str(token["access_token"]),
            refresh_token=token.get("refresh_token"),
            expires_at=float(expires_at),
            scopes=tuple(scope.split()) if isinstance(scope, str) else tuple(scope),
            tenant_ids=tenant_ids,
            refreshed_at=now,
            grant=grant,
        )

    def expires_within(self, seconds: float, now: float) -> bool:
        return self.expires_at - now <= seconds

    @property
    def refresh_token_expires_at(self) -> float | None:
        """When Xero will drop the refresh token if it is never used (None for client credentials)."""
        return self.refreshed_at + REFRESH_TOKEN_LIFETIME_S if self.refresh_token else None

    def to_json(self) -> str:
        data = asdict(self)
        data["scopes"] = list(self.scopes)
        data["tenant_ids"] = list(self.tenant_ids)
        return json.dumps(data)

    @classmethod
    def from_json(cls, text: str) -> "TokenSet":
        data = json.loads(text)
        data["scopes"] = tuple(data.get("scopes") or ())
        data["tenant_ids"] = tuple(data.get("tenant_ids") or ())
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in known})


class TokenStore(Protocol):
    """Where the one token set of a connection lives; ``lock()`` is held across processes."""

    where: str  # where the set lives, for a message: "the database (table xero_token_set)"
    if_missing: str  # what to do when the set is not there

    def load(self) -> TokenSet | None: ...

    def save(self, tokens: TokenSet) -> None: ...

    def clear(self) -> None: ...

    def lock(self) -> AbstractContextManager: ...


def token_secret_name(connection: str) -> str:
    """The secrets-store key of a connection's token set (``connection``: tenant id, or a name for one)."""
    return f"xero.tokens.{connection}"


class SecretTokenStore:
    """The token set as one secret (keyring, else the 0600 file); a file lock in the config dir."""

    def __init__(self, secrets: SecretStore, connection: str, lock_dir: Path):
        self.secrets = secrets
        self.key = token_secret_name(connection)
        lock_dir.mkdir(parents=True, exist_ok=True)
        self._lock_path = lock_dir / f"xero-tokens-{_safe(connection)}.lock"

    def load(self) -> TokenSet | None:
        raw = self.secrets.get(self.key)
        return TokenSet.from_json(raw) if raw else None

    def save(self, tokens: TokenSet) -> None:
        self.secrets.set(self.key, tokens.to_json())

    def clear(self) -> None:
        self.secrets.delete(self.key)

    def lock(self) -> AbstractContextManager:
        # A new FileLock each time: separate open files, so threads of one process exclude each other too.
        return FileLock(str(self._lock_path), timeout=60)

    @property
    def where(self) -> str:
        return f"{self.secrets.name} (as {self.key})"

    if_missing = "run tradiecore as the user who connected Xero (the set is that user's), or connect Xero again"

    def __repr__(self) -> str:
        return f"<SecretTokenStore {self.key} in {self.secrets!r}>"


def _safe(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in name)


def secret_token_store(cfg: Config, connection: str, secrets: SecretStore | None = None) -> SecretTokenStore:
    """The token store of one connection in this machine's secrets store, locked in the config dir."""
    return SecretTokenStore(secrets or open_store(cfg), connection, cfg.config_dir)


class MemoryTokenStore:
    """A token set held only in this process: between the consent and the choice of organisation."""

    where = "this process's memory"
    if_missing = "connect Xero again"

    def __init__(self, tokens: TokenSet | None = None):
        self._tokens = tokens
        self._lock = threading.RLock()

    def load(self) -> TokenSet | None:
        return self._tokens

    def save(self, tokens: TokenSet) -> None:
        self._tokens = tokens

    def clear(self) -> None:
        self._tokens = None

    def lock(self) -> AbstractContextManager:
        return self._lock

    def __repr__(self) -> str:
        return "<MemoryTokenStore>"


class TokenKeyError(XeroError):
    """The database token row cannot be decrypted with this machine's key."""


class TokenCipher:
    """Fernet encryption of a token set, with the key kept in the secrets store."""

    def __init__(self, key: bytes | str):
        self._fernet = Fernet(key)

    @staticmethod
    def generate_key() -> str:
        return Fernet.generate_key().decode("ascii")

    @classmethod
    def from_secrets(cls, secrets: SecretStore, create: bool = False) -> "TokenCipher":
        """This machine's cipher. ``create``: make and store a key when there is none (the first machine)."""
        key = secrets.get(TOKEN_KEY_SECRET)
        if not key:
            if not create:
                raise TokenKeyError(
                    f"This machine has no Xero token key. Copy the secret '{TOKEN_KEY_SECRET}' from the machine "
                    "that connected to Xero into this machine's keyring or secrets file."
                )
            key = cls.generate_key()
            secrets.set(TOKEN_KEY_SECRET, key)
        return cls(key)

    def encrypt(self, tokens: TokenSet) -> bytes:
        return self._fernet.encrypt(tokens.to_json().encode("utf-8"))

    def decrypt(self, blob: bytes) -> TokenSet:
        try:
            return TokenSet.from_json(self._fernet.decrypt(blob).decode("utf-8"))
        except InvalidToken:
            raise TokenKeyError(
                "The stored Xero tokens cannot be read with this machine's token key: "
                f"the secret '{TOKEN_KEY_SECRET}' differs from the one on the machine that connected."
            ) from None

    def __repr__(self) -> str:
        return "<TokenCipher>"


class TokenRow(Protocol):
    """One database row holding the encrypted token set; the store layer implements it."""

    def read(self) -> bytes | None: ...

    def write(self, blob: bytes) -> None: ...

    def delete(self) -> None: ...

    def lock(self) -> AbstractContextManager:
        """Held across processes and machines (``SELECT ... FOR UPDATE`` in its own transaction)."""
        ...


class EncryptedTokenStore:
    """The token set encrypted with :class:`TokenCipher` in a :class:`TokenRow`."""

    where = "the database (table xero_token_set)"
    if_missing = "disconnect and connect Xero again (Settings → Integrations → Xero)"

    def __init__(self, row: TokenRow, cipher: TokenCipher):
        self.row = row
        self.cipher = cipher

    def load(self) -> TokenSet | None:
        blob = self.row.read()
        return self.cipher.decrypt(blob) if blob else None

    def save(self, tokens: TokenSet) -> None:
        self.row.write(self.cipher.encrypt(tokens))

    def clear(self) -> None:
        self.row.delete()

    def lock(self) -> AbstractContextManager:
        return self.row.lock()


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
