"""A throw-away PostgreSQL database for a benchmark's or a test's run."""

from __future__ import annotations

import uuid
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def throwaway_database(server_url: str, prefix: str) -> Iterator[str]:
    """The URL of a new database ``<prefix>_<random>`` on the server ``server_url`` names, dropped afterwards."""
    from sqlalchemy import create_engine, text

    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server_url.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
