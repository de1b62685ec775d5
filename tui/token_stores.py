"""Where an organisation's one Xero token set lives, for every process of the business (app and sync alike)."""

from __future__ import annotations


def uses_database_tokens(cfg) -> bool:
    """PostgreSQL (shared by processes on several machines): the token set lives in the database, encrypted."""
    return cfg.database_url.startswith(("postgresql", "postgres:"))


def token_store_for(cfg, tenant_id: str, secrets, engine=None, *, create_key: bool = False):
    """The one token store of an organisation, for every process of the business (the sync engine too).

    SQLite (one server, one OS user): the secrets store (keyring, else the 0600 file), locked by a file lock.
    PostgreSQL (``engine`` given): a Fernet-encrypted row of ``xero_token_set``, locked in the database; the
    key is the secret ``xero.token-key`` in each machine's secrets store. The machine that connects creates it
    (``create_key``); copy the same value into every other machine's keyring or secrets.json.
    """
    from tui.store.token_rows import DatabaseTokenRow
    from tui.xero.tokens import EncryptedTokenStore, TokenCipher, secret_token_store

    if engine is None:
        return secret_token_store(cfg, tenant_id, secrets)
    return EncryptedTokenStore(DatabaseTokenRow(engine, tenant_id), TokenCipher.from_secrets(secrets, create_key))
