"""Tests never read the host: a pytest plugin (tests/conftest.py loads it) that makes the host look like a shop
server and refuses any ``tradiecore`` process started without the test's own dirs.

1. A shop server's site install for the whole run: a throwaway root with a site config (``[site] group`` a group
   that does not exist, its data dir unwritable), and ``TRADIECORE_SITE_DIR`` pointing at it, so it is the
   default site of the run. Code that loads the config without the ``env`` fixture (or a process that inherits
   this environment) finds a site install it cannot use, and fails, as it would on a real shop server.
2. Every process a test starts is checked as it starts (``subprocess.Popen``, so ``subprocess.run`` and asyncio's
   subprocesses too): one that runs tradiecore (``python -m tui...``, ``-m tests...``, ``-c`` code naming
   ``tui``, a ``tradiecore`` script) must get its own site dir (``TRADIECORE_SITE_DIR``, neither the run's host
   site nor missing: the default ``/etc/tradiecore``), and its own config and data dirs (``TRADIECORE_CONFIG_DIR``
   / ``TRADIECORE_DATA_DIR``, or a ``HOME`` of the test's; a site install's data dir is in its site config).
   Otherwise the test fails with :class:`HostLeak` naming the command.

Helpers that build such an environment: :func:`tui.bench.childenv.child_env` (with ``home_dirs(tmp)`` or
``config_dirs(cfg)``), ``tests.ops.helpers.cli_env``, or ``dict(os.environ)`` inside a test that uses ``env``.
"""

from __future__ import annotations

import inspect
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

DEFAULT_SITE_DIR = "/etc/tradiecore"
HOST_GROUP = "tradiecore-host-site"  # no such group: a process using the host's site install is refused
_host_site = ""
_popen_init = subprocess.Popen.__init__
_popen_params = inspect.signature(_popen_init)
_home = os.environ.get("HOME", "")


class HostLeak(AssertionError):
    """A tradiecore process started on the host's site, config or data dir."""


def host_site_dir() -> str:
    """The run's stand-in for /etc/tradiecore (a site install none of the tests may use)."""
    return _host_site


def make_host_site(root: Path) -> Path:
    """``root``/etc/tradiecore/config.toml: what ``tradiecore setup --site`` leaves on a shop server."""
    site = root / "etc" / "tradiecore"
    site.mkdir(parents=True)
    data = root / "var" / "lib" / "tradiecore"
    data.mkdir(parents=True)
    data.chmod(0o500)
    (site / "config.toml").write_text(f'[site]\ngroup = "{HOST_GROUP}"\ndata_dir = "{data}"\nuser = "nobody"\n\n'
                                      '[xero]\nclient_id = "HOST-SITE-CLIENT"\n', encoding="utf-8")
    return site


def _runs_tradiecore(argv: list[str]) -> bool:
    for i, arg in enumerate(argv):
        nxt = argv[i + 1] if i + 1 < len(argv) else ""
        if os.path.basename(arg) == "tradiecore" and not any(c.isspace() for c in arg):  # not a shell line
            return True
        if arg == "-m" and (nxt == "tui" or nxt.startswith(("tui.", "tests."))):
            return True
        if arg == "-c" and os.path.basename(argv[0]).startswith("python") and "tui" in nxt:
            return True
        if arg.endswith(".py") and "/tests/" in arg:
            return True
    return False


def leak(argv: list[str], env: dict[str, str]) -> str:
    """Why a process running ``argv`` with ``env`` would read the host ("" if it would not)."""
    if not _runs_tradiecore(argv):
        return ""
    site = env.get("TRADIECORE_SITE_DIR", "")
    if not site:
        return f"no TRADIECORE_SITE_DIR: it would read {DEFAULT_SITE_DIR}"
    if os.path.realpath(site) in (os.path.realpath(DEFAULT_SITE_DIR), os.path.realpath(_host_site or "/nonexistent")):
        return f"TRADIECORE_SITE_DIR is the host's ({site})"
    own_home = env.get("HOME", "") not in ("", _home)
    if not env.get("TRADIECORE_CONFIG_DIR") and not own_home:
        return "no TRADIECORE_CONFIG_DIR (nor a HOME of its own): it would read the user's config.toml"
    site_install = (Path(site) / "config.toml").exists() or "setup" in argv
    if not env.get("TRADIECORE_DATA_DIR") and not own_home and not site_install:
        return "no TRADIECORE_DATA_DIR (nor a HOME of its own): it would use the user's data dir"
    return ""


def _checked_init(self, *args, **kwargs):
    bound = _popen_params.bind(self, *args, **kwargs)
    argv = bound.arguments.get("args")
    argv = [argv] if isinstance(argv, (str, bytes, os.PathLike)) else list(argv)
    argv = [os.fsdecode(a) if isinstance(a, (bytes, os.PathLike)) else str(a) for a in argv]
    env = bound.arguments.get("env")
    why = leak(argv, dict(os.environ if env is None else env))
    if why:
        raise HostLeak(f"{' '.join(argv)[:200]}: {why}")
    _popen_init(self, *args, **kwargs)


def pytest_configure(config):
    global _host_site
    root = Path(tempfile.mkdtemp(prefix="tradiecore-host-"))
    config._tradiecore_host_root = root
    _host_site = str(make_host_site(root))
    os.environ["TRADIECORE_SITE_DIR"] = _host_site
    subprocess.Popen.__init__ = _checked_init


def pytest_unconfigure(config):
    subprocess.Popen.__init__ = _popen_init
    root = getattr(config, "_tradiecore_host_root", None)
    if root is not None:
        (root / "var" / "lib" / "tradiecore").chmod(0o700)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def host_site() -> Path:
    """The run's host site dir (a site install with a config none of the tests may use)."""
    return Path(_host_site)
