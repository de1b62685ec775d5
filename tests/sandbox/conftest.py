"""Fixtures for the sandbox tests: a sandbox on a free loopback port, and an HTTP client whose every response
is checked against Xero's OpenAPI schemas (tests/xero_schema.py)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from .flows import CALLBACK
from tests.xero_schema import validate_response
from tui.sandbox.harness import RunningSandbox, run_sandbox


def _check(response: httpx.Response) -> None:
    response.read()
    validate_response(response)


@pytest.fixture(scope="session")
def _shared_sandbox() -> Iterator[RunningSandbox]:
    with run_sandbox(redirect_uris=[CALLBACK]) as sb:
        yield sb


@pytest.fixture
def sandbox(_shared_sandbox: RunningSandbox) -> RunningSandbox:
    """A sandbox on a loopback port with freshly seeded state (the server is shared, the state is not)."""
    _shared_sandbox.reset()
    return _shared_sandbox


@pytest.fixture
def http(sandbox: RunningSandbox) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sandbox.base_url, event_hooks={"response": [_check]}, timeout=10) as client:
        yield client


@pytest.fixture
def custom(sandbox: RunningSandbox, http: httpx.Client) -> dict[str, str]:
    """Headers for API calls with a custom-connection token (the demo company; tenant header included)."""
    response = http.post("/connect/token", data={"grant_type": "client_credentials"},
                         auth=(sandbox.custom_client_id, sandbox.custom_client_secret))
    assert response.status_code == 200
    return {"Authorization": f"Bearer {response.json()['access_token']}", "xero-tenant-id": sandbox.demo_tenant_id,
            "Accept": "application/json"}
