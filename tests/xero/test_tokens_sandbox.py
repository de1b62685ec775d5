"""Refresh against the sandbox: rotation shared by two processes, 401 then one refresh, lost responses,
invalid_grant."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.xero.conftest import MemoryRow
from tui.credentials.user_store import FileSecretStore
from tui.xero.api import XeroApi
from tui.xero.errors import Disconnected
from tui.xero.tokens import (
    TOKEN_KEY_SECRET,
    EncryptedTokenStore,
    TokenCipher,
    TokenManager,
    secret_token_store,
)


def refreshes(sandbox) -> int:
    return sandbox.control.counters()["token_requests"].get("refresh_token", 0)


@pytest.fixture
def second_process(sb_cfg, sandbox, make_oauth):
    """Another process of the business: its own secrets-file handle, lock and OAuth client, same stored set."""

    def start(clock=time.time) -> TokenManager:
        secrets = FileSecretStore(sb_cfg.config_dir / "secrets.json")
        store = secret_token_store(sb_cfg, sandbox.demo_tenant_id, secrets)
        return TokenManager(store, make_oauth(sb_cfg.xero), clock=clock)

    return start


def test_two_processes_refreshing_at_once_refresh_once_and_both_work(sb_cfg, sandbox, connected, second_process):
    later = lambda: time.time() + 1800  # noqa: E731 - both processes see the access token as expired
    first, second = second_process(later), second_process(later)
    before = refreshes(sandbox)
    barrier = threading.Barrier(2)
    results = {}

    def run(name, manager):
        barrier.wait()
        results[name] = manager.access_token()

    threads = [threading.Thread(target=run, args=(n, m)) for n, m in (("a", first), ("b", second))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert refreshes(sandbox) - before == 1
    stored = connected.current()
    assert results["a"] == results["b"] == stored.access_token
    for manager in (first, second):
        with XeroApi(sb_cfg.xero, manager, sandbox.demo_tenant_id) as api:
            assert api.organisation()["Name"] == "Demo Company (AU)"
    # the next refresh (by either) still works: nobody is holding a dead refresh token
    sandbox.control.advance_clock(60)
    assert second.refresh(rejected=stored.access_token).refresh_token != stored.refresh_token


def test_expired_at_xero_means_one_refresh_and_a_retry(sb_cfg, sandbox, connected, api):
    before = refreshes(sandbox)
    sandbox.control.advance_clock(1800)  # Xero's clock: the access token has expired; ours does not know yet
    assert api.organisation()["Name"] == "Demo Company (AU)"
    assert refreshes(sandbox) - before == 1
    counts = sandbox.control.counters()["requests"]
    assert counts["GET /api.xro/2.0/organisation"] == 2


def test_stale_access_token_in_another_process_picks_up_the_new_set(sb_cfg, sandbox, connected, second_process):
    other = second_process()
    other.access_token()  # caches the current access token
    sandbox.control.advance_clock(1800)
    connected.refresh(rejected=connected.access_token())  # this process refreshes first
    before = refreshes(sandbox)
    with XeroApi(sb_cfg.xero, other, sandbox.demo_tenant_id) as api:
        assert api.organisation()["Name"] == "Demo Company (AU)"  # 401, re-read, no second refresh
    assert refreshes(sandbox) == before


def test_lost_refresh_response_is_retried_with_the_old_token(sb_cfg, sandbox, connected):
    old = connected.current()
    manager = TokenManager(connected.store, connected.oauth, sleep=lambda s: None)
    sandbox.control.inject("close", 1, path="/connect/token", methods=["POST"])
    fresh = manager.refresh(rejected=old.access_token)
    assert refreshes(sandbox) == 2  # the first answer was lost after Xero rotated; the old token again
    assert fresh.refresh_token != old.refresh_token
    assert connected.current() == fresh
    with XeroApi(sb_cfg.xero, manager, sandbox.demo_tenant_id) as api:
        assert api.organisation()["Name"] == "Demo Company (AU)"
    sandbox.control.advance_clock(60)
    assert manager.refresh(rejected=fresh.access_token).access_token != fresh.access_token


def test_invalid_grant_is_disconnected_for_every_process(sb_cfg, sandbox, connected, second_process):
    sandbox.control.advance_clock(61 * 86_400)  # the refresh token died unused
    with pytest.raises(Disconnected, match="no longer accepts"):
        connected.refresh(rejected=connected.access_token())
    before = sandbox.control.counters()["token_requests"]
    other = second_process()
    with pytest.raises(Disconnected, match="no longer accepts") as info:
        other.access_token()
    assert "Continue" in str(info.value)
    assert sandbox.control.counters()["token_requests"] == before  # nobody tries the dead token again


def test_connection_removed_in_xero_is_disconnected(sb_cfg, sandbox, connected, api):
    sandbox.control.revoke_connection()
    with pytest.raises(Disconnected):
        api.organisation()


def test_weekly_keep_alive(sb_cfg, sandbox, connected):
    assert connected.keep_alive() is False
    eight_days = TokenManager(connected.store, connected.oauth, clock=lambda: time.time() + 8 * 86_400)
    sandbox.control.advance_clock(8 * 86_400)
    assert eight_days.keep_alive() is True
    assert eight_days.keep_alive() is False
    assert refreshes(sandbox) == 1


def test_database_backend_two_machines_share_one_encrypted_set(sb_cfg, sandbox, connected, make_oauth):
    """Two machines: each has the token key in its own secrets store; the row (and its lock) is shared."""
    row = MemoryRow()
    key = TokenCipher.generate_key()
    machines = []
    for name in ("a", "b"):
        local = FileSecretStore(sb_cfg.config_dir / f"machine-{name}.json")
        local.set(TOKEN_KEY_SECRET, key)
        store = EncryptedTokenStore(row, TokenCipher.from_secrets(local))
        machines.append(TokenManager(store, make_oauth(sb_cfg.xero), clock=lambda: time.time() + 1800))
    machines[0].save(connected.current())
    before = refreshes(sandbox)
    with ThreadPoolExecutor(max_workers=2) as pool:
        tokens = list(pool.map(lambda m: m.access_token(), machines))
    assert refreshes(sandbox) - before == 1
    assert tokens[0] == tokens[1]
    assert tokens[0].encode() not in row.blob
    with XeroApi(sb_cfg.xero, machines[1], sandbox.demo_tenant_id) as api:
        assert api.organisation()["Name"] == "Demo Company (AU)"
