"""Sync tests run against the real sandbox over HTTP: a fresh sandbox, a connected demo business, a runner."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from decimal import Decimal

import httpx
import pytest

from tests.conftest import FIXED_NOW
from tui.config import DEFAULT_SCOPES, SecretsConfig

REDIRECT = "http://localhost:8765/callback"
DEFAULT_CODES = {"General Sales": "200", "Materials": "220", "Labour": "210"}


@pytest.fixture(scope="session")
def _sandbox_server():
    from tui.sandbox.harness import run_sandbox

    with run_sandbox(redirect_uris=[REDIRECT]) as sb:
        yield sb


@pytest.fixture
def sandbox(_sandbox_server):
    """One server for the session, a fresh seeded state (and no faults, counters at zero) for each test."""
    _sandbox_server.reset()
    yield _sandbox_server
    _sandbox_server.state.faults.release_holds()


def pkce_tokens(sb, tenant_id: str | None = None):
    """A real PKCE token set for the demo company: consent recorded in the sandbox, code exchanged over HTTP."""
    from tui.sandbox import oauth as sandbox_oauth
    from tui.xero.tokens import TokenSet

    tenant_id = tenant_id or sb.demo_tenant_id
    verifier = secrets.token_urlsafe(48)
    with sb.state.lock:
        code = sandbox_oauth.connect(
            sb.state, client=sb.state.pkce_client, user_id=sb.state.login_user.user_id, tenant_ids=[tenant_id],
            scopes=DEFAULT_SCOPES.split(), redirect_uri=REDIRECT, code_challenge=sandbox_oauth.s256(verifier),
        )
    response = httpx.post(f"{sb.base_url}/connect/token", data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, "code_verifier": verifier,
        "client_id": sb.pkce_client_id,
    })
    response.raise_for_status()
    return TokenSet.from_response(response.json(), now=time.time(), tenant_ids=(tenant_id,))


@dataclass
class Connected:
    sb: object
    services: object
    cfg: object
    tenant_id: str

    @property
    def engine(self):
        return self.services.engine

    def runner(self, **kw):
        """A runner whose retries wait milliseconds, not seconds (the schedule itself is the client's business)."""
        from tui.sync.runner import SyncRunner
        from tui.connection.factory import make_api
        from tui.xero.ratelimit import Backoff

        backoff = kw.pop("backoff", Backoff(base=0.01, cap=0.05))
        kw.setdefault("api_factory", lambda tenant, kind: make_api(self.cfg, tenant, kind, self.services.secrets,
                                                                   backoff=backoff))
        return SyncRunner(self.engine, **kw)

    def sync(self, **kw):
        runner = self.runner(**kw)
        try:
            return runner.run_once()
        finally:
            runner.close()

    def xero_invoices(self, number: str | None = None) -> list[dict]:
        snap = self.sb.control.snapshot()["organisations"][self.tenant_id]["Invoices"]
        return [i for i in snap if number is None or i.get("InvoiceNumber") == number]

    def xero_contacts(self, name: str | None = None) -> list[dict]:
        snap = self.sb.control.snapshot()["organisations"][self.tenant_id]["Contacts"]
        return [c for c in snap if name is None or c.get("Name") == name]

    def writes(self) -> int:
        reqs = self.sb.control.counters()["requests"]
        return sum(n for k, n in reqs.items() if k.split()[0] in ("PUT", "POST"))

    def requests(self) -> dict[str, int]:
        return dict(self.sb.control.counters()["requests"])


def connect_business(sb, services, cfg, tenant_id: str | None = None, confirm: bool = True) -> Connected:
    from tui.store.tables import AccountMappingRow, XeroConnectionRow
    from tui.sync import records
    from tui.xero.oauth import XeroOAuth
    from tui.xero.tokens import TokenManager, secret_token_store

    tenant_id = tenant_id or sb.demo_tenant_id
    tokens = pkce_tokens(sb, tenant_id)
    TokenManager(secret_token_store(cfg, tenant_id, services.secrets), XeroOAuth(cfg.xero)).save(tokens)
    now = datetime.now(timezone.utc)
    with services.session() as s:
        s.add(XeroConnectionRow(tenant_id=tenant_id, tenant_name="Demo Company (AU)", status="connected",
                                connected_at=now, active=True))
        for category, code in DEFAULT_CODES.items():
            s.add(AccountMappingRow(tenant_id=tenant_id, category=category, account_code=code))
        if confirm:
            records.get_state(s, tenant_id).confirmed_at = now
    return Connected(sb, services, cfg, tenant_id)


@pytest.fixture
def xero_cfg(cfg, sandbox):
    return replace(cfg.with_xero_base(sandbox.base_url), xero=replace(cfg.with_xero_base(sandbox.base_url).xero,
                   client_id=sandbox.pkce_client_id), secrets=SecretsConfig(store="file"))


@pytest.fixture
def xservices(xero_cfg):
    from tui.services import Services

    return Services(xero_cfg, now=lambda: FIXED_NOW, user="sam")


@pytest.fixture
def connected(sandbox, xservices, xero_cfg):
    """A business (no invoices yet) connected to the sandbox's demo company, first sync confirmed."""
    from tui.domain.business import BusinessDetails

    xservices.save_business(BusinessDetails(name="Harbour City Plumbing", email="accounts@hcp.example"))
    return connect_business(sandbox, xservices, xero_cfg)


def make_invoice(services, customer_name: str = "Olivia Nguyen", email: str = "olivia@example.com",
                 lines=(("Labour", "2", "95.00", "Labour"),), number: str = "", reference: str = "Job 1"):
    from tui.domain.customer import Customer
    from tui.domain.invoice import LineItem, RevenueCategory

    found = [c for c in services.customers(customer_name)[0] if c.name == customer_name]
    customer = found[0] if found else services.save_customer(Customer(customer_name, email))
    inv = services.new_invoice(customer.id)
    inv.lines = [LineItem(d, Decimal(q), Decimal(p), RevenueCategory(c)) for d, q, p, c in lines]
    inv.number = number
    inv.reference = reference
    return services.save_invoice(inv)


def send(services, inv):
    services.send_invoice(inv)
    return services.invoice(inv.id)
