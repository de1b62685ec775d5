"""OAuth 2.0 with Xero's identity service, through authlib's httpx client.

* Connect (a person at a browser): authorization code + PKCE (S256) + ``state``; no client secret.
  :meth:`XeroOAuth.start` builds the authorize URL at ``{login_url}/identity/connect/authorize``;
  :meth:`XeroOAuth.exchange` trades the code at ``{identity_url}/connect/token``.
* Custom connection (a shop server syncing unattended): client credentials with client id + secret.
* :meth:`XeroOAuth.refresh` and :meth:`XeroOAuth.revoke` (``{identity_url}/connect/revocation``).

Every failure comes out as a :class:`~tui.xero.errors.XeroError`; ``invalid_grant`` as ``Disconnected``; a
successful token reply without a usable ``access_token`` (an HTML page, a JSON array...) as
:class:`~tui.xero.errors.UnexpectedReply`, checked before authlib or the token set reads it.
Codes, verifiers, tokens and secrets are never logged and never in a ``repr``.
"""

from __future__ import annotations

import logging
import threading
import warnings
from dataclasses import dataclass, field
import httpx

with warnings.catch_warnings():
    # authlib 1.9 announces on import (to stderr, whatever the filters) that it prefers httpx2 over httpx;
    # this app uses httpx, which authlib < 2 supports. Keep the notice off the terminal the app draws on.
    from authlib.deprecate import AuthlibDeprecationWarning

    warnings.simplefilter("ignore", AuthlibDeprecationWarning)
    from authlib.common.security import generate_token
    from authlib.integrations.base_client import OAuthError
    from authlib.integrations.httpx_client import OAuth2Client

from tui.config import XeroConfig
from tui.xero import replies
from tui.xero.errors import (
    AuthFailed,
    Disconnected,
    NotConfigured,
    RateLimited,
    UnexpectedReply,
    Unavailable,
    XeroError,
)

log = logging.getLogger(__name__)

CALLBACK_PATH = "/callback"
TIMEOUT_S = 30.0


def redirect_uri(config: XeroConfig) -> str:
    """The app's one redirect URI, ``http://localhost:PORT/callback``: registered at Xero, sent with every sign-in."""
    return f"http://localhost:{config.redirect_port}{CALLBACK_PATH}"


@dataclass(frozen=True)
class AuthorizationRequest:
    """One started sign-in: the URL for the browser and what is needed to finish it."""

    url: str = field(repr=False)  # carries state and the code challenge
    state: str = field(repr=False)
    code_verifier: str = field(repr=False)
    redirect_uri: str


class XeroOAuth:
    """Talks to Xero's identity service for one app (client id, and a secret for a custom connection)."""

    def __init__(self, config: XeroConfig, *, client_secret: str | None = None, timeout: float = TIMEOUT_S):
        self.config = config
        self._client_secret = client_secret
        self._timeout = timeout
        self._http: OAuth2Client | None = None
        self._lock = threading.Lock()  # one token request at a time through the shared client

    def __repr__(self) -> str:
        kind = "custom connection" if self._client_secret else "PKCE"
        return f"<XeroOAuth {kind} client_id={self.config.client_id!r} identity={self.config.identity_url}>"

    @property
    def redirect_uri(self) -> str:
        """What must be registered at Xero: ``http://localhost:PORT/callback``."""
        return redirect_uri(self.config)

    @property
    def authorize_url(self) -> str:
        return f"{self.config.login_url.rstrip('/')}/identity/connect/authorize"

    @property
    def token_url(self) -> str:
        return f"{self.config.identity_url.rstrip('/')}/connect/token"

    @property
    def revocation_url(self) -> str:
        return f"{self.config.identity_url.rstrip('/')}/connect/revocation"

    def _client(self) -> OAuth2Client:
        if not self.config.client_id:
            raise NotConfigured(
                "No Xero client id is set. Register a PKCE app at developer.xero.com with the redirect URI "
                f"{self.redirect_uri} and put its client id under [xero] client_id in config.toml "
                "(or TRADIECORE_XERO_CLIENT_ID)."
            )
        if self._http is None:
            if self._client_secret:
                auth = {"client_secret": self._client_secret, "token_endpoint_auth_method": "client_secret_basic"}
            else:
                auth = {"token_endpoint_auth_method": "none", "code_challenge_method": "S256"}
            self._http = OAuth2Client(client_id=self.config.client_id, timeout=self._timeout, **auth)
            for hook in ("access_token_response", "refresh_token_response"):
                self._http.register_compliance_hook(hook, _checked_token_reply)
        return self._http

    def close(self) -> None:
        with self._lock:
            if self._http is not None:
                self._http.close()
                self._http = None

    def __enter__(self) -> "XeroOAuth":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def start(self) -> AuthorizationRequest:
        """A new sign-in with a fresh ``state`` and PKCE verifier (authlib's S256 challenge)."""
        verifier = generate_token(64)
        with self._lock:
            url, state = self._client().create_authorization_url(
                self.authorize_url, code_verifier=verifier, scope=self.config.scopes, redirect_uri=self.redirect_uri
            )
        return AuthorizationRequest(url=url, state=state, code_verifier=verifier, redirect_uri=self.redirect_uri)

    def exchange(self, request: AuthorizationRequest, code: str) -> dict:
        """Trade the code from the redirect for tokens (the caller has checked ``state``)."""
        return self._call(
            lambda client: client.fetch_token(
                self.token_url,
                grant_type="authorization_code",
                code=code,
                code_verifier=request.code_verifier,
                redirect_uri=request.redirect_uri,
            ),
            "exchange the sign-in code",
            grant_refused=AuthFailed(
                "Xero refused the sign-in code (it was used already, expired, or belongs to another sign-in). "
                "Select Connect to Xero to try again."
            ),
        )

    def refresh(self, refresh_token: str) -> dict:
        return self._call(
            lambda client: client.refresh_token(self.token_url, refresh_token=refresh_token), "refresh the connection"
        )

    def client_credentials(self) -> dict:
        """A token for a custom connection (needs the client secret)."""
        if not self._client_secret:
            raise NotConfigured("A custom connection needs its client secret; enter it under Integrations > Xero.")
        return self._call(
            lambda client: client.fetch_token(self.token_url, grant_type="client_credentials"),
            "connect with the custom connection",
        )

    def revoke(self, refresh_token: str) -> None:
        response = self._call(
            lambda client: client.revoke_token(
                self.revocation_url, token=refresh_token, token_type_hint="refresh_token"
            ),
            "revoke the connection",
        )
        if response.status_code >= 400:
            raise AuthFailed(f"Xero did not revoke the connection (HTTP {response.status_code}).")

    def _call(self, fn, what: str, grant_refused: XeroError | None = None):
        try:
            with self._lock:
                return fn(self._client())
        except (OAuthError, httpx.HTTPError, ValueError) as exc:
            error = _as_xero_error(exc, what, grant_refused)
        except UnexpectedReply as exc:
            error = exc
        log.warning("Xero identity service: could not %s: %s", what, error)
        raise error


def _checked_token_reply(response: httpx.Response) -> httpx.Response:
    """A 2xx from the token endpoint must carry a token; errors (4xx, 5xx) are authlib's to read."""
    if response.is_success:
        response.read()
        replies.token(response, "POST connect/token")
    return response


def _as_xero_error(exc: Exception, what: str, grant_refused: XeroError | None) -> XeroError:
    if isinstance(exc, OAuthError):
        if exc.error == "invalid_grant" and grant_refused is not None:
            return grant_refused
        return _oauth_error(exc, what)
    if isinstance(exc, httpx.HTTPStatusError):
        status = exc.response.status_code
        if status == 429:
            return RateLimited(_retry_after(exc.response))
        return Unavailable(f"Xero's sign-in service failed to {what} (HTTP {status}); try again shortly.")
    if isinstance(exc, httpx.TransportError):
        return Unavailable(f"Could not reach Xero to {what} ({type(exc).__name__}); check the connection.")
    return AuthFailed(f"Xero's answer to {what} was not understood: {exc}")  # not a JSON token response


def _retry_after(response: httpx.Response) -> float:
    try:
        return float(response.headers.get("Retry-After", "60"))
    except ValueError:
        return 60.0


def _oauth_error(exc: OAuthError, what: str) -> XeroError:
    error = exc.error or "oauth_error"
    detail = f" ({exc.description})" if exc.description else ""
    if error == "invalid_grant":
        return Disconnected(f"Xero no longer accepts this connection{detail}; select Continue to reconnect")
    if error in ("invalid_client", "unauthorized_client"):
        return AuthFailed(f"Xero did not recognise this app's client id{detail}. Check [xero] client_id.")
    return AuthFailed(f"Xero refused to {what}: {error}{detail}")
