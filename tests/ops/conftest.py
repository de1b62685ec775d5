"""The shop server's commands run as real `tradiecore` processes against real SQLite files and the sandbox
(the sync tests' fixtures: a fresh sandbox, a business connected to its demo company)."""

from tests.store.conftest import postgres_url  # noqa: F401
from tests.sync.conftest import _sandbox_server, connected, sandbox, xero_cfg, xservices  # noqa: F401
