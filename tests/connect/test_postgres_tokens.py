"""A PostgreSQL deployment: the token set is a Fernet-encrypted database row shared by every machine, and a
refresh happens once however many processes want it at the same moment."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest
import sqlalchemy as sa

from tests.conftest import FIXED_NOW
from tests.fixtures.connect import sandbox_cfg
from tests.connect.helpers import connect_service

pytestmark = pytest.mark.postgres


def test_postgres_tokens_encrypted_and_refreshed_once(postgres_url, cfg, sandbox, redirect_port, http_browser):
    from tui.config import DatabaseConfig
    from tui.connection.factory import token_store_for
    from tui.services import Services
    from tui.xero.oauth import XeroOAuth
    from tui.xero.tokens import TokenManager

    pg_cfg = replace(sandbox_cfg(cfg, sandbox, redirect_port), database=DatabaseConfig(url=postgres_url))
    services = Services(pg_cfg, now=lambda: FIXED_NOW, user="sam")
    xero = services.connection
    overview = connect_service(xero, http_browser)
    with services.engine.connect() as c:
        blob = bytes(c.execute(sa.text("SELECT blob FROM xero_token_set")).scalar_one())
    store = token_store_for(pg_cfg, overview.tenant_id, services.secrets, services.engine)
    tokens = store.load()
    assert tokens.refresh_token.encode() not in blob
    # the access token is due: four processes ask at once; the set is refreshed once, under the database lock
    store.save(replace(tokens, expires_at=0.0))
    sandbox.control.reset_counters()
    managers = [TokenManager(token_store_for(pg_cfg, overview.tenant_id, services.secrets, services.engine),
                             XeroOAuth(pg_cfg.xero)) for _ in range(4)]
    got: list[str] = []
    threads = [threading.Thread(target=lambda m=m: got.append(m.access_token())) for m in managers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert len(set(got)) == 1 and got[0] != tokens.access_token
    assert sandbox.control.counters()["token_requests"].get("refresh_token") == 1
    assert xero.check().state == "connected"
    services.engine.dispose()


def test_postgres_revoked_connection_is_disconnected_for_every_process(postgres_url, cfg, sandbox, redirect_port,
                                                                        http_browser):
    """Xero refuses the refresh (the connection was removed in Xero): the shared row is marked Disconnected,
    committed, so another machine (its own engine) neither uses nor refreshes the dead set."""
    from tui.config import DatabaseConfig
    from tui.services import Services
    from tui.connection.factory import token_store_for
    from tui.xero.errors import Disconnected
    from tui.xero.oauth import XeroOAuth
    from tui.xero.tokens import TokenManager

    pg_cfg = replace(sandbox_cfg(cfg, sandbox, redirect_port), database=DatabaseConfig(url=postgres_url))
    services = Services(pg_cfg, now=lambda: FIXED_NOW, user="sam")
    overview = connect_service(services.connection, http_browser)
    here = TokenManager(token_store_for(pg_cfg, overview.tenant_id, services.secrets, services.engine),
                        XeroOAuth(pg_cfg.xero))
    sandbox.control.revoke_connection(tenant_id=overview.tenant_id)
    with pytest.raises(Disconnected):
        here.refresh(rejected=here.access_token())

    sandbox.control.reset_counters()
    other_engine = sa.create_engine(postgres_url)
    try:
        other = TokenManager(token_store_for(pg_cfg, overview.tenant_id, services.secrets, other_engine),
                             XeroOAuth(pg_cfg.xero))
        with pytest.raises(Disconnected):
            other.access_token()
        assert other.store.load().disconnected
        assert other.store.load().refresh_token is None
    finally:
        other_engine.dispose()
    assert sandbox.control.counters()["token_requests"] == {}  # nobody tried the dead refresh token again
    services.engine.dispose()
