"""Running tradiecore as other Unix users in tests (the test process is root): ``setpriv`` and a Python any uid
can run.

The test process's own Python may sit where other users cannot read it (e.g. under /root). Then
:func:`other_user_python` builds a virtualenv from the system Python in /tmp, readable by everyone, with the
project's dependencies installed from a copy of the project; it is kept between runs, keyed by the project's
dependencies (built once: parallel test workers wait for the one building it), and the code under test always comes from this checkout (``PYTHONPATH``, ahead of what the venv installed).
"""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path
from typing import Sequence

from filelock import FileLock

ROOT = Path(__file__).resolve().parent.parent
NOBODY = 65534
SYSTEM_PYTHON = "/usr/bin/python3"


def can_switch_users() -> str | None:
    """Why tests cannot run commands as other users here (None: they can)."""
    if os.geteuid() != 0:
        return "running as other users needs root"
    if shutil.which("setpriv") is None:
        return "running as other users needs setpriv (util-linux)"
    return None


def setpriv(uid: int, gid: int, groups: Sequence[int] = ()) -> list[str]:
    """The ``setpriv`` prefix that runs a command as ``uid``:``gid`` with exactly ``groups`` besides."""
    return ["setpriv", f"--reuid={uid}", f"--regid={gid}",
            f"--groups={','.join(str(g) for g in groups)}" if groups else "--clear-groups", "--"]


def run_as(uid: int, gid: int, groups: Sequence[int], argv: Sequence[str], env: dict[str, str],
           timeout: float = 120, cwd: Path | str | None = None) -> subprocess.CompletedProcess:
    """``argv`` as another user (root drops to ``uid``, losing every capability); output as text."""
    return subprocess.run([*setpriv(uid, gid, groups), *argv], env=env, cwd=cwd or "/", capture_output=True,
                          text=True, timeout=timeout)


def tradiecore_as(uid: int, gid: int, groups: Sequence[int], args: Sequence[str], env: dict[str, str],
                  timeout: float = 120) -> subprocess.CompletedProcess:
    """``tradiecore ARGS`` as another user, on this checkout's code."""
    env = {**env, "PYTHONPATH": str(ROOT)}
    return run_as(uid, gid, groups, [other_user_python(), "-m", "tui", *args], env, timeout)


def _works_for_nobody(python: str) -> bool:
    # through env: setpriv itself may still reach a binary that the user it became could not (a /root venv)
    probe = run_as(NOBODY, NOBODY, (), ["/usr/bin/env", python, "-c", "import tui, sqlalchemy, cryptography, httpx"],
                   {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}, timeout=60)
    return probe.returncode == 0


def shared_tmp(prefix: str = "tradiecore-") -> Path:
    """A new directory in /tmp that every user may enter (pytest's own tmp dirs are root's alone)."""
    path = Path(tempfile.mkdtemp(prefix=prefix, dir="/tmp"))
    path.chmod(0o755)
    return path


@functools.lru_cache(maxsize=None)
def other_user_python() -> str:
    """A Python any uid can run, with the project's dependencies: this process's own if it can, else a venv
    from the system Python, built once per list of dependencies (a minute or two) and kept in /tmp."""
    if _works_for_nobody(sys.executable):
        return sys.executable
    # keyed by the dependencies alone: a change to the test extra or pytest's settings reuses it
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    digest = hashlib.sha256("\n".join(sorted(deps)).encode()).hexdigest()[:12]
    venv = Path(tempfile.gettempdir()) / f"tradiecore-multiuser-venv-{digest}"
    with FileLock(f"{venv}.lock"):  # parallel workers (pytest -n): one builds it, the others wait and use it
        return _kept_venv(venv)


def _kept_venv(venv: Path) -> str:
    python = venv / "bin" / "python"
    if python.exists() and _works_for_nobody(str(python)):
        return str(python)
    building = Path(tempfile.mkdtemp(prefix="tradiecore-venv-build-", dir="/tmp"))
    try:
        copy = building / "project"
        copy.mkdir()
        shutil.copy2(ROOT / "pyproject.toml", copy)
        shutil.copy2(ROOT / "README.md", copy)
        shutil.copytree(ROOT / "tui", copy / "tui", ignore=shutil.ignore_patterns("__pycache__"))
        target = building / "venv"
        subprocess.run([SYSTEM_PYTHON, "-m", "venv", str(target)], check=True, capture_output=True)
        subprocess.run([str(target / "bin" / "pip"), "install", "-q", str(copy)], check=True, capture_output=True,
                       timeout=900)
        shutil.rmtree(copy)
        building.chmod(0o755)
        if venv.is_symlink():
            venv.unlink()
        elif venv.exists():
            shutil.rmtree(venv)
        # a venv's scripts name its own path: it is used where it was built, through a link at the kept name
        venv.symlink_to(target)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    if not _works_for_nobody(str(python)):
        raise RuntimeError(f"{python} cannot be run by uid {NOBODY}")
    return str(python)
