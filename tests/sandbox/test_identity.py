"""OAuth 2.0 as Xero does it: sign-in pages, PKCE, codes, refresh rotation and grace, revocation, connections,
custom connections, and the 401/403 bodies of the API."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from .flows import (
    CALLBACK,
    authorize_params,
    bearer,
    consent,
    exchange,
    log_in,
    pkce_pair,
    refresh,
    sign_in,
    tokens,
)

ORG = "/api.xro/2.0/Organisation"


def test_pkce_sign_in_gives_tokens_and_a_connection(sandbox, http):
    body = tokens(http, sandbox)
    assert body["token_type"] == "Bearer" and body["expires_in"] == 1800 and body["refresh_token"]
    conns = http.get("/connections", headers=bearer(body["access_token"], None)).json()
    assert [c["tenantName"] for c in conns] == ["Demo Company (AU)"]
    org = http.get(ORG, headers=bearer(body["access_token"], conns[0]["tenantId"]))
    assert org.status_code == 200 and org.json()["Organisations"][0]["Name"] == "Demo Company (AU)"


def test_the_organisation_choice_is_real(sandbox, http):
    body = tokens(http, sandbox, tenant_id=sandbox.second_tenant_id)
    conns = http.get("/Connections", headers=bearer(body["access_token"], None)).json()
    assert [c["tenantId"] for c in conns] == [sandbox.second_tenant_id]
    refused = http.get(ORG, headers=bearer(body["access_token"], sandbox.demo_tenant_id))
    assert refused.status_code == 403 and refused.json()["Detail"] == "AuthenticationUnsuccessful"


def test_wrong_verifier_is_rejected(sandbox, http):
    code, _ = sign_in(http, sandbox)
    other_verifier, _ = pkce_pair()
    response = exchange(http, sandbox, code, other_verifier)
    assert response.status_code == 400 and response.json() == {"error": "invalid_grant"}


def test_a_code_works_once(sandbox, http):
    code, verifier = sign_in(http, sandbox)
    assert exchange(http, sandbox, code, verifier).status_code == 200
    again = exchange(http, sandbox, code, verifier)
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"


def test_a_code_expires(sandbox, http):
    code, verifier = sign_in(http, sandbox)
    sandbox.control.advance_clock(301)
    assert exchange(http, sandbox, code, verifier).json()["error"] == "invalid_grant"


def test_redirect_uri_must_match_exactly(sandbox, http):
    _, challenge = pkce_pair()
    page = http.get("/identity/connect/authorize",
                    params=authorize_params(sandbox, challenge, redirect_uri="http://127.0.0.1:8766/callback"))
    assert page.status_code == 400 and "redirect_uri" in page.text
    code, verifier = sign_in(http, sandbox)
    mismatch = exchange(http, sandbox, code, verifier, redirect_uri=CALLBACK + "/")
    assert mismatch.status_code == 400 and mismatch.json()["error"] == "invalid_grant"


def test_unknown_app_gets_an_error_page(sandbox, http):
    _, challenge = pkce_pair()
    params = dict(authorize_params(sandbox, challenge), client_id="NOPE")
    page = http.get("/identity/connect/authorize", params=params)
    assert page.status_code == 400 and "client_id" in page.text


def test_bad_requests_go_back_to_the_app(sandbox, http):
    _, challenge = pkce_pair()
    for change, error in (({"scope": "accounting.everything"}, "invalid_scope"),
                          ({"code_challenge_method": "plain"}, "invalid_request"),
                          ({"response_type": "token"}, "unsupported_response_type")):
        response = http.get("/identity/connect/authorize", params={**authorize_params(sandbox, challenge), **change})
        assert response.status_code == 302
        query = parse_qs(urlsplit(response.headers["location"]).query)
        assert query == {"error": [error], "state": ["st-123"]}


def test_cancel_redirects_with_access_denied(sandbox, http):
    _, challenge = pkce_pair()
    params = authorize_params(sandbox, challenge)
    log_in(http, sandbox, params)
    assert consent(http, params, sandbox.demo_tenant_id, decision="cancel") == {
        "error": ["access_denied"], "state": ["st-123"]}


def test_wrong_password_stays_on_the_login_page(sandbox, http):
    _, challenge = pkce_pair()
    response = log_in(http, sandbox, authorize_params(sandbox, challenge), password="wrong")
    assert response.status_code == 401 and "incorrect" in response.text


def test_no_offline_access_means_no_refresh_token(sandbox, http):
    body = tokens(http, sandbox, scope="openid accounting.invoices")
    assert "refresh_token" not in body


def test_scopes_limit_what_a_token_can_do(sandbox, http):
    body = tokens(http, sandbox, scope="offline_access accounting.invoices.read accounting.settings.read")
    headers = bearer(body["access_token"], sandbox.demo_tenant_id)
    assert http.get("/api.xro/2.0/Invoices", headers=headers).status_code == 200
    assert http.get("/api.xro/2.0/Accounts", headers=headers).status_code == 200
    for method, path in (("PUT", "/api.xro/2.0/Invoices"), ("GET", "/api.xro/2.0/Contacts"),
                         ("GET", "/api.xro/2.0/Payments")):
        refused = http.request(method, path, headers=headers, json={})
        assert refused.status_code == 401 and refused.json()["Detail"] == "AuthorizationUnsuccessful"
    refreshed = refresh(http, sandbox, body["refresh_token"]).json()
    assert http.get("/api.xro/2.0/Contacts", headers=bearer(refreshed["access_token"],
                                                           sandbox.demo_tenant_id)).status_code == 401


def test_refresh_rotates_and_the_old_token_has_a_grace_period(sandbox, http):
    first = tokens(http, sandbox)
    second = refresh(http, sandbox, first["refresh_token"])
    assert second.status_code == 200
    new = second.json()
    assert new["refresh_token"] != first["refresh_token"] and new["access_token"] != first["access_token"]
    sandbox.control.advance_clock(29 * 60)
    assert refresh(http, sandbox, first["refresh_token"]).status_code == 200  # lost response: retry works
    sandbox.control.advance_clock(2 * 60)
    late = refresh(http, sandbox, first["refresh_token"])
    assert late.status_code == 400 and late.json() == {"error": "invalid_grant"}
    assert refresh(http, sandbox, new["refresh_token"]).status_code == 200


def test_refresh_token_dies_after_60_days_unused(sandbox, http):
    body = tokens(http, sandbox)
    sandbox.control.advance_clock(59 * 86400)
    alive = refresh(http, sandbox, body["refresh_token"]).json()
    sandbox.control.advance_clock(60 * 86400 + 1)
    assert refresh(http, sandbox, alive["refresh_token"]).json() == {"error": "invalid_grant"}


def test_refresh_is_bound_to_the_app(sandbox, http):
    body = tokens(http, sandbox)
    response = http.post("/connect/token", data={"grant_type": "refresh_token", "refresh_token": body["refresh_token"]},
                         auth=(sandbox.custom_client_id, sandbox.custom_client_secret))
    assert response.json() == {"error": "invalid_grant"}


def test_access_token_expiry_gives_token_expired(sandbox, http):
    body = tokens(http, sandbox)
    sandbox.control.advance_clock(1800)
    response = http.get(ORG, headers=bearer(body["access_token"], sandbox.demo_tenant_id))
    assert response.status_code == 401 and response.json()["Detail"].startswith("TokenExpired: token expired at ")


def test_shorter_token_lifetime_is_configurable(sandbox, http):
    sandbox.control.configure(access_token_ttl=60)
    assert tokens(http, sandbox)["expires_in"] == 60


def test_revocation_ends_the_grant(sandbox, http):
    body = tokens(http, sandbox)
    response = http.post("/connect/revocation", data={"token": body["refresh_token"], "client_id": sandbox.pkce_client_id})
    assert response.status_code == 200
    assert refresh(http, sandbox, body["refresh_token"]).json() == {"error": "invalid_grant"}
    api = http.get(ORG, headers=bearer(body["access_token"], sandbox.demo_tenant_id))
    assert api.status_code == 401 and api.json()["Detail"] == "AuthenticationUnsuccessful"


def test_tenant_header_is_required_and_checked(sandbox, http):
    body = tokens(http, sandbox)
    for tenant in (None, "6f1c1f4e-0000-4000-8000-000000000000", sandbox.second_tenant_id):
        response = http.get(ORG, headers=bearer(body["access_token"], tenant))
        assert response.status_code == 403 and response.json()["Title"] == "Forbidden"


def test_unknown_bearer_is_unauthorised(http, sandbox):
    response = http.get(ORG, headers=bearer("made-up", sandbox.demo_tenant_id))
    assert response.status_code == 401 and response.json()["Detail"] == "AuthenticationUnsuccessful"


def test_deleting_a_connection_disconnects_that_organisation(sandbox, http):
    body = tokens(http, sandbox)
    headers = bearer(body["access_token"], None)
    conn = http.get("/connections", headers=headers).json()[0]
    assert http.delete(f"/connections/{conn['id']}", headers=headers).status_code == 204
    assert http.get("/connections", headers=headers).status_code == 401  # last connection: grant gone
    assert refresh(http, sandbox, body["refresh_token"]).json() == {"error": "invalid_grant"}


def test_disconnect_in_xero_is_seen_by_the_app(sandbox, http):
    body = tokens(http, sandbox)
    assert sandbox.control.revoke_connection(sandbox.demo_tenant_id) == 1
    assert http.get(ORG, headers=bearer(body["access_token"], sandbox.demo_tenant_id)).status_code == 401
    assert refresh(http, sandbox, body["refresh_token"]).json() == {"error": "invalid_grant"}


def test_reconnecting_after_a_disconnect_works(sandbox, http):
    tokens(http, sandbox)
    sandbox.control.revoke_connection()
    body = tokens(http, sandbox)
    assert http.get(ORG, headers=bearer(body["access_token"], sandbox.demo_tenant_id)).status_code == 200


def test_custom_connection_by_basic_or_form(sandbox, http):
    basic = http.post("/connect/token", data={"grant_type": "client_credentials"},
                      auth=(sandbox.custom_client_id, sandbox.custom_client_secret))
    form = http.post("/connect/token", data={"grant_type": "client_credentials", "client_id": sandbox.custom_client_id,
                                             "client_secret": sandbox.custom_client_secret})
    for response in (basic, form):
        assert response.status_code == 200
        assert set(response.json()) == {"access_token", "expires_in", "token_type", "scope"}
    no_tenant_header = http.get(ORG, headers=bearer(basic.json()["access_token"], None))
    assert no_tenant_header.status_code == 200
    assert no_tenant_header.json()["Organisations"][0]["OrganisationID"] == sandbox.demo_tenant_id


def test_custom_connection_wrong_secret(sandbox, http):
    response = http.post("/connect/token", data={"grant_type": "client_credentials"},
                         auth=(sandbox.custom_client_id, "wrong"))
    assert response.status_code == 401 and response.json() == {"error": "invalid_client"}
    pkce = http.post("/connect/token", data={"grant_type": "client_credentials", "client_id": sandbox.pkce_client_id})
    assert pkce.json() == {"error": "unauthorized_client"}


def test_unsupported_grant_type(sandbox, http):
    response = http.post("/connect/token", data={"grant_type": "password", "client_id": sandbox.pkce_client_id})
    assert response.json() == {"error": "unsupported_grant_type"}


def test_paths_ignore_case(sandbox, http, custom):
    assert http.get("/API.XRO/2.0/ORGANISATION", headers=custom).status_code == 200
    assert http.get("/CONNECTIONS", headers=custom).status_code == 200


def test_token_requests_are_counted_apart(sandbox, http):
    body = tokens(http, sandbox)
    refresh(http, sandbox, body["refresh_token"])
    counts = sandbox.control.counters()
    assert counts["token_requests"] == {"authorization_code": 1, "refresh_token": 1}
    assert not any("token" in key for key in counts["requests"])


def _claims(id_token: str) -> dict:
    import base64
    import json

    payload = id_token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def test_token_replies_say_their_scope_and_carry_an_id_token_for_openid(sandbox, http):
    from .flows import SCOPES

    body = tokens(http, sandbox)  # authorization code
    assert body["scope"].split() == SCOPES.split()
    claims = _claims(body["id_token"])
    assert claims["aud"] == sandbox.pkce_client_id and claims["email"] == sandbox.login_email
    again = refresh(http, sandbox, body["refresh_token"]).json()
    assert again["scope"].split() == SCOPES.split() and _claims(again["id_token"])["aud"] == sandbox.pkce_client_id
    plain = tokens(http, sandbox, scope="offline_access accounting.invoices")
    assert plain["scope"] == "offline_access accounting.invoices" and "id_token" not in plain


def test_a_custom_connection_token_gets_only_the_scopes_it_asks_for(sandbox, http):
    asked = http.post("/connect/token", data={"grant_type": "client_credentials", "scope": "accounting.settings.read"},
                      auth=(sandbox.custom_client_id, sandbox.custom_client_secret))
    assert asked.status_code == 200 and asked.json()["scope"] == "accounting.settings.read"
    assert "id_token" not in asked.json()  # no one signed in
    headers = bearer(asked.json()["access_token"], None)
    assert http.get(ORG, headers=headers).status_code == 200
    refused = http.get("/api.xro/2.0/Invoices", headers=headers)
    assert refused.status_code == 401 and refused.json()["Detail"] == "AuthorizationUnsuccessful"
    everything = http.post("/connect/token", data={"grant_type": "client_credentials"},
                           auth=(sandbox.custom_client_id, sandbox.custom_client_secret)).json()
    assert "accounting.transactions" in everything["scope"].split()
    unknown = http.post("/connect/token", data={"grant_type": "client_credentials", "scope": "accounting.everything"},
                        auth=(sandbox.custom_client_id, sandbox.custom_client_secret))
    assert unknown.status_code == 400 and unknown.json() == {"error": "invalid_scope"}
