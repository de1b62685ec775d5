"""The two reconnect tests that used to race pass 20 times in a row while two other processes keep both cores
busy: run in a pytest of their own (pytest-repeat's ``--count``) beside two CPU burners."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TESTS = [
    "tests/syncui/test_reconnect.py::test_first_connection_waits_for_the_revenue_accounts_before_it_syncs",
    "tests/syncui/test_reconnect.py::test_quitting_before_the_accounts_are_reviewed_keeps_the_sync_waiting",
]
RUNS = 20


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_the_reconnect_tests_pass_20_times_in_a_row_with_both_cores_busy():
    burners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(2)]
    try:
        run = subprocess.run([sys.executable, "-m", "pytest", *TESTS, "--count", str(RUNS), "-q",
                              "-p", "no:cacheprovider"], cwd=ROOT, capture_output=True, text=True, timeout=840)
    finally:
        for burner in burners:
            burner.kill()
            burner.wait()
    summary = run.stdout.strip().splitlines()[-1] if run.stdout.strip() else run.stderr[-2000:]
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert re.search(rf"\b{len(TESTS) * RUNS} passed\b", summary) and "failed" not in summary, summary
