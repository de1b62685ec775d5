"""`tradiecore service [--install]`: the systemd unit of the sync service."""

from __future__ import annotations

import re
import os
import pwd
import shutil
import stat
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from tests.ops.helpers import cli_env, one_line_error, tradiecore
from tui.config import SiteConfig

ME = pwd.getpwuid(os.geteuid()).pw_name


def _site(cfg, user: str = ME, group: str = ""):
    return replace(cfg, site=SiteConfig(user=user, group=group))


def _printed(cfg, capsys) -> str:
    from tui.ops.service import service

    assert service(cfg) == 0
    return capsys.readouterr().out


def _parse(text: str) -> dict[str, dict[str, list[str]]]:
    """The unit as systemd reads it: ``[Section]`` headers, then ``Key=value`` lines (a key may repeat, e.g.
    Environment=); anything else fails the test."""
    unit: dict[str, dict[str, list[str]]] = {}
    section = None
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        header = re.fullmatch(r"\[([A-Za-z]+)\]", line)
        if header:
            assert header[1] not in unit, f"section {header[1]} twice"
            section = unit.setdefault(header[1], {})
            continue
        match = re.fullmatch(r"([A-Za-z]+)=(\S.*)", line)
        assert match and section is not None, f"not a unit line: {line!r}"
        section.setdefault(match[1], []).append(match[2])
    return unit


def test_the_unit_runs_tradiecore_sync_as_the_site_user_hardened(cfg, capsys):
    group = next(g for g in ("nogroup", "nobody", "root") if _group_exists(g))
    text = _printed(_site(cfg, group=group), capsys)
    unit = _parse(text)
    assert list(unit) == ["Unit", "Service", "Install"]
    svc = unit["Service"]
    assert all(len(values) == 1 for key, values in svc.items() if key != "Environment")
    entry = Path(sys.executable).absolute().parent / "tradiecore"
    assert svc["ExecStart"] == [f"{entry} sync"]
    assert svc["User"] == [ME] and svc["Group"] == [group]
    assert svc["Restart"] == ["on-failure"]
    assert svc["NoNewPrivileges"] == ["yes"] and svc["ProtectSystem"] == ["strict"] and svc["PrivateTmp"] == ["yes"]
    assert svc["ReadWritePaths"][0].split() == [str(cfg.data_dir), str(cfg.config_dir)]
    assert svc["Environment"] == [f"TRADIECORE_SITE_DIR={cfg.site_dir}", f"TRADIECORE_DATA_DIR={cfg.data_dir}",
                                  f"TRADIECORE_CONFIG_DIR={cfg.config_dir}"]
    default = _printed(replace(_site(cfg, group=group), site_dir=Path("/etc/tradiecore")), capsys)
    assert "TRADIECORE_SITE_DIR" not in default  # the default site dir needs no setting
    assert unit["Install"]["WantedBy"] == ["multi-user.target"]


def _group_exists(name: str) -> bool:
    import grp

    try:
        grp.getgrnam(name)
        return True
    except KeyError:
        return False


def test_a_site_dir_other_than_the_default_is_passed_on(cfg, capsys, tmp_path):
    text = _printed(replace(_site(cfg), site_dir=tmp_path / "site"), capsys)
    assert f"Environment=TRADIECORE_SITE_DIR={tmp_path / 'site'}\n" in text


def test_systemd_analyze_verifies_the_unit(cfg, capsys, tmp_path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed")
    path = tmp_path / "tradiecore-sync.service"
    path.write_text(_printed(_site(cfg), capsys))
    done = subprocess.run([analyze, "verify", str(path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "Unknown key" not in done.stderr and "Invalid" not in done.stderr and "Failed" not in done.stderr


def test_install_without_systemd_writes_nothing(cfg, tmp_path, capsys):
    from tui.ops.service import SYSTEMD_RUNNING, service

    if SYSTEMD_RUNNING.is_dir():
        pytest.skip("systemd runs here: --install would install the service")
    units = tmp_path / "units"
    assert service(_site(cfg), do_install=True, unit_dir=units) == 2
    assert "systemd is not running on this machine" in capsys.readouterr().err
    assert not units.exists()


def test_install_where_systemd_runs_writes_the_unit_and_starts_it(cfg, tmp_path, monkeypatch, capsys):
    """systemd cannot run here: a `systemctl` on PATH records what it is asked to do."""
    from tui.ops.service import install

    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    calls = tmp_path / "systemctl.calls"
    fake = bin_dir / "systemctl"
    fake.write_text(f"#!/bin/sh\necho \"$@\" >> {calls}\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    units = tmp_path / "units"
    assert install(_site(cfg), units, systemd_running=True) == 0
    unit = units / "tradiecore-sync.service"
    assert _parse(unit.read_text())["Service"]["ExecStart"][0].endswith(" sync")
    assert stat.S_IMODE(unit.stat().st_mode) == 0o644
    assert calls.read_text().splitlines() == ["daemon-reload", "enable --now tradiecore-sync.service"]
    assert cfg.data_dir.is_dir() and cfg.config_dir.is_dir()  # made for the service: it cannot make them itself
    assert "Installed" in capsys.readouterr().out


def test_the_command_as_root_without_a_site_user_says_where_to_set_it(cfg):
    proc = tradiecore(cli_env(cfg), "service")
    if os.geteuid() != 0:
        assert proc.returncode == 0 and f"User={ME}\n" in proc.stdout  # whoever runs it
        return
    assert proc.returncode == 2
    assert "set user under [site] in the site config" in one_line_error(proc)
    assert proc.stdout == ""
