"""What a browser tab does beyond a terminal: an invoice's PDF as a download, Alt+N where a browser keeps
Ctrl+N, and Connect to Xero with Xero in a new tab of the same browser and the address it ends on pasted back."""

from __future__ import annotations

import re

import pytest

from tests.serve.browser import BrowserTab

pytestmark = pytest.mark.browser


def signed_in(browser, served, name: str = "alice") -> BrowserTab:
    tab = BrowserTab(browser)
    tab.shots = served.log.parent
    tab.open(served.add_user(name))
    tab.wait_for("INV-0101", describe="To Do's rows")
    return tab


def test_pdf_download_and_alt_n(browser, serve):
    served = serve()
    tab = signed_in(browser, served)
    tab.press("Enter")  # the highlighted first row: INV-0101, sent
    tab.wait_for(lambda t: "Invoice INV-0101" in t and "^e Resend" in t, describe="the invoice editor")
    with tab.page.expect_download(timeout=30000) as download:
        tab.press("F9")
    saved = download.value
    assert saved.suggested_filename == "Tax-Invoice-INV-0101.pdf"
    assert open(saved.path(), "rb").read(5) == b"%PDF-"
    tab.wait_for("Your browser downloads it.")

    tab.press("Escape")
    tab.wait_for("Drafts to send")
    tab.press("n")  # a new invoice: one empty line
    tab.wait_for(lambda t: "New invoice" in t and lines(t) == 1 and "^n Add line" in t, describe="a new invoice")
    tab.press("Alt+n")  # Ctrl+N never reaches a page: the browser opens a window
    tab.wait_for(lambda t: lines(t) == 2, describe="a second line after Alt+N")


def lines(text: str) -> int:
    return len(re.findall(r"(?m)^ *\d+\.  ", text))


def test_connect_to_xero_from_a_browser_tab_with_the_address_pasted(browser, serve, sandbox, redirect_port):
    served = serve(extra_env={"TRADIECORE_XERO_BASE": sandbox.base_url,
                              "TRADIECORE_XERO_CLIENT_ID": sandbox.pkce_client_id,
                              "TRADIECORE_XERO_REDIRECT_PORT": str(redirect_port)})
    tab = signed_in(browser, served)
    tab.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=served.url)
    captured: list[str] = []

    def answer(route):  # Xero sends the browser to the server's loopback: from a laptop, nothing answers there
        response = route.fetch(max_redirects=0)
        location = response.headers.get("location", "")
        if "/callback" in location:
            captured.append(location)
            route.fulfill(status=200, content_type="text/html", body="<h1>This site can't be reached</h1>")
        else:
            route.fulfill(response=response)

    tab.context.route("**/identity/connect/consent", answer)
    tab.press("s")
    tab.wait_for("Integrations")
    tab.press("i")
    tab.wait_for("Available Connections")
    with tab.context.expect_page(timeout=30000) as opened:
        tab.press("Enter")  # Xero: Connect
    xero = opened.value
    tab.wait_for("Xero opens in a new tab of this browser")
    assert "ssh -L" not in tab.text()
    tab.page.bring_to_front()
    tab.press("Control+y")  # copy the link: OSC 52, which the page hands to the browser's clipboard
    tab.wait_for("Link copied")
    copied = tab.page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith(f"{sandbox.base_url}/") and "code_challenge=" in copied
    xero.wait_for_selector("#email")
    xero.fill("#email", sandbox.login_email)
    xero.fill("#password", sandbox.login_password)
    xero.click("button:has-text('Login')")
    xero.wait_for_selector("text=Xero Organisational Data")
    xero.click("button:has-text('Allow Access')")
    xero.wait_for_selector("text=This site can't be reached")
    assert captured and "code=" in captured[0]

    tab.page.bring_to_front()
    tab.type(captured[0])
    tab.press("Enter")
    tab.wait_for("Ok, let's go", describe="the organisation")
    tab.press("Enter")
    tab.wait_for(lambda t: "Revenue Accounts" in t and "Demo Company (AU)" in t, describe="the Xero screen")
