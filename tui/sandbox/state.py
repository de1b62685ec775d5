"""All of one sandbox's state: organisations, identity records, settings, and the runtime helpers around them.

One `SandboxState` backs one running server. Request handlers and the control API (which may run on another
thread, as in the test harness) take `state.lock` around every read-modify-write.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, Callable

from tui.sandbox.clock import SandboxClock
from tui.sandbox.counters import Counters
from tui.sandbox.faults import Faults
from tui.sandbox.hooks import Hooks
from tui.sandbox.limits import RateLimiter
from tui.sandbox.models import (
    AccessToken,
    AuthCode,
    Client,
    Connection,
    Grant,
    Organisation,
    RefreshToken,
    User,
)
from tui.sandbox.settings import Settings


@dataclass
class IdempotentResponse:
    fingerprint: str  # method, path and body digest of the first request
    status: int
    body: str
    headers: dict[str, str]


class SandboxState:
    def __init__(self, *, clock: SandboxClock | None = None, settings: Settings | None = None) -> None:
        self.lock = threading.RLock()
        self.clock = clock or SandboxClock()
        self.settings = settings or Settings()
        self.persist: Callable[[], None] | None = None  # set when the state lives in a file
        # persisted
        self.organisations: dict[str, Organisation] = {}
        self.users: dict[str, User] = {}
        self.clients: dict[str, Client] = {}
        self.connections: dict[str, Connection] = {}
        self.grants: dict[str, Grant] = {}
        self.codes: dict[str, AuthCode] = {}
        self.access_tokens: dict[str, AccessToken] = {}
        self.refresh_tokens: dict[str, RefreshToken] = {}
        self.idempotency: dict[str, IdempotentResponse] = {}
        # runtime only
        self.sessions: dict[str, str] = {}  # login cookie -> user id
        self.counters = Counters()
        self.faults = Faults()
        self.hooks = Hooks()  # edits made in Xero between two requests of a client
        self.limiter = RateLimiter(self.clock, self.settings)

    # the seeded principals, as `tradiecore sandbox` prints them
    @property
    def login_user(self) -> User:
        return next(iter(self.users.values()))

    @property
    def pkce_client(self) -> Client:
        return next(c for c in self.clients.values() if c.kind == "pkce")

    @property
    def custom_client(self) -> Client:
        return next(c for c in self.clients.values() if c.kind == "custom")

    @property
    def demo_tenant_id(self) -> str:
        return next(iter(self.organisations))

    def organisation(self, tenant_id: str | None = None) -> Organisation:
        return self.organisations[tenant_id or self.demo_tenant_id]

    def changed(self) -> None:
        """Call after a committed change: writes the state file when there is one."""
        if self.persist is not None:
            self.persist()

    def credentials(self) -> dict[str, Any]:
        return {
            "login_email": self.login_user.email,
            "login_password": self.login_user.password,
            "pkce_client_id": self.pkce_client.client_id,
            "custom_client_id": self.custom_client.client_id,
            "custom_client_secret": self.custom_client.secret,
        }
