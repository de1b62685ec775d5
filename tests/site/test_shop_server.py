"""The shop server end to end, as README.md's "Install on a shop server" sets it up.

Root runs the README's lines exactly, in a temporary root (its /opt, /var/lib, /var/backups, /usr/local/bin and
/etc/tradiecore moved under a temporary dir), with a `python3` first on root's PATH that no other user can run (a
copy of the interpreter in a 0700 dir, as pyenv's in root's home is): a virtualenv from the system's Python with a
copy of this project installed, a real group and real users (`groupadd`, `useradd`, `usermod`), `setup --site`,
`connect --custom` against the sandbox, `service --install` (systemd does not run here: it says so), `status`,
the backup folder and a backup. Then the unit `tradiecore service`
prints runs as the user it names, and two members of staff, each as their own Unix user, run app sessions
(tests/site/session.py): both see the same invoices; an invoice Alice sends reaches Xero through the service; Bob's
Sync now is carried out by the service; `status --json` is the same for both; someone outside the group is told
why (exit 3) and changes nothing; the service killed mid-pass sends nothing twice, and an app session takes the
sync over.
"""

from __future__ import annotations

import grp
import json
import os
import pwd
import re
import shlex
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import skip_or_fail
from tests.multiuser import ROOT, SYSTEM_PYTHON, can_switch_users, shared_tmp
from tests.site.conftest import SitePaths

pytestmark = pytest.mark.timeout(1800)  # pip installs the project into a new virtualenv, as the README does

GROUP, SERVICE_USER, MEMBERS, OUTSIDER = "tradies", "tradiesync", ("alice", "bob"), "mallory"
USERS = (SERVICE_USER, *MEMBERS, OUTSIDER)


def readme_lines() -> list[str]:
    """The commands of README.md's "Install on a shop server" block, comments left out."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Install on a shop server", 1)[1]
    block = section.split("```sh\n", 1)[1].split("```", 1)[0]
    return [line for line in block.splitlines() if line.strip() and not line.startswith("#")]


def _remove_users() -> None:
    for user in USERS:
        subprocess.run(["userdel", "--force", user], capture_output=True)
    subprocess.run(["groupdel", GROUP], capture_output=True)


@dataclass(frozen=True)
class Server(SitePaths):
    """The temporary root: SitePaths' /etc/tradiecore and /var/lib/tradiecore, and /opt, /usr/local/bin beside."""

    sb: object = None
    ran: list[tuple[str, subprocess.CompletedProcess]] = field(default_factory=list)

    @property
    def python(self) -> str:
        return str(self.base / "opt" / "tradiecore" / "bin" / "python")

    @property
    def roots_python_dir(self) -> Path:
        """Where root's own ``python3`` is: first on root's PATH, and no one else's to enter."""
        return self.base / "root-only" / "bin"

    def shell_env(self, home: str = "/root", **extra: str) -> dict[str, str]:
        mine = f"{self.roots_python_dir}:" if home == "/root" else ""
        return {"PATH": f"{mine}{self.base / 'usr' / 'local' / 'bin'}:/usr/sbin:/usr/bin:/sbin:/bin",
                "LANG": "C.UTF-8",
                "HOME": home, "TRADIECORE_SITE_DIR": str(self.site_dir), "TRADIECORE_XERO_BASE": self.sb.base_url,
                **extra}

    def here(self, line: str) -> str:
        """A README line with its absolute paths moved under this server's temporary root."""
        line = re.sub(r"(?<![\w./])(/opt/|/var/lib/|/var/backups/|/usr/local/bin/)", lambda m: f"{self.base}{m[1]}",
                      line)
        line = line.replace("./tradiecore", str(self.base / "src"))
        return line.replace("YOUR_CLIENT_ID", self.sb.custom_client_id)

    def root(self, line: str) -> subprocess.CompletedProcess:
        done = subprocess.run(["bash", "-c", line], cwd=self.base / "work", env=self.shell_env(), capture_output=True,
                              text=True, timeout=600)
        self.ran.append((line, done))
        return done

    def tradiecore(self, user: str, *args: str) -> subprocess.CompletedProcess:
        """``tradiecore ARGS`` as ``user``, with exactly that user's groups, in their own home."""
        entry = pwd.getpwnam(user)
        return subprocess.run(["setpriv", f"--reuid={entry.pw_uid}", f"--regid={entry.pw_gid}", "--init-groups",
                               "--", str(self.base / "usr" / "local" / "bin" / "tradiecore"), *args], cwd="/",
                              capture_output=True, text=True, timeout=180,
                              env=self.shell_env(entry.pw_dir, TRADIECORE_USER=user))

    def run_as(self, user: str, *argv: str) -> subprocess.CompletedProcess:
        """``argv`` as ``user``, with that user's groups, in their own home."""
        entry = pwd.getpwnam(user)
        return subprocess.run(["setpriv", f"--reuid={entry.pw_uid}", f"--regid={entry.pw_gid}", "--init-groups",
                               "--", *argv], cwd="/", capture_output=True, text=True, timeout=60,
                              env=self.shell_env(entry.pw_dir))

    def _session_argv(self, user: str, action: str, arg: str) -> tuple[list[str], dict[str, str]]:
        entry = pwd.getpwnam(user)
        argv = ["setpriv", f"--reuid={entry.pw_uid}", f"--regid={entry.pw_gid}", "--init-groups", "--",
                self.python, str(self.base / "src" / "tests" / "site" / "session.py"), action, *([arg] if arg else [])]
        return argv, self.shell_env(entry.pw_dir, TRADIECORE_USER=user, PYTHONPATH=str(self.base / "src"),
                              TEXTUAL_ANIMATIONS="none")

    def session(self, user: str, action: str, arg: str = "") -> dict:
        """One app session of ``user`` (tests/site/session.py) doing ``action``: what the user saw."""
        argv, env = self._session_argv(user, action, arg)
        done = subprocess.run(argv, cwd="/", env=env, capture_output=True, text=True, timeout=180)
        assert done.returncode == 0, f"{user}'s session ({action}) failed:\n{done.stderr[-3000:]}"
        return json.loads(done.stdout.strip().splitlines()[-1])

    def start_session(self, user: str, action: str, arg: str = "") -> subprocess.Popen:
        argv, env = self._session_argv(user, action, arg)
        return subprocess.Popen(argv, cwd="/", env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def rows(self, sql: str) -> list[tuple]:
        import sqlite3

        with sqlite3.connect(self.db) as db:
            return db.execute(sql).fetchall()

    def xero_invoices(self, number: str) -> list[dict]:
        orgs = self.sb.control.snapshot()["organisations"]
        return [i for org in orgs.values() for i in org["Invoices"] if i.get("InvoiceNumber") == number]


class Service:
    """The sync service as systemd would start it: the printed unit's ExecStart, as its User and Group, with its
    Environment."""

    def __init__(self, server: Server, unit: str):
        service = dict(re.findall(r"(?m)^(ExecStart|User|Group)=(.*)$", unit))
        environment = dict(line.split("=", 1) for line in re.findall(r"(?m)^Environment=(.*)$", unit))
        entry = pwd.getpwnam(service["User"])
        self.argv = ["setpriv", f"--reuid={entry.pw_uid}", f"--regid={grp.getgrnam(service['Group']).gr_gid}",
                     "--init-groups", "--", *shlex.split(service["ExecStart"])]
        self.env = {**server.shell_env(entry.pw_dir), **environment}
        for name in ("TRADIECORE_DATA_DIR", "TRADIECORE_CONFIG_DIR"):  # as `service --install` makes them
            path = Path(environment[name])
            if not path.exists():
                path.mkdir(parents=True)
                os.chown(path, entry.pw_uid, grp.getgrnam(service["Group"]).gr_gid)
        self.out = server.base / "work" / "service.out"
        self.err = server.base / "work" / "service.err"
        self.proc: subprocess.Popen | None = None

    def start(self) -> "Service":
        with self.out.open("a") as out, self.err.open("a") as err:
            self.proc = subprocess.Popen(self.argv, cwd="/", env=self.env, stdout=out, stderr=err)
        return self

    @property
    def label(self) -> str:
        import socket

        return f"the sync service on {socket.gethostname()} (pid {self.proc.pid})"

    def lines(self) -> list[str]:
        return self.out.read_text().splitlines()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)


def _wait(check, what: str, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.2)


@pytest.fixture
def server():
    why = can_switch_users()
    if why:
        skip_or_fail(why)
    for tool in ("useradd", "groupadd", "usermod", "userdel"):
        if shutil.which(tool) is None:
            skip_or_fail(f"the shop-server test needs {tool}")
    from tui.sandbox.harness import run_sandbox

    _remove_users()
    base = shared_tmp("tradiecore-shop-")
    for sub in ("work", "usr/local/bin", "var/lib", "opt"):
        (base / sub).mkdir(parents=True)
        (base / sub).chmod(0o755)
    if not Path(SYSTEM_PYTHON).exists():
        skip_or_fail(f"the README installs on Debian's {SYSTEM_PYTHON} (apt-get install python3-venv)")
    roots = base / "root-only"  # root's python3, where only root may go (pyenv's in /root is so)
    (roots / "bin").mkdir(parents=True)
    roots.chmod(0o700)
    shutil.copy2(os.path.realpath(SYSTEM_PYTHON), roots / "bin" / "python3")
    src = base / "src"  # the clone the README installs from, readable by every user
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(".git", ".venv", "__pycache__", "*.egg-info",
                                                             ".pytest_cache", "__snapshots__"))
    for user in (*MEMBERS, OUTSIDER):  # the staff have accounts already; the README adds the members to the group
        subprocess.run(["useradd", "--create-home", "--home-dir", str(base / "home" / user), user], check=True)
    (base / "home").chmod(0o755)
    try:
        with run_sandbox() as sb:
            (base / "work" / "client-secret.txt").write_text(sb.custom_client_secret + "\n")
            yield Server(base, sb)
    finally:
        _remove_users()
        shutil.rmtree(base, ignore_errors=True)


@pytest.mark.slow
def test_readme_install_then_two_members_and_the_service(server):
    # -- the README's lines, as root ---------------------------------------------------------------------------
    lines = readme_lines()
    assert [line.split()[0] for line in lines] == [SYSTEM_PYTHON, "/opt/tradiecore/bin/pip", "ln", "groupadd",
                                                   "useradd", "usermod", "usermod", "tradiecore", "tradiecore",
                                                   "tradiecore", "tradiecore", "install", "tradiecore"]
    # root's own python3 runs for root, and for nobody else (what made staff's "Permission denied")
    assert server.root("python3 -c 'import sys; print(sys.executable)'").stdout.startswith(
        str(server.roots_python_dir))
    for line in lines:
        done = server.root(server.here(line))
        if line == "tradiecore service --install" and not Path("/run/systemd/system").exists():
            assert done.returncode == 2 and "systemd" in done.stderr, done.stderr
            assert not (Path("/etc/systemd/system") / "tradiecore-sync.service").exists()
        elif line == "tradiecore status":
            # connected; the sync waits until a member has reviewed the revenue accounts in the app
            assert done.returncode == 1, done.stdout + done.stderr
            assert re.search(r"(?m)^Organisation\s+Demo Company \(AU\)$", done.stdout), done.stdout
            assert "revenue accounts" in done.stdout
        else:
            assert done.returncode == 0, f"{line}\n{done.stdout}\n{done.stderr}"
    backups = server.base / "var" / "backups" / "tradiecore"
    assert oct(backups.stat().st_mode & 0o7777) == "0o2750"
    assert (backups.stat().st_uid, backups.stat().st_gid) == (0, grp.getgrnam(GROUP).gr_gid)
    copies = list(backups.glob("20*.db"))
    assert len(copies) == 1 and copies[0].stat().st_size > 0, copies
    connect = next(done for line, done in server.ran if " connect " in line)
    assert "Connected to Demo Company (AU)" in connect.stdout
    assert set(grp.getgrnam(GROUP).gr_mem) == set(MEMBERS)
    key = server.key
    assert oct(key.stat().st_mode & 0o777) == "0o640" and key.stat().st_gid == grp.getgrnam(GROUP).gr_gid
    assert oct(server.data_dir.stat().st_mode & 0o7777) == "0o2770"
    assert server.sb.custom_client_secret not in server.config.read_text()

    # -- the service, as its unit says --------------------------------------------------------------------------
    unit = server.root("tradiecore service")
    assert unit.returncode == 0, unit.stderr
    assert re.search(rf"(?m)^User={SERVICE_USER}$", unit.stdout) and re.search(rf"(?m)^Group={GROUP}$", unit.stdout)
    assert re.search(rf"(?m)^ExecStart={re.escape(str(server.base))}/opt/tradiecore/bin/tradiecore sync$",
                     unit.stdout), unit.stdout
    service = Service(server, unit.stdout).start()
    try:
        _run_the_shop(server, service)
    finally:
        service.stop()


def _run_the_shop(server: Server, service: Service) -> None:
    # root's python3 is no use to staff: the README's venv is built on one they can run
    denied = server.run_as("alice", "/bin/sh", "-c", f"{server.roots_python_dir / 'python3'} -c pass")
    assert denied.returncode != 0 and "Permission denied" in denied.stderr, denied
    # Alice sets up the business's details and reviews the revenue accounts, then sends an invoice: the service
    # sends it to Xero
    server.session("alice", "set-up")
    alice = server.session("alice", "send", "SHOP-1001")
    assert alice["holder"] == service.label and alice["me"] != service.label
    assert alice["header"].startswith("Synced") and alice["header"].endswith("· by the sync service"), alice
    assert len(server.xero_invoices("SHOP-1001")) == 1
    assert any(re.search(r"Synced: sent \d", line) for line in service.lines()), service.lines()
    served = server.rows("SELECT requested_by, served_by, ok FROM sync_request WHERE done_at IS NOT NULL")
    assert any(by.startswith("alice on ") and served_by == service.label and ok for by, served_by, ok in served)

    # Bob sees Alice's invoice; his Sync now is carried out by the service, not by his session
    bob = server.session("bob", "sync-now")
    assert bob["invoices"] == alice["invoices"] == ["SHOP-1001"]
    assert bob["holder"] == service.label and bob["header"].endswith("· by the sync service")
    served = server.rows("SELECT requested_by, served_by FROM sync_request WHERE done_at IS NOT NULL")
    assert any(by.startswith("bob on ") and served_by == service.label for by, served_by in served), served

    # the same status for both, from the database
    statuses = [server.tradiecore(user, "status", "--json") for user in MEMBERS]
    assert [s.returncode for s in statuses] == [0, 0], [s.stdout + s.stderr for s in statuses]
    views = [json.loads(s.stdout) for s in statuses]
    assert views[0] == views[1]
    assert views[0]["connection"] == "connected" and views[0]["syncing"] == service.label

    # someone outside the group: told why, exit 3, and the connection stays Connected for everyone
    outsider = server.tradiecore(OUTSIDER, "status")
    assert outsider.returncode == 3
    assert f"are you in group {GROUP}?" in outsider.stderr + outsider.stdout
    outsider_sync = server.tradiecore(OUTSIDER, "sync", "--once")
    assert outsider_sync.returncode == 3 and f"are you in group {GROUP}?" in outsider_sync.stderr
    assert server.rows("SELECT status, reason FROM xero_connection") == [("connected", "")]
    assert server.tradiecore("bob", "status").returncode == 0

    # kill -9 the service mid-pass: nothing is sent twice, and an app session takes the sync over
    server.sb.control.configure(latency=0.4)  # every call to Xero takes a while: the pass can be caught mid-way
    sending = server.start_session("alice", "send", "SHOP-1002")  # asks the service for a pass
    _wait(lambda: _mid_pass(server), "the service's pass to be under way", timeout=90)
    service.proc.send_signal(signal.SIGKILL)
    service.proc.wait(10)
    server.sb.control.configure(latency=0)
    taker = server.session("bob", "take-over")
    assert taker["holder"] == taker["me"] and taker["me"].startswith("bob on "), taker
    assert taker["header"].startswith("Synced") and "by" not in taker["header"], taker
    for number in ("SHOP-1001", "SHOP-1002"):
        assert len(server.xero_invoices(number)) == 1, number
    assert taker["invoices"] == ["SHOP-1001", "SHOP-1002"]
    out, err = sending.communicate(timeout=120)  # Alice's pass was answered by whoever held the sync by then
    assert sending.returncode == 0, err[-3000:]


def _mid_pass(server: Server) -> bool:
    """The service has claimed a pass someone asked for and not answered it yet."""
    return bool(server.rows("SELECT id FROM sync_request WHERE started_at IS NOT NULL AND done_at IS NULL"))
