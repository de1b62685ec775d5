"""Site installs made by ``tradiecore setup --site`` as root, in /tmp dirs every test user may enter."""

from __future__ import annotations

import grp
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import skip_or_fail
from tests.multiuser import ROOT, can_switch_users, shared_tmp

GROUP = "users"  # an existing group the test users join (setup refuses a group that does not exist)


@dataclass(frozen=True)
class SitePaths:
    base: Path

    @property
    def site_dir(self) -> Path:
        return self.base / "etc" / "tradiecore"

    @property
    def data_dir(self) -> Path:
        return self.base / "var" / "lib" / "tradiecore"

    @property
    def key(self) -> Path:
        return self.site_dir / "secrets.key"

    @property
    def config(self) -> Path:
        return self.site_dir / "config.toml"

    @property
    def db(self) -> Path:
        return self.data_dir / "tradiecore.db"

    def env(self, **extra: str) -> dict[str, str]:
        """root's environment for ``tradiecore``: this site, root's own config dir, nothing else of ours."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("TRADIECORE_")}
        env.update(TRADIECORE_SITE_DIR=str(self.site_dir), TRADIECORE_CONFIG_DIR=str(self.base / "root-config"),
                   TRADIECORE_USER="owner", PYTHONPATH=str(ROOT), **extra)
        return env

    def setup(self, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
        """``tradiecore setup --site ARGS`` as root."""
        return subprocess.run([sys.executable, "-m", "tui", "setup", "--site", *args], cwd=ROOT,
                              env=env or self.env(), capture_output=True, text=True, timeout=120)


@pytest.fixture
def site_paths():
    why = can_switch_users()
    if why:
        skip_or_fail(why)
    if os.geteuid() == 0 and not _group_exists(GROUP):
        skip_or_fail(f"the tests need the group {GROUP!r}")
    base = shared_tmp("tradiecore-site-")
    yield SitePaths(base)
    shutil.rmtree(base, ignore_errors=True)


def _group_exists(name: str) -> bool:
    try:
        grp.getgrnam(name)
    except KeyError:
        return False
    return True
