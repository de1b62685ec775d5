"""`tradiecore status [--json]`: each exit code from a real state of a business and its sandbox organisation."""

from __future__ import annotations

import json
import signal
import time

from tests.ops.helpers import cli_env, connected_env, one_line_error, tradiecore
from tests.fixtures.sync import make_invoice, send
from tui.bench.soak import start_sync


def _fits(text: str) -> None:
    assert all(len(line) <= 80 for line in text.splitlines()), text


def _field(text: str, label: str) -> str:
    """The value on the line of ``label`` (wrapped lines joined)."""
    out, inside = [], False
    for line in text.splitlines():
        if line.startswith(label):
            out.append(line[len(label):].strip())
            inside = True
        elif inside and line.startswith(" "):
            out.append(line.strip())
        else:
            inside = False
    return " ".join(out)


def test_all_well_names_the_organisation_and_who_syncs(connected, tmp_path):
    c = connected
    send(c.services, make_invoice(c.services, number="TC-00001"))
    env = connected_env(c)
    log = tmp_path / "sync.log"
    sync = start_sync(env, log, once=False)
    try:
        deadline = time.monotonic() + 60
        while "Synced" not in (log.read_text() if log.exists() else "") and time.monotonic() < deadline:
            time.sleep(0.05)
        assert "Synced" in log.read_text()
        proc = tradiecore(env, "status")
        as_json = tradiecore(env, "status", "--json")
    finally:
        sync.send_signal(signal.SIGTERM)
        sync.communicate(timeout=30)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    _fits(proc.stdout)
    assert _field(proc.stdout, "Organisation") == "Demo Company (AU)"
    assert _field(proc.stdout, "Connection").startswith("Connected (signed in) since ")
    assert _field(proc.stdout, "Last sync").startswith("just now (")
    assert _field(proc.stdout, "Pending") == "0"
    assert _field(proc.stdout, "Problems") == "none"
    assert f"(pid {sync.pid})" in _field(proc.stdout, "Who syncs")
    assert int(_field(proc.stdout, "Calls today")) > 0
    # an invoice was just sent here: the service reads Xero every minute, and says when it would slow down
    assert _field(proc.stdout, "Cadence").startswith("active now; the sync reads Xero every 60 s while an app ")
    assert "every 15 min overnight" in _field(proc.stdout, "Cadence")
    assert _field(proc.stdout, "Status") == "All well"
    data = json.loads(as_json.stdout)
    assert as_json.returncode == 0 and data["exit_code"] == 0
    assert data["connection"] == "connected" and data["organisation"] == "Demo Company (AU)"
    assert f"(pid {sync.pid})" in data["syncing"] and data["last_success_at"] and data["attention"] == []
    assert data["calls_today"] == int(_field(proc.stdout, "Calls today")) and data["cadence"] == "active"


def test_a_sync_error_needs_attention(connected):
    c = connected
    send(c.services, make_invoice(c.services, number="INV-0001"))  # the demo company has its own INV-0001
    c.sync()
    proc = tradiecore(connected_env(c), "status")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    _fits(proc.stdout)
    assert _field(proc.stdout, "Problems") == "1 sync error"
    assert _field(proc.stdout, "Status") == "Needs attention: 1 sync error"
    data = json.loads(tradiecore(connected_env(c), "status", "--json").stdout)
    assert data["exit_code"] == 1 and data["errors"] == 1
    assert data["problems"][0]["code"] == "number_clash" and data["problems"][0]["title"].startswith("INV-0001")


def test_waiting_for_the_revenue_accounts_needs_attention(connected):
    from tui.store.tables import XeroConnectionRow

    c = connected
    with c.services.session() as s:
        s.get(XeroConnectionRow, c.tenant_id).accounts_pending = True
    proc = tradiecore(connected_env(c), "status")
    assert proc.returncode == 1
    assert "waits for the revenue accounts" in _field(proc.stdout, "Status")


def test_disconnected_in_xero(connected):
    c = connected
    c.sb.control.revoke_connection()
    report = c.sync()
    assert report.disconnected
    proc = tradiecore(connected_env(c), "status")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    _fits(proc.stdout)
    assert _field(proc.stdout, "Connection").startswith("Disconnected just now (")
    assert _field(proc.stdout, "Status").startswith("Not syncing: select Continue")
    data = json.loads(tradiecore(connected_env(c), "status", "--json").stdout)
    assert data["connection"] == "disconnected" and data["reason"] and data["exit_code"] == 2


def test_not_connected(cfg):
    proc = tradiecore(cli_env(cfg), "status")
    assert proc.returncode == 2
    assert _field(proc.stdout, "Connection").startswith("Not connected to Xero")
    assert not (cfg.data_dir / "tradiecore.db").exists()  # status creates no database


def test_a_config_file_with_bad_toml_cannot_be_read(cfg):
    cfg.config_dir.mkdir(parents=True)
    (cfg.config_dir / "config.toml").write_text('[xero\nclient_id = "x"\n')
    for args in (["status"], ["status", "--json"]):
        proc = tradiecore(cli_env(cfg), *args)
        assert proc.returncode == 3
        assert "config.toml" in one_line_error(proc)


def test_an_unreadable_token_store_cannot_be_read(connected):
    c = connected
    (c.cfg.config_dir / "secrets.json").write_text("{ not json")
    proc = tradiecore(connected_env(c), "status")
    assert proc.returncode == 3
    assert "cannot read the Xero token store" in one_line_error(proc)
    assert proc.stdout == ""
    data = json.loads(tradiecore(connected_env(c), "status", "--json").stdout)
    assert data["exit_code"] == 3 and "token store" in data["error"]


def test_an_unreadable_database_cannot_be_read(cfg):
    cfg.data_dir.mkdir(parents=True)
    (cfg.data_dir / "tradiecore.db").write_bytes(b"this is not a database" * 200)
    proc = tradiecore(cli_env(cfg), "status")
    assert proc.returncode == 3
    assert "cannot read the database" in one_line_error(proc)
