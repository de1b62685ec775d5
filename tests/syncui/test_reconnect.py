"""Continue after Xero dropped the connection: the header says Disconnected, and reconnecting drains the queue."""
# ruff: noqa: F811  (pytest fixtures imported from tests/connect, named as test arguments)

from __future__ import annotations

from tests.connect.conftest import (  # noqa: F401  (fixtures: a sandbox with the app's redirect port)
    http_browser,
    no_ssh_no_display,
    redirect_port,
    sandbox,
    xero,
    xservices,
)
from tests.connect.helpers import connect_service, http_consent_in_thread
from tests.syncui.conftest import (
    header,
    header_is_red,
    make_invoice,
    next_pass,
    send,
    sync_app,
    wait_for,
)


def xero_numbers(sb, tenant_id: str) -> list[str]:
    return [i["InvoiceNumber"] for i in sb.control.snapshot()["organisations"][tenant_id]["Invoices"]]


async def test_continue_reconnects_and_the_queue_drains(xservices, xero, http_browser, sandbox):
    from tui.domain.business import BusinessDetails
    from tui.screens.xero_connect import ConnectScreen, start_connect_flow
    from tui.screens.xero_orgs import OrganisationsScreen

    xservices.save_business(BusinessDetails(name="Harbour City Plumbing", email="accounts@hcp.example"))
    tenant = connect_service(xero, http_browser).tenant_id
    sandbox.control.revoke_connection()
    send(xservices, make_invoice(xservices, number="TC-0700"))
    app = sync_app(xservices)
    async with app.run_test(size=(100, 32)) as pilot:
        await next_pass(pilot, nudge=False)
        assert header(app) == "Xero disconnected" and header_is_red(app)
        assert "TC-0700" not in xero_numbers(sandbox, tenant)

        start_connect_flow(app)  # what Continue on the Xero screen does
        modal = await wait_for(pilot, lambda: isinstance(app.screen, ConnectScreen) and app.screen.started
                               and app.screen)
        await http_consent_in_thread(http_browser, modal.started.url)
        await wait_for(pilot, lambda: isinstance(app.screen, OrganisationsScreen))
        await pilot.press("enter")
        await wait_for(pilot, lambda: "TC-0700" in xero_numbers(sandbox, tenant), what="the queue drained")
        await wait_for(pilot, lambda: header(app) == "Synced just now", what="header after reconnecting")
        assert not header_is_red(app)
