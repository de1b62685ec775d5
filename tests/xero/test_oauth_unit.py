import base64
import hashlib
from dataclasses import replace
from urllib.parse import parse_qs, urlsplit

import pytest

from tui.xero.errors import NotConfigured
from tui.xero.oauth import XeroOAuth
from tui.connection.factory import CLIENT_SECRET_KEY, oauth_for


def test_authorize_url_has_pkce_state_and_scopes(cfg):
    oauth = XeroOAuth(cfg.xero)
    request = oauth.start()
    parts = urlsplit(request.url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "https://login.xero.com/identity/connect/authorize"
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert query["response_type"] == "code"
    assert query["client_id"] == "test-client"
    assert query["redirect_uri"] == "http://localhost:8765/callback"
    assert query["scope"] == \
        "offline_access accounting.invoices accounting.payments accounting.contacts accounting.settings.read"
    assert query["state"] == request.state and len(request.state) >= 20
    assert query["code_challenge_method"] == "S256"
    digest = hashlib.sha256(request.code_verifier.encode()).digest()
    assert query["code_challenge"] == base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    assert 43 <= len(request.code_verifier) <= 128
    assert request.code_verifier not in request.url
    assert request.state not in repr(request) and request.code_verifier not in repr(request)
    assert oauth.start().state != request.state


def test_urls_follow_config(cfg):
    oauth = XeroOAuth(cfg.with_xero_base("http://127.0.0.1:9999/").xero)
    assert oauth.authorize_url == "http://127.0.0.1:9999/identity/connect/authorize"
    assert oauth.token_url == "http://127.0.0.1:9999/connect/token"
    assert oauth.revocation_url == "http://127.0.0.1:9999/connect/revocation"


def test_missing_client_id_says_what_to_register(cfg):
    oauth = XeroOAuth(replace(cfg.xero, client_id="", redirect_port=9001))
    with pytest.raises(NotConfigured, match="http://localhost:9001/callback"):
        oauth.start()


def test_custom_connection_needs_secret_and_hides_it(cfg):
    with pytest.raises(NotConfigured):
        XeroOAuth(cfg.xero).client_credentials()
    assert "s3cret" not in repr(XeroOAuth(cfg.xero, client_secret="s3cret"))



def test_oauth_for_picks_custom_connection_when_a_secret_is_stored(cfg, secrets):
    assert "PKCE" in repr(oauth_for(cfg, secrets))
    secrets.set(CLIENT_SECRET_KEY, "s3cret")
    custom = oauth_for(cfg, secrets)
    assert "custom connection" in repr(custom) and "s3cret" not in repr(custom)
