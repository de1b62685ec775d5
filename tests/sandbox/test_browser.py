"""A real browser signs in on the sandbox's pages, clicks Allow Access and lands on the app's loopback callback."""

from __future__ import annotations

import os
import shutil
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.xero_schema import validate_response
from tui.sandbox.harness import run_sandbox

from .flows import authorize_params, pkce_pair

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]

pytestmark = pytest.mark.browser


def _need_browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        reason = "playwright is not installed"
    else:
        if shutil.which(CHROMIUM) or os.path.exists(CHROMIUM):
            return sync_playwright
        reason = f"{CHROMIUM} is missing (apt-get install -y chromium)"
    if os.environ.get("TRADIECORE_REQUIRE_ALL") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


class _Callback(BaseHTTPRequestHandler):
    received: list[str] = []

    def do_GET(self) -> None:  # noqa: N802
        type(self).received.append(self.path)
        body = b"<html><body><h1>Connected</h1></body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def callback():
    _Callback.received = []
    server = HTTPServer(("127.0.0.1", 0), _Callback)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/callback", _Callback.received
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser():
    sync_playwright = _need_browser()
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


def _browse(browser, url: str, email: str, password: str, button: str, organisation: str | None = None) -> str:
    context = browser.new_context()  # its own cookies: every sign-in starts at the login page
    try:
        page = context.new_page()
        page.goto(url)
        page.fill("#email", email)
        page.fill("#password", password)
        page.click("text=Login")
        page.wait_for_selector("text=Xero Organisational Data")
        if organisation:
            page.select_option("#tenant", label=organisation)
        page.click(f"text={button}")
        page.wait_for_url("**/callback?**")
        return page.url
    finally:
        context.close()


def test_log_in_and_allow_access_in_chromium(browser, callback):
    redirect_uri, received = callback
    with run_sandbox(redirect_uris=[redirect_uri]) as sb:
        verifier, challenge = pkce_pair()
        params = authorize_params(sb, challenge, redirect_uri=redirect_uri, state="browser-state")
        url = str(httpx.URL(sb.base_url + "/identity/connect/authorize", params=params))
        landed = _browse(browser, url, sb.login_email, sb.login_password, "Allow Access",
                         organisation="Smith Plumbing & Gas Pty Ltd")
        query = parse_qs(urlsplit(landed).query)
        assert query["state"] == ["browser-state"]
        assert len([p for p in received if p.startswith("/callback?")]) == 1
        with httpx.Client(base_url=sb.base_url, event_hooks={"response": [lambda r: (r.read(), validate_response(r))]}) \
                as client:
            token = client.post("/connect/token", data={
                "grant_type": "authorization_code", "client_id": sb.pkce_client_id, "code": query["code"][0],
                "redirect_uri": redirect_uri, "code_verifier": verifier})
            assert token.status_code == 200
            conns = client.get("/connections", headers={"Authorization": f"Bearer {token.json()['access_token']}"})
            assert [c["tenantName"] for c in conns.json()] == ["Smith Plumbing & Gas Pty Ltd"]


def test_cancel_in_chromium(browser, callback):
    redirect_uri, _ = callback
    with run_sandbox(redirect_uris=[redirect_uri]) as sb:
        _, challenge = pkce_pair()
        params = authorize_params(sb, challenge, redirect_uri=redirect_uri)
        url = str(httpx.URL(sb.base_url + "/identity/connect/authorize", params=params))
        landed = _browse(browser, url, sb.login_email, sb.login_password, "Cancel")
        assert parse_qs(urlsplit(landed).query) == {"error": ["access_denied"], "state": ["st-123"]}
