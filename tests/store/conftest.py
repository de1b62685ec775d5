"""Store tests run on SQLite always and on PostgreSQL where TRADIECORE_TEST_POSTGRES_URL names a server."""

from __future__ import annotations

import os
from contextlib import contextmanager
from typing import Iterator

import pytest

from tests.conftest import skip_or_fail
from tui.bench.scratch_db import throwaway_database


@contextmanager
def throwaway_postgres() -> Iterator[str]:
    """The URL of a new database on the test server, dropped afterwards (skips, or fails in CI, without one)."""
    base = os.environ.get("TRADIECORE_TEST_POSTGRES_URL")
    if not base:
        skip_or_fail("TRADIECORE_TEST_POSTGRES_URL is not set (CI sets it to the local PostgreSQL)")
    with throwaway_database(base, "tradiecore_test") as url:
        yield url


@pytest.fixture
def postgres_url():
    """A throw-away database on the test server, dropped afterwards."""
    with throwaway_postgres() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return request.getfixturevalue("postgres_url")
