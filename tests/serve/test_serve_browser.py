"""The app in a real headless Chromium through `tradiecore serve`: signing in with the printed link, working by
keys, two people in two tabs, the idle timeout, and a revoked session's open tab."""

from __future__ import annotations

import pytest

from tests.conftest import FIXED_NOW
from tests.serve.browser import BrowserTab

pytestmark = pytest.mark.browser


def signed_in(browser, served, name: str) -> BrowserTab:
    tab = BrowserTab(browser)
    tab.shots = served.log.parent
    tab.open(served.add_user(name))
    tab.wait_for("INV-0101", describe="To Do's rows")
    return tab


def invoice_row(cfg, number: str):
    from sqlmodel import select

    from tui.services import Services
    from tui.store.tables import InvoiceRow

    services = Services(cfg, now=lambda: FIXED_NOW, user="test")
    try:
        with services.session() as s:
            return s.exec(select(InvoiceRow).where(InvoiceRow.number == number)).one()
    finally:
        services.close()


def test_sign_in_work_by_keys_and_send_an_invoice(browser, serve, cfg):
    served = serve()
    tab = signed_in(browser, served, "alice")
    text = tab.text()
    assert "To Do" in text and "Drafts to send" in text
    assert tab.page.url == f"{served.url}/"  # the token left the address bar
    assert "signed in alice from 127.0.0.1" in served.log_text()

    tab.press("s")  # Settings
    tab.wait_for("Integrations")
    tab.press("i")  # Integrations
    tab.wait_for("Available Connections")
    tab.press("Escape", "Escape")
    tab.wait_for("Drafts to send")

    for _ in range(8):  # down To Do to the draft INV-0107, by keys
        if "INV-0107" in tab.wait_for(lambda _text: tab.highlighted(), describe="a highlighted row") \
                and "INV-0107" in tab.highlighted():
            break
        tab.press("ArrowDown")
        tab.page.wait_for_timeout(150)
    assert "INV-0107" in tab.highlighted()
    tab.press("Enter")
    tab.wait_for(lambda t: "Invoice INV-0107" in t and "Liam Walker" in t and "^e Send" in t,
                 describe="the invoice editor")
    tab.press("Control+e")  # Send
    tab.wait_for("Send tax invoice INV-0107", describe="the send dialog")
    tab.press("y")
    tab.wait_for("Sent to", describe="the sent notice")
    row = invoice_row(cfg, "INV-0107")
    assert row.status == "SENT" and row.updated_by == "alice"  # the tab's process runs as the person signed in


def test_two_people_two_tabs_two_processes_each_as_themselves(browser, serve):
    served = serve()
    alice = signed_in(browser, served, "alice")
    bob = signed_in(browser, served, "bob")
    pids = served.wait_for_tabs(2)
    environments = {}
    for pid in pids:
        with open(f"/proc/{pid}/environ", "rb") as f:
            environments[pid] = dict(item.split("=", 1) for item in f.read().decode().split("\0") if "=" in item)
    assert sorted(e["TRADIECORE_USER"] for e in environments.values()) == ["alice", "bob"]
    for environment in environments.values():  # a clean environment: nothing secret of the server's
        assert "TRADIECORE_XERO_CLIENT_SECRET" not in environment and "AWS_SECRET_ACCESS_KEY" not in environment
        assert environment["TRADIECORE_DATA_DIR"] == served.env["TRADIECORE_DATA_DIR"]
    alice.page.close()
    served.wait_for_tabs(1)  # closing a tab ends its process
    assert "Drafts to send" in bob.text()


def test_a_forgotten_tab_is_closed(browser, serve):
    served = serve("--idle-minutes", "0.05")  # 3 s
    tab = signed_in(browser, served, "alice")
    served.wait_for_tabs(1)
    tab.page.wait_for_selector("text=Session ended.", timeout=20000)
    served.wait_for_tabs(0)
    assert "closing alice's tab: idle" in served.log_text()


def test_removing_a_person_closes_their_open_tab(browser, serve):
    served = serve()
    tab = signed_in(browser, served, "alice")
    served.wait_for_tabs(1)
    done = served.tradiecore("serve", *served.args, "--remove-user", "alice")
    assert done.returncode == 0 and "alice" in done.stdout
    tab.page.wait_for_selector("text=Session ended.", timeout=20000)
    served.wait_for_tabs(0)
    tab.page.reload()
    assert "not valid here" in tab.page.content()
