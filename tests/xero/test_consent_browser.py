"""The consent flow in a real headless Chromium: the sandbox's Login and Allow Access pages, then the
redirect to the app's loopback listener."""

import os
import shutil

import pytest

from tui.xero.sign_in import Consent, organisations
from tui.xero.errors import AccessDenied

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = pytest.mark.browser


def _missing() -> str | None:
    if not shutil.which(CHROMIUM):
        return f"{CHROMIUM} is not installed (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright for Python is not installed (pip install playwright)"
    return None


@pytest.fixture(scope="module")
def chromium():
    reason = _missing()
    if reason:
        if os.environ.get("TRADIECORE_REQUIRE_ALL") == "1":
            pytest.fail(f"TRADIECORE_REQUIRE_ALL=1 but {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium):
    context = chromium.new_context()
    yield context.new_page()
    context.close()


def log_in(page, sandbox, url):
    page.goto(url)
    page.fill("#email", sandbox.login_email)
    page.fill("#password", sandbox.login_password)
    page.click("text=Login")
    page.wait_for_selector("text=Xero Organisational Data")


def test_login_and_allow_access_in_chromium(page, sandbox, sb_cfg, oauth):
    consent = Consent(oauth)
    log_in(page, sandbox, consent.url)
    page.click("text=Allow Access")
    page.wait_for_selector("text=You can close this tab")
    assert page.url.startswith(f"http://localhost:{sb_cfg.xero.redirect_port}/callback?")
    tokens = consent.finish(consent.wait(10))
    assert [o.name for o in organisations(sb_cfg.xero, tokens, oauth)] == ["Demo Company (AU)"]


def test_cancel_in_chromium_is_access_denied(page, sandbox, oauth):
    consent = Consent(oauth)
    log_in(page, sandbox, consent.url)
    page.click("button:has-text('Cancel')")
    page.wait_for_selector("text=Access was not allowed")
    with pytest.raises(AccessDenied):
        consent.wait(10)


def test_paste_back_from_the_address_bar(page, sandbox, sb_cfg, oauth):
    """Over SSH without a tunnel the browser lands on an error page; its address is pasted into the app."""
    consent = Consent(oauth, listen=False)
    log_in(page, sandbox, consent.url)
    with page.expect_request(lambda r: "/callback?" in r.url) as redirect:
        page.click("text=Allow Access")
    tokens = consent.finish(consent.code_from_paste(redirect.value.url))
    assert organisations(sb_cfg.xero, tokens, oauth)[0].tenant_id == sandbox.demo_tenant_id
