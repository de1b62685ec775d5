"""After `tradiecore sync --once` or the app quits, the `.db` file copied alone (no -wal, no -shm) holds every
committed row, even while another process (here: this test's own engine) still has the database open."""

from __future__ import annotations

import os
import pty
import shutil
import subprocess
import sys
import threading
import time

from tests.ops.helpers import connected_env, query, tradiecore
from tests.sync.test_kill import seed_sent
from tui.bench.childenv import ROOT


def copy_db_alone(c, tmp_path):
    """The database file as a file-level backup would take it: without its -wal and -shm."""
    copy = tmp_path / "copy" / "tradiecore.db"
    copy.parent.mkdir()
    shutil.copyfile(c.cfg.data_dir / "tradiecore.db", copy)
    return copy


def synced_numbers(path) -> set[str]:
    return {n for (n,) in query(path, "SELECT i.number FROM invoice i JOIN sync_record r ON r.kind = 'invoice' "
                                      "AND r.entity_id = i.id WHERE r.xero_id IS NOT NULL")}


def test_sync_once_leaves_everything_in_the_db_file(connected, tmp_path):
    c = connected
    ids = seed_sent(c.services, invoices=6, customers=3)
    numbers = {c.services.invoice(i).number for i in ids}
    with c.services.session() as s:  # this process keeps the database open throughout
        s.connection()
        proc = tradiecore(connected_env(c), "sync", "--once")
        assert proc.returncode == 0, proc.stderr
        copy = copy_db_alone(c, tmp_path)
    assert synced_numbers(copy) == numbers  # written by the sync process, now in the main file
    assert query(copy, "SELECT last_success_at IS NOT NULL FROM sync_state") == [(1,)]
    assert query(copy, "PRAGMA integrity_check") == [("ok",)]


def _run_app_in_a_terminal(env: dict, until, keys: bytes = b"", timeout: float = 90) -> int:
    """`python -m tui` in a pseudo-terminal (80x24): it types ``keys`` once its screen is up, then once
    ``until()`` holds, Ctrl+Q; its exit code."""
    master, slave = pty.openpty()
    os.set_blocking(master, True)
    import fcntl
    import struct
    import termios

    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    proc = subprocess.Popen([sys.executable, "-m", "tui"], cwd=ROOT, env=dict(env, TERM="xterm-256color"),
                            stdin=slave, stdout=slave, stderr=slave, start_new_session=True)
    os.close(slave)
    screen = bytearray()

    def drain() -> None:  # the app must never block writing to its terminal
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:
                return
            if not data:
                return
            screen.extend(data)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + timeout
        while b"To Do" not in screen and time.monotonic() < deadline:
            time.sleep(0.05)
        for key in keys:
            time.sleep(0.5)
            os.write(master, bytes([key]))
        while not until() and time.monotonic() < deadline:
            assert proc.poll() is None, screen.decode(errors="replace")[-2000:]
            time.sleep(0.1)
        assert until(), f"the app never got there; its screen: {screen.decode(errors='replace')[-3000:]!r}"
        os.write(master, b"\x11")  # Ctrl+Q
        return proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)


def test_app_quit_leaves_everything_in_the_db_file(connected, tmp_path):
    c = connected
    ids = seed_sent(c.services, invoices=4, customers=2)
    numbers = {c.services.invoice(i).number for i in ids}

    def pushed_by_the_app() -> bool:  # the app's background sync sent them: it wrote their sync records
        return numbers <= {i["InvoiceNumber"] for i in c.xero_invoices()} and \
            synced_numbers(c.cfg.data_dir / "tradiecore.db") == numbers

    with c.services.session() as s:  # this process keeps the database open throughout
        s.connection()
        # y: the Sync screen, s: sync now (besides the pass the app starts by itself)
        assert _run_app_in_a_terminal(connected_env(c), pushed_by_the_app, keys=b"ys") == 0
        copy = copy_db_alone(c, tmp_path)
    assert synced_numbers(copy) == numbers
    assert query(copy, "SELECT count(*) FROM invoice") == [(4,)]
