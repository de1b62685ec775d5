"""A keyring that never answers makes `tradiecore sync --once` fail within its timeout and exit, not hang."""

from __future__ import annotations

import subprocess
import sys
import time

from tests.sync.test_kill import ROOT, _env


def test_sync_once_exits_when_the_keyring_hangs(connected, tmp_path):
    env = _env(connected)
    del env["TRADIECORE_SECRETS_STORE"]  # the keyring, as on a desktop
    env["PYTHON_KEYRING_BACKEND"] = "tests.sync.hung_keyring.HungKeyring"
    log = tmp_path / "sync.log"
    started = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "tui", "sync", "--once", "--log-file", str(log)],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _, err = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise AssertionError(f"still running after 20 s; log: {log.read_text() if log.exists() else ''}") from None
    assert time.monotonic() - started < 20  # the keyring's 5 s, and a start-up on a busy machine
    assert proc.returncode == 1, err.decode()
    said = err.decode() + log.read_text()
    assert "Cannot read the Xero connection's secrets: the keyring did not answer within 5 s" in said, said
    assert "Traceback" not in said
