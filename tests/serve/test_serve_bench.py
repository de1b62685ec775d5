"""`python -m tui.bench serve` runs and prints its figures (small sizes: the lines are checked, not the times)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.bench.test_commands import _bench
from tests.fixtures.connect import CHROMIUM
from tests.conftest import skip_or_fail
from tui.bench.childenv import child_env, home_dirs

pytestmark = [pytest.mark.browser, pytest.mark.slow]  # a benchmark's run: the slow tier


def test_serve_prints_first_screen_and_memory_per_tab_beside_the_terminal(tmp_path):
    if not Path(CHROMIUM).exists():
        skip_or_fail(f"{CHROMIUM} is not installed")
    out = _bench(child_env(home_dirs(tmp_path)), "serve", "--runs", "1", "--tabs", "2", "--invoices", "30", "--customers", "5")
    for name, unit in (("first screen in browser", "s"), ("first screen in terminal", "s"),
                       ("memory per tab", "MB"), ("memory in terminal", "MB")):
        found = re.search(rf"^{name}: ([0-9.]+) {unit}\b", out, re.M)
        assert found and float(found.group(1)) > 0, out
