"""The secrets of a site install: shared by every member of the site's Unix group and by the sync service.

A single-user install keeps its secrets in that user's keyring or 0600 file (:func:`tui.credentials.user_store.open_store`).
A site install (:attr:`tui.config.Config.is_site`) has one business for several Unix users, so its secrets are
the business's: each is a Fernet-encrypted row of ``shared_secret`` in the business's database
(:class:`SiteSecretStore`), and the Xero token set the encrypted row of ``xero_token_set``
(:func:`tui.connection.factory.token_store_for`). Both use one key, the file ``secrets.key`` in the site dir, mode
0640, owned by root and the site's group (``tradiecore setup --site`` makes it). Whoever cannot read that file
cannot read a secret: :class:`~tui.credentials.user_store.TokenStoreUnreadable`, with the reason and the group to join.
"""

from __future__ import annotations

from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from tui.config import Config
from tui.credentials.user_store import SecretStore, TokenStoreUnreadable, open_store
from tui.credentials.shared_rows import SharedSecretRows

KEY_FILE = "secrets.key"
KEY_FILE_MODE = 0o640


def key_path(cfg: Config) -> Path:
    """The site's key file: the key of the shared secrets and of the Xero token set."""
    return cfg.site_dir / KEY_FILE


def read_site_key(cfg: Config) -> bytes:
    """The site's key; :class:`TokenStoreUnreadable` saying why this process cannot have it."""
    path = key_path(cfg)
    where = f"cannot read the Xero token store at {path}"
    try:
        key = path.read_bytes().strip()
    except PermissionError:
        raise TokenStoreUnreadable(f"{where}: permission denied; are you in {cfg.site.group_to_join}?") from None
    except FileNotFoundError:
        raise TokenStoreUnreadable(f"{where}: the key file is missing; restore it from a backup, or run "
                                   "`tradiecore setup --site` as root and connect Xero again") from None
    except OSError as exc:
        raise TokenStoreUnreadable(f"{where}: {exc.strerror or type(exc).__name__}") from None
    try:
        Fernet(key)
    except ValueError:
        raise TokenStoreUnreadable(f"{where}: the file does not hold a tradiecore key") from None
    return key


class SiteSecretStore(SecretStore):
    """The business's secrets in ``shared_secret``, encrypted with the site's key. Every call needs the key, so a
    process that cannot read it learns so at once, whether or not the secret exists."""

    def __init__(self, cfg: Config, engine):
        self.cfg = cfg
        self.rows = SharedSecretRows(engine)
        self._fernet: Fernet | None = None
        group = f", group {cfg.site.group}" if cfg.site.group else ""
        self.name = f"the business's database, encrypted with {key_path(cfg)}{group}"

    def _cipher(self) -> Fernet:
        if self._fernet is None:
            self._fernet = Fernet(read_site_key(self.cfg))
        return self._fernet

    def get(self, key: str) -> str | None:
        cipher = self._cipher()
        blob = self.rows.read(key)
        if blob is None:
            return None
        try:
            return cipher.decrypt(blob).decode("utf-8")
        except InvalidToken:
            raise TokenStoreUnreadable(f"cannot read the shared secret {key!r}: {key_path(self.cfg)} is not the key "
                                       "it was saved with") from None

    def set(self, key: str, value: str) -> None:
        self.rows.write(key, self._cipher().encrypt(value.encode("utf-8")))

    def delete(self, key: str) -> None:
        self._cipher()
        self.rows.delete(key)


def open_secrets(cfg: Config, engine=None) -> SecretStore:
    """The secrets store of this install: the shared one of a site install (over ``engine``, default an engine
    of ``cfg``'s database), else this user's (:func:`tui.credentials.user_store.open_store`)."""
    if not cfg.is_site:
        return open_store(cfg)
    if engine is None:
        from tui.store.db import make_engine

        engine = make_engine(cfg.database_url)
    return SiteSecretStore(cfg, engine)


def check_readable(cfg: Config) -> None:
    """In a site install, :class:`TokenStoreUnreadable` unless this process can read the site's key."""
    if cfg.is_site:
        read_site_key(cfg)
