"""Run a command in a pseudo-terminal of a fixed size and time when texts reach the screen.

:class:`Screen` keeps what the terminal shows (cursor moves, erases and text; colours ignored), since a program
such as Textual rewrites only the cells that changed: a text is on screen when a row of it holds the text."""

from __future__ import annotations

import codecs
import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import termios
import time
import unicodedata
from dataclasses import dataclass
from typing import Callable

#: A CSI sequence (its parameters and final byte), or the other escapes (OSC, DCS/APC/PM, two-byte ESC x).
_TOKENS = re.compile(r"\x1b\[([0-?]*)[ -/]*([@-~])|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[P^_X][^\x1b]*\x1b\\|"
                     r"\x1b[ -~]|([\r\n\b])|([^\x00-\x1f\x1b]+)")


class Screen:
    """The cells of a ``cols`` x ``rows`` terminal, fed its output stream."""

    def __init__(self, cols: int, rows: int):
        self.cols, self.rows = cols, rows
        self.cells = [[" "] * cols for _ in range(rows)]
        self.row = self.col = 0
        self._pending = ""  # an escape sequence cut at the end of a chunk

    def feed(self, data: str) -> None:
        data = self._pending + data
        cut = data.rfind("\x1b")
        if cut != -1 and not _TOKENS.match(data, cut):
            data, self._pending = data[:cut], data[cut:]
        else:
            self._pending = ""
        for m in _TOKENS.finditer(data):
            params, final, control, text = m.groups()
            if text:
                self._write(text)
            elif control:
                if control == "\r":
                    self.col = 0
                elif control == "\n":
                    self.row = min(self.rows - 1, self.row + 1)
                else:
                    self.col = max(0, self.col - 1)
            elif final:
                self._csi(params, final)

    def _csi(self, params: str, final: str) -> None:
        if params.startswith("?"):
            return
        args = [int(a) if a.isdigit() else 0 for a in params.split(";")] if params else []
        n = max(1, args[0]) if args else 1
        if final in "Hf":
            self.row = min(self.rows, max(1, args[0] if args else 1)) - 1
            self.col = min(self.cols, max(1, args[1] if len(args) > 1 else 1)) - 1
        elif final == "A":
            self.row = max(0, self.row - n)
        elif final == "B":
            self.row = min(self.rows - 1, self.row + n)
        elif final == "C":
            self.col = min(self.cols - 1, self.col + n)
        elif final == "D":
            self.col = max(0, self.col - n)
        elif final == "G":
            self.col = min(self.cols, n) - 1
        elif final == "K":
            start, end = {0: (self.col, self.cols), 1: (0, self.col + 1)}.get(args[0] if args else 0, (0, self.cols))
            self.cells[self.row][start:end] = [" "] * (end - start)
        elif final == "J" and (args[0] if args else 0) == 2:
            self.cells = [[" "] * self.cols for _ in range(self.rows)]

    def _write(self, text: str) -> None:
        line = self.cells[self.row]
        for ch in text:
            if self.col >= self.cols:
                break
            line[self.col] = ch
            self.col += 1
            if unicodedata.east_asian_width(ch) in "WF" and self.col < self.cols:
                line[self.col] = ""
                self.col += 1

    def lines(self) -> list[str]:
        return ["".join(row) for row in self.cells]

    def shows(self, text: str) -> bool:
        return any(text in line for line in self.lines())


class PtySession:
    """``cmd`` on a new pseudo-terminal of ``cols`` x ``rows``; the clock starts just before exec."""

    def __init__(self, cmd: list[str], env: dict[str, str], *, cols: int = 100, rows: int = 30,
                 cwd: str | None = None):
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.output = bytearray()
        self.screen = Screen(cols, rows)
        self._decode = codecs.getincrementaldecoder("utf-8")("replace")
        self.started = self.sent = time.perf_counter()
        self.proc = subprocess.Popen(cmd, stdin=slave, stdout=slave, stderr=slave,
                                     env={**env, "TERM": "xterm-256color"}, cwd=cwd, start_new_session=True,
                                     close_fds=True)
        os.close(slave)

    def wait_for(self, texts: list[str], timeout: float = 60.0) -> dict[str, float | None]:
        """Seconds from the start (or the last :meth:`send`) until each text is on screen; None: not seen before
        the time-out or the end of the program."""
        return self._watch({text: (lambda screen, text=text: screen.shows(text)) for text in texts}, timeout)

    def wait_until(self, condition: Callable[[Screen], bool], timeout: float = 60.0) -> float | None:
        """Seconds from the start (or the last :meth:`send`) until the screen meets ``condition``."""
        return self._watch({"": condition}, timeout)[""]

    def _watch(self, conditions: dict[str, Callable[[Screen], bool]], timeout: float) -> dict[str, float | None]:
        since = self.sent
        seen: dict[str, float | None] = dict.fromkeys(conditions)
        for name, condition in conditions.items():
            if condition(self.screen):
                seen[name] = time.perf_counter() - since
        deadline = time.perf_counter() + timeout
        while any(v is None for v in seen.values()) and time.perf_counter() < deadline:
            if not select.select([self.master], [], [], 0.05)[0]:
                if self.proc.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(self.master, 65536)
            except OSError:  # the child closed the terminal
                break
            now = time.perf_counter()
            self.output += chunk
            self.screen.feed(self._decode.decode(chunk))
            for name, condition in conditions.items():
                if seen[name] is None and condition(self.screen):
                    seen[name] = now - since
        return seen

    def send(self, keys: bytes) -> None:
        self.sent = time.perf_counter()
        os.write(self.master, keys)

    def peak_rss_mb(self) -> float:
        """The program's peak resident memory so far (VmHWM)."""
        with open(f"/proc/{self.proc.pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        return 0.0

    def close(self) -> None:
        """Ctrl+Q, and the program is ended if it has not quit within 5 s."""
        try:
            os.write(self.master, b"\x11")
        except OSError:
            pass
        end = time.monotonic() + 5
        while self.proc.poll() is None and time.monotonic() < end:
            if select.select([self.master], [], [], 0.05)[0]:
                try:
                    os.read(self.master, 65536)  # keep the terminal drained so the app can write its last frame
                except OSError:
                    break
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        os.close(self.master)


@dataclass
class Timed:
    """Seconds from exec to the first output holding each text (None: not seen before the time-out)."""

    seen: dict[str, float | None]
    output: bytes


def time_texts(cmd: list[str], texts: list[str], env: dict[str, str], *, timeout: float = 60.0) -> Timed:
    """Start ``cmd`` at 100x30, time each text's first appearance, then quit it."""
    session = PtySession(cmd, env)
    try:
        seen = session.wait_for(texts, timeout)
    finally:
        session.close()
    return Timed(seen, bytes(session.output))
