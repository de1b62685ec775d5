"""A business of several processes on one database: the in-process app session's services and the environment of
`tradiecore` subprocesses (the sync service's loop, cron's `--once`) on the same database and secrets, connected
to the sandbox by a custom connection. tests/sync/conftest.py makes one per test (``shop``, ``sqlite_shop``)."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from tui.bench.childenv import ROOT, home_dirs
from tui.bench.soak import sync_env
from tui.sync.lease import lease_holder

HOST = socket.gethostname()
SIZE = (100, 32)


@dataclass
class Shop:
    """A business connected to the sandbox (a custom connection): the in-process services of an app session and
    the environment of `tradiecore` subprocesses on the same database and secrets."""

    sb: object
    env: dict
    services: object
    tenant_id: str
    work: Path

    def holder(self) -> str | None:
        with self.services.session() as s:
            held = lease_holder(s, self.tenant_id, self.services.now())
        return held.label if held else None

    def start_loop(self, name: str = "loop") -> "Loop":
        return Loop(self, name)

    def sync_once(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "tui", "sync", "--once", *args], cwd=ROOT, env=self.env,
                              capture_output=True, text=True, timeout=timeout)

    def xero_invoices(self, number: str) -> list[dict]:
        snap = self.sb.control.snapshot()["organisations"][self.tenant_id]["Invoices"]
        return [i for i in snap if i.get("InvoiceNumber") == number]

    def session_label(self) -> str:
        from tui.sync.lease import session_label

        return session_label("sam")


class Loop:
    """`tradiecore sync` (the service's loop) as a subprocess; its stdout and stderr in files."""

    def __init__(self, shop: Shop, name: str):
        self.out, self.err = shop.work / f"{name}.out", shop.work / f"{name}.err"
        with self.out.open("w") as out, self.err.open("w") as err:
            self.proc = subprocess.Popen([sys.executable, "-m", "tui", "sync"], cwd=ROOT, env=shop.env,
                                         stdout=out, stderr=err)
        self.label = f"the sync service on {HOST} (pid {self.proc.pid})"

    def lines(self) -> list[str]:
        return self.out.read_text().splitlines()

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(30)

    def __enter__(self) -> "Loop":
        return self

    def __exit__(self, *exc) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)


def make_shop(sandbox, work: Path, db_url: str = "") -> Shop:
    from tui import config
    from tui.bench.seeding import connect_custom
    from tui.domain.business import BusinessDetails
    from tui.credentials.user_store import FileSecretStore, secrets_file
    from tui.services import Services

    extra = {"TRADIECORE_DATABASE_URL": db_url} if db_url else {}
    env = sync_env(sandbox.base_url, sandbox.custom_client_id, home_dirs(work), TRADIECORE_USER="sam", **extra)
    cfg = config.load(env=env)
    secrets = FileSecretStore(secrets_file(cfg))
    services = Services(cfg, user="sam", secrets=secrets)  # the wall clock, like the subprocesses
    services.save_business(BusinessDetails(name="Harbour City Plumbing", email="accounts@hcp.example"))
    tenant_id = connect_custom(services, cfg, secrets, sandbox.custom_client_secret)
    return Shop(sandbox, env, services, tenant_id, work)


def session_app(shop):
    """An app session of the shop (no poll timer: passes at start-up and when asked)."""
    from tui.app import TradieApp

    return TradieApp(shop.services, sync_interval=None)
