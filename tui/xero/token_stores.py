"""Where the one token set of a connection lives, behind one :class:`TokenStore` protocol.

* :class:`SecretTokenStore` (all processes run as one OS user on one server): the token set is a secret in
  the secrets module (keyring, else the 0600 file), the lock a :class:`filelock.FileLock` in the config dir.
* :class:`EncryptedTokenStore` (a site install, where several Unix users share the business; or processes on
  several machines sharing a PostgreSQL database): the token set is a Fernet-encrypted blob in a database row
  (a :class:`TokenRow` the store layer provides, locked with ``SELECT ... FOR UPDATE``). A site install's key
  is the site's key file (:mod:`tui.credentials.site_store`); otherwise the key is a secret in each machine's secrets
  store. To install that key on a second machine, copy it from the first: ``tradiecore`` keeps it under
  :data:`TOKEN_KEY_SECRET`; put the same value under the same name in the new machine's keyring (or
  ``secrets.json``). Without the key the row cannot be read, so the database alone never gives the tokens away.
* :class:`MemoryTokenStore`: a set held only in this process, between the consent and the choice of organisation.
"""

from __future__ import annotations

import threading
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Protocol

from cryptography.fernet import Fernet, InvalidToken
from filelock import FileLock

from tui.config import Config
from tui.credentials.user_store import SecretStore, open_store
from tui.xero.errors import XeroError
from tui.xero.token_set import TokenSet

TOKEN_KEY_SECRET = "xero.token-key"  # the Fernet key of the database backend, in each machine's secrets store


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
