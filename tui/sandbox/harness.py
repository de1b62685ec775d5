"""Running a sandbox inside a test or benchmark.

Over real sockets, on a free loopback port, in a background thread::

    from tui.sandbox.harness import run_sandbox

    with run_sandbox(redirect_uris=["http://127.0.0.1:8765/callback"], latency=0.05, minute_limit=600) as sb:
        sb.base_url, sb.login_email, sb.login_password, sb.pkce_client_id
        sb.custom_client_id, sb.custom_client_secret, sb.demo_tenant_id, sb.second_tenant_id
        sb.custom_token()          # a custom-connection access token for the demo company
        sb.control.advance_clock(1800); sb.control.inject("503", 2); sb.control.counters()

Keyword settings are `tui.sandbox.settings.Settings` fields; `control_endpoints=True` also serves `/_sandbox/...`;
`state=` runs an existing `SandboxState` (see `fresh_state`). `sb.reset()` swaps in a fresh seeded state
without restarting the server (a shared server per test session, reset per test, saves ~0.2 s a test).

In-process, without sockets, for speed: `app = create_app(fresh_state())` and
`httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://sandbox.test")`
(everything but the `close` fault behaves the same).
"""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Iterator

import httpx
from starlette.applications import Starlette

from tui.sandbox.app import create_app
from tui.sandbox.control import SandboxControl
from tui.sandbox.seed import seed
from tui.sandbox.server import base_url, bind, make_server
from tui.sandbox.settings import Settings
from tui.sandbox.state import SandboxState


def fresh_state(redirect_uris: list[str] | tuple[str, ...] = (), **settings: Any) -> SandboxState:
    """A newly seeded state with these settings."""
    return seed(SandboxState(settings=Settings(**settings)), redirect_uris=redirect_uris)


@dataclass
class RunningSandbox:
    base_url: str
    state: SandboxState
    control: SandboxControl
    app: Starlette

    @property
    def login_email(self) -> str:
        return self.state.login_user.email

    @property
    def login_password(self) -> str:
        return self.state.login_user.password

    @property
    def pkce_client_id(self) -> str:
        return self.state.pkce_client.client_id

    @property
    def custom_client_id(self) -> str:
        return self.state.custom_client.client_id

    @property
    def custom_client_secret(self) -> str:
        return self.state.custom_client.secret or ""

    @property
    def demo_tenant_id(self) -> str:
        return self.state.demo_tenant_id

    @property
    def second_tenant_id(self) -> str:
        return list(self.state.organisations)[1]

    def reset(self, state: SandboxState | None = None, **settings: Any) -> None:
        """Serve a fresh seeded state (or `state`) from now on, keeping the server and its URL.

        Much cheaper than a new server per test: share one `run_sandbox` and reset it before each test. Redirect
        URIs registered on the old state are registered again.
        """
        old = self.state
        old.faults.release_holds()
        new = state or fresh_state()
        SandboxControl(new).configure(**settings)
        for uri in old.pkce_client.redirect_uris:
            SandboxControl(new).register_redirect_uri(uri)
        self.app.state.sandbox = self.state = new
        self.control = SandboxControl(new)

    def custom_token(self) -> str:
        """An access token from the custom connection (client_credentials), for the demo company."""
        response = httpx.post(f"{self.base_url}/connect/token", data={"grant_type": "client_credentials"},
                              auth=(self.custom_client_id, self.custom_client_secret))
        response.raise_for_status()
        return response.json()["access_token"]


@contextmanager
def run_sandbox(*, state: SandboxState | None = None, redirect_uris: list[str] | tuple[str, ...] = (),
                control_endpoints: bool = False, host: str = "127.0.0.1",
                **settings: Any) -> Iterator[RunningSandbox]:
    """Serve a sandbox on a free port of `host` for the duration of the `with` block."""
    state = state or fresh_state()
    control = SandboxControl(state)
    control.configure(**settings)
    for uri in redirect_uris:
        control.register_redirect_uri(uri)
    app = create_app(state, control=control_endpoints)
    sock = bind(host, 0)
    server = make_server(app)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="sandbox-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the sandbox server did not start")
        time.sleep(0.005)
    try:
        yield RunningSandbox(base_url(sock), state, control, app)
    finally:
        app.state.sandbox.faults.release_holds()
        server.should_exit = server.force_exit = True  # the caller is done: no need to drain connections
        thread.join(timeout=10)
        sock.close()
