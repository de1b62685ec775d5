"""The environment of a ``tradiecore`` process that a benchmark (or a test) starts: this process's own, without
any ``TRADIECORE_*`` setting from the shell, on its own config, data and site dirs.

The site dir matters most: a process started without one reads ``/etc/tradiecore/config.toml``, and on a shop
server that makes it the shop's site install (its group, its data dir, its secrets) instead of the one measured.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PREFIX = "TRADIECORE_"
DIRS = ("TRADIECORE_CONFIG_DIR", "TRADIECORE_DATA_DIR", "TRADIECORE_SITE_DIR")
KEPT = ("TRADIECORE_USER", "TRADIECORE_SYNC_LOOK_S")  # who is at the keyboard; how often a syncer looks


def home_dirs(home: Path) -> dict[str, str]:
    """Config, data and site dirs inside ``home``."""
    return {"TRADIECORE_CONFIG_DIR": str(home / "config"), "TRADIECORE_DATA_DIR": str(home / "data"),
            "TRADIECORE_SITE_DIR": str(home / "site")}


def child_env(dirs: dict[str, str], **extra: str) -> dict[str, str]:
    """This process's environment without its ``TRADIECORE_*`` settings (but :data:`KEPT`), on ``dirs`` (all
    three of :data:`DIRS`: :func:`home_dirs`), this checkout's code first, plus ``extra``."""
    missing = [name for name in DIRS if not dirs.get(name)]
    if missing:
        raise ValueError(f"a tradiecore process needs its own {', '.join(missing)}")
    env = {k: v for k, v in os.environ.items() if not k.startswith(PREFIX) or k in KEPT}
    env.update(dirs, PYTHONPATH=str(ROOT))
    env.update(extra)
    return env


def config_dirs(cfg) -> dict[str, str]:
    """The config, data and site dirs of a loaded :class:`tui.config.Config`."""
    return {"TRADIECORE_CONFIG_DIR": str(cfg.config_dir), "TRADIECORE_DATA_DIR": str(cfg.data_dir),
            "TRADIECORE_SITE_DIR": str(cfg.site_dir)}
