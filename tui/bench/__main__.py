"""``python -m tui.bench startup|sync|scale|soak|sessions|serve|all``: the benchmarks' command line. Each ends
with a ``PASS`` or ``MISS`` line per target (:mod:`tui.bench.targets`) and exits 1 on a miss; ``all`` runs them
all, then repeats every target's line at the end."""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from tui.bench.sync import bench_sync
from tui.bench.targets import Target, verdict


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m tui.bench")
    sub = p.add_subparsers(dest="what", required=True)
    st = sub.add_parser("startup", help="time to the first frame and the first invoices, against a bare Textual app")
    st.add_argument("--runs", type=int, default=5)
    st.add_argument("--invoices", type=int, default=1000)
    st.add_argument("--customers", type=int, default=300)
    s = sub.add_parser("sync", help="first sync, idle poll and a naive baseline against a fresh sandbox")
    s.add_argument("--invoices", type=int, default=1000)
    s.add_argument("--customers", type=int, default=300)
    s.add_argument("--sample", type=float, default=0.1, help="share of invoices the naive baseline runs on")
    c = sub.add_parser("scale", help="To Do, Customers' and the chart of accounts' filters, memory at 100,000 invoices")
    c.add_argument("--invoices", type=int, default=100_000)
    c.add_argument("--customers", type=int, default=10_000)
    c.add_argument("--runs", type=int, default=3)
    k = sub.add_parser("soak", help="kill -9 the sync at random moments, with edits on both sides; count losses")
    k.add_argument("--kills", type=int, default=20)
    k.add_argument("--invoices", type=int, default=200)
    k.add_argument("--customers", type=int, default=60)
    k.add_argument("--seed", type=int, help="replay a run (every run prints its seed)")
    k.add_argument("--latency", type=float, default=0.1, help="seconds the sandbox adds to every call")
    k.add_argument("--db", default="", metavar="URL", help="a PostgreSQL database to use (default: SQLite)")
    n = sub.add_parser("sessions", help="two sessions at the same instant: the same draft sent, new invoices saved")
    n.add_argument("--trials", type=int, default=20)
    n.add_argument("--db", default="", metavar="URL", help="a scratch PostgreSQL database to run on besides SQLite")
    a = sub.add_parser("all", help="every benchmark at its default size, then a PASS or MISS line per target")
    a.set_defaults(kills=20, invoices=200, customers=60, seed=None, latency=0.1, db="")
    w = sub.add_parser("serve", help="the app in a browser tab (tradiecore serve, Chromium) against a terminal: first "
                                     "screen and memory per tab")
    w.add_argument("--runs", type=int, default=3)
    w.add_argument("--tabs", type=int, default=3, help="tabs open at once for the memory figure")
    w.add_argument("--invoices", type=int, default=1000)
    w.add_argument("--customers", type=int, default=300)
    args = p.parse_args(argv)
    if args.what == "all":
        return bench_all(args)
    if args.what == "startup":
        from tui.bench.startup import bench_startup

        return bench_startup(args.runs, args.invoices, args.customers)
    if args.what == "scale":
        from tui.bench.scale import bench_scale

        return bench_scale(args.invoices, args.customers, args.runs)
    if args.what == "serve":
        from tui.bench.serve import bench_serve

        return bench_serve(args.runs, args.tabs, args.invoices, args.customers)
    if args.what == "soak":
        return bench_soak(args)
    if args.what == "sessions":
        from tui.bench.sessions import bench_sessions

        return bench_sessions(args.trials, args.db)
    return bench_sync(args.invoices, args.customers, args.sample)


def bench_all(args, say=print) -> int:
    """Every benchmark at its default size, one after another; then every target's line again, all together."""
    from tui.bench.scale import bench_scale
    from tui.bench.serve import bench_serve
    from tui.bench.sessions import bench_sessions
    from tui.bench.startup import bench_startup

    lines: list[str] = []

    def keep(line: str) -> None:
        say(line)
        if line.startswith(("PASS ", "MISS ")):
            lines.append(line)

    runs = [("startup", lambda: bench_startup(5, 1000, 300, say=keep)),
            ("sync", lambda: bench_sync(1000, 300, 0.1, say=keep)),
            ("scale", lambda: bench_scale(100_000, 10_000, 3, say=keep)),
            ("sessions", lambda: bench_sessions(20, say=keep)),
            ("serve", lambda: bench_serve(3, 3, 1000, 300, say=keep)),
            ("soak", lambda: bench_soak(args, say=keep))]
    for name, run in runs:
        say(f"\n== python -m tui.bench {name}")
        if run() and not any(line.startswith("MISS ") for line in lines):
            lines.append(f"MISS {name}: did not finish")
    say("\n== targets")
    for line in lines:
        say(line)
    return 1 if any(line.startswith("MISS ") for line in lines) or not lines else 0


def bench_soak(args, say=print) -> int:
    """The soak of :mod:`tui.bench.soak` against a sandbox in this process; 0 when nothing was lost."""
    from tui.bench.soak import run_soak
    from tui.sandbox.harness import run_sandbox

    with run_sandbox() as sb:
        report = run_soak(sb, Path(tempfile.mkdtemp(prefix="tradiecore-soak-")), kills=args.kills,
                          invoices=args.invoices, customers=args.customers, seed=args.seed, db_url=args.db,
                          latency=args.latency, say=lambda line: say(line))
    for line in report.lines():
        say(line)
    return verdict([Target("soak duplicates", len(report.duplicates), 0),
                    Target("soak missing invoices", len(report.missing), 0),
                    Target("soak lost edits", len(report.lost), 0)], say)


if __name__ == "__main__":
    raise SystemExit(main())
