"""``python -m tui.bench startup [--runs 5] [--invoices 1000]``: time to the first frame, as a person sees it.

Each command runs in a fresh pseudo-terminal of 100x30 (:mod:`tui.bench.pty_run`); the clock runs from exec to
the first output that holds a text: the real ``tradiecore run`` on a database of N sent invoices ("To Do", then
the first invoice number), the real ``tradiecore demo`` (likewise, with its own demo data and sandbox), and, as
the yardstick on this machine at this moment, a bare Textual app (Header, OptionList of 200, Footer; its title,
then its first row). The commands take turns, run after run, so a busy machine slows all of them alike; one round
first, not counted, warms the disk cache and compiles the bytecode. Ratios are medians over the bare app's
median of the same thing: the first frame (our title "To Do" against the bare app's title) and the first data
(our first invoice number against the bare app's first row).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from tui.bench.bare import FIRST_ROW, TITLE
from tui.bench.childenv import home_dirs
from tui.bench.pty_run import time_texts
from tui.bench.seeding import seed_home
from tui.bench.targets import Target, verdict

FIRST_FRAME_RATIO, FIRST_DATA_RATIO = 1.3, 2.0  # `tradiecore run` over the bare app: title, first data row


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
    demo_env = {**env, **home_dirs(home / "demo")}
    py = sys.executable
    probes = [
        Probe("bare Textual app", [py, "-m", "tui.bench.bare"], env, {"first frame": TITLE, "first data": FIRST_ROW}),
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
    bare = {label: statistics.median(times) for label, times in probes[0].times.items()}
    say(f"{runs} interleaved runs each, 100x30 pseudo-terminal, seconds from exec to the text on screen; "
        "ratio: over the bare app's same thing")
    say(f"{'what':<36} {'min':>6} {'median':>7} {'max':>6} {'ratio':>6}")
    for probe in probes:
        for label, times in probe.times.items():
            med = statistics.median(times)
            say(f"{probe.name + ': ' + label:<36} {min(times):>6.2f} {med:>7.2f} {max(times):>6.2f} "
                f"{med / bare[label]:>6.2f}")
    run, demo = probes[1].times, probes[2].times
    say("")
    say(f"bare first frame s: {bare['first frame']:.2f}")
    say(f"bare first data s: {bare['first data']:.2f}")
    say(f"first frame ratio: {statistics.median(run['first frame']) / bare['first frame']:.2f}")
    say(f"first data ratio: {statistics.median(run['first data']) / bare['first data']:.2f}")
    say(f"demo first frame ratio: {statistics.median(demo['first frame']) / bare['first frame']:.2f}")
    say(f"demo first data ratio: {statistics.median(demo['first data']) / bare['first data']:.2f}")
    return verdict([Target("start-up first frame ratio", round(statistics.median(run["first frame"])
                                                              / bare["first frame"], 2), FIRST_FRAME_RATIO),
                    Target("start-up first data ratio", round(statistics.median(run["first data"])
                                                             / bare["first data"], 2), FIRST_DATA_RATIO)], say)
