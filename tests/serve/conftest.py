"""`tradiecore serve` under test: the real command in a subprocess on a free loopback port, on the test's own
data, config and site dirs, and people at a real headless Chromium (:mod:`tests.serve.browser`)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from tests.fixtures.connect import CHROMIUM, CHROMIUM_ARGS
from tests.fixtures.net import free_port
from tests.conftest import skip_or_fail


@dataclass
class Served:
    """One running ``tradiecore serve``."""

    url: str
    proc: subprocess.Popen
    env: dict[str, str]
    log: Path
    args: list[str] = field(default_factory=list)

    def tradiecore(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "tui", *args], env=self.env, capture_output=True, text=True,
                              timeout=60)

    def add_user(self, name: str) -> str:
        """The sign-in link ``--add-user`` prints for ``name``."""
        done = self.tradiecore("serve", *self.args, "--add-user", name)
        assert done.returncode == 0, done.stderr
        return re.search(r"http\S+/signin#\S+", done.stdout).group(0)

    def cookie_for(self, name: str) -> str:
        """Sign ``name`` in over plain HTTP (the sign-in page's form, from this origin); the session cookie."""
        token = self.add_user(name).split("#", 1)[1]
        answer = httpx.post(f"{self.url}/signin", data={"token": token}, headers={"Origin": self.url})
        assert answer.status_code == 303, answer.text
        return answer.cookies["tradiecore_session"]

    def tabs(self) -> list[int]:
        """The app processes the server has started and that still run (its children)."""
        pids: list[int] = []
        for task in Path(f"/proc/{self.proc.pid}/task").iterdir():
            try:
                pids += [int(p) for p in (task / "children").read_text().split()]
            except OSError:
                pass
        return sorted(pids)

    def wait_for_tabs(self, count: int, timeout: float = 20) -> list[int]:
        deadline = time.monotonic() + timeout
        while len(tabs := self.tabs()) != count:
            if time.monotonic() > deadline:
                raise AssertionError(f"expected {count} tab processes, have {tabs}; log:\n{self.log_text()}")
            time.sleep(0.1)
        return tabs

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


def start_serve(tmp: Path, env: dict[str, str], *args: str) -> Served:
    port = free_port()
    log = tmp / f"serve-{port}.log"
    argv = ["--port", str(port), *args]
    proc = subprocess.Popen([sys.executable, "-m", "tui", "serve", *argv], env=env, stdout=subprocess.PIPE,
                            stderr=log.open("w"), text=True)
    line = proc.stdout.readline()
    assert "Serving tradiecore on" in line, f"{line}\n{log.read_text()}"
    url = f"http://127.0.0.1:{port}"  # what the test reaches (the public URL may be a proxy's)
    return Served(url, proc, env, log, argv)


def stop_serve(served: Served) -> None:
    served.proc.terminate()
    try:
        served.proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        served.proc.kill()
        served.proc.wait()


@pytest.fixture
def serve_env(env, demo_services) -> dict[str, str]:
    """The server's environment: the test's dirs, the demo business, and secrets that must not reach a tab."""
    demo_services.close()
    return {**os.environ, "TRADIECORE_XERO_CLIENT_SECRET": "server-only-secret", "AWS_SECRET_ACCESS_KEY": "nope",
            "TRADIECORE_USER": "server"}


@pytest.fixture
def serve(env, serve_env):
    """Start ``tradiecore serve ARGS...`` (as many as a test wants); all stopped at the end."""
    started: list[Served] = []

    def start(*args: str, extra_env: dict[str, str] | None = None) -> Served:
        served = start_serve(env, {**serve_env, **(extra_env or {})}, *args)
        started.append(served)
        return served

    yield start
    for served in started:
        stop_serve(served)


@pytest.fixture
def browser():
    """A headless Chromium (Debian's), or skip (fail in CI) without one."""
    if not Path(CHROMIUM).exists():
        skip_or_fail(f"{CHROMIUM} is not installed")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("playwright is not installed")
    from tests.fixtures.connect import CHROMIUM_ARGS

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()



@pytest.fixture
def sandbox(connect_sandbox):
    """The Xero sandbox on loopback, with the redirect port of the test's Connect to Xero registered."""
    return connect_sandbox
