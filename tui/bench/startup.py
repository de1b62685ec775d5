"""``python -m tui.bench startup [--runs 5] [--invoices 1000]``: time to the first frame, as a person sees it.

Each command runs in a fresh pseudo-terminal of 100x30 (:mod:`tui.bench.pty_run`); the clock runs from exec to
the first output that holds a text: the real ``tradiecore run`` on a database of N sent invoices ("To Do", then
the first invoice number), the real ``tradiecore demo`` (likewise, with its own demo data and sandbox), and, as
the yardstick on this machine at this moment, a bare Textual app (Header, OptionList of 200, Footer; its first
row). The commands take turns, run after run, so a busy machine slows all of them alike; one round first, not
counted, warms the disk cache and compiles the bytecode. Ratios are medians over the bare app's median.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from tui.bench.bare import FIRST_ROW
from tui.bench.pty_run import time_texts
from tui.bench.seeding import seed_home


@dataclass
class Probe:
    name: str
    cmd: list[str]
    env: dict[str, str]
    texts: dict[str, str]  # label -> text on screen
    times: dict[str, list[float]] = field(default_factory=dict)


def bench_startup(runs: int, invoices: int, customers: int, say=print) -> int:
    home = Path(tempfile.mkdtemp(prefix="tradiecore-startup-"))
    env = seed_home(home / "run", invoices, customers)
    demo_env = {**env, "TRADIECORE_DATA_DIR": str(home / "demo-data"), "TRADIECORE_CONFIG_DIR": str(home / "demo-cfg")}
    py = sys.executable
    probes = [
        Probe("bare Textual app", [py, "-m", "tui.bench.bare"], env, {"first frame": FIRST_ROW}),
        Probe("tradiecore run", [py, "-m", "tui", "run"], env, {"first frame": "To Do", "first data": "TC-0"}),
        Probe("tradiecore demo", [py, "-m", "tui", "demo"], demo_env, {"first frame": "To Do", "first data": "INV-0"}),
    ]
    for n in range(runs + 1):  # round 0 warms up and is not counted
        for probe in probes:
            timed = time_texts(probe.cmd, list(probe.texts.values()), probe.env)
            for label, text in probe.texts.items():
                when = timed.seen[text]
                if when is None:
                    say(f"{probe.name}: {text!r} never appeared; last output:\n{timed.output[-2000:]!r}")
                    return 1
                if n:
                    probe.times.setdefault(label, []).append(when)
    bare = statistics.median(probes[0].times["first frame"])
    say(f"{runs} interleaved runs each, 100x30 pseudo-terminal, seconds from exec to the text on screen")
    say(f"{'what':<36} {'min':>6} {'median':>7} {'max':>6} {'ratio':>6}")
    for probe in probes:
        for label, times in probe.times.items():
            med = statistics.median(times)
            say(f"{probe.name + ': ' + label:<36} {min(times):>6.2f} {med:>7.2f} {max(times):>6.2f} "
                f"{med / bare:>6.2f}")
    run = probes[1].times
    say("")
    say(f"first frame ratio: {statistics.median(run['first frame']) / bare:.2f}")
    say(f"first data ratio: {statistics.median(run['first data']) / bare:.2f}")
    say(f"demo first frame ratio: {statistics.median(probes[2].times['first frame']) / bare:.2f}")
    return 0
