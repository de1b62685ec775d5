"""Run a command in a pseudo-terminal of a fixed size and time when given texts first reach the screen."""

from __future__ import annotations

import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import termios
import time
from dataclasses import dataclass

#: Escape sequences (CSI, OSC, DCS/APC/PM, two-byte ESC x): what separates the text a terminal shows.
_ESCAPES = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[P^_X][^\x1b]*\x1b\\|\x1b[ -~]")


@dataclass
class Timed:
    """Seconds from exec to the first output holding each text (None: not seen before the time-out)."""

    seen: dict[str, float | None]
    output: bytes


def screen_text(raw: bytes) -> str:
    """The printable text of a terminal's output stream, escape sequences removed."""
    return _ESCAPES.sub(b"", raw).decode("utf-8", "replace")


def time_texts(cmd: list[str], texts: list[str], env: dict[str, str], *, cols: int = 100, rows: int = 30,
               timeout: float = 60.0, cwd: str | None = None) -> Timed:
    """Start ``cmd`` on a new pseudo-terminal of ``cols`` x ``rows``; the clock starts just before exec and each
    text is timed on its first appearance. Then Ctrl+Q, and the process is ended if it has not quit."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    seen: dict[str, float | None] = dict.fromkeys(texts)
    raw = bytearray()
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdin=slave, stdout=slave, stderr=slave, env={**env, "TERM": "xterm-256color"},
                            cwd=cwd, start_new_session=True, close_fds=True)
    os.close(slave)
    try:
        deadline = t0 + timeout
        while any(v is None for v in seen.values()) and time.perf_counter() < deadline:
            ready, _, _ = select.select([master], [], [], 0.05)
            if not ready:
                if proc.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the child closed the terminal
                break
            now = time.perf_counter()
            raw += chunk
            text = screen_text(bytes(raw[-200_000:]))
            for wanted, when in seen.items():
                if when is None and wanted in text:
                    seen[wanted] = now - t0
    finally:
        _finish(proc, master)
    return Timed(seen, bytes(raw))


def _finish(proc: subprocess.Popen, master: int) -> None:
    try:
        os.write(master, b"\x11")  # Ctrl+Q
    except OSError:
        pass
    end = time.monotonic() + 5
    while proc.poll() is None and time.monotonic() < end:
        if select.select([master], [], [], 0.05)[0]:
            try:
                os.read(master, 65536)  # keep the terminal drained so the app can write its last frame
            except OSError:
                break
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    os.close(master)
