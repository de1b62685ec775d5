"""Shared test set-up: a private data dir per test, a fixed clock, an in-memory keyring, no animations.

The host is never read: tests/isolation.py (a plugin, below) gives the run a stand-in shop server's site install
as its default site, and fails a test that starts a tradiecore process without its own site, config and data dirs.
Syncers look at the lease and for requests every 0.1 s (``TRADIECORE_SYNC_LOOK_S``), not every second.
"""

from __future__ import annotations

import gc
import os
from datetime import datetime, timezone

import keyring
import keyring.backend
import pytest

os.environ["TEXTUAL_ANIMATIONS"] = "none"
os.environ.setdefault("TRADIECORE_USER", "sam")
os.environ["TRADIECORE_SYNC_LOOK_S"] = "0.1"

pytest_plugins = [
    "tests.isolation",
    "tests.fixtures.template_db",
    "tests.fixtures.postgres",
    "tests.fixtures.sync",
    "tests.fixtures.connect",
    "tests.fixtures.keys",
]

# 10:00 on Wednesday 25 November 2026 in Sydney: every snapshot and To Do grouping uses this instant.
FIXED_NOW = datetime(2026, 11, 24, 23, 0, tzinfo=timezone.utc)

REQUIRE_ALL = os.environ.get("TRADIECORE_REQUIRE_ALL") == "1"


def pytest_xdist_auto_num_workers(config) -> int:
    """``-n auto``: three workers for two cores. Much of a test's time is waiting (for a subprocess, a sync pass,
    the sandbox, Textual's next frame), so more workers than cores keep the cores busy meanwhile; on this 2-core
    machine the quick tier took 7:15 with 3 workers (10:55 of CPU), 7:45-8:25 with 4 (13-14 min of CPU: apps
    waiting their turn for a core spend it on timers and looks) and 9:20 with 2."""
    cores = os.cpu_count() or 1
    return cores + (cores + 1) // 2


def skip_or_fail(reason: str) -> None:
    """Skip where a developer's machine lacks something; CI (TRADIECORE_REQUIRE_ALL=1) provides it, so fail there."""
    if REQUIRE_ALL:
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(reason)


class MemoryKeyring(keyring.backend.KeyringBackend):
    priority = 1

    def __init__(self):
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.items.get((service, username))

    def set_password(self, service, username, password):
        self.items[(service, username)] = password

    def delete_password(self, service, username):
        self.items.pop((service, username), None)


@pytest.fixture(autouse=True)
def unfrozen_gc():
    """``TradieApp`` moves what start-up made into the collector's permanent generation (``gc.freeze()``); in a
    long-lived test process that would keep every finished test's app alive, so each test gives it back."""
    yield
    gc.unfreeze()  # (not ``if gc.get_freeze_count()``: that counts the frozen objects one by one, ~50 ms here)


@pytest.fixture(autouse=True)
def memory_keyring():
    previous = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    yield ring
    keyring.set_keyring(previous)


@pytest.fixture
def env(tmp_path, monkeypatch):
    """Config, data and site dirs inside the test's tmp dir (no site config: a single-user install); no
    TRADIECORE_* from the developer's shell leaks in."""
    for name in list(os.environ):
        if name.startswith("TRADIECORE_") and name not in ("TRADIECORE_REQUIRE_ALL", "TRADIECORE_USER",
                                                             "TRADIECORE_TEST_POSTGRES_URL", "TRADIECORE_SYNC_LOOK_S"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("TRADIECORE_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("TRADIECORE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("TRADIECORE_SITE_DIR", str(tmp_path / "site"))
    return tmp_path


@pytest.fixture
def cfg(env):
    from tui import config

    return config.load()


@pytest.fixture
def services(cfg):
    from tui.services import Services

    return Services(cfg, now=lambda: FIXED_NOW, user="sam")


@pytest.fixture
def demo_services(services):
    """Services over a database seeded with the demo business, customers and invoices."""
    from tui.demo_data import seed_demo

    seed_demo(services)
    return services
