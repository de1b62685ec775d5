"""Fixtures for the connect flow: a sandbox on a free loopback port, Services pointed at it, and ways to act
as the person at the browser (plain HTTP for service tests, a real headless Chromium for end-to-end tests)."""

from __future__ import annotations

import re
import socket
from dataclasses import replace
from pathlib import Path
from urllib.parse import urljoin

import httpx
import pytest

from tests.conftest import FIXED_NOW, skip_or_fail

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(autouse=True)
def no_ssh_no_display(monkeypatch):
    """Tests never launch a browser on their own: the test drives the browser at the URL the app shows."""
    for name in ("SSH_CONNECTION", "SSH_TTY", "DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def redirect_port() -> int:
    return free_port()


@pytest.fixture
def sandbox(redirect_port):
    from tui.sandbox.harness import run_sandbox

    with run_sandbox(redirect_uris=[f"http://localhost:{redirect_port}/callback",
                                    f"http://127.0.0.1:{redirect_port}/callback"]) as sb:
        yield sb


def sandbox_cfg(cfg, sandbox, redirect_port):
    cfg = cfg.with_xero_base(sandbox.base_url)
    return replace(cfg, xero=replace(cfg.xero, client_id=sandbox.pkce_client_id, redirect_port=redirect_port))


@pytest.fixture
def xservices(cfg, sandbox, redirect_port):
    """Services whose Xero settings point at the sandbox (as `tradiecore demo` sets them)."""
    from tui.services import Services

    return Services(sandbox_cfg(cfg, sandbox, redirect_port), now=lambda: FIXED_NOW, user="sam")


@pytest.fixture
def xero(xservices):
    conn = xservices.connection
    conn.wait_timeout = 30
    return conn


class HttpBrowser:
    """A person at a browser, over plain HTTP: log in, then Allow Access or Cancel on the consent page."""

    def __init__(self, sandbox):
        self.sandbox = sandbox
        self.client = httpx.Client(follow_redirects=False, timeout=10)

    def consent(self, url: str, decision: str = "allow", organisation: str | None = None) -> str:
        """Return the address the consent page redirects to (the app's callback URL)."""
        page = self.client.get(url)
        if "Log in to Xero" in page.text:
            return_to = re.search(r'name="return_to" value="([^"]+)"', page.text).group(1)
            return_to = return_to.replace("&amp;", "&")
            login = self.client.post(urljoin(url, "/identity/login") if False else _action(url, page.text),
                                     data={"return_to": return_to, "email": self.sandbox.login_email,
                                           "password": self.sandbox.login_password})
            assert login.status_code == 303, login.text
            page = self.client.get(urljoin(url, login.headers["location"]))
        assert "Xero Organisational Data" in page.text, page.text
        fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page.text))
        fields = {k: v.replace("&amp;", "&") for k, v in fields.items()}
        options = dict((name, value) for value, name in re.findall(r'<option value="([^"]+)">([^<]+)</option>',
                                                                   page.text))
        tenant = options[organisation.replace("&", "&amp;")] if organisation else next(iter(options.values()))
        answer = self.client.post(_action(url, page.text), data={**fields, "tenant": tenant, "decision": decision})
        assert answer.status_code in (302, 303), answer.text
        return answer.headers["location"]

    def follow(self, location: str) -> httpx.Response:
        return httpx.get(location, timeout=10)

    def close(self):
        self.client.close()


def _action(url: str, html: str) -> str:
    return urljoin(url, re.search(r'<form method="post" action="([^"]+)"', html).group(1))


@pytest.fixture
def http_browser(sandbox):
    b = HttpBrowser(sandbox)
    yield b
    b.close()


def chromium_consent(url: str, email: str, password: str, *, decision: str = "allow",
                     organisation: str | None = None, capture_callback: bool = False) -> str:
    """Log in and answer the consent page in a real headless Chromium; return the address it was sent back to.

    ``capture_callback``: stop the browser at the redirect (as over SSH without a forwarded port, where the
    laptop's browser shows an error page) and return that address for pasting into the app.
    Blocking: run it in a thread (``asyncio.to_thread``) next to the app under Pilot.
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page()
            captured: list[str] = []
            if capture_callback:
                # The consent page's answer redirects to http://localhost:PORT/callback. Over SSH without a
                # forwarded port that address cannot be reached from the laptop: keep it, show an error page.
                def _capture(route):
                    response = route.fetch(max_redirects=0)
                    location = response.headers.get("location", "")
                    if "/callback" in location:
                        captured.append(location)
                        route.fulfill(status=200, content_type="text/html",
                                      body="<h1>This site can't be reached</h1><p>localhost refused to connect.</p>")
                    else:
                        route.fulfill(response=response)

                page.route("**/identity/connect/consent", _capture)
            page.goto(url)
            page.fill("#email", email)
            page.fill("#password", password)
            page.click("button:has-text('Login')")
            page.wait_for_selector("text=Xero Organisational Data")
            if organisation:
                page.select_option("#tenant", label=organisation)
            button = "Allow Access" if decision == "allow" else "Cancel"
            if capture_callback:
                page.click(f"button:has-text('{button}')")
                page.wait_for_selector("text=This site can't be reached")
                return captured[0]
            page.click(f"button:has-text('{button}')")
            page.wait_for_load_state()
            return page.url
        finally:
            browser.close()


@pytest.fixture
def chromium():
    """Skip (or fail in CI) where there is no Chromium or no Playwright; else the consent driver."""
    if not Path(CHROMIUM).exists():
        skip_or_fail(f"{CHROMIUM} is not installed")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        skip_or_fail("playwright is not installed")
    return chromium_consent


from tests.store.conftest import postgres_url  # noqa: E402,F401  (a throw-away PostgreSQL database)
