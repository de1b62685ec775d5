"""Store tests run on SQLite always and on PostgreSQL where TRADIECORE_TEST_POSTGRES_URL names a server
(``postgres_url``: tests/fixtures/postgres.py)."""

from __future__ import annotations

import pytest


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return request.getfixturevalue("postgres_url")
