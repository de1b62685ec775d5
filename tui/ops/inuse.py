"""Which processes have a SQLite database open, from ``/proc/locks``.

Every SQLite connection in WAL mode holds POSIX read locks on the database file and its ``-shm`` file for as
long as it is open, and the kernel lists every lock of every process of every user in ``/proc/locks`` (the
device and inode of the file, and the pid). So an idle app on another person's terminal shows up as well as
``tradiecore sync`` in the middle of a pass.
"""

from __future__ import annotations

import os
import pwd
from dataclasses import dataclass
from pathlib import Path

PROC_LOCKS = Path("/proc/locks")


class CannotTell(OSError):
    """``/proc/locks`` cannot be read (not Linux, or hidden): who has the database open is unknown."""


@dataclass(frozen=True)
class Opener:
    pid: int  # 0: an open-file-description lock, whose process the kernel does not name
    user: str
    command: str

    def __str__(self) -> str:
        if not self.pid:
            return "a process the kernel does not name"
        return f"{self.command or 'a process'} (pid {self.pid}, user {self.user})"


def _file_ids(db: Path) -> set[tuple[int, int, int]]:
    ids = set()
    for path in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
        try:
            st = os.stat(path)
        except FileNotFoundError:
            continue
        ids.add((os.major(st.st_dev), os.minor(st.st_dev), st.st_ino))
    return ids


def _lock_pids(text: str, ids: set[tuple[int, int, int]]) -> set[int]:
    """Pids of the locks on these files, waiting ones (``->``) included; 0 for a lock without a pid."""
    pids = set()
    for line in text.splitlines():
        fields = [f for f in line.split() if f != "->"]
        if len(fields) < 6:
            continue
        try:
            pid = int(fields[4])
            major, minor, inode = fields[5].split(":")
            file_id = (int(major, 16), int(minor, 16), int(inode))
        except ValueError:
            continue
        if file_id in ids:
            pids.add(max(pid, 0))
    return pids


def _describe(pid: int) -> Opener:
    if not pid:
        return Opener(0, "", "")
    try:
        uid = os.stat(f"/proc/{pid}").st_uid
        user = pwd.getpwuid(uid).pw_name
    except (OSError, KeyError):
        user = "?"
    try:
        argv = [a.decode(errors="replace") for a in Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0") if a]
    except OSError:
        argv = []
    return Opener(pid, user, _command(argv))


def _command(argv: list[str]) -> str:
    """A short name for a command line: ``tradiecore sync`` for ``/srv/venv/bin/python3 /srv/venv/bin/tradiecore
    sync``, ``python -m tui`` for ``/usr/bin/python3 -m tui``."""
    if len(argv) > 1 and os.path.basename(argv[0]).startswith("python"):
        argv = ["python", *argv[1:]] if argv[1] == "-m" else argv[1:]
    if argv:
        argv = [os.path.basename(argv[0]), *argv[1:]]
    command = " ".join(argv)
    return command if len(command) <= 60 else command[:59] + "…"


def openers(db: Path) -> list[Opener]:
    """The processes (other than this one) that have ``db`` open; CannotTell when ``/proc/locks`` is unreadable."""
    ids = _file_ids(db)
    if not ids:
        return []
    try:
        text = PROC_LOCKS.read_text(encoding="ascii", errors="replace")
    except OSError as exc:
        raise CannotTell(f"cannot read {PROC_LOCKS} to see who has the database open: {exc.strerror}") from None
    return [_describe(pid) for pid in sorted(_lock_pids(text, ids)) if pid != os.getpid()]
