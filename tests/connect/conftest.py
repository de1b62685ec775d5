"""The connect flow's tests: ``sandbox`` and ``xservices`` here are the connect flow's (tests/fixtures/connect.py:
a sandbox with the app's redirect port registered, Services pointed at it), and no test launches a browser on
its own. The snapshot tests' demo business (``snap_services``), also pointed at the sandbox (``sandboxed``)."""

from __future__ import annotations

import pytest

from tests.fixtures.connect import sandbox_cfg


@pytest.fixture(autouse=True)
def _no_browser_of_its_own(no_ssh_no_display):
    """Tests never launch a browser on their own: the test drives the browser at the URL the app shows."""


@pytest.fixture
def sandbox(connect_sandbox):
    return connect_sandbox


@pytest.fixture
def xservices(connect_xservices):
    return connect_xservices


@pytest.fixture
def snap_services(env, tmp_path):
    from tui.devtools.screenshots import make_services

    return make_services(tmp_path / "snap")


@pytest.fixture
def sandboxed(snap_services, sandbox, redirect_port):
    """Demo data, with the Xero settings pointing at the sandbox."""
    snap_services.cfg = sandbox_cfg(snap_services.cfg, sandbox, redirect_port)
    return snap_services
