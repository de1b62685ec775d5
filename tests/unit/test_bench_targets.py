"""The benchmarks' verdict: one PASS or MISS line per target, exit 1 on a miss (tui/bench/targets.py), and
``python -m tui.bench all`` repeats every target's line at the end and fails when one command misses."""

from __future__ import annotations

from types import SimpleNamespace

from tui.bench import __main__ as bench_main
from tui.bench.targets import Target, verdict


def test_each_target_is_one_line_with_its_figure_and_limit():
    lines: list[str] = []
    code = verdict([Target("ui stall worst", 23, 50, "ms"), Target("payments calls", 21, 22),
                    Target("soak lost edits", 0, 0)], lines.append)
    assert code == 0
    assert lines == ["", "PASS ui stall worst: 23 ms (target <= 50 ms)", "PASS payments calls: 21 (target <= 22)",
                     "PASS soak lost edits: 0 (target <= 0)"]


def test_a_miss_says_so_and_fails():
    lines: list[str] = []
    assert verdict([Target("ui stall p99", 17, 16, "ms"), Target("to do open", 0.37, 1, "s")], lines.append) == 1
    assert lines[1:] == ["MISS ui stall p99: 17 ms (target <= 16 ms)", "PASS to do open: 0.37 s (target <= 1 s)"]
    assert Target("rows", 3, 5, at_most=False).line() == "MISS rows: 3 (target >= 5)"


def test_no_target_is_no_pass():
    assert verdict([], lambda line: None) == 1


def test_all_runs_every_benchmark_and_ends_with_every_target(monkeypatch):
    ran = []

    def fake(name, *targets):
        def run(*args, say=print, **kwargs):
            ran.append(name)
            say(f"{name} figures")
            return verdict(list(targets), say)
        return run

    import tui.bench.scale
    import tui.bench.serve
    import tui.bench.sessions
    import tui.bench.startup

    monkeypatch.setattr(tui.bench.startup, "bench_startup", fake("startup", Target("first frame ratio", 1.1, 1.3)))
    monkeypatch.setattr(bench_main, "bench_sync", fake("sync", Target("ui stall worst", 70, 50, "ms")))
    monkeypatch.setattr(tui.bench.scale, "bench_scale", fake("scale", Target("peak memory", 104, 250, "MB")))
    monkeypatch.setattr(tui.bench.sessions, "bench_sessions", fake("sessions", Target("number race clashes", 0, 0)))
    monkeypatch.setattr(tui.bench.serve, "bench_serve", fake("serve"))
    monkeypatch.setattr(bench_main, "bench_soak", fake("soak", Target("soak lost edits", 0, 0)))
    out: list[str] = []
    assert bench_main.bench_all(SimpleNamespace(), say=out.append) == 1
    assert ran == ["startup", "sync", "scale", "sessions", "serve", "soak"]
    end = out[out.index("\n== targets") + 1:]
    assert end == ["PASS first frame ratio: 1.1 (target <= 1.3)", "MISS ui stall worst: 70 ms (target <= 50 ms)",
                   "PASS peak memory: 104 MB (target <= 250 MB)", "PASS number race clashes: 0 (target <= 0)",
                   "PASS soak lost edits: 0 (target <= 0)"]
