"""``python -m tui.bench.stall``: the UI's stalls during the first sync pass, measured in TradieApp itself.

Run in a fresh process by ``python -m tui.bench sync`` (the business seeded and connected, the environment
pointing at it and at the sandbox): the real app starts headless at 100x30 as ``tradiecore run`` would; the
window opens when To Do has its first rows, which is when the app starts its background sync, and closes when
that first pass is done. Everything the pass needs (the sync modules, the Xero client, the HTTP client) is
imported and built inside the window, as in the app. A 10 ms timer on the UI loop meanwhile: its lateness is the
stall. Prints ``key: value`` lines for the parent.
"""

from __future__ import annotations

import time

from tui.app import TradieApp
from tui.widgets.sync_scheduler import PassResult


class StallMeter(TradieApp):
    """TradieApp with a 10 ms timer from the first To Do rows to the end of the first sync pass."""

    TICK_S = 0.01

    def __init__(self, services) -> None:
        super().__init__(services, sync_interval=None)
        self.lateness: list[float] = []
        self.rows = 0
        self.status = ""
        self.window_s = 0.0
        self._last = 0.0
        self._opened = 0.0

    def first_rows_shown(self) -> None:
        if not self._opened:
            self.rows = sum(len(g.rows) for g in self.screen.groups)
            self._opened = self._last = time.perf_counter()
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
            self.status = result.status.plain
            self.exit()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def main() -> int:
    from tui import config
    from tui.services import Services

    services = Services(config.load(), user="bench")
    app = StallMeter(services)
    try:
        app.run(headless=True, size=(100, 30))
    finally:
        services.close()
    print(f"to do rows: {app.rows}")
    print(f"first pass: {app.status}")
    print(f"window s: {app.window_s:.2f}")
    print(f"ticks: {len(app.lateness)}")
    print(f"stall worst ms: {max(app.lateness, default=0) * 1000:.0f}")
    print(f"stall p99 ms: {percentile(app.lateness, 0.99) * 1000:.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
