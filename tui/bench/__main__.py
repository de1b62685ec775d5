"""``python -m tui.bench startup|sync|scale|soak|serve``: the benchmarks' command line."""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from tui.bench.sync import bench_sync


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
    w = sub.add_parser("serve", help="the app in a browser tab (tradiecore serve, Chromium) against a terminal: first "
                                     "screen and memory per tab")
    w.add_argument("--runs", type=int, default=3)
    w.add_argument("--tabs", type=int, default=3, help="tabs open at once for the memory figure")
    w.add_argument("--invoices", type=int, default=1000)
    w.add_argument("--customers", type=int, default=300)
    args = p.parse_args(argv)
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
    return bench_sync(args.invoices, args.customers, args.sample)


def bench_soak(args) -> int:
    """The soak of :mod:`tui.bench.soak` against a sandbox in this process; 0 when nothing was lost."""
    from tui.bench.soak import run_soak
    from tui.sandbox.harness import run_sandbox

    with run_sandbox() as sb:
        report = run_soak(sb, Path(tempfile.mkdtemp(prefix="tradiecore-soak-")), kills=args.kills,
                          invoices=args.invoices, customers=args.customers, seed=args.seed, db_url=args.db,
                          latency=args.latency, say=lambda line: print(line, flush=True))
    for line in report.lines():
        print(line)
    return 0 if not (report.duplicates or report.missing or report.lost) else 1


if __name__ == "__main__":
    raise SystemExit(main())
