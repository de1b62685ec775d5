"""Browser-less sign-in for tests: the same form posts the login and consent pages make."""

from __future__ import annotations

import base64
import hashlib
import secrets
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx

from tui.sandbox.harness import RunningSandbox

CALLBACK = "http://127.0.0.1:8765/callback"
SCOPES = "openid profile email offline_access accounting.invoices accounting.contacts accounting.settings.read"


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def authorize_params(sb: RunningSandbox, challenge: str, *, redirect_uri: str = CALLBACK, scope: str = SCOPES,
                     state: str = "st-123") -> dict[str, str]:
    return {"response_type": "code", "client_id": sb.pkce_client_id, "redirect_uri": redirect_uri, "scope": scope,
            "state": state, "code_challenge": challenge, "code_challenge_method": "S256"}


def log_in(http: httpx.Client, sb: RunningSandbox, params: dict[str, str], password: str | None = None) -> httpx.Response:
    page = http.get("/identity/connect/authorize", params=params)
    assert page.status_code == 200 and "Log in to Xero" in page.text
    return http.post("/identity/login", data={
        "return_to": f"/identity/connect/authorize?{urlencode(params)}",
        "email": sb.login_email, "password": sb.login_password if password is None else password,
    })


def consent(http: httpx.Client, params: dict[str, str], tenant_id: str, decision: str = "allow") -> dict[str, list[str]]:
    """Post the consent form; returns the query the browser would be sent back to the app with."""
    page = http.get("/identity/connect/authorize", params=params)
    assert page.status_code == 200 and "Xero Organisational Data" in page.text
    response = http.post("/identity/connect/consent", data={**params, "tenant": tenant_id, "decision": decision})
    assert response.status_code == 302
    location = response.headers["location"]
    assert location.startswith(params["redirect_uri"])
    return parse_qs(urlsplit(location).query)


def sign_in(http: httpx.Client, sb: RunningSandbox, *, tenant_id: str | None = None,
            scope: str = SCOPES) -> tuple[str, str]:
    """Log in and allow access; returns (code, verifier)."""
    verifier, challenge = pkce_pair()
    params = authorize_params(sb, challenge, scope=scope)
    if "Log in to Xero" in http.get("/identity/connect/authorize", params=params).text:
        assert log_in(http, sb, params).status_code == 303
    query = consent(http, params, tenant_id or sb.demo_tenant_id)
    assert query["state"] == ["st-123"]
    return query["code"][0], verifier


def exchange(http: httpx.Client, sb: RunningSandbox, code: str, verifier: str,
             redirect_uri: str = CALLBACK) -> httpx.Response:
    return http.post("/connect/token", data={
        "grant_type": "authorization_code", "client_id": sb.pkce_client_id, "code": code,
        "redirect_uri": redirect_uri, "code_verifier": verifier,
    })


def tokens(http: httpx.Client, sb: RunningSandbox, **kwargs) -> dict:
    code, verifier = sign_in(http, sb, **kwargs)
    response = exchange(http, sb, code, verifier)
    assert response.status_code == 200, response.text
    return response.json()


def refresh(http: httpx.Client, sb: RunningSandbox, refresh_token: str) -> httpx.Response:
    return http.post("/connect/token", data={"grant_type": "refresh_token", "client_id": sb.pkce_client_id,
                                             "refresh_token": refresh_token})


def bearer(access_token: str, tenant_id: str | None) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {access_token}", "Accept": "application/json"}
    if tenant_id:
        headers["xero-tenant-id"] = tenant_id
    return headers
