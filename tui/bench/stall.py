"""``python -m tui.bench.stall OUT``: the UI's stalls during the first sync pass, measured in TradieApp itself.

Run by ``python -m tui.bench sync`` in a 100x30 pseudo-terminal (:func:`run_in_terminal`; the business seeded
and connected, the environment pointing at it and at the sandbox): the real app starts as ``tradiecore run``
would and draws every frame to the terminal, as a user's terminal gets it; the window opens when To Do has its
first rows, which is when the app starts its background sync, and closes when that first pass is done. The app
syncs in its sync process, as ``tradiecore`` runs it (:mod:`tui.shell.sync_process`); the CPU time the app's
own process spent in the window is written too (``ui cpu s``: the sync's work is not in it).
The sync process is started, and everything the pass needs (the sync modules, the Xero client, the HTTP client)
imported and built, inside the window, as in the app. A 10 ms timer on the UI loop meanwhile: its lateness is the
stall. Writes ``key: value`` lines to the file OUT for the parent.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from tui.app import TradieApp
from tui.shell.sync_pass import PassResult


class StallMeter(TradieApp):
    """TradieApp with a 10 ms timer from the first To Do rows to the end of the first sync pass."""

    TICK_S = 0.01

    def __init__(self, services) -> None:
        super().__init__(services, sync_interval=None, sync_process=True)  # as ``tradiecore`` runs it
        self.lateness: list[float] = []
        self.rows = 0
        self.status = ""
        self.window_s = 0.0
        self._last = 0.0
        self._opened = 0.0
        self.cpu_s = 0.0  # the process's CPU time when the window opened, then the window's

    def first_rows_shown(self) -> None:
        if not self._opened:
            self.rows = sum(len(g.rows) for g in self.screen.groups)
            self._opened = self._last = time.perf_counter()
            self.cpu_s = time.process_time()
            self.set_interval(self.TICK_S, self._tick)
        super().first_rows_shown()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.lateness.append(max(0.0, now - self._last - self.TICK_S))
        self._last = now

    def sync_passed(self, result: PassResult) -> None:
        super().sync_passed(result)
        if not self.window_s:
            self._tick()
            self.window_s = time.perf_counter() - self._opened
            self.cpu_s = time.process_time() - self.cpu_s
            self.status = result.status.plain
            self.exit()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def run_in_terminal(env: dict[str, str], timeout: float = 600) -> dict[str, str]:
    """The first pass in TradieApp in a fresh process drawing to a 100x30 pseudo-terminal; the ``key: value``
    lines it wrote."""
    from tui.bench.childenv import ROOT
    from tui.bench.pty_run import PtySession

    out = Path(tempfile.mkdtemp(prefix="tradiecore-stall-")) / "stall.txt"
    session = PtySession([sys.executable, "-m", "tui.bench.stall", str(out)], env, cwd=str(ROOT))
    try:
        session.wait_until(lambda screen: False, timeout=timeout)  # drains the terminal until the app exits
    finally:
        session.close()
    if not out.exists():
        raise RuntimeError("the app's first sync failed to run; its terminal showed:\n"
                           + "\n".join(session.screen.lines()))
    return dict(line.split(": ", 1) for line in out.read_text().splitlines() if ": " in line)


def main(argv: list[str]) -> int:
    from tui import config
    from tui.services import Services

    services = Services(config.load(), user="bench")
    app = StallMeter(services)
    try:
        app.run()  # on the terminal it was given: every frame drawn and written
    finally:
        services.close()
    lines = [f"to do rows: {app.rows}", f"first pass: {app.status}", f"window s: {app.window_s:.2f}",
             f"ui cpu s: {app.cpu_s:.2f}",
             f"ticks: {len(app.lateness)}", f"stall worst ms: {max(app.lateness, default=0) * 1000:.0f}",
             f"stall p99 ms: {percentile(app.lateness, 0.99) * 1000:.0f}"]
    Path(argv[0]).write_text("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
