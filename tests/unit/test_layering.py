"""The domain is plain Python: importing it must not pull in Textual, httpx or the database."""

import subprocess
import sys


def test_domain_imports_no_ui_network_or_database():
    code = (
        "import sys, tui.domain.invoice, tui.domain.business, tui.domain.customer, tui.domain.dates;"
        "bad = [m for m in ('textual', 'httpx', 'sqlalchemy', 'sqlmodel', 'authlib') if m in sys.modules];"
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
