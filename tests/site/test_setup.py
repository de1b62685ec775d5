"""`tradiecore setup --site` run for real, as root and as another user, in /tmp dirs."""

from __future__ import annotations

import grp
import os
import sqlite3
import stat
import tomllib

from tests.multiuser import NOBODY, tradiecore_as
from tests.site.conftest import GROUP
from tui import config


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def owner(path) -> tuple[int, str]:
    st = path.stat()
    return st.st_uid, grp.getgrgid(st.st_gid).gr_name


def test_setup_makes_the_site_install(site_paths):
    p = site_paths
    done = p.setup("--data-dir", str(p.data_dir), "--group", GROUP)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    lines = done.stdout.splitlines()
    assert lines == [
        f"Created the site dir {p.site_dir} (root:root, mode 0755)",
        f"Created the key of the shared secrets and the Xero token set, {p.key} (root:{GROUP}, mode 0640)",
        f"Created the data dir {p.data_dir} (root:{GROUP}, mode 2770)",
        f"Created the mail outbox {p.data_dir / 'outbox'} (root:{GROUP}, mode 2770)",
        f"Created the database {p.db} (migrated; root:{GROUP}, mode 0660)",
        f"Wrote the site config {p.config} ([site] group = {GROUP}, data_dir = {p.data_dir}; mode 0644)",
        f"Done. Add each person to group {GROUP} (usermod -aG {GROUP} NAME); they log in again, then run tradiecore.",
    ]
    assert (mode(p.config), owner(p.config)) == (0o644, (0, "root"))
    assert (mode(p.key), owner(p.key)) == (0o640, (0, GROUP))
    assert (mode(p.data_dir), owner(p.data_dir)) == (0o2770, (0, GROUP))
    for folder in ("outbox", "outbox/new", "outbox/cur", "outbox/tmp"):
        assert (mode(p.data_dir / folder), owner(p.data_dir / folder)) == (0o2770, (0, GROUP)), folder
    for made in (p.db, *p.data_dir.glob("tradiecore.db-*")):
        assert (mode(made), owner(made)) == (0o660, (0, GROUP)), made
    assert mode(p.data_dir.parent) == 0o755  # the dirs on the way are anyone's to pass
    with sqlite3.connect(p.db) as db:
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"shared_secret", "xero_token_set", "invoice", "xero_connection"} <= tables
    assert tomllib.loads(p.config.read_text()) == {"site": {"group": GROUP, "data_dir": str(p.data_dir)}}
    cfg = config.load(env=p.env())
    assert cfg.is_site and cfg.data_dir == p.data_dir and cfg.site.group == GROUP
    assert cfg.database_url == f"sqlite:///{p.db}"


def test_a_second_run_changes_nothing_and_says_so(site_paths):
    p = site_paths
    assert p.setup("--data-dir", str(p.data_dir), "--group", GROUP).returncode == 0
    before = {f: (f.stat().st_mtime_ns, f.read_bytes()) for f in (p.key, p.config, p.db)}
    again = p.setup()  # the defaults now come from the site config
    assert again.returncode == 0, again.stderr
    assert again.stdout == f"Nothing to change: {p.site_dir} is set up for group {GROUP}, data in {p.data_dir}.\n"
    assert {f: (f.stat().st_mtime_ns, f.read_bytes()) for f in before} == before


def test_a_later_run_puts_right_what_changed_and_keeps_the_rest(site_paths):
    p = site_paths
    assert p.setup("--data-dir", str(p.data_dir), "--group", GROUP).returncode == 0
    with p.config.open("a") as fh:
        fh.write('\n[mail]\nhost = "smtp.shop.example"\n')
    os.chmod(p.key, 0o644)
    os.chmod(p.data_dir, 0o755)
    again = p.setup("--group", "staff", "--user", "nobody")
    assert again.returncode == 0, again.stderr
    assert f"Set {p.key} to root:staff, mode 0640" in again.stdout
    assert f"Set the data dir {p.data_dir} to root:staff, mode 2770" in again.stdout
    assert f"Updated the site config {p.config} ([site] group = staff" in again.stdout
    assert (mode(p.key), owner(p.key)) == (0o640, (0, "staff"))
    assert (mode(p.db), owner(p.db)) == (0o660, (0, "staff"))
    assert tomllib.loads(p.config.read_text()) == {
        "site": {"group": "staff", "data_dir": str(p.data_dir), "user": "nobody"},
        "mail": {"host": "smtp.shop.example"}}
    assert config.load(env=p.env()).site == config.SiteConfig(group="staff", user="nobody")


def _nothing_made(p) -> None:
    assert not p.site_dir.exists()
    assert not (p.base / "var").exists()


def test_a_missing_group_is_refused_and_nothing_is_made(site_paths):
    p = site_paths
    refused = p.setup("--data-dir", str(p.data_dir), "--group", "no-such-group")
    assert refused.returncode == 2
    assert refused.stdout == ""
    assert refused.stderr == ("tradiecore: there is no group 'no-such-group'; create it first (groupadd no-such-group) "
                              "and add each person to it (usermod -aG no-such-group NAME)\n")
    _nothing_made(p)


def test_a_missing_service_user_is_refused_and_nothing_is_made(site_paths):
    p = site_paths
    refused = p.setup("--data-dir", str(p.data_dir), "--group", GROUP, "--user", "no-such-user")
    assert (refused.returncode, refused.stdout) == (2, "")
    assert refused.stderr == ("tradiecore: there is no user 'no-such-user' (--user: the user the sync service runs "
                              "as)\n")
    _nothing_made(p)


def test_a_data_dir_that_cannot_be_made_is_refused_and_nothing_is_made(site_paths):
    p = site_paths
    (p.base / "var").write_text("a file, not a directory")
    refused = p.setup("--data-dir", str(p.data_dir), "--group", GROUP)
    assert refused.returncode == 2
    assert refused.stderr == f"tradiecore: cannot create {p.data_dir}: {p.base / 'var'} is not a directory\n"
    assert not p.site_dir.exists()
    assert (p.base / "var").read_text() == "a file, not a directory"


def test_another_user_is_refused_and_nothing_is_made(site_paths):
    p = site_paths
    env = {**p.env(), "HOME": str(p.base)}
    env.pop("TRADIECORE_CONFIG_DIR")
    refused = tradiecore_as(NOBODY, NOBODY, (), ["setup", "--site", "--data-dir", str(p.data_dir), "--group", GROUP],
                            env)
    assert refused.returncode == 2
    assert refused.stderr == (f"tradiecore: setup --site needs root: it writes {p.site_dir} and gives {p.data_dir} "
                              f"to group {GROUP}; run it with sudo\n")
    _nothing_made(p)


def test_a_lost_key_is_not_replaced_while_secrets_need_it(site_paths):
    p = site_paths
    assert p.setup("--data-dir", str(p.data_dir), "--group", GROUP).returncode == 0
    with sqlite3.connect(p.db) as db:
        db.execute("INSERT INTO shared_secret (name, blob) VALUES ('smtp-password', x'00')")
    p.key.unlink()
    refused = p.setup()
    assert refused.returncode == 2
    assert refused.stderr == (f"tradiecore: {p.key} is missing but the database holds 1 secret(s) locked with it; "
                              "restore it from a backup\n")
    assert not p.key.exists()


def test_an_unreachable_database_is_refused_and_nothing_is_made(site_paths):
    p = site_paths
    url = "postgresql+psycopg://shop@127.0.0.1:1/shop"
    refused = p.setup("--data-dir", str(p.data_dir), "--group", GROUP, "--db", url)
    assert refused.returncode == 2
    assert refused.stderr.startswith(f"tradiecore: cannot open the database {url}: ")
    assert len(refused.stderr.splitlines()) == 1
    _nothing_made(p)


def test_a_failure_while_acting_removes_what_was_made(site_paths, monkeypatch):
    """The checks passed, then the last step failed (the disk filled up, say): nothing of this run is left."""
    from tui.ops import site_setup

    p = site_paths

    def disk_full(plan, say):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(site_setup, "_config", disk_full)
    said, complaints = [], []
    cfg = config.load(env=p.env())
    code = site_setup.setup_site(cfg, data_dir=str(p.data_dir), group=GROUP, db=None, user=None, say=said.append,
                                 complain=complaints.append)
    assert code == 1
    assert complaints == ["tradiecore: setup --site failed, and what it made is removed again: "
                          "[Errno 28] No space left on device"]
    assert len(said) == 5  # site dir, key, data dir, outbox, database: each made, then removed again
    _nothing_made(p)


def test_the_xero_address_given_is_kept_in_the_site_config_for_everyone(site_paths):
    """`--xero-base` (a sandbox, say): the service and every member read it from the site config, with no
    TRADIECORE_XERO_BASE of their own."""
    p = site_paths
    base = "http://127.0.0.1:8099"
    done = p.setup("--data-dir", str(p.data_dir), "--group", GROUP, "--xero-base", base + "/")
    assert done.returncode == 0, done.stderr
    assert f"[xero] at {base}; mode 0644)" in done.stdout
    assert tomllib.loads(p.config.read_text())["xero"] == {"login_url": base, "identity_url": base, "api_url": base}
    env = {k: v for k, v in p.env().items() if k != "TRADIECORE_XERO_BASE"}
    cfg = config.load(env=env)
    assert (cfg.xero.login_url, cfg.xero.identity_url, cfg.xero.api_url) == (base, base, base)
    again = p.setup()  # kept by a later run without the flag
    assert again.returncode == 0 and "Nothing to change" in again.stdout
    refused = p.setup("--xero-base", "sandbox:8099")
    assert refused.returncode == 2 and "--xero-base: not an http(s) address" in refused.stderr
