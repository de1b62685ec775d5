"""``python -m tui.bench scale [--invoices 100000] [--customers 10000] [--runs 3]``: the app at a big business.

A business of N sent invoices (two lines each, due dates three months either side of today) and C customers.
In a 100x30 pseudo-terminal, as a person sees it (:mod:`tui.bench.pty_run`): ``tradiecore run`` from exec to
To Do's first invoice number; then ``c``, to Customers' count line; then the filter (``/``) typed one key at a
time, each timed from the key to the new count line ("33 customers matching '42+1'"); then the process's peak
resident memory. Then the chart of accounts' filter on a chart of 1,000 revenue accounts, in a pseudo-terminal too
(:mod:`tui.bench.chart`).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from tui.bench.chart import TYPED, bench_chart
from tui.bench.pty_run import PtySession
from tui.bench.seeding import seed_home
from tui.bench.targets import Target, verdict

CUSTOMER_FILTER = "42+1"  # each key changes the count line: a key that did not could not be seen


def _customer_count_lines(services, typed: str) -> list[str]:
    """The count line Customers shows when it opens, then after each key of ``typed`` (asked of the same query
    the screen asks)."""
    from tui.screens.customers.screen import SHOWN
    from tui.widgets.customer_picker import count_text

    shown, total = services.customers("", SHOWN)
    lines = [count_text(len(shown), total, "")]
    for n in range(1, len(typed) + 1):
        shown, total = services.customers(typed[:n], SHOWN)
        lines.append(count_text(len(shown), total, typed[:n]))
        if lines[-1] == lines[-2]:
            raise SystemExit(f"typing {typed[:n]!r} leaves Customers' count line as it was ({lines[-1]!r}), so "
                             "the key cannot be timed on screen: use more customers")
    return lines


def _pty_run(env: dict[str, str], count_lines: list[str], say) -> tuple[float, float, list[float], float]:
    """To Do open, Customers open, each filter key (seconds) and the peak resident memory (MB) of one run."""
    session = PtySession([sys.executable, "-m", "tui", "run"], env)
    try:
        todo = session.wait_for(["TC-0"])["TC-0"]
        session.send(b"c")
        customers = session.wait_for([count_lines[0]])[count_lines[0]]
        # the list has the focus while the Footer shows its keys ("New customer"), the filter once they are gone
        session.wait_until(lambda screen: "New customer" in screen.lines()[-1], timeout=10)
        session.send(b"/")
        session.wait_until(lambda screen: "New customer" not in screen.lines()[-1], timeout=10)
        keys = []
        for ch, line in zip(CUSTOMER_FILTER, count_lines[1:]):
            session.send(ch.encode())
            keys.append(session.wait_for([line], timeout=10)[line])
        rss = session.peak_rss_mb()
    finally:
        session.close()
    if todo is None or customers is None or None in keys:
        say(f"not seen on screen: To Do {todo}, Customers {customers}, keys {keys}; last output:\n"
            f"{bytes(session.output[-1500:])!r}")
        raise SystemExit(1)
    return todo, customers, keys, rss


def bench_scale(invoices: int, customers: int, runs: int, say=print) -> int:
    from tui import config
    from tui.services import Services

    home = Path(tempfile.mkdtemp(prefix="tradiecore-scale-"))
    t0 = time.perf_counter()
    env = seed_home(home, invoices, customers)
    say(f"seeded {invoices:,} invoices for {customers:,} customers in {time.perf_counter() - t0:.1f} s")
    services = Services(config.load(env), user="bench")
    count_lines = _customer_count_lines(services, CUSTOMER_FILTER)
    services.close()

    todo, cust, keys, rss = [], [], [], []
    for _ in range(runs + 1):  # the first run warms the disk cache and is not counted
        run = _pty_run(env, count_lines, say)
        todo.append(run[0]), cust.append(run[1]), keys.append(max(run[2])), rss.append(run[3])
    todo, cust, keys, rss = todo[1:], cust[1:], keys[1:], rss[1:]

    n_accounts, account_keys = bench_chart(home / "chart", runs)

    say(f"{runs} runs, 100x30 pseudo-terminal, `tradiecore run`; median (min-max)")
    say(f"  To Do's first rows from exec: {statistics.median(todo):.2f} s ({min(todo):.2f}-{max(todo):.2f})")
    say(f"  Customers open ('c' to its count line): {statistics.median(cust) * 1000:.0f} ms")
    say(f"  Customers filter, typing {CUSTOMER_FILTER!r}: slowest key {statistics.median(keys) * 1000:.0f} ms "
        f"({min(keys) * 1000:.0f}-{max(keys) * 1000:.0f})")
    say(f"  chart of accounts ({n_accounts:,} revenue accounts), typing {TYPED!r}: slowest key "
        f"{statistics.median(account_keys) * 1000:.0f} ms ({min(account_keys) * 1000:.0f}-"
        f"{max(account_keys) * 1000:.0f})")
    say("")
    say(f"to do open s: {statistics.median(todo):.2f}")
    say(f"customers filter key ms: {statistics.median(keys) * 1000:.0f}")
    say(f"accounts filter key ms: {statistics.median(account_keys) * 1000:.0f}")
    say(f"peak rss mb: {max(rss):.0f}")
    return verdict([Target("to do open", round(statistics.median(todo), 2), 1, "s"),
                    Target("customers filter key", round(statistics.median(keys) * 1000), 100, "ms"),
                    Target("accounts filter key", round(statistics.median(account_keys) * 1000), 100, "ms"),
                    Target("peak memory", round(max(rss)), 250, "MB")], say)
