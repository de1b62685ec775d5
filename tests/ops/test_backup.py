"""`tradiecore backup FILE` while another process writes, and `tradiecore restore FILE` only when nothing has the
database open."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone

from tests.ops.helpers import cli_env, one_line_error, query, tradiecore
from tui.bench.childenv import ROOT


def _db(cfg):
    return cfg.data_dir / "tradiecore.db"


def _start_writer(env) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "tests.ops.writer"], cwd=ROOT, env=env, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _numbers(path) -> set[str]:
    return {n for (n,) in query(path, "SELECT number FROM invoice")}


def test_backup_while_another_process_writes_holds_everything_committed_before(services, cfg, tmp_path):
    services.business()  # the database exists, migrated
    services.close()
    env = cli_env(cfg)
    writer = _start_writer(env)
    try:
        committed = [writer.stdout.readline().strip() for _ in range(30)]  # committed before the backup began
        assert all(committed), writer.stderr.read() if writer.poll() is not None else committed
        target = tmp_path / "backups" / "monday.db"
        target.parent.mkdir()
        proc = tradiecore(env, "backup", str(target))
        more = [writer.stdout.readline().strip() for _ in range(10)]  # it went on writing meanwhile
        assert all(more)
    finally:
        writer.stdin.close()
        writer.wait(timeout=30)
    assert proc.returncode == 0, proc.stderr
    assert set(committed) <= _numbers(target)
    invoices = len(_numbers(target))
    assert proc.stdout.strip() == f"Backed up {invoices} invoices and 1 customer to {target}"
    assert query(target, "PRAGMA integrity_check") == [("ok",)]
    assert query(target, "PRAGMA journal_mode") == [("delete",)]  # the file alone is the whole backup
    assert sorted(p.name for p in target.parent.iterdir()) == ["monday.db"]
    assert len(_numbers(_db(cfg))) > invoices  # the writer went on after the backup's instant


def test_backup_refuses_to_overwrite_unless_forced(services, cfg, tmp_path):
    services.business()
    services.close()
    env = cli_env(cfg)
    target = tmp_path / "b.db"
    target.write_text("keep me")
    proc = tradiecore(env, "backup", str(target))
    assert proc.returncode == 1
    assert "already exists" in one_line_error(proc) and "--force" in proc.stderr
    assert target.read_text() == "keep me"
    proc = tradiecore(env, "backup", "--force", str(target))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"Backed up 0 invoices and 0 customers to {target}"
    assert query(target, "SELECT count(*) FROM alembic_version") == [(1,)]


def test_backup_on_postgresql_points_to_pg_dump(cfg, tmp_path):
    env = cli_env(cfg, TRADIECORE_DATABASE_URL="postgresql+psycopg://tc@127.0.0.1:9/tradiecore")
    proc = tradiecore(env, "backup", str(tmp_path / "b.db"))
    assert proc.returncode == 2
    assert "pg_dump" in one_line_error(proc)
    proc = tradiecore(env, "restore", str(tmp_path / "b.db"))
    assert proc.returncode == 2
    assert "pg_restore" in one_line_error(proc)
    assert not (tmp_path / "b.db").exists()


def _add_invoice(services, number: str) -> None:
    from decimal import Decimal

    from tui.domain.customer import Customer
    from tui.domain.invoice import LineItem, RevenueCategory

    found = services.customers("Olivia Nguyen")[0]
    customer = found[0] if found else services.save_customer(Customer("Olivia Nguyen", "olivia@example.com"))
    inv = services.new_invoice(customer.id)
    inv.lines = [LineItem("Labour", Decimal("2"), Decimal("95.00"), RevenueCategory.LABOUR)]
    inv.number = number
    services.save_invoice(inv)


def test_restore_refused_while_a_process_has_the_database_open_then_done(services, cfg, tmp_path):
    _add_invoice(services, "INV-0001")
    services.close()
    env = cli_env(cfg)
    backup = tmp_path / "backup.db"
    assert tradiecore(env, "backup", str(backup)).returncode == 0
    _add_invoice(services, "INV-0002")  # after the backup: the restore takes it away again
    services.close()

    log = tmp_path / "sync.log"
    sync = subprocess.Popen([sys.executable, "-m", "tui", "sync", "--log-file", str(log)], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while "Not connected" not in (log.read_text() if log.exists() else "") and time.monotonic() < deadline:
            time.sleep(0.05)
        assert "Not connected" in log.read_text()  # its first pass is done; it waits with the database open
        proc = tradiecore(env, "restore", str(backup))
        assert proc.returncode == 1
        line = one_line_error(proc)
        assert f"pid {sync.pid}" in line and "sync" in line and "quit the app" in line
        assert _numbers(_db(cfg)) == {"INV-0001", "INV-0002"}  # nothing changed
    finally:
        sync.send_signal(signal.SIGTERM)
        sync.communicate(timeout=30)

    proc = tradiecore(env, "restore", str(backup))
    assert proc.returncode == 0, proc.stderr
    aside = [p for p in cfg.data_dir.iterdir() if p.name.startswith("tradiecore.db.before-restore-")]
    assert len(aside) == 1
    assert proc.stdout.strip() == (f"Restored 1 invoice and 1 customer from {backup}; the old database is kept "
                                   f"as {aside[0]}")
    assert _numbers(_db(cfg)) == {"INV-0001"}
    assert _numbers(aside[0]) == {"INV-0001", "INV-0002"}  # the old database, whole, on its own
    assert services.invoice(1).number == "INV-0001"  # the app reads the restored database


def test_restore_refused_while_a_sync_holds_the_lease(services, cfg, tmp_path):
    from tui.store.sync_tables import SyncLeaseRow

    _add_invoice(services, "INV-0001")
    env = cli_env(cfg)
    backup = tmp_path / "backup.db"
    services.close()
    assert tradiecore(env, "backup", str(backup)).returncode == 0
    now = datetime.now(timezone.utc)
    with services.session() as s:
        s.add(SyncLeaseRow(tenant_id="t-1", holder="shop:4711:abc", holder_label="the sync service on shop (pid 4711)",
                           acquired_at=now, expires_at=now + timedelta(minutes=5)))
    services.close()
    proc = tradiecore(env, "restore", str(backup))
    assert proc.returncode == 1
    assert "the sync runs in the sync service on shop (pid 4711)" in one_line_error(proc)


def test_restore_checks_the_file_is_a_tradiecore_database(services, cfg, tmp_path):
    import sqlite3

    _add_invoice(services, "INV-0001")
    services.close()
    env = cli_env(cfg)
    text = tmp_path / "notes.txt"
    text.write_text("not a database at all, just some text that is long enough" * 3)
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.commit()
    conn.close()
    for path, said in ((text, "is not a SQLite database"), (other, "is not a tradiecore database"),
                       (tmp_path / "missing.db", "there is no file")):
        proc = tradiecore(env, "restore", str(path))
        assert proc.returncode == 1
        assert said in one_line_error(proc)
    assert _numbers(_db(cfg)) == {"INV-0001"}
    assert sorted(p.name for p in cfg.data_dir.iterdir() if p.name.startswith("tradiecore.db")) == ["tradiecore.db"]


def test_restore_keeps_the_old_databases_permissions(services, cfg, tmp_path):
    import os
    import stat

    _add_invoice(services, "INV-0001")
    services.close()
    env = cli_env(cfg)
    backup = tmp_path / "backup.db"
    assert tradiecore(env, "backup", str(backup)).returncode == 0
    os.chmod(_db(cfg), 0o660)  # the staff's group writes it too
    os.chmod(backup, 0o600)
    assert tradiecore(env, "restore", str(backup)).returncode == 0
    assert stat.S_IMODE(os.stat(_db(cfg)).st_mode) == 0o660


def test_who_has_a_file_open_is_read_from_proc_locks(tmp_path):
    """The kernel's lines: a lock held, one waited for (->), an open-file-description lock (pid -1), another
    file; the device's major and minor numbers in hex."""
    from tui.ops.inuse import _lock_pids

    text = ("1: POSIX  ADVISORY  READ 4711 fe:00:2146849 128 128\n"
            "1: -> POSIX  ADVISORY  WRITE 4712 fe:00:2146849 128 128\n"
            "2: OFDLCK ADVISORY  READ -1 fe:00:2146818 0 EOF\n"
            "3: POSIX  ADVISORY  WRITE 99 fe:00:12 0 EOF\n"
            "4: FLOCK  ADVISORY  WRITE 100 103:02:2146849 0 EOF\n")
    assert _lock_pids(text, {(254, 0, 2146849), (254, 0, 2146818)}) == {4711, 4712, 0}


def test_restore_over_a_damaged_database(services, cfg, tmp_path):
    _add_invoice(services, "INV-0001")
    services.close()
    env = cli_env(cfg)
    backup = tmp_path / "backup.db"
    assert tradiecore(env, "backup", str(backup)).returncode == 0
    damaged = b"SQLite format 3\x00" + b"\xff" * 5000
    _db(cfg).write_bytes(damaged)
    assert tradiecore(env, "status").returncode == 3
    proc = tradiecore(env, "restore", str(backup))
    assert proc.returncode == 0, proc.stderr
    assert _numbers(_db(cfg)) == {"INV-0001"}
    aside = [p for p in cfg.data_dir.iterdir() if p.name.startswith("tradiecore.db.before-restore-")]
    assert aside[0].read_bytes() == damaged
    assert tradiecore(env, "status").returncode == 2
