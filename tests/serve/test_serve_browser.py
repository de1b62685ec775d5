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


def send_draft(tab: BrowserTab, number: str, customer: str) -> None:
    """From To Do, by keys: down to the draft, open it, Ctrl+E, yes."""
    for _ in range(10):
        tab.wait_for(lambda _text: tab.highlighted(), describe="a highlighted row")
        if number in tab.highlighted():
            break
        tab.press("ArrowDown")
        tab.page.wait_for_timeout(150)
    assert number in tab.highlighted()
    tab.press("Enter")
    tab.wait_for(lambda t: f"Invoice {number}" in t and customer in t and "^e Send" in t,
                 describe="the invoice editor")
    tab.press("Control+e")  # Send
    tab.wait_for(f"Send tax invoice {number}", describe="the send dialog")
    tab.press("y")
    tab.wait_for("Sent to", describe="the sent notice")


def back_to_todo(tab: BrowserTab) -> None:
    tab.press("Escape")
    text = tab.wait_for(lambda t: "Drafts to send" in t or "Discard your unsaved changes" in t)
    if "Discard your unsaved changes" in text:  # the editor counts the reload after the send as an edit
        tab.press("y")
        tab.wait_for("Drafts to send")


def status_on_todo(tab: BrowserTab, number: str) -> str:
    line = next((line for line in tab.text().splitlines() if number in line), "")
    return line.split()[-1] if line else ""


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

    send_draft(tab, "INV-0107", "Liam Walker")
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

    # each sees the other's change: a send in one tab moves the invoice on the other's To Do
    send_draft(alice, "INV-0108", "St Brigid")
    bob.wait_for(lambda _t: status_on_todo(bob, "INV-0108") in ("Sent", "Overdue"), describe="alice's send on bob's To Do")
    back_to_todo(alice)
    send_draft(bob, "INV-0106", "Coastal Builders")
    alice.wait_for(lambda _t: status_on_todo(alice, "INV-0106") in ("Sent", "Overdue"), describe="bob's send on alice's To Do")

    alice.page.close()
    served.wait_for_tabs(1)  # closing a tab ends its process


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
