"""Sign-in links and session cookies of ``tradiecore serve``, on the business's database (blocking calls).

The tables and their rules are :mod:`tui.store.serve_access`; this is the server's and the command line's
handle on them: one engine, the clock, and the link printed for a person.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Callable
from urllib.parse import urlsplit

from tui.store import serve_access

COOKIE = "tradiecore_session"
SIGN_IN_PATH = "/signin"


def origin_of(url: str) -> str:
    """``scheme://host[:port]`` of a URL, as a browser sends it in ``Origin`` (default ports left out)."""
    parts = urlsplit(url)
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    port = parts.port
    if port is None or (scheme, port) in (("http", 80), ("https", 443)):
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"


def sign_in_link(public_url: str, token: str) -> str:
    """The link a person opens: the token rides in the fragment, which browsers never send to a server or proxy
    (nor keep in a Referer); the sign-in page posts it."""
    return f"{public_url.rstrip('/')}{SIGN_IN_PATH}#{token}"


class Access:
    """The sign-ins of one business's database."""

    def __init__(self, database_url: str, now: Callable[[], datetime] | None = None):
        from tui.store.db import make_engine, migrate

        self.engine = make_engine(database_url)
        migrate(self.engine)
        self.now = now or (lambda: datetime.now(timezone.utc))

    def _session(self):
        from tui.store.db import session

        return session(self.engine)

    def add_user(self, name: str) -> str:
        """A new one-time sign-in token for ``name``."""
        with self._session() as s:
            return serve_access.add_link(s, name, self.now())

    def remove_user(self, name: str) -> int:
        with self._session() as s:
            return serve_access.remove_user(s, name)

    def revoke_all(self) -> int:
        with self._session() as s:
            return serve_access.revoke_all(s)

    def redeem(self, token: str, origin: str) -> serve_access.SignedIn | None:
        with self._session() as s:
            return serve_access.redeem(s, token, origin, self.now())

    def user_of(self, cookie: str, origin: str) -> str | None:
        with self._session() as s:
            return serve_access.session_user(s, cookie, origin, self.now())

    def close(self) -> None:
        from tui.store.db import close_engine

        close_engine(self.engine)
