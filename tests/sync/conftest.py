"""The sync tests (tests/fixtures/sync.py gives the sandbox and a connected business): a business of several
processes on one database, SQLite and PostgreSQL (``shop``) or SQLite only (``sqlite_shop``)."""

from __future__ import annotations

from contextlib import nullcontext

import pytest

from tests.fixtures.postgres import throwaway_postgres
from tests.sync.shop import make_shop


@pytest.fixture(params=["sqlite", "postgres"])
def shop(request, sandbox, tmp_path):
    with throwaway_postgres() if request.param == "postgres" else nullcontext("") as db_url:
        s = make_shop(sandbox, tmp_path, db_url)
        yield s
        s.services.engine.dispose()


@pytest.fixture
def sqlite_shop(sandbox, tmp_path):
    return make_shop(sandbox, tmp_path)
