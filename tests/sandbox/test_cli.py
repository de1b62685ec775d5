"""`tradiecore sandbox` as a separate process: the printed lines, real serving, and state kept in a file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx

from tests.xero_schema import validate_response
from tui.bench.childenv import child_env, home_dirs

KEYS = ["base_url", "login_email", "login_password", "pkce_client_id", "custom_client_id", "custom_client_secret"]
REPO = Path(__file__).resolve().parents[2]


def _start(home: Path, *args: str) -> tuple[subprocess.Popen, dict[str, str]]:
    proc = subprocess.Popen([sys.executable, "-m", "tui", "sandbox", "--port", "0", *args], cwd=REPO,
                            env=child_env(home_dirs(home)), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines = [proc.stdout.readline().rstrip("\n") for _ in KEYS]
    pairs = [line.split(": ", 1) for line in lines]
    assert [k for k, _ in pairs] == KEYS, lines
    return proc, dict(pairs)


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    assert proc.wait(timeout=10) == 0
    assert "Traceback" not in proc.stderr.read()


def _client(info: dict[str, str]) -> httpx.Client:
    return httpx.Client(base_url=info["base_url"], event_hooks={"response": [lambda r: (r.read(), validate_response(r))]})


def _token(client: httpx.Client, info: dict[str, str]) -> dict[str, str]:
    response = client.post("/connect/token", data={"grant_type": "client_credentials"},
                           auth=(info["custom_client_id"], info["custom_client_secret"]))
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def test_sandbox_command_prints_its_lines_and_serves(tmp_path):
    state = tmp_path / "demo" / "sandbox.json"
    proc, info = _start(tmp_path, "--state", str(state), "--redirect-uri", "http://127.0.0.1:9999/cb")
    try:
        assert info["base_url"].startswith("http://127.0.0.1:")
        with _client(info) as client:
            headers = _token(client, info)
            created = client.put("/api.xro/2.0/Contacts", headers=headers, json={"Name": "Kept Across Restarts"})
            assert created.status_code == 200
    finally:
        _stop(proc)
    assert state.is_file()
    proc, again = _start(tmp_path, "--state", str(state))
    try:
        assert {k: again[k] for k in KEYS[1:]} == {k: info[k] for k in KEYS[1:]}
        with _client(again) as client:
            names = [c["Name"] for c in client.get("/api.xro/2.0/Contacts", headers=_token(client, again)).json()[
                "Contacts"]]
            assert "Kept Across Restarts" in names
            page = client.get("/identity/connect/authorize", params={
                "response_type": "code", "client_id": again["pkce_client_id"],
                "redirect_uri": "http://127.0.0.1:9999/cb", "scope": "openid", "code_challenge": "x" * 43,
                "code_challenge_method": "S256"})
            assert page.status_code == 200  # the redirect URI registered on the first run is still there
            assert client.get("/_sandbox/state").status_code == 404
    finally:
        _stop(proc)


def test_control_flag_enables_the_control_endpoints(tmp_path):
    proc, info = _start(tmp_path, "--control")
    try:
        assert httpx.get(info["base_url"] + "/_sandbox/counters").status_code == 200
    finally:
        _stop(proc)


def test_plain_http_redirect_uris_only_on_localhost(tmp_path):
    result = subprocess.run([sys.executable, "-m", "tui", "sandbox", "--port", "0", "--redirect-uri",
                             "http://example.com/callback"], cwd=REPO, env=child_env(home_dirs(tmp_path)),
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 2 and "https" in result.stderr and result.stdout == ""
