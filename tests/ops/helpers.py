"""Running `tradiecore` as a real process on a test's config and data dirs."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from tui.bench.childenv import ROOT, config_dirs
from tui.bench.soak import sync_env


def cli_env(cfg, base_url: str = "http://127.0.0.1:9", client_id: str | None = None, **extra: str) -> dict:
    """The environment of a `tradiecore` subprocess on ``cfg``'s config, data and site dirs (secrets in the
    file); without ``client_id`` no Xero client id is set."""
    env = sync_env(base_url, client_id or "", config_dirs(cfg), **extra)
    if client_id is None:
        del env["TRADIECORE_XERO_CLIENT_ID"]
    return env


def connected_env(c) -> dict:
    """For a business connected to the sandbox (tests.fixtures.sync: connected)."""
    return cli_env(c.cfg, c.sb.base_url, c.sb.pkce_client_id)


def tradiecore(env: dict, *args: str, stdin: str | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """`tradiecore ARGS` as a process, to the end: its exit code, stdout and stderr as text."""
    return subprocess.run([sys.executable, "-m", "tui", *args], cwd=ROOT, env=env, input=stdin,
                          capture_output=True, text=True, timeout=timeout)


def one_line_error(proc: subprocess.CompletedProcess) -> str:
    """The one stderr line a failed command prints (never a traceback)."""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("tradiecore: "), proc.stderr
    return lines[0]


def query(path: Path, sql: str) -> list[tuple]:
    """Rows from a SQLite file opened on its own."""
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()
