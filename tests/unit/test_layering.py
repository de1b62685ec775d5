"""The layers stay apart: each import below, in a fresh interpreter, must not pull in the modules named.

- the domain is plain Python: no Textual, httpx or database;
- the Xero client, the connection service and the sync engine serve headless processes too: no Textual;
- the app's first screens paint before the database layer is imported (it loads in a worker).
"""

import subprocess
import sys

import pytest

CASES = {
    "domain": ("tui.domain.invoice, tui.domain.business, tui.domain.customer, tui.domain.dates",
               ("textual", "httpx", "sqlalchemy", "sqlmodel", "authlib")),
    "xero client": ("tui.xero.api, tui.xero.callback, tui.xero.browser, tui.xero.oauth, tui.xero.tokens",
                    ("textual",)),
    "connection service": ("tui.connection, tui.token_stores", ("textual", "rich")),
    "sync engine": ("tui.sync.runner, tui.sync.status, tui.sync.push, tui.sync.pull, tui.sync.preview, tui.sync.unfinished",
                    ("textual",)),
    "app start-up": ("tui.app, tui.screens.todo, tui.screens.settings, tui.screens.integrations",
                     ("sqlmodel", "sqlalchemy", "alembic")),
}


@pytest.mark.parametrize("name", CASES)
def test_imports_stay_in_their_layer(name):
    modules, forbidden = CASES[name]
    code = f"import sys, {modules}; print(','.join(m for m in {forbidden!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
    assert out.stderr == ""  # nor any import-time warning on the terminal
