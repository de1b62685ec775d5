"""Fixtures for the Xero client tests: a fake clock, temp config dirs, and a file secrets store."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from random import Random
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.fixtures.net import free_port
from tui.config import Config, XeroConfig
from tui.credentials.user_store import FileSecretStore
from tui.xero.api import XeroApi
from tui.xero.sign_in import Consent, organisations, save_connection
from tui.xero.oauth import XeroOAuth
from tui.xero.ratelimit import Backoff, RateLimiter
from tui.xero.tokens import secret_token_store


class FakeClock:
    """Monotonic time that only moves when something sleeps; thread-safe."""

    def __init__(self, start: float = 1_000.0):
        self.now = start
        self.slept: list[float] = []
        self._lock = threading.Lock()

    def monotonic(self) -> float:
        with self._lock:
            return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.slept.append(seconds)
            self.now += max(seconds, 0.0)

    def advance(self, seconds: float) -> None:
        with self._lock:
            self.now += seconds


class MemoryRow:
    """The store layer's row, as the protocol describes it: a blob and a lock."""

    def __init__(self):
        self.blob = None
        self._lock = threading.Lock()

    def read(self):
        return self.blob

    def write(self, blob):
        self.blob = blob

    def delete(self):
        self.blob = None

    @contextmanager
    def lock(self):
        with self._lock:
            yield


@pytest.fixture
def fake_clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def cfg(tmp_path: Path) -> Config:
    return Config(
        xero=XeroConfig(client_id="test-client"),
        config_dir=tmp_path / "config",
        data_dir=tmp_path / "data",
    )


@pytest.fixture
def secrets(cfg: Config) -> FileSecretStore:
    return FileSecretStore(cfg.config_dir / "secrets.json")


# -- the sandbox, over real HTTP on loopback --------------------------------------------------------------


class LinkedClock(FakeClock):
    """The client's fake clock; sleeping also moves the sandbox's clock, so rate windows pass together."""

    def __init__(self, control):
        super().__init__()
        self.control = control

    def sleep(self, seconds: float) -> None:
        super().sleep(seconds)
        if seconds > 0:
            self.control.advance_clock(seconds)


@pytest.fixture(scope="session")
def _shared_sandbox():
    from tui.sandbox.harness import run_sandbox

    with run_sandbox() as sb:
        yield sb


@pytest.fixture
def sandbox(_shared_sandbox):
    """The sandbox with freshly seeded state, and a callback port of this test's own registered with it."""
    _shared_sandbox.reset()
    _shared_sandbox.callback_port = free_port()
    _shared_sandbox.control.register_redirect_uri(f"http://localhost:{_shared_sandbox.callback_port}/callback")
    return _shared_sandbox


@pytest.fixture
def sb_cfg(cfg: Config, sandbox) -> Config:
    """The app's config pointed at the sandbox (as `tradiecore demo` does)."""
    with_base = cfg.with_xero_base(sandbox.base_url)
    return replace(
        with_base,
        xero=replace(with_base.xero, client_id=sandbox.pkce_client_id, redirect_port=sandbox.callback_port),
    )


@pytest.fixture
def make_oauth():
    """XeroOAuth instances closed after the test (each keeps a connection pool)."""
    made: list[XeroOAuth] = []

    def make(config: XeroConfig, **kwargs) -> XeroOAuth:
        made.append(XeroOAuth(config, **kwargs))
        return made[-1]

    yield make
    for oauth in made:
        oauth.close()


@pytest.fixture
def oauth(sb_cfg: Config, make_oauth) -> XeroOAuth:
    return make_oauth(sb_cfg.xero)


def drive_consent(sandbox, url: str, *, decision: str = "allow", tenant_id: str | None = None, follow: bool = True):
    """What a person does in the browser, as plain form posts: log in, choose the organisation, decide.

    Returns the redirect address the browser is sent to; with ``follow`` it is also requested (it reaches
    the app's loopback listener).
    """
    query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    with httpx.Client(base_url=sandbox.base_url, timeout=10) as browser:
        page = browser.get(url)
        assert page.status_code == 200, page.text
        if "Log in to Xero" in page.text:
            login = browser.post(
                "/identity/login",
                data={
                    "return_to": f"{urlsplit(url).path}?{urlsplit(url).query}",
                    "email": sandbox.login_email,
                    "password": sandbox.login_password,
                },
            )
            assert login.status_code == 303, login.text
        decided = browser.post(
            "/identity/connect/consent",
            data={**query, "tenant": tenant_id or sandbox.demo_tenant_id, "decision": decision},
        )
        assert decided.status_code == 302, decided.text
        location = decided.headers["location"]
        if follow:
            browser.get(location)
    return location


@pytest.fixture
def connected(sb_cfg: Config, sandbox, oauth, secrets):
    """A connection to the sandbox's demo company made through the real consent flow; its TokenManager."""
    consent = Consent(oauth)
    drive_consent(sandbox, consent.url)
    tokens = consent.finish(consent.wait(10))
    (org,) = organisations(sb_cfg.xero, tokens, oauth)
    return save_connection(secret_token_store(sb_cfg, org.tenant_id, secrets), tokens, org, oauth)


@pytest.fixture
def api(sb_cfg: Config, sandbox, connected):
    clock = LinkedClock(sandbox.control)
    with XeroApi(
        sb_cfg.xero, connected, sandbox.demo_tenant_id, limiter=RateLimiter(clock=clock), backoff=Backoff(rng=Random(1))
    ) as client:
        yield client
