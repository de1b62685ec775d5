"""Tests never read the host (tests/isolation.py): the run has a shop server's site install as its default site,
every helper that builds a tradiecore process's environment gives it the test's own site, config and data dirs,
and a process started without them fails its test."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.isolation import DEFAULT_SITE_DIR, HOST_GROUP, HostLeak
from tests.ops.helpers import cli_env
from tests.site.conftest import SitePaths
from tui.bench.childenv import DIRS, ROOT, child_env, config_dirs, home_dirs
from tui.bench.soak import sync_env


def test_the_run_has_a_site_install_at_its_default_site_dir(host_site):
    from tui import config

    cfg = config.load()  # no env fixture: what the host would give
    assert cfg.is_site and cfg.site.group == HOST_GROUP and cfg.site_dir == host_site
    assert cfg.xero.client_id == "HOST-SITE-CLIENT"


def test_the_env_fixture_moves_every_dir_into_the_test(cfg, tmp_path):
    assert not cfg.is_site
    assert (cfg.site_dir, cfg.config_dir, cfg.data_dir) == (tmp_path / "site", tmp_path / "config", tmp_path / "data")


def _helpers(cfg, tmp_path):
    site = SitePaths(tmp_path / "shop")
    return {
        "cli_env": cli_env(cfg),
        "cli_env with a client id": cli_env(cfg, "http://127.0.0.1:9", "client"),
        "sync_env": sync_env("http://127.0.0.1:9", "client", config_dirs(cfg)),
        "child_env(home_dirs)": child_env(home_dirs(tmp_path / "home")),
        "SitePaths.env": site.env(),
    }


def test_every_helper_gives_the_test_its_own_site_dir(cfg, tmp_path, host_site):
    for name, env in _helpers(cfg, tmp_path).items():
        site = env.get("TRADIECORE_SITE_DIR", "")
        assert site.startswith(str(tmp_path)), f"{name}: TRADIECORE_SITE_DIR={site!r}"
        assert str(host_site) not in env.values(), name
        assert env.get("TRADIECORE_CONFIG_DIR", "").startswith(str(tmp_path)), name


def test_child_env_refuses_to_build_without_all_three_dirs(tmp_path):
    for left_out in DIRS:
        dirs = {k: v for k, v in home_dirs(tmp_path).items() if k != left_out}
        with pytest.raises(ValueError, match=left_out):
            child_env(dirs)


def _version(env):
    return subprocess.run([sys.executable, "-m", "tui", "--version"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=60)


@pytest.mark.parametrize("change", ["no site dir", "the host's site dir", "the default site dir",
                                    "no config dir", "no data dir"])
def test_a_tradiecore_process_without_the_tests_dirs_fails_the_test(tmp_path, host_site, change):
    env = child_env(home_dirs(tmp_path))
    if change == "no site dir":
        del env["TRADIECORE_SITE_DIR"]
    elif change == "the host's site dir":
        env["TRADIECORE_SITE_DIR"] = str(host_site)
    elif change == "the default site dir":
        env["TRADIECORE_SITE_DIR"] = DEFAULT_SITE_DIR
    else:
        del env["TRADIECORE_" + change.split()[1].upper() + "_DIR"]
    with pytest.raises(HostLeak):
        _version(env)
    with pytest.raises(HostLeak):
        subprocess.Popen([sys.executable, "-c", "import tui.config"], env=env)


def test_inheriting_the_runs_environment_is_refused_too(host_site):
    with pytest.raises(HostLeak, match="host's"):
        _version(None)


def test_a_process_on_the_tests_dirs_runs(tmp_path):
    done = _version(child_env(home_dirs(tmp_path)))
    assert done.returncode == 0 and done.stdout.startswith("tradiecore ")


def test_other_programs_are_not_checked(tmp_path):
    assert subprocess.run(["true"], env={}).returncode == 0
