"""The identity service's rules: authorisation codes, token issue and rotation, revocation, connections, and
checking the bearer token and tenant of an API call.

- Codes are single-use, expire after `settings.code_ttl`, and are bound to the app, the redirect URI and the
  PKCE challenge (S256 only).
- A refresh token is issued only when `offline_access` was granted. Each refresh token is single-use: using it
  returns a new one, and the old one keeps working for `settings.refresh_grace` (Xero's 30 minutes). A refresh
  token unused for `settings.refresh_token_ttl` (60 days) dies. Anything else is `invalid_grant`.
- Custom connections get access tokens by `client_credentials`, for their one organisation, never a refresh token;
  a token asked for fewer scopes (`scope=...`) may do only what they allow.
- Every token reply says what the token may do (`scope`), and carries an `id_token` when `openid` was granted.
- Revoking a refresh token ends its grant: its tokens stop working and its connections go. Removing a user's
  last connection to an app does the same to that user's grants with the app.
All clocks are the sandbox clock. Only SHA-256 digests of codes and tokens are stored.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from tui.sandbox.models import AccessToken, AuthCode, Client, Connection, Grant, RefreshToken
from tui.sandbox.state import SandboxState

ID_TOKEN_KEY = secrets.token_bytes(32)  # this sandbox process's key for the ID tokens it signs
KNOWN_SCOPES = {
    "openid", "profile", "email", "offline_access",
    "accounting.transactions", "accounting.transactions.read", "accounting.invoices", "accounting.invoices.read",
    "accounting.payments", "accounting.payments.read", "accounting.banktransactions",
    "accounting.banktransactions.read", "accounting.manualjournals", "accounting.manualjournals.read",
    "accounting.contacts", "accounting.contacts.read", "accounting.settings", "accounting.settings.read",
    "accounting.attachments", "accounting.attachments.read", "accounting.budgets.read",
    "accounting.journals.read", "accounting.reports.read", "accounting.reports.tenninetynine.read",
    "paymentservices",
}


def valid_redirect_uri(uri: str) -> bool:
    """https anywhere, plain http only on this machine (localhost and loopback addresses)."""
    parts = urlsplit(uri)
    if parts.scheme == "https":
        return bool(parts.hostname)
    return parts.scheme == "http" and parts.hostname in ("localhost", "127.0.0.1", "::1")


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii")).digest()).rstrip(b"=").decode()


class OAuthError(Exception):
    """An OAuth error response: `{"error": ...}` with this status."""

    def __init__(self, error: str, status: int = 400) -> None:
        super().__init__(error)
        self.error = error
        self.status = status


class ApiAuthError(Exception):
    """A refused API call: 401 (`TokenExpired: ...`, `AuthenticationUnsuccessful`) or 403 (wrong tenant)."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


def authenticate_client(state: SandboxState, client_id: str | None, secret: str | None) -> Client:
    client = state.clients.get(client_id or "")
    if client is None:
        raise OAuthError("invalid_client", 401)
    if client.secret is not None and not (secret and secrets.compare_digest(secret, client.secret)):
        raise OAuthError("invalid_client", 401)
    return client


def connect(state: SandboxState, *, client: Client, user_id: str, tenant_ids: list[str], scopes: list[str],
            redirect_uri: str, code_challenge: str) -> str:
    """Record a user's consent (a new grant and its connections) and return a fresh authorisation code."""
    now = state.clock.now()
    grant = Grant(grant_id=str(uuid.uuid4()), client_id=client.client_id, user_id=user_id, scopes=scopes,
                  created=now)
    state.grants[grant.grant_id] = grant
    for tenant_id in tenant_ids:
        existing = next((c for c in state.connections.values() if c.client_id == client.client_id
                         and c.user_id == user_id and c.tenant_id == tenant_id), None)
        if existing is not None:
            existing.auth_event_id, existing.updated = grant.grant_id, now
        else:
            conn = Connection(connection_id=str(uuid.uuid4()), client_id=client.client_id, user_id=user_id,
                              tenant_id=tenant_id, auth_event_id=grant.grant_id, created=now, updated=now)
            state.connections[conn.connection_id] = conn
    code = secrets.token_urlsafe(32)
    state.codes[digest(code)] = AuthCode(
        digest=digest(code), grant_id=grant.grant_id, client_id=client.client_id, redirect_uri=redirect_uri,
        code_challenge=code_challenge, expires=now + timedelta(seconds=state.settings.code_ttl),
    )
    return code


def _issue(state: SandboxState, grant: Grant, *, tenant_id: str | None = None, refresh: bool,
           scopes: list[str] | None = None) -> dict:
    """A token reply as Xero's: ``access_token``, ``expires_in``, ``token_type``, ``scope`` (what the token may
    do), ``refresh_token`` with ``offline_access``, ``id_token`` with ``openid``."""
    now = state.clock.now()
    _prune(state)
    access = secrets.token_urlsafe(48)
    ttl = state.settings.access_token_ttl
    state.access_tokens[digest(access)] = AccessToken(
        digest=digest(access), grant_id=grant.grant_id, client_id=grant.client_id,
        expires=now + timedelta(seconds=ttl), tenant_id=tenant_id, scopes=scopes,
    )
    granted = scopes if scopes is not None else grant.scopes
    body: dict = {"access_token": access, "expires_in": ttl, "token_type": "Bearer", "scope": " ".join(granted)}
    if "openid" in granted and grant.user_id:  # someone signed in (a custom connection has no user)
        body["id_token"] = id_token(state, grant, now, ttl)
    if refresh and "offline_access" in grant.scopes:
        token = secrets.token_urlsafe(48)
        state.refresh_tokens[digest(token)] = RefreshToken(
            digest=digest(token), grant_id=grant.grant_id,
            expires=now + timedelta(seconds=state.settings.refresh_token_ttl),
        )
        body["refresh_token"] = token
    state.changed()
    return body


def _prune(state: SandboxState) -> None:
    now = state.clock.now()
    grace = timedelta(seconds=state.settings.refresh_grace)
    for key, rt in list(state.refresh_tokens.items()):
        if now >= rt.expires or (rt.superseded is not None and now > rt.superseded + grace):
            del state.refresh_tokens[key]
    for key, at in list(state.access_tokens.items()):
        if now >= at.expires + timedelta(days=1):
            del state.access_tokens[key]
    for key, code in list(state.codes.items()):
        if now >= code.expires + timedelta(days=1):
            del state.codes[key]


def exchange_code(state: SandboxState, client: Client, code: str, redirect_uri: str, verifier: str) -> dict:
    record = state.codes.get(digest(code))
    now = state.clock.now()
    if record is None or record.used or now >= record.expires or record.client_id != client.client_id:
        raise OAuthError("invalid_grant")
    record.used = True
    if record.redirect_uri != redirect_uri:
        raise OAuthError("invalid_grant")
    if client.kind == "pkce" and not (43 <= len(verifier) <= 128 and s256(verifier) == record.code_challenge):
        raise OAuthError("invalid_grant")
    grant = state.grants[record.grant_id]
    if grant.revoked:
        raise OAuthError("invalid_grant")
    return _issue(state, grant, refresh=True)


def refresh(state: SandboxState, client: Client, token: str) -> dict:
    record = state.refresh_tokens.get(digest(token))
    now = state.clock.now()
    if record is None:
        raise OAuthError("invalid_grant")
    grant = state.grants.get(record.grant_id)
    grace = timedelta(seconds=state.settings.refresh_grace)
    if (grant is None or grant.revoked or grant.client_id != client.client_id or now >= record.expires
            or (record.superseded is not None and now > record.superseded + grace)):
        raise OAuthError("invalid_grant")
    if record.superseded is None:
        record.superseded = now
    return _issue(state, grant, refresh=True)


def id_token(state: SandboxState, grant: Grant, now, ttl: int) -> str:
    """An OpenID Connect ID token for the grant's user (a JWT signed with the sandbox's own key, HS256): who
    signed in, for the app that asked (``aud``)."""
    user = state.users.get(grant.user_id) if grant.user_id else None
    issued = int(now.timestamp())
    claims = {"iss": "https://identity.xero.com", "aud": grant.client_id, "iat": issued, "nbf": issued,
              "exp": issued + ttl, "sub": grant.user_id or grant.client_id, "auth_time": issued,
              "xero_userid": grant.user_id or "", "global_session_id": grant.grant_id}
    if user is not None and "email" in grant.scopes:
        claims["email"] = user.email
    signing_input = f"{_b64(json.dumps({'alg': 'HS256', 'typ': 'JWT'}))}.{_b64(json.dumps(claims))}"
    mac = hmac.new(ID_TOKEN_KEY, signing_input.encode("ascii"), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(mac)}"


def _b64(data: str | bytes) -> str:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def client_credentials(state: SandboxState, client: Client, asked: str = "") -> dict:
    """A custom connection's token, for the scopes asked (all of the connection's when none are), or
    ``invalid_scope`` for one it does not have."""
    if client.kind != "custom":
        raise OAuthError("unauthorized_client")
    conn = next((c for c in state.connections.values() if c.client_id == client.client_id), None)
    if conn is None:
        raise OAuthError("unauthorized_client")
    grant = state.grants.get(conn.auth_event_id)
    if grant is None:
        grant = Grant(grant_id=conn.auth_event_id, client_id=client.client_id, user_id=None,
                      scopes=sorted(KNOWN_SCOPES - {"offline_access"}), created=state.clock.now())
        state.grants[grant.grant_id] = grant
    wanted = asked.split()
    if any(s not in grant.scopes for s in wanted):
        raise OAuthError("invalid_scope")
    return _issue(state, grant, tenant_id=conn.tenant_id, refresh=False, scopes=wanted or None)


def _end_grant(state: SandboxState, grant: Grant) -> None:
    grant.revoked = True
    for table in (state.refresh_tokens, state.access_tokens):
        for key in [k for k, t in table.items() if t.grant_id == grant.grant_id]:
            del table[key]


def revoke(state: SandboxState, client: Client, token: str) -> None:
    """End the grant a refresh token belongs to (unknown tokens are ignored, as RFC 7009 says)."""
    record = state.refresh_tokens.get(digest(token))
    if record is None:
        return
    grant = state.grants.get(record.grant_id)
    if grant is None or grant.client_id != client.client_id:
        return
    _end_grant(state, grant)
    for key in [k for k, c in state.connections.items() if c.auth_event_id == grant.grant_id]:
        del state.connections[key]
    state.changed()


def remove_connection(state: SandboxState, conn: Connection) -> None:
    """Disconnect one organisation; a user's last connection to an app takes that user's grants with it."""
    state.connections.pop(conn.connection_id, None)
    if not any(c.client_id == conn.client_id and c.user_id == conn.user_id for c in state.connections.values()):
        for grant in state.grants.values():
            if grant.client_id == conn.client_id and grant.user_id == conn.user_id and not grant.revoked:
                _end_grant(state, grant)
    state.changed()


@dataclass
class Caller:
    token: AccessToken
    grant: Grant

    @property
    def scopes(self) -> list[str]:
        return self.token.scopes if self.token.scopes is not None else self.grant.scopes


def authenticate(state: SandboxState, authorization: str | None) -> Caller:
    """The caller behind `Authorization: Bearer ...`, or ApiAuthError(401)."""
    scheme, _, value = (authorization or "").partition(" ")
    token = state.access_tokens.get(digest(value.strip())) if scheme.lower() == "bearer" else None
    grant = state.grants.get(token.grant_id) if token else None
    if token is None or grant is None or grant.revoked:
        raise ApiAuthError(401, "AuthenticationUnsuccessful")
    if state.clock.now() >= token.expires:
        raise ApiAuthError(401, f"TokenExpired: token expired at {token.expires:%m/%d/%Y %H:%M:%S}")
    return Caller(token, grant)


def connections_of(state: SandboxState, caller: Caller) -> list[Connection]:
    return [c for c in state.connections.values()
            if c.client_id == caller.grant.client_id and c.user_id == caller.grant.user_id]


def tenant_of(state: SandboxState, caller: Caller, header: str | None) -> str:
    """The organisation an API call is for, from `xero-tenant-id`, or ApiAuthError(403)."""
    allowed = {c.tenant_id for c in connections_of(state, caller)}
    wanted = (header or "").strip().lower() or caller.token.tenant_id
    if not wanted or wanted not in allowed or wanted not in state.organisations:
        raise ApiAuthError(403, "AuthenticationUnsuccessful")
    return wanted
