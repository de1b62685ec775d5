"""`tradiecore demo`: the app on its own demo data, talking to a Xero sandbox it starts as a subprocess.

The demo data dir (``<data dir>/demo``) keeps the database, the mail outbox and the sandbox's state between
runs, so choices made in the demo persist; ``--reset`` throws them away. Real data is never touched.

The sandbox boots in its own process while the app draws To Do: the app waits for it only when it first needs
Xero (the first sync pass, the Xero screens), through ``Services(xero_setup=...)``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path

from tui.config import Config
from tui.ports import free_port

SANDBOX_KEYS = ("base_url", "login_email", "login_password", "pkce_client_id", "custom_client_id",
                "custom_client_secret")


@dataclass
class SandboxProcess:
    process: subprocess.Popen
    log_file: Path
    info: dict[str, str] = field(default_factory=dict)

    @property
    def base_url(self) -> str:
        return self.info["base_url"]

    def wait_ready(self) -> "SandboxProcess":
        """Read the lines the sandbox prints before it serves (once; it is listening after them)."""
        assert self.process.stdout is not None
        while len(self.info) < len(SANDBOX_KEYS):
            line = self.process.stdout.readline().decode()
            if not line:
                raise RuntimeError(f"the Xero sandbox did not start; see {self.log_file}")
            key, _, value = line.strip().partition(": ")
            if key in SANDBOX_KEYS:
                self.info[key] = value
        return self

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()


def launch_sandbox(state_file: Path, redirect_uris: list[str], log_file: Path) -> SandboxProcess:
    """Start `tradiecore sandbox` on a free port, without waiting for it (:meth:`SandboxProcess.wait_ready`)."""
    cmd = [sys.executable, "-m", "tui", "sandbox", "--port", "0", "--state", str(state_file), "--control"]
    for uri in redirect_uris:
        cmd += ["--redirect-uri", uri]
    with open(log_file, "ab") as log:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=log, stdin=subprocess.DEVNULL)
    return SandboxProcess(proc, log_file)


def start_sandbox(state_file: Path, redirect_uris: list[str], log_file: Path) -> SandboxProcess:
    """Start `tradiecore sandbox` on a free port and wait until it serves."""
    return launch_sandbox(state_file, redirect_uris, log_file).wait_ready()


def demo_xero_config(cfg: Config, sandbox: SandboxProcess, redirect_port: int) -> Config:
    """The app's config for this run: Xero is the sandbox, and the Connect dialog shows the login it printed."""
    cfg = cfg.with_xero_base(sandbox.base_url)
    return replace(cfg, xero=replace(cfg.xero, client_id=sandbox.info["pkce_client_id"], redirect_port=redirect_port),
                   demo_login=(sandbox.info["login_email"], sandbox.info["login_password"]))


def run_demo(cfg: Config, reset: bool = False) -> int:
    from tui.app import run_app

    if reset and cfg.data_dir.exists():
        shutil.rmtree(cfg.data_dir)
    cfg.data_dir.mkdir(parents=True, exist_ok=True)
    redirect_port = free_port()
    sandbox = launch_sandbox(
        cfg.data_dir / "sandbox-state.json",
        [f"http://localhost:{redirect_port}/callback", f"http://127.0.0.1:{redirect_port}/callback"],
        cfg.data_dir / "sandbox.log",
    )

    def xero_setup(cfg: Config) -> Config:
        sandbox.wait_ready()
        # Where the sandbox listens this run, so a person can act "in Xero" with its control API (see README).
        (cfg.data_dir / "sandbox-url").write_text(sandbox.base_url + "\n", encoding="utf-8")
        return demo_xero_config(cfg, sandbox, redirect_port)

    try:
        return run_app(cfg, xero_setup=xero_setup)
    finally:
        sandbox.stop()
