"""`python -m tui.bench serve` runs and prints its figures (small sizes: the lines are checked, not the times)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.bench.test_commands import bench
from tests.connect.conftest import CHROMIUM
from tests.conftest import skip_or_fail

pytestmark = pytest.mark.browser


def test_serve_prints_first_screen_and_memory_per_tab_beside_the_terminal():
    if not Path(CHROMIUM).exists():
        skip_or_fail(f"{CHROMIUM} is not installed")
    out = bench("serve", "--runs", "1", "--tabs", "2", "--invoices", "30", "--customers", "5")
    for name, unit in (("first screen in browser", "s"), ("first screen in terminal", "s"),
                       ("memory per tab", "MB"), ("memory in terminal", "MB")):
        found = re.search(rf"^{name}: ([0-9.]+) {unit}\b", out, re.M)
        assert found and float(found.group(1)) > 0, out
