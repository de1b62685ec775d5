"""The one place that builds what talks to Xero for an organisation: its OAuth client, its token store, its API.

The app's connection service and the sync engine (in the app or ``tradiecore sync``) both build through here,
so they use the same client secret, the same token set and the same lock for every process of the business.
Heavy imports (authlib, httpx, the database) stay inside the functions, off the app's start-up path.
"""

from __future__ import annotations

#: A custom connection's client secret in the secrets store. Its client id is the app's ``[xero] client_id``.
CLIENT_SECRET_KEY = "xero.client-secret"


def uses_database_tokens(cfg) -> bool:
    """A site install (several Unix users, one business) or PostgreSQL (processes on several machines): the
    token set lives in the database, encrypted."""
    return cfg.is_site or cfg.database_url.startswith(("postgresql", "postgres:"))


def token_store_for(cfg, tenant_id: str, secrets, engine=None, *, create_key: bool = False):
    """The one token store of an organisation, for every process of the business (the sync engine too).

    A site install: a Fernet-encrypted row of ``xero_token_set`` in the business's database (SQLite or
    PostgreSQL; ``engine``, default one of ``cfg``'s database), locked in the database, its key the site's key
    file (:func:`tui.credentials.site_store.read_site_key`), readable by every member of the site's group.
    Otherwise, SQLite (one server, one OS user): the secrets store (keyring, else the 0600 file), locked by a
    file lock. PostgreSQL (``engine`` given): the encrypted row, its key the secret ``xero.token-key`` in each
    machine's secrets store. The machine that connects creates it (``create_key``); copy the same value into
    every other machine's keyring or secrets.json.
    """
    from tui.credentials.site_store import read_site_key
    from tui.credentials.token_rows import DatabaseTokenRow
    from tui.xero.tokens import EncryptedTokenStore, TokenCipher, secret_token_store

    if cfg.is_site:
        if engine is None:
            from tui.store.db import make_engine

            engine = make_engine(cfg.database_url)
        return EncryptedTokenStore(DatabaseTokenRow(engine, tenant_id), TokenCipher(read_site_key(cfg)))
    if engine is None:
        return secret_token_store(cfg, tenant_id, secrets)
    return EncryptedTokenStore(DatabaseTokenRow(engine, tenant_id), TokenCipher.from_secrets(secrets, create_key))


def organisation_store(cfg, tenant_id: str, secrets, engine=None, *, create_key: bool = False):
    """:func:`token_store_for` with the database's engine used only where the set lives in the database."""
    return token_store_for(cfg, tenant_id, secrets, engine if uses_database_tokens(cfg) else None,
                           create_key=create_key)


def oauth_for(cfg, secrets=None, kind: str | None = None):
    """The app's OAuth client. ``kind`` "custom": client id and the stored secret (NotConfigured when either is
    missing); "oauth": PKCE; None: a custom connection when a client secret is stored, else PKCE."""
    from tui.credentials.site_store import open_secrets
    from tui.xero.errors import NotConfigured
    from tui.xero.oauth import XeroOAuth

    secrets = secrets or open_secrets(cfg)
    if kind is None:
        return XeroOAuth(cfg.xero, client_secret=secrets.get(CLIENT_SECRET_KEY) or None)
    if kind == "custom":
        secret = secrets.get(CLIENT_SECRET_KEY) or ""
        if not cfg.xero.client_id or not secret:
            raise NotConfigured("The custom connection's client id or secret is missing; set it up again "
                                "under Settings → Integrations.")
        return XeroOAuth(cfg.xero, client_secret=secret)
    return XeroOAuth(cfg.xero)


def token_manager(cfg, tenant_id: str, kind: str = "oauth", secrets=None, engine=None, token_store=None):
    """The token manager of an organisation's one shared set (``token_store``: default
    :func:`organisation_store`)."""
    from tui.credentials.site_store import open_secrets
    from tui.xero.tokens import TokenManager

    secrets = secrets or open_secrets(cfg, engine)
    if token_store is None:
        token_store = organisation_store(cfg, tenant_id, secrets, engine)
    return TokenManager(token_store, oauth_for(cfg, secrets, kind))


def make_api(cfg, tenant_id: str, kind: str = "oauth", secrets=None, token_store=None, engine=None, **api_options):
    """The Xero API for one organisation, with the one shared token set of that organisation.

    ``token_store``: where that set lives; default :func:`organisation_store`: the secrets store on SQLite, the
    encrypted ``xero_token_set`` row when the database is PostgreSQL (``engine`` given). Closing the API
    closes its OAuth client too. ``api_options``: ``limiter=``, ``backoff=``, ``client=``.
    """
    return api_with(cfg, token_manager(cfg, tenant_id, kind, secrets, engine, token_store), tenant_id,
                    **api_options)


def api_factory(cfg, secrets, engine):
    """What the sync runner builds its APIs with: ``(tenant_id, kind) -> XeroApi`` (:func:`make_api`) on ``engine``."""
    return lambda tenant_id, kind: make_api(cfg, tenant_id, kind, secrets, engine=engine)


def api_with(cfg, manager, tenant_id: str, **api_options):
    """An API over ``manager`` that closes the manager's OAuth client when it is closed."""
    from tui.xero.api import XeroApi

    return XeroApi(cfg.xero, manager, tenant_id, owns_tokens=True, **api_options)
