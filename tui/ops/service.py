"""``tradiecore service [--install] [--serve]``: the systemd unit that runs ``tradiecore sync`` as the business's
sync service (or, with ``--serve``, ``tradiecore serve``: the app for browsers), printed, or installed and started
where systemd runs."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import sys
from pathlib import Path

from tui.config import config_dir, data_dir, site_dir
from tui.ops import fail

UNIT_NAME = "tradiecore-sync.service"
SERVE_UNIT_NAME = "tradiecore-serve.service"
UNIT_DIR = Path("/etc/systemd/system")
SYSTEMD_RUNNING = Path("/run/systemd/system")  # what sd_booted() checks: systemd is this machine's init


class NoServiceUser(ValueError):
    """Nobody to run the service as; the message says where to set it."""


def _quote(word: str) -> str:
    """One word of a systemd command line: double-quoted when it holds spaces or quotes."""
    if not any(c.isspace() or c in "\"'\\" for c in word):
        return word
    return '"' + word.replace("\\", "\\\\").replace('"', '\\"') + '"'


def sync_command(args: tuple[str, ...] = ("sync",)) -> str:
    """The absolute command for ``tradiecore sync`` (or other ``args``): the entry point beside this Python, else
    ``python -m tui``."""
    python = Path(sys.executable).absolute()
    entry = python.parent / "tradiecore"
    words = " ".join(_quote(arg) for arg in args)
    if entry.is_file() and os.access(entry, os.X_OK):
        return f"{_quote(str(entry))} {words}"
    return f"{_quote(str(python))} -m tui {words}"


def service_user(cfg) -> tuple[str, str]:
    """(user, group) of the service: ``[site] user`` and ``group``; without a user, whoever runs this (not root)."""
    user = cfg.site.user or ("" if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name)
    if not user:
        raise NoServiceUser(f"no user to run the sync service as: set user under [site] in the site config "
                            f"({cfg.site_dir}), a user who may read the business's database and Xero tokens")
    return user, cfg.site.group


def service_dirs(cfg, user: str) -> tuple[Path, Path]:
    """(data dir, config dir) of the service: as this command resolves them where the environment or the site
    config sets them, or when the service runs as the user running this; else the service user's own."""
    me = pwd.getpwuid(os.geteuid()).pw_name
    try:
        home = Path(pwd.getpwnam(user).pw_dir)
    except KeyError:
        raise NoServiceUser(f"there is no user {user} on this machine: create it first "
                            f"(e.g. useradd --system {user})") from None
    dirs = []
    for resolved, own, env_name, below_home in (
            (cfg.data_dir, data_dir({}), "TRADIECORE_DATA_DIR", ".local/share/tradiecore"),
            (cfg.config_dir, config_dir({}), "TRADIECORE_CONFIG_DIR", ".config/tradiecore")):
        pinned = env_name in os.environ or resolved != own
        dirs.append(resolved if pinned or user == me else home / below_home)
    return dirs[0], dirs[1]


def unit(cfg, serve: tuple[str, ...] | None = None) -> str:
    """The unit file's text: the sync service's, or with ``serve`` (its options) ``tradiecore serve``'s."""
    user, group = service_user(cfg)
    data, config = service_dirs(cfg, user)
    environment = [f"TRADIECORE_DATA_DIR={data}", f"TRADIECORE_CONFIG_DIR={config}"]
    if cfg.site_dir != site_dir({}):
        environment.insert(0, f"TRADIECORE_SITE_DIR={cfg.site_dir}")
    service = [f"User={user}", *([f"Group={group}"] if group else []),
               *(f"Environment={_quote(pair)}" for pair in environment),
               f"ExecStart={sync_command(('sync',) if serve is None else ('serve', *serve))}",
               "Restart=on-failure", "RestartSec=2",
               "NoNewPrivileges=yes", "ProtectSystem=strict",
               # written: the database and its WAL; the secrets file and its locks, where tokens are refreshed
               f"ReadWritePaths={_quote(str(data))} {_quote(str(config))}",
               "PrivateTmp=yes"]
    name, what = (UNIT_NAME, "tradiecore Xero sync") if serve is None else (SERVE_UNIT_NAME, "tradiecore in a web browser")
    return "\n".join([
        f"# {name}: written by `tradiecore service`",
        "[Unit]", f"Description={what}", "Wants=network-online.target",
        "After=network-online.target", "",
        "[Service]", "Type=simple", *service, "",
        "[Install]", "WantedBy=multi-user.target", ""])


def install(cfg, unit_dir: Path, *, systemd_running: bool | None = None, serve: tuple[str, ...] | None = None) -> int:
    """Write the unit into ``unit_dir``, make the service's dirs if missing (owned by its user), reload systemd,
    enable and start the service. Where systemd is not this machine's init, say so and write nothing (exit 2)."""
    running = SYSTEMD_RUNNING.is_dir() if systemd_running is None else systemd_running
    if not running:
        return fail("systemd is not running on this machine, so there is no service to install; "
                    "run `tradiecore sync` under your own supervisor instead (`tradiecore service` prints the "
                    "systemd unit)", 2)
    systemctl = shutil.which("systemctl")
    if systemctl is None:
        return fail("systemctl is not on PATH; nothing was installed", 2)
    try:
        text = unit(cfg, serve)
        user, group = service_user(cfg)
        dirs = service_dirs(cfg, user)
    except NoServiceUser as exc:
        return fail(str(exc), 2)
    name = UNIT_NAME if serve is None else SERVE_UNIT_NAME
    path = unit_dir / name
    try:
        for folder in dirs:  # ProtectSystem=strict: the service could not make them itself
            if not folder.exists():
                folder.mkdir(mode=0o750, parents=True)
                shutil.chown(folder, user, group or None)
        unit_dir.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{name}.partial")
        partial.write_text(text, encoding="utf-8")
        partial.chmod(0o644)
        os.replace(partial, path)
    except (OSError, LookupError) as exc:
        return fail(f"cannot install {path}: {exc}")
    for args in (["daemon-reload"], ["enable", "--now", name]):
        done = subprocess.run([systemctl, *args], capture_output=True, text=True)
        if done.returncode != 0:
            said = (done.stderr or done.stdout).strip().splitlines()
            return fail(f"wrote {path}, but systemctl {' '.join(args)} failed: {said[0] if said else done.returncode}")
    print(f"Installed {path} and started it: systemctl status {name}; journalctl -u {name}")
    return 0


def service(cfg, *, do_install: bool = False, unit_dir: Path = UNIT_DIR, serve: tuple[str, ...] | None = None) -> int:
    """``serve``: the options of ``tradiecore serve`` in its unit (None: the sync service's unit)."""
    if do_install:
        return install(cfg, unit_dir, serve=serve)
    try:
        text = unit(cfg, serve)
    except NoServiceUser as exc:
        return fail(str(exc), 2)
    print(text, end="")
    return 0
