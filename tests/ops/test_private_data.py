"""A single-user install's data is its owner's alone: the data folder 0700 and the database 0600, also when an
older version left them readable by every local user (a site install's are its group's: tests/site)."""

from __future__ import annotations

import os
import sqlite3
import stat

from tests.ops.helpers import tradiecore
from tui.bench.childenv import home_dirs
from tui.bench.soak import sync_env


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def _env(tmp_path) -> dict:
    return sync_env("http://127.0.0.1:9", "", home_dirs(tmp_path))


def test_a_new_install_makes_its_data_private(tmp_path):
    old = os.umask(0o022)  # the usual login umask, which the child inherits
    try:
        tradiecore(_env(tmp_path), "sync", "--once")
    finally:
        os.umask(old)
    db = tmp_path / "data" / "tradiecore.db"
    assert db.exists()
    assert (_mode(tmp_path / "data"), _mode(db)) == (0o700, 0o600)


def test_an_older_install_left_readable_is_made_private(tmp_path):
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    os.chmod(data, 0o755)
    db = data / "tradiecore.db"
    sqlite3.connect(db).close()
    os.chmod(db, 0o644)
    tradiecore(_env(tmp_path), "sync", "--once")
    assert (_mode(data), _mode(db)) == (0o700, 0o600)
    for extra in data.glob("tradiecore.db-*"):  # WAL files, while they exist, are the database too
        assert _mode(extra) == 0o600
