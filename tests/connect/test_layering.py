"""The connection service is for screens and headless processes alike: it never imports Textual."""

import subprocess
import sys


def test_connection_service_imports_no_textual():
    code = (
        "import sys, tui.connection;"
        "from tui.connection import XeroConnection; from tui.token_stores import token_store_for;"
        "print(','.join(m for m in ('textual', 'rich') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
