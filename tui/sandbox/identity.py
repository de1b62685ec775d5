"""The identity hosts' endpoints: sign-in pages, token, revocation and connections.

- `GET  /identity/connect/authorize`: checks the app and redirect URI (an error page if either is wrong, as
  nothing may be sent to an unregistered URI), then the request (errors go back to the app as
  `?error=...&state=...`), then shows the login page or, once logged in, the consent page.
- `POST /identity/login`: the login form; `POST /identity/connect/consent`: Allow Access or Cancel
  (`?error=access_denied`); Allow Access redirects with `?code=...&scope=...&state=...`.
- `POST /connect/token`: `authorization_code` (with PKCE), `refresh_token`, `client_credentials`; client
  credentials by HTTP Basic or form fields.
- `POST /connect/revocation`: revokes a refresh token (and so its grant).
- `GET /connections`, `DELETE /connections/{id}`: the caller's organisations.
"""

from __future__ import annotations

import base64
import binascii
import secrets
from urllib.parse import unquote, urlencode, urlsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from tui.sandbox import oauth, pages, responses
from tui.sandbox.models import Client
from tui.sandbox.routing import route
from tui.sandbox.state import SandboxState
from tui.sandbox.xero_json import connection_json

AUTHORIZE = "/identity/connect/authorize"
LOGIN = "/identity/login"
CONSENT = "/identity/connect/consent"
SESSION_COOKIE = "sandbox_session"
AUTHORIZE_FIELDS = ("response_type", "client_id", "redirect_uri", "scope", "state", "code_challenge",
                    "code_challenge_method")


class _PageError(Exception):
    """The request cannot go back to the app: show an error page."""


class _RedirectError(Exception):
    """The request is wrong in a way the app should hear about, through its redirect URI."""


def _sandbox(request: Request) -> SandboxState:
    return request.app.state.sandbox


def _redirect(uri: str, params: dict[str, str]) -> RedirectResponse:
    joiner = "&" if urlsplit(uri).query else "?"
    return RedirectResponse(uri + joiner + urlencode({k: v for k, v in params.items() if v}), status_code=302)


def _check_authorize(state: SandboxState, params: dict[str, str]) -> tuple[Client, list[str]]:
    client = state.clients.get(params.get("client_id", ""))
    if client is None or client.kind == "custom":
        raise _PageError("Invalid client_id: no app is registered with this client id.")
    if params.get("redirect_uri", "") not in client.redirect_uris:
        raise _PageError("Invalid redirect_uri: it does not match a redirect URI registered for this app.")
    if params.get("response_type") != "code":
        raise _RedirectError("unsupported_response_type")
    scopes = params.get("scope", "").split()
    if not scopes or any(s not in oauth.KNOWN_SCOPES for s in scopes):
        raise _RedirectError("invalid_scope")
    if client.secret is None and (not params.get("code_challenge")
                                  or params.get("code_challenge_method") != "S256"):
        raise _RedirectError("invalid_request")
    return client, scopes


def _user(state: SandboxState, request: Request):
    user_id = state.sessions.get(request.cookies.get(SESSION_COOKIE, ""))
    return state.users.get(user_id) if user_id else None


def _checked_authorize(state, params: dict[str, str]):
    """(client, scopes) for a valid sign-in request, else the response Xero gives: an error page or a redirect."""
    try:
        return _check_authorize(state, params)
    except _PageError as exc:
        return HTMLResponse(pages.error_page(str(exc)), status_code=400)
    except _RedirectError as exc:
        return _redirect(params["redirect_uri"], {"error": str(exc), "state": params.get("state", "")})


async def authorize(request: Request) -> Response:
    state = _sandbox(request)
    params = {k: v for k, v in request.query_params.items() if k in AUTHORIZE_FIELDS}
    with state.lock:
        checked = _checked_authorize(state, params)
        if isinstance(checked, Response):
            return checked
        client, scopes = checked
        user = _user(state, request)
        if user is None:
            return HTMLResponse(pages.login_page(LOGIN, f"{AUTHORIZE}?{request.url.query}"))
        orgs = [state.organisations[t] for t in user.tenant_ids if t in state.organisations]
        return HTMLResponse(pages.consent_page(CONSENT, client.name, scopes, orgs, params))


async def login(request: Request) -> Response:
    state = _sandbox(request)
    form = await request.form()
    return_to = str(form.get("return_to", ""))
    if not return_to.lower().startswith(AUTHORIZE):
        return HTMLResponse(pages.error_page("The login request is not part of a sign-in."), status_code=400)
    email, password = str(form.get("email", "")).strip().lower(), str(form.get("password", ""))
    with state.lock:
        user = next((u for u in state.users.values() if u.email.lower() == email), None)
        if user is None or not secrets.compare_digest(user.password.encode(), password.encode()):
            return HTMLResponse(pages.login_page(LOGIN, return_to, "Your email or password is incorrect."),
                                status_code=401)
        session = secrets.token_urlsafe(24)
        state.sessions[session] = user.user_id
    response = RedirectResponse(return_to, status_code=303)
    response.set_cookie(SESSION_COOKIE, session, httponly=True, samesite="lax")
    return response


async def consent(request: Request) -> Response:
    state = _sandbox(request)
    form = await request.form()
    params = {k: str(form.get(k, "")) for k in AUTHORIZE_FIELDS if form.get(k)}
    with state.lock:
        checked = _checked_authorize(state, params)
        if isinstance(checked, Response):
            return checked
        client, scopes = checked
        user = _user(state, request)
        if user is None:
            return HTMLResponse(pages.error_page("Your session has ended. Start again from the app."),
                                status_code=401)
        if form.get("decision") != "allow":
            return _redirect(params["redirect_uri"], {"error": "access_denied", "state": params.get("state", "")})
        tenant = str(form.get("tenant", ""))
        if tenant not in user.tenant_ids:
            return HTMLResponse(pages.error_page("Choose one of your organisations."), status_code=400)
        code = oauth.connect(state, client=client, user_id=user.user_id, tenant_ids=[tenant], scopes=scopes,
                             redirect_uri=params["redirect_uri"], code_challenge=params.get("code_challenge", ""))
        state.changed()
    return _redirect(params["redirect_uri"], {"code": code, "scope": " ".join(scopes),
                                              "state": params.get("state", "")})


def _client_credentials(request: Request, form) -> tuple[str | None, str | None]:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "basic":
        try:
            client_id, _, secret = base64.b64decode(value.strip()).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None, None
        return unquote(client_id), unquote(secret)
    return form.get("client_id"), form.get("client_secret")


async def token(request: Request) -> Response:
    state = _sandbox(request)
    form = await request.form()
    grant_type = str(form.get("grant_type", ""))
    state.counters.count_token(grant_type or "(none)")
    with state.lock:
        try:
            client = oauth.authenticate_client(state, *_client_credentials(request, form))
            if grant_type == "authorization_code":
                body = oauth.exchange_code(state, client, str(form.get("code", "")),
                                           str(form.get("redirect_uri", "")), str(form.get("code_verifier", "")))
            elif grant_type == "refresh_token":
                body = oauth.refresh(state, client, str(form.get("refresh_token", "")))
            elif grant_type == "client_credentials":
                body = oauth.client_credentials(state, client, str(form.get("scope", "")))
            else:
                raise oauth.OAuthError("unsupported_grant_type")
        except oauth.OAuthError as exc:
            state.changed()
            return responses.oauth_error(exc.error, exc.status)
    return responses.xero_json(body, headers={"Cache-Control": "no-store", "Pragma": "no-cache"})


async def revocation(request: Request) -> Response:
    state = _sandbox(request)
    form = await request.form()
    with state.lock:
        try:
            client = oauth.authenticate_client(state, *_client_credentials(request, form))
        except oauth.OAuthError as exc:
            return responses.oauth_error(exc.error, exc.status)
        oauth.revoke(state, client, str(form.get("token", "")))
    return Response(status_code=200)


async def list_connections(request: Request) -> Response:
    state = _sandbox(request)
    with state.lock:
        try:
            caller = oauth.authenticate(state, request.headers.get("authorization"))
        except oauth.ApiAuthError as exc:
            return responses.problem(exc.status, exc.detail)
        event = request.query_params.get("authEventId")
        found = [c for c in oauth.connections_of(state, caller) if not event or c.auth_event_id == event]
        body = [connection_json(c, state.organisations[c.tenant_id].name) for c in found]
    return responses.xero_json(body)


async def delete_connection(request: Request) -> Response:
    state = _sandbox(request)
    with state.lock:
        try:
            caller = oauth.authenticate(state, request.headers.get("authorization"))
        except oauth.ApiAuthError as exc:
            return responses.problem(exc.status, exc.detail)
        wanted = request.path_params["id"].lower()
        conn = next((c for c in oauth.connections_of(state, caller) if c.connection_id == wanted), None)
        if conn is None:
            return responses.text(404, responses.TEXT_NOT_FOUND)
        oauth.remove_connection(state, conn)
    return Response(status_code=204)


ROUTES = [
    route(AUTHORIZE, authorize, ["GET"]),
    route(LOGIN, login, ["POST"]),
    route(CONSENT, consent, ["POST"]),
    route("/connect/token", token, ["POST"]),
    route("/connect/revocation", revocation, ["POST"]),
    route("/connections", list_connections, ["GET"]),
    route("/connections/{id}", delete_connection, ["DELETE"]),
]
