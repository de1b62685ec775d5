"""Two staff sessions on one database see each other's saves without a key press: the Customers list, the
header's business name, an open invoice editor. SQLite (within 1 s: the change log polled) and PostgreSQL (at
once: LISTEN/NOTIFY)."""

from __future__ import annotations

import time
from contextlib import AsyncExitStack
from decimal import Decimal

import pytest

from tests.conftest import FIXED_NOW
from tests.connect.helpers import screen_text, wait_for
from tests.fixtures.postgres import throwaway_postgres
from tests.tui.screen_harness import settle, type_into

SIZE = (80, 24)
WITHIN_S = {"sqlite": 1.0, "postgres": 0.5}


@pytest.fixture(params=["sqlite", "postgres"])
def database(request, env, monkeypatch):
    if request.param == "sqlite":
        yield request.param
        return
    with throwaway_postgres() as url:
        monkeypatch.setenv("TRADIECORE_DATABASE_URL", url)
        yield request.param


def two_sessions():
    from tui import config
    from tui.app import TradieApp
    from tui.services import Services

    cfg = config.load()
    apps = []
    for user in ("alice", "bob"):
        services = Services(cfg, now=lambda: FIXED_NOW, user=user)
        apps.append(TradieApp(services, cursor_blink=False, background_sync=False))
    return apps


async def started(stack: AsyncExitStack, app):
    pilot = await stack.enter_async_context(app.run_test(size=SIZE))
    await wait_for(pilot, lambda: app.change_watcher is not None and app.business_name, what="the store loaded")
    await settle(pilot)
    return pilot


async def seen_within(pilot, predicate, seconds: float, what: str) -> float:
    """Waits (no key pressed) until ``predicate``; the seconds it took, which must be within ``seconds``."""
    started_at = time.monotonic()
    await wait_for(pilot, predicate, timeout=10, what=what)
    took = time.monotonic() - started_at
    assert took <= seconds, f"{what} took {took:.2f} s"
    return took


async def test_a_customer_added_in_one_session_is_listed_in_the_other(database):
    from tui.domain.customer import Customer
    from tui.screens.customers.screen import CustomersScreen

    alice, bob = two_sessions()
    async with AsyncExitStack() as stack:
        alice_pilot = await started(stack, alice)
        bob_pilot = await started(stack, bob)
        alice.show_customers()
        bob.show_customers()
        await settle(alice_pilot)
        await settle(bob_pilot)
        assert isinstance(bob.screen, CustomersScreen)
        assert "Dana Wirth" not in screen_text(bob)
        # alice adds a customer the way the Customers screen does: n, type, Ctrl+S
        await alice_pilot.press("n")
        await settle(alice_pilot)
        await type_into(alice_pilot, "#f-name", "Dana Wirth")
        await type_into(alice_pilot, "#f-email", "dana@example.com")
        await alice_pilot.press("ctrl+s")
        await wait_for(alice_pilot, lambda: alice.services.customers("Dana")[1] == 1, what="alice's save")
        await seen_within(bob_pilot, lambda: "Dana Wirth" in screen_text(bob), WITHIN_S[database],
                          "bob's Customers list to show Dana Wirth")
        assert "1 customer" in screen_text(bob) or "Dana Wirth" in screen_text(bob)
        # and the other way round, through the services alone (a write of any kind is announced)
        await __import__("asyncio").to_thread(bob.services.save_customer, Customer("Eli Park", "eli@example.com"))
        await seen_within(alice_pilot, lambda: "Eli Park" in screen_text(alice), WITHIN_S[database],
                          "alice's list to show Eli Park")


async def test_the_business_name_reaches_the_other_sessions_header(database):
    import asyncio

    from tui.domain.business import BusinessDetails

    alice, bob = two_sessions()
    async with AsyncExitStack() as stack:
        await started(stack, alice)
        bob_pilot = await started(stack, bob)
        assert bob.business_name == "Your business"
        await asyncio.to_thread(alice.services.save_business,
                                BusinessDetails(name="Harbour City Plumbing", email="accounts@hcp.example"))
        await seen_within(bob_pilot, lambda: "Harbour City Plumbing" in screen_text(bob), WITHIN_S[database],
                          "bob's header to name the business")
        assert bob.business_name == "Harbour City Plumbing"


async def test_an_open_editor_follows_the_other_session_or_says_who_changed_it(database):
    import asyncio

    from tui.domain.customer import Customer
    from tui.domain.invoice import LineItem, RevenueCategory
    from tui.screens.invoices.editor import InvoiceEditorScreen

    alice, bob = two_sessions()
    services = alice.services
    customer = services.save_customer(Customer("Olivia Nguyen", "olivia@example.com"))
    draft = services.new_invoice(customer.id)
    draft.lines = [LineItem("Labour", Decimal("2"), Decimal("95.00"), RevenueCategory.LABOUR)]
    draft.reference = "Blocked drain"
    draft = services.save_invoice(draft)
    async with AsyncExitStack() as stack:
        await started(stack, alice)
        bob_pilot = await started(stack, bob)
        bob.open_invoice(draft.id)
        await settle(bob_pilot)
        editor = bob.screen
        assert isinstance(editor, InvoiceEditorScreen)
        reference = editor.query_one("#f-reference")
        assert reference.value == "Blocked drain"

        # nothing typed in bob's editor: it shows alice's save
        theirs = services.invoice(draft.id)
        theirs.reference = "Blocked drain, kitchen"
        await asyncio.to_thread(services.save_invoice, theirs)
        await seen_within(bob_pilot, lambda: reference.value == "Blocked drain, kitchen", WITHIN_S[database],
                          "bob's editor to show alice's reference")

        # bob types; alice saves again: bob keeps what he typed and is told who changed it
        await type_into(bob_pilot, reference, "Bob's words")
        theirs = services.invoice(draft.id)
        theirs.reference = "Alice again"
        await asyncio.to_thread(services.save_invoice, theirs)
        banner = editor.query_one("#newer")
        await seen_within(bob_pilot, lambda: banner.question, WITHIN_S[database] + 1.0, "bob's editor to ask")
        assert banner.question.startswith("alice changed ")
        assert reference.value == "Bob's words"


async def test_a_write_that_queues_for_xero_asks_for_a_pass_and_a_draft_does_not(services):
    """The services, not a screen, ask the syncer for a pass: after a commit that queued something for Xero."""
    from tui.domain.customer import Customer
    from tui.domain.invoice import LineItem, RevenueCategory
    from tui.domain.payment import PaymentMethod

    asked = []
    services.on_sync_wanted = lambda: asked.append(True)
    customer = services.save_customer(Customer("Olivia Nguyen", "olivia@example.com"))
    draft = services.new_invoice(customer.id)
    draft.lines = [LineItem("Labour", Decimal("2"), Decimal("95.00"), RevenueCategory.LABOUR)]
    draft = services.save_invoice(draft)
    assert asked == []  # a draft never reaches Xero
    services.save_business(services.business().__class__(name="Harbour City Plumbing",
                                                         email="accounts@hcp.example"))
    services.send_invoice(draft)
    assert asked == [True]  # the send queued the invoice for Xero
    sent = services.invoice(draft.id)
    services.record_payment(sent, Decimal("10.00"), sent.issue_date, list(PaymentMethod)[0])
    assert asked == [True, True]
