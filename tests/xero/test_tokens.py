import os
import stat
import threading

import pytest

from tests.xero.conftest import MemoryRow
from tui.credentials.user_store import FileSecretStore, TokenStoreUnreadable
from tui.xero.errors import Disconnected
from tui.xero.oauth import XeroOAuth
from tui.xero.tokens import (
    TOKEN_KEY_SECRET,
    EncryptedTokenStore,
    SecretTokenStore,
    TokenCipher,
    TokenKeyError,
    TokenManager,
    TokenSet,
)

ACCESS = "eyJ-access-SECRET-value"
REFRESH = "refresh-SECRET-value"


def token_set(**changes) -> TokenSet:
    values = dict(
        access_token=ACCESS,
        refresh_token=REFRESH,
        expires_at=10_000.0,
        scopes=("offline_access", "accounting.invoices"),
        tenant_ids=("tenant-1",),
        refreshed_at=5_000.0,
    )
    values.update(changes)
    return TokenSet(**values)


def test_repr_and_str_hide_tokens():
    ts = token_set()
    for text in (repr(ts), str(ts), repr([ts]), f"{ts}"):
        assert ACCESS not in text and REFRESH not in text
    assert "tenant-1" in repr(ts)


def test_json_round_trip_and_from_response():
    ts = token_set()
    assert TokenSet.from_json(ts.to_json()) == ts
    fresh = TokenSet.from_response(
        {"access_token": "a", "refresh_token": "r", "expires_in": 1800, "scope": "offline_access accounting.contacts"},
        now=100.0,
    )
    assert fresh.expires_at == 1900.0
    assert fresh.scopes == ("offline_access", "accounting.contacts")
    assert fresh.refresh_token_expires_at == 100.0 + 60 * 86_400


def test_token_file_is_0600(cfg, secrets):
    store = SecretTokenStore(secrets, "tenant-1", cfg.config_dir)
    store.save(token_set())
    mode = stat.S_IMODE(os.stat(secrets.path).st_mode)
    assert mode == 0o600
    assert store.load() == token_set()
    store.clear()
    assert store.load() is None


def test_secret_store_repr_hides_tokens(cfg, secrets):
    store = SecretTokenStore(secrets, "tenant-1", cfg.config_dir)
    store.save(token_set())
    manager = TokenManager(store, XeroOAuth(cfg.xero))
    for text in (repr(store), repr(manager), repr(manager.oauth)):
        assert ACCESS not in text and REFRESH not in text


def test_one_token_set_per_connection(cfg, secrets):
    a = SecretTokenStore(secrets, "tenant-a", cfg.config_dir)
    b = SecretTokenStore(secrets, "tenant-b", cfg.config_dir)
    a.save(token_set(tenant_ids=("tenant-a",)))
    assert b.load() is None
    # a second process opening the same connection sees the same set
    again = SecretTokenStore(FileSecretStore(secrets.path), "tenant-a", cfg.config_dir)
    assert again.load() == a.load()


def test_store_lock_excludes_other_threads(cfg, secrets):
    store = SecretTokenStore(secrets, "t", cfg.config_dir)
    order = []
    with store.lock():
        worker = threading.Thread(target=lambda: (store.lock().acquire(), order.append("other")))
        worker.start()
        worker.join(0.2)
        order.append("holder")
    worker.join(2)
    assert order == ["holder", "other"]


def test_fernet_round_trip(secrets):
    cipher = TokenCipher.from_secrets(secrets, create=True)
    blob = cipher.encrypt(token_set())
    assert ACCESS.encode() not in blob and REFRESH.encode() not in blob
    assert cipher.decrypt(blob) == token_set()
    # the key lives in the secrets store; a second machine with the same key reads the row
    assert TokenCipher(secrets.get(TOKEN_KEY_SECRET)).decrypt(blob) == token_set()
    assert "Fernet" not in repr(cipher) and secrets.get(TOKEN_KEY_SECRET) not in repr(cipher)


def test_wrong_or_missing_key_says_what_to_do(secrets):
    blob = TokenCipher(TokenCipher.generate_key()).encrypt(token_set())
    with pytest.raises(TokenKeyError, match=TOKEN_KEY_SECRET):
        TokenCipher(TokenCipher.generate_key()).decrypt(blob)
    with pytest.raises(TokenKeyError, match="no Xero token key"):
        TokenCipher.from_secrets(secrets)


def test_encrypted_store_keeps_only_ciphertext(secrets):
    row = MemoryRow()
    store = EncryptedTokenStore(row, TokenCipher.from_secrets(secrets, create=True))
    store.save(token_set())
    assert REFRESH.encode() not in row.blob
    assert store.load() == token_set()
    with store.lock():
        pass
    store.clear()
    assert store.load() is None


def test_manager_without_tokens_says_where_it_looked_and_is_not_disconnected(cfg, secrets):
    """No set where this process looks (another user's keyring, say) is not Xero ending the connection."""
    manager = TokenManager(SecretTokenStore(secrets, "t", cfg.config_dir), XeroOAuth(cfg.xero))
    with pytest.raises(TokenStoreUnreadable, match=r"the Xero token set is not in .*\(as xero.tokens.t\)") as raised:
        manager.access_token()
    assert not isinstance(raised.value, Disconnected)
    with pytest.raises(TokenStoreUnreadable, match="not in"):
        manager.refresh()


def test_fresh_access_token_needs_no_network(cfg, secrets):
    store = SecretTokenStore(secrets, "t", cfg.config_dir)
    manager = TokenManager(store, XeroOAuth(cfg.xero), clock=lambda: 5_000.0)
    manager.save(token_set())
    assert manager.access_token() == ACCESS
    assert manager.refresh() == token_set()  # not expiring: nothing to do


def test_expiry_warning(cfg, secrets):
    store = SecretTokenStore(secrets, "t", cfg.config_dir)
    now = [5_000.0]
    manager = TokenManager(store, XeroOAuth(cfg.xero), clock=lambda: now[0])
    manager.save(token_set())
    assert manager.expiry_warning() is None
    now[0] = 5_000.0 + 50 * 86_400
    assert "expires in 10 days" in manager.expiry_warning()
    now[0] = 5_000.0 + 61 * 86_400
    assert "expired" in manager.expiry_warning()
