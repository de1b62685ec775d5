"""`tradiecore connect --custom --client-id ID`: a Xero custom connection made headless against the sandbox,
the secret from standard input or the environment, never from a flag."""

from __future__ import annotations

import json

import pytest

from tests.ops.helpers import cli_env, one_line_error, tradiecore


def _token_requests(sb) -> int:
    return sb.control.counters()["token_requests"].get("client_credentials", 0)


def test_connect_with_the_secret_on_stdin(cfg, sandbox):
    env = cli_env(cfg, sandbox.base_url)
    proc = tradiecore(env, "connect", "--custom", "--client-id", sandbox.custom_client_id,
                      stdin=sandbox.custom_client_secret + "\n")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == "Connected to Demo Company (AU) (Xero custom connection)"
    assert "General Sales 200" in lines[1] and "Xero screen" in lines[1]
    assert sandbox.custom_client_secret not in proc.stdout + proc.stderr
    assert _token_requests(sandbox) >= 1  # the client credentials went to Xero's token endpoint
    assert f'client_id = "{sandbox.custom_client_id}"' in (cfg.config_dir / "config.toml").read_text()
    # the business is connected: status says so, and that the sync waits for the accounts to be reviewed
    status = json.loads(tradiecore(env, "status", "--json").stdout)
    assert status["connection"] == "connected" and status["kind"] == "custom"
    assert status["organisation"] == "Demo Company (AU)" and status["exit_code"] == 1


def test_connect_with_the_secret_in_the_environment(cfg, sandbox):
    env = cli_env(cfg, sandbox.base_url, TRADIECORE_XERO_CLIENT_SECRET=sandbox.custom_client_secret)
    proc = tradiecore(env, "connect", "--custom", "--client-id", sandbox.custom_client_id, stdin="")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("Connected to Demo Company (AU)")


def test_a_wrong_secret_is_one_line_and_nothing_is_kept(cfg, sandbox):
    env = cli_env(cfg, sandbox.base_url)
    proc = tradiecore(env, "connect", "--custom", "--client-id", sandbox.custom_client_id,
                      stdin="not-the-secret\n")
    assert proc.returncode == 1
    line = one_line_error(proc)
    assert line.startswith("tradiecore: not connected: ") and "not-the-secret" not in line
    assert proc.stdout == ""
    assert _token_requests(sandbox) == 1  # Xero was asked, and refused
    secrets = cfg.config_dir / "secrets.json"
    assert not secrets.exists() or "not-the-secret" not in secrets.read_text()
    assert not (cfg.config_dir / "config.toml").exists()
    assert tradiecore(env, "status").returncode == 2


def test_no_secret_and_no_secret_flag(cfg, sandbox):
    env = cli_env(cfg, sandbox.base_url)
    proc = tradiecore(env, "connect", "--custom", "--client-id", sandbox.custom_client_id, stdin="")
    assert proc.returncode == 2
    assert "standard input" in one_line_error(proc)
    proc = tradiecore(env, "connect", "--custom", "--client-id", sandbox.custom_client_id, "--client-secret", "x")
    assert proc.returncode == 2 and "unrecognized arguments: --client-secret" in proc.stderr


@pytest.mark.postgres
def test_connect_and_status_on_postgresql(cfg, sandbox, postgres_url):
    """The token set goes into the database, encrypted with this machine's key; without the key, status cannot
    read it (exit 3)."""
    env = cli_env(cfg, sandbox.base_url, TRADIECORE_DATABASE_URL=postgres_url)
    proc = tradiecore(env, "connect", "--custom", "--client-id", sandbox.custom_client_id,
                      stdin=sandbox.custom_client_secret)
    assert proc.returncode == 0, proc.stderr
    status = json.loads(tradiecore(env, "status", "--json").stdout)
    assert status["connection"] == "connected" and status["exit_code"] == 1  # the accounts wait for review
    secrets = cfg.config_dir / "secrets.json"
    kept = json.loads(secrets.read_text())
    secrets.write_text(json.dumps({k: v for k, v in kept.items() if k != "xero.token-key"}))
    proc = tradiecore(env, "status")
    assert proc.returncode == 3
    assert "cannot read the Xero token store" in one_line_error(proc)
