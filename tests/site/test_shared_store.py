"""One shared Xero token set per organisation in a site install, read by every member of the group and by no one
else; a process that cannot read it says so and changes nothing that is shared. Real `tradiecore sync --once`
processes as other Unix users, against the sandbox over HTTP, on the SQLite file `setup --site` made."""

from __future__ import annotations

import grp
import os
import sqlite3
import stat
from dataclasses import dataclass

import pytest

from tests.multiuser import NOBODY, tradiecore_as
from tests.site.conftest import GROUP, SitePaths
from tui import config


def _gid(name: str) -> int:
    try:
        return grp.getgrnam(name).gr_gid
    except KeyError:  # then the site_paths fixture skips (or fails in CI)
        return -1


USERS_GID = _gid(GROUP)  # the members below are in it; the outsider is not
ALICE = (4242, 4242, (USERS_GID,))
BOB = (4343, 4343, (USERS_GID,))
OUTSIDER = (NOBODY, NOBODY, ())


@pytest.fixture(scope="module")
def sandbox_server():
    from tui.sandbox.harness import run_sandbox

    with run_sandbox() as sb:
        yield sb


@dataclass
class Shop:
    paths: SitePaths
    sb: object
    tenant_id: str

    def env(self, name: str, uid: int) -> dict[str, str]:
        """A member's environment: their own home (and so their own config dir), the site, the sandbox."""
        home = self.paths.base / "home" / name
        if not home.exists():
            home.mkdir(parents=True)
            os.chown(home, uid, uid)
            home.parent.chmod(0o755)
        return {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": str(home), "TRADIECORE_USER": name,
                "TRADIECORE_SITE_DIR": str(self.paths.site_dir), "TRADIECORE_XERO_BASE": self.sb.base_url}

    def sync_once(self, who: tuple, name: str, *extra: str):
        uid, gid, groups = who
        return tradiecore_as(uid, gid, groups, ["sync", "--once", *extra], self.env(name, uid))

    def rows(self, sql: str) -> list[tuple]:
        with sqlite3.connect(self.paths.db) as db:
            return db.execute(sql).fetchall()

    def connection(self) -> list[tuple]:
        return self.rows("SELECT tenant_id, status, reason FROM xero_connection")

    def shared_state(self) -> list[tuple]:
        """What every user's header and Sync screen show: the connection, the sync state and the sync log."""
        return [self.connection(),
                self.rows("SELECT last_error, last_run_at FROM sync_state WHERE last_error != '' "
                          "OR last_run_at IS NOT NULL"),
                self.rows("SELECT count(*) FROM sync_log")]


@pytest.fixture
def shop(site_paths, sandbox_server):
    """`setup --site` as root, then the owner connects the business (a custom connection) in this process."""
    from tui.bench.seeding import connect_custom
    from tui.services import Services

    sb, p = sandbox_server, site_paths
    sb.reset()
    made = p.setup("--data-dir", str(p.data_dir), "--group", GROUP)
    assert made.returncode == 0, made.stderr
    with p.config.open("a") as fh:  # the shop's Xero app, for everybody
        fh.write(f'\n[xero]\nclient_id = "{sb.custom_client_id}"\n')
    cfg = config.load(env=p.env(TRADIECORE_XERO_BASE=sb.base_url))
    assert cfg.is_site and cfg.xero.client_id == sb.custom_client_id
    services = Services(cfg, user="owner")
    tenant_id = connect_custom(services, cfg, services.secrets, sb.custom_client_secret)
    services.engine.dispose()
    return Shop(p, sb, tenant_id)


def test_every_member_syncs_with_the_one_shared_token_set(shop):
    alice = shop.sync_once(ALICE, "alice", "--log-file", str(shop.paths.data_dir / "alice-sync.log"))
    assert alice.returncode == 0, alice.stderr
    bob = shop.sync_once(BOB, "bob")
    assert bob.returncode == 0, bob.stderr
    assert "Synced" in bob.stdout
    assert shop.connection() == [(shop.tenant_id, "connected", "")]
    # the token set and the client secret are only in the database, and only encrypted
    assert [name for (name,) in shop.rows("SELECT name FROM shared_secret")] == ["xero.client-secret"]
    assert len(shop.rows("SELECT tenant_id FROM xero_token_set WHERE tenant_id = "
                         f"'{shop.tenant_id}'")) == 1
    raw = shop.paths.db.read_bytes() + b"".join(f.read_bytes() for f in shop.paths.data_dir.glob("tradiecore.db-*"))
    assert shop.sb.custom_client_secret.encode() not in raw
    # a member's process makes what it makes group-writable (umask 007): the next member can use it
    log = shop.paths.data_dir / "alice-sync.log"
    assert stat.S_IMODE(log.stat().st_mode) == 0o660 and log.stat().st_gid == USERS_GID
    assert "Synced" in log.read_text()


def test_someone_outside_the_group_is_told_why_and_changes_nothing(shop):
    before = shop.shared_state()
    outsider = shop.sync_once(OUTSIDER, "mallory")
    assert outsider.returncode == 3
    assert outsider.stderr == (f"tradiecore: cannot read the Xero token store at {shop.paths.key}: permission "
                               f"denied; are you in group {GROUP}?\n")
    assert shop.shared_state() == before
    assert shop.connection() == [(shop.tenant_id, "connected", "")]


def test_the_app_tells_someone_outside_the_group_why_it_cannot_start(shop):
    uid, gid, groups = OUTSIDER
    outsider = tradiecore_as(uid, gid, groups, [], shop.env("mallory", uid))
    assert outsider.returncode == 3
    assert outsider.stderr == (f"tradiecore: cannot open the business's data in {shop.paths.data_dir}: permission "
                               f"denied; are you in group {GROUP}?\n")


def test_a_member_who_cannot_read_the_key_file_changes_nothing(shop):
    before = shop.shared_state()
    shop.paths.key.chmod(0o600)
    alice = shop.sync_once(ALICE, "alice", "--log-file", "/dev/null")
    assert alice.returncode == 3
    assert alice.stderr == (f"tradiecore: cannot read the Xero token store at {shop.paths.key}: permission "
                            f"denied; are you in group {GROUP}?\n")
    assert shop.shared_state() == before
    shop.paths.key.chmod(0o640)
    assert shop.sync_once(ALICE, "alice").returncode == 0


def test_a_missing_key_file_is_said_and_changes_nothing(shop):
    before = shop.shared_state()
    kept = shop.paths.base / "kept.key"
    shop.paths.key.rename(kept)
    alice = shop.sync_once(ALICE, "alice", "--log-file", "/dev/null")
    assert alice.returncode == 3
    assert alice.stderr == (f"tradiecore: cannot read the Xero token store at {shop.paths.key}: the key file is "
                            "missing; restore it from a backup, or run `tradiecore setup --site` as root and "
                            "connect Xero again\n")
    assert shop.shared_state() == before


def test_a_token_set_missing_from_the_database_is_not_a_disconnection(shop):
    with sqlite3.connect(shop.paths.db) as db:
        db.execute("DELETE FROM xero_token_set")
    before = shop.shared_state()
    alice = shop.sync_once(ALICE, "alice", "--log-file", "/dev/null")
    assert alice.returncode == 3
    assert alice.stderr == ("tradiecore: the Xero token set is not in the database (table xero_token_set); "
                            "disconnect and connect Xero again (Settings → Integrations → Xero)\n")
    assert shop.shared_state() == before
    assert shop.connection() == [(shop.tenant_id, "connected", "")]


def test_only_xero_ending_the_connection_disconnects_it(shop):
    assert shop.sync_once(ALICE, "alice").returncode == 0
    assert shop.sb.control.revoke_connection(shop.tenant_id, shop.sb.custom_client_id) == 1
    alice = shop.sync_once(ALICE, "alice", "--log-file", "/dev/null")
    assert alice.returncode == 1, alice.stderr
    [(tenant, status, reason)] = shop.connection()
    assert (tenant, status) == (shop.tenant_id, "disconnected")
    assert reason.startswith("Xero ")  # what Xero said: here, that the custom connection is gone


def test_the_app_shows_an_unreadable_store_in_its_header_and_records_nothing(shop):
    """The app's pass (the runner its scheduler calls) reports it as this process's own problem."""
    from tui.services import Services
    from tui.shell.sync_pass import run_pass

    shop.paths.key.rename(shop.paths.base / "kept.key")
    before = shop.shared_state()
    cfg = config.load(env=shop.paths.env(TRADIECORE_XERO_BASE=shop.sb.base_url))
    services = Services(cfg, user="alice")
    try:
        result = run_pass(services)
        assert shop.rows("SELECT holder FROM sync_lease") == []  # a process that can read the store may sync
    finally:
        services.sync.close()
        services.engine.dispose()
    assert result.status.plain == (f"cannot read the Xero token store at {shop.paths.key}: the key file is missing; "
                                   "restore it from a backup, or run `tradiecore setup --site` as root and connect "
                                   "Xero again")
    assert result.status.style == "bold red"
    assert shop.shared_state() == before


def test_a_custom_connection_set_up_in_the_app_is_everybodys(site_paths, sandbox_server):
    """Its client id goes into the site config and its secret into the shared store: every member syncs with it."""
    from tui.services import Services

    sb, p = sandbox_server, site_paths
    sb.reset()
    assert p.setup("--data-dir", str(p.data_dir), "--group", GROUP).returncode == 0
    cfg = config.load(env=p.env(TRADIECORE_XERO_BASE=sb.base_url))
    services = Services(cfg, user="owner")
    try:
        pending = services.connection.setup_custom(sb.custom_client_id, sb.custom_client_secret)
        services.connection.choose(pending, pending.organisations[0])
        services.connection.accounts_reviewed()
    finally:
        services.engine.dispose()
    assert config.load(env=p.env()).xero.client_id == sb.custom_client_id
    assert not (p.base / "root-config" / "config.toml").exists()
    assert stat.S_IMODE(p.config.stat().st_mode) == 0o644
    shop = Shop(p, sb, sb.demo_tenant_id)
    alice = shop.sync_once(ALICE, "alice")
    assert alice.returncode == 0, alice.stderr
    assert "Synced" in alice.stdout
    assert shop.connection() == [(sb.demo_tenant_id, "connected", "")]
