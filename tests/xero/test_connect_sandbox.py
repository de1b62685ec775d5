"""The connect flow against the sandbox over HTTP: consent, paste-back, exchange, organisations, custom
connections, disconnect."""

import logging
from dataclasses import replace

import pytest

from tests.xero.conftest import drive_consent
from tui.credentials.user_store import TokenStoreUnreadable
from tui.xero.api import XeroApi
from tui.xero.sign_in import Consent, connect_custom, organisations, save_connection
from tui.xero.errors import AccessDenied, AuthFailed, Disconnected, StateMismatch
from tui.xero.tokens import MemoryTokenStore, TokenManager, secret_token_store


def test_consent_through_listener_gives_tokens_and_organisation(sb_cfg, sandbox, oauth, caplog):
    consent = Consent(oauth)
    location = drive_consent(sandbox, consent.url)  # the browser's part (its own requests log the redirect)
    caplog.set_level(logging.DEBUG)  # everything the app does from here on, at every level
    code = consent.wait(10)
    tokens = consent.finish(code)
    assert tokens.refresh_token and tokens.access_token
    assert "offline_access" in tokens.scopes or tokens.scopes == ()
    orgs = organisations(sb_cfg.xero, tokens, oauth)
    assert [(o.tenant_id, o.name, o.tenant_type) for o in orgs] == [
        (sandbox.demo_tenant_id, "Demo Company (AU)", "ORGANISATION")
    ]
    for secret in (code, tokens.access_token, tokens.refresh_token, consent.request.code_verifier):
        assert secret not in caplog.text
    assert code in location  # (the browser saw it; our logs did not)


def test_chosen_organisation_is_the_one_connected(sb_cfg, sandbox, oauth):
    consent = Consent(oauth)
    drive_consent(sandbox, consent.url, tenant_id=sandbox.second_tenant_id)
    tokens = consent.finish(consent.wait(10))
    assert [o.tenant_id for o in organisations(sb_cfg.xero, tokens, oauth)] == [sandbox.second_tenant_id]


def test_paste_back_without_a_listener(sb_cfg, sandbox, oauth):
    consent = Consent(oauth, listen=False)
    location = drive_consent(sandbox, consent.url, follow=False)
    with pytest.raises(StateMismatch):
        consent.code_from_paste(location.replace(f"state={consent.request.state}", "state=forged"))
    tokens = consent.finish(consent.code_from_paste(location))
    assert organisations(sb_cfg.xero, tokens, oauth)[0].tenant_id == sandbox.demo_tenant_id


def test_cancel_on_consent_page_is_access_denied(sandbox, oauth):
    consent = Consent(oauth)
    drive_consent(sandbox, consent.url, decision="cancel")
    with pytest.raises(AccessDenied, match="Access was not allowed"):
        consent.wait(10)


def test_wrong_verifier_fails(sandbox, oauth):
    consent = Consent(oauth)
    drive_consent(sandbox, consent.url)
    code = consent.wait(10)
    other = replace(consent.request, code_verifier=oauth.start().code_verifier)
    with pytest.raises(AuthFailed, match="refused the sign-in code"):
        oauth.exchange(other, code)


def test_a_code_is_used_once(sandbox, oauth):
    consent = Consent(oauth)
    drive_consent(sandbox, consent.url)
    code = consent.wait(10)
    consent.finish(code)
    with pytest.raises(AuthFailed):
        consent.finish(code)


def test_unknown_client_id_is_explained(sb_cfg, sandbox, make_oauth):
    oauth = make_oauth(replace(sb_cfg.xero, client_id="not-registered"))
    with pytest.raises(AuthFailed, match="client id"):
        oauth.refresh("whatever")


def test_custom_connection_needs_no_browser(sb_cfg, sandbox, secrets, make_oauth):
    cfg = replace(sb_cfg.xero, client_id=sandbox.custom_client_id)
    oauth = make_oauth(cfg, client_secret=sandbox.custom_client_secret)
    tokens = connect_custom(oauth)
    assert tokens.refresh_token is None and tokens.grant == "client_credentials"
    (org,) = organisations(cfg, tokens, oauth)
    manager = save_connection(secret_token_store(sb_cfg, org.tenant_id, secrets), tokens, org, oauth)
    sandbox.control.advance_clock(1800)  # the access token expires at Xero: a new one by client credentials
    with XeroApi(cfg, manager, org.tenant_id) as api:
        assert api.organisation()["Name"] == "Demo Company (AU)"
    assert sandbox.control.counters()["token_requests"]["client_credentials"] == 2


def test_wrong_client_secret(sb_cfg, sandbox, make_oauth):
    oauth = make_oauth(replace(sb_cfg.xero, client_id=sandbox.custom_client_id), client_secret="wrong")
    with pytest.raises(AuthFailed, match="client id"):
        connect_custom(oauth)


def test_disconnect_deletes_connection_then_forgets_tokens(sb_cfg, sandbox, connected):
    with XeroApi(sb_cfg.xero, connected, sandbox.demo_tenant_id) as api:
        (conn,) = api.connections()
        api.delete_connection(conn["id"])
    connected.disconnect()
    with pytest.raises(TokenStoreUnreadable, match="the Xero token set is not in"):
        connected.access_token()
    remaining = sandbox.control.snapshot()["connections"]
    assert [c for c in remaining if c["clientId"] == sandbox.pkce_client_id] == []


def test_revoke_ends_the_refresh_token(sb_cfg, sandbox, oauth, connected):
    stale = connected.current()
    connected.disconnect()
    assert sandbox.control.counters()["requests"].get("POST /connect/revocation") == 1
    with pytest.raises(Disconnected):
        oauth.refresh(stale.refresh_token)


def test_reconnect_replaces_a_disconnected_set(sb_cfg, sandbox, oauth, connected):
    sandbox.control.revoke_connection()
    with pytest.raises(Disconnected):
        connected.refresh(rejected=connected.access_token())
    with pytest.raises(Disconnected):
        connected.access_token()
    consent = Consent(oauth)
    drive_consent(sandbox, consent.url)
    tokens = consent.finish(consent.wait(10))
    (org,) = organisations(sb_cfg.xero, tokens, oauth)
    assert org.tenant_id == sandbox.demo_tenant_id  # same organisation: links and mappings stay valid
    save_connection(connected.store, tokens, org, oauth)
    with XeroApi(sb_cfg.xero, connected, org.tenant_id) as api:
        assert api.organisation()["Name"] == "Demo Company (AU)"


def test_memory_store_for_the_organisation_choice(sb_cfg, sandbox, oauth):
    consent = Consent(oauth)
    drive_consent(sandbox, consent.url)
    manager = TokenManager(MemoryTokenStore(consent.finish(consent.wait(10))), oauth)
    with XeroApi(sb_cfg.xero, manager) as api:
        assert len(api.connections()) == 1
